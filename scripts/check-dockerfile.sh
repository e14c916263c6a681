#!/usr/bin/env bash
# Static checks of Dockerfile (Debian slim, amd64 + arm64, ffmpeg) and Dockerfile.alpine, in seconds
# and without any engine: missing stages, wrong paths, root user, no ffmpeg, a build stage that cannot
# cross-compile, wrong port or entrypoint. `make image` / `make image-check` build and run the
# Dockerfile for real (its prebuilt path); Dockerfile.alpine is only checked here (the registry the
# build machines use lacks the musl ILCompiler pack).
set -euo pipefail
file=${1:-Dockerfile}
root=$(cd "$(dirname "$file")" && pwd)
problems=0
# Instructions with their continuation lines joined, one per line.
joined=$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$file")
check() { grep -Eq "$1" <<<"$joined" || { echo "dockerfile: missing: $2" >&2; problems=$((problems+1)); }; }

if grep -q -- '-alpine' "$file"; then
  check '^FROM [^ ]*dotnet/sdk:10\.0[^ ]*-alpine[^ ]* AS build' "an Alpine .NET 10 SDK build stage named build"
  check '^FROM [^ ]*dotnet/runtime-deps:10\.0[^ ]*-alpine' "an Alpine runtime-deps final stage"
  check 'apk add .*clang' "clang for the Native AOT link"
  check 'linux-musl-x64' "a linux-musl-x64 publish"
  check 'PublishAot=true' "Native AOT publish"
  check '^USER [^r]' "a non-root USER"
else
  # Multi-arch: the build stage runs natively and cross-compiles for TARGETARCH through the Makefile.
  check '^FROM --platform=\$BUILDPLATFORM [^ ]*dotnet/sdk:10\.0[^ ]* AS build' "a .NET 10 SDK build stage on the build platform"
  check '^ARG TARGETARCH' "ARG TARGETARCH"
  check 'amd64\) rid=linux-x64' "amd64 mapped to linux-x64"
  check 'arm64\) rid=linux-arm64' "arm64 mapped to linux-arm64"
  check 'make publish RID=\$rid OUT=/out' "the Makefile's publish (toolchain check, cross flags)"
  check '^ARG BASE_IMAGE=debian:[a-z]+-slim$' "a Debian slim base by default (BASE_IMAGE)"
  check '^FROM \$\{BASE_IMAGE\} AS final' "a final stage on BASE_IMAGE"
  check '^ARG BINARY_FROM=build$' "the binary compiled in the build stage by default (BINARY_FROM)"
  for stage in 'prebuilt-amd64 artifacts/m3u-proxy' 'prebuilt-arm64 artifacts/linux-arm64/m3u-proxy'; do
    grep -A1 -x "FROM scratch AS ${stage% *}" <<<"$joined" | grep -qx "COPY ${stage#* } /out/m3u-proxy" \
      || { echo "dockerfile: missing: a ${stage% *} stage copying make publish's ${stage#* }" >&2; problems=$((problems+1)); }
  done
  check '^FROM prebuilt-\$\{TARGETARCH\} AS prebuilt' "a prebuilt stage chosen by TARGETARCH"
  check '^FROM \$\{BINARY_FROM\} AS binary' "a binary stage chosen by BINARY_FROM"
  check 'apt-get install .*ffmpeg' "ffmpeg in the final image"
  check 'apt-get install .*ca-certificates' "CA certificates for HTTPS upstreams"
  check 'apt-get install -y --no-install-recommends ffmpeg' "ffmpeg installed without recommends"
  # What the hardware probe (NVENC → QSV → VAAPI) needs on amd64: the iHD driver, the QSV runtime, Mesa for AMD.
  check 'TARGETARCH" = amd64.*intel-media-va-driver libmfx-gen1\.2' "the Intel VA driver and the QSV runtime on amd64"
  check 'drivers="mesa-va-drivers"' "Mesa's VA drivers (AMD) when MESA_VAAPI is yes"
  check 'path-exclude' "dpkg excludes for what no ffmpeg the proxy starts reads"
  check 'rm -rf /var/lib/apt/lists' "apt lists removed"
  check 'useradd .*--uid 10001' "a system user with a fixed uid"
  check '^USER 10001' "USER 10001 (non-root)"
  grep -Eq '^USER (0|root)' <<<"$joined" && { echo "dockerfile: runs as root" >&2; problems=$((problems+1)); }
  # The toolchain script the build relies on must name the cross packages the issue found to work.
  grep -q 'gcc-aarch64-linux-gnu libc6-dev-arm64-cross' "$root/scripts/check-native-toolchain.sh" \
    || { echo "dockerfile: scripts/check-native-toolchain.sh does not install the arm64 cross toolchain" >&2; problems=$((problems+1)); }
  grep -q 'ObjCopyName=aarch64-linux-gnu-objcopy' "$root/Makefile" \
    || { echo "dockerfile: the Makefile does not pass the cross objcopy for arm64" >&2; problems=$((problems+1)); }
fi
check '^EXPOSE 8085' "EXPOSE 8085"
check '^HEALTHCHECK .*/livez' "a HEALTHCHECK on /livez"
check '^ENTRYPOINT \["/app/m3u-proxy"' "the entrypoint /app/m3u-proxy"
check 'PORT=8085' "an explicit PORT"

# Every path the build stage copies from the repository must exist, and .dockerignore must not hide it;
# the prebuilt binaries (made by `make publish`, maybe not yet) must be re-included by a `!` line.
ignored=$(grep -Ev '^\s*(#|$)' "$root/.dockerignore" 2>/dev/null || true)
while read -r source; do
  if [[ $source == artifacts/* ]]; then
    grep -qxF "!$source" <<<"$ignored" || { echo "dockerfile: .dockerignore does not re-include $source" >&2; problems=$((problems+1)); }
    continue
  fi
  [ -e "$root/$source" ] || { echo "dockerfile: COPY source does not exist: $source" >&2; problems=$((problems+1)); }
  top=${source%%/*}
  grep -qxF "$top" <<<"$ignored" && { echo "dockerfile: COPY source is excluded by .dockerignore: $source" >&2; problems=$((problems+1)); }
done < <(grep -E '^COPY [^-]' <<<"$joined" | awk '{for (i=2; i<NF; i++) print $i}')

# The binary the final stage copies must be the one the build stage publishes.
grep -Eq 'COPY --from=(build|binary) /out/m3u-proxy /app/m3u-proxy' <<<"$joined" || { echo "dockerfile: final stage does not copy /out/m3u-proxy" >&2; problems=$((problems+1)); }
grep -Eq -- '-o /out|OUT=/out' <<<"$joined" || { echo "dockerfile: build stage does not publish to /out" >&2; problems=$((problems+1)); }

[ "$problems" -eq 0 ] || exit 1
echo "dockerfile: $file passes static checks (stages, paths, user, port, healthcheck, entrypoint$(grep -q -- '-alpine' "$file" || echo ', ffmpeg, multi-arch'))"
