#!/usr/bin/env bash
# Heap bytes our NBD server allocates per request, for one or more builds, under the same fio job. Unlike
# throughput this does not depend on what else the machine is doing, so it shows a per-request cost on a shared
# machine. The server runs with the Epsilon collector (which never frees) and without TLABs, so the heap's used
# bytes grow by exactly what is allocated; the difference over a fixed number of requests, divided by them, is
# the cost per request (request handling only: the JIT's and the attach's own allocations are a few KiB).
#
#   bench/alloc-per-request.sh [--rw randrw|randread|read|randwrite] [--bs 4k] [--ios 100000] JAR...
#
# Each JAR is a qcowctl.jar (e.g. cli/target/qcowctl.jar and an older build's); all serve a copy of the same
# 1 GiB image, filled by qemu-io, with 64 KiB clusters.
set -euo pipefail

rw=randrw
bs=4k
ios=100000
while [ $# -gt 0 ]; do
  case $1 in
    --rw) rw=$2; shift 2 ;;
    --bs) bs=$2; shift 2 ;;
    --ios) ios=$2; shift 2 ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { echo "usage: $0 [--rw MODE] [--bs SIZE] [--ios N] JAR..." >&2; exit 2; }

dir=$(mktemp -d /var/tmp/qcowdesk-alloc.XXXXXX)
pid=""
cleanup() {
  [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT

qemu-img create -q -f qcow2 -o cluster_size=65536 "$dir/filled.qcow2" 1G
qemu-io -f qcow2 -c 'write -P 0x5a 0 512M' -c 'write -P 0xa5 512M 512M' "$dir/filled.qcow2" >/dev/null

heap_used() {
  # "space 6291456K, 3% used [0x...start, 0x...top, 0x...end)": top - start is what was allocated
  jcmd "$1" GC.heap_info | grep -o '0x[0-9a-f]*, 0x[0-9a-f]*' | head -1 \
    | python3 -c "import sys; a, b = sys.stdin.read().split(', '); print(int(b, 16) - int(a, 16))"
}

echo "fio --rw=$rw --rwmixread=70 --bs=$bs --iodepth=16, $ios requests after a 4 s warm-up"
for jar in "$@"; do
  cp "$dir/filled.qcow2" "$dir/image.qcow2"
  rm -f "$dir/s.sock"
  java -XX:+UnlockExperimentalVMOptions -XX:+UseEpsilonGC -Xms4g -Xmx4g -XX:-UseTLAB \
    -jar "$jar" serve --socket "$dir/s.sock" "$dir/image.qcow2" >"$dir/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 600); do [ -S "$dir/s.sock" ] && break; sleep 0.1; done
  uri="nbd+unix:///qcow0?socket=$dir/s.sock"
  fio --name=warm --ioengine=nbd --iodepth=16 --uri="$uri" --rw="$rw" --rwmixread=70 --bs="$bs" \
    --time_based --runtime=4 --output-format=json --output=/dev/null
  before=$(heap_used "$pid")
  fio --name=count --ioengine=nbd --iodepth=16 --uri="$uri" --rw="$rw" --rwmixread=70 --bs="$bs" \
    --randrepeat=1 --randseed=1234 --norandommap --number_ios="$ios" --size=1G \
    --output-format=json --output="$dir/fio.json"
  after=$(heap_used "$pid")
  done_ios=$(python3 -c "import json; j = json.load(open('$dir/fio.json'))['jobs'][0]; \
print(j['read']['total_ios'] + j['write']['total_ios'])")
  echo "$jar: $(( (after - before) / done_ios )) bytes per request ($done_ios requests)"
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  pid=""
done
