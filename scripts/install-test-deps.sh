#!/usr/bin/env bash
# Installs what the tests drive as real processes (ffmpeg/ffprobe, streamlink, yt-dlp, redis-server) when they are missing.
# Debian/Ubuntu only; elsewhere it says what to install and stops.
set -euo pipefail
need=()
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)
command -v streamlink >/dev/null 2>&1 || need+=(streamlink)
command -v yt-dlp >/dev/null 2>&1 || need+=(yt-dlp)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if [ ${#need[@]} -eq 0 ]; then
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
