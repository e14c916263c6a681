#!/usr/bin/env bash
# Runs the cross-compiled linux-arm64 binary under qemu-user (Debian's qemu-user-static, installed
# when missing and running as root): it must be an AArch64 ELF and answer --version and --help.
set -euo pipefail
binary=${1:-artifacts/linux-arm64/m3u-proxy}
[ -x "$binary" ] || { echo "smoke-arm64: $binary not found (make publish RID=linux-arm64 first)" >&2; exit 1; }
if ! command -v qemu-aarch64-static >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-user-static >/dev/null
  else
    echo "smoke-arm64: install qemu-user-static (sudo apt-get install qemu-user-static)" >&2
    exit 1
  fi
fi
# The 20th byte of an ELF header is e_machine; 0xb7 is AArch64.
machine=$(od -An -tx1 -j18 -N1 "$binary" | tr -d ' ')
[ "$(head -c4 "$binary" | od -An -c | tr -d ' ')" = '177ELF' ] && [ "$machine" = b7 ] || { echo "smoke-arm64: $binary is not an AArch64 ELF (e_machine $machine)" >&2; exit 1; }
# The cross libc's loader and libraries (libc6-arm64-cross); serving would also need libssl3:arm64.
run() { qemu-aarch64-static -L /usr/aarch64-linux-gnu "$binary" "$@"; }
version=$(run --version)
case "$version" in
  M3uProxy.Edge\ *) ;;
  *) echo "smoke-arm64: --version said: $version" >&2; exit 1 ;;
esac
run --help | grep -q -- '--port' || { echo "smoke-arm64: --help does not list --port" >&2; exit 1; }
echo "smoke-arm64: $binary ($(stat -c %s "$binary") bytes) is AArch64 and answers under qemu: $version"
