#!/usr/bin/env bash
# The web console's browser tests drive Debian's Chromium through playwright-core (Playwright's own
# browser download cannot be reached from these machines). Installs it when it is missing.
set -euo pipefail
# shellcheck source=scripts/lib/as-root.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/as-root.sh"

CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
if [[ -x "$CHROMIUM" ]]; then
  echo "[chromium] $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
  exit 0
fi

install_debian_packages chromium "$CHROMIUM is missing (the browser tests need it)" chromium
echo "[chromium] $("$CHROMIUM" --version)"
