#!/usr/bin/env bash
# First HLS segment, from a paced live source (../shared/bench: 4 Mbit/s H.264+AAC, real time):
#  1. a transcode with output_format=hls (default profile, hls_time 2): time from the first playlist
#     request to the playlist's answer, which waits for ffmpeg's first segment (target: hls_time + 2 s = 4 s);
#  2. a broadcast: time until POST /broadcast/{id}/start answers, which is when its first segment
#     exists (target ≤ 6 s), copying and transcoding.
# Wall-clock times: run it on a quiet machine.   Usage: scripts/bench-first-segment.sh [artifacts/m3u-proxy] [runs]
set -euo pipefail
binary=$(cd "$(dirname "${1:-artifacts/m3u-proxy}")" && pwd)/$(basename "${1:-artifacts/m3u-proxy}")
runs=${2:-5}
harness=$(cd "${BENCH_DIR:-../shared/bench}" && pwd)
work=$(mkdir -p "${BENCH_WORK:-.bench}" && cd "${BENCH_WORK:-.bench}" && pwd)
port=18765
P=http://127.0.0.1:$port
"$harness/gen-media.sh" "$work/media" >/dev/null
MEDIA_DIR="$work/media" "$harness/origin.sh" start "$work/first-segment" >/dev/null
HOST=127.0.0.1 PORT=$port LOG_LEVEL=WARNING "$binary" >"$work/first-segment-proxy.log" 2>&1 &
proxy=$!
trap 'kill $proxy 2>/dev/null || true; "$harness/origin.sh" stop "$work/first-segment" >/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs -o /dev/null $P/livez && break; sleep 0.1; done
source_url=http://127.0.0.1:18082/long600.ts   # the pacer: a live channel that starts mid-stream
json() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

for i in $(seq "$runs"); do
  id=$(curl -fs -X POST $P/transcode -H 'content-type: application/json' \
    -d "{\"url\":\"$source_url?run=$i\",\"output_format\":\"hls\"}" | json stream_id)
  curl -fs -o /dev/null -w "run $i: transcode (hls) first playlist with a segment after %{time_total} s\n" "$P/hls/$id/playlist.m3u8" || echo "run $i: transcode playlist failed"
  curl -fs -o /dev/null -X DELETE "$P/streams/$id"
  for mode in false true; do
    curl -s -o /dev/null -X POST -H 'content-type: application/json' \
      -d "{\"stream_url\":\"$source_url?run=$i-$mode\",\"segment_duration\":2,\"duration_seconds\":30,\"transcode\":$mode}" \
      -w "run $i: broadcast (transcode=$mode) start answered %{http_code} after %{time_total} s\n" "$P/broadcast/first-$i-$mode/start"
    curl -s -o /dev/null -X DELETE "$P/broadcast/first-$i-$mode"
  done
  sleep 1
done
