#!/usr/bin/env bash
# Regenerates the README's screenshots of the main window (docs/screenshots/main-window*.png, attach-dialog.png)
# from the real app, headless (Monocle), with images written by qemu-img/qemu-io and devices attached.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp -pl app -am test -Dtest=ScreenshotsTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dqcowdesk.screenshots="$PWD/docs/screenshots"
ls -l docs/screenshots/main-window*.png docs/screenshots/attach-dialog.png
