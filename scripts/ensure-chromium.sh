#!/usr/bin/env bash
# Make sure Debian's Chromium is installed at /usr/bin/chromium (the browser tests drive it through
# Playwright; `playwright install` cannot download browsers here). Idempotent: does nothing when present.
set -euo pipefail

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"  # overridable for the script's own test

if [[ -x "$CHROMIUM" ]]; then
  exit 0
fi

if [[ "$(id -u)" -eq 0 ]]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo -n)
else
  echo "ensure-chromium: $CHROMIUM is missing and this user cannot install packages (no root, no sudo)." >&2
  echo "ensure-chromium: install it with: apt-get install -y chromium" >&2
  exit 1
fi

echo "ensure-chromium: installing Debian's chromium package" >&2
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install -y -q chromium

if [[ ! -x "$CHROMIUM" ]]; then
  echo "ensure-chromium: apt-get finished but $CHROMIUM is still missing" >&2
  exit 1
fi
