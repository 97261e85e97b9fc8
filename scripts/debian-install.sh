#!/usr/bin/env bash
# Install one Debian package the tests need (used by scripts/pg.sh and scripts/chromium.sh).
#   scripts/debian-install.sh PACKAGE "what it is for"
# Installing needs root; without it, say the one command that would and fail.
set -euo pipefail
PACKAGE=$1
FOR=$2
if [ "$(id -u)" != 0 ]; then
  echo "$PACKAGE is not installed and installing it needs root:" \
       "run 'sudo apt-get install $PACKAGE' (Debian), then make test again" >&2
  exit 1
fi
echo "installing Debian's $PACKAGE for $FOR" >&2
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$PACKAGE" >/dev/null
