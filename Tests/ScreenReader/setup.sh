#!/usr/bin/env bash
# Installs the Debian packages the screen-reader tests need (Orca, a virtual display, speech to a file), only when missing.
# Usage: bash Tests/ScreenReader/setup.sh   (Chromium itself comes with `bash .ci/setup --browser`)
set -euo pipefail

need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for pkg in orca xvfb xdotool speech-dispatcher python3-pyatspi at-spi2-core dbus-x11 x11-utils; do
  have_pkg "$pkg" || need+=("$pkg")
done
if [ "${#need[@]}" -gt 0 ]; then
  echo "Installing for the screen-reader tests: ${need[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
