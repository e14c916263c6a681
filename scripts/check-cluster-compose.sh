#!/usr/bin/env bash
# Static checks of the cluster example (docs/cluster/): the compose file is valid YAML with Redis, three
# instances (each its own WORKER_ID and CLUSTER_ADVERTISE_URL, one shared token) and the balancer;
# nginx itself accepts the balancer's configuration (the instances' names pointed at loopback).
set -euo pipefail
dir=${1:-docs/cluster}
python3 - "$dir/docker-compose.yml" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
services = doc["services"]
problems = []
edges = [name for name in services if name.startswith("edge-")]
if sorted(edges) != ["edge-1", "edge-2", "edge-3"]:
    problems.append(f"three instances edge-1..3, found {edges}")
for name in edges:
    env = services[name].get("environment", {})
    if env.get("REDIS_ENABLED") != "true" or env.get("REDIS_HOST") != "redis":
        problems.append(f"{name}: REDIS_ENABLED/REDIS_HOST")
    if env.get("WORKER_ID") != name or env.get("CLUSTER_ADVERTISE_URL") != f"http://{name}:8085":
        problems.append(f"{name}: its own WORKER_ID and CLUSTER_ADVERTISE_URL")
if len({str(services[n]["environment"].get("API_TOKEN")) for n in edges}) != 1:
    problems.append("one API_TOKEN for every instance")
for name in ("redis", "balancer"):
    if name not in services:
        problems.append(f"a {name} service")
if problems:
    sys.exit("check-cluster-compose: " + "; ".join(problems))
PY
if command -v nginx >/dev/null 2>&1; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  sed -e 's/edge-[123]:8085/127.0.0.1:8085/' "$dir/nginx.conf" >"$work/cluster.conf"
  printf 'pid %s/nginx.pid;\nerror_log %s/error.log;\nevents {}\nhttp {\n include %s/cluster.conf;\n}\n' "$work" "$work" "$work" >"$work/nginx.conf"
  nginx -t -q -p "$work" -c "$work/nginx.conf" || { echo "check-cluster-compose: nginx refuses $dir/nginx.conf" >&2; exit 1; }
fi
echo "check-cluster-compose: $dir ok"
