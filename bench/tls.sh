#!/bin/sh
# Side-by-side benchmark of `mdcheck probe`'s TLS scan against sslscan
# and nmap's ssl-enum-ciphers, with testssl.sh for reference, on one
# loopback endpoint: Debian's OpenSSL s_server with TLS 1.0 to 1.2,
# every suite it has at security level 0 and a self-signed RSA key of
# 1,024 bits (docs/benchmarks.md).
#
#   bench/tls.sh
#
# Needs openssl, sslscan, nmap and jq (testssl.sh optional). Runs the
# tools in turn, ROUNDS (3) times, and prints each run's wall time; then
# compares what each found accepted, version by version and suite by
# suite (IANA names; sslscan's OpenSSL names are translated with openssl
# ciphers -stdname), and the key size each reports. TESTSSL= skips the
# reference run (about three minutes). Exits 1 when the
# suite lists differ. Writes to ${OUT:-/tmp/mdcheck-tls}. Loopback only;
# not part of the default CI.
set -eu
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/mdcheck-tls}
PORT=${PORT:-14443}
ROUNDS=${ROUNDS:-3}
TESTSSL=${TESTSSL-testssl} # empty: no reference run
for tool in openssl sslscan nmap jq; do
	command -v "$tool" >/dev/null || { echo "tls.sh: $tool not found" >&2; exit 2; }
done
rm -rf "$OUT" && mkdir -p "$OUT"
go build -o "$OUT/mdcheck" ./cmd/mdcheck

openssl req -x509 -newkey rsa:1024 -keyout "$OUT/weak.key" -out "$OUT/weak.crt" -days 1 -nodes -subj /CN=weak.test 2>/dev/null
openssl s_server -accept "127.0.0.1:$PORT" -cert "$OUT/weak.crt" -key "$OUT/weak.key" -www -no_tls1_3 \
	-cipher 'ALL:COMPLEMENTOFALL:@SECLEVEL=0' -quiet >/dev/null 2>&1 &
srv=$!
trap 'kill $srv 2>/dev/null || true' EXIT
for _ in 1 2 3 4 5 6 7 8 9 10; do
	openssl s_client -connect "127.0.0.1:$PORT" </dev/null >/dev/null 2>&1 && break
	sleep 0.2
done

now() { date +%s.%N; }
# timed NAME CMD...: runs CMD, output to $OUT/NAME.out, prints the wall time.
timed() {
	name=$1
	shift
	s=$(now)
	"$@" >"$OUT/$name.out" 2>&1 || true
	e=$(now)
	printf '%-8s %.2f s\n' "$name" "$(echo "$e - $s" | bc)"
}

echo "wall time per run (rounds of $ROUNDS, the tools in turn):"
for r in $(seq "$ROUNDS"); do
	echo "round $r"
	timed sslscan sslscan --no-colour --xml="$OUT/sslscan.xml" "127.0.0.1:$PORT"
	timed nmap nmap -Pn -n -p "$PORT" --script ssl-enum-ciphers,ssl-cert -oN "$OUT/nmap.txt" 127.0.0.1
	timed mdcheck "$OUT/mdcheck" probe 127.0.0.1 --scope 127.0.0.1 --ports "$PORT" --profile standard -f json -o "$OUT/mdcheck.json"
done
if [ -n "$TESTSSL" ] && command -v "$TESTSSL" >/dev/null; then
	echo "reference, one run:"
	timed testssl "$TESTSSL" --quiet --color 0 --warnings off -E --jsonfile "$OUT/testssl.json" "127.0.0.1:$PORT"
fi

# What each found: "VERSION IANA_NAME" lines.
vers() { sed -e 's/^SSLv3/SSL 3.0/; s/^TLSv1\.\([0-3]\)/TLS 1.\1/; s/^TLSv1 /TLS 1.0 /'; }
openssl ciphers -stdname 'ALL:COMPLEMENTOFALL:@SECLEVEL=0' | awk '{print $3, $1}' >"$OUT/names"
grep -oE '<cipher status="(accepted|preferred)"[^>]*' "$OUT/sslscan.xml" |
	sed -E 's/.*sslversion="([^"]*)".*cipher="([^"]*)".*/\1 \2/' |
	awk 'NR==FNR {iana[$1]=$2; next} {print $1, ($2 in iana ? iana[$2] : $2)}' "$OUT/names" - |
	sed 's/^TLSv1.0 /TLSv1 /' | vers | sort -u >"$OUT/sslscan.suites"
awk '/^\|   (SSLv3|TLSv1\.[0-3]):/ {v=$2; sub(":", "", v)} /^\|       TLS_/ {print v, $2}' "$OUT/nmap.txt" | vers | sort -u >"$OUT/nmap.suites"
jq -r '.hosts[].ports[].tls.versions[]? | .version as $v | .suites[] | "\($v) \(.name)"' "$OUT/mdcheck.json" | sort -u >"$OUT/mdcheck.suites"
if [ -s "$OUT/testssl.json" ]; then
	jq -r '.[] | select(.id | startswith("cipher-")) | .finding' "$OUT/testssl.json" | awk '{print $1, $2, $NF}' | sed "s/^TLS 1 /TLS 1.0 /" | sort -u >"$OUT/testssl.suites"
fi

echo "accepted suites by version (sslscan / nmap / mdcheck$([ -s "$OUT/testssl.json" ] && echo ' / testssl.sh')):"
for v in "SSL 3.0" "TLS 1.0" "TLS 1.1" "TLS 1.2" "TLS 1.3"; do
	line="$v:"
	for t in sslscan nmap mdcheck testssl; do
		[ -f "$OUT/$t.suites" ] && line="$line $(grep -c "^$v " "$OUT/$t.suites" || true)"
	done
	echo "  $line"
done
echo "key size: sslscan $(grep -o 'RSA Key Strength: *[0-9]*' "$OUT/sslscan.out" | grep -o '[0-9]*$' || echo ?)," \
	"nmap $(grep -o 'Public Key bits: [0-9]*' "$OUT/nmap.txt" | grep -o '[0-9]*$' || echo ?)," \
	"mdcheck $(jq -r '.hosts[].ports[].tls.certificate.keyBits' "$OUT/mdcheck.json")"
status=0
for t in sslscan nmap; do
	if ! diff "$OUT/$t.suites" "$OUT/mdcheck.suites" >"$OUT/$t.diff"; then
		echo "$t and mdcheck differ (< $t, > mdcheck):"
		cat "$OUT/$t.diff"
		status=1
	fi
done
[ "$status" = 0 ] && echo "the same suites, version by version, as sslscan and nmap"
exit "$status"
