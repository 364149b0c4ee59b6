#!/usr/bin/env bash
# Crash safety: SIGKILL the built server mid-write a few times; nothing it acknowledged may be lost
# or half-written, nor its email.created webhook (sent to a local endpoint, never twice within one run).
# The script removes its own database and stops every server it starts.
set -euo pipefail
cd "$(dirname "$0")/../.."
CRASH_ROUNDS="${CRASH_ROUNDS:-4}" CRASH_WORKERS="${CRASH_WORKERS:-6}" npm run crash-test
