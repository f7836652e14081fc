#!/usr/bin/env bash
# Benchmarks our NBD server (`qcowctl serve`) side by side with qemu-nbd in one run: the same qcow2 images,
# the same fio jobs (fio's nbd engine) and the same nbdcopy, job by job, alternating which server goes first.
# Prints a table of ours / qemu-nbd ratios (> 1 means we are faster) and, with --out, writes it as markdown
# together with the machine facts and the exact commands.
#
# Not part of CI: a run takes a few minutes per round and wants a machine that is otherwise quiet.
#
#   bench/nbd-vs-qemu-nbd.sh [--rounds N] [--runtime SEC] [--out FILE] [--qemu-only] [--keep] [--only REGEX]
#                            [--no-footprint]
#   bench/nbd-vs-qemu-nbd.sh --footprint-only      only the footprint rows (start-up, info), a minute or two
#
# Environment:
#   QCOWCTL            command that runs qcowctl (default: bin/qcowctl, which builds cli/ when needed)
#   QCOWCTL_JAVA_OPTS  extra JVM options for our server, read by bin/qcowctl (e.g. a JFR recording)
#   QCOWCTL_BASE       a second qcowctl command (e.g. another build's java -jar .../qcowctl.jar) measured as the
#                      side "base" in the same run; the report then adds ours/base ratios with their spread
#   BENCH_DIR          where the images go (default: a new directory under /var/tmp; not tmpfs on purpose)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")

rounds=1
runtime=12
out=""
sides=(ours qemu)
keep=0
footprint_only=0
no_footprint=0
round_loads=()   # the 1-minute load average as each round starts: a shared machine's noise, on the record
only=""   # --only REGEX: just the jobs whose names match (e.g. 'read|randrw|nbdcopy' for the read path)
usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --runtime) runtime=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --qemu-only) sides=(qemu); shift ;;
    --keep) keep=1; shift ;;
    --footprint-only) footprint_only=1; shift ;;
    --no-footprint) no_footprint=1; shift ;;
    --only) only=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

[ -n "${QCOWCTL_BASE:-}" ] && [ "${sides[*]}" != qemu ] && sides=(ours base qemu)

for tool in qemu-img qemu-io qemu-nbd fio nbdcopy nbdinfo python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install qemu-utils fio libnbd-bin python3)" >&2; exit 1; }
done

# ---- the two servers -----------------------------------------------------------------------------------

# Both servers use the host page cache for the image file and make FLUSH an fsync: qemu-nbd's
# --cache=writeback is that mode (and its default); --aio=threads is its portable I/O path (no io_uring).
# --shared=8 lets several clients in and makes qemu-nbd advertise multi-conn, as ours does.
QEMU_NBD_FLAGS=(--format=qcow2 --cache=writeback --aio=threads --shared=8 --persistent)

IMAGE_SIZE=1G
CLUSTER_SIZE=65536
# exports, the same numbering on both servers
FILLED=0   # prefilled by qemu-io; read jobs, randrw and nbdcopy
SEQ=1      # fresh; sequential write (allocation path)
RAND=2     # fresh; random 4K writes (allocation path)
BIG=3      # fresh and larger, so that it has many L2 tables; one new cluster per write
BIG_SIZE=8G
EXPORTS=($FILLED $SEQ $RAND $BIG)

resolve_qcowctl() {
  read -r -a qcowctl <<<"${QCOWCTL:-$repo/bin/qcowctl}"
  # the first call builds the jar when the sources changed, so that no build time lands in a measurement
  "${qcowctl[@]}" --version >/dev/null
  export QCOWCTL_NO_REBUILD=1   # built now: no scan of the source tree inside a measurement
  if [ -n "${QCOWCTL_BASE:-}" ]; then read -r -a qcowctl_base <<<"$QCOWCTL_BASE"; "${qcowctl_base[@]}" --version >/dev/null; fi
}

uri() { # side export
  if [ "$1" = ours ] || [ "$1" = base ]; then echo "nbd+unix:///qcow$2?socket=$work/$1.sock"
  else echo "nbd+unix:///qcow$2?socket=$work/qemu-$2.sock"; fi
}

