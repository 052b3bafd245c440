// Package probe checks a live unit on the network, safely: it sends
// packets only to addresses inside the scope the operator gives (checked
// again after every name lookup, before every connection), within rate
// and connection limits, and records every connection and every byte it
// sends in a transcript. The safe profile, for fragile devices, opens
// one connection at a time per host, sends no malformed input and tries
// no credential; it only listens for what a service says unasked.
package probe

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mdcheck/mdcheck/internal/probe/ident"
	"github.com/mdcheck/mdcheck/internal/probe/tlswire"
)

// Profile names how much a probe may send.
type Profile string

// Profiles.
const (
	// Safe: one connection at a time per host, at most 2 new ones a
	// second to a host and 5 in all, nothing sent but the TCP handshake;
	// for fragile devices.
	Safe Profile = "safe"
	// Standard: up to 4 connections at once per host, 200 new ones a
	// second to a host and 400 in all, TLS offered after a short wait
	// for a greeting; for robust services, such as a gateway's or a
	// server's.
	Standard Profile = "standard"
	// Passive: nothing sent at all; a capture is read (mdcheck probe
	// --pcap, internal/probe/passive).
	Passive Profile = "passive"
)

// ParseProfile reads a profile name.
func ParseProfile(s string) (Profile, bool) {
	switch p := Profile(s); p {
	case Safe, Standard, Passive:
		return p, true
	}
	return "", false
}

// Defaults are the limits of a profile.
func (p Profile) Defaults() Limits {
	if p == Standard {
		return Limits{Rate: 400, HostRate: 200, MaxConns: 32, HostConns: 4, Timeout: 3 * time.Second}
	}
	return Limits{Rate: 5, HostRate: 2, MaxConns: 8, HostConns: 1, Timeout: 3 * time.Second}
}

// bannerWait is how long a probe listens on an open port for what the
// service says unasked; maxBanner how much of it it reads.
const (
	bannerWait = 2 * time.Second
	maxBanner  = 4096
)

// SchemaVersion is the version of the probe results' JSON (mdcheck
// probe -f json) this build writes and reads: 2 added each port's tls,
// 3 its ssh, 4 its http, 5 the declared ports and each port's tlsTried,
// 6 each port's mqtt, 7 each port's ftp and allowCredentialTests, 8
// each port's dicom, 9 each port's hl7 and hl7Query, 10 UDP ports and
// each port's snmp, 11 each port's telnet, 12 the passive profile's
// capture, each port's seen and each event's packet. Older results are
// read for what they hold.
const SchemaVersion = 12

// Options are a probe's inputs, as the operator gives them.
type Options struct {
	// Targets are addresses, networks (CIDR) or host names.
	Targets []string
	// Scope are the networks (CIDR) or addresses the probe may reach
	// (ParseScope).
	Scope []string
	// Profile is safe (the default) or standard.
	Profile string
	// Ports are the TCP ports tried on each address (ParsePorts); empty
	// for CommonPorts. UDPPorts are the UDP ports asked for SNMP
	// (ParsePorts, or "none"); empty for CommonUDPPorts when Ports is
	// empty too, for none when Ports names the ports.
	Ports    string
	UDPPorts string
	// Declared are ports a device model declares: tried beside Ports,
	// and spoken to as the model says they speak.
	Declared []Declared
	// CallingAE and CalledAE are the AE titles of the DICOM association
	// the probe asks for; empty for DefaultCallingAE and
	// DefaultCalledAE.
	CallingAE, CalledAE string
	// HL7Query lets the standard profile send HL7 listeners its one
	// query (docs/probe.md); the safe profile never sends HL7.
	HL7Query bool
	// AllowCredentialTests lets the probe try the credentials it knows
	// of (docs/probe.md: FTP's anonymous login); without it no
	// credential of any kind is sent.
	AllowCredentialTests bool
	// Rate (new connections a second, all hosts together), MaxConns
	// (connections at once) and Timeout override the profile's where
	// set (non-zero).
	Rate     float64
	MaxConns int
	Timeout  time.Duration
	// Pcap is the capture the passive profile reads (results.ReadCapture).
	Pcap string
	// Transcript receives the transcript as JSON lines as it is made;
	// nil for none (the result holds it anyway).
	Transcript io.Writer
	// Dial, Resolve and Now stand in for the network, the system's
	// resolver and the clock in tests; nil for the real ones.
	Dial    Dialer
	Resolve Resolver
	Now     func() time.Time
}

