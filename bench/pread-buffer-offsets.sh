#!/usr/bin/env bash
# Where a server's READ buffers start within a page: serves a written 256 MiB image, runs nbdcopy to null twice
# unmeasured, then once with every pread64 of the server traced, and prints how many reads went into buffers at
# each page offset and how many distinct buffers there were. The kernel copies a cached page into a buffer at
# page offset 1 to 31 at a fraction of its speed (bench/PreadAlignment.java), so offsets below 32 other than 0
# are the slow case (bench/results/2026-12-07-nbdcopy-bimodal.md).
#
#   bench/pread-buffer-offsets.sh COMMAND...   e.g.  bench/pread-buffer-offsets.sh env QCOWCTL_NO_REBUILD=1 bin/qcowctl
# COMMAND must exec java (bin/qcowctl does), so that strace follows the server itself.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 COMMAND... (a qcowctl that serves)" >&2; exit 2; }
for tool in qemu-img qemu-io nbdcopy strace python3; do command -v $tool >/dev/null || { echo "missing $tool" >&2; exit 1; }; done
dir=$(mktemp -d /var/tmp/pread-offsets.XXXXXX)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
qemu-img create -q -f qcow2 -o cluster_size=65536 "$dir/t.qcow2" 256M
qemu-io -f qcow2 -c 'write -q -P 0x5a 0 256M' "$dir/t.qcow2" >/dev/null
"$@" serve --read-only --socket "$dir/s.sock" "$dir/t.qcow2" >"$dir/serve.log" 2>&1 & server=$!
for _ in $(seq 300); do [ -S "$dir/s.sock" ] && break; sleep 0.1; done
uri="nbd+unix:///qcow0?socket=$dir/s.sock"
nbdcopy "$uri" null:; nbdcopy "$uri" null:
strace -f -e trace=pread64 -e raw=pread64 -o "$dir/trace" -p "$server" 2>/dev/null & tracer=$!
sleep 1
nbdcopy "$uri" null:
sleep 0.5; kill -INT "$tracer"; wait "$tracer" 2>/dev/null || true
python3 - "$dir/trace" <<'PY'
import collections, re, sys
reads = collections.Counter()
for line in open(sys.argv[1]):
    m = re.search(r'pread64\(0x[0-9a-f]+, (0x[0-9a-f]+), (0x[0-9a-f]+), (0x[0-9a-f]+)', line)
    if m:
        reads[int(m.group(1), 16)] += 1
by_offset = collections.Counter()
for address, n in reads.items():
    by_offset[address % 4096] += n
print(f"{sum(reads.values())} reads into {len(reads)} buffers; reads by the buffer's offset within its page:")
for offset, n in sorted(by_offset.items()):
    print(f"  {offset:4d}: {n}{'   <- slow (1..31)' if 0 < offset < 32 else ''}")
PY
