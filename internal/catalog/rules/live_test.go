package rules

import (
	"strings"
	"testing"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/classify"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/model"
)

// probed is what a probe of one unit at 127.0.0.1 showed: ports open.
func probed(ports ...evidence.LivePort) evidence.Live {
	return evidence.Live{File: "probe.json", Started: now, Profile: "safe", Ports: []int{22, 23, 80, 443, 2575}, Hosts: []evidence.LiveHost{{Address: "127.0.0.1", Open: ports}}}
}

// captured is what a capture (the passive profile) showed of one unit
// at 127.0.0.1.
func captured(ports ...evidence.LivePort) evidence.Live {
	l := probed(ports...)
	l.Profile = "passive"
	return l
}

// liveCases runs r on cases, each with the probe results of the same
// index (none for a zero Live).
func liveCases(t *testing.T, r catalog.Rule, cases []ruleCase, lives []evidence.Live) {
	t.Helper()
	if len(cases) != len(lives) {
		t.Fatalf("%d cases, %d probe results", len(cases), len(lives))
	}
	runRuleWith(t, r, cases, func(i int, in *catalog.Input) {
		if lives[i].File != "" {
			in.Evidence.AddLive(lives[i])
		}
	})
}

var (
	tls12    = evidence.LivePort{Port: 443, Service: "https", Confidence: "high", TLS: []string{"TLS 1.2", "TLS 1.3"}, TLSTried: true, Status: 200, Lines: []int{3, 4}}
	telnet   = evidence.LivePort{Port: 23, Service: "telnet", Confidence: "high", Cleartext: "by its greeting: Telnet option negotiation (IAC)", Lines: []int{7}}
	web      = "    interfaces: [{id: web, kind: wired-network, protocols: [https], port: 443, encryption: {inTransit: true, protocol: TLS 1.2}, authentication: {required: true}}]\n"
	sshIface = "    interfaces: [{id: s, kind: wired-network, protocols: [ssh], port: 22, authentication: {methods: [certificate]}}]\n"
)

func TestLiveDeclaredServices(t *testing.T) {
	two := header + `components:
  - id: monitor
    name: Monitor
    kind: hardware-device
    role: device
    interfaces: [{id: web, kind: wired-network, port: 443}]
  - id: gateway
    name: Gateway
    kind: hardware-device
    role: device
    interfaces: [{id: web, kind: wired-network, port: 443}, {id: s, kind: wired-network, port: 22}]
`
	partialRun := probed(tls12)
	partialRun.Partial = true
	liveCases(t, liveDeclared, []ruleCase{
		{"declared", one(web), want{"main/127.0.0.1:443": pass_}},
		{"undeclared telnet", one(web), want{"main/127.0.0.1:443": pass_, "main/127.0.0.1:23": fail_}},
		{"no port declared", one(""), want{"127.0.0.1:23": fail_}},
		{"unit taken for the component with most of its ports", two, want{"gateway/127.0.0.1:443": pass_, "gateway/127.0.0.1:22": pass_}},
		{"interrupted", one(web), want{"main/127.0.0.1:443": pass_, "device": unk}},
		{"no probe", one(web), want{"device": na}},
	}, []evidence.Live{
		probed(tls12), probed(tls12, telnet), probed(telnet),
		probed(tls12, evidence.LivePort{Port: 22, Service: "ssh", Confidence: "high", SSH: true}),
		partialRun, {},
	})
}

