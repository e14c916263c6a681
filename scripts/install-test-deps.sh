#!/usr/bin/env bash
# Installs what the tests drive as real processes (ffmpeg/ffprobe, streamlink, yt-dlp, redis-server,
# Chromium with Node.js for the dashboard and hls.js tests, and playwright-core and hls.js from tests/browser/package-lock.json) when they are missing.
# Debian/Ubuntu only; elsewhere it says what to install and stops.
set -euo pipefail
need=()
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)
command -v streamlink >/dev/null 2>&1 || need+=(streamlink)
command -v yt-dlp >/dev/null 2>&1 || need+=(yt-dlp)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
# playwright-core drives Debian's Chromium (it never downloads a browser of its own).
browser_checks=$(cd "$(dirname "$0")/../tests/browser" && pwd)
install_browser_checks() {
  [ -d "$browser_checks/node_modules/playwright-core" ] && [ -d "$browser_checks/node_modules/hls.js" ] && return 0
  echo "install-test-deps: npm ci in tests/browser"
  (cd "$browser_checks" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
}
if [ ${#need[@]} -eq 0 ]; then
  install_browser_checks
  exit 0
fi
packages=$(printf '%s\n' "${need[@]}" | sort -u | tr '\n' ' ')
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-deps: please install: $packages" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "install-test-deps: installing $packages"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $packages >/dev/null
install_browser_checks
