#!/usr/bin/env bash
# Long form of the power-loss test (NbdPowerLossTest): the NBD server in a process of its own over disks that
# lose every unsynced write at a power cut, killed with SIGKILL at ROUNDS random instants while three
# connections per image write, write zeroes, trim and flush; each kill is one kill point for each of the seven
# image kinds. CI runs 8 rounds (56 kill points); this defaults to 50 rounds (350 kill points).
#
#   scripts/durability.sh [ROUNDS] [SEED]
set -uo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-50}
seed=${2:-$RANDOM$RANDOM}
log=$(mktemp)
mvn -o -B -q -pl nbd-bridge -am test -Dtest=NbdPowerLossTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dqcowdesk.powerloss.rounds="$rounds" -Dqcowdesk.powerloss.seed="$seed" >"$log" 2>&1
status=$?
grep -aE 'power loss over NBD|AssertionError|Tests run:.*Fail' "$log"
[ $status -eq 0 ] || echo "failed (seed $seed); full log: $log"
[ $status -ne 0 ] || rm -f "$log"
exit $status
