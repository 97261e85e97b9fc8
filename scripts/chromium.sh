#!/usr/bin/env bash
# Make sure Debian's Chromium is there for the browser tests (used by make test).
#   scripts/chromium.sh   installs Debian's chromium if /usr/bin/chromium is missing, then prints
#                         its version. Never a downloaded browser: Playwright drives this one.
set -euo pipefail
CHROMIUM=/usr/bin/chromium
if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "Chromium is not installed and installing it needs root:" \
         "run 'sudo apt-get install chromium' (Debian), then make test again" >&2
    exit 1
  fi
  echo "installing Debian's chromium for the browser tests" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
"$CHROMIUM" --version 2>/dev/null | head -1 >&2
