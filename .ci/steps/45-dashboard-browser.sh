#!/usr/bin/env bash
# The dashboard in a real browser: Debian's chromium drives /_emulator/ui through a person's journey
# (test-browser/dashboard.mjs) and writes its screenshots to docs/screenshots/. Self-contained: it installs
# chromium if the docs step has not, and the script starts and stops its own emulator on a free port.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v chromium >/dev/null; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=600 chromium
fi

npm run build
node test-browser/dashboard.mjs
