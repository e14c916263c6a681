#!/usr/bin/env bash
# Runs every test project (xunit v3 on Microsoft.Testing.Platform) and ends with one plain
# summary line, "N passed, N failed", that CI logs can be read by.
set -euo pipefail
solution=${1:-M3uProxy.Edge.sln}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
# Release: the tests exercise the code that ships (allocation budgets depend on it, too).
dotnet test --solution "$solution" -c Release 2>&1 | tee "$log" || status=$?
total=$(awk '/^ *total:/ {print $2}' "$log" | tail -n 1)
failed=$(awk '/^ *failed:/ {print $2}' "$log" | tail -n 1)
passed=$(awk '/^ *succeeded:/ {print $2}' "$log" | tail -n 1)
if [ -z "$total" ] || [ "${total:-0}" -eq 0 ]; then
  echo "run-tests: no test ran" >&2
  exit 1
fi
echo "tests: ${passed:-0} passed, ${failed:-0} failed"
exit $status
