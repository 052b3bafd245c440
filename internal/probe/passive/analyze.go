package passive

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"

	"github.com/mdcheck/mdcheck/internal/probe/ident"
	"github.com/mdcheck/mdcheck/internal/probe/tlswire"
	"github.com/mdcheck/mdcheck/internal/probe/wire"
)

// isTLS reports whether b starts with a TLS record header.
func isTLS(b []byte) bool {
	return len(b) >= 3 && b[0] >= 0x14 && b[0] <= 0x17 && b[1] == 3 && b[2] <= 4
}

// setService names what a server speaks, a high-confidence name over a
// low one, the first of each.
func setService(s *Server, sv *ident.Service) {
	if sv != nil && (s.Service == nil || s.Service.Confidence == ident.Low && sv.Confidence == ident.High) {
		s.Service = sv
	}
}

// name names the service of one connection's server from the start of
// what each side sent: TLS (with the version and suite its ServerHello
// chose), a greeting, or a client's first message.
func name(f *flow) {
	s, up, down := f.srv, f.up.buf, f.down.buf
	port := int(s.Addr.Port())
	if isTLS(down) || isTLS(up) {
		inside := "tls"
		if sv := ident.Identify(port, nil); sv != nil {
			inside = sv.Name
		}
		setService(s, &ident.Service{Name: inside, Confidence: ident.Low, Reason: "seen speaking TLS; the service inside is named by the port alone"})
		// The whole answer, with its chain; else, cut short, its hello.
		a, err := tlswire.ReadAnswer(bytes.NewReader(down))
		if err != nil {
			a, err = tlswire.ReadAnswer(bytes.NewReader(serverHello(down)))
		}
		if err == nil && len(a.Certificates) > 0 && s.Chain == nil {
			s.Chain, s.ChainPacket = a.Certificates, f.down.first
			s.mark(f.down.first, "TLS certificate chain sent in the clear")
		}
		if err == nil && a.Alert < 0 && a.Version != 0 {
			if !slices.ContainsFunc(s.TLS, func(n Negotiated) bool { return n.Version == a.Version && n.Suite == a.Suite }) {
				s.TLS = append(s.TLS, Negotiated{Version: a.Version, Suite: a.Suite, Packet: f.down.first})
			}
			s.mark(f.down.first, fmt.Sprintf("TLS handshake: %s, %s", tlswire.VersionName(a.Version), tlswire.SuiteName(a.Suite)))
			return
		}
		s.TLSUnseen = true
		s.mark(max(f.down.first, f.up.first), "TLS records whose handshake the capture does not hold")
		return
	}
	if sv := ident.Identify(port, down); sv != nil && sv.Confidence == ident.High {
		s.mark(f.down.first, "greeting: "+sv.Reason)
		sv.Reason = "seen greeting: " + sv.Reason
		setService(s, sv)
		return
	}
	for _, c := range clientFirst {
		if c.match(up) {
			setService(s, &ident.Service{Name: c.name, Confidence: ident.High, Reason: "seen asked: " + c.why})
			s.mark(f.up.first, c.why)
			return
		}
	}
}

// answerOpen says whether b, the start of a TLS server's bytes, holds
// a first answer still cut short: one whose certificate chain may
// follow.
func answerOpen(b []byte) bool {
	a, err := tlswire.ReadAnswer(bytes.NewReader(b))
	if err != nil {
		return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) && len(b) > 0 && b[0] == 0x16
	}
	return !a.Done && len(a.Certificates) == 0
}

// serverHello is the ServerHello at the start of a server's bytes, in
// a record of its own: the record that carries it may hold more
// messages than the start kept.
func serverHello(b []byte) []byte {
	if len(b) < 9 || b[0] != 0x16 || b[5] != 2 {
		return nil
	}
	n := int(b[6])<<16 | int(b[7])<<8 | int(b[8])
	if 9+n > len(b) || n > 0xffff-4 {
		return nil
	}
	return append([]byte{0x16, b[1], b[2], byte((n + 4) >> 8), byte(n + 4)}, b[5:9+n]...)
}

