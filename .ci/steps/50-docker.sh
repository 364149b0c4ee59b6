#!/usr/bin/env bash
# The Docker image, built from the real Dockerfile and run: healthy, serves a bearer key, refuses a
# foreign Host, keeps a file database across `docker restart`, stops with exit 0 in under 5 s; then
# compose config is valid and publishes the port on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/../.."

tool="$(cd ../shared/tools && pwd)/docker-offline-build.sh"
image=clerk-invitations-mock:ci
name="cim-ci-$$"
volume="cim-ci-data-$$"
key=sk_test_docker_ci

made_env=
cleanup() {
  if [ -n "$made_env" ]; then rm -f examples/clerk.env; fi
  docker rm -f "$name" >/dev/null 2>&1 || true
  docker volume rm -f "$volume" >/dev/null 2>&1 || true
  bash "$tool" stop || true
}
trap cleanup EXIT

fail() { echo "50-docker: $*" >&2; docker logs "$name" 2>&1 | tail -n 20 >&2 || true; exit 1; }

# Node 26's official binary needs libatomic.so.1: the official node image installs libatomic1; the stand-in's
# slim Debian has it only when asked for.
DOCKER_OFFLINE_EXTRA_PACKAGES=libatomic1 bash "$tool" base node:26-bookworm-slim
bash "$tool" build -t "$image" .
size=$(docker image inspect -f '{{.Size}}' "$image")
echo "image $image: $((size / 1000000)) MB"

# --network host: no bridge here, so the container listens on the host's port directly.
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
base="http://127.0.0.1:$port"

# http METHOD PATH [JSON]: prints the body; fails unless 200 with Content-Type exactly application/json.
http() {
  node -e '
    const [method, url, key, body] = process.argv.slice(1);
    fetch(url, { method, headers: { authorization: `Bearer ${key}`, ...(body ? { "content-type": "application/json" } : {}) }, body: body || undefined })
      .then(async (r) => {
        const text = await r.text();
        if (r.status !== 200 || r.headers.get("content-type") !== "application/json") {
          console.error(`${method} ${url}: ${r.status} ${r.headers.get("content-type")} ${text}`); process.exit(1);
        }
        console.log(text);
      }, (e) => { console.error(`${method} ${url}: ${e.message}`); process.exit(1); });
  ' "$1" "$base$2" "$key" "${3:-}"
}

wait_healthy() {
  for _ in $(seq 1 60); do
    status=$(docker inspect -f '{{.State.Health.Status}}' "$name")
    if [ "$status" = healthy ] && http GET /_emulator/health >/dev/null 2>&1; then return 0; fi
    [ "$(docker inspect -f '{{.State.Running}}' "$name")" = true ] || fail "container exited"
    sleep 1
  done
  fail "not healthy after 60 s (status: $status)"
}

echo "== in-memory container on port $port"
docker run -d --name "$name" --network host -e PORT="$port" "$image" >/dev/null
wait_healthy
[ "$(docker exec "$name" id -un)" = node ] || fail "does not run as the node user"
id=$(http POST /v1/invitations '{"email_address":"ada@example.com"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).id')
[[ "$id" =~ ^inv_[0-9A-Za-z]{27}$ ]] || fail "create returned id '$id'"
listed=$(http GET "/v1/invitations?paginated=true"); [[ "$listed" == *"\"id\":\"$id\""* ]] || fail "list does not show $id: $listed"
echo "create and list with a bearer key: ok ($id)"
http GET /openapi.json >/dev/null || fail "no /openapi.json"
dashboard=$(node -e '
  fetch(process.argv[1]).then(async (r) => {
    const js = /src="(ui\/main-[\w-]+\.js)"/.exec(await r.text())?.[1];
    const s = await fetch(new URL(js ?? "ui/none", process.argv[1]));
    console.log(r.status, r.headers.get("content-type"), s.status);
  }, (e) => console.log(e.message));
' "$base/_emulator/ui")
[ "$dashboard" = "200 text/html; charset=utf-8 200" ] || fail "the dashboard: $dashboard"
echo "the dashboard and its script: ok"
# The DNS rebinding guard: a Host that is not loopback (nor PUBLIC_URL's, nor in ALLOWED_HOSTS) gets 403.
refused=$(node -e '
  require("http").get({ host: "127.0.0.1", port: process.argv[1], path: "/_emulator/health", headers: { host: "rebind.example:4010" } }, (r) => {
    let b = ""; r.on("data", (c) => (b += c)); r.on("end", () => console.log(r.statusCode, JSON.parse(b).errors[0].code));
  }).on("error", (e) => console.log(e.message));
' "$port")
[ "$refused" = "403 host_not_allowed" ] || fail "a foreign Host answered: $refused"
echo "a foreign Host: 403 host_not_allowed"
docker rm -f "$name" >/dev/null

echo "== file database on volume $volume"
docker volume create "$volume" >/dev/null
docker run -d --name "$name" --network host -e PORT="$port" -e DATABASE_PATH=/data/emulator.db -v "$volume:/data" "$image" >/dev/null
wait_healthy
id=$(http POST /v1/invitations '{"email_address":"grace@example.com"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).id')
docker restart "$name" >/dev/null
wait_healthy
listed=$(http GET /v1/invitations); [[ "$listed" == *"\"id\":\"$id\""* ]] || fail "$id did not survive docker restart: $listed"
echo "invitation survived docker restart: ok"

started=$(date +%s%N)
docker stop -t 10 "$name" >/dev/null
elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
code=$(docker inspect -f '{{.State.ExitCode}}' "$name")
[ "$code" = 0 ] || fail "docker stop: exit code $code"
[ "$elapsed_ms" -lt 5000 ] || fail "docker stop took ${elapsed_ms} ms"
echo "docker stop: exit 0 in ${elapsed_ms} ms"

echo "== compose"
if docker compose version >/dev/null 2>&1; then compose=(docker compose)
else
  if ! command -v docker-compose >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
  fi
  compose=(docker-compose)
fi
# The example takes its key from an env file the user makes; CI makes a throwaway one.
if [ ! -e examples/clerk.env ]; then
  printf 'CLERK_SECRET_KEYS=sk_test_ci\nCLERK_SECRET_KEY=sk_test_ci\nWEBHOOK_SECRET=%s\nCLERK_WEBHOOK_SIGNING_SECRET=%s\n' \
    whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw >examples/clerk.env
  made_env=1
fi
"${compose[@]}" -f examples/docker-compose.yml config -q
config=$("${compose[@]}" -f examples/docker-compose.yml config)
[[ "$config" == *127.0.0.1* ]] || fail "compose publishes 4010 beyond this machine"
echo "examples/docker-compose.yml: valid ($("${compose[@]}" version --short 2>/dev/null || echo compose))"
