#!/usr/bin/env bash
# Benchmarks `qcowctl snapshot -c/-a/-d` side by side with `qemu-img snapshot` in one run: two copies of the same
# image, the same operation on each (ours first, then qemu-img), RUNS times; wall time per operation (the median),
# and the ratio qemu-img / ours (> 1 means we are faster). Also the time of `qcowctl --version` (JVM start alone),
# since these operations take well under a second. After every step both images must check clean and compare
# identical (`qemu-img check`, `qemu-img compare`).
#
# Not part of CI.
#
#   bench/snapshot-vs-qemu-img.sh [--size MIB] [--data MIB] [--runs N] [--out FILE] [--keep]
#
# Environment:
#   QCOWCTL    command that runs qcowctl (default: bin/qcowctl, which builds cli/ when needed)
#   BENCH_DIR  where the images go (default: a new directory under /var/tmp; not tmpfs on purpose)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
size_mib=1024
data_mib=768
runs=3
out=""
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size_mib=$2; shift 2 ;;
    --data) data_mib=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
for tool in qemu-img qemu-io bc; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install qemu-utils bc)" >&2; exit 1; }
done
read -r -a qcowctl <<<"${QCOWCTL:-$repo/bin/qcowctl}"
"${qcowctl[@]}" --version >/dev/null   # builds the jar outside the timed runs

dir=${BENCH_DIR:-$(mktemp -d /var/tmp/qcowdesk-snapshot-bench.XXXXXX)}
cleanup() { [ "$keep" = 1 ] || rm -rf "$dir"; }
trap cleanup EXIT

# The image: data in 16 MiB stripes with holes between, and one compressed cluster.
base=$dir/base.qcow2
qemu-img create -q -f qcow2 "$base" "${size_mib}M"
cmds=()
for ((at = 0; at < data_mib; at += 16)); do cmds+=(-c "write -P $((at % 251)) $((at * 2 % size_mib))M 16M"); done
qemu-io -f qcow2 "${cmds[@]}" -c "write -c -P 9 $((size_mib - 1))M 64k" "$base" >/dev/null

now() { date +%s.%N; }
timed() { local t0 t1; t0=$(now); "$@" >/dev/null; t1=$(now); echo "$t1 - $t0" | bc -l; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
same() {
  qemu-img check -q "$dir/ours.qcow2" && qemu-img check -q "$dir/qemu.qcow2" \
    && qemu-img compare -q "$dir/ours.qcow2" "$dir/qemu.qcow2" \
    || { echo "the images differ or do not check clean after $1" >&2; exit 1; }
}

declare -A ours theirs
jvm=()
for ((r = 0; r < runs; r++)); do
  cp "$base" "$dir/ours.qcow2"; cp "$base" "$dir/qemu.qcow2"; sync
  jvm+=("$(timed "${qcowctl[@]}" --version)")
  ours[c]+=" $(timed "${qcowctl[@]}" snapshot -c s "$dir/ours.qcow2")"
  theirs[c]+=" $(timed qemu-img snapshot -c s "$dir/qemu.qcow2")"
  same "-c"
  for img in ours qemu; do qemu-io -f qcow2 -c "write -P 77 0 64M" "$dir/$img.qcow2" >/dev/null; done
  sync
  ours[a]+=" $(timed "${qcowctl[@]}" snapshot -a s "$dir/ours.qcow2")"
  theirs[a]+=" $(timed qemu-img snapshot -a s "$dir/qemu.qcow2")"
  same "-a"
  qemu-img compare -q "$base" "$dir/ours.qcow2" || { echo "-a did not restore the image" >&2; exit 1; }
  ours[d]+=" $(timed "${qcowctl[@]}" snapshot -d s "$dir/ours.qcow2")"
  theirs[d]+=" $(timed qemu-img snapshot -d s "$dir/qemu.qcow2")"
  same "-d"
done

load=$(uptime | sed 's/.*load average: //')
table="| operation | qcowctl s | qemu-img s | speed qemu-img/ours | ours without JVM start s |
| --- | ---: | ---: | ---: | ---: |"
start=$(median "${jvm[@]}")
for op in c a d; do
  # shellcheck disable=SC2086
  o=$(median ${ours[$op]}); q=$(median ${theirs[$op]})
  row=$(printf '| `snapshot -%s` | %.3f | %.3f | %.2f | %.3f |' "$op" "$o" "$q" "$(echo "$q / $o" | bc -l)" \
        "$(echo "$o - $start" | bc -l)")
  table+=$'\n'"$row"
done
summary="Medians of $runs runs; \`qcowctl --version\` (JVM start alone) took $(printf '%.3f' "$start") s. Load average at the end: $load."
echo "$table"
echo "$summary"
if [ -n "$out" ]; then
  {
    echo "# snapshot -c/-a/-d: qcowctl vs qemu-img, $(date -u +%F)"
    echo
    echo "Machine: $(nproc) cores, $(uname -sr), $(qemu-img --version | head -1), java $(java -version 2>&1 | head -1)"
    echo "Image: ${size_mib} MiB virtual, ${data_mib} MiB of data in 16 MiB stripes, 64 KiB clusters; -a reverts 64 MiB of writes."
    echo "Command: \`bench/snapshot-vs-qemu-img.sh --size $size_mib --data $data_mib --runs $runs\`"
    echo
    echo "$table"
    echo
    echo "$summary"
  } >"$out"
fi