// clientFirst are the protocols a client speaks first, and how its
// first message shows it.
var clientFirst = []struct {
	name, why string
	match     func([]byte) bool
}{
	{"http", "an HTTP request", func(b []byte) bool { return httpRequest.Match(b) }},
	{"mqtt", "an MQTT CONNECT", func(b []byte) bool { _, ok := mqttConnect(b); return ok }},
	{"dicom", "a DICOM A-ASSOCIATE-RQ", func(b []byte) bool {
		return len(b) >= 10 && b[0] == 0x01 && b[1] == 0 && b[6] == 0 && b[7] == 1
	}},
	{"hl7-mllp", "an HL7 message in MLLP", func(b []byte) bool { return bytes.HasPrefix(b, []byte("\x0bMSH|")) }},
}

// mqttConnect reads an MQTT CONNECT's connect flags.
func mqttConnect(b []byte) (byte, bool) {
	if len(b) < 2 || b[0] != 0x10 {
		return 0, false
	}
	i := 1 // the remaining length: up to 4 bytes of 7 bits
	for ; i < len(b) && i < 5 && b[i]&0x80 != 0; i++ {
	}
	i++
	if i+2 > len(b) {
		return 0, false
	}
	n := int(b[i])<<8 | int(b[i+1])
	i += 2
	if i+n+2 > len(b) {
		return 0, false
	}
	if p := string(b[i : i+n]); p != "MQTT" && p != "MQIsdp" {
		return 0, false
	}
	return b[i+n+1], true
}

var (
	credentialText = []struct {
		re   *regexp.Regexp
		what string
	}{
		{regexp.MustCompile(`(?im)^PASS `), "a PASS command (a password)"},
		{regexp.MustCompile(`(?im)^\S+ LOGIN \S+ \S`), "an IMAP LOGIN (a password)"},
		{regexp.MustCompile(`(?im)^(Proxy-)?Authorization:[ \t]*Basic `), "an HTTP Basic authorization (a password)"},
		{regexp.MustCompile(`(?i)(^|[&?\s"{,])"?(password|passwd|pwd)"?\s*[=:]`), "a password field"},
	}
	healthText = []struct {
		re   *regexp.Regexp
		what string
	}{
		{regexp.MustCompile(`(^|[\r\n\x0b])PID\|`), "an HL7 PID segment (patient identification)"},
		{regexp.MustCompile(`(^|[\r\n\x0b])OBX\|`), "an HL7 OBX segment (an observation)"},
		{regexp.MustCompile(`"resourceType"\s*:\s*"(Patient|Observation|Encounter|Condition|MedicationRequest|DiagnosticReport)"`), "a FHIR resource with patient data"},
	}
)

// exposures notes the credentials (in what went to the server) and
// health data (either way) that the bytes b of packet pkt carry in the
// clear: what they are and the packet, never their value.
func exposures(s *Server, b []byte, toServer bool, pkt int) {
	if toServer {
		for _, c := range credentialText {
			if c.re.Match(b) {
				s.credential(pkt, c.what)
			}
		}
		if flags, ok := mqttConnect(b); ok && flags&0x40 != 0 {
			s.credential(pkt, "an MQTT CONNECT with a password")
		}
	}
	for _, h := range healthText {
		if h.re.Match(b) {
			s.health(pkt, h.what)
		}
	}
	// A DICOM P-DATA-TF carrying a data set with the patient's name
	// (0010,0010), in either byte order.
	if len(b) > 6 && b[0] == 0x04 && b[1] == 0 && (bytes.Contains(b, []byte{0x10, 0, 0x10, 0}) || bytes.Contains(b, []byte{0, 0x10, 0, 0x10})) {
		s.health(pkt, "a DICOM data set with the patient's name")
	}
}

func (s *Server) credential(pkt int, what string) { s.exposed(&s.Credentials, pkt, what) }

func (s *Server) health(pkt int, what string) { s.exposed(&s.HealthData, pkt, what) }

