#!/usr/bin/env bash
# Builds the container image from the Dockerfile without Docker and without a registry: buildah
# (chroot isolation) on the Dockerfile's prebuilt path, over a Debian slim base made locally by
# scripts/image-base.sh; arm64 RUN steps execute under qemu-user (scripts/binfmt-arm64.sh).
# Result: localhost/m3u-proxy-edge:ARCH in buildah's storage and artifacts/m3u-proxy-edge-ARCH.tar
# (`docker load -i …` or `podman load -i …` on the target machine).
#   scripts/build-image.sh [amd64] [arm64]      (default: both)
set -euo pipefail
cd "$(dirname "$0")/.."
arches=${*:-amd64 arm64}
suite=${IMAGE_SUITE:-trixie}

missing=""
for tool in buildah:buildah mmdebstrap:mmdebstrap arch-test:arch-test newuidmap:uidmap; do
  command -v "${tool%%:*}" >/dev/null || missing="$missing ${tool#*:}"
done
if [ -n "$missing" ]; then
  [ "$(id -u)" -eq 0 ] || { echo "build-image: install$missing (sudo apt-get install$missing)" >&2; exit 1; }
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

binfmt=""
trap 'scripts/binfmt-arm64.sh off "$binfmt"' EXIT
for arch in $arches; do
  case "$arch" in
    amd64) rid=linux-x64 binary=artifacts/m3u-proxy ;;
    arm64) rid=linux-arm64 binary=artifacts/linux-arm64/m3u-proxy ;;
    *) echo "build-image: unsupported architecture $arch (amd64 or arm64)" >&2; exit 2 ;;
  esac
  [ -x "$binary" ] || make publish RID="$rid"
  [ "$arch" = arm64 ] && [ -z "$binfmt" ] && binfmt=$(scripts/binfmt-arm64.sh on)
  started=$(date +%s)
  scripts/image-base.sh "$arch" "$suite"
  containers_before=$(buildah containers -q --all | sort)
  images_before=$(buildah images -q --all | sort)
  buildah bud --quiet --isolation chroot --format docker --platform "linux/$arch" \
    --build-arg BINARY_FROM=prebuilt --build-arg BASE_IMAGE="localhost/debian:$suite-slim-$arch" \
    -t "localhost/m3u-proxy-edge:$arch" -f Dockerfile . >/dev/null
  # buildah 1.28 keeps the containers (and mounts) of stages built FROM another stage: remove this build's.
  comm -13 <(echo "$containers_before") <(buildah containers -q --all | sort) | xargs -r buildah rm >/dev/null
  comm -13 <(echo "$images_before") <(buildah images -q --all --filter dangling=true | sort) | xargs -r buildah rmi >/dev/null
  rm -f "artifacts/m3u-proxy-edge-$arch.tar"
  buildah push --quiet "localhost/m3u-proxy-edge:$arch" \
    "docker-archive:artifacts/m3u-proxy-edge-$arch.tar:m3u-proxy-edge:$arch" >/dev/null
  size=$(buildah images --format '{{.Size}}' "localhost/m3u-proxy-edge:$arch")
  echo "build-image: localhost/m3u-proxy-edge:$arch ($size, $(du -h "artifacts/m3u-proxy-edge-$arch.tar" | cut -f1) archive) in $(( $(date +%s) - started )) s"
done
