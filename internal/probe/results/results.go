// Package results reads the results of mdcheck probe back (-f json) and
// turns what they show into observed evidence for the check: each open
// port with what shows it encrypted or in the clear, its weaknesses, who
// it lets in, and the transcript events that show them.
package results

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/mdcheck/mdcheck/internal/boundedio"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/jsonsafe"
	"github.com/mdcheck/mdcheck/internal/probe"
	"github.com/mdcheck/mdcheck/internal/probe/ident"
)

// Bounds of a probe results file read back: its size and nesting.
const (
	MaxResults = 64 << 20
	maxDepth   = 32
)

// Read reads probe results written by mdcheck probe -f json.
// Errors name the line and column.
func Read(path string) (*probe.Result, error) {
	data, err := boundedio.ReadFile(path, MaxResults)
	if err != nil {
		return nil, err
	}
	r, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s:%w", path, err)
	}
	return r, nil
}

// Parse reads probe results from data; an error starts with the
// line and column ("3:14: ...").
func Parse(data []byte) (*probe.Result, error) {
	if err := jsonsafe.Check(data, maxDepth); err != nil {
		return nil, fmt.Errorf("1:1: %w", err)
	}
	var doc struct {
		SchemaVersion *string `json:"schemaVersion"`
		*probe.Result
	}
	doc.Result = &probe.Result{}
	d := json.NewDecoder(bytes.NewReader(data))
	if err := d.Decode(&doc); err != nil {
		return nil, jsonAt(data, err)
	}
	if _, err := d.Token(); err != io.EOF {
		l, c := jsonsafe.LineCol(data, d.InputOffset())
		return nil, fmt.Errorf("%d:%d: more after the probe results' JSON object", l, c)
	}
	if doc.SchemaVersion == nil {
		return nil, errors.New("1:1: not probe results: no schemaVersion (write them with mdcheck probe -f json)")
	}
	v, err := strconv.Atoi(*doc.SchemaVersion)
	switch {
	case err != nil || v < 1:
		return nil, fmt.Errorf("1:1: schemaVersion %q is not one of probe results", *doc.SchemaVersion)
	case v > probe.SchemaVersion:
		return nil, fmt.Errorf("1:1: schemaVersion %d is newer than this mdcheck reads (%d): upgrade mdcheck", v, probe.SchemaVersion)
	}
	r := doc.Result
	if _, ok := probe.ParseProfile(string(r.Profile)); !ok || r.Started.IsZero() {
		return nil, errors.New("1:1: not probe results: no profile or start time")
	}
	return r, nil
}

// jsonAt adds the position to a JSON decoding error; one without a
// position is placed at the start.
func jsonAt(data []byte, err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF // an empty file ends too early too
	}
	if e := jsonsafe.Positioned(data, err); e != err {
		return e
	}
	return fmt.Errorf("1:1: %w", err)
}

// Live is what r shows of the units it probed, as observed evidence:
// each open port with what shows it is encrypted or in the clear, its
// weaknesses and the transcript events that show them. file names the
// results file in citations.
func Live(r *probe.Result, file string) evidence.Live {
	l := evidence.Live{File: file, Started: r.Started, Profile: string(r.Profile), Partial: r.Partial, Ports: slices.Clone(r.Ports)}
	for _, h := range r.Hosts {
		lh := evidence.LiveHost{Address: h.Address}
		for _, p := range h.Open() {
			lh.Open = append(lh.Open, livePort(p))
		}
		l.Hosts = append(l.Hosts, lh)
	}
	return l
}

