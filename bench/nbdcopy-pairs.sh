#!/usr/bin/env bash
# nbdcopy to null from two builds of qcowctl serve, in alternating pairs, with and without extents (BLOCK_STATUS).
# Each build serves its own copy of the same written 1 GiB image; after two unmeasured copies from each, every
# pair times one copy from each build, alternating which goes first. Prints one line per pair: the two times, the
# CPU time each server used for its copy, base/ours (above 1: ours is faster) and the 1-minute load. The first
# pairs after start show the cold path (JIT), the later ones the steady state; bench/nbd-vs-qemu-nbd.sh's nbdcopy
# row measures the first copies after its other jobs. The server commands must exec java (bin/qcowctl does), so
# that the CPU time read from /proc is the server's.
#
#   OURS="bin/qcowctl" BASE="java -jar OLD/cli/target/qcowctl.jar" bench/nbdcopy-pairs.sh [PAIRS]
set -euo pipefail
pairs=${1:-6}
read -r -a ours <<<"${OURS:?OURS: the command that runs our qcowctl}"
read -r -a base <<<"${BASE:?BASE: the command that runs the other build}"
for tool in qemu-img qemu-io nbdcopy; do command -v $tool >/dev/null || { echo "missing $tool" >&2; exit 1; }; done
dir=$(mktemp -d /var/tmp/nbdcopy-pairs.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
qemu-img create -q -f qcow2 -o cluster_size=65536 "$dir/ours.qcow2" 1G
qemu-io -f qcow2 -c 'write -q -P 0x5a 0 512M' -c 'write -q -P 0xa5 512M 512M' "$dir/ours.qcow2" >/dev/null
cp "$dir/ours.qcow2" "$dir/base.qcow2"
"${ours[@]}" serve --socket "$dir/ours.sock" "$dir/ours.qcow2" >"$dir/ours.log" 2>&1 & pids+=($!)
"${base[@]}" serve --socket "$dir/base.sock" "$dir/base.qcow2" >"$dir/base.log" 2>&1 & pids+=($!)
for _ in $(seq 300); do [ -S "$dir/ours.sock" ] && [ -S "$dir/base.sock" ] && break; sleep 0.1; done
declare -A pid=([ours]=${pids[0]} [base]=${pids[1]})
hz=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # the server's user + system time (the commands exec java)
copy() { # side, nbdcopy flags... -> "seconds server-cpu-seconds"
  local side=$1 start end t0 t1; shift
  t0=$(cpu_ticks "${pid[$side]}"); start=$(date +%s%N)
  nbdcopy "$@" "nbd+unix:///qcow0?socket=$dir/$side.sock" null:
  end=$(date +%s%N); t1=$(cpu_ticks "${pid[$side]}")
  echo "$(echo "scale=4; ($end - $start) / 1000000000" | bc) $(echo "scale=2; ($t1 - $t0) / $hz" | bc)"
}
for _ in 1 2; do copy ours >/dev/null; copy base >/dev/null; done
for mode in extents no-extents; do
  flags=(); [ $mode = no-extents ] && flags=(--no-extents)
  for i in $(seq "$pairs"); do
    if [ $((i % 2)) = 1 ]; then read -r o oc <<<"$(copy ours "${flags[@]}")"; read -r b bc <<<"$(copy base "${flags[@]}")"
    else read -r b bc <<<"$(copy base "${flags[@]}")"; read -r o oc <<<"$(copy ours "${flags[@]}")"; fi
    echo "$mode pair $i: ours ${o} s (server cpu ${oc} s), base ${b} s (${bc} s), base/ours $(echo "scale=3; $b / $o" | bc), load $(cut -d' ' -f1 /proc/loadavg)"
  done
done
