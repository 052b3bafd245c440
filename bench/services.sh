#!/bin/bash
# Side-by-side benchmark of a whole-device `mdcheck probe` against nmap's
# service detection plus the matching NSE scripts, on a loopback "device"
# of ten Debian services on their usual ports, three of them over TLS
# (docs/benchmarks.md):
#
#   21 vsftpd (anonymous allowed)   22 OpenSSH        23 inetutils telnetd
#   443 OpenSSL s_server (TLS)      1883 Mosquitto    8883 Mosquitto (TLS)
#   8042 Orthanc HTTP               11112 dcmtk storescp
#   2762 Orthanc DICOM over TLS     161/udp Net-SNMP snmpd
#
#   sudo bench/services.sh
#
# Needs root (ports under 1024, nmap -sU), nmap, tcpdump, jq, bc and the
# Debian servers above (the .ci/run list, plus socat and tcpdump). Runs
# both tools in turn, ROUNDS (3) times: each run's wall time, and the
# packets it sent to the device (counted in a loopback capture: TCP and
# UDP to the ten ports). Then compares what each found, service by
# service, and exits 1 when a finding differs. Writes to
# ${OUT:-/tmp/mdcheck-services}. Loopback only; not part of the default CI.
set -eu
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/mdcheck-services}
ROUNDS=${ROUNDS:-3}
TCP=21,22,23,443,1883,2762,8042,8883,11112
for tool in nmap tcpdump jq bc socat openssl vsftpd mosquitto storescp Orthanc snmpd; do
	command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "services.sh: $tool not found" >&2; exit 2; }
done
[ "$(id -u)" = 0 ] || { echo "services.sh: run as root (ports under 1024, nmap -sU)" >&2; exit 2; }
rm -rf "$OUT" && mkdir -p "$OUT/anon" "$OUT/db" /var/run/vsftpd/empty /run/sshd
chmod 555 "$OUT/anon"
go build -o "$OUT/mdcheck" ./cmd/mdcheck
pids=""
start() { "$@" >>"$OUT/servers.log" 2>&1 & pids="$pids $!"; }
trap 'kill $pids 2>/dev/null || true' EXIT

openssl req -x509 -newkey rsa:2048 -keyout "$OUT/tls.key" -out "$OUT/tls.crt" -days 1 -nodes -subj /CN=device.test 2>/dev/null
ssh-keygen -q -t ed25519 -N '' -f "$OUT/ssh_host"
cat >"$OUT/vsftpd.conf" <<CONF
listen=YES
listen_address=127.0.0.1
listen_port=21
background=NO
anonymous_enable=YES
anon_root=$OUT/anon
no_anon_password=YES
pasv_address=127.0.0.1
pasv_min_port=30000
pasv_max_port=30010
seccomp_sandbox=NO
CONF
cat >"$OUT/mosquitto.conf" <<CONF
per_listener_settings false
allow_anonymous true
persistence false
user root
listener 1883 127.0.0.1
listener 8883 127.0.0.1
certfile $OUT/tls.crt
keyfile $OUT/tls.key
CONF
cat >"$OUT/orthanc.json" <<CONF
{"Name":"bench","StorageDirectory":"$OUT/db","IndexDirectory":"$OUT/db","Plugins":[],"HttpPort":8042,"RemoteAccessAllowed":false,
 "DicomAet":"ORTHANC","DicomPort":2762,"DicomCheckCalledAet":false,"DicomAlwaysAllowEcho":true,
 "DicomTlsEnabled":true,"DicomTlsCertificate":"$OUT/tls.crt","DicomTlsPrivateKey":"$OUT/tls.key","DicomTlsTrustedCertificates":"$OUT/tls.crt","DicomTlsRemoteCertificateRequired":false}
CONF
printf 'agentAddress udp:127.0.0.1:161\nrocommunity public 127.0.0.1\nsysDescr InfusionPump fw 1.2.3\n' >"$OUT/snmpd.conf"
printf '#!/bin/sh\nprintf "login: "\nread u\n' >"$OUT/login.sh"
chmod +x "$OUT/login.sh"

start vsftpd "$OUT/vsftpd.conf"
start /usr/sbin/sshd -D -e -f /dev/null -p 22 -h "$OUT/ssh_host" -o ListenAddress=127.0.0.1 -o PidFile=none
start socat TCP-LISTEN:23,bind=127.0.0.1,reuseaddr,fork EXEC:"/usr/sbin/telnetd -h -E $OUT/login.sh",nofork
start openssl s_server -accept 127.0.0.1:443 -cert "$OUT/tls.crt" -key "$OUT/tls.key" -www -quiet
start mosquitto -c "$OUT/mosquitto.conf"
start Orthanc "$OUT/orthanc.json"
start storescp --aetitle STORESCP --output-directory "$OUT" 11112
start snmpd -f -Lo -C -c "$OUT/snmpd.conf" -p "$OUT/snmpd.pid"
for port in 21 22 23 443 1883 8883 8042 2762 11112; do
	for _ in $(seq 50); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
		sleep 0.2
	done
done
sleep 1

now() { date +%s.%N; }
# timed NAME CMD...: runs CMD under a loopback capture, output to
# $OUT/NAME.out; prints the wall time and the packets sent to the device.
timed() {
	name=$1
	shift
	tcpdump -i lo -n -s 96 -w "$OUT/$name.pcap" "(tcp and dst port ($(echo $TCP | sed 's/,/ or /g'))) or (udp and dst port 161)" >/dev/null 2>&1 &
	td=$!
	sleep 1
	s=$(now)
	"$@" >"$OUT/$name.out" 2>&1 || true
	e=$(now)
	sleep 1
	kill $td
	wait $td 2>/dev/null || true
	printf '%-8s %6.2f s  %6d packets sent\n' "$name" "$(echo "$e - $s" | bc)" "$(tcpdump -r "$OUT/$name.pcap" -n 2>/dev/null | wc -l)"
}

