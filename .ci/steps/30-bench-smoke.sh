#!/usr/bin/env bash
# Benchmark smoke: the whole bench pipeline on a small database for about a second per operation.
# It checks that every operation answers 2xx under load and the suite still runs; it asserts no speed
# (CI machines are shared and noisy). Uses wrk when installed, else autocannon from devDependencies.
# Then 30 s of the soak's mixed traffic (bench/soak.ts): any error or non-2xx fails; growth is only reported.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
npm run bench -- --smoke --out "$out/smoke.json"
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const ops = r.configs.flatMap((c) => c.ops);
if (ops.length < 8 || ops.some((o) => o.requests === 0)) { console.error("bench smoke: an operation made no requests"); process.exit(1); }
console.log(`bench smoke: ${ops.length} operations, all 2xx`);
' "$out/smoke.json"
# Already built by the bench above.
node --import tsx bench/run.ts --soak --soak-seconds 30 --soak-interval 5 --soak-errors-only --out "$out/soak.json"
