#!/bin/sh
# qcowctl: the command-line front end of the installed QcowDesk (the app image's bin/qcowctl; /usr/bin/qcowctl
# links here). It starts the image's Java runtime directly rather than through a jpackage launcher, for two
# reasons: a jpackage launcher asks rpm and dpkg which package owns it on every start (two of each, reading
# every package's file list: a large part of a short command's time), and it takes one fixed set of JVM options,
# where a short command wants no JIT beyond the first tier and a server wants its own memory settings.
#   QCOWCTL_JAVA_OPTS  extra JVM options; they come last, so they override the defaults of qcowctl-jvm-options.sh
# installers/build.sh fills in the cli jar's name (@CLI_JAR@, in lib/app) when it builds the image.
# One process (readlink) before java: the directories are cut from the resolved path by the shell itself.
self=$(readlink -f "$0")
lib=${self%/*/*}/lib
app=$lib/app
# The JVM options per command: the table the source tree's bin/qcowctl uses too (installers/build.sh copies
# bin/qcowctl-jvm-options.sh into lib/app), which says what each command gets, which archive it maps, and why.
. "$app/qcowctl-jvm-options.sh"
qcowctl_jvm_options "${1:-}"
qcowctl_signal_reset
# The application class-data-sharing archive of the command (lib/app/qcowctl.jsa, or qcowctl-serve.jsa for a
# server; installers/build.sh makes them for the app image, the .deb's postinst for /opt/qcowdesk, as JDK 17
# accepts an archive only for the class path it was dumped with): classes are mapped from it instead of loaded
# and verified one by one. Where it is missing or does not fit, classes load the usual way.
cds="-XX:SharedArchiveFile=$app/$qcowctl_cds.jsa -Xshare:auto -Xlog:cds=off"
# The cli jar's manifest names its main class, the jars it needs (beside it in lib/app) and the one package it
# opens (sun.nio.ch: a busy device names its clients' processes from their socket descriptors); given on the
# command line instead (--add-opens), that opening would cost the JVM its archived module graph at every start.
# shellcheck disable=SC2086
exec $qcowctl_exec_prefix "$lib/runtime/bin/java" $cds $qcowctl_jvm ${QCOWCTL_JAVA_OPTS:-} -jar "$app/@CLI_JAR@" "$@"
