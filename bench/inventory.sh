#!/bin/sh
# The whole `mdcheck inventory match` command, start-up included, on an
# inventory of 10,000 rows written as a European spreadsheet export
# (semicolon, UTF-8 with BOM, extra columns) from the labelled rows of
# bench/icsma: against the built-in snapshot (every ICSMA advisory), and
# against a database of the whole shared CSAF set (ICSMA, Red Hat, OASIS
# examples). Median wall time over RUNS runs and peak RSS.
#
#   bench/inventory.sh        (RUNS=5 by default; needs ../shared/data)
set -eu
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
OUT=${OUT:-/tmp/mdcheck-inventory}
DATA=${DATA:-../shared/data}
mkdir -p "$OUT"
go build -o "$OUT/mdcheck" ./cmd/mdcheck
inv=$OUT/inventory-10000.csv
python3 - "$inv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open("bench/icsma/labels.csv", encoding="utf-8")))
with open(sys.argv[1], "w", encoding="utf-8-sig", newline="") as f:
    w = csv.writer(f, delimiter=";")
    w.writerow(["Inventar-Nr.", "Hersteller", "Gerätebezeichnung", "SW-Version", "Standort", "Seriennummer", "Wartung"])
    for i in range(10000):
        r = rows[i % len(rows)]
        version = r["version"] if i < len(rows) else f"{i % 13}.{i % 7}"
        w.writerow([f"INV-{i:05d}", r["vendor"], r["product"], version, f"Station {i % 40}", f"SN{i:07d}", "2027-01-01"])
PY
csafdb=$OUT/csaf.db
[ -f "$csafdb" ] || "$OUT/mdcheck" db import --db "$csafdb" "$DATA/csaf" >/dev/null 2>&1

measure() {
	label=$1
	shift
	: > "$OUT/t"
	i=0
	while [ $i -lt "$RUNS" ]; do
		s=$(date +%s%N)
		"$@" > /dev/null 2>&1
		e=$(date +%s%N)
		echo $(( (e - s) / 1000000 )) >> "$OUT/t"
		i=$((i + 1))
	done
	/usr/bin/time -f "%M" -o "$OUT/rss" "$@" > /dev/null 2>&1
	printf '%-52s %6d ms %6.1f MiB\n' "$label" "$(sort -n "$OUT/t" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')" "$(echo "$(tail -n 1 "$OUT/rss") / 1024" | bc -l)"
}
measure "10,000 rows, built-in snapshot, table" "$OUT/mdcheck" inventory match "$inv"
measure "10,000 rows, built-in snapshot, json" "$OUT/mdcheck" inventory match -f json "$inv"
measure "10,000 rows, whole shared CSAF set, json" "$OUT/mdcheck" inventory match -f json --db "$csafdb" "$inv"
