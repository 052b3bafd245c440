#!/bin/sh
# Start-up cost of each mdcheck command, side by side with a Go
# hello-world built by the same toolchain: median wall time over RUNS
# runs and peak RSS, for commands that do little beyond starting.
#
#   bench/startup.sh          (RUNS=100 by default)
set -eu
cd "$(dirname "$0")/.."
RUNS=${RUNS:-100}
OUT=${OUT:-/tmp/mdcheck-startup}
mkdir -p "$OUT/hello"
go build -o "$OUT/mdcheck" ./cmd/mdcheck
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$OUT/mdcheck-release" ./cmd/mdcheck
printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello") }\n' > "$OUT/hello/main.go"
printf 'module hello\n\ngo 1.24\n' > "$OUT/hello/go.mod"
(cd "$OUT/hello" && go build -o hello .)
db=$OUT/snapshot.db
[ -f "$db" ] || "$OUT/mdcheck" db import --db "$db" internal/vuln/testdata/osv >/dev/null

# measure LABEL CMD...: median wall microseconds and peak RSS (KiB).
measure() {
	label=$1
	shift
	: > "$OUT/t"
	i=0
	while [ $i -lt "$RUNS" ]; do
		s=$(date +%s%N)
		"$@" > /dev/null 2>&1 || true
		e=$(date +%s%N)
		echo $(( (e - s) / 1000 )) >> "$OUT/t"
		i=$((i + 1))
	done
	/usr/bin/time -f "%M" -o "$OUT/rss" "$@" > /dev/null 2>&1 || true
	printf '%-44s %8d us %6.1f MiB\n' "$label" "$(sort -n "$OUT/t" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')" "$(echo "$(tail -n 1 "$OUT/rss") / 1024" | bc -l)"
}
measure "hello-world" "$OUT/hello/hello"
measure "mdcheck version" "$OUT/mdcheck" version
measure "mdcheck version (release build)" "$OUT/mdcheck-release" version
measure "mdcheck --help" "$OUT/mdcheck" --help
measure "mdcheck validate (pacemaker)" "$OUT/mdcheck" validate examples/pacemaker-system/device.yaml
measure "mdcheck classify (pacemaker)" "$OUT/mdcheck" classify examples/pacemaker-system/device.yaml
measure "mdcheck check (pacemaker, built-in data)" "$OUT/mdcheck" check examples/pacemaker-system/device.yaml
measure "mdcheck sbom (portal-frontend SBOM)" "$OUT/mdcheck" sbom examples/pacemaker-system/sbom/portal-frontend.cdx.json
measure "mdcheck scan (portal-frontend SBOM, small db)" "$OUT/mdcheck" scan --db "$db" --max-db-age 0 examples/pacemaker-system/sbom/portal-frontend.cdx.json
measure "mdcheck db status (small db)" "$OUT/mdcheck" db status --db "$db"