// exposed notes what crossed in the clear in packet pkt: in list, the
// first time, and among the marks.
func (s *Server) exposed(list *[]Mark, pkt int, what string) {
	if !slices.ContainsFunc(*list, func(m Mark) bool { return m.What == what }) {
		*list = append(*list, Mark{pkt, what})
	}
	s.mark(pkt, "in the clear: "+what)
}

// passwordPrompt is a terminal's prompt for a secret, at the end of
// what the server said.
var passwordPrompt = regexp.MustCompile(`(?i)(password|passcode|passwort|mot de passe|pin)[^\r\n:]{0,20}:\s*$`)

// typed notes a password typed in the clear at a terminal (Telnet, a
// raw console): the first text the client sends after the server's
// last words asked for a password. Web pages are left out: their text
// is no prompt.
func typed(f *flow, b []byte, toServer bool, pkt int) {
	if f.srv.Service != nil && f.srv.Service.Name == "http" {
		return
	}
	_, _, text := wire.ParseTelnet(b)
	if !toServer {
		f.prompted = passwordPrompt.Match(bytes.TrimRight(text, "\x00"))
		return
	}
	if f.prompted && len(bytes.TrimSpace(text)) > 0 {
		f.srv.credential(pkt, "a password typed at a password prompt")
		f.prompted = false
	}
}

// analyzeDatagram reads a UDP datagram: SNMP v1 and v2c carry their
// community string, a password, in the clear.
func analyzeDatagram(s *Server, b []byte, toServer bool, pkt int) {
	v, _, ok := snmpMessage(b)
	if !ok {
		return
	}
	setService(s, &ident.Service{Name: "snmp", Confidence: ident.High, Reason: "seen: SNMPv" + v + " messages"})
	if v == "3" {
		return
	}
	s.Cleartext = "seen in the capture: SNMPv" + v + " in the clear (its community string and values unencrypted)"
	if toServer {
		s.credential(pkt, "an SNMPv"+v+" community string")
	}
}

// snmpRequest says whether an SNMP v1 or v2c message asks (a request,
// a trap or an inform, whose receiver serves) or answers.
func snmpRequest(b []byte) (request, ok bool) {
	v, pdu, ok := snmpMessage(b)
	if !ok || v == "3" {
		return false, false
	}
	return pdu != 0xa2, true
}

// snmpMessage reads an SNMP message's version ("1", "2c", "3") and, for
// v1 and v2c, its PDU's tag.
func snmpMessage(b []byte) (version string, pdu byte, ok bool) {
	body, ok := berTake(b, 0x30)
	if !ok {
		return "", 0, false
	}
	ver, ok := berTake(body, 0x02)
	if !ok || len(ver) != 1 {
		return "", 0, false
	}
	version, known := map[byte]string{0: "1", 1: "2c", 3: "3"}[ver[0]]
	if !known {
		return "", 0, false
	}
	if version == "3" {
		return version, 0, true
	}
	rest := body[berLen(body):]
	_, ok = berTake(rest, 0x04)
	if !ok {
		return "", 0, false
	}
	rest = rest[berLen(rest):]
	if len(rest) == 0 || rest[0] < 0xa0 || rest[0] > 0xa8 {
		return "", 0, false
	}
	return version, rest[0], true
}

// berTake returns the contents of the BER element with tag at the start
// of b.
func berTake(b []byte, tag byte) ([]byte, bool) {
	n, hl, ok := berHeader(b)
	if !ok || b[0] != tag || hl+n > len(b) {
		return nil, false
	}
	return b[hl : hl+n], true
}

// berLen is the whole length of the element at the start of b (0 when
// it cannot be read).
func berLen(b []byte) int {
	n, hl, ok := berHeader(b)
	if !ok || hl+n > len(b) {
		return len(b)
	}
	return hl + n
}

func berHeader(b []byte) (n, hl int, ok bool) {
	if len(b) < 2 {
		return 0, 0, false
	}
	if b[1] < 0x80 {
		return int(b[1]), 2, true
	}
	k := int(b[1] & 0x7f)
	if k == 0 || k > 3 || len(b) < 2+k {
		return 0, 0, false
	}
	for _, x := range b[2 : 2+k] {
		n = n<<8 | int(x)
	}
	return n, 2 + k, true
}