func TestLiveTransport(t *testing.T) {
	legacy := tls12
	legacy.TLS = []string{"TLS 1.0", "TLS 1.1", "TLS 1.2"}
	legacy.CryptoWeak = []string{"accepts TLS 1.0", "accepts TLS 1.1"}
	weakSuite := tls12
	weakSuite.CryptoWeak = []string{"TLS_RSA_WITH_3DES_EDE_CBC_SHA: 3DES (Sweet32)", "certificate expired"}
	plain := evidence.LivePort{Port: 443, Service: "http", Confidence: "high", Cleartext: "answered HTTP without TLS (status 200)", Status: 200}
	redirect := evidence.LivePort{Port: 80, Service: "http", Confidence: "high", Cleartext: "answered HTTP without TLS (status 301)", RedirectsToHTTPS: true, Status: 301}
	silent := evidence.LivePort{Port: 2575, Service: "hl7-mllp", Confidence: "low"}
	tried := silent
	tried.TLSTried = true
	weakSSH := evidence.LivePort{Port: 22, Service: "ssh", Confidence: "high", SSH: true, CryptoWeak: []string{"cipher 3des-cbc"}}
	snmpPublic := evidence.LivePort{Port: 161, UDP: true, Service: "snmp", Confidence: "high", Cleartext: "answered SNMPv2c, whose community strings and values cross the network in the clear"}
	snmpV3 := evidence.LivePort{Port: 161, UDP: true, Service: "snmp", Confidence: "high"}
	goodSSH := evidence.LivePort{Port: 22, Service: "ssh", Confidence: "high", SSH: true}
	liveCases(t, liveTransport, []ruleCase{
		{"modern TLS", one(web), want{"main/127.0.0.1:443": pass_}},
		{"older than declared", one(web), want{"main/127.0.0.1:443": fail_}},
		{"weak suite", one(web), want{"main/127.0.0.1:443": fail_}},
		{"declared TLS, speaks cleartext", one(web), want{"main/127.0.0.1:443": fail_}},
		{"telnet", one(web), want{"main/127.0.0.1:23": fail_}},
		{"redirect to https", one(web), want{"main/127.0.0.1:80": pass_}},
		{"silent, TLS not tried", one(web), want{"main/127.0.0.1:2575": unk}},
		{"silent, no TLS", one(web), want{"main/127.0.0.1:2575": unk}},
		{"weak ssh", one(sshIface), want{"main/127.0.0.1:22": fail_}},
		{"good ssh", one(sshIface), want{"main/127.0.0.1:22": pass_}},
		{"SNMP community in the clear", one(web), want{"main/127.0.0.1:161/udp": fail_}},
		{"SNMPv3 only seen", one(web), want{"main/127.0.0.1:161/udp": unk}},
		{"a capture: older TLS negotiated", one(web), want{"main/127.0.0.1:443": fail_}},
		{"a capture: serving, nothing more seen", one(web), want{"main/127.0.0.1:2575": unk}},
		{"no probe", one(web), want{"device": na}},
	}, []evidence.Live{probed(tls12), probed(legacy), probed(weakSuite), probed(plain), probed(telnet), probed(redirect), probed(silent), probed(tried), probed(weakSSH), probed(goodSSH), probed(snmpPublic), probed(snmpV3), captured(legacy), captured(silent), {}})
}

func TestLiveAuthentication(t *testing.T) {
	yes, no := true, false
	pw := evidence.LivePort{Port: 22, Service: "ssh", Confidence: "high", SSH: true, PasswordAuth: &yes}
	keys := pw
	keys.PasswordAuth = &no
	form := evidence.LivePort{Port: 443, Service: "http", Confidence: "high", Cleartext: "answered HTTP without TLS (status 200)", Status: 200, LoginForm: true}
	fhir := tls12
	fhir.FHIR = true
	fhirSecured := fhir
	fhirSecured.FHIRSecurity = true
	asks := tls12
	asks.Status = 401
	mqttIface := "    interfaces: [{id: m, kind: wired-network, protocols: [mqtt], port: 1883}]\n"
	mqttAnon := evidence.LivePort{Port: 1883, Service: "mqtt", Confidence: "high", Cleartext: "answered MQTT without TLS (CONNACK: connection accepted)", AnyPeer: &yes, AnyPeerHow: "MQTT 3.1.1 CONNECT without credentials: connection accepted"}
	mqttRefused := mqttAnon
	mqttRefused.AnyPeer, mqttRefused.AnyPeerHow = &no, "MQTT 3.1.1 CONNECT without credentials: not authorized"
	snmpIface := "    interfaces: [{id: n, kind: wired-network, protocols: [snmp], port: 161}]\n"
	snmpPublic := evidence.LivePort{Port: 161, UDP: true, Service: "snmp", Confidence: "high", Cleartext: "answered SNMPv2c, whose community strings and values cross the network in the clear", AnyPeer: &yes, AnyPeerHow: `SNMP under the well-known communities: answered "public" (SNMPv2c)`}
	snmpV3 := evidence.LivePort{Port: 161, UDP: true, Service: "snmp", Confidence: "high"}
	telnetShell := telnet
	telnetShell.AnyPeer, telnetShell.AnyPeerHow = &yes, `Telnet opened a session without asking for a login (prompt "#")`
	telnetLogin := telnet
	telnetLogin.AnyPeer, telnetLogin.AnyPeerHow = &no, `Telnet asks for a login (prompt "login:")`
	liveCases(t, liveAuthentication, []ruleCase{
		{"Telnet shell without login", one(web), want{"main/127.0.0.1:23": fail_}},
		{"Telnet asks for a login", one(web), want{"main/127.0.0.1:23": pass_}},
		{"SNMP answers public", one(snmpIface), want{"main/127.0.0.1:161/udp": fail_}},
		{"SNMP, communities not tried", one(snmpIface), want{"device": na}},
		{"password not declared", one(sshIface), want{"main/127.0.0.1:22": fail_}},
		{"the interface's methods before the component's", one(sshIface + "    accessControl: {authenticationMethods: [password]}\n"), want{"main/127.0.0.1:22": fail_}},
		{"the component's methods", one("    interfaces: [{id: s, kind: wired-network, port: 22}]\n    accessControl: {authenticationMethods: [password]}\n"), want{"main/127.0.0.1:22": pass_}},
		{"password on the interface", one(strings.Replace(sshIface, "[certificate]", "[certificate, password]", 1)), want{"main/127.0.0.1:22": pass_}},
		{"methods not stated", one("    interfaces: [{id: s, kind: wired-network, port: 22}]\n"), want{"main/127.0.0.1:22": unk}},
		{"keys only", one(sshIface), want{"main/127.0.0.1:22": pass_}},
		{"login form in the clear", one(web), want{"main/127.0.0.1:443": fail_}},
		{"FHIR without security", one(web), want{"main/127.0.0.1:443": fail_}},
		{"FHIR with security", one(web), want{"main/127.0.0.1:443": pass_}},
		{"page without authentication", one(web), want{"main/127.0.0.1:443": unk}},
		{"401", one(web), want{"main/127.0.0.1:443": pass_}},
		{"MQTT lets anyone in", one(mqttIface), want{"main/127.0.0.1:1883": fail_}},
		{"MQTT declared authenticated lets anyone in", one(strings.Replace(mqttIface, "port: 1883", "port: 1883, authentication: {required: true}", 1)), want{"main/127.0.0.1:1883": fail_}},
		{"MQTT asks for credentials", one(mqttIface), want{"main/127.0.0.1:1883": pass_}},
		{"nothing to judge", one(web), want{"device": na}},
	}, []evidence.Live{probed(telnetShell), probed(telnetLogin), probed(snmpPublic), probed(snmpV3), probed(pw), probed(pw), probed(pw), probed(pw), probed(pw), probed(keys), probed(form), probed(fhir), probed(fhirSecured), probed(tls12), probed(asks), probed(mqttAnon), probed(mqttAnon), probed(mqttRefused), probed(telnet)})
}