image() { # side export
  case "$2" in
    $FILLED) echo "$work/$1-filled.qcow2" ;; $SEQ) echo "$work/$1-seq.qcow2" ;;
    $RAND) echo "$work/$1-rand.qcow2" ;; $BIG) echo "$work/$1-big.qcow2" ;;
  esac
}

log_command() { [ "$round" -eq 1 ] && printf '%s\n' "$*" >>"$work/commands.txt"; return 0; }

make_images() {
  local fresh="$work/fresh.qcow2" filled="$work/filled.qcow2" side
  log_command qemu-img create -f qcow2 -o cluster_size=$CLUSTER_SIZE IMAGE $IMAGE_SIZE
  qemu-img create -q -f qcow2 -o cluster_size=$CLUSTER_SIZE "$fresh" $IMAGE_SIZE
  cp "$fresh" "$filled"
  log_command qemu-io -f qcow2 -c "'write -P 0x5a 0 512M'" -c "'write -P 0xa5 512M 512M'" FILLED_IMAGE
  qemu-io -f qcow2 -c 'write -P 0x5a 0 512M' -c 'write -P 0xa5 512M 512M' "$filled" >/dev/null
  for side in "${sides[@]}"; do
    cp "$filled" "$(image "$side" $FILLED)"
    cp "$fresh" "$(image "$side" $SEQ)"
    cp "$fresh" "$(image "$side" $RAND)"
    qemu-img create -q -f qcow2 -o cluster_size=$CLUSTER_SIZE "$(image "$side" $BIG)" $BIG_SIZE
  done
  rm -f "$fresh" "$filled"
}

wait_ready() { # uri pid log
  local i
  for i in $(seq 1 600); do
    nbdinfo --size "$1" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || { echo "server exited before it was ready:" >&2; cat "$3" >&2; exit 1; }
    sleep 0.1
  done
  echo "server not ready after 60 s: $1" >&2; cat "$3" >&2; exit 1
}

pids=()
declare -A server_pid   # side or qemu-<export> -> the process that serves it
start_servers() {
  local side n
  for side in "${sides[@]}"; do
    if [ "$side" = ours ] || [ "$side" = base ]; then
      local cmd=("${qcowctl[@]}")
      [ "$side" = base ] && cmd=("${qcowctl_base[@]}")
      log_command "${cmd[@]}" serve --socket "$work/$side.sock" FILLED_IMAGE SEQ_IMAGE RAND_IMAGE BIG_IMAGE
      "${cmd[@]}" serve --socket "$work/$side.sock" \
          "$(image $side $FILLED)" "$(image $side $SEQ)" "$(image $side $RAND)" "$(image $side $BIG)" >"$work/$side.log" 2>&1 &
      pids+=($!); server_pid[$side]=$!
      wait_ready "$(uri $side $BIG)" $! "$work/$side.log"
    else
      for n in "${EXPORTS[@]}"; do
        log_command qemu-nbd "${QEMU_NBD_FLAGS[@]}" --socket="$work/qemu-$n.sock" --export-name=qcow$n IMAGE_$n
        qemu-nbd "${QEMU_NBD_FLAGS[@]}" --socket="$work/qemu-$n.sock" --export-name=qcow$n \
            "$(image qemu $n)" >"$work/qemu-$n.log" 2>&1 &
        pids+=($!); server_pid[qemu-$n]=$!
        wait_ready "$(uri qemu $n)" $! "$work/qemu-$n.log"
      done
    fi
  done
}

stop_servers() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}

# ---- the jobs ------------------------------------------------------------------------------------------

FIO_COMMON=(--ioengine=nbd --iodepth=16 --numjobs=1 --randrepeat=1 --randseed=1234 --norandommap
            --output-format=json)

# name | export | metric (what fio reports that we compare) | fio options
JOBS=(
  "seq write 1M, fresh image, final flush|$SEQ|write_MiBps|--rw=write --bs=1M --size=$IMAGE_SIZE --end_fsync=1 --runtime=120"
  "rand write 4K, fresh image (allocating)|$RAND|write_iops|--rw=randwrite --bs=4k --time_based --runtime=RUNTIME"
  "rand read 4K, written image|$FILLED|read_iops|--rw=randread --bs=4k --time_based --runtime=RUNTIME"
  "seq read 1M, written image|$FILLED|read_MiBps|--rw=read --bs=1M --time_based --runtime=RUNTIME"
  "randrw 70/30 4K, written image|$FILLED|total_iops|--rw=randrw --rwmixread=70 --bs=4k --time_based --runtime=RUNTIME"
  "rand write 4K, fresh $BIG_SIZE image, a new cluster each (64K-aligned), 100 MiB|$BIG|write_iops|--rw=randwrite --bs=4k --blockalign=64k --io_size=100m --runtime=120"
)
NBDCOPY_JOB="nbdcopy written image to null: (median of 3)"

