#!/usr/bin/env bash
# Side-by-side benchmark with the shared harness (../shared/bench): the origin itself (direct),
# nginx as a pass-through reverse proxy, and the published native binary. All on loopback,
# every load bounded in time. Results (JSON + markdown tables) go to $OUT (default docs/bench).
# Needs: nginx, ffmpeg, wrk, curl, python3 (Debian packages). About 15 minutes.
set -euo pipefail
binary=$(cd "$(dirname "${1:?usage: bench-compare.sh PATH/TO/m3u-proxy}")" && pwd)/$(basename "$1")
harness=$(cd "${BENCH_DIR:-../shared/bench}" && pwd)
out=$(mkdir -p "${OUT:-docs/bench}" && cd "${OUT:-docs/bench}" && pwd)
work=$(mkdir -p "${BENCH_WORK:-.bench}" && cd "${BENCH_WORK:-.bench}" && pwd)
port=${PROXY_PORT_UNDER_TEST:-18085}
scenarios=${BENCH_SCENARIOS:-live,throughput,hls}

for tool in nginx ffmpeg wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install nginx ffmpeg wrk curl)" >&2; exit 1; }
done

"$harness/gen-media.sh" "$work/media" >/dev/null
MEDIA_DIR="$work/media" "$harness/origin.sh" start "$work/run"
proxy_pid=""
cleanup() {
  [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null || true
  "$harness/origin.sh" stop "$work/run" >/dev/null || true
}
trap cleanup EXIT

R=$work/run
O=(--origin http://127.0.0.1:18080 --origin-pid "$(cat "$R/origin.pid")" --origin-log "$R/origin/access.log"
   --live-origin-pid "$(cat "$R/pacer.pid")" --live-origin-log "$R/pacer/access.log" --scenarios "$scenarios")

python3 "$harness/bench.py" run --name direct --adapter direct "${O[@]}" --out "$out/direct.json"
python3 "$harness/bench.py" run --name nginx --adapter prefix:http://127.0.0.1:18081 --pid "$(cat "$R/proxy.pid")" "${O[@]}" --out "$out/nginx.json"

HOST=127.0.0.1 PORT=$port LOG_LEVEL=WARNING STREAM_TIMEOUT=3600 "$binary" >"$work/proxy.log" 2>&1 &
proxy_pid=$!
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/livez" && break; sleep 0.05; done
python3 "$harness/bench.py" run --name m3u-proxy-edge --adapter "m3u-proxy:http://127.0.0.1:$port" --pid "$proxy_pid" "${O[@]}" --out "$out/m3u-proxy-edge.json"
kill "$proxy_pid"; wait "$proxy_pid" 2>/dev/null || true; proxy_pid=""

python3 "$harness/bench.py" startup --name m3u-proxy-edge --reps 5 \
  --cmd "exec env HOST=127.0.0.1 PORT=$((port + 1)) LOG_LEVEL=WARNING $binary" \
  --health "http://127.0.0.1:$((port + 1))/livez" --out "$out/m3u-proxy-edge-startup.json"
python3 "$harness/bench.py" report "$out"/direct.json "$out"/nginx.json "$out"/m3u-proxy-edge.json "$out"/m3u-proxy-edge-startup.json \
  --baseline direct --anchor nginx --out "$out/tables.md"
cat "$out/tables.md"
