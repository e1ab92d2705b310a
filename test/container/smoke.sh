#!/usr/bin/env bash
# `npm run test:container`: the image and docker-compose.yml, built and run here with podman.
#   1. podman, podman-compose and the base images (../shared/container/stand-in-images.sh: no image
#      registry is reachable from these machines, so it builds local stand-ins of node:24-slim and
#      redis:7-alpine);
#   2. the image: built, its size and history (no secret in any layer), `revoker --version` from
#      another working directory, the demo with its report on a mounted host directory;
#   3. compose: redis + worker + api with a test config, the vendor sandbox on the host (its CA file
#      mounted), a batch posted to the API from the host, every item revoked at the sandbox, the
#      report written to the reports volume; then `down`.
# Prints each step's time. Exits non-zero on the first failed check.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
# The host side (the sandbox, the JSON checks) runs on this machine's Node.js.
node bin/check-node.cjs "npm run test:container"
stand_in="${STAND_IN_IMAGES:-$root/../shared/container/stand-in-images.sh}"
image="localhost/cert-revoker:smoke"
project="revoker-smoke"
version=$(node -p 'require("./package.json").version')
work=$(mktemp -d /tmp/revoker-smoke.XXXXXX)
started=$SECONDS
step_started=$SECONDS
sandbox_pid=""
compose_up=""
demo_redis=""

log() { printf '\n== %s\n' "$*"; }
step() {
  printf '   (%ds)\n' $((SECONDS - step_started))
  step_started=$SECONDS
  log "$*"
}
fail() {
  echo "FAILED: $*" >&2
  exit 1
}

cleanup() {
  local code=$?
  if [ -n "$compose_up" ]; then
    if [ "$code" -ne 0 ]; then
      for c in $(podman ps -a --filter "label=io.podman.compose.project=$project" --format '{{.Names}}'); do
        echo "--- $c (on failure)" >&2
        podman logs --tail 30 "$c" >&2 2>&1 || true
      done
    fi
    podman-compose -p "$project" -f docker-compose.yml down -v >/dev/null 2>&1 || true
    podman network rm -f "${project}_default" >/dev/null 2>&1 || true
  fi
  if [ -n "$demo_redis" ]; then
    podman rm -f "$demo_redis" >/dev/null 2>&1 || true
    podman network rm -f revoker-smoke-demo >/dev/null 2>&1 || true
  fi
  if [ -n "$sandbox_pid" ]; then kill "$sandbox_pid" 2>/dev/null || true; fi
  rm -rf "$work"
  exit "$code"
}
trap cleanup EXIT

# --- 1. podman and the base images ---------------------------------------------------------------
log "podman and the stand-in base images ($stand_in)"
[ -f "$stand_in" ] || fail "$stand_in is missing (it comes with the shared notes beside the clone)"
eval "$(bash "$stand_in")"
podman --version
podman-compose version 2>/dev/null | tail -n 1 || true