# CPU time (user + system, all threads) that the server serving <side, export> has used so far, in ticks.
# On a shared machine throughput depends on what else runs; the work done per CPU second much less so.
server_ticks() { # side export
  local pid=${server_pid[$1]:-${server_pid[$1-$2]:-}}
  awk '{print $14 + $15}' "/proc/$pid/stat"
}
cpu_seconds() { # ticks-before ticks-after
  python3 -c 'import os, sys; print((int(sys.argv[2]) - int(sys.argv[1])) / os.sysconf("SC_CLK_TCK"))' "$1" "$2"
}

# Reads fio's JSON and prints "value p99_us work": the metric, the 99th percentile completion latency, and the
# work done (I/Os for IOPS metrics, MiB for throughput metrics).
fio_metric() { # json metric
  python3 - "$1" "$2" <<'EOF'
import json, sys
text = open(sys.argv[1]).read()
job = json.loads(text[text.index("{"):])["jobs"][0]  # fio may put a warning line before the JSON
if job["error"]:
    sys.exit("fio reported error %d" % job["error"])
metric = sys.argv[2]
def p99(d):
    return d["clat_ns"].get("percentile", {}).get("99.000000", 0) / 1000 if d["total_ios"] else 0
if metric == "total_iops":
    value = job["read"]["iops"] + job["write"]["iops"]
    lat = max(p99(job["read"]), p99(job["write"]))
    work = job["read"]["total_ios"] + job["write"]["total_ios"]
else:
    d = job[metric.split("_")[0]]
    mib = metric.endswith("MiBps")
    value = d["bw_bytes"] / 2**20 if mib else d["iops"]
    lat = p99(d)
    work = d["io_bytes"] / 2**20 if mib else d["total_ios"]
print("%.1f %.0f %.1f" % (value, lat, work))
EOF
}