echo "wall time and packets sent per run (rounds of $ROUNDS, the tools in turn):"
for r in $(seq "$ROUNDS"); do
	echo "round $r"
	timed nmap nmap -Pn -n -sT -sU -sV -p "T:$TCP,U:161" \
		--script dicom-ping,mqtt-subscribe,snmp-info,ftp-anon,telnet-encryption,ssl-enum-ciphers -oN "$OUT/nmap.txt" 127.0.0.1
	timed mdcheck "$OUT/mdcheck" probe 127.0.0.1 --scope 127.0.0.1 --profile standard --ports "$TCP" --udp-ports 161 \
		--allow-credential-tests -f json -o "$OUT/mdcheck.json"
done

# What each found, service by service. nmap's section of a port is its
# lines up to the next port's; mdcheck's the port's object in its JSON.
N=$OUT/nmap.txt
M=$OUT/mdcheck.json
section() { awk -v p="^$1 " '$0 ~ p {on=1; print; next} on && /^[0-9]+\/(tcp|udp) / {on=0} on' "$N"; }
port() { jq -c --argjson p "$1" --arg proto "${2:-tcp}" '.hosts[0].ports[] | select(.port==$p and .proto==$proto)' "$M"; }
# suites: "version suite" lines, IANA names (nmap's TLS 1.3 names say TLS_AKE_WITH_).
nsuites() {
	section "$1/tcp" | awk '/^\|   TLSv1\.[0-3]: /{v=$2; sub(":","",v); sub("TLSv","TLS ",v)} /^\|       TLS_/{n=$2; sub("TLS_AKE_WITH_","TLS_",n); print v, n}' | sort
}
msuites() { port "$1" | jq -r '.tls.versions[]? | .version as $v | .suites[] | "\($v) \(.name)"' | sort; }
bad=0
row() { # what, nmap, mdcheck: same when equal; "mdcheck more" when nmap found nothing
	v=same
	if [ "$2" != "$3" ]; then
		case $2 in -*) v="mdcheck more" ;; *) v=DIFFERENT bad=1 ;; esac
	fi
	printf '%-32s | %-44s | %-44s | %s\n' "$1" "$2" "$3" "$v"
}
printf '%-32s | %-44s | %-44s | %s\n' finding nmap mdcheck verdict
row "21 FTP anonymous login" "$(section 21/tcp | grep -q 'Anonymous FTP login allowed' && echo accepted || echo refused)" \
	"$(port 21 | jq -r 'if .ftp.anonymous then "accepted" else "refused" end')"
row "22 SSH server" "$(section 22/tcp | grep -o 'OpenSSH [0-9a-z.]*' | head -1)" "$(port 22 | jq -r '"\(.service.product) \(.service.version)"')"
row "23 Telnet ENCRYPT option" "$(section 23/tcp | grep -q 'supports encryption' && echo offered || echo 'not offered')" \
	"$(port 23 | jq -r 'if .telnet.encryptOption then "offered" else "not offered" end')"
row "23 Telnet encryption types" "-" "$(port 23 | jq -r '.telnet.encryptionTypes | if length == 0 then "none (nothing encrypted)" else join(",") end')"
for p in 443 8883 2762; do
	row "$p TLS suites (version:suite)" "$(nsuites $p | wc -l) $(nsuites $p | md5sum | cut -c1-8)" "$(msuites $p | wc -l) $(msuites $p | md5sum | cut -c1-8)"
done
row "1883 MQTT without credentials" "$(section 1883/tcp | grep -q 'Topics and their most recent payloads' && echo accepted || echo refused)" \
	"$(port 1883 | jq -r 'if .mqtt.accepted then "accepted" else "refused" end')"
row "8883 MQTT/TLS without creds" "$(section 8883/tcp | grep -q 'Topics and their most recent payloads' && echo accepted || echo refused)" \
	"$(port 8883 | jq -r 'if .mqtt.accepted and .mqtt.overTls then "accepted" else "refused" end')"
row "1883 broker version" "$(section 1883/tcp | grep -o 'mosquitto version [0-9.]*' | head -1)" "$(port 1883 | jq -r '.mqtt.broker')"
row "11112 DICOM unknown AE title" "$(section 11112/tcp | grep -q 'Any AET is accepted' && echo accepted || echo refused)" \
	"$(port 11112 | jq -r 'if .dicom.accepted then "accepted" else "refused" end')"
row "2762 DICOM over TLS" "$(section 2762/tcp | grep -q 'Any AET is accepted' && echo accepted || echo "-$(section 2762/tcp | grep -o 'dicom-ping: .*' | cut -c1-40)")" \
	"$(port 2762 | jq -r 'if .dicom.accepted and .dicom.overTls then "accepted" else "refused" end')"
row "8042 service" "$(section 8042/tcp | awk 'NR==1{print $3}' | sed 's/^\(.*?\)$/-\1/')" "$(port 8042 | jq -r '.service.name')"
row "161 SNMP community public" "$(section 161/udp | grep -q '(public)' && echo answered || echo silent)" \
	"$(port 161 udp | jq -r 'if any(.snmp.communities[]; .community == "public") then "answered" else "silent" end')"
row "161 SNMPv3 engine" "$(section 161/udp | awk '/engineIDData:/{print $3}')" "$(port 161 udp | jq -r '.snmp.engine.id[10:]')"
if [ "$bad" != 0 ]; then
	echo "services.sh: the findings differ" >&2
	exit 1
fi
