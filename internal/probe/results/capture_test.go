package results

import (
	"encoding/base64"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mdcheck/mdcheck/internal/probe"
	"github.com/mdcheck/mdcheck/internal/probe/passive"
)

func capture(t *testing.T) *passive.Capture {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "passive", "testdata", "loopback.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := passive.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestFromCapture: a capture becomes probe results of the passive
// profile whose ports cite, as transcript events, the packets that
// show them; read back, they are evidence of cleartext (with the
// credentials and health data that crossed) and of the TLS negotiated.
// No secret and no patient data of the capture reaches the results.
func TestFromCapture(t *testing.T) {
	res := FromCapture(capture(t), "ward5.pcap", nil, nil)
	if res.Profile != probe.Passive || res.Capture == nil || res.Capture.File != "ward5.pcap" || len(res.Hosts) != 1 || res.Started.IsZero() {
		t.Fatalf("result %+v", res)
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"s3cretPW", base64.StdEncoding.EncodeToString([]byte("admin:s3cretPW")), "DOE", "JANE", "123456", "19700101"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("the results hold %q", secret)
		}
	}
	parsed, err := Parse(append([]byte(`{"schemaVersion":"`+probeVersion()+`","tool":{},`), b[1:]...))
	if err != nil {
		t.Fatal(err)
	}
	l := Live(parsed, "ward5.json")
	byPort := map[int]int{}
	for i, p := range l.Hosts[0].Open {
		byPort[p.Port] = i
		if len(p.Lines) == 0 && p.Port != 30002 {
			t.Errorf("port %d cites no packet", p.Port)
		}
	}
	ftp := l.Hosts[0].Open[byPort[2121]]
	if !strings.Contains(ftp.Cleartext, "a PASS command (a password) (packet 9)") {
		t.Errorf("FTP: %+v", ftp)
	}
	hl7 := l.Hosts[0].Open[byPort[12575]]
	if !strings.Contains(hl7.Cleartext, "an HL7 PID segment (patient identification) (packet 94)") {
		t.Errorf("HL7: %+v", hl7)
	}
	tls := l.Hosts[0].Open[byPort[4443]]
	if strings.Join(tls.TLS, ",") != "TLS 1.0,TLS 1.3" || tls.Cleartext != "" || len(tls.CryptoWeak) != 2 {
		t.Errorf("TLS: %+v", tls)
	}
	for _, e := range parsed.Transcript {
		if e.Kind != probe.EvSeen || e.Packet == 0 || e.Note == "" {
			t.Errorf("transcript event %+v", e)
		}
	}
	if none := FromCapture(capture(t), "x", []string{"10.0.0.0/8"}, func(a netip.Addr) bool { return !a.IsLoopback() }); len(none.Hosts) != 0 || len(none.Transcript) != 0 {
		t.Errorf("outside the scope: %+v", none.Hosts)
	}
}

func probeVersion() string {
	b, _ := json.Marshal(probe.SchemaVersion)
	return string(b)
}
