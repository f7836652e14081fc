#!/usr/bin/env bash
# Checks the Debian package the way a user meets it: build it (installers/build.sh), install it with apt,
# run qcowctl from the PATH (--version, info, serve + nbdinfo), start the desktop app on an image under Xvfb
# and check that its window opens with the image in its library (and that a second launch hands its file to
# it), then remove the package and check that nothing of it is left.
#   installers/check.sh                    build, then check the .deb (the full form)
#   installers/check.sh --deb FILE         check an already built package
#   installers/check.sh --app-image        reduced form (CI): build only the app image (no jpackage .deb step)
#                                          and check its two launchers from the PATH, without dpkg
# Needs root (dpkg), Xvfb, xdotool, ImageMagick's import, qemu-img and nbdinfo. Screenshot: installers/target/check/window.png
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
deb="" app_image=0
[ "${1:-}" = --deb ] && deb=$2
[ "${1:-}" = --app-image ] && app_image=1
[ "$app_image" -eq 1 ] || [ "$(id -u)" -eq 0 ] || { echo "check.sh installs a package: run it as root" >&2; exit 1; }
for tool in Xvfb xdotool import qemu-img nbdinfo; do
  command -v "$tool" >/dev/null || { echo "check.sh needs $tool" >&2; exit 1; }
done

step() { printf '\n== %s\n' "$*" >&2; }
# Every library of the image that a launcher maps is in native-libraries.txt, from which build.sh computes the
# package's Depends: a library loaded but not listed could need a package the .deb does not declare.
check_libraries() { # pid what
  local lib_dir mapped unlisted
  if [ "$app_image" -eq 1 ]; then lib_dir="$here/target/QcowDesk/lib"; else lib_dir=/opt/qcowdesk/lib; fi
  lib_dir=$(readlink -f "$lib_dir")   # the maps name files by their real paths
  mapped=$(grep -o "$lib_dir/[^ ]*\.so[^ ]*" "/proc/$1/maps" | sort -u | sed "s|^$lib_dir/||")
  grep -qx 'runtime/lib/server/libjvm.so' <<<"$mapped" || fail "$2: no library of the image found in its maps"
  unlisted=$(grep -vxF -f <(awk '$1 == "depends" || $1 == "recommends" { print $2 }' "$here/native-libraries.txt") \
      <<<"$mapped" || true)
  [ -z "$unlisted" ] || fail "$2 loads libraries not in installers/native-libraries.txt: $unlisted"
}
fail() { echo "FAILED: $*" >&2; exit 1; }

if [ "$app_image" -eq 1 ]; then
  step "building the app image"
  "$here/build.sh" --app-image-only
elif [ -z "$deb" ]; then
  step "building the package"
  "$here/build.sh"
  deb=$(ls "$here"/target/qcowdesk_*.deb)