func TestLiveWeb(t *testing.T) {
	weak := tls12
	weak.WebWeak = []string{"security headers missing: Strict-Transport-Security"}
	interrupted := probed(tls12)
	interrupted.Partial = true
	liveCases(t, liveWeb, []ruleCase{
		{"hardened", one(web), want{"main/127.0.0.1:443": pass_}},
		{"headers missing", one(web), want{"main/127.0.0.1:443": fail_}},
		{"interrupted", one(web), want{"main/127.0.0.1:443": pass_, "device": unk}},
		{"no web service", one(web), want{"device": na}},
	}, []evidence.Live{probed(tls12), probed(weak), interrupted, probed(telnet)})
}

// TestConfirm: what a probe measured of a declared interface becomes
// observed evidence for the rules that rest on the model's word, and
// only when every unit shows it; a unit in the clear leaves the claim a
// claim.
func TestConfirm(t *testing.T) {
	src := one("    interfaces: [{id: h, kind: wired-network, protocols: [hl7-mllp], port: 2575, encryption: {inTransit: true, protocol: TLS 1.2}}]\n")
	mllp := evidence.LivePort{Port: 2575, Service: "hl7-mllp", Confidence: "low", TLS: []string{"TLS 1.2"}, TLSTried: true, Lines: []int{9, 10}}
	clear := evidence.LivePort{Port: 2575, Service: "hl7-mllp", Confidence: "high", Cleartext: "by its greeting: an MLLP start block"}
	legacy := mllp
	legacy.TLS = []string{"TLS 1.0", "TLS 1.2"}
	two := probed(mllp)
	two.Hosts = append(two.Hosts, evidence.LiveHost{Address: "127.0.0.2", Open: []evidence.LivePort{clear}})
	inCapture := captured(mllp)
	for _, tc := range []struct {
		name           string
		live           evidence.Live
		transit, proto evidence.Strength
	}{
		{"TLS as declared", probed(mllp), evidence.Observed, evidence.Observed},
		{"older TLS too", probed(legacy), evidence.Observed, evidence.Claimed},
		{"one unit in the clear", two, evidence.Claimed, evidence.Claimed},
		{"TLS seen in a capture: used, its minimum not shown", inCapture, evidence.Observed, evidence.Claimed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dev, err := model.Parse("device.yaml", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			cl, err := classify.Classify(dev)
			if err != nil {
				t.Fatal(err)
			}
			in := &catalog.Input{Device: dev, Classification: cl, Evidence: evidence.NewSet(), Now: now}
			in.Evidence.AddLive(tc.live)
			Confirm(in)
			for _, r := range []struct {
				rule catalog.Rule
				path string
				want evidence.Strength
			}{{hl7Secured, "components[0].interfaces[0].encryption.inTransit", tc.transit}, {modernTLS, "components[0].interfaces[0].encryption.protocol", tc.proto}} {
				fs := catalog.Evaluate([]catalog.Rule{r.rule}, in)
				if len(fs) != 1 || fs[0].Status != catalog.Pass {
					t.Fatalf("%s: %+v", r.rule.ID, fs)
				}
				var got evidence.Strength
				for _, e := range fs[0].Evidence {
					if e.Path == r.path {
						got = e.Strength
						if e.Strength == evidence.Observed && (e.Source.Kind != "probe" || len(e.Source.Transcript) == 0) {
							t.Errorf("%s: observed evidence without the probe's transcript: %+v", r.path, e)
						}
					}
				}
				if got != r.want {
					t.Errorf("%s: %s cited as %s, want %s", r.rule.ID, r.path, got, r.want)
				}
			}
		})
	}
}
