#!/usr/bin/env bash
# Builds the QcowDesk installers with jpackage (JDK 17):
#   installers/target/QcowDesk/   app image: bin/QcowDesk (the desktop app; bin/qcowdesk starts it with GTK quiet
#                                 when no session bus runs), bin/qcowctl, a trimmed runtime
#   installers/target/qcowdesk_<version>-1_amd64.deb
#                                 installs to /opt/qcowdesk, with /usr/bin/qcowctl and /usr/bin/qcowdesk,
#                                 the desktop entry, hicolor icons and AppStream metadata
# Not part of CI (it takes minutes). Usage: installers/build.sh [--app-image-only]
#   JDK       the JDK whose jpackage, jlink and jmods are used (default: /usr/lib/jvm/java-17-openjdk-amd64)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
jdk=${JDK:-/usr/lib/jvm/java-17-openjdk-amd64}
out="$here/target"   # ignored by git, like every target/
stage="$out/stage"
assets="$repo/src-assets"
make_deb=1
[ "${1:-}" = --app-image-only ] && make_deb=0

for tool in jpackage jlink jdeps jar; do
  [ -x "$jdk/bin/$tool" ] || { echo "no $tool in $jdk (set JDK to a JDK 17+ with jmods)" >&2; exit 1; }
done
[ -d "$jdk/jmods" ] || { echo "$jdk has no jmods/: jlink needs them (Debian: openjdk-17-jdk)" >&2; exit 1; }

if [ "$make_deb" -eq 1 ] && ! { command -v fakeroot && command -v dpkg-deb && command -v dpkg-shlibdeps; } >/dev/null; then
  echo "installing fakeroot and dpkg-dev, which jpackage needs for a .deb..." >&2
  apt-get install -y -q fakeroot dpkg-dev >&2
fi

# ---- 1. build the app and the cli, with every runtime dependency copied next to them ----

echo "building app and cli..." >&2
(cd "$repo" && mvn -B -q -ntp -pl app,cli -am package dependency:copy-dependencies \
    -DincludeScope=runtime -DskipTests >&2)

version=$(sed -n 's:.*<version>\([0-9][0-9.]*\).*</version>.*:\1:p' "$repo/pom.xml" | head -1)
app_jar="$repo/app/target/app-$version-SNAPSHOT.jar"
cli_jar="$repo/cli/target/cli-$version-SNAPSHOT.jar"
[ -f "$app_jar" ] || app_jar=$(ls "$repo"/app/target/app-*.jar | head -1)
[ -f "$cli_jar" ] || cli_jar=$(ls "$repo"/cli/target/cli-*.jar | head -1)

