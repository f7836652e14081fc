#!/usr/bin/env bash
# Benchmarks `qcowctl convert` side by side with `qemu-img convert` in one run: the same source image, the same
# flags, one conversion each per case (ours first, then qemu-img, alternating per case), wall time and output
# size. Prints a table with time ratios qemu-img / ours (> 1 means we are faster) and size ratios ours / qemu-img.
#
# Not part of CI: a run takes a few minutes.
#
#   bench/convert-vs-qemu-img.sh [--size MIB] [--out FILE] [--keep]
#
# Environment:
#   QCOWCTL    command that runs qcowctl (default: bin/qcowctl, which builds cli/ when needed)
#   BENCH_DIR  where the images go (default: a new directory under /var/tmp; not tmpfs on purpose)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
size_mib=1024
out=""
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size_mib=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
for tool in qemu-img python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install qemu-utils python3)" >&2; exit 1; }
done
read -r -a qcowctl <<<"${QCOWCTL:-$repo/bin/qcowctl}"
"${qcowctl[@]}" --version >/dev/null   # builds the jar outside the timed runs

dir=${BENCH_DIR:-$(mktemp -d /var/tmp/qcowdesk-convert-bench.XXXXXX)}
cleanup() { [ "$keep" = 1 ] || rm -rf "$dir"; }
trap cleanup EXIT

# The source: a qcow2 image whose guest holds what disks hold, in 8 MiB stripes: text (compresses well), random
# bytes (does not), zeros written as data (convert must not store them), and holes.
src=$dir/source.qcow2
python3 - "$dir/source.raw" "$size_mib" <<'PY'
import os, random, sys
path, mib = sys.argv[1], int(sys.argv[2])
rnd = random.Random(7)
stripe = 8 << 20
with open(path, "wb") as f:
    for i in range(mib * (1 << 20) // stripe):
        kind = i % 4
        if kind == 0:
            lines = "".join("line %d of a log file, value %d\n" % (n, rnd.randrange(100000)) for n in range(200000))
            f.write(lines.encode()[:stripe].ljust(stripe, b"\n"))
        elif kind == 1:
            f.write(os.urandom(stripe))
        elif kind == 2:
            f.write(bytes(stripe))
        else:
            f.seek(stripe, 1)
    f.truncate(mib << 20)
PY
qemu-img convert -O qcow2 "$dir/source.raw" "$src"
rm -f "$dir/source.raw"

cases=("-O qcow2" "-c -O qcow2" "-c -O qcow2 -o compression_type=zstd" "-O raw" "-O qcow2 -o cluster_size=2M")
now() { date +%s.%N; }
table="| flags | qcowctl s | qemu-img s | speed qemu-img/ours | size ours/qemu-img |
| --- | ---: | ---: | ---: | ---: |"
for flags in "${cases[@]}"; do
  read -r -a f <<<"$flags"
  rm -f "$dir/ours" "$dir/qemu"
  sync; t0=$(now); "${qcowctl[@]}" convert "${f[@]}" "$src" "$dir/ours"; t1=$(now)
  sync; t2=$(now); qemu-img convert "${f[@]}" "$src" "$dir/qemu"; t3=$(now)
  qemu-img compare -q "$src" "$dir/ours" || { echo "our output differs for $flags" >&2; exit 1; }
  ours=$(echo "$t1 - $t0" | bc -l); theirs=$(echo "$t3 - $t2" | bc -l)
  so=$(du -k "$dir/ours" | cut -f1); sq=$(du -k "$dir/qemu" | cut -f1)
  row=$(printf '| `%s` | %.2f | %.2f | %.2f | %.3f |' "$flags" "$ours" "$theirs" \
        "$(echo "$theirs / $ours" | bc -l)" "$(echo "$so / $sq" | bc -l)")
  table+=$'\n'"$row"
  echo "$row"
done
echo
echo "$table"
if [ -n "$out" ]; then
  {
    echo "# convert: qcowctl vs qemu-img, $(date -u +%F)"
    echo
    echo "Machine: $(nproc) cores, $(uname -sr), $(qemu-img --version | head -1), java $(java -version 2>&1 | head -1)"
    echo "Source: ${size_mib} MiB qcow2 (text, random, written zeros and holes in 8 MiB stripes); one run per case."
    echo "Command: \`bench/convert-vs-qemu-img.sh --size $size_mib\`"
    echo
    echo "$table"
  } >"$out"
fi
