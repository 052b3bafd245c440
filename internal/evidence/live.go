package evidence

import (
	"fmt"
	"strings"
	"time"
)

// Live is what a probe of live units of the device showed (mdcheck
// probe): observed evidence for the rules that compare the units with
// the model. Each port cites the probe transcript's events that show
// it.
type Live struct {
	// File is the probe results file, as the caller named it.
	File    string
	Started time.Time
	Profile string
	Partial bool
	Ports   []int // the ports tried on each address
	Hosts   []LiveHost
}

// LiveHost is one address probed and its open ports.
type LiveHost struct {
	Address string
	Open    []LivePort
}

// LivePort is what one open TCP or UDP port showed.
type LivePort struct {
	Port int
	// UDP is set for a UDP port.
	UDP bool
	// Service names what answers, with the probe's confidence (high
	// when the service named itself, low when only the port names it).
	Service    string
	Confidence string
	Product    string
	// TLS lists the TLS versions the port accepts ("TLS 1.2"), oldest
	// first; empty when it speaks no TLS.
	TLS []string
	// TLSTried is set when the probe offered TLS to the port (a silent
	// port under the standard profile, a TLS port under safe).
	TLSTried bool
	// Cleartext says what shows that the port carries its protocol in
	// the clear ("by its greeting: ...", "answered HTTP without TLS
	// (status 200)"); empty when nothing does.
	Cleartext string
	// RedirectsToHTTPS is set for a cleartext web service that sends its
	// visitors on to HTTPS.
	RedirectsToHTTPS bool
	// SSH is set when the port's SSH algorithms were read.
	SSH bool
	// CryptoWeak are the weaknesses of its cryptography: legacy TLS
	// versions, weak suites, certificate problems, weak SSH algorithms.
	CryptoWeak []string
	// WebWeak are the weaknesses of its web service: missing security
	// headers, cookies, default pages.
	WebWeak []string
	// PasswordAuth is set when the service offers password (or
	// keyboard-interactive) authentication, false when it offers none,
	// nil when unknown.
	PasswordAuth *bool
	// AnyPeer is set when the service let the probe in without any
	// credential (an MQTT broker's CONNACK 0), false when it refused it
	// for want of one, nil when not tried; AnyPeerHow says what was
	// tried and answered.
	AnyPeer    *bool
	AnyPeerHow string
	// LoginForm: its web page asks for a password; Status is the HTTP
	// status of that page (0 when it is no web service).
	LoginForm bool
	Status    int
	// FHIR is set when a FHIR CapabilityStatement was read without
	// authentication; FHIRSecurity when it declares how its REST API is
	// secured.
	FHIR         bool
	FHIRSecurity bool
	// Lines are the transcript events (seq) that show all this.
	Lines []int
}

// Where names the port as an address and port ("10.0.0.5:443",
// "[::1]:22", "10.0.0.5:161/udp").
func (h LiveHost) Where(p LivePort) string {
	udp := ""
	if p.UDP {
		udp = "/udp"
	}
	if strings.Contains(h.Address, ":") {
		return fmt.Sprintf("[%s]:%d%s", h.Address, p.Port, udp)
	}
	return fmt.Sprintf("%s:%d%s", h.Address, p.Port, udp)
}

// AddLive records the probe results of the device's live units.
func (s *Set) AddLive(l Live) { s.live = append(s.live, l) }

// Live returns the probe results given, if any.
func (s *Set) Live() []Live { return s.live }

// Observe records what a probe showed of one port as observed evidence,
// citing the transcript events, and returns its ID. path names the fact
// (live[10.0.0.5:443].tls).
func (s *Set) Observe(l Live, path, value string, lines []int) ID {
	return s.Add(Evidence{Path: path, Value: value, Strength: Observed, Source: Source{Kind: "probe", File: l.File, Detail: "live probe of " + l.Started.UTC().Format(time.RFC3339) + ", profile " + l.Profile, Transcript: lines}})
}
