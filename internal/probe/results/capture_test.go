package results

import (
	"encoding/base64"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
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
	if strings.Join(tls.TLS, ",") != "TLS 1.0,TLS 1.3" || tls.Cleartext != "" || !slices.Contains(tls.CryptoWeak, "certificate: self-signed") {
		t.Errorf("TLS: %+v", tls)
	}
	for _, h := range parsed.Hosts {
		for _, p := range h.Ports {
			if p.Port == 4443 && (p.TLS.Certificate == nil || p.TLS.Certificate.Subject != "CN=monitor.test" || !p.TLS.Certificate.SelfSigned || p.TLS.Certificate.KeyBits != 2048) {
				t.Errorf("certificate: %+v", p.TLS.Certificate)
			}
		}
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

// TestReadCapture: a capture file read under the passive profile, its
// servers kept to the scope; one without packets still gives results
// that read back; options that would send something are refused.
func TestReadCapture(t *testing.T) {
	file := filepath.Join("..", "passive", "testdata", "any-sll2.pcap")
	res, err := ReadCapture(probe.Options{Profile: "passive", Pcap: file, Scope: []string{"127.0.0.0/8"}, Targets: []string{"127.0.0.1"}})
	if err != nil || len(res.Hosts) != 1 || len(res.Hosts[0].Ports) != 2 || res.Partial {
		t.Fatalf("%+v %v", res, err)
	}
	if res, err := ReadCapture(probe.Options{Profile: "passive", Pcap: file, Scope: []string{"10.0.0.0/8"}}); err != nil || len(res.Hosts) != 0 {
		t.Errorf("outside the scope: %+v %v", res, err)
	}
	empty := filepath.Join(t.TempDir(), "empty.pcap")
	b, _ := os.ReadFile(file)
	os.WriteFile(empty, b[:24], 0o600)
	res, err = ReadCapture(probe.Options{Profile: "passive", Pcap: empty})
	if err != nil || res.Started.IsZero() {
		t.Fatalf("empty: %+v %v", res, err)
	}
	out, _ := json.Marshal(res)
	if _, err := Parse(append([]byte(`{"schemaVersion":"`+probeVersion()+`","tool":{},`), out[1:]...)); err != nil {
		t.Errorf("empty results do not read back: %v", err)
	}
	cut := filepath.Join(t.TempDir(), "cut.pcap")
	os.WriteFile(cut, b[:len(b)-5], 0o600)
	if res, err := ReadCapture(probe.Options{Profile: "passive", Pcap: cut}); err == nil || res == nil || !res.Partial || !strings.Contains(err.Error(), "cut.pcap") {
		t.Errorf("cut short: %+v %v", res, err)
	}
	for _, o := range []probe.Options{
		{Profile: "safe", Pcap: file},
		{Profile: "passive"},
		{Profile: "passive", Pcap: file, AllowCredentialTests: true},
		{Profile: "passive", Pcap: file, HL7Query: true},
		{Profile: "passive", Pcap: file, Targets: []string{"pump.example"}},
	} {
		if res, err := ReadCapture(o); err == nil || res != nil {
			t.Errorf("ReadCapture(%+v) = %v, %v", o, res, err)
		}
	}
}
