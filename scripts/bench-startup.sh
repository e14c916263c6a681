#!/usr/bin/env bash
# Launch → first /livez 200 and idle RSS of the native binary, median of 5 runs, measured
# with the shared harness (../shared/bench/bench.py startup). Writes artifacts/bench/startup.json.
set -euo pipefail
binary=$(cd "$(dirname "${1:?usage: bench-startup.sh PATH/TO/m3u-proxy}")" && pwd)/$(basename "$1")
harness=${BENCH_DIR:-../shared/bench}
port=${BENCH_PORT:-18186}
out=${BENCH_OUT:-artifacts/bench/startup.json}
[ -f "$harness/bench.py" ] || { echo "bench: $harness/bench.py not found (set BENCH_DIR)" >&2; exit 1; }
python3 "$harness/bench.py" startup --name m3u-proxy-edge --reps 5 \
  --cmd "exec env HOST=127.0.0.1 PORT=$port LOG_LEVEL=WARNING $binary" \
  --health "http://127.0.0.1:$port/livez" --out "$out"
ls -l "$binary"
cat "$out"
