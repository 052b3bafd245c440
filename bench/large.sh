#!/bin/sh
# Scale benchmark of `mdcheck scan`: a 250,000-component CycloneDX SBOM
# against 200,000 OSV records (bench/large writes both), side by side with
# `mdcheck sbom` reading the same SBOM, which is the time to decode it.
#
#   bench/large.sh            (RUNS=5 OUT=/tmp/mdcheck-large by default)
#
# Prints one line per run and command: wall milliseconds and peak RSS
# (KiB), then the medians and the scan ÷ decode ratio.
set -eu
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/mdcheck-large}
RUNS=${RUNS:-5}
RECORDS=${RECORDS:-200000}
COMPONENTS=${COMPONENTS:-250000}
command -v /usr/bin/time >/dev/null || { echo "large.sh: /usr/bin/time not found" >&2; exit 2; }
mkdir -p "$OUT"
go build -o "$OUT/mdcheck" ./cmd/mdcheck
if [ ! -f "$OUT/large.cdx.json" ] || [ ! -f "$OUT/db.sqlite" ]; then
	rm -rf "$OUT/osv" "$OUT/db.sqlite"
	go run ./bench/large -records "$RECORDS" -components "$COMPONENTS" -out "$OUT"
	"$OUT/mdcheck" db import --db "$OUT/db.sqlite" "$OUT/osv"
fi

: > "$OUT/times"
run() {
	what=$1
	shift
	start=$(date +%s%N)
	/usr/bin/time -f "%M" -o "$OUT/rss" "$@" > "$OUT/$what.out"
	end=$(date +%s%N)
	echo "$what $(( (end - start) / 1000000 )) $(tail -n 1 "$OUT/rss")" | tee -a "$OUT/times"
}
i=0
while [ $i -lt "$RUNS" ]; do
	# Interleaved, so that a busy moment of the machine falls on both.
	run decode "$OUT/mdcheck" sbom -f json "$OUT/large.cdx.json"
	run scan "$OUT/mdcheck" scan --db "$OUT/db.sqlite" --max-db-age 0 -f json "$OUT/large.cdx.json"
	i=$((i + 1))
done
matches=$(grep -o '"method":' "$OUT/scan.out" | wc -l)
awk -v m="$matches" '
	{ t[$1] = t[$1] " " $2; if ($3 > r[$1]) r[$1] = $3 }
	END {
		for (k in t) { n = split(substr(t[k], 2), a, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { x = a[i]; a[i] = a[j]; a[j] = x }; med[k] = a[int((n + 1) / 2)] }
		printf "decode: median %d ms, peak %.0f MiB\n", med["decode"], r["decode"] / 1024
		printf "scan:   median %d ms, peak %.0f MiB, %d matches\n", med["scan"], r["scan"] / 1024, m
		printf "scan / decode: %.2f\n", med["scan"] / med["decode"]
	}' "$OUT/times"