// Result is what a probe saw.
type Result struct {
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	// Partial is set when the probe was interrupted: what it holds was
	// seen, what it lacks was not probed.
	Partial bool    `json:"partial"`
	Profile Profile `json:"profile"`
	// AllowCredentialTests is set when credential tests were allowed,
	// HL7Query when the HL7 query was.
	AllowCredentialTests bool     `json:"allowCredentialTests"`
	HL7Query             bool     `json:"hl7Query"`
	Scope                []string `json:"scope"`
	Limits               Limits   `json:"limits"`
	Ports                []int    `json:"ports"`
	UDPPorts             []int    `json:"udpPorts"`
	// Declared are the ports among Ports and UDPPorts a device model
	// declares, with what it says they speak.
	Declared []Declared `json:"declared"`
	Targets  []Target   `json:"targets"`
	Hosts    []Host     `json:"hosts"`
	// Transcript is every event, in order: each connection, each byte
	// sent, the start of each received; under the passive profile, the
	// packets of the capture that show what was seen.
	Transcript []Event `json:"transcript"`
	// Capture is the capture read by the passive profile.
	Capture *Capture `json:"capture,omitempty"`
}

// Capture is a capture the passive profile read: its file and format,
// the packets read and those that held no TCP or UDP over IP, the
// connections seen and those past the bound, not followed.
type Capture struct {
	File      string `json:"file"`
	Format    string `json:"format"`
	Packets   int    `json:"packets"`
	Undecoded int    `json:"undecoded"`
	Flows     int    `json:"flows"`
	Dropped   int    `json:"dropped"`
}

// Seen is what a capture showed of a port: the packets to and from it,
// the addresses that talked to it (at most 16), what shows it in the
// clear, whether TLS crossed whose handshake the capture lacks, and the
// credentials and health data that crossed in the clear, each in the
// first packet that showed it. No secret and no health data is kept.
type Seen struct {
	Packets     int        `json:"packets"`
	Clients     []string   `json:"clients"`
	Cleartext   string     `json:"cleartext,omitempty"`
	TLSUnseen   bool       `json:"tlsUnseen"`
	Credentials []Exposure `json:"credentials"`
	HealthData  []Exposure `json:"healthData"`
}

// Exposure is something that crossed in the clear, and its packet.
type Exposure struct {
	What   string `json:"what"`
	Packet int    `json:"packet"`
}

// Host is one address probed.
type Host struct {
	Address string `json:"address"`
	Ports   []Port `json:"ports"`
}

// Port is one TCP or UDP port of a host.
type Port struct {
	Port  int    `json:"port"`
	Proto string `json:"proto"`
	State string `json:"state"`
	// Banner is the start of what the service said unasked, as text.
	Banner  string   `json:"banner,omitempty"`
	Service *Service `json:"service,omitempty"`
	// TLSTried is set when the probe offered TLS to the port: it said
	// nothing unasked and is a TLS port, declared as TLS by the model, or
	// probed under the standard profile.
	TLSTried bool `json:"tlsTried"`
	// TLS is what the port's TLS service accepts and its certificate,
	// when it speaks TLS.
	TLS *TLS `json:"tls,omitempty"`
	// SSH is what the port's SSH service offers, when it is one.
	SSH *SSH `json:"ssh,omitempty"`
	// DICOM is what the port's DICOM service answered, when it is one.
	DICOM *DICOM `json:"dicom,omitempty"`
	// HL7 is what the port's HL7 listener acknowledged, when it is one
	// and the HL7 query was allowed.
	HL7 *HL7 `json:"hl7,omitempty"`
	// Telnet is what the port's Telnet server negotiated, when it is one.
	Telnet *Telnet `json:"telnet,omitempty"`
	// FTP is what the port's FTP server lists, when it is one.
	FTP *FTP `json:"ftp,omitempty"`
	// MQTT is what the port's MQTT broker answered, when it is one.
	MQTT *MQTT `json:"mqtt,omitempty"`
	// HTTP is what the port's web service shows, when it is one.
	HTTP *HTTP `json:"http,omitempty"`
	// SNMP is what the (UDP) port's SNMP agent answered, when it is one.
	SNMP *SNMP `json:"snmp,omitempty"`
	// Seen is what a capture showed of the port (the passive profile).
	Seen *Seen `json:"seen,omitempty"`
	// Evidence are the transcript lines that show it.
	Evidence []int `json:"evidence"`
}