# --- 2. the image ----------------------------------------------------------------------------------
step "podman build ($image)"
previous=$(podman image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
# --format docker: the OCI format has no HEALTHCHECK, and podman would drop it. --layers=false:
# with the vfs storage these machines need, every cached layer is a full copy of the file system
# (10 minutes for this Dockerfile, against about one without); the npm cache mount still makes a
# rebuild quick.
podman build --pull=never --layers=false --format docker --build-arg "VERSION=$version" -t "$image" . >"$work/build.log" 2>&1 ||
  { tail -n 40 "$work/build.log" >&2; fail "podman build"; }
# The previous build's image, untagged by this one: about 400 MB each on vfs.
if [ -n "$previous" ] && [ "$previous" != "$(podman image inspect --format '{{.Id}}' "$image")" ]; then
  podman rmi "$previous" >/dev/null 2>&1 || true
fi
size=$(podman image inspect --format '{{.Size}}' "$image")
echo "image size: $((size / 1024 / 1024)) MiB"
health=$(podman image inspect --format '{{json .Config.Healthcheck}}' "$image")
[[ "$health" == *healthz* ]] || fail "the image has no HEALTHCHECK on /healthz: $health"
user=$(podman image inspect --format '{{.Config.User}}' "$image")
[ "$user" = "node" ] || fail "the image runs as '$user', not node"
stop=$(podman image inspect --format '{{.Config.StopSignal}}' "$image")
[ "$stop" = "SIGTERM" ] || fail "the image's stop signal is '$stop'"

step "revoker --version, from another working directory"
# --no-healthcheck on one-off runs: podman would try to schedule the image's healthcheck with
# systemd, which these machines do not run.
got=$(podman run --rm --no-healthcheck --workdir /tmp "$image" --version)
[ "$got" = "$version" ] || fail "revoker --version printed '$got', expected '$version'"
echo "revoker --version: $got"

step "revoker demo in the image, its report on a mounted host directory"
mkdir -p "$work/demo-reports"
chown 1000:1000 "$work/demo-reports" # the image's user node
podman network create revoker-smoke-demo >/dev/null
demo_redis=revoker-smoke-demo-redis
podman run -d --name "$demo_redis" --network revoker-smoke-demo docker.io/library/redis:7-alpine \
  redis-server --maxmemory-policy noeviction >/dev/null
podman run --rm --no-healthcheck --network revoker-smoke-demo -e REDIS_URL="redis://$demo_redis:6379" \
  -v "$work/demo-reports:/reports" "$image" demo | tail -n 4
report="$work/demo-reports/revoker-demo-report.json"
[ -f "$report" ] || fail "the demo wrote no report to the mounted directory"
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const { total, retrying, ...outcomes } = r.counts;
  const sum = Object.values(outcomes).reduce((a, b) => a + b, 0);
  if (total !== 1000 || sum !== total || r.items.length !== total || outcomes.revoked < 900)
    throw new Error("demo report counts do not add up: " + JSON.stringify(r.counts));
  console.log("demo report:", JSON.stringify(r.counts));
' "$report"
podman rm -f "$demo_redis" >/dev/null && podman network rm -f revoker-smoke-demo >/dev/null
demo_redis=""

step "no secret in the image's history"
# The values the compose step below mounts as secrets are made now, after the build: none can be in
# a layer. What is checked here is that no layer carries a secret file, a config or a token.
podman history --no-trunc --format '{{.CreatedBy}}' "$image" >"$work/history.txt"
if grep -Eiq 'secret|password|token|apikey|api-key' "$work/history.txt"; then
  grep -Ei 'secret|password|token|apikey|api-key' "$work/history.txt" >&2
  fail "an image layer mentions a secret"
fi
# (typescript is there: an optional peer dependency of valibot, under @bull-board/api.)
podman run --rm --no-healthcheck --entrypoint sh "$image" -c \
  'test ! -e /run/secrets/sectigo-password && test ! -e /config/revoker.config.json && test ! -e /app/src && test ! -e /app/node_modules/vitest && test ! -e /app/node_modules/@biomejs' ||
  fail "the image holds a secret, a config, the sources or dev dependencies"

# --- 3. compose: redis + worker + api, the sandbox on the host ---------------------------------------
step "the vendor sandbox on the host (for containers: host.containers.internal)"
mkdir -p "$work/ca" "$work/secrets"
cat >"$work/seed.json" <<'EOF'
{
  "accounts": {
    "sectigo": [{ "loginName": "smoke", "loginPassword": "smoke-sectigo-password", "rateLimits": [{ "max": 1000, "durationMs": 1000 }] }],
    "digicert": [{ "name": "smoke-dc", "apiKey": "smoke-digicert-key", "admin": true, "rateLimits": [{ "max": 1000, "durationMs": 1000 }] }]
  },
  "orders": [
    { "vendor": "sectigo", "account": "smoke", "orderNumber": "8100001" },
    { "vendor": "sectigo", "account": "smoke", "orderNumber": "8100002" },
    { "vendor": "sectigo", "account": "smoke", "orderNumber": "8100003" },
    { "vendor": "sectigo", "account": "smoke", "orderNumber": "8100004" },
    { "vendor": "sectigo", "account": "smoke", "orderNumber": "8100005" },
    { "vendor": "sectigo", "account": "smoke", "orderNumber": "8100006" },
    { "vendor": "digicert", "account": "smoke-dc", "orderNumber": "8200001" },
    { "vendor": "digicert", "account": "smoke-dc", "orderNumber": "8200002" },
    { "vendor": "digicert", "account": "smoke-dc", "orderNumber": "8200003" },
    { "vendor": "digicert", "account": "smoke-dc", "orderNumber": "8200004" }
  ]
}
EOF
# 0.0.0.0: containers reach the host through their network's gateway; the certificate is made valid
# for the name they use.
node bin/revoker.cjs sandbox --host 0.0.0.0 --port 0 --tls-name host.containers.internal \
  --seed-file "$work/seed.json" --ca-file "$work/ca/sandbox-ca.pem" >"$work/sandbox.log" 2>&1 &
sandbox_pid=$!
for _ in $(seq 1 100); do
  grep -q 'listening on' "$work/sandbox.log" && break
  kill -0 "$sandbox_pid" 2>/dev/null || { cat "$work/sandbox.log" >&2; fail "the sandbox exited"; }
  sleep 0.2
done
sandbox_port=$(sed -n 's#.*listening on https://[^:]*:\([0-9]*\).*#\1#p' "$work/sandbox.log" | head -1)
[ -n "$sandbox_port" ] || { cat "$work/sandbox.log" >&2; fail "the sandbox printed no port"; }
echo "sandbox on port $sandbox_port"

step "podman-compose up redis worker api (test config, secrets, CA file)"
sandbox="https://host.containers.internal:$sandbox_port"
cat >"$work/revoker.config.json" <<EOF
{
  "redis": { "prefix": "revoker-smoke" },
  "accounts": {
    "sectigo-smoke": {
      "vendor": "sectigo",
      "baseUrl": "$sandbox/products/",
      "caFile": "/config/ca/sandbox-ca.pem",
      "credentials": { "loginName": "smoke", "loginPassword": { "file": "/run/secrets/sectigo-password" } },
      "rateLimit": { "max": 50, "durationMs": 1000 },
      "concurrency": 4
    },
    "digicert-smoke": {
      "vendor": "digicert",
      "baseUrl": "$sandbox/services/v2",
      "caFile": "/config/ca/sandbox-ca.pem",
      "credentials": { "apiKey": { "file": "/run/secrets/digicert-api-key" } },
      "rateLimit": { "max": 50, "durationMs": 1000 },
      "autoApprove": true
    }
  },
  "retry": { "attempts": 4, "baseDelayMs": 200, "maxDelayMs": 2000 },
  "api": {
    "tokens": [
      { "name": "pipeline", "token": { "file": "/run/secrets/api-token-pipeline" }, "scopes": ["submit", "read"] },
      { "name": "operator", "token": { "file": "/run/secrets/api-token-operator" }, "scopes": ["read", "admin"] }
    ]
  }
}
EOF
pipeline_token=$(node -p 'require("crypto").randomBytes(32).toString("base64url")')
printf '%s\n' smoke-sectigo-password >"$work/secrets/sectigo-password"
printf '%s\n' smoke-digicert-key >"$work/secrets/digicert-api-key"
printf '%s\n' "$pipeline_token" >"$work/secrets/api-token-pipeline"
node -p 'require("crypto").randomBytes(32).toString("base64url")' >"$work/secrets/api-token-operator"
# Readable by the image's user node (uid 1000) and nobody else, as README asks of a deployment.
chown -R 1000:1000 "$work/secrets" "$work/ca" "$work/revoker.config.json"
chmod 600 "$work/secrets"/*
api_port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
export REVOKER_IMAGE="$image" REVOKER_CONFIG_FILE="$work/revoker.config.json" \
  REVOKER_SECRETS_DIR="$work/secrets" REVOKER_CA_DIR="$work/ca" REVOKER_API_PORT="$api_port"
# The whole file, demo profile included, through podman-compose's parser (1.0 has no `config`
# command: --dry-run prints the podman commands `up` would run). Prometheus and Grafana cannot run
# here (no registry), so this is as far as they are checked.
REVOKER_CONFIG_FILE=./deploy/demo/revoker.config.json REVOKER_SECRETS_DIR=./deploy/demo/secrets \
  podman-compose --dry-run -p revoker-smoke-check -f docker-compose.yml up -d --no-build >"$work/dry-run.log" 2>&1 ||
  { cat "$work/dry-run.log" >&2; fail "podman-compose could not read docker-compose.yml"; }
# --dry-run still creates the project's network and volumes.
podman network rm -f revoker-smoke-check_default >/dev/null 2>&1 || true
podman volume ls --format '{{.Name}}' | grep '^revoker-smoke-check_' | xargs -r podman volume rm -f >/dev/null || true
for service in redis worker api sandbox prometheus grafana redis-host; do
  grep -q "com.docker.compose.service=$service " "$work/dry-run.log" || fail "dry run: no $service service"
done
grep -q 'api-token-operator:/run/secrets/api-token-operator' <(grep 'service=prometheus ' "$work/dry-run.log") ||
  fail "dry run: prometheus has not the operator token"
compose_up=1
# Services named: podman-compose 1.0 knows no profiles and would start the demo profile's too.
podman-compose -p "$project" -f docker-compose.yml up -d --no-build redis worker api >"$work/up.log" 2>&1 ||
  { cat "$work/up.log" >&2; fail "podman-compose up"; }
podman ps --filter "label=io.podman.compose.project=$project" --format '{{.Names}} {{.Status}}'

step "waiting for the api's /readyz (published on 127.0.0.1:$api_port) and the worker's health"
api="http://127.0.0.1:$api_port"
ready=""
for _ in $(seq 1 120); do
  if node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$api/readyz"; then
    ready=1
    break
  fi
  sleep 1
done
[ -n "$ready" ] || fail "the api never answered /readyz"
worker="${project}_worker_1"
healthy=""
for _ in $(seq 1 60); do
  # The compose healthcheck, run on demand (podman-compose does not wait for healthchecks).
  if podman healthcheck run "$worker" >/dev/null 2>&1; then
    healthy=1
    break
  fi
  sleep 1
done
[ -n "$healthy" ] || { podman healthcheck run "$worker" >&2 || true; fail "the worker's healthcheck never passed"; }
echo "api ready, worker healthy"

step "a batch posted to the API from the host, followed to its end"
{
  echo 'account,operation,orderNumber,order_id,revocationReason'
  for o in 8100001 8100002 8100003 8100004 8100005 8100006; do echo "sectigo-smoke,sectigo.revokeSSL,$o,,smoke: key compromise"; done
  for o in 8200001 8200002 8200003 8200004; do echo "digicert-smoke,digicert.revokeOrder,,$o,smoke: key compromise"; done
} >"$work/batch.csv"
batch=$(API="$api" TOKEN="$pipeline_token" node --input-type=module -e '
  const { readFileSync } = await import("node:fs");
  const headers = { authorization: `Bearer ${process.env.TOKEN}` };
  const posted = await fetch(`${process.env.API}/v1/batches?batchId=smoke-batch`, {
    method: "POST", headers: { ...headers, "content-type": "text/csv" }, body: readFileSync(process.argv[1]),
  });
  const answer = await posted.json();
  if (posted.status !== 202) throw new Error(`POST /v1/batches: ${posted.status} ${JSON.stringify(answer)}`);
  // Bounded: 120 polls, a second apart.
  for (let i = 0; i < 120; i++) {
    const status = await (await fetch(`${process.env.API}/v1/batches/${answer.batchId}`, { headers })).json();
    if (status.finished) {
      console.error("batch:", JSON.stringify(status.counts));
      if (status.counts.revoked !== 10 || status.counts.total !== 10) throw new Error(`not every item revoked: ${JSON.stringify(status.counts)}`);
      console.log(answer.batchId);
      process.exit(0);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error("the batch did not finish in 120 s");
' "$work/batch.csv")
echo "batch $batch: every item revoked"

step "at the vendor's side (the sandbox) and in the report on the reports volume"
node --input-type=module -e '
  const { Agent, fetch } = await import("undici");
  const { readFileSync } = await import("node:fs");
  const [port, caFile] = process.argv.slice(1);
  const dispatcher = new Agent({ connect: { ca: readFileSync(caFile, "utf8") } });
  const orders = [["sectigo", 8100001, 6], ["digicert", 8200001, 4]].flatMap(([v, first, n]) =>
    Array.from({ length: n }, (_, i) => [v, first + i]));
  for (const [vendor, order] of orders) {
    const res = await fetch(`https://127.0.0.1:${port}/_sandbox/orders/${vendor}/${order}`, { dispatcher });
    const { state } = await res.json();
    if (state !== "revoked") throw new Error(`${vendor} order ${order} is ${state} at the sandbox`);
  }
  console.log(`all ${orders.length} orders revoked at the sandbox`);
' "$sandbox_port" "$work/ca/sandbox-ca.pem"
podman exec "$worker" revoker batch report "$batch" --out /reports/smoke-report.json
volume=$(podman volume inspect --format '{{.Mountpoint}}' "${project}_reports")
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const bad = r.items.filter((i) => i.outcome !== "revoked");
  if (r.counts.total !== 10 || r.items.length !== 10 || bad.length > 0)
    throw new Error("report: " + JSON.stringify(r.counts) + " " + JSON.stringify(bad));
  console.log("report on the reports volume:", JSON.stringify(r.counts));
' "$volume/smoke-report.json"
if podman exec "$worker" sh -c 'grep -rl smoke-sectigo-password /reports /tmp 2>/dev/null'; then
  fail "a secret value reached a report or a temporary file"
fi

step "podman-compose down"
podman-compose -p "$project" -f docker-compose.yml down -v >/dev/null 2>&1
# podman-compose 1.0 leaves the project's network behind.
podman network rm -f "${project}_default" >/dev/null 2>&1 || true
left=$(podman ps -a --filter "label=io.podman.compose.project=$project" --format '{{.Names}}')
[ -z "$left" ] || fail "containers left after down: $left"
compose_up=""
printf '   (%ds)\n' $((SECONDS - step_started))
log "container smoke test passed in $((SECONDS - started))s (image $((size / 1024 / 1024)) MiB)"
