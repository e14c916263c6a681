#!/usr/bin/env bash
# Static checks of Dockerfile.alpine. No Docker engine (and no musl Native AOT pack) is
# available on the build machines, so the image cannot be built here; this catches the
# mistakes a build would: missing stages, wrong paths, root user, wrong port or entrypoint.
set -euo pipefail
file=${1:-Dockerfile.alpine}
root=$(cd "$(dirname "$file")" && pwd)
problems=0
# Instructions with their continuation lines joined, one per line.
joined=$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$file")
check() { grep -Eq "$1" <<<"$joined" || { echo "dockerfile: missing: $2" >&2; problems=$((problems+1)); }; }

check '^FROM [^ ]*dotnet/sdk:10\.0[^ ]*-alpine[^ ]* AS build' "an Alpine .NET 10 SDK build stage named build"
check '^FROM [^ ]*dotnet/runtime-deps:10\.0[^ ]*-alpine' "an Alpine runtime-deps final stage"
check 'apk add .*clang' "clang for the Native AOT link"
check 'linux-musl-x64' "a linux-musl-x64 publish"
check 'PublishAot=true' "Native AOT publish"
check '^USER [^r]' "a non-root USER"
check '^EXPOSE 8085' "EXPOSE 8085"
check '^HEALTHCHECK .*/livez' "a HEALTHCHECK on /livez"
check '^ENTRYPOINT \["/app/m3u-proxy"' "the entrypoint /app/m3u-proxy"
check 'PORT=8085' "an explicit PORT"

# Every path the build stage copies from the repository must exist.
while read -r source; do
  [ -e "$root/$source" ] || { echo "dockerfile: COPY source does not exist: $source" >&2; problems=$((problems+1)); }
done < <(grep -E '^COPY [^-]' <<<"$joined" | awk '{for (i=2; i<NF; i++) print $i}')

# The binary the final stage copies must be the one the build stage publishes.
grep -Eq 'COPY --from=build /out/m3u-proxy /app/m3u-proxy' <<<"$joined" || { echo "dockerfile: final stage does not copy /out/m3u-proxy" >&2; problems=$((problems+1)); }
grep -Eq -- '-o /out' <<<"$joined" || { echo "dockerfile: build stage does not publish to /out" >&2; problems=$((problems+1)); }

[ "$problems" -eq 0 ] || exit 1
echo "dockerfile: $file passes static checks (stages, paths, user, port, healthcheck, entrypoint)"
