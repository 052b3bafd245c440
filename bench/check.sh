#!/usr/bin/env bash
# Benchmarks of the health check: reading a model, classifying it, and the
# whole `mdcheck check` run on the largest example. Figures and the exact
# command go in docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
go test -run '^$' -bench . -benchmem -count "${COUNT:-5}" ./internal/model/ ./internal/classify/ ./internal/app/
