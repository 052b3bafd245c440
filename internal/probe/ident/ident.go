// Package ident names what listens on a port from what it says unasked
// (its greeting) or, failing that, from the port number, with a
// confidence; and reads the port lists a probe is given. It sends
// nothing.
package ident

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// wellKnown are the TCP ports a probe tries when none are named: those
// of the services medical devices and their gateways expose, each with
// the service the port suggests.
var wellKnown = map[int]string{
	21:    "ftp",
	22:    "ssh",
	23:    "telnet",
	80:    "http",
	104:   "dicom",
	443:   "https",
	1883:  "mqtt",
	2575:  "hl7-mllp",
	2761:  "dicom-iscl",
	2762:  "dicom-tls",
	3389:  "rdp",
	4242:  "dicom",
	5900:  "vnc",
	8042:  "http",
	8080:  "http",
	8443:  "https",
	8883:  "mqtt-tls",
	11112: "dicom",
}

// CommonPorts are the ports probed when none are named, in order.
func CommonPorts() []int {
	out := make([]int, 0, len(wellKnown))
	for p := range wellKnown {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// CommonUDPPorts are the UDP ports a probe tries by default: SNMP's.
func CommonUDPPorts() []int { return []int{161} }

// ParsePorts reads a port list: numbers and ranges (22,80,8000-8100),
// at most 65,536 ports, each from 1 to 65535.
func ParsePorts(s string) ([]int, error) {
	seen := map[int]bool{}
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(f, "-")
		a, err := strconv.Atoi(strings.TrimSpace(lo))
		b := a
		if err == nil && isRange {
			b, err = strconv.Atoi(strings.TrimSpace(hi))
		}
		if err != nil || a < 1 || b > 65535 || a > b {
			return nil, fmt.Errorf("port %q: give numbers from 1 to 65535, or ranges such as 8000-8100", f)
		}
		for p := a; p <= b; p++ {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no ports in %q", s)
	}
	slices.Sort(out)
	return out, nil
}

// Service is what listens on a port, as far as the probe can tell, and
// how sure it is: high when the service's own greeting says so, low
// when only the port number suggests it.
type Service struct {
	Name       string `json:"name"`
	Product    string `json:"product,omitempty"`
	Version    string `json:"version,omitempty"`
	Confidence string `json:"confidence"`
	// Reason is what the guess rests on.
	Reason string `json:"reason"`
}

// Confidence levels of a Service.
const (
	High = "high"
	Low  = "low"
)

var (
	// SSHBanner is an SSH identification string: its protocol version
	// and software.
	SSHBanner = regexp.MustCompile(`^SSH-([0-9.]+)-([^\s\r\n]+)`)
	product   = regexp.MustCompile(`^([A-Za-z][A-Za-z-]*)[_/ ]?v?([0-9][0-9A-Za-z.+~-]*)?`)
	ftpName   = regexp.MustCompile(`(?i)\b(vsftpd|proftpd|pure-ftpd|filezilla server|microsoft ftp service)\b[ /]*\(?v?([0-9][0-9.a-z]*)?`)
)

// inClear are the services that carry what they say in the clear
// when they speak without TLS.
var inClear = map[string]bool{"ftp": true, "telnet": true, "smtp": true, "pop3": true, "imap": true, "http": true, "vnc": true, "hl7-mllp": true, "mqtt": true, "dicom": true}

// InClear says whether the service name carries what it says in the
// clear when it speaks without TLS.
func InClear(name string) bool { return inClear[name] }

// Identify names the service of port from what it sent unasked (its
// banner), or from the port alone.
func Identify(port int, banner []byte) *Service {
	b := bytes.TrimLeft(banner, "\x00")
	switch {
	case SSHBanner.Match(b):
		m := SSHBanner.FindSubmatch(b)
		s := &Service{Name: "ssh", Confidence: High, Reason: "SSH identification string (protocol " + string(m[1]) + ")"}
		if p := product.FindSubmatch(m[2]); p != nil {
			s.Product, s.Version = string(p[1]), string(p[2])
		}
		return s
	case len(b) > 0 && b[0] == 0xff && len(b) >= 3 && b[1] >= 0xfb && b[1] <= 0xfe:
		return &Service{Name: "telnet", Confidence: High, Reason: "Telnet option negotiation (IAC)"}
	case bytes.HasPrefix(b, []byte("RFB ")):
		return &Service{Name: "vnc", Version: strings.TrimSpace(string(b[4:min(len(b), 11)])), Confidence: High, Reason: "VNC (RFB) protocol version"}
	case bytes.HasPrefix(b, []byte("220")) && (bytes.Contains(bytes.ToUpper(b), []byte("SMTP")) || bytes.Contains(bytes.ToUpper(b), []byte("MAIL"))):
		return &Service{Name: "smtp", Confidence: High, Reason: "SMTP greeting (220 ... SMTP)"}
	case bytes.HasPrefix(b, []byte("220")):
		s := &Service{Name: "ftp", Confidence: High, Reason: "FTP greeting (220)"}
		if m := ftpName.FindSubmatch(b); m != nil {
			s.Product, s.Version = string(m[1]), string(m[2])
		}
		if port != 21 && !bytes.Contains(bytes.ToUpper(b), []byte("FTP")) {
			s.Confidence, s.Reason = Low, "a 220 greeting that names no protocol"
		}
		return s
	case bytes.HasPrefix(b, []byte("+OK")):
		return &Service{Name: "pop3", Confidence: High, Reason: "POP3 greeting (+OK)"}
	case bytes.HasPrefix(b, []byte("* OK")):
		return &Service{Name: "imap", Confidence: High, Reason: "IMAP greeting (* OK)"}
	case bytes.HasPrefix(b, []byte("HTTP/")):
		return &Service{Name: "http", Confidence: High, Reason: "an HTTP response"}
	case len(b) > 0 && b[0] == 0x0b:
		return &Service{Name: "hl7-mllp", Confidence: Low, Reason: "an MLLP start block (0x0B)"}
	}
	if name, ok := wellKnown[port]; ok {
		why := "the port number alone; the service said nothing unasked"
		if len(b) > 0 {
			why = "the port number alone; its greeting is not one known"
		}
		return &Service{Name: name, Confidence: Low, Reason: why}
	}
	if len(b) > 0 {
		return &Service{Name: "unknown", Confidence: Low, Reason: "a greeting not known"}
	}
	return nil
}
