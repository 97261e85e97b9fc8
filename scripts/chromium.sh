#!/usr/bin/env bash
# Make sure Debian's Chromium is there for the browser tests (used by make test).
#   scripts/chromium.sh   installs Debian's chromium if /usr/bin/chromium is missing, then prints
#                         its version. Never a downloaded browser: Playwright drives this one.
set -euo pipefail
CHROMIUM=/usr/bin/chromium
if [ ! -x "$CHROMIUM" ]; then
  bash "$(dirname "$0")/debian-install.sh" chromium "the browser tests"
fi
"$CHROMIUM" --version 2>/dev/null | head -1 >&2