fi
work="$here/target/check"
rm -rf "$work" && mkdir -p "$work"
app_pid="" xvfb_pid="" serve_pid="" installed=0
cleanup() {
  for pid in $app_pid $serve_pid $xvfb_pid; do kill "$pid" 2>/dev/null || true; done
  if [ "$installed" -eq 1 ]; then dpkg --purge qcowdesk >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

if [ "$app_image" -eq 1 ]; then
  # the launchers on the PATH under the names the package gives them
  mkdir -p "$work/bin"
  ln -s "$here/target/QcowDesk/bin/qcowctl" "$work/bin/qcowctl"
  ln -s "$here/target/QcowDesk/bin/qcowdesk" "$work/bin/qcowdesk"
  export PATH="$work/bin:$PATH"
fi
install_package() {
step "package: $(basename "$deb"), $(du -h "$deb" | cut -f1)"
dpkg-deb --info "$deb" | sed -n 's/^ *\(Depends\|Installed-Size\):/  &/p' >&2
dpkg -s qcowdesk >/dev/null 2>&1 && fail "qcowdesk is already installed; remove it first"
before="$work/files-before"
find /opt /usr/bin /usr/share/applications /usr/share/mime/packages /usr/share/icons/hicolor /usr/share/metainfo \
    2>/dev/null | sort >"$before"

step "installing"
installed=1
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$deb" >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; fail "apt-get install"; }
[ "$(command -v qcowctl)" = /usr/bin/qcowctl ] || fail "qcowctl is not on the PATH"
[ "$(command -v qcowdesk)" = /usr/bin/qcowdesk ] || fail "qcowdesk is not on the PATH"
/usr/bin/qcowctl --version >/dev/null || fail "qcowctl --version"
grep -q '^Exec=qcowdesk %F$' /usr/share/applications/qcowdesk.desktop || fail "the desktop entry does not take files"
grep -q '^MimeType=application/x-qemu-disk;$' /usr/share/applications/qcowdesk.desktop || fail "no MimeType in the desktop entry"
[ -f /usr/share/mime/packages/qcowdesk.xml ] || fail "the MIME type is not installed"
grep -aq 'application/x-qemu-disk' /usr/share/mime/magic || fail "the MIME type is not in the MIME database"
}
[ "$app_image" -eq 1 ] || install_package

step "qcowctl --version, info"
image="$work/disk.qcow2"
qemu-img create -q -f qcow2 "$image" 64M
qcowctl --version
qcowctl info "$image" | tee "$work/info.txt" >&2
grep -q '^file format: qcow2$' "$work/info.txt" || fail "qcowctl info"
grep -q '^virtual size: 64 MiB (67108864 bytes)$' "$work/info.txt" || fail "qcowctl info size"
# a short command maps the class-data-sharing archive too: with -Xshare:on the JVM refuses to start without it
QCOWCTL_JAVA_OPTS=-Xshare:on qcowctl info --json "$image" >/dev/null \
  || fail "qcowctl info cannot map its class-data-sharing archive"

step "qcowctl serve + nbdinfo"
socket="$work/nbd.sock"
qcowctl serve --socket "$socket" "$image" >"$work/serve.out" 2>"$work/serve.err" &
serve_pid=$!
for _ in $(seq 100); do [ -s "$work/serve.out" ] && break; sleep 0.1; done
uri=$(head -1 "$work/serve.out")
[ -n "$uri" ] || { cat "$work/serve.err" >&2; fail "qcowctl serve printed no URI"; }
[ "$(nbdinfo --size "$uri")" = 67108864 ] || fail "nbdinfo --size $uri"
# the server's class-data-sharing archive (serve's classes alone, bin/qcowctl-jvm-options.sh) made at build time
# fits the launcher's runtime and class path, and the server maps it, not the short commands' one
grep -q '/qcowctl-serve\.jsa$' "/proc/$serve_pid/maps" || fail "qcowctl serve does not map its class-data-sharing archive"
! grep -q '/qcowctl\.jsa$' "/proc/$serve_pid/maps" || fail "qcowctl serve maps the short commands' archive"
check_libraries "$serve_pid" "qcowctl serve"
# the server runs with the options of the one table both launchers source (bin/qcowctl-jvm-options.sh)
serve_cmdline=" $(tr '\0' ' ' <"/proc/$serve_pid/cmdline")"
serve_options=$(. "$here/../bin/qcowctl-jvm-options.sh" && qcowctl_jvm_options serve && echo "$qcowctl_jvm") \
  && [ -n "$serve_options" ] || fail "no server options in bin/qcowctl-jvm-options.sh"
for option in $serve_options; do
  [[ "$serve_cmdline" == *" $option "* ]] || fail "qcowctl serve runs without $option (bin/qcowctl-jvm-options.sh)"
done
tr '\0' '\n' <"/proc/$serve_pid/environ" | grep -qx 'MALLOC_ARENA_MAX=2' || fail "qcowctl serve runs without MALLOC_ARENA_MAX=2"
# started in the background by a script, the server got SIGINT ignored; like qemu-nbd it still stops on it
kill -INT "$serve_pid"
for _ in $(seq 100); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.1; done
! kill -0 "$serve_pid" 2>/dev/null || fail "qcowctl serve, started in the background, does not stop on SIGINT"
wait "$serve_pid" 2>/dev/null || true; serve_pid=""

step "qcowdesk IMAGE under Xvfb"
# shellcheck source=installers/xvfb.sh
. "$here/xvfb.sh"
xvfb_start "$work/xvfb.log" || { cat "$work/xvfb.log" >&2; fail "Xvfb did not start"; }
export DISPLAY=$xvfb_display
export QCOWDESK_CONFIG_DIR="$work/config" QCOWDESK_RUNTIME_DIR="$work/run"
mkdir -p "$work/run" && chmod 0700 "$work/run"
started=$(date +%s.%N)
# no session bus, as under ssh -X or su: GTK must stay quiet (checked below, with the file chooser open)
env -u DBUS_SESSION_BUS_ADDRESS -u XDG_RUNTIME_DIR qcowdesk "$image" >"$work/app.log" 2>&1 &
app_pid=$!
window=$(xvfb_wait_window QcowDesk "$app_pid") || window=""
[ -n "$window" ] || { cat "$work/app.log" >&2; fail "no window"; }
echo "window $window after $(awk "BEGIN { printf \"%.2f\", $(date +%s.%N) - $started }") s" >&2
# started by bin/qcowdesk on the runtime's java (no jpackage launcher asking dpkg and rpm), with the app's own
# class-data-sharing archive
[[ "$(readlink "/proc/$app_pid/exe")" == */lib/runtime/bin/java ]] || fail "the app does not run on the image's java"
grep -q '/qcowdesk\.jsa$' "/proc/$app_pid/maps" || fail "the app does not map its class-data-sharing archive"
library="$work/config/library.json"
for _ in $(seq 100); do grep -qF "$image" "$library" 2>/dev/null && break; sleep 0.1; done
grep -qF "$image" "$library" || { cat "$work/app.log" >&2; fail "the image is not in the library"; }
second="$work/second.qcow2"
qemu-img create -q -f qcow2 "$second" 16M
timeout 60 qcowdesk "$second" || fail "a second launch did not hand its file over"
for _ in $(seq 100); do grep -qF "$second" "$library" 2>/dev/null && break; sleep 0.1; done
grep -qF "$second" "$library" || fail "the second launch's file is not in the running app's library"
sleep 1
import -window root "$work/window.png"
check_libraries "$app_pid" "the app"
echo "screenshot: $work/window.png" >&2
step "the file chooser without a session bus: no GTK warnings"
xdotool windowactivate --sync "$window" 2>/dev/null || true
xdotool key --window "$window" ctrl+o
chooser=$(timeout 30 xdotool search --sync --onlyvisible --name 'Open images' | head -1) || fail "Ctrl+O opened no file chooser"
sleep 2
xdotool key --window "$chooser" Escape
sleep 1
# GLib's format: "(QcowDesk:1234): dconf-WARNING **: ..." (Gtk-, GLib-GIO-, Atk-: the same)
if grep -E '^\([^)]*:[0-9]+\): [A-Za-z-]+-(WARNING|CRITICAL) \*\*' "$work/app.log" >&2; then
  fail "GTK printed warnings (above)"
fi
kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=""
xvfb_stop

if [ "$app_image" -eq 1 ]; then
  echo "installer check (app image, reduced form) passed" >&2
  exit 0
fi
step "removing"
dpkg --purge qcowdesk >"$work/remove.log" 2>&1 || { cat "$work/remove.log" >&2; fail "dpkg --purge"; }
installed=0
after="$work/files-after"
find /opt /usr/bin /usr/share/applications /usr/share/mime/packages /usr/share/icons/hicolor /usr/share/metainfo \
    2>/dev/null | sort >"$after"
if ! diff "$before" "$after" >&2; then fail "files left behind (above)"; fi
hash -r
command -v qcowctl >/dev/null && fail "qcowctl still on the PATH"
echo "installer check passed" >&2
