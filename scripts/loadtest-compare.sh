#!/usr/bin/env bash
# The load generator (loadtests/) side by side in one run: the origin itself (direct), nginx as a
# pass-through reverse proxy (prefix:) and the published native binary (m3u-proxy:), all on the
# shared harness's origin, nginx and pacer (../shared/bench/origin.sh). Loopback only; every step
# is bounded in time. JSON reports go to $OUT (default docs/bench/loadgen). About 10 minutes.
#   LOADTEST_SCENARIOS  download,live,live1000,zap,failover (default: all)
#   LIVE1000_RATE       bytes/s of the channel for the 1000-viewer step (default 500000 = 4 Mbit/s)
#   DOWNLOAD_REPS       repetitions of each download step, the median is kept (default 3)
set -euo pipefail
binary=$(cd "$(dirname "${1:?usage: loadtest-compare.sh PATH/TO/m3u-proxy}")" && pwd)/$(basename "$1")
harness=$(cd "${BENCH_DIR:-../shared/bench}" && pwd)
out=$(mkdir -p "${OUT:-docs/bench/loadgen}" && cd "${OUT:-docs/bench/loadgen}" && pwd)
work=$(mkdir -p "${BENCH_WORK:-.bench}" && cd "${BENCH_WORK:-.bench}" && pwd)
port=${PROXY_PORT_UNDER_TEST:-18085}
scenarios=${LOADTEST_SCENARIOS:-download,live,live1000,zap,failover}
live1000_rate=${LIVE1000_RATE:-500000}
download_reps=${DOWNLOAD_REPS:-3}
pacer2_port=18083

for tool in nginx ffmpeg curl python3 dotnet; do
  command -v "$tool" >/dev/null || { echo "loadtest: $tool is missing" >&2; exit 1; }
done
# 1000 viewers need more than the usual 1024 descriptors, in the proxy and in nginx too.
ulimit -n "$(ulimit -Hn)"

dotnet build loadtests/M3uProxy.Edge.LoadTests -c Release -v quiet -nologo >/dev/null
loadgen=(dotnet loadtests/M3uProxy.Edge.LoadTests/bin/Release/net10.0/m3u-loadgen.dll)

"$harness/gen-media.sh" "$work/media" >/dev/null
MEDIA_DIR="$work/media" "$harness/origin.sh" start "$work/run"
R=$work/run
proxy_pid=""
pacer2_pid=""
cleanup() {
  [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null || true
  [ -n "$pacer2_pid" ] && kill "$pacer2_pid" 2>/dev/null || true
  "$harness/origin.sh" stop "$work/run" >/dev/null || true
}
trap cleanup EXIT

# A fresh proxy process for each scenario, so that its memory figures start from a clean heap.
restart_proxy() {
  if [ -n "$proxy_pid" ]; then kill "$proxy_pid"; wait "$proxy_pid" 2>/dev/null || true; fi
  HOST=127.0.0.1 PORT=$port LOG_LEVEL=WARNING STREAM_TIMEOUT=3600 "$binary" >>"$work/proxy.log" 2>&1 &
  proxy_pid=$!
  for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/livez" && break; sleep 0.05; done
}

has() { [[ ",$scenarios," == *",$1,"* ]]; }
declare -A spec=([direct]=direct [nginx]=prefix:http://127.0.0.1:18081 [m3u-proxy-edge]=m3u-proxy:http://127.0.0.1:$port)
target_args() { # NAME: --name, --target and --pid of that target (the proxy's current process)
  local p=""
  case $1 in nginx) p=$(cat "$R/proxy.pid") ;; m3u-proxy-edge) p=$proxy_pid ;; esac
  echo "--name $1 --target ${spec[$1]}${p:+ --pid $p}"
}
for name in direct nginx m3u-proxy-edge; do
  if has download; then
    [ "$name" = m3u-proxy-edge ] && restart_proxy
    # shellcheck disable=SC2046
    "${loadgen[@]}" download $(target_args "$name") --clients 1,10,200 --duration 5 --reps "$download_reps" \
      --out "$out/$name-download.json"
  fi
  if has live; then
    [ "$name" = m3u-proxy-edge ] && restart_proxy
    # shellcheck disable=SC2046
    "${loadgen[@]}" live $(target_args "$name") --clients 10,200 --duration 20 \
      --origin-log "$R/pacer/access.log" --out "$out/$name-live.json"
  fi
done

if has live1000; then
  # A second pacer at LIVE1000_RATE, so the 1000-viewer step can run below 4 Mbit/s if 2 cores saturate.
  python3 "$harness/pacer.py" --dir "$work/media" --port $pacer2_port --rate "$live1000_rate" \
    --log "$R/pacer2.log" >/dev/null 2>&1 &
  pacer2_pid=$!
  sleep 1
  restart_proxy
  # shellcheck disable=SC2046
  "${loadgen[@]}" live $(target_args m3u-proxy-edge) --origin http://127.0.0.1:$pacer2_port --path /long600.ts --clients 1000 \
    --ramp 5 --duration 30 --origin-log "$R/pacer2.log" --out "$out/m3u-proxy-edge-live1000.json"
fi
if has zap; then
  restart_proxy
  # shellcheck disable=SC2046
  "${loadgen[@]}" zap $(target_args m3u-proxy-edge) --clients 50 --channels 8 --switch-every 3 --duration 20 \
    --origin-log "$R/pacer/access.log" --out "$out/m3u-proxy-edge-zap.json"
fi
if has failover; then
  restart_proxy
  # shellcheck disable=SC2046
  "${loadgen[@]}" failover $(target_args m3u-proxy-edge) --clients 50 --every 5 --duration 20 \
    --origin-log "$R/pacer/access.log" --out "$out/m3u-proxy-edge-failover.json"
fi
reports=()
for f in direct-download nginx-download m3u-proxy-edge-download direct-live nginx-live m3u-proxy-edge-live \
         m3u-proxy-edge-live1000 m3u-proxy-edge-zap m3u-proxy-edge-failover; do
  if [ -f "$out/$f.json" ]; then reports+=("$out/$f.json"); fi
done
"${loadgen[@]}" report "${reports[@]}" --out "$out/tables.md"
cat "$out/tables.md"
