#!/usr/bin/env bash
# The docs page in a real browser: Debian's chromium opens /docs and must find every Clerk operation.
# chromium is big, so it is installed here and nowhere else.
set -euo pipefail
cd "$(dirname "$0")/../.."

apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=600 chromium

npm run build
DOCS_SCREENSHOT="${DOCS_SCREENSHOT:-$(mktemp -d)/docs.png}" node test-browser/docs.mjs
