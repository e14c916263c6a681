#!/usr/bin/env bash
# Runs the built image for real, without a container engine: its root filesystem (buildah mount)
# in a private mount and PID namespace, entered with chroot as the image's user, with the image's
# environment and entrypoint (arm64 under qemu-user through binfmt). Checks the configuration
# (architecture, user 10001, entrypoint), /livez, the process's uid, ffmpeg inside, the proxy's own
# ffmpeg discovery (/info), that ffmpeg, ffprobe and every VA-API driver and QSV runtime in the image
# find all their libraries (the hardware paths a machine without a GPU can still check), bytes
# proxied from a loopback origin and a real transcode through the image's ffmpeg. An arch this
# machine only emulates gets ten times the waits (qemu-user runs ffmpeg ~10-20x slower), not fewer
# checks. Everything it starts or mounts is gone when it exits.
#   scripts/image-check.sh amd64|arm64
set -euo pipefail
cd "$(dirname "$0")/.."
arch=${1:?usage: image-check.sh amd64|arm64}
image=localhost/m3u-proxy-edge:$arch
work=$(mktemp -d)
ctr="" runner="" origin="" binfmt=""
cleanup() {
  set +e
  # The proxy is PID 1 of its PID namespace: killing it ends everything in the namespace. unshare's
  # --kill-child does not reach it (chroot --userspec changes the uid, which clears the parent-death signal).
  [ -n "$runner" ] && { kill -9 $(ps -o pid= --ppid "$runner") "$runner"; wait "$runner"; } 2>/dev/null
  [ -n "$origin" ] && kill "$origin" 2>/dev/null
  [ -n "$ctr" ] && { buildah umount "$ctr" >/dev/null; buildah rm "$ctr" >/dev/null; }
  scripts/binfmt-arm64.sh off "$binfmt"
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "image-check: FAIL ($arch): $*" >&2; [ -f "$work/proxy.log" ] && { echo "--- proxy log ---" >&2; cat "$work/proxy.log" >&2; }; exit 1; }
inspect() { buildah inspect --type image --format "$1" "$image"; }
# Seconds to wait for start-up, the probe and the transcode: natively, and under qemu-user.
slow=1
case "$arch:$(uname -m)" in amd64:x86_64 | arm64:aarch64) ;; *) slow=10 ;; esac

[ "$(inspect '{{.OCIv1.Architecture}}')" = "$arch" ] || fail "image architecture is $(inspect '{{.OCIv1.Architecture}}')"
[ "$(inspect '{{.OCIv1.Config.User}}')" = "10001:10001" ] || fail "image user is '$(inspect '{{.OCIv1.Config.User}}')'"
entrypoint=$(inspect '{{index .OCIv1.Config.Entrypoint 0}}')
[ "$entrypoint" = /app/m3u-proxy ] || fail "entrypoint is $entrypoint"
inspect '{{.Docker.Config.Healthcheck}}' | grep -q livez || fail "no HEALTHCHECK on /livez"
mapfile -t image_env < <(inspect '{{range .OCIv1.Config.Env}}{{println .}}{{end}}' | grep .)

[ "$arch" = arm64 ] && binfmt=$(scripts/binfmt-arm64.sh on)
ctr=$(buildah from --pull=never --platform "linux/$arch" "$image")
root=$(buildah mount "$ctr")
# In the image as its user, with only the image's environment: a new mount and PID namespace (its
# mounts and every process in it end with it), chroot into the image's root, the image's WORKDIR.
in_image=(env -i "${image_env[@]}" unshare --mount --propagation private --pid --fork --kill-child
  sh -c 'mount -t proc proc "$0/proc" && mount --rbind /dev "$0/dev" && exec chroot --userspec=10001:10001 "$0" env --chdir=/app "$@"' "$root")

version=$("${in_image[@]}" ffmpeg -version | sed -n 1p)
[[ $version == "ffmpeg version "* ]] || fail "ffmpeg -version inside said: $version"

# Everything ffmpeg loads to use a GPU (VA drivers, the QSV runtime; NVENC's libraries come from the
# host) must find its libraries: the image's dpkg excludes must not have removed one they need.
libdir=/usr/lib/$(case "$arch" in amd64) echo x86_64 ;; arm64) echo aarch64 ;; esac)-linux-gnu
hardware=$("${in_image[@]}" sh -c 'for f in "$0"/dri/*_drv_video.so "$0"/libmfx-gen.so.1.2 "$0"/libvpl.so.2 "$0"/libva-drm.so.2; do [ -e "$f" ] && echo "$f"; done; true' "$libdir")
for file in /usr/bin/ffmpeg /usr/bin/ffprobe $hardware; do
  linked=$("${in_image[@]}" ldd "$file" 2>&1) || fail "ldd $file in the image failed: $linked"
  grep -q 'libc\.so\.6 => /' <<<"$linked" || fail "ldd $file in the image resolved nothing: $linked"
  unresolved=$(grep 'not found' <<<"$linked" || true)
  [ -z "$unresolved" ] || fail "$file lacks libraries in the image: $unresolved"
