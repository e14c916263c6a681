#!/usr/bin/env bash
# Lets this x64 machine run arm64 programs transparently (RUN steps of an arm64 image build, the
# arm64 image's binary): mounts binfmt_misc and registers qemu-user-static's aarch64 entry with the
# F flag (the interpreter is opened now, so it works inside chroots).
#   scripts/binfmt-arm64.sh on    prints what it changed ("mounted registered", or nothing)
#   scripts/binfmt-arm64.sh off WHAT   undoes exactly that
set -euo pipefail
dir=/proc/sys/fs/binfmt_misc
conf=/usr/lib/binfmt.d/qemu-aarch64.conf
case "${1:-}" in
  on)
    [ "$(uname -m)" = aarch64 ] && exit 0
    changed=""
    if [ ! -e "$dir/register" ]; then
      mount -t binfmt_misc binfmt_misc "$dir"
      changed="mounted"
    fi
    if [ ! -e "$dir/qemu-aarch64" ]; then
      if [ ! -e "$conf" ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-user-static >/dev/null
      fi
      # Debian's entry, with F added so the interpreter need not exist inside the chroot.
      entry=$(cat "$conf")
      [[ ${entry##*:} == *F* ]] || entry="${entry}F"
      printf '%s' "$entry" >"$dir/register"
      changed="$changed registered"
    fi
    echo "$changed"
    ;;
  off)
    what=${2:-}
    [[ $what == *registered* ]] && echo -1 >"$dir/qemu-aarch64"
    [[ $what == *mounted* ]] && umount "$dir"
    true
    ;;
  *) echo "usage: binfmt-arm64.sh on | off WHAT" >&2; exit 2 ;;
esac
