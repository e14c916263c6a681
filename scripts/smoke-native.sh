#!/usr/bin/env bash
# Smoke test of the published native binary: start it on a free loopback port, wait for
# /livez, create a stream, read it back, check auth, stop it with SIGTERM. Bounded in time.
set -euo pipefail
binary=${1:?usage: smoke-native.sh PATH/TO/m3u-proxy}
[ -x "$binary" ] || { echo "smoke: $binary is not an executable" >&2; exit 1; }
log=$(mktemp)
token="smoke-$RANDOM$RANDOM"
pid=""
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true; rm -f "$log"; }
trap cleanup EXIT
fail() { echo "smoke: FAIL: $*" >&2; echo "--- proxy log ---" >&2; cat "$log" >&2; exit 1; }

HOST=127.0.0.1 PORT=0 API_TOKEN="$token" LOG_LEVEL=INFO "$binary" >"$log" 2>&1 &
pid=$!

base=""
for _ in $(seq 1 100); do
  base=$(grep -o 'Now listening on: http://127.0.0.1:[0-9]*' "$log" | head -n1 | sed 's/Now listening on: //') || true
  [ -n "$base" ] && break
  kill -0 "$pid" 2>/dev/null || fail "binary exited during start-up"
  sleep 0.05
done
[ -n "$base" ] || fail "no listening address within 5 s"

for _ in $(seq 1 100); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/livez")" = "200" ] && break
  sleep 0.05
done
[ "$(curl -s "$base/livez")" = "ok" ] || fail "/livez did not answer ok"

code=$(curl -s -o /dev/null -w '%{http_code}' "$base/m3u-proxy/streams")
[ "$code" = "401" ] || fail "GET /streams without a token answered $code, expected 401"

# The operator's pages come from the binary's own resources: /docs and /openapi.json without a token, the dashboard with it.
page=$(curl -sf "$base/m3u-proxy/docs") || fail "/docs did not answer 200 without a token"
grep -q 'openapi.json' <<<"$page" || fail "/docs is not the API page"
page=$(curl -sf "$base/m3u-proxy/openapi.json") || fail "/openapi.json did not answer 200 without a token"
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["servers"][0]["url"] == "/m3u-proxy" and "/streams" in d["paths"], d.get("servers")' "$page" || fail "/openapi.json is not the API document"
code=$(curl -s -o /dev/null -w '%{http_code}' "$base/m3u-proxy/dashboard")
[ "$code" = "401" ] || fail "GET /dashboard without a token answered $code, expected 401"
page=$(curl -sf "$base/m3u-proxy/dashboard?api_token=$token") || fail "/dashboard with the token did not answer 200"
grep -q '<title>m3u-proxy' <<<"$page" || fail "/dashboard is not the dashboard page"
# The runtime's series come from its System.Runtime meter, not EventSource (EventSourceSupport=false in the binary).
page=$(curl -sf -H "X-API-Token: $token" "$base/metrics") || fail "GET /metrics with the token failed"
grep -q '^dotnet_gc_collections_total' <<<"$page" || fail "/metrics has no runtime series (dotnet_gc_collections_total)"

url="http://origin.invalid/live/user/pass/1234.ts"
created=$(curl -sf -X POST -H "X-API-Token: $token" -H 'Content-Type: application/json' \
  -d "{\"url\":\"$url\",\"metadata\":{\"id\":42,\"is_failover\":false}}" "$base/m3u-proxy/streams") || fail "POST /streams failed"
id=$(printf '%s' "$url" | md5sum | cut -d' ' -f1)
grep -q "\"stream_id\":\"$id\"" <<<"$created" || fail "POST /streams answered $created"
grep -q '"is_failover":"False"' <<<"$created" || fail "metadata not stringified: $created"

stream=$(curl -sf -H "X-API-Token: $token" "$base/streams/$id") || fail "GET /streams/$id failed"
grep -q '"stream_type":"Live Continuous"' <<<"$stream" || fail "GET /streams/$id answered $stream"

# The same binary is the client (System.CommandLine under AOT): list, info and a rejected token.
listed=$(API_TOKEN="$token" "$binary" list --server "$base" --json) || fail "m3u-proxy list --json failed"
grep -q "\"stream_id\":\"$id\"" <<<"$listed" || fail "m3u-proxy list --json printed $listed"
info=$("$binary" info "$id" --server "$base" --token "$token") || fail "m3u-proxy info failed"
grep -q "^Stream $id (Live Continuous)" <<<"$info" || fail "m3u-proxy info printed $info"
"$binary" list --server "$base" --token wrong >/dev/null 2>&1 && code=0 || code=$?
[ "$code" = 4 ] || fail "m3u-proxy list with a wrong token exited $code, expected 4"

# Stream a file through the native binary from a loopback origin (python's http.server): bytes must be identical.
media=$(mktemp -d)
head -c 3000000 /dev/urandom > "$media/movie.mp4"
python3 -m http.server 0 --bind 127.0.0.1 --directory "$media" >"$media/origin.log" 2>&1 &
origin_pid=$!
trap 'kill $origin_pid 2>/dev/null || true; rm -rf "$media"; cleanup' EXIT
origin=""
for _ in $(seq 1 100); do
  origin=$(grep -o 'port [0-9]*' "$media/origin.log" | head -n1 | cut -d' ' -f2) || true
  [ -n "$origin" ] && break
  sleep 0.05
done
[ -n "$origin" ] || fail "loopback origin did not start"
vod=$(curl -sf -X POST -H "X-API-Token: $token" -H 'Content-Type: application/json' \
  -d "{\"url\":\"http://127.0.0.1:$origin/movie.mp4\"}" "$base/streams" | grep -o '"stream_endpoint":"[^"]*"' | cut -d'"' -f4)
[ -n "$vod" ] || fail "could not create the VOD stream"
[ "$(curl -sf "$base$vod" | sha256sum)" = "$(sha256sum < "$media/movie.mp4")" ] || fail "VOD bytes differ from the origin's"

# A finite live .ts goes through the shared fan-out; a single viewer gets every byte.
mkdir -p "$media/live"
python3 -c "import os,sys; sys.stdout.buffer.write(b''.join(b'\x47' + os.urandom(187) for _ in range(20000)))" > "$media/live/channel.ts"
live=$(curl -sf -X POST -H "X-API-Token: $token" -H 'Content-Type: application/json' \
  -d "{\"url\":\"http://127.0.0.1:$origin/live/channel.ts\"}" "$base/streams" | grep -o '"stream_endpoint":"[^"]*"' | cut -d'"' -f4)
[ "$(curl -sf "$base$live" | sha256sum)" = "$(sha256sum < "$media/live/channel.ts")" ] || fail "live .ts bytes differ from the origin's"

code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "X-API-Token: $token" -H 'Content-Type: application/json' -d '{"url":"file:///etc/passwd"}' "$base/streams")
[ "$code" = "422" ] || fail "file:// URL answered $code, expected 422"

kill -TERM "$pid"
for _ in $(seq 1 100); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
done
if kill -0 "$pid" 2>/dev/null; then fail "still running 5 s after SIGTERM"; fi
wait "$pid" && status=0 || status=$?
pid=""
[ "$status" -eq 0 ] || fail "exit status $status after SIGTERM"
grep -q "Stream $id stopped: server_shutdown" "$log" || fail "no stream_stopped on shutdown"
echo "smoke: native binary OK ($(stat -c %s "$binary") bytes): API, auth, CLI, VOD and live bytes, SIGTERM"
