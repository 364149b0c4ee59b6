#!/usr/bin/env bash
# The npm package as a user gets it: `npm pack`, install the tarball into an empty folder, then the bin
# and the API must serve. Not in `npm test`: the install compiles better-sqlite3 when no prebuilt binary
# can be downloaded, minutes on its own. Packs the dist/ that `npm test` built; removes its temp folder.
set -euo pipefail
cd "$(dirname "$0")/../.."

[ -f dist/cli.js ] || { echo "20-package-install: no dist/cli.js; run npm run build (or npm test) first" >&2; exit 1; }
npx tap --disable-coverage --timeout=900 test-install/package-install.test.ts
