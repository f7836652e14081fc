#!/usr/bin/env bash
# Long form of the image fuzzing (MutatedImageProperties): CASES mutated real images, in the engine's fuzz
# execution (a JVM capped at -Xmx256m), with fresh seeds (CI runs 3000 with a fixed seed).
#
#   scripts/fuzz.sh [CASES]
set -uo pipefail
cd "$(dirname "$0")/.."
cases=${1:-30000}
log=$(mktemp)
mvn -o -B -q -pl engine -am test -Dtest=MutatedImageProperties -Dsurefire.failIfNoSpecifiedTests=false \
    -Djqwik.tries.default="$cases" -Dqcowdesk.fuzz.explore=true >"$log" 2>&1
status=$?
grep -aE 'image fuzzing|seed|AssertionError|Tests run:.*Fail' "$log"
[ $status -eq 0 ] || echo "failed; full log: $log"
[ $status -ne 0 ] || rm -f "$log"
exit $status
