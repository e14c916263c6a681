#!/usr/bin/env bash
# Makes a Debian slim base image locally, for machines that reach a Debian mirror but no container
# registry: mmdebstrap's minbase with the dpkg excludes of the official slim images (no docs, man
# pages, locales), imported into buildah's storage as localhost/debian:SUITE-slim-ARCH. The
# Dockerfile's final stage uses it through --build-arg BASE_IMAGE=… (its default stays debian:trixie-slim).
#   scripts/image-base.sh amd64|arm64 [SUITE]   (arm64 on x64 needs qemu binfmt: scripts/binfmt-arm64.sh)
set -euo pipefail
arch=${1:?usage: image-base.sh amd64|arm64 [suite]}
suite=${2:-trixie}
tag=localhost/debian:$suite-slim-$arch
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
security=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}

if buildah inspect --type image "$tag" >/dev/null 2>&1; then
  echo "image-base: $tag already made"; exit 0
fi
work=$(mktemp -d)
ctr=""
cleanup() { [ -n "$ctr" ] && buildah rm "$ctr" >/dev/null 2>&1; rm -rf "$work"; }
trap cleanup EXIT

# The official slim images' dpkg filter; it stays in the image, so the Dockerfile's installs are slim too.
cat >"$work/slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
# The essential packages are unpacked before the filter applies: remove what it would have kept out.
cat >"$work/slimify" <<'EOF'
#!/bin/sh
set -e
cd "$1"
find usr/share/doc -type f ! -name copyright -delete
find usr/share/doc -depth -mindepth 1 -type d -empty -delete
rm -rf usr/share/man/* usr/share/groff/* usr/share/info/* usr/share/lintian/* usr/share/linda/*
find usr/share/locale -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
rm -rf var/lib/apt/lists/* var/cache/apt/*.bin var/log/*.log
# As in the official images: apt keeps no .deb files and no translations in an image layer.
clean='"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"'
printf 'DPkg::Post-Invoke { %s; };\nAPT::Update::Post-Invoke { %s; };\nDir::Cache::pkgcache "";\nDir::Cache::srcpkgcache "";\n' \
  "$clean" "$clean" >etc/apt/apt.conf.d/docker-clean
echo 'Acquire::Languages "none";' >etc/apt/apt.conf.d/docker-no-languages
EOF
chmod +x "$work/slimify"
mmdebstrap --quiet --variant=minbase --arch="$arch" \
  --dpkgopt="$work/slim" --customize-hook="$work/slimify" \
  "$suite" "$work/rootfs.tar" \
  "deb $mirror $suite main" "deb $mirror $suite-updates main" "deb $security $suite-security main"

ctr=$(buildah from scratch)
buildah add --quiet "$ctr" "$work/rootfs.tar" / >/dev/null
buildah config --os linux --arch "$arch" --cmd '["bash"]' \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$ctr"
buildah commit --quiet --rm "$ctr" "$tag" >/dev/null
ctr=""
echo "image-base: $tag ($(du -h "$work/rootfs.tar" | cut -f1) rootfs)"