run_fio() { # side job-spec
  local side=$1 name export metric opts json ticks
  IFS='|' read -r name export metric opts <<<"$2"
  opts=${opts//RUNTIME/$runtime}
  json="$work/fio-$round-$side-${name//[^A-Za-z0-9]/_}.json"
  # shellcheck disable=SC2086  # opts is a list of fio options
  log_command fio --name=bench "${FIO_COMMON[@]}" --uri="$(uri "$side" "$export")" $opts --output=OUT.json
  settle
  ticks=$(server_ticks "$side" "$export")
  reset_peak_rss "$side" "$export"
  # shellcheck disable=SC2086
  timeout $((runtime * 3 + 180)) fio --name=bench "${FIO_COMMON[@]}" --uri="$(uri "$side" "$export")" $opts \
      --output="$json" >/dev/null
  record "$name" "$side" "$metric" "$(fio_metric "$json" "$metric")" "$(cpu_seconds "$ticks" "$(server_ticks "$side" "$export")")" \
      "$(peak_rss_mib "$side" "$export")"
}

# Before each measurement the dirty pages of the jobs before it are written out (sync), so that no side reads
# while the kernel writes back another side's (or its own earlier job's) data: the kernel starts that writeback
# 30 s after the pages were dirtied, which put it in the middle of whichever read job came then. The allocating
# job of a faster server dirties more of its image, and the job after it paid for that.
settle() { sync; }

# Peak resident memory of the server serving <side, export> during one job: the kernel's high-water mark
# (VmHWM), reset before the job (writing 5 to clear_refs; needs root or the server's owner).
server_pid_of() { echo "${server_pid[$1]:-${server_pid[$1-$2]:-}}"; }
reset_peak_rss() { echo 5 >"/proc/$(server_pid_of "$1" "$2")/clear_refs" 2>/dev/null || true; }
peak_rss_mib() { awk '/^VmHWM:/ {printf "%.1f", $2 / 1024}' "/proc/$(server_pid_of "$1" "$2")/status"; }

record() { # job side metric "value p99 work" server-cpu-seconds peak-rss-MiB
  printf '%s\t%s\t%s\t%s\t%s %s %s\n' "$round" "$1" "$2" "$3" "$4" "$5" "$6" >>"$work/results.tsv"
}

run_nbdcopy() { # side
  local side=$1 t start times=() ticks
  log_command nbdcopy "$(uri "$side" $FILLED)" null:
  settle
  ticks=$(server_ticks "$side" $FILLED)
  reset_peak_rss "$side" $FILLED
  for t in 1 2 3; do
    start=$(date +%s.%N)
    timeout 300 nbdcopy "$(uri "$side" $FILLED)" null:
    times+=("$(python3 -c 'import sys; print(float(sys.argv[1]) - float(sys.argv[2]))' "$(date +%s.%N)" "$start")")
  done
  record "$NBDCOPY_JOB" "$side" read_MiBps \
      "$(python3 -c 'import sys, statistics; print("%.1f 0 3072" % (1024 / statistics.median(map(float, sys.argv[1:]))))' "${times[@]}")" \
      "$(cpu_seconds "$ticks" "$(server_ticks "$side" $FILLED)")" "$(peak_rss_mib "$side" $FILLED)"
}

warm_up() { # side: JIT warm-up for our JVM; qemu-nbd gets the same so that the page cache is equal too
  log_command fio --name=warmup "${FIO_COMMON[@]}" --uri="$(uri "$1" $FILLED)" --rw=randrw --bs=4k --time_based --runtime=5 --output=/dev/null
  fio --name=warmup "${FIO_COMMON[@]}" --uri="$(uri "$1" $FILLED)" --rw=randrw --bs=4k --time_based --runtime=5 \
      --output=/dev/null >/dev/null
}

# Each job runs on every server before the next job. The order rotates from job to job and round to round, so
# that each side runs first, in the middle and last alike: drift, and the kernel's writeback of the dirty pages
# that the write jobs left (it starts 30 s after they were written), then hit every side. With three sides,
# alternating forward and reversed order kept base always second and gave ours/base a 5-15% bias on the read
# jobs that follow the write jobs (bench/results/2026-12-07-alloc-3.md).
in_order() {
  local k=$(((round + $1) % ${#sides[@]}))
  printf '%s\n' "${sides[@]:k}" "${sides[@]:0:k}"
}

# ---- report --------------------------------------------------------------------------------------------

summarise() {
  python3 - "$work/results.tsv" <<'EOF'
import sys, statistics, collections
rows = collections.OrderedDict()
for line in open(sys.argv[1]):
    rnd, job, side, metric, numbers = line.rstrip("\n").split("\t")
    value, p99, work, cpu, rss = map(float, numbers.split())
    rows.setdefault((job, metric), {}).setdefault(side, []).append(
        (value, p99, work / cpu if cpu > 0 else float("nan"), rss))
unit = {"write_MiBps": "MiB/s", "read_MiBps": "MiB/s", "write_iops": "IOPS", "read_iops": "IOPS", "total_iops": "IOPS"}
def med(v, i):
    return statistics.median(x[i] for x in v) if v else None
def ratio(o, q, i):
    return med(o, i) / med(q, i) if o and q and med(q, i) else None
def fmt(x, p=0):
    return "—" if x is None else ("%.*f" % (p, x))
print("| job | unit | ours | qemu-nbd | **ours/qemu-nbd** | per server CPU-second: ours | qemu-nbd | **ours/qemu-nbd** | p99 µs ours | p99 µs qemu-nbd | peak RSS MiB ours | qemu-nbd |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for (job, metric), sides in rows.items():
    o, q = sides.get("ours"), sides.get("qemu")
    lat = not job.startswith("nbdcopy")
    work_unit = "MiB" if metric.endswith("MiBps") else "I/Os"
    print("| %s | %s | %s | %s | **%s** | %s %s | %s %s | **%s** | %s | %s | %s | %s |" % (
        job, unit[metric], fmt(med(o, 0)), fmt(med(q, 0)), fmt(ratio(o, q, 0), 2),
        fmt(med(o, 2)), work_unit, fmt(med(q, 2)), work_unit, fmt(ratio(o, q, 2), 2),
        fmt(med(o, 1)) if lat else "", fmt(med(q, 1)) if lat else "",
        fmt(max(x[3] for x in o) if o else None), fmt(max(x[3] for x in q) if q else None)))
if any("base" in sides for sides in rows.values()):
    # one ratio per round (ours and base ran back to back in it), then their median and range
    per_round = collections.defaultdict(dict)
    for line in open(sys.argv[1]):
        rnd, job, side, metric, numbers = line.rstrip("\n").split("\t")
        value, p99, work, cpu = map(float, numbers.split()[:4])
        per_round[(job, metric, rnd)][side] = (value, work / cpu if cpu > 0 else float("nan"))
    print()
    print("| job | **ours/base** (median) | min–max over rounds | per CPU-second ours/base (median) | min–max |")
    print("| --- | ---: | --- | ---: | --- |")
    for (job, metric) in rows:
        r = [(v["ours"][0] / v["base"][0], v["ours"][1] / v["base"][1])
             for (j, m, _), v in per_round.items() if (j, m) == (job, metric) and "ours" in v and "base" in v
             and v["base"][0] and v["base"][1]]
        if not r:
            continue
        t = [x[0] for x in r]
        c = [x[1] for x in r]
        print("| %s | **%.2f** | %.2f–%.2f | %.2f | %.2f–%.2f |" % (job, statistics.median(t), min(t), max(t),
              statistics.median(c), min(c), max(c)))
EOF
}

machine_facts() {
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- CPU: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1); RAM: $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
  echo "- kernel $(uname -r); images on $(df -T "$work" | awk 'NR==2 {print $2}') ($work)"
  echo "- load average before / after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg)"
  [ ${#round_loads[@]} -gt 0 ] && echo "- 1-minute load average as each round started: ${round_loads[*]}"
  echo "- $(java -version 2>&1 | head -1); $(qemu-nbd --version | head -1); $(fio --version); $(nbdcopy --version | head -1)"
  echo "- repository: $(git -C "$repo" log -1 --format='%h %s' 2>/dev/null || echo unknown)"
  [ -n "${QCOWCTL_BASE:-}" ] && echo "- base (side \"base\"): $QCOWCTL_BASE"
  echo "- rounds: $rounds (table shows the median), time-based jobs: $runtime s each, iodepth 16, one connection per fio job"
}

# ---- footprint: start-up to the first completed handshake, and qcowctl info against qemu-img info ------

FOOTPRINT_RUNS=10
# Prints "median min max" seconds from starting a server until nbdinfo completes a handshake with it (polled
# every 5 ms).
startup_seconds() { # side image
  python3 - "$@" <<'EOF'
import os, statistics, subprocess, sys, time
side, image = sys.argv[1], sys.argv[2]
work = os.path.dirname(image)
ours = os.environ["QCOWCTL_CMD"].split()
times = []
for i in range(int(os.environ["FOOTPRINT_RUNS"])):
    sock = os.path.join(work, "startup-%s-%d.sock" % (side, i))
    if side != "qemu":
        cmd = ours + ["serve", "--socket", sock, image]
    else:
        cmd = ["qemu-nbd", "--format=qcow2", "--socket=" + sock, "--export-name=qcow0", image]
    uri = "nbd+unix:///qcow0?socket=" + sock
    start = time.monotonic()
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while subprocess.run(["nbdinfo", "--size", uri], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL).returncode:
            if time.monotonic() - start > 30:
                sys.exit("%s did not answer within 30 s" % side)
            time.sleep(0.005)
        times.append(time.monotonic() - start)
    finally:
        server.terminate()
        server.wait(10)
print("%.4f %.4f %.4f" % (statistics.median(times), min(times), max(times)))
EOF
}

# Prints "median min max" wall seconds and the largest peak RSS in MiB of FOOTPRINT_RUNS runs of a command,
# timed with the monotonic clock around fork and wait (GNU time's 10 ms steps cannot tell qemu-img info's
# few milliseconds apart), the peak RSS from wait4's rusage.
command_footprint() { # command...
  python3 - "$@" <<'EOF'
import os, statistics, subprocess, sys, time
walls, rss = [], 0
for _ in range(int(os.environ["FOOTPRINT_RUNS"])):
    start = time.perf_counter()
    child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    walls.append(time.perf_counter() - start)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        sys.exit("%s exited with %d" % (" ".join(sys.argv[1:]), child.returncode))
    rss = max(rss, usage.ru_maxrss)
print("%.4f %.4f %.4f %.1f" % (statistics.median(walls), min(walls), max(walls), rss / 1024))
EOF
}

footprint() {
  local image="$work/footprint.qcow2" ours_start qemu_start ours_info ours_json qemu_info qemu_json
  local base_start="" base_info="" base_json=""
  qemu-img create -q -f qcow2 -o cluster_size=$CLUSTER_SIZE "$image" $IMAGE_SIZE
  qemu-io -f qcow2 -c 'write -P 1 0 64M' "$image" >/dev/null
  export FOOTPRINT_RUNS
  echo "  footprint: start-up to first handshake, info ($FOOTPRINT_RUNS runs each)" >&2
  # with QCOWCTL_BASE, the other build's rows come from the same run, each measurement next to ours
  export QCOWCTL_CMD="${qcowctl[*]}"
  ours_start=$(startup_seconds ours "$image")
  if [ -n "${QCOWCTL_BASE:-}" ]; then
    QCOWCTL_CMD="${qcowctl_base[*]}"
    base_start=$(startup_seconds base "$image")
    QCOWCTL_CMD="${qcowctl[*]}"
  fi
  qemu_start=$(startup_seconds qemu "$image")
  ours_info=$(command_footprint "${qcowctl[@]}" info "$image")
  [ -z "${QCOWCTL_BASE:-}" ] || base_info=$(command_footprint "${qcowctl_base[@]}" info "$image")
  qemu_info=$(command_footprint qemu-img info "$image")
  ours_json=$(command_footprint "${qcowctl[@]}" info --json "$image")
  [ -z "${QCOWCTL_BASE:-}" ] || base_json=$(command_footprint "${qcowctl_base[@]}" info --json "$image")
  qemu_json=$(command_footprint qemu-img info --output=json "$image")
  python3 -c 'import sys
runs = sys.argv[1]
o_start, q_start, o_info, q_info, o_json, q_json = (list(map(float, a.split())) for a in sys.argv[2:8])
base = [list(map(float, a.split())) if a else None for a in sys.argv[8:11]]
with_base = base[0] is not None
print("| what (median of %s runs, min–max) | ours |%s QEMU | **ours/QEMU** |%s" % (runs,
      " base (before) |" if with_base else "", " **ours/base** |" if with_base else ""))
print("| --- | ---: |%s ---: | ---: |%s" % (" ---: |" if with_base else "", " ---: |" if with_base else ""))
def row(name, o, q, b):
    cells = ["%.3f s (%.3f–%.3f)" % tuple(o[:3])]
    if with_base:
        cells.append("%.3f s (%.3f–%.3f)" % tuple(b[:3]))
    cells += ["%.4f s (%.4f–%.4f)" % tuple(q[:3]), "**%.1f**" % (o[0] / q[0])]
    if with_base:
        cells.append("**%.2f**" % (o[0] / b[0]))
    print("| %s | %s |" % (name, " | ".join(cells)))
def rss(name, o, q, b):
    cells = ["%.1f MiB" % o[3]] + (["%.1f MiB" % b[3]] if with_base else []) + ["%.1f MiB" % q[3], "**%.1f**" % (o[3] / q[3])]
    if with_base:
        cells.append("**%.2f**" % (o[3] / b[3]))
    print("| %s | %s |" % (name, " | ".join(cells)))
row("start-up to the first completed NBD handshake (serve vs qemu-nbd)", o_start, q_start, base[0])
row("qcowctl info vs qemu-img info, wall time", o_info, q_info, base[1])
row("qcowctl info --json vs qemu-img info --output=json, wall time", o_json, q_json, base[2])
rss("qcowctl info vs qemu-img info, peak RSS (largest)", o_info, q_info, base[1])' \
      "$FOOTPRINT_RUNS" "$ours_start" "$qemu_start" "$ours_info" "$qemu_info" "$ours_json" "$qemu_json" \
      "$base_start" "$base_info" "$base_json"
  rm -f "$image"
}

# ---- main ----------------------------------------------------------------------------------------------

work=${BENCH_DIR:-$(mktemp -d /var/tmp/qcowdesk-bench.XXXXXX)}
mkdir -p "$work"
cleanup() { stop_servers; [ "$keep" -eq 1 ] || rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
: >"$work/results.tsv"; : >"$work/commands.txt"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

qcowctl=()
[[ " ${sides[*]} " == *" ours "* ]] && resolve_qcowctl
if [ "$footprint_only" -eq 1 ]; then
  footprint
  exit 0
fi

for round in $(seq 1 "$rounds"); do
  echo "round $round/$rounds: images in $work" >&2
  round_loads+=("$(cut -d' ' -f1 /proc/loadavg)")
  make_images
  start_servers
  for side in "${sides[@]}"; do warm_up "$side"; done
  i=0
  for spec in "${JOBS[@]}"; do
    i=$((i + 1))
    [[ -z "$only" || "${spec%%|*}" =~ $only ]] || continue
    for side in $(in_order $i); do
      echo "  ${spec%%|*} — $side" >&2
      run_fio "$side" "$spec"
    done
  done
  if [[ -z "$only" || "$NBDCOPY_JOB" =~ $only ]]; then
    for side in $(in_order 0); do echo "  $NBDCOPY_JOB — $side" >&2; run_nbdcopy "$side"; done
  fi
  stop_servers
  # the images our server wrote must still be valid qcow2 (a fast server that corrupts is no result)
  for side in "${sides[@]}"; do
    for n in "${EXPORTS[@]}"; do
      qemu-img check -q "$(image "$side" $n)" || { echo "qemu-img check failed on $(image "$side" $n)" >&2; exit 1; }
    done
  done
  rm -f "$work"/*.qcow2
done

table=$(summarise)
echo "$table"
footprint_table=""
[[ " ${sides[*]} " == *" ours "* && $no_footprint -eq 0 ]] && footprint_table=$(footprint)
echo
echo "$footprint_table"
if [ -n "$out" ]; then
  {
    echo "# NBD server benchmark: qcowctl serve vs qemu-nbd"
    echo
    machine_facts
    echo
    echo "Ratios are ours / qemu-nbd: above 1 we are faster. Throughput in MiB/s, IOPS for 4K jobs. \"Per server"
    echo "CPU-second\" divides the work done by the CPU time (user + system, all threads) the serving process used"
    echo "during the job: on a machine shared with other work it is steadier than throughput, and it is what a"
    echo "server costs. p99 is fio's 99th percentile completion latency (the larger of read and write for randrw)."
    echo
    echo "$table"
    echo
    echo "Peak RSS is the server process's resident high-water mark (VmHWM, reset before each job). Ours is one"
    echo "process serving every export; qemu-nbd is one process per export."
    echo
    if [ -n "$footprint_table" ]; then
      echo "## Footprint"
      echo
      echo "$footprint_table"
      echo
    fi
    echo "## Setup"
    echo
    echo "Both servers keep the image in the host page cache and turn FLUSH into fsync (qemu-nbd --cache=writeback,"
    echo "its default, with --aio=threads); both advertise multi-conn. Each round makes fresh 1 GiB images with 64 KiB"
    echo "clusters, identical for both servers; the written image is filled by qemu-io beforehand. Before measuring,"
    echo "each server gets 5 s of 4K randrw on the written image (JIT warm-up for ours, equal page cache for both)."
    echo "Each job runs on every server before the next job starts, the order rotating so that each goes first, in"
    echo "the middle and last alike, and \`sync\` writes out the dirty pages of the jobs before it first (outside the"
    echo "measured time). After the run every image passes qemu-img check."
    echo
    echo "## Commands"
    echo
    echo '```'
    sed "s#$work#\$DIR#g" "$work/commands.txt"
    echo '```'
    echo
    echo "## Raw values (round, job, server, metric, value p99-µs work server-CPU-s)"
    echo
    echo '```'
    cat "$work/results.tsv"
    echo '```'
  } >"$out"
  echo "results written to $out" >&2
fi
