#!/bin/sh
# Side-by-side benchmark of `mdcheck scan` against OSV-Scanner and Grype,
# all three offline on the same OSV records (docs/benchmarks.md).
#
#   bench/peers.sh [SHARED_DATA_DIR]
#
# Needs osv-scanner (v2) and grype on PATH (or OSV_SCANNER, GRYPE), and
# /usr/bin/time. Builds the three databases from SHARED/osv, scans every
# SBOM in SHARED/sbom with each tool, records wall time and peak RSS, and
# compares the (package, version, vulnerability) sets. Writes to
# ${OUT:-/tmp/mdcheck-peers}. Not part of the default CI.
set -eu
cd "$(dirname "$0")/.."
SHARED=${1:-../shared/data}
OUT=${OUT:-/tmp/mdcheck-peers}
OSV_SCANNER=${OSV_SCANNER:-osv-scanner}
GRYPE=${GRYPE:-grype}
RUNS=${RUNS:-3}
for tool in "$OSV_SCANNER" "$GRYPE" /usr/bin/time; do
	command -v "$tool" >/dev/null || { echo "peers.sh: $tool not found" >&2; exit 2; }
done
rm -rf "$OUT" && mkdir -p "$OUT/results" "$OUT/bin"

go build -o "$OUT/bin/mdcheck" ./cmd/mdcheck
(cd bench/peers && go build -o "$OUT/bin/peers" .)

# Databases from the same records.
"$OUT/bin/mdcheck" db import --db "$OUT/mdcheck.db" "$SHARED/osv" >/dev/null
"$OUT/bin/peers" osv-layout "$OUT/osvdb" "$SHARED/osv"
"$OUT/bin/peers" grype-db "$OUT/grypedb" "$SHARED/osv"
export GRYPE_DB_CACHE_DIR="$OUT/grypecache" GRYPE_DB_AUTO_UPDATE=false GRYPE_DB_VALIDATE_AGE=false GRYPE_CHECK_FOR_APP_UPDATE=false
"$GRYPE" db import "$OUT/grypedb/vulnerability.db" >/dev/null 2>&1
export OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY="$OUT/osvdb"

# OSV-Scanner recognises an SBOM only by a file name its spec names
# (*.cdx.json, *.cdx.xml, *.spdx.json, *.spdx): every tool scans the same
# copies, named by their content.
mkdir -p "$OUT/stage"
for f in "$SHARED"/sbom/*/*; do
	b=$(basename "$f" | sed -E 's/\.(json|xml)$//; s/\.spdx$//; s/\.cdx(-1\.[0-9])?$//; s/\.(syft|trivy)$/-\1/')
	if grep -q '"bomFormat"' "$f"; then t=$b.cdx.json
	elif grep -q 'cyclonedx' "$f" && head -c 200 "$f" | grep -q '<'; then t=$b.cdx.xml
	elif grep -q '"spdxVersion"' "$f"; then t=$b.spdx.json
	elif grep -q '^SPDXVersion:' "$f"; then t=$b.spdx
	else continue
	fi
	cp "$f" "$OUT/stage/$t"
done

# measure NAME TOOL OUTFILE CMD...: runs CMD $RUNS times, keeps the output
# of the last run, and appends "NAME TOOL median_ms max_rss_kib rc".
measure() {
	name=$1 tool=$2 out=$3
	shift 3
	: > "$OUT/t"
	i=0
	while [ $i -lt "$RUNS" ]; do
		rc=0
		# Wall time from the clock in nanoseconds (time's %e has 10 ms
		# steps, too coarse for the small SBOMs); peak RSS from time.
		start=$(date +%s%N)
		/usr/bin/time -f "%M" -o "$OUT/t1" "$@" > "$out" 2>"$OUT/stderr" || rc=$?
		end=$(date +%s%N)
		echo "$(( (end - start) / 1000000 )) $(tail -n 1 "$OUT/t1") $rc" >> "$OUT/t"
		i=$((i + 1))
	done
	sort -n "$OUT/t" | awk -v n="$name" -v t="$tool" '{s[NR]=$1; m= $2>m ? $2 : m; rc=$3} END {print n, t, s[int((NR+1)/2)], m, rc}' >> "$OUT/times"
}

: > "$OUT/times"
for sbom in "$OUT"/stage/*; do
	name=$(basename "$sbom")
	measure "$name" mdcheck "$OUT/results/$name.mdcheck.json" "$OUT/bin/mdcheck" scan --db "$OUT/mdcheck.db" --max-db-age 0 -f json "$sbom"
	# OSV-Scanner exits 1 when it finds something; 127 is an error.
	measure "$name" osv-scanner "$OUT/results/$name.osv.json" "$OSV_SCANNER" scan source --offline --offline-vulnerabilities --format json -L "$sbom"
	measure "$name" grype "$OUT/results/$name.grype.json" "$GRYPE" -q -o json "sbom:$sbom"
done

# The whole folder in one run per tool.
set --
for sbom in "$OUT"/stage/*; do
	set -- "$@" "$sbom"
done
measure ALL mdcheck /dev/null "$OUT/bin/mdcheck" scan --db "$OUT/mdcheck.db" --max-db-age 0 -f json "$@"
osvargs=""
for s in "$@"; do osvargs="$osvargs -L $s"; done
# shellcheck disable=SC2086
measure ALL osv-scanner /dev/null "$OSV_SCANNER" scan source --offline --offline-vulnerabilities --format json $osvargs
# Grype takes one SBOM per run: the folder costs the sum of its runs.
awk '$2 == "grype" {s += $3; if ($4 > m) m = $4} END {print "ALL grype", s, m, "-"}' "$OUT/times" >> "$OUT/times"

echo "## Time (median of $RUNS, ms) and peak RSS (KiB); last column: exit code"
echo
echo '| SBOM | tool | time | peak RSS | rc |'
echo '| --- | --- | --- | --- | --- |'
awk '{printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5}' "$OUT/times"
echo
echo "## Findings"
echo
"$OUT/bin/peers" compare "$OUT/results"
