package results

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/probe"
	"github.com/mdcheck/mdcheck/internal/probe/snmpwire"
	"github.com/mdcheck/mdcheck/internal/testutil/seed"
)

// wrapped writes r as mdcheck probe -f json does: the schema version and
// the tool beside the result.
func wrapped(t *testing.T, r *probe.Result) []byte {
	t.Helper()
	b, err := json.Marshal(struct {
		SchemaVersion string         `json:"schemaVersion"`
		Tool          map[string]any `json:"tool"`
		*probe.Result
	}{"5", map[string]any{"name": "mdcheck"}, r})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestLiveFromRun: a probe with a declared web port (one no profile
// treats as a web port) speaks HTTP to it under the safe profile; its
// results read back are the same, and show the port in the clear with
// the transcript events that show it.
func TestLiveFromRun(t *testing.T) {
	port := serve(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("<title>Ward</title>")) }))
	res, err := probe.Run(context.Background(), probe.Options{Targets: []string{"127.0.0.1"}, Scope: []string{"127.0.0.1"}, Ports: "1", Declared: []probe.Declared{{Port: port, HTTP: true}}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(res.Ports, port) || len(res.Declared) != 1 || res.Declared[0].Port != port {
		t.Fatalf("ports %v, declared %+v", res.Ports, res.Declared)
	}
	back, err := Parse(wrapped(t, res))
	if err != nil {
		t.Fatal(err)
	}
	l := Live(back, "p.json")
	if len(l.Hosts) != 1 || len(l.Hosts[0].Open) != 1 {
		t.Fatalf("live %+v", l)
	}
	p := l.Hosts[0].Open[0]
	if p.Port != port || p.Status != 200 || p.Cleartext != "answered HTTP without TLS (status 200)" || p.TLSTried || len(p.Lines) == 0 {
		t.Errorf("port %+v", p)
	}
	for _, seq := range p.Lines {
		if e := back.Transcript[seq-1]; e.Seq != seq || (e.Port != 0 && e.Port != port) {
			t.Errorf("line %d is %+v", seq, e)
		}
	}
	// Declared as TLS, a silent port is offered TLS under safe too.
	silent := serve(t, http.NotFoundHandler())
	res, err = probe.Run(context.Background(), probe.Options{Targets: []string{"127.0.0.1"}, Scope: []string{"127.0.0.1"}, Ports: "1", Declared: []probe.Declared{{Port: silent, TLS: true}}})
	if err != nil || len(res.Hosts[0].Ports) != 2 || !res.Hosts[0].Ports[1].TLSTried || res.Hosts[0].Ports[0].TLSTried {
		t.Fatalf("%+v %v", res.Hosts, err)
	}
}

// TestParseResults: results written by mdcheck probe are read; anything
// else is refused, saying where.
func TestParse(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("testdata", "probe-ward5.json"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Parse(good)
	if err != nil {
		t.Fatal(err)
	}
	l := Live(r, "ward5.json")
	if len(l.Hosts) != 1 || len(l.Hosts[0].Open) != 2 || l.Hosts[0].Open[0].Cleartext == "" || l.Profile != "safe" {
		t.Errorf("live %+v", l)
	}
	for _, tc := range []struct{ in, want string }{
		{`{"schemaVersion": "5", "profile": "safe", "started": "2026-12-07T09:00:00Z",` + "\n" + `"hosts": {}}`, "2:11: Result.hosts should be []probe.Host, not object"},
		{`{"schemaVersion": "5", "profile": "safe"`, "1:41: JSON ends too early"},
		{`{"findings": []}`, "1:1: not probe results: no schemaVersion"},
		{`{"schemaVersion": "99", "profile": "safe", "started": "2026-12-07T09:00:00Z"}`, "newer than this mdcheck reads"},
		{`{"schemaVersion": "x"}`, `schemaVersion "x" is not one of probe results`},
		{fmt.Sprintf(`{"schemaVersion": "%d", "tool": {}, "findings": []}`, probe.SchemaVersion+1), "newer than this mdcheck reads"},
		{`{"schemaVersion": "4", "profile": "reckless", "started": "2026-12-07T09:00:00Z"}`, "no profile or start time"},
		{`{"schemaVersion": "5", "profile": "safe", "started": "2026-12-07T09:00:00Z"} {}`, "more after the probe results"},
		{strings.Repeat("[", 100), "1:1:"},
	} {
		_, err := Parse([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%.40q: %v, want %q", tc.in, err, tc.want)
		}
	}
	if _, err := Read(filepath.Join(t.TempDir(), "none.json")); err == nil {
		t.Error("a missing file is read")
	}
}

// FuzzParse: no input makes the reader panic, and what it accepts
// converts to evidence.
func FuzzParse(f *testing.F) {
	seed.Files(f, filepath.Join("testdata", "probe-ward5.json"))
	f.Add([]byte(`{"schemaVersion": "1", "profile": "standard", "started": "2026-12-07T09:00:00Z", "hosts": [{"address": "::1", "ports": [{"port": 443, "state": "open", "tls": {"versions": [{"version": "TLS 1.0"}]}, "ssh": {}, "http": {"fhir": {}}}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse(data)
		if err != nil {
			return
		}
		Live(r, "fuzz.json")
	})
}

// TestLiveMQTT: a broker's answer to a CONNECT without credentials is
// evidence of who it lets in, and, without TLS, of MQTT in the clear.
func TestLiveMQTT(t *testing.T) {
	for _, tc := range []struct {
		m         probe.MQTT
		anyPeer   bool
		cleartext bool
	}{
		{probe.MQTT{Version: "3.1.1", Accepted: true, Reason: "connection accepted"}, true, true},
		{probe.MQTT{Version: "5.0", ReturnCode: 0x87, Reason: "not authorized"}, false, true},
		{probe.MQTT{Version: "3.1.1", Accepted: true, Reason: "connection accepted", OverTLS: true}, true, false},
	} {
		p := probe.Port{Port: 1883, State: probe.Open, Service: &probe.Service{Name: "mqtt", Confidence: probe.High}, MQTT: &tc.m}
		if tc.m.OverTLS {
			p.TLS = &probe.TLS{Versions: []probe.TLSVersion{{Version: "TLS 1.3"}}}
		}
		lp := livePort(p)
		if lp.AnyPeer == nil || *lp.AnyPeer != tc.anyPeer || !strings.Contains(lp.AnyPeerHow, tc.m.Reason) || (lp.Cleartext != "") != tc.cleartext {
			t.Errorf("%+v: %+v", tc.m, lp)
		}
	}
}

// TestLiveFTP: an FTP server is in the clear, said with whether it
// offers AUTH TLS, and its anonymous login, when tried, is evidence of
// who it lets in.
func TestLiveFTP(t *testing.T) {
	yes := true
	svc := &probe.Service{Name: "ftp", Confidence: probe.High, Reason: "FTP greeting (220)"}
	lp := livePort(probe.Port{Port: 21, State: probe.Open, Service: svc, FTP: &probe.FTP{AuthTLS: true, Anonymous: &yes}})
	if lp.AnyPeer == nil || !*lp.AnyPeer || lp.AnyPeerHow != "FTP login as anonymous: accepted" || lp.Cleartext != "by its greeting: FTP greeting (220); it offers AUTH TLS, on request" {
		t.Errorf("%+v", lp)
	}
	lp = livePort(probe.Port{Port: 21, State: probe.Open, Service: svc, FTP: &probe.FTP{}})
	if lp.AnyPeer != nil || !strings.HasSuffix(lp.Cleartext, "; no AUTH TLS among its features") {
		t.Errorf("%+v", lp)
	}
}

// TestLiveDICOM: a DICOM service is in the clear without TLS, and an
// association accepted from an unknown calling AE title, or refused for
// it, is evidence of who it lets in; one refused for another reason is
// not.
func TestLiveDICOM(t *testing.T) {
	for _, tc := range []struct {
		d       probe.DICOM
		anyPeer *bool
	}{
		{probe.DICOM{CallingAE: "MDCHECK-PROBE", CalledAE: "ANY-SCP", Accepted: true}, ptr(true)},
		{probe.DICOM{CallingAE: "MDCHECK-PROBE", CalledAE: "ANY-SCP", Reject: "permanently rejected: calling AE title not recognized"}, ptr(false)},
		{probe.DICOM{CallingAE: "MDCHECK-PROBE", CalledAE: "ANY-SCP", Reject: "permanently rejected: called AE title not recognized"}, nil},
	} {
		lp := livePort(probe.Port{Port: 104, State: probe.Open, Service: &probe.Service{Name: "dicom", Confidence: probe.High}, DICOM: &tc.d})
		if (lp.AnyPeer == nil) != (tc.anyPeer == nil) || (lp.AnyPeer != nil && *lp.AnyPeer != *tc.anyPeer) || lp.Cleartext == "" {
			t.Errorf("%+v: %+v", tc.d, lp)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// serve serves h on a loopback port.
func serve(t *testing.T, h http.Handler) int {
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s.Listener.Addr().(*net.TCPAddr).Port
}

// TestLiveHL7: an HL7 listener that accepted a message from an
// application it cannot know lets anyone in; without TLS it is in the
// clear.
func TestLiveHL7(t *testing.T) {
	p := probe.Port{Port: 2575, State: probe.Open, Service: &probe.Service{Name: "hl7-mllp", Confidence: probe.High}, HL7: &probe.HL7{Answered: true, AckCode: "AA"}}
	lp := livePort(p)
	if lp.AnyPeer == nil || !*lp.AnyPeer || lp.Cleartext == "" {
		t.Errorf("AA: %+v", lp)
	}
	p.HL7.AckCode = "AR"
	if lp := livePort(p); lp.AnyPeer != nil {
		t.Errorf("AR: %+v", lp)
	}
}

// TestLiveSNMP: an agent that answered a well-known community lets
// anyone in, in the clear; one that answered none of them, when they
// were tried, refuses them; without the tries nothing is known of
// either, and the port is named as a UDP one.
func TestLiveSNMP(t *testing.T) {
	engine := &snmpwire.Engine{ID: "80001f8804", Enterprise: 8072}
	p := probe.Port{Port: 161, Proto: "udp", State: probe.Open, Service: &probe.Service{Name: "snmp", Confidence: probe.High}, SNMP: &probe.SNMP{Engine: engine}}
	lp := livePort(p)
	if lp.AnyPeer != nil || lp.Cleartext != "" || !lp.UDP {
		t.Errorf("not tried: %+v", lp)
	}
	if w := (evidence.LiveHost{Address: "10.0.0.5"}).Where(lp); w != "10.0.0.5:161/udp" {
		t.Errorf("where: %s", w)
	}
	p.SNMP.CommunitiesTried = true
	if lp := livePort(p); lp.AnyPeer == nil || *lp.AnyPeer || lp.Cleartext != "" || !strings.Contains(lp.AnyPeerHow, "no answer") {
		t.Errorf("none answered: %+v", lp)
	}
	p.SNMP.Communities = []probe.SNMPCommunity{{Community: "public", Version: "2c"}}
	if lp := livePort(p); lp.AnyPeer == nil || !*lp.AnyPeer || !strings.Contains(lp.AnyPeerHow, `"public" (SNMPv2c)`) || !strings.Contains(lp.Cleartext, "SNMPv2c") {
		t.Errorf("public answered: %+v", lp)
	}
}

// TestLiveTelnet: a Telnet server that asks for a login refuses a
// client without credentials; one that opens a shell lets anyone in;
// either is in the clear.
func TestLiveTelnet(t *testing.T) {
	p := probe.Port{Port: 23, State: probe.Open, Service: &probe.Service{Name: "telnet", Confidence: probe.High, Reason: "Telnet option negotiation (IAC)"}, Telnet: &probe.Telnet{Prompt: "login:", Login: true}}
	if lp := livePort(p); lp.AnyPeer == nil || *lp.AnyPeer || lp.Cleartext == "" || !strings.Contains(lp.AnyPeerHow, `"login:"`) {
		t.Errorf("login: %+v", lp)
	}
	p.Telnet = &probe.Telnet{Prompt: "#", Shell: true}
	if lp := livePort(p); lp.AnyPeer == nil || !*lp.AnyPeer || !strings.Contains(lp.AnyPeerHow, "without asking for a login") {
		t.Errorf("shell: %+v", lp)
	}
	p.Telnet = &probe.Telnet{Prompt: "Welcome"}
	if lp := livePort(p); lp.AnyPeer != nil {
		t.Errorf("neither: %+v", lp)
	}
}