done
va_drivers=$(sed -n 's#.*/\(.*\)_drv_video\.so$#\1#p' <<<"$hardware" | paste -sd,)
if [ "$arch" = amd64 ]; then
  grep -q '/iHD_drv_video.so$' <<<"$hardware" || fail "no Intel iHD VA driver in the amd64 image"
  grep -q '/libmfx-gen.so.1.2$' <<<"$hardware" || fail "no QSV runtime (libmfx-gen) in the amd64 image"
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
token="check-$RANDOM$RANDOM"
"${in_image[@]}" PORT="$port" API_TOKEN="$token" TRANSCODE_STALL_TIMEOUT=$((10 * slow)) "$entrypoint" >"$work/proxy.log" 2>&1 &
runner=$!
base=http://127.0.0.1:$port
deadline=$((SECONDS + 30 * slow))
while [ $SECONDS -lt $deadline ]; do
  [ "$(curl -s --max-time 2 "$base/livez" || true)" = ok ] && break
  kill -0 "$runner" 2>/dev/null || fail "the entrypoint exited during start-up"
  sleep 0.1
done
[ "$(curl -s "$base/livez")" = ok ] || fail "/livez did not answer ok within $((30 * slow)) s"

pid=$(ss -Htlnp "sport = :$port" | grep -o 'pid=[0-9]*' | sed -n 1p | cut -d= -f2)
[ -n "$pid" ] || fail "no process listens on $port"
uids=$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$pid/status")
[ "$uids" = "10001 10001 10001 10001" ] || fail "the proxy runs with uids $uids"

info=$(curl -sf -H "X-API-Token: $token" "$base/info") || fail "GET /info failed"
ffmpeg_seen=$(python3 -c 'import json,sys; print((json.loads(sys.argv[1])["ffmpeg_version"] or "").split(" Copyright")[0])' "$info")
[ -n "$ffmpeg_seen" ] || fail "/info reports no ffmpeg: $info"
deadline=$((SECONDS + 30 * slow))
while [ $SECONDS -lt $deadline ]; do grep -q 'Encoder for transcoding and broadcasts\|Transcoding encoder' "$work/proxy.log" && break; sleep 0.1; done
encoder=$(grep -o 'Transcoding encoder: [^;]*\|Encoder for transcoding and broadcasts: [^;]*' "$work/proxy.log" | sed -n 1p) || true

# A loopback origin: a file proxied byte for byte, and a 2 s clip transcoded by the image's ffmpeg.
mkdir "$work/media"
head -c 2000000 /dev/urandom >"$work/media/movie.mp4"
ffmpeg -hide_banner -loglevel error -f lavfi -i testsrc2=size=320x180:rate=25 -f lavfi -i sine=frequency=1000:sample_rate=48000 \
  -t 2 -c:v libx264 -preset ultrafast -g 25 -c:a aac -f mpegts "$work/media/clip.ts"
python3 -m http.server 0 --bind 127.0.0.1 --directory "$work/media" >"$work/origin.log" 2>&1 &
origin=$!
for _ in $(seq 1 100); do grep -q 'port [0-9]' "$work/origin.log" && break; sleep 0.05; done
origin_port=$(grep -o 'port [0-9]*' "$work/origin.log" | sed -n 1p | cut -d' ' -f2)
[ -n "$origin_port" ] || fail "the loopback origin did not start"
post() { curl -sf -X POST -H "X-API-Token: $token" -H 'Content-Type: application/json' -d "$2" "$base/$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["stream_endpoint"])'; }

vod=$(post streams "{\"url\":\"http://127.0.0.1:$origin_port/movie.mp4\"}") || fail "POST /streams failed"
[ "$(curl -sf "$base$vod" | sha256sum)" = "$(sha256sum <"$work/media/movie.mp4")" ] || fail "proxied bytes differ from the origin's"

transcode=$(post transcode "{\"url\":\"http://127.0.0.1:$origin_port/clip.ts\",\"profile\":\"lowlatency\"}") || fail "POST /transcode failed"
curl -s --max-time $((60 * slow)) -o "$work/out.ts" "$base$transcode" || true
out_bytes=$(stat -c %s "$work/out.ts" 2>/dev/null || echo 0)
[ "$out_bytes" -ge 18800 ] && [ "$(head -c1 "$work/out.ts" | od -An -tx1 | tr -d ' ')" = 47 ] \
  || fail "the transcode gave $out_bytes bytes, not MPEG-TS"
codecs=$(ffprobe -v error -show_entries stream=codec_name -of csv=p=0 "$work/out.ts" | grep . | sort -u | paste -sd' ')
[[ $codecs == *h264* ]] || fail "the transcode's output has codecs: $codecs"

echo "image-check: $image OK: $(inspect '{{.OCIv1.Architecture}}')$([ $slow = 1 ] || echo ' (emulated)'), uid 10001, /livez ok, ${version%% Copyright*} inside;" \
  "VA drivers ${va_drivers:-none}$(grep -q libmfx-gen <<<"$hardware" && echo ' and the QSV runtime'), every library found;" \
  "the proxy sees $ffmpeg_seen (${encoder:-encoder not logged}); 2 MB proxied byte for byte;" \
  "lowlatency transcode gave $out_bytes bytes of MPEG-TS ($codecs)"
