#!/bin/sh
# qcowdesk: starts the QcowDesk app (the QcowDesk launcher beside this script).
#
# Without a D-Bus session bus (ssh -X, su, a bare X server) GTK, which draws the file choosers, cannot reach
# dconf and prints a warning for every setting the chooser saves, dozens per dialog; the accessibility bridge and
# GIO's virtual file systems want the same bus. None of it is ours and none of it can work without the bus, so
# GTK is told to keep its settings in memory and to leave those two alone. A session with a bus is not touched.
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] && ! [ -S "${XDG_RUNTIME_DIR:-/nonexistent}/bus" ]; then
  : "${GSETTINGS_BACKEND:=memory}" "${NO_AT_BRIDGE:=1}" "${GIO_USE_VFS:=local}"
  export GSETTINGS_BACKEND NO_AT_BRIDGE GIO_USE_VFS
fi
exec "$(dirname "$(readlink -f "$0")")/QcowDesk" "$@"
