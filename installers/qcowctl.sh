#!/bin/sh
# qcowctl: the command-line front end of the installed QcowDesk (the app image's bin/qcowctl; /usr/bin/qcowctl
# links here). It starts the image's Java runtime directly rather than through a jpackage launcher, for two
# reasons: a jpackage launcher asks rpm and dpkg which package owns it on every start (two of each, reading
# every package's file list: a large part of a short command's time), and it takes one fixed set of JVM options,
# where a short command wants no JIT beyond the first tier and a server wants its own memory settings.
#   QCOWCTL_JAVA_OPTS  extra JVM options; they come last, so they override the defaults below
# installers/build.sh fills in the cli jar's name (@CLI_JAR@, in lib/app) when it builds the image.
lib=$(dirname "$(dirname "$(readlink -f "$0")")")/lib
app=$lib/app
# The application class-data-sharing archive (installers/build.sh makes it for the app image; the .deb's
# postinst for /opt/qcowdesk, as JDK 17 accepts an archive only for the class path it was dumped with): classes
# are mapped from it instead of loaded and verified one by one. Where it is missing or does not fit, classes load
# the usual way.
cds="-XX:SharedArchiveFile=$app/qcowctl.jsa -Xshare:auto -Xlog:cds=off"
case "${1:-}" in
  # a short command: the first JIT tier only, no performance-data file to create and map, and G1, the one
  # collector with which JDK 17 maps the archive's heap objects (the module graph among them); the archive is
  # dumped with these options (the postinst runs this script without a command)
  info|list|-l|fname|stat|attach|detach|--version|-V|--help|-h|"")
    jvm="-XX:+UseG1GC -Xss512k -XX:TieredStopAtLevel=1 -XX:-UsePerfData" ;;
  # a server (serve, daemon; the app starts its background owner through this script): the source tree's
  # bin/qcowctl settings, which says why each is there: a heap sized for what a server holds, a young generation
  # that does not grow with it, freed native memory (the C2 compiler's arenas) handed back every second, at most
  # two malloc arenas
  serve|daemon)
    jvm="-XX:+UseSerialGC -Xms8m -Xmx256m -XX:MaxNewSize=8m -XX:MaxDirectMemorySize=64m -XX:ReservedCodeCacheSize=32m"
    jvm="$jvm -XX:MaxMetaspaceSize=64m -Xss512k -XX:+IgnoreUnrecognizedVMOptions -XX:TrimNativeHeapInterval=1000"
    export MALLOC_ARENA_MAX=2 ;;
  # the long image operations: the serial collector (no GC threads), small thread stacks, a bounded
  # direct-memory pool, freed native memory (the JIT's compiler arenas) handed back to the system every second
  # (JDK 17.0.9 and later)
  *) jvm="-XX:+UseSerialGC -Xss512k -XX:MaxDirectMemorySize=256m -XX:+IgnoreUnrecognizedVMOptions -XX:TrimNativeHeapInterval=1000" ;;
esac
# The cli jar's manifest names its main class, the jars it needs (beside it in lib/app) and the one package it
# opens (sun.nio.ch: a busy device names its clients' processes from their socket descriptors); given on the
# command line instead (--add-opens), that opening would cost the JVM its archived module graph at every start.
# shellcheck disable=SC2086
exec "$lib/runtime/bin/java" $cds $jvm ${QCOWCTL_JAVA_OPTS:-} -jar "$app/@CLI_JAR@" "$@"
