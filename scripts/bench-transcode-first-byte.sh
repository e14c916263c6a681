#!/usr/bin/env bash
# First transcoded byte: time from GET /stream/{id} to the first body byte of a fresh x264
# `lowlatency` transcode of a 640x360 source on a warm local origin (python's http.server).
# Usage: scripts/bench-transcode-first-byte.sh [artifacts/m3u-proxy] [runs]
set -euo pipefail
binary=${1:-artifacts/m3u-proxy}
runs=${2:-5}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

ffmpeg -hide_banner -loglevel error -f lavfi -i testsrc2=size=640x360:rate=25 -f lavfi -i sine=frequency=1000:sample_rate=48000 \
  -t 60 -c:v libx264 -preset veryfast -g 50 -c:a aac -f mpegts "$work/source.ts"
(cd "$work" && python3 -m http.server 18766 --bind 127.0.0.1 >/dev/null 2>&1) &
HOST=127.0.0.1 PORT=18765 ROOT_PATH= "$binary" >"$work/proxy.log" 2>&1 &
for _ in $(seq 100); do curl -fs http://127.0.0.1:18765/livez >/dev/null && break; sleep 0.1; done
for _ in $(seq 100); do curl -fs -o /dev/null http://127.0.0.1:18766/source.ts && break; sleep 0.1; done   # origin up and warm

for i in $(seq "$runs"); do
  id=$(curl -fs -X POST http://127.0.0.1:18765/transcode -H 'content-type: application/json' \
    -d "{\"url\":\"http://127.0.0.1:18766/source.ts?run=$i\",\"profile\":\"lowlatency\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["stream_id"])')
  curl -s -o /dev/null --max-time 4 -w "run $i: first byte after %{time_starttransfer} s\n" "http://127.0.0.1:18765/stream/$id" || true
  curl -fs -X DELETE "http://127.0.0.1:18765/streams/$id" >/dev/null
  sleep 1
done
