#!/usr/bin/env bash
# Long form of the NBD fuzzing (NbdFuzzTest): six connections send mutated sessions (handshakes, options,
# requests with payloads) for SECONDS (default 120; CI runs 8) while two well-behaved clients verify their data.
#
#   scripts/nbd-fuzz.sh [SECONDS] [SEED]
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-120}
seed=${2:-$RANDOM$RANDOM}
log=$(mktemp)
mvn -o -B -q -pl nbd-bridge -am test -Dtest=NbdFuzzTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dqcowdesk.nbdfuzz.seconds="$seconds" -Dqcowdesk.nbdfuzz.seed="$seed" >"$log" 2>&1
status=$?
grep -aE 'NBD fuzzing|AssertionError|AssertionFailed|Tests run:.*Fail' "$log"
[ $status -eq 0 ] || echo "failed (seed $seed); full log: $log"
[ $status -ne 0 ] || rm -f "$log"
exit $status
