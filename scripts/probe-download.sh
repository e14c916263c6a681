#!/usr/bin/env bash
# Looks inside the proxy during one download step of the load generator, a fresh process each time,
# for the measurements of docs/performance.md that loadtest-compare.sh does not make. Needs the
# shared harness's origin already running (../shared/bench/origin.sh start, nginx on 18080).
#   probe-download.sh rss     BIN CLIENTS [VAR=VALUE...]  RSS every 0.5 s for 6 s, no scrape in between
#   probe-download.sh threads BIN CLIENTS [VAR=VALUE...]  CPU and context switches of each thread over 4 s,
#                                                         and thread-pool work items per 64 KiB served
#   probe-download.sh creates BIN                         bytes allocated per POST /streams (1,000 after 50)
# VAR=VALUE pairs go to the proxy's environment (e.g. DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0).
set -euo pipefail
mode=${1:?usage: probe-download.sh rss|threads|creates BIN [CLIENTS] [VAR=VALUE...]}
binary=$(cd "$(dirname "${2:?the proxy binary}")" && pwd)/$(basename "$2")
clients=${3:-200}
shift $(($# < 3 ? $# : 3))
port=${PROXY_PORT_UNDER_TEST:-18085}
base=http://127.0.0.1:$port
ulimit -n "$(ulimit -Hn)"

curl -sf -o /dev/null http://127.0.0.1:18080/tiny.ts || { echo "probe: start the harness's origin first" >&2; exit 1; }
dotnet build loadtests/M3uProxy.Edge.LoadTests -c Release -v quiet -nologo >/dev/null
loadgen=(dotnet loadtests/M3uProxy.Edge.LoadTests/bin/Release/net10.0/m3u-loadgen.dll)

env "$@" HOST=127.0.0.1 PORT="$port" LOG_LEVEL=WARNING STREAM_TIMEOUT=3600 "$binary" >/dev/null 2>&1 &
pid=$!
step_pid=""
trap 'kill $pid $step_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf -o /dev/null "$base/livez" && break; sleep 0.05; done

metric() { curl -s "$base/metrics" | awk -v name="$1" '$1 == name { printf "%.0f", $2 }'; }

start_step() {
  "${loadgen[@]}" download --target "m3u-proxy:$base" --pid "$pid" --clients "$clients" --duration "$1" > "$log" 2>&1 &
  step_pid=$!
}

# Per thread: name, CPU ticks, voluntary and involuntary context switches.
threads() {
  for task in /proc/$pid/task/*; do
    read -r -a stat <<< "$(sed 's/.*) //' "$task/stat")"
    echo "$(basename "$task") $(tr ' ' _ < "$task/comm") $((stat[11] + stat[12])) $(awk '/^voluntary_ctxt/ { v = $2 } /^nonvoluntary_ctxt/ { n = $2 } END { print v, n }' "$task/status")"
  done | sort
}

log=$(mktemp)
case $mode in
  rss)
    start_step 8
    samples=""
    for _ in $(seq 1 12); do sleep 0.5; samples="$samples $(awk '/^Rss/ { print int($2 / 1024) }' "/proc/$pid/smaps_rollup")"; done
    echo "RSS MB every 0.5 s:$samples"
    wait "$step_pid"; grep 'N=' "$log"
    ;;
  threads)
    start_step 7
    sleep 2
    threads > "$log.1"; items=$(metric dotnet_thread_pool_work_item_count_total); served=$(metric m3u_proxy_served_bytes_total)
    sleep 4
    threads > "$log.2"; items=$(($(metric dotnet_thread_pool_work_item_count_total) - items)); served=$(($(metric m3u_proxy_served_bytes_total) - served))
    ticks=$(getconf CLK_TCK)
    join "$log.1" "$log.2" | awk -v hz="$ticks" '{ cpu = ($7 - $3) * 100 / hz / 4; if (cpu > 0 || $8 - $4 > 400)
      printf "%-7s %-16s CPU %5.1f %%  voluntary/s %6d  involuntary/s %6d\n", $1, $2, cpu, ($8 - $4) / 4, ($9 - $5) / 4 }' | sort -k4 -nr
    echo "thread-pool work items: $((items / 4))/s, $(awk -v i="$items" -v b="$served" 'BEGIN { printf "%.2f", i * 65536 / (b + 1) }') per 64 KiB served"
    wait "$step_pid"; grep 'N=' "$log"
    ;;
  creates)
    # One connection for all calls (curl's config with "next"), as m3u-editor's HTTP client keeps one.
    creates() { for i in $(seq "$1" "$2"); do
      [ "$i" = "$1" ] || echo next
      echo "url = \"$base/streams\""
      echo 'header = "Content-Type: application/json"'
      echo "data = \"{\\\"url\\\":\\\"http://127.0.0.1:18080/tiny.ts?c=$i\\\"}\""
      echo 'output = /dev/null'
      echo 'write-out = "%{http_code}\n"'
    done | curl -s -K -; }
    creates 1 50 >/dev/null
    first=$(metric dotnet_gc_heap_total_allocated_bytes_total)
    before=$(metric dotnet_gc_heap_total_allocated_bytes_total) # the second scrape measures what one scrape allocates
    creates 1001 2000 | sort | uniq -c
    after=$(metric dotnet_gc_heap_total_allocated_bytes_total)
    echo "$(((after - before - (before - first)) / 1000)) B allocated per create call"
    ;;
  *) echo "probe: unknown mode $mode" >&2; exit 2 ;;
esac
rm -f "$log" "$log.1" "$log.2"
