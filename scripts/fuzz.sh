#!/usr/bin/env bash
# Runs every Go fuzz target in the module, one after the other, for the
# given time each (default 20s). New crashers land in the package's
# testdata/fuzz/ and become regression tests.
set -euo pipefail
time=${1:-20s}
cd "$(dirname "$0")/.."
go list -f '{{.Dir}} {{.ImportPath}}' ./... | while read -r dir pkg; do
  { grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null || true; } | sed 's/^func //' | while read -r target; do
    echo "== $pkg $target ($time)"
    go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$time" -fuzzminimizetime 5s
  done
done
