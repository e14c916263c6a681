#!/usr/bin/env bash
# Static checks of docker-compose.yml (no Docker engine on the build machines): the proxy built from
# this repository with a token, Redis beside it, and GPU lines that are valid YAML once uncommented.
set -euo pipefail
file=${1:-docker-compose.yml}
python3 - "$file" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path).read()
problems = []
def need(ok, what):
    if not ok:
        problems.append(what)

try:
    import yaml
except ImportError:
    yaml = None

for snippet, what in [("/dev/dri:/dev/dri", "the VA-API device line"), ("driver: nvidia", "the NVIDIA device reservation"),
                      ("capabilities: [gpu, video]", "the NVIDIA video capability (NVENC)"), ("group_add:", "the render group line")]:
    need(snippet in text, what)

if yaml is None:
    for pattern, what in [(r"(?m)^  m3u-proxy:", "a m3u-proxy service"), (r"(?m)^  redis:", "a redis service"), (r"(?m)^\s+build: \.$", "build: ."),
                          (r'"8085:8085"', "port 8085"), (r"API_TOKEN:", "API_TOKEN"), (r"REDIS_HOST: redis", "REDIS_HOST: redis")]:
        need(re.search(pattern, text), what)
else:
    # Uncomment the indented YAML lines (the GPU blocks), as a user would, and read both versions.
    uncommented = re.sub(r"(?m)^(\s+)# ((?:[A-Za-z_]+:|\s|- ).*)$", r"\1\2", text)
    for variant, source in [("as shipped", text), ("with the GPU lines uncommented", uncommented)]:
        try:
            doc = yaml.safe_load(source)
        except yaml.YAMLError as error:
            problems.append(f"not valid YAML {variant}: {error}")
            continue
        services = doc.get("services", {})
        proxy, redis = services.get("m3u-proxy", {}), services.get("redis", {})
        env = proxy.get("environment", {})
        need(proxy.get("build") == ".", f"m3u-proxy builds from this repository ({variant})")
        need("8085:8085" in proxy.get("ports", []), f"m3u-proxy publishes 8085 ({variant})")
        need("API_TOKEN" in env, f"m3u-proxy sets API_TOKEN ({variant})")
        need(env.get("REDIS_HOST") == "redis" and str(env.get("REDIS_ENABLED")).lower() == "true", f"m3u-proxy uses the redis service ({variant})")
        need(str(redis.get("image", "")).startswith("redis:"), f"a redis service ({variant})")
        need("redis" in proxy.get("depends_on", {}), f"m3u-proxy depends on redis ({variant})")
        if variant != "as shipped":
            need("/dev/dri:/dev/dri" in proxy.get("devices", []), "devices: /dev/dri once uncommented")
            need(env.get("NVIDIA_DRIVER_CAPABILITIES") == "compute,video,utility", "NVIDIA_DRIVER_CAPABILITIES once uncommented")
            reservations = proxy.get("deploy", {}).get("resources", {}).get("reservations", {}).get("devices", [])
            need(any(d.get("driver") == "nvidia" and "video" in d.get("capabilities", []) for d in reservations), "an NVIDIA reservation with video once uncommented")

if problems:
    for problem in problems:
        print(f"compose: missing or wrong: {problem}", file=sys.stderr)
    sys.exit(1)
print(f"compose: {path} passes static checks (services, port, token, redis, GPU lines){'' if yaml else ' (text checks only: no PyYAML)'}")
PY