// Declared is a port a device model declares, and whether it says the
// port speaks TLS (https, or encryption in transit), HTTP (http, https
// or fhir), MQTT, DICOM and HL7 (hl7-mllp): the probe then offers it a
// ClientHello, a GET request, an MQTT CONNECT, a DICOM association
// request or (with --hl7-query) its HL7 query as it would on a port of
// such a service. A port where the model declares SNMP is asked for
// SNMP over UDP; UDP marks a port where it declares only protocols over
// UDP (SNMP, CoAP), which is then not tried over TCP.
type Declared struct {
	Port  int  `json:"port"`
	TLS   bool `json:"tls"`
	HTTP  bool `json:"http"`
	MQTT  bool `json:"mqtt"`
	DICOM bool `json:"dicom"`
	HL7   bool `json:"hl7"`
	SNMP  bool `json:"snmp"`
	UDP   bool `json:"udp"`
}

// Open lists the open ports of h.
func (h Host) Open() []Port {
	var out []Port
	for _, p := range h.Ports {
		if p.State == Open {
			out = append(out, p)
		}
	}
	return out
}

// Run probes the targets. A target outside the scope is refused before
// anything is sent to it. When ctx ends the probe stops, and the result
// holds what was seen, marked partial, with ctx's error.
//
// Options that cannot be read (no scope, a port that is no number, an
// unknown profile) are an error with no result, before anything is
// sent.
func Run(ctx context.Context, o Options) (*Result, error) {
	profile, ok := ParseProfile(o.Profile)
	if o.Profile == "" {
		profile, ok = Safe, true
	}
	if !ok {
		return nil, fmt.Errorf("unknown profile %q (safe, standard or passive)", o.Profile)
	}
	if profile == Passive {
		return nil, fmt.Errorf("the passive profile sends nothing: it reads a capture (--pcap FILE)")
	}
	scope, err := ParseScope(o.Scope)
	if err != nil {
		return nil, err
	}
	if len(o.Targets) == 0 {
		return nil, fmt.Errorf("no target: name the addresses, networks or hosts to probe")
	}
	ports := ident.CommonPorts()
	if o.Ports != "" {
		if ports, err = ident.ParsePorts(o.Ports); err != nil {
			return nil, err
		}
	}
	var udp []int
	switch o.UDPPorts {
	case "":
		if o.Ports == "" {
			udp = ident.CommonUDPPorts()
		}
	case "none":
		udp = nil
	default:
		if udp, err = ident.ParsePorts(o.UDPPorts); err != nil {
			return nil, fmt.Errorf("UDP %w", err)
		}
	}
	declared := map[int]Declared{}
	for _, d := range o.Declared {
		if d.Port < 1 || d.Port > 65535 {
			return nil, fmt.Errorf("declared port %d is no TCP or UDP port", d.Port)
		}
		if !d.UDP && !slices.Contains(ports, d.Port) {
			ports = append(ports, d.Port)
		}
		if d.SNMP && !slices.Contains(udp, d.Port) {
			udp = append(udp, d.Port)
		}
		x, seen := declared[d.Port]
		x.UDP = (x.UDP || !seen) && d.UDP // only UDP when every declaration says so
		x.Port, x.TLS, x.HTTP, x.MQTT, x.DICOM, x.HL7, x.SNMP = d.Port, x.TLS || d.TLS, x.HTTP || d.HTTP, x.MQTT || d.MQTT, x.DICOM || d.DICOM, x.HL7 || d.HL7, x.SNMP || d.SNMP
		declared[d.Port] = x
	}
	slices.Sort(ports)
	slices.Sort(udp)
	for _, ae := range []*string{&o.CallingAE, &o.CalledAE} {
		if len(*ae) > 16 || strings.TrimSpace(*ae) != *ae || strings.ContainsAny(*ae, "\\") || !printableASCII(*ae) {
			return nil, fmt.Errorf("AE title %q: at most 16 printable characters, no backslash, no leading or trailing space", *ae)
		}
	}
	if o.HL7Query && profile != Standard {
		return nil, fmt.Errorf("the HL7 query is sent under the standard profile only (--profile standard)")
	}
	if o.CallingAE == "" {
		o.CallingAE = DefaultCallingAE
	}
	if o.CalledAE == "" {
		o.CalledAE = DefaultCalledAE
	}
	if o.Rate < 0 || o.MaxConns < 0 || o.Timeout < 0 {
		return nil, fmt.Errorf("the rate, the connection cap and the timeout cannot be negative")
	}
	lim := profile.Defaults()
	if o.Rate > 0 {
		lim.Rate = o.Rate
		lim.HostRate = min(lim.HostRate, lim.Rate)
	}
	if o.MaxConns > 0 {
		lim.MaxConns = o.MaxConns
		lim.HostConns = min(lim.HostConns, lim.MaxConns)
	}
	if o.Timeout > 0 {
		lim.Timeout = o.Timeout
	}
	if o.Resolve == nil {
		o.Resolve = systemResolver
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	tr := NewTranscript(o.Transcript, o.Now)
	g := newGuard(scope, lim, o.Dial, tr)
	res := &Result{Started: o.Now().UTC(), Profile: profile, AllowCredentialTests: o.AllowCredentialTests, HL7Query: o.HL7Query, Scope: scope.Networks(), Limits: lim, Ports: ports, UDPPorts: udp, Declared: []Declared{}, Targets: []Target{}, Hosts: []Host{}}
	for p, d := range declared {
		if slices.Contains(ports, p) || slices.Contains(udp, p) {
			res.Declared = append(res.Declared, d)
		}
	}
	slices.SortFunc(res.Declared, func(a, b Declared) int { return a.Port - b.Port })

	var addrs []netip.Addr
	seen := map[netip.Addr]bool{}
	names := map[netip.Addr]string{} // the name a target gave an address
	for _, in := range o.Targets {
		if ctx.Err() != nil {
			break
		}
		t, as := expand(ctx, in, scope, o.Resolve)
		for _, r := range t.Refused {
			tr.Add(Event{Kind: EvOutOfScope, Host: r, Note: "target " + in + " is outside the scope " + scope.String()})
		}
		res.Targets = append(res.Targets, t)
		for _, a := range as {
			if !seen[a] {
				seen[a] = true
				addrs = append(addrs, a)
			}
			if names[a] == "" {
				names[a] = t.name
			}
		}
	}
	slices.SortFunc(addrs, func(a, b netip.Addr) int { return a.Compare(b) })

	// One worker per connection the limits allow; each takes the next
	// address and port, host by host.
	type job struct {
		host int
		ap   netip.AddrPort
		udp  bool
	}
	hosts := make([]Host, len(addrs))
	for i, a := range addrs {
		hosts[i] = Host{Address: a.String(), Ports: []Port{}}
	}
	jobs := make(chan job)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range lim.MaxConns {
		wg.Go(func() {
			for j := range jobs {
				if j.udp {
					p, ok := probeSNMP(ctx, g, j.ap, o.AllowCredentialTests)
					if ok {
						mu.Lock()
						hosts[j.host].Ports = append(hosts[j.host].Ports, p)
						mu.Unlock()
					}
					continue
				}
				p, ok := probePort(ctx, g, j.ap, portEnv{profile, names[j.ap.Addr()], o.Now, o.Resolve, declared[int(j.ap.Port())], o.AllowCredentialTests, o.CallingAE, o.CalledAE, o.HL7Query})
				if !ok {
					continue
				}
				mu.Lock()
				hosts[j.host].Ports = append(hosts[j.host].Ports, p)
				mu.Unlock()
			}
		})
	}
feed:
	for _, list := range []struct {
		ports []int
		udp   bool
	}{{ports, false}, {udp, true}} {
		for _, port := range list.ports {
			for i, a := range addrs {
				select {
				case jobs <- job{i, netip.AddrPortFrom(a, uint16(port)), list.udp}:
				case <-ctx.Done():
					break feed
				}
			}
		}
	}
	close(jobs)
	wg.Wait()
	for i := range hosts {
		sort.Slice(hosts[i].Ports, func(a, b int) bool {
			x, y := hosts[i].Ports[a], hosts[i].Ports[b]
			return x.Port < y.Port || x.Port == y.Port && x.Proto < y.Proto
		})
	}
	res.Hosts = hosts
	res.Finished = o.Now().UTC()
	res.Transcript = tr.Events()
	if err := ctx.Err(); err != nil {
		res.Partial = true
		return res, err
	}
	if err := tr.Err(); err != nil {
		return res, fmt.Errorf("writing the transcript: %w", err)
	}
	return res, nil
}

// tlsHeadStart is how long the standard profile listens for a greeting
// before it offers TLS on the same connection: most services that speak
// first have spoken by then.
const tlsHeadStart = 250 * time.Millisecond

// listenThenOffer listens on c for what the service at ap says unasked
// and, after tlsHeadStart of silence, offers it TLS on the same
// connection (the probe's first ClientHello): a TLS record in answer
// shows a TLS service at once, sparing it the rest of the wait; what a
// service that names itself says instead is its (late) greeting; any
// other answer is a reaction to the hello, not a greeting. The standard
// profile's way. It returns the greeting, and whether the hello met
// silence for the whole timeout (no TLS service, which would have
// answered at once, even with an alert).
func listenThenOffer(c *Conn, port int, wait, timeout time.Duration) ([]byte, bool) {
	banner, _ := c.Recv(maxBanner, min(tlsHeadStart, wait))
	if len(banner) > 0 || wait <= tlsHeadStart {
		more, _ := c.Recv(maxBanner-len(banner), wait-min(tlsHeadStart, wait))
		return append(banner, more...), false
	}
	if c.Send(tlswire.Hello{Version: tlswire.TLS13, Suites: tlswire.Suites(tlswire.TLS13)}.Marshal()) != nil {
		return nil, false
	}
	head, err := c.Recv(5, timeout) // a record header, or the start of a greeting
	if len(head) == 0 {
		return nil, err == nil
	}
	if len(head) == 5 && (head[0] == 0x15 || head[0] == 0x16) && head[1] == 3 {
		return nil, false // TLS: no greeting
	}
	rest, _ := c.Recv(maxBanner-len(head), wait-tlsHeadStart)
	answer := append(head, rest...)
	if s := ident.Identify(port, answer); s != nil && s.Confidence == High && s.Name != "http" {
		return answer, false
	}
	return nil, false
}

// portEnv is what probePort needs of the probe's options: the profile,
// the name the operator gave the address (if any), the clock and the
// resolver (for the names of redirects).
type portEnv struct {
	profile Profile
	host    string
	now     func() time.Time
	resolve Resolver
	// declared is what the model declares of the port, if anything.
	declared Declared
	// credentials allows credential tests.
	credentials bool
	// The AE titles of a DICOM association.
	callingAE, calledAE string
	// hl7Query allows the HL7 query.
	hl7Query bool
}

// printableASCII reports whether s is printable ASCII.
func printableASCII(s string) bool {
	for i := range len(s) {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// probePort connects to ap and, when it is open, listens for what the
// service says unasked, then learns what the service it names offers:
// an SSH server's algorithms, a TLS service's versions, suites and
// certificate, a web service's page and headers. It returns false when
// ctx ended first.
func probePort(ctx context.Context, g *guard, ap netip.AddrPort, env portEnv) (Port, bool) {
	profile, host, now := env.profile, env.host, env.now
	p := Port{Port: int(ap.Port()), Proto: "tcp"}
	c, state, seqs, err := g.connect(ctx, ap)
	if err != nil {
		return p, false
	}
	p.State, p.Evidence = state, seqs
	if c == nil {
		return p, true
	}
	// An interruption ends the wait at once.
	stop := context.AfterFunc(ctx, func() { c.c.SetReadDeadline(time.Now()) })
	wait := min(bannerWait, g.lim.Timeout)
	var banner []byte
	silentToHello := false // a ClientHello met silence: no TLS to look for
	if profile == Standard {
		banner, silentToHello = listenThenOffer(c, p.Port, wait, g.lim.Timeout)
	} else {
		banner, _ = c.Recv(maxBanner, wait)
	}
	stop()
	c.Close()
	p.Evidence = c.Lines(0)
	if len(banner) > 0 {
		p.Banner = printable(banner, 200)
	}
	p.Service = ident.Identify(p.Port, banner)
	if p.Service != nil && p.Service.Name == "ssh" && p.Service.Confidence == High {
		if s, seqs := probeSSH(ctx, g, ap, string(banner)); s != nil {
			p.SSH = s
			p.Evidence = append(p.Evidence, seqs...)
		}
	}
	if p.Service != nil && p.Service.Name == "ftp" && p.Service.Confidence == High {
		if f, seqs := probeFTP(ctx, g, ap, env.credentials); f != nil {
			p.FTP = f
			p.Evidence = append(p.Evidence, seqs...)
		}
	}
	if p.Service != nil && p.Service.Name == "telnet" && len(banner) > 0 {
		if t, seqs := probeTelnet(ctx, g, ap); t != nil {
			p.Telnet = t
			p.Evidence = append(p.Evidence, seqs...)
		}
	}
	p.TLSTried = len(banner) == 0 && (tlsPorts[p.Port] || profile == Standard || env.declared.TLS)
	if p.TLSTried && !silentToHello {
		if t, seqs := probeTLS(ctx, g, ap, host, now()); t != nil {
			p.TLS = t
			p.Evidence = append(p.Evidence, seqs...)
			if p.Service == nil || p.Service.Confidence == Low {
				name := "tls"
				if p.Service != nil {
					name = p.Service.Name
				}
				p.Service = &Service{Name: name, Confidence: Low, Reason: "speaks TLS; the service inside is named by the port alone"}
			}
		}
	}
	// The protocols below speak only to a port that said nothing unasked,
	// over TLS when it accepted a version; the first that answers names
	// the service.
	askable := len(banner) == 0 && (p.TLS == nil || len(p.TLS.Versions) > 0)
	overTLS := p.TLS != nil
	if askable && (dicomPorts[p.Port] || env.declared.DICOM) {
		d, seqs := probeDICOM(ctx, g, ap, overTLS, env.callingAE, env.calledAE)
		p.Evidence = append(p.Evidence, seqs...) // what was sent, answered or not
		if d != nil {
			p.DICOM = d
			why := "accepted"
			if !d.Accepted {
				why = d.Reject
			}
			p.Service = &Service{Name: "dicom", Product: d.ImplementationVersion, Confidence: High, Reason: "answered a DICOM association request (" + why + ")"}
		}
	}
	if askable && env.hl7Query && p.DICOM == nil && (hl7Ports[p.Port] || env.declared.HL7) {
		h, seqs := probeHL7(ctx, g, ap, overTLS, now())
		p.Evidence = append(p.Evidence, seqs...)
		if h != nil {
			p.HL7 = h
			p.Service = &Service{Name: "hl7-mllp", Product: h.Application, Confidence: High, Reason: "acknowledged an HL7 query over MLLP (" + h.AckCode + ")"}
		}
	}
	if askable && p.DICOM == nil && p.HL7 == nil && (mqttPorts[p.Port] || env.declared.MQTT) {
		if m, seqs := probeMQTT(ctx, g, ap, overTLS, profile); m != nil {
			p.MQTT = m
			p.Evidence = append(p.Evidence, seqs...)
			p.Service = &Service{Name: "mqtt", Product: m.Broker, Confidence: High, Reason: fmt.Sprintf("answered an MQTT %s CONNECT (CONNACK: %s)", m.Version, m.Reason)}
		}
	}
	if askable && p.MQTT == nil && p.DICOM == nil && p.HL7 == nil && (httpPorts[p.Port] || profile == Standard || env.declared.HTTP) {
		if h, seqs := probeHTTP(ctx, g, ap, host, overTLS, env.resolve); h != nil {
			p.HTTP = h
			p.Evidence = append(p.Evidence, seqs...)
			name := map[bool]string{true: "https", false: "http"}[overTLS]
			p.Service = &Service{Name: name, Product: h.Server, Confidence: High, Reason: fmt.Sprintf("answered an HTTP request (%d)", h.Status)}
		}
	}
	return p, true
}
