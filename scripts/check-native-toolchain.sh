#!/usr/bin/env bash
# What the Native AOT link needs, checked before `make run` / `make publish` spend minutes compiling:
#   linux-x64 on x64 (and linux-arm64 on arm64): a C compiler that links (clang, or gcc) and objcopy;
#   linux-arm64 on x64: clang (ILCompiler passes --target=aarch64-linux-gnu, which gcc refuses) with
#   Debian's arm64 cross binutils and libgcc (brought by gcc-aarch64-linux-gnu) and libc6-dev-arm64-cross.
# zlib is not needed: .NET 10's NativeAOT pack links its own. Missing parts are installed when this
# runs as root with apt-get (as `make test` installs ffmpeg); otherwise one line says what to install.
set -euo pipefail
rid=${1:-linux-x64}
case "$(uname -m)" in
  x86_64) host=linux-x64 ;;
  aarch64) host=linux-arm64 ;;
  *) host=unknown ;;
esac
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf 'int main(void) { return 0; }\n' > "$probe/main.c"
links() { "$@" "$probe/main.c" -o "$probe/main" >/dev/null 2>&1; }

if [ "$rid" = "$host" ]; then
  packages="clang"
  ready() { { links clang || links gcc; } && command -v objcopy >/dev/null 2>&1; }
elif [ "$rid" = linux-arm64 ] && [ "$host" = linux-x64 ]; then
  packages="clang gcc-aarch64-linux-gnu libc6-dev-arm64-cross"
  ready() { links clang --target=aarch64-linux-gnu && command -v aarch64-linux-gnu-objcopy >/dev/null 2>&1; }
else
  echo "toolchain: cannot build $rid on this $(uname -m) machine (supported: the machine's own RID, and linux-arm64 on x64)" >&2
  exit 1
fi

ready && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "toolchain: installing $packages for the Native AOT link ($rid)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages >/dev/null
  ready && exit 0
  echo "toolchain: $packages installed, but a test link for $rid still fails" >&2
  exit 1
fi
echo "toolchain: the Native AOT link for $rid needs a C toolchain: install $packages (Debian/Ubuntu: sudo apt-get install $packages)" >&2
exit 1