func livePort(p probe.Port) evidence.LivePort {
	lp := evidence.LivePort{Port: p.Port, UDP: p.Proto == "udp", Lines: slices.Clone(p.Evidence)}
	if s := p.Service; s != nil {
		lp.Service, lp.Confidence, lp.Product = s.Name, s.Confidence, s.Product
	}
	if t := p.TLS; t != nil {
		for _, v := range t.Versions {
			lp.TLS = append(lp.TLS, v.Version)
		}
		lp.CryptoWeak = append(lp.CryptoWeak, t.Weak...)
	}
	lp.TLSTried = len(lp.TLS) > 0 || p.TLSTried
	if s := p.SSH; s != nil {
		lp.SSH = true
		lp.CryptoWeak = append(lp.CryptoWeak, s.Weak...)
		lp.PasswordAuth = s.PasswordAuth
	}
	if h := p.HTTP; h != nil {
		lp.Status, lp.LoginForm, lp.RedirectsToHTTPS = h.Status, h.LoginForm, h.RedirectsToHTTPS
		// The web page's own weaknesses: cleartext, login forms and FHIR
		// are judged with transport and authentication.
		lp.WebWeak = h.PageWeak()
		if h.FHIR != nil {
			lp.FHIR, lp.FHIRSecurity = true, h.FHIR.Security
		}
	}
	if m := p.MQTT; m != nil {
		yes := m.Accepted
		lp.AnyPeer, lp.AnyPeerHow = &yes, "MQTT "+m.Version+" CONNECT without credentials: "+m.Reason
	}
	if f := p.FTP; f != nil && f.Anonymous != nil {
		lp.AnyPeer, lp.AnyPeerHow = f.Anonymous, map[bool]string{true: "FTP login as anonymous: accepted", false: "FTP login as anonymous: refused"}[*f.Anonymous]
	}
	if d := p.DICOM; d != nil && (d.Accepted || strings.Contains(d.Reject, "calling AE title")) {
		lp.AnyPeer, lp.AnyPeerHow = &d.Accepted, "DICOM association from "+d.CallingAE+" to "+d.CalledAE+": "+map[bool]string{true: "accepted", false: d.Reject}[d.Accepted]
	}
	if h := p.HL7; h != nil && (h.AckCode == "AA" || h.AckCode == "CA") {
		yes := true
		lp.AnyPeer, lp.AnyPeerHow = &yes, "HL7 query from an unknown application (MDCHECK at PROBE): acknowledged "+h.AckCode
	}
	if t := p.Telnet; t != nil && (t.Login || t.Shell) {
		lp.AnyPeer, lp.AnyPeerHow = &t.Shell, fmt.Sprintf("Telnet asks for a login (prompt %q)", t.Prompt)
		if t.Shell {
			lp.AnyPeerHow = fmt.Sprintf("Telnet opened a session without asking for a login (prompt %q)", t.Prompt)
		}
	}
	if s := p.SNMP; s != nil && s.CommunitiesTried {
		yes := len(s.Communities) > 0
		lp.AnyPeer, lp.AnyPeerHow = &yes, fmt.Sprintf("SNMP v2c and v1 under the well-known communities %q: no answer", probe.SNMPCommunities)
		if yes {
			var cs []string
			for _, c := range s.Communities {
				cs = append(cs, fmt.Sprintf("%q (SNMPv%s)", c.Community, c.Version))
			}
			lp.AnyPeerHow = "SNMP under the well-known communities: answered " + strings.Join(cs, ", ")
		}
	}
	switch {
	case len(lp.TLS) > 0:
	case p.Seen != nil: // a capture's: what it showed, nothing guessed
		lp.Cleartext = p.Seen.Cleartext
		lp.TLSTried = lp.TLSTried || p.Seen.TLSUnseen
	case p.SNMP != nil && len(p.SNMP.Communities) > 0:
		lp.Cleartext = "answered SNMPv" + p.SNMP.Communities[0].Version + ", whose community strings and values cross the network in the clear"
	case p.HL7 != nil:
		lp.Cleartext = "acknowledged an HL7 query over MLLP without TLS"
	case p.DICOM != nil:
		lp.Cleartext = "answered a DICOM association request without TLS"
	case p.FTP != nil:
		lp.Cleartext = "by its greeting: " + p.Service.Reason + map[bool]string{true: "; it offers AUTH TLS, on request", false: "; no AUTH TLS among its features"}[p.FTP.AuthTLS]
	case p.MQTT != nil:
		lp.Cleartext = "answered MQTT without TLS (CONNACK: " + p.MQTT.Reason + ")"
	case p.HTTP != nil:
		lp.Cleartext = fmt.Sprintf("answered HTTP without TLS (status %d)", p.HTTP.Status)
	case p.Service != nil && p.Service.Confidence == probe.High && ident.InClear(p.Service.Name):
		lp.Cleartext = "by its greeting: " + p.Service.Reason
	}
	return lp
}