rm -rf "$out"
mkdir -p "$stage/input" "$stage/javafx"
cp "$app_jar" "$cli_jar" "$stage/input/"
# JavaFX goes into the runtime as modules (a supported JavaFX set-up); everything else is the class path.
# The JavaFX jars without a platform classifier are empty placeholders.
for jar in "$repo"/app/target/dependency/*.jar "$repo"/cli/target/dependency/*.jar; do
  case "$(basename "$jar")" in
    javafx-*-linux.jar) cp "$jar" "$stage/javafx/" ;;
    javafx-*) ;;
    *) cp -n "$jar" "$stage/input/" ;;
  esac
done

# ---- 2. a runtime with only the modules the jars use, plus JavaFX and its native libraries ----

jdk_modules=$("$jdk/bin/jdeps" --multi-release 17 --ignore-missing-deps --print-module-deps \
    --module-path "$stage/javafx" --class-path "$stage/input/*" "$stage"/input/*.jar | tail -1)
# jdk.jfr so that a slow device can be profiled in place (-XX:StartFlightRecording in the launcher's cfg)
modules="$jdk_modules,javafx.controls,javafx.swing,jdk.jfr"
echo "runtime modules: $modules" >&2
# --generate-cds-archive: the runtime carries a class-data-sharing archive of its own classes, which every
# launch maps instead of loading and verifying them (start-up of qcowctl and of the window). Of the runtime's
# commands only java stays: bin/qcowctl starts it (installers/qcowctl.sh); the window's launcher needs none.
"$jdk/bin/jlink" --module-path "$jdk/jmods:$stage/javafx" --add-modules "$modules" \
    --strip-debug --no-header-files --no-man-pages --compress=2 \
    --generate-cds-archive --output "$stage/runtime"
find "$stage/runtime/bin" -type f ! -name java -delete
# JavaFX loads its native code from the runtime's lib/ when it is there (as with the JavaFX jmods) and
# would otherwise unpack it into ~/.openjfx at first start.
for jar in "$stage"/javafx/*.jar; do
  (cd "$stage/runtime/lib" && "$jdk/bin/jar" xf "$jar" $("$jdk/bin/jar" tf "$jar" | grep '\.so$' || true))
done

# ---- 3. the app image: two launchers over one runtime and one class path ----

# ControlsFX and AtlantaFX sit on the class path and reach into JavaFX internals.
fx_access=(
  --add-exports=javafx.base/com.sun.javafx.event=ALL-UNNAMED
  --add-exports=javafx.controls/com.sun.javafx.scene.control=ALL-UNNAMED
  --add-exports=javafx.controls/com.sun.javafx.scene.control.behavior=ALL-UNNAMED
  --add-exports=javafx.controls/com.sun.javafx.scene.control.inputmap=ALL-UNNAMED
  --add-exports=javafx.graphics/com.sun.javafx.scene=ALL-UNNAMED
  --add-exports=javafx.graphics/com.sun.javafx.scene.traversal=ALL-UNNAMED
  --add-opens=javafx.controls/javafx.scene.control.skin=ALL-UNNAMED
  # a busy device names its clients' processes from their socket descriptors (SocketInodes)
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
)
# The JIT's second tier (C2) starts later than the JVM's default: it compiles a method after 50,000 calls or
# 400,000 loop iterations instead of 5,000 and 40,000. Until the window shows, the first tier (C1) and the
# interpreter run the app: with the default thresholds C2 compiled a hundred small methods of the CSS engine and
# the collections during start-up, and on two cores its 0.6-0.7 CPU-seconds competed with the JavaFX thread. With
# these the window appeared in 0.84-0.91 of the time, alternating runs (bench/results/2026-12-08-app-window-4.md).
# Long work in the app (a device's requests, a check or a conversion) reaches these counts within moments and runs
# compiled by C2 as before.
app_jit=(
  -XX:Tier4InvocationThreshold=50000 -XX:Tier4MinInvocationThreshold=6000
  -XX:Tier4CompileThreshold=150000 -XX:Tier4BackEdgeThreshold=400000
)
echo "jpackage: app image..." >&2
"$jdk/bin/jpackage" --type app-image --dest "$out" \
    --name QcowDesk --app-version "$version" --vendor QcowDesk \
    --description "QCOW2 disk image manager with an embedded NBD server" \
    --input "$stage/input" --main-jar "$(basename "$app_jar")" --main-class qcowdesk.app.QcowDeskMain \
    --runtime-image "$stage/runtime" \
    --icon "$assets/icons/qcowdesk-256.png" \
    --java-options "${fx_access[*]} ${app_jit[*]}"
# bin/qcowdesk, what the package puts on the PATH: the launcher, with GTK quiet when no session bus runs
install -m 0755 "$assets/linux/qcowdesk.sh" "$out/QcowDesk/bin/qcowdesk"

# bin/qcowctl: a script that starts the runtime's java on the cli jar, whose manifest names the jars it needs
# (installers/qcowctl.sh says why it is no jpackage launcher)
sed "s|@CLI_JAR@|$(basename "$cli_jar")|" "$here/qcowctl.sh" >"$out/QcowDesk/bin/qcowctl"
chmod 0755 "$out/QcowDesk/bin/qcowctl"
# ... and its JVM options per command: the source tree's table, which both launchers source
install -m 0644 "$repo/bin/qcowctl-jvm-options.sh" "$out/QcowDesk/lib/app/qcowctl-jvm-options.sh"

# qcowctl's class-data-sharing archives (lib/app/qcowctl.jsa and qcowctl-serve.jsa): training runs of the image's
# own bin/qcowctl list the classes that 'info' (text and JSON) on a small image and 'serve' up to a client's
# handshake load; a static archive of them all and one of serve's alone (the servers', see
# bin/qcowctl-jvm-options.sh), each with the runtime's own classes, are dumped through the same script, so that
# they fit this runtime and class path exactly. Every later run maps its classes instead of loading and verifying
# them from the jars. An archive records the jars' sizes and times (the package keeps them); a run it does not
# fit loads classes as usual.
launcher="$out/QcowDesk/bin/qcowctl"
train="$stage/cds-training"
mkdir -p "$train"
"$launcher" create "$train/training.qcow2" 1M >/dev/null
QCOWCTL_JAVA_OPTS="-XX:DumpLoadedClassList=$train/info.classes" "$launcher" info "$train/training.qcow2" >/dev/null
QCOWCTL_JAVA_OPTS="-XX:DumpLoadedClassList=$train/json.classes" "$launcher" info --json "$train/training.qcow2" >/dev/null
QCOWCTL_JAVA_OPTS="-XX:DumpLoadedClassList=$train/serve.classes" \
    "$launcher" serve --socket "$train/s.sock" "$train/training.qcow2" >"$train/serve.out" 2>&1 &
server=$!
for _ in $(seq 600); do [ -s "$train/serve.out" ] || ! kill -0 "$server" 2>/dev/null && break; sleep 0.1; done
if command -v nbdinfo >/dev/null; then nbdinfo --size "nbd+unix:///qcow0?socket=$train/s.sock" >/dev/null || true; fi
kill -TERM "$server" 2>/dev/null || true
wait "$server" 2>/dev/null || true
cat "$train/info.classes" "$train/json.classes" "$train/serve.classes" | awk '!seen[$0]++' \
    >"$out/QcowDesk/lib/app/qcowctl.classes"
cp "$train/serve.classes" "$out/QcowDesk/lib/app/qcowctl-serve.classes"
# each archive named explicitly: the launcher without a command would name qcowctl.jsa, and the option that comes
# later wins
for archive in qcowctl qcowctl-serve; do
  cds="$out/QcowDesk/lib/app/$archive"
  QCOWCTL_JAVA_OPTS="-Xshare:dump -XX:SharedClassListFile=$cds.classes -XX:SharedArchiveFile=$cds.jsa" \
      "$launcher" >"$train/dump.log" 2>&1 || { cat "$train/dump.log" >&2; echo "CDS dump ($archive) failed" >&2; exit 1; }
  [ -s "$cds.jsa" ] || { echo "the training runs made no CDS archive $archive.jsa" >&2; exit 1; }
done
rm -rf "$train"

# The app's class-data-sharing archive (lib/app/qcowdesk.jsa), made the same way: a training run of the app image
# on a small image under Xvfb lists the classes loaded until the window has shown its library (the JavaFX
# controls, skins and CSS, AtlantaFX, ControlsFX, our own), and one static archive of them is dumped through the
# app's own launcher, so that it fits its runtime and class path. With it, and with bin/qcowdesk starting java
# itself, the window appears in 1.39 s instead of 2.20 s (bench/results/2026-12-07-app-start.md). The
# launcher's cfg names the archive only when there is one: a named archive that is missing would cost the
# runtime's own archive too. Without Xvfb and xdotool there is no
# training run and no archive; the app starts as before.
app_dir="$out/QcowDesk/lib/app"
cfg="$app_dir/QcowDesk.cfg"
if command -v Xvfb >/dev/null && command -v xdotool >/dev/null; then
  train="$stage/app-training"
  mkdir -p "$train/run" && chmod 0700 "$train/run"
  "$launcher" create "$train/training.qcow2" 64M >/dev/null
  # shellcheck source=installers/xvfb.sh
  . "$here/xvfb.sh"
  xvfb_start "$train/xvfb.log" || { cat "$train/xvfb.log" >&2; echo "Xvfb did not start" >&2; exit 1; }
  # the class list option goes into the cfg for this one run, not into the environment its children inherit
  cp "$cfg" "$train/cfg"
  echo "java-options=-XX:DumpLoadedClassList=$train/app.classes" >>"$cfg"
  DISPLAY=$xvfb_display QCOWDESK_CONFIG_DIR="$train/config" QCOWDESK_RUNTIME_DIR="$train/run" \
      "$out/QcowDesk/bin/qcowdesk" "$train/training.qcow2" >"$train/app.log" 2>&1 &
  app=$!
  shown=0
  xvfb_wait_window QcowDesk "$app" >/dev/null && shown=1
  sleep 2 # the first frames: the library's rows, the map, the status bar
  kill -TERM "$app" 2>/dev/null || true
  wait "$app" 2>/dev/null || true
  xvfb_stop
  cp "$train/cfg" "$cfg"
  [ "$shown" -eq 1 ] && [ -s "$train/app.classes" ] \
    || { cat "$train/app.log" >&2; echo "the app's training run showed no window" >&2; exit 1; }
  mv "$train/app.classes" "$app_dir/qcowdesk.classes"
  JAVA_TOOL_OPTIONS="-Xshare:dump -XX:SharedClassListFile=$app_dir/qcowdesk.classes -XX:SharedArchiveFile=$app_dir/qcowdesk.jsa" \
      "$out/QcowDesk/bin/QcowDesk" >"$train/dump.log" 2>&1 \
    || { cat "$train/dump.log" >&2; echo "the app's CDS dump failed" >&2; exit 1; }
  [ -s "$app_dir/qcowdesk.jsa" ] || { echo "the app's training run made no CDS archive" >&2; exit 1; }
  # $APPDIR: the launcher puts lib/app's path there when it starts
  printf '%s\n' 'java-options=-XX:SharedArchiveFile=$APPDIR/qcowdesk.jsa' 'java-options=-Xlog:cds=off' >>"$cfg"
  rm -rf "$train"
else
  echo "no Xvfb or xdotool: the app gets no class-data-sharing archive (its window appears later)" >&2
fi
echo "app image: $out/QcowDesk ($(du -sh "$out/QcowDesk" | cut -f1))" >&2

[ "$make_deb" -eq 1 ] || exit 0

# ---- 4. the Debian package, then the freedesktop files jpackage does not place ----

echo "jpackage: deb..." >&2
"$jdk/bin/jpackage" --type deb --dest "$out" --app-image "$out/QcowDesk" \
    --name QcowDesk --linux-package-name qcowdesk --app-version "$version" --vendor QcowDesk \
    --description "QCOW2 disk image manager with an embedded NBD server" \
    --linux-app-category utils
deb=$(ls "$out"/qcowdesk_*.deb)

# jpackage only knows /opt/qcowdesk: add the command-line links, the desktop entry (whose Exec and Icon
# are the plain names), the icons in the hicolor theme and the AppStream file, then rebuild the package.
root="$stage/deb-root"
fakeroot -- bash -euo pipefail -c '
  deb=$1 root=$2 assets=$3 here=$4
  dpkg-deb -R "$deb" "$root"
  mkdir -p "$root/usr/bin" "$root/usr/share/applications" "$root/usr/share/metainfo"
  ln -s /opt/qcowdesk/bin/qcowctl "$root/usr/bin/qcowctl"
  ln -s /opt/qcowdesk/bin/qcowdesk "$root/usr/bin/qcowdesk"
  install -m 0644 "$assets/linux/qcowdesk.desktop" "$root/usr/share/applications/qcowdesk.desktop"
  install -m 0644 "$assets/linux/qcowdesk.metainfo.xml" "$root/usr/share/metainfo/qcowdesk.metainfo.xml"
  install -D -m 0644 "$assets/linux/qcowdesk-mime.xml" "$root/usr/share/mime/packages/qcowdesk.xml"
  # register the MIME type and the desktop entry (so file managers offer "Open with QcowDesk"), and undo it
  for script in postinst postrm; do
    [ -f "$root/DEBIAN/$script" ] || printf "#!/bin/sh\nset -e\n" >"$root/DEBIAN/$script"
    sed -i "/^exit 0$/d" "$root/DEBIAN/$script"
    cat >>"$root/DEBIAN/$script" <<EOS
if command -v update-mime-database >/dev/null 2>&1; then update-mime-database /usr/share/mime || true; fi
if command -v update-desktop-database >/dev/null 2>&1; then update-desktop-database -q /usr/share/applications || true; fi
exit 0
EOS
    chmod 0755 "$root/DEBIAN/$script"
  done
  # the installed qcowctl and app get their class-data-sharing archives at install time (installers/cds.*)
  rm -f "$root/opt/qcowdesk/lib/app/qcowctl.jsa" "$root/opt/qcowdesk/lib/app/qcowctl-serve.jsa" \
      "$root/opt/qcowdesk/lib/app/qcowdesk.jsa"
  for script in postinst prerm; do
    [ -f "$root/DEBIAN/$script" ] || printf "#!/bin/sh\nset -e\n" >"$root/DEBIAN/$script"
    sed -i "/^exit 0$/d" "$root/DEBIAN/$script"
    { cat "$here/cds.$script"; echo "exit 0"; } >>"$root/DEBIAN/$script"
    chmod 0755 "$root/DEBIAN/$script"
  done
  for png in "$assets"/icons/qcowdesk-*.png; do
    size=${png##*-}; size=${size%.png}
    install -D -m 0644 "$png" "$root/usr/share/icons/hicolor/${size}x${size}/apps/qcowdesk.png"
  done
  install -D -m 0644 "$assets/icons/qcowdesk.svg" "$root/usr/share/icons/hicolor/scalable/apps/qcowdesk.svg"
  # Depends and Recommends: what the libraries the launchers load need (installers/native-libraries.txt)
  shlibdeps() { # depends|recommends
    local libs
    libs=$(awk -v kind="$1" '\''$1 == kind { print "-e" lib "/" $2 }'\'' lib="$root/opt/qcowdesk/lib" "$here/native-libraries.txt")
    # shellcheck disable=SC2086
    (cd "$root" && mkdir -p debian && touch debian/control &&
     dpkg-shlibdeps -O --ignore-missing-info -l"$root/opt/qcowdesk/lib/runtime/lib" $libs 2>/dev/null |
       sed -n "s/^shlibs:Depends=//p"; rm -rf debian)
  }
  depends=$(shlibdeps depends) recommends=$(shlibdeps recommends)
  # what Depends already names is no recommendation
  recommends=$(printf "%s\n" "$recommends" | tr , "\n" | sed "s/^ *//" | while read -r dep; do
      printf "%s\n" "$depends" | tr , "\n" | sed "s/^ *//; s/ .*//" | grep -qxF "${dep%% *}" || echo "$dep"
    done | paste -sd , - | sed "s/,/, /g")
  [ -n "$depends" ] || { echo "dpkg-shlibdeps found no dependencies" >&2; exit 1; }
  sed -i -e "s/^Depends:.*/Depends: $depends/" -e "/^Recommends:/d" "$root/DEBIAN/control"
  [ -z "$recommends" ] || sed -i "/^Depends:/a Recommends: $recommends" "$root/DEBIAN/control"
  installed_kib=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
  sed -i "s/^Installed-Size:.*/Installed-Size: $installed_kib/" "$root/DEBIAN/control"
  dpkg-deb --build --root-owner-group "$root" "$deb" >/dev/null
' _ "$deb" "$root" "$assets" "$here"
rm -rf "$root"
echo "deb: $deb ($(du -h "$deb" | cut -f1))" >&2
dpkg-deb --info "$deb" | sed -n 's/^ *\(Package\|Version\|Depends\|Recommends\|Installed-Size\):/  &/p' >&2
