# syntax=docker/dockerfile:1
# M3uProxy.Edge: one Native AOT binary on Debian slim, with ffmpeg (transcoding, silence detection)
# and on amd64 the Intel and AMD VA-API drivers and the QSV runtime, running as a non-root user
# (uid 10001); for linux/amd64 and linux/arm64. NVENC needs nothing in the image (the NVIDIA
# Container Toolkit mounts the driver's libraries).
#
# Two ways to build it, both producing the same final stage:
#
# 1. With Docker (the binary is compiled inside, in the .NET SDK image):
#      docker buildx build --platform linux/amd64,linux/arm64 -t m3u-proxy-edge .
#      docker run -p 8085:8085 -e API_TOKEN=... m3u-proxy-edge          (or: docker compose up -d)
#    The build stage runs on the builder's own platform and cross-compiles with the repository's own
#    `make publish RID=…` (clang + Debian/Ubuntu cross packages, installed by
#    scripts/check-native-toolchain.sh): compiling under emulation would take many times longer.
#    Microsoft ships no Debian SDK image for .NET 10, so this build runs in the Ubuntu 24.04 SDK image
#    (glibc 2.39) and the binary runs on Debian 13 (glibc 2.41); that order must hold (the runtime's
#    glibc at least the builder's).
#
# 2. From binaries published outside, with no registry at all (`make image`, scripts/build-image.sh):
#      make publish; make publish RID=linux-arm64     (artifacts/m3u-proxy, artifacts/linux-arm64/m3u-proxy)
#      buildah bud --platform linux/arm64 --build-arg BINARY_FROM=prebuilt \
#        --build-arg BASE_IMAGE=localhost/debian:trixie-slim-arm64 -t m3u-proxy-edge:arm64 .
#    The prebuilt stages copy the binary of TARGETARCH; BASE_IMAGE is a Debian slim made locally by
#    scripts/image-base.sh (mmdebstrap). The binaries are linked on the build machine (Debian 12,
#    glibc 2.36), so the base must have glibc 2.36 or later (bookworm or trixie).
#
# Why Debian and not Alpine: Debian's ffmpeg has VA-API/QSV and the image matches the glibc builds CI
# tests; Dockerfile.alpine (musl) stays smaller but has no ffmpeg and is x64 only.

# The final stage's base, and where its binary comes from: build (compiled here) or prebuilt.
ARG BASE_IMAGE=debian:trixie-slim
ARG BINARY_FROM=build
ARG TARGETARCH

FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
ARG TARGETARCH
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends make \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Makefile Directory.Build.props Directory.Packages.props .editorconfig ./
COPY scripts/ scripts/
COPY src/ src/
# global.json is left out on purpose: the image brings its own .NET 10 SDK.
RUN case "$TARGETARCH" in amd64) rid=linux-x64 ;; arm64) rid=linux-arm64 ;; *) echo "unsupported TARGETARCH $TARGETARCH" >&2; exit 1 ;; esac \
    && make publish RID=$rid OUT=/out

# Binaries published outside by `make publish` (the x64 one stays at artifacts/m3u-proxy).
FROM scratch AS prebuilt-amd64
COPY artifacts/m3u-proxy /out/m3u-proxy
FROM scratch AS prebuilt-arm64
COPY artifacts/linux-arm64/m3u-proxy /out/m3u-proxy
FROM prebuilt-${TARGETARCH} AS prebuilt

FROM ${BINARY_FROM} AS binary

FROM ${BASE_IMAGE} AS final
ARG TARGETARCH
# Mesa's VA-API drivers (AMD radeonsi, r600) and Mesa's LLVM, ~200 MB of the image: yes by default on
# amd64 (AMD APUs and cards); no on arm64, whose boards (Raspberry Pi, NAS SoCs) have no VA-API encoder.
ARG MESA_VAAPI=
# ffmpeg (with VA-API/QSV/NVENC), the VA drivers (Intel iHD, the QSV runtime for Intel Gen12+ and Mesa
# for AMD, on amd64), CA roots for HTTPS upstreams, curl for the health check; a fixed non-root uid
# that a host can grant /dev/dri to. dpkg leaves out, as the slim base does with docs and locales,
# data no ffmpeg the proxy starts reads (X keyboard maps and compose tables, the MIME database, fonts
# for drawtext/subtitles, which transcoding templates refuse, the sofalizer's HRTFs); with
# MESA_VAAPI=no also Mesa's libraries and LLVM, which ffmpeg never links (libgbm and libGL load them
# only for GL and GBM), so apt still sees the packages installed and the files are never written.
RUN mesa=${MESA_VAAPI:-$([ "$TARGETARCH" = amd64 ] && echo yes || echo no)} \
    && case "$mesa" in yes|no) ;; *) echo "MESA_VAAPI must be yes or no, not $mesa" >&2; exit 1 ;; esac \
    && excluded="/usr/share/X11/xkb/* /usr/share/X11/locale/* /usr/share/mime/packages/* /usr/share/fonts/* /usr/share/libmysofa/*" \
    && if [ "$mesa" = no ]; then excluded="$excluded /usr/lib/*/libgallium-* /usr/lib/*/libLLVM* /usr/lib/llvm-*/* /usr/lib/*/libz3.so* /usr/lib/*/dri/*_dri.so /usr/lib/*/gbm/* /usr/lib/*/libGLX_mesa.so* /usr/lib/*/libEGL_mesa.so* /usr/share/drirc.d/*"; fi \
    && set -f && for path in $excluded; do echo "path-exclude $path"; done >/etc/dpkg/dpkg.cfg.d/m3u-proxy-edge && set +f \
    && drivers="" \
    && if [ "$mesa" = yes ]; then drivers="mesa-va-drivers"; fi \
    && if [ "$TARGETARCH" = amd64 ]; then drivers="$drivers intel-media-va-driver libmfx-gen1.2"; fi \
    && apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ffmpeg ca-certificates curl $drivers \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --groups video --no-create-home --home-dir /app --shell /usr/sbin/nologin m3uproxy
WORKDIR /app
COPY --from=binary /out/m3u-proxy /app/m3u-proxy
# The same variables as the reference image.
ENV HOST=0.0.0.0 \
    PORT=8085 \
    ROOT_PATH=/m3u-proxy \
    LOG_LEVEL=INFO
USER 10001:10001
EXPOSE 8085
# /livez needs no API token and says nothing but "ok".
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${PORT}/livez" || exit 1
ENTRYPOINT ["/app/m3u-proxy"]
