# qcowctl's JVM options per command, in one place: sourced (POSIX sh) by bin/qcowctl in the source tree and, in
# the app image (installers/build.sh copies it to lib/app/), by the installed bin/qcowctl (installers/qcowctl.sh).
# Both launchers used to carry their own copy of this table and the copies drifted apart.
# It lives in bin/, beside the launcher that runs from the source tree, because it is part of that launcher, not
# a resource of the app; it is not executable on its own.
#
# qcowctl_jvm_options COMMAND sets qcowctl_jvm (the options, separated by spaces: none holds a space),
# qcowctl_cds (the class-data-sharing archive the launcher maps, a file name without .jsa, beside the jar) and, for
# a server, exports MALLOC_ARENA_MAX. The launchers put $QCOWCTL_JAVA_OPTS after these, so a user's options win.
#
# Two archives, made from the same training runs: qcowctl (the classes of info, info --json and serve, for every
# command but a server) and qcowctl-serve (serve's alone, for serve and daemon). A serving process keeps nearly all
# of its archive resident (JDK 17 relocates it at every start, which writes every page that holds a pointer), so
# the classes of the short commands in it were 1.3 MiB of every server's resident memory (the archive 12.5 MiB
# resident instead of 13.8, bench/results/2026-12-07-rss-floor.md).
qcowctl_jvm_options() {
  qcowctl_cds=qcowctl
  case "${1:-}" in
    # A short command: the first JIT tier only (a second tier would compile nothing before the command ends), no
    # performance-data file to create and map, small thread stacks, and G1, the one collector with which JDK 17
    # maps the CDS archive's heap objects (the module graph among them). The installed archive is dumped with
    # these options: the package's postinst runs the launcher without a command.
    info|list|-l|fname|stat|attach|detach|--version|-V|--help|-h|"")
      qcowctl_jvm="-XX:+UseG1GC -Xss512k -XX:TieredStopAtLevel=1 -XX:-UsePerfData" ;;

    # A server (serve; daemon, which the app starts as its background owner):
    # - a heap sized for what it holds (caches and buffer pools are bounded by its configuration; the live heap of
    #   a serving process is ~4 MiB), the serial collector (no GC threads, no per-region bookkeeping), and a young
    #   generation that cannot grow with the old one (with NewRatio it would become a third of a heap that L2
    #   caches filled, every byte of it touched between collections);
    # - a bounded direct-memory pool: the NBD payload pool (a 6 MiB working set within a 32 MiB budget) and each
    #   connection's read buffer; the limit is a safety net, not the working size;
    # - freed native memory handed back every second: the C2 compiler's arenas take 16-28 MiB while it compiles
    #   the request path and the JVM keeps them for seconds, glibc longer (TrimNativeHeapInterval: JDK 17.0.9 and
    #   later; IgnoreUnrecognizedVMOptions lets older ones start without it);
    # - at most two malloc arenas instead of one per thread that ever allocated;
    # - the request path compiled by C2 in pieces instead of one: left alone, C2 compiles
    #   Transmission.runOnWorker with the whole path inlined (~430 methods, reads and writes together, 38 KB of
    #   code) and again whenever a new kind of request makes the profile change, and each such compilation
    #   takes 16-28 MiB of compiler arenas. Not inlining the write path's entry points (the disk's
    #   DeviceDisk.write, the executor's CommandExecutor.perform) nor the writer's two paths
    #   (GuestWriter.writeAllocating, GuestWriter.tryWriteInPlace, which Qcow2Image.write's compilation inlined:
    #   265 methods, 23 KB) makes each of them a compilation of its own; a write pays a few calls more, and
    #   allocates no more (escape analysis still sees its objects: bench/alloc-per-request.sh). The read path
    #   stays inlined whole: split the same way (DeviceDisk.readReportingZerosUnchecked, CommandExecutor.read)
    #   it served 4K reads with more CPU per request and held no less memory on the read rows
    #   (bench/results/2026-12-07-rss-split-compiles.md).
    # - and two leaves that the write path's compilations inlined again and again, each a call that costs
    #   nothing beside its system call: a socket read (SocketChannelImpl.read, ~108 methods, inlined twice into
    #   Transmission.acceptWrite's 360-method compilation of a 1 MiB write) and a file write
    #   (GuestWriter.writeData, ~77, twice in writeAllocating): seq write 1M's peak fell from 67-70 to 59-62 MiB
    #   (bench/results/2026-12-07-rss-quiet.md). The read path's leaves (the read-write lock's shared acquire and
    #   release, a read reply's header) stay inlined: compiled on their own they cost 4K reads 4% of their
    #   throughput and 7% of their work per CPU-second, for no lower peak in the same run
    #   (bench/results/2026-12-07-rss-read-leaves.md). The small writes that a connection's reading thread carries
    #   out itself (Transmission.writeInline) are a compilation of their own too, and so is the write of their
    #   held replies (HeldReplies.writeOut): inlined into the reading loop, the write path and a second copy of the
    #   socket's write path made its compilation large enough to lift the allocating row's peak to 68-71 MiB
    #   (bench/results/2026-12-07-alloc-2.md). The read path's batch reader (GuestReader.readBatch) is a
    #   compilation of its own too, for a different reason: 4K reads never join two clusters into one read, so
    #   C2 compiles that branch as a trap, and the first read that spans clusters (a 1 MiB read) threw away the
    #   whole request path's compilation (~5,000 bytes of bytecode inlined) and compiled it again while the
    #   payload buffers of the large reads were in use: seq read 1M's peak went to 64-71 MiB in some rounds.
    #   Apart, the trap costs only readBatch's own small compilation (bench/results/2026-12-08-read-batch.md).
    #   CompileCommand=quiet keeps
    #   the JVM from printing each command on standard output, whose first line is the export's URI.
    #   ServerCompileCommandsTest checks that these methods exist (the JVM ignores a command that names none).
    serve|daemon)
      qcowctl_jvm="-XX:+UseSerialGC -Xms8m -Xmx256m -XX:MaxNewSize=8m -XX:MaxDirectMemorySize=64m"
      qcowctl_jvm="$qcowctl_jvm -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=64m -Xss512k"
      qcowctl_jvm="$qcowctl_jvm -XX:+IgnoreUnrecognizedVMOptions -XX:TrimNativeHeapInterval=1000"
      qcowctl_jvm="$qcowctl_jvm -XX:CompileCommand=quiet"
      qcowctl_jvm="$qcowctl_jvm -XX:CompileCommand=dontinline,qcowdesk.engine.device.DeviceDisk::write"
      qcowctl_jvm="$qcowctl_jvm -XX:CompileCommand=dontinline,qcowdesk.bridge.nbd.CommandExecutor::perform"
      qcowctl_jvm="$qcowctl_jvm -XX:CompileCommand=dontinline,qcowdesk.engine.qcow2.GuestWriter::writeAllocating"
      qcowctl_jvm="$qcowctl_jvm -XX:CompileCommand=dontinline,qcowdesk.engine.qcow2.GuestWriter::tryWriteInPlace"
      qcowctl_jvm="$qcowctl_jvm -XX:CompileCommand=dontinline,qcowdesk.engine.qcow2.GuestWriter::writeData"
      qcowctl_jvm="$qcowctl_jvm -XX:CompileCommand=dontinline,sun.nio.ch.SocketChannelImpl::read"
      qcowctl_jvm="$qcowctl_jvm -XX:CompileCommand=dontinline,qcowdesk.bridge.nbd.Transmission::writeInline"
      qcowctl_jvm="$qcowctl_jvm -XX:CompileCommand=dontinline,qcowdesk.bridge.nbd.HeldReplies::writeOut"
      qcowctl_jvm="$qcowctl_jvm -XX:CompileCommand=dontinline,qcowdesk.engine.qcow2.GuestReader::readBatch"
      qcowctl_cds=qcowctl-serve
      MALLOC_ARENA_MAX=2
      export MALLOC_ARENA_MAX ;;

    # Everything else: the image operations (create, check, convert, compact, snapshot, ...) and the contents
    # readers. They stream data through a few bounded buffers and keep little alive, so the serial collector
    # (no GC threads competing with convert's compression threads for the cores), small stacks, a bounded
    # direct-memory pool (FileChannel's per-thread temporary buffers for heap buffers count against it) and
    # freed native memory handed back, as for a server. The heap keeps the JVM's default maximum: a check or
    # a rebuild of refcounts of a large image holds tables in proportion to the image.
    *)
      qcowctl_jvm="-XX:+UseSerialGC -Xss512k -XX:MaxDirectMemorySize=256m"
      qcowctl_jvm="$qcowctl_jvm -XX:+IgnoreUnrecognizedVMOptions -XX:TrimNativeHeapInterval=1000" ;;
  esac
}

# qcowctl_signal_reset sets qcowctl_exec_prefix to what the launcher puts before java so that SIGINT stops the
# command even when it was started with SIGINT ignored. A non-interactive shell starts its background jobs (a
# script's `qcowctl serve ... &`) that way, and a JVM that finds SIGINT ignored keeps it ignored: `kill -INT` left
# such a server running, where qemu-nbd stops. env(1) resets it to the default for the JVM, which then installs its
# own handler (shutdown hooks run as for SIGTERM). The disposition is read from /proc with the shell's own `read`:
# no process is started unless SIGINT really is ignored.
qcowctl_signal_reset() {
  qcowctl_exec_prefix=""
  [ -r /proc/self/status ] || return 0
  while read -r qcowctl_key qcowctl_value; do
    [ "$qcowctl_key" = SigIgn: ] || continue
    # SIGINT is signal 2: bit 1 of the mask's last hexadecimal digit
    case "${qcowctl_value#"${qcowctl_value%?}"}" in
      2|3|6|7|a|b|e|f|A|B|E|F)
        if env --default-signal=INT true 2>/dev/null; then qcowctl_exec_prefix="env --default-signal=INT"; fi ;;
    esac
    break
  done </proc/self/status
  unset qcowctl_key qcowctl_value
}
