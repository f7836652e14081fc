# A virtual X display and a way to wait for the app's window on it, for the scripts that start the app without a
# desktop: installers/build.sh (the training run that lists the classes for the app's archive) and
# installers/check.sh (the installer check, which also times the window). Sourced (bash), not run.

# xvfb_start LOG: starts Xvfb on a free display number, sets xvfb_display (":N") and xvfb_pid, and returns once
# the display answers (1 when it does not within 10 s; LOG then says why).
xvfb_start() {
  local log=$1 number
  for number in $(shuf -i 100-399 -n 20); do
    [ -e "/tmp/.X11-unix/X$number" ] || [ -e "/tmp/.X$number-lock" ] || break
  done
  xvfb_display=:$number
  Xvfb "$xvfb_display" -screen 0 1280x800x24 -nolisten tcp >"$log" 2>&1 &
  xvfb_pid=$!
  for _ in $(seq 100); do
    DISPLAY=$xvfb_display xdotool getdisplaygeometry >/dev/null 2>&1 && return 0
    kill -0 "$xvfb_pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# xvfb_stop: stops the Xvfb that xvfb_start started, if any.
xvfb_stop() {
  [ -n "${xvfb_pid:-}" ] || return 0
  kill "$xvfb_pid" 2>/dev/null || true
  wait "$xvfb_pid" 2>/dev/null || true
  xvfb_pid=""
}

# xvfb_wait_window NAME PID [SECONDS]: prints the id of the first visible window named NAME on xvfb_display once
# there is one; 1 when PID ends first or none shows within SECONDS (60). Polled every 20 ms: xdotool's own
# --sync looks every half second, which would blur the time to the window that check.sh prints.
xvfb_wait_window() {
  local name=$1 pid=$2 polls=$(( ${3:-60} * 50 )) window
  for _ in $(seq "$polls"); do
    window=$(DISPLAY=$xvfb_display xdotool search --onlyvisible --name "$name" 2>/dev/null | head -1)
    [ -n "$window" ] && { echo "$window"; return 0; }
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.02
  done
  return 1
}
