#!/usr/bin/env bash
# Long form of the load test (NbdLoadTest): 16 connections x 32 requests in flight, mixed, over two devices for
# SECONDS (default 60; CI runs 8), then both images verified chunk by chunk and qemu-img checked; heap and thread
# count must stay flat.
#
#   scripts/load.sh [SECONDS] [SEED]
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
seed=${2:-$RANDOM$RANDOM}
log=$(mktemp)
mvn -o -B -q -pl nbd-bridge -am test -Dtest=NbdLoadTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dqcowdesk.load.seconds="$seconds" -Dqcowdesk.load.seed="$seed" >"$log" 2>&1
status=$?
grep -aE 'load \(seed|AssertionError|Tests run:.*Fail' "$log"
[ $status -eq 0 ] || echo "failed (seed $seed); full log: $log"
[ $status -ne 0 ] || rm -f "$log"
exit $status
