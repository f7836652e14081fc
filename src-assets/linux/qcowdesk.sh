#!/bin/bash
# qcowdesk: starts the QcowDesk app of the app image this script is in (its bin/qcowdesk).
#
# Without a D-Bus session bus (ssh -X, su, a bare X server) GTK, which draws the file choosers, cannot reach
# dconf and prints a warning for every setting the chooser saves, dozens per dialog; the accessibility bridge and
# GIO's virtual file systems want the same bus. None of it is ours and none of it can work without the bus, so
# GTK is told to keep its settings in memory and to leave those two alone. A session with a bus is not touched.
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] && ! [ -S "${XDG_RUNTIME_DIR:-/nonexistent}/bus" ]; then
  : "${GSETTINGS_BACKEND:=memory}" "${NO_AT_BRIDGE:=1}" "${GIO_USE_VFS:=local}"
  export GSETTINGS_BACKEND NO_AT_BRIDGE GIO_USE_VFS
fi

# The app's JVM is started here rather than by the QcowDesk launcher beside this script: a jpackage launcher asks
# rpm and dpkg which package owns it, twice, on every start (dpkg reads every installed package's file list),
# about a fifth of the time until the window appears. The launcher's cfg (lib/app/QcowDesk.cfg, written by
# jpackage, completed by installers/build.sh) stays the one list of the class path, the main class and the JVM
# options; it is read here as the launcher reads it, $APPDIR standing for lib/app. jpackage.app-path is what the
# launcher sets too: the app finds the image's qcowctl beside it.
self=$(readlink -f "$0")
bin=${self%/*}
lib=${bin%/*}/lib
app=$lib/app
options=() classpath="" main=""
[ -r "$app/QcowDesk.cfg" ] && while IFS= read -r line; do
  case $line in
    app.classpath=*) classpath+="${classpath:+:}${line#app.classpath=}" ;;
    app.mainclass=*) main=${line#app.mainclass=} ;;
    java-options=*) options+=("${line#java-options=}") ;;
  esac
done <"$app/QcowDesk.cfg"
# anything unexpected (no cfg, no main class): the jpackage launcher knows its cfg best
[ -n "$main" ] && [ -n "$classpath" ] && [ -x "$lib/runtime/bin/java" ] || exec "$bin/QcowDesk" "$@"
exec "$lib/runtime/bin/java" "${options[@]//\$APPDIR/$app}" -Djpackage.app-path="$bin/QcowDesk" \
    -cp "${classpath//\$APPDIR/$app}" "$main" "$@"
