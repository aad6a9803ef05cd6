#!/usr/bin/env bash
# The web console's browser tests drive Debian's Chromium through playwright-core (Playwright's own
# browser download cannot be reached from these machines). Installs it when it is missing.
set -euo pipefail

CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
if [[ -x "$CHROMIUM" ]]; then
  echo "[chromium] $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
  exit 0
fi

if [[ "$(id -u)" -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "error: $CHROMIUM is missing; install Debian's chromium package (apt-get install chromium) as root" >&2
  exit 1
fi

echo "[chromium] installing Debian's chromium for the browser tests"
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq chromium >/dev/null
echo "[chromium] $("$CHROMIUM" --version)"
