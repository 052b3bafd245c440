package render

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/probe"
)

// probeVersion is the probe output's schema version (probe.SchemaVersion).
var probeVersion = strconv.Itoa(probe.SchemaVersion)

type probeOutput struct {
	SchemaVersion string     `json:"schemaVersion"`
	Tool          toolOutput `json:"tool"`
	*probe.Result
}

func writeProbeJSON(w io.Writer, r *app.ProbeResult, o Options) error {
	return encodeJSON(w, probeOutput{probeVersion, toolOf(o.Build), r})
}

// WriteProbeTranscript writes a probe's transcript as JSON lines, one
// event each.
func WriteProbeTranscript(w io.Writer, r *app.ProbeResult) error {
	for _, e := range r.Transcript {
		if err := jsonv2.MarshalWrite(w, e, jsonv1.DefaultOptionsV1(), jsontext.EscapeForHTML(false)); err != nil {
			return err
		}
		if _, err := io.WriteString(w, "\n"); err != nil {
			return err
		}
	}
	return nil
}

// writeProbeTable writes what a probe saw for a terminal: each target
// refused or probed, then each host's open ports with their services and
// greetings, and how many ports were closed or did not answer.
func writeProbeTable(w io.Writer, r *app.ProbeResult, _ Options) error {
	p := &ew{w: w}
	partial := ""
	if r.Partial {
		partial = " (interrupted: partial)"
	}
	if c := r.Capture; c != nil {
		p.printf("Capture %s (%s)%s, profile passive, nothing sent: %d packet(s), %d without TCP or UDP over IP, %d connection(s), %d not followed\n",
			c.File, c.Format, partial, c.Packets, c.Undecoded, c.Flows, c.Dropped)
	} else {
		p.printf("Probe%s, profile %s, scope %s: %d TCP and %d UDP port(s) per address, at most %g new connection(s) a second, %d at once (%d per host)\n",
			partial, r.Profile, strings.Join(r.Scope, ","), len(r.Ports), len(r.UDPPorts), r.Limits.Rate, r.Limits.MaxConns, r.Limits.HostConns)
	}
	for _, t := range r.Targets {
		if t.Error != "" {
			p.printf("  %s: %s\n", t.Input, t.Error)
		}
		if len(t.Refused) > 0 && len(t.Probed) > 0 {
			p.printf("  %s: %s refused, outside the scope\n", t.Input, strings.Join(t.Refused, ", "))
		}
	}
	for _, h := range r.Hosts {
		count := map[string]int{}
		for _, pt := range h.Ports {
			count[pt.State]++
		}
		p.printf("\n%s: %d open, %d closed, %d no answer, %d error\n", h.Address, count[probe.Open], count[probe.Closed], count[probe.Filtered]+count[probe.OpenFiltered], count[probe.Failed])
		for _, pt := range h.Open() {
			svc := "?"
			if s := pt.Service; s != nil {
				svc = strings.TrimSpace(fmt.Sprintf("%s %s %s", s.Name, s.Product, s.Version))
				svc = fmt.Sprintf("%s (%s confidence: %s)", svc, s.Confidence, s.Reason)
			}
			p.printf("  %5d/%s  %s\n", pt.Port, pt.Proto, svc)
			if pt.Banner != "" {
				p.printf("           %q\n", clipText(pt.Banner, 100))
			}
			if t := pt.TLS; t != nil {
				writeTLS(p, t, pt.Seen != nil)
			}
			if s := pt.Seen; s != nil {
				writeSeen(p, s)
			}
			if h := pt.HTTP; h != nil {
				p.printf("           HTTP %d at %s", h.Status, h.URL)
				if h.Title != "" {
					p.printf(": %q", clipText(h.Title, 60))
				}
				p.printf("\n")
				if h.FHIR != nil {
					p.printf("           FHIR %s at %s (%s)\n", h.FHIR.FHIRVersion, h.FHIR.Path, h.FHIR.Software)
				}
				for _, w := range h.Weak {
					p.printf("           weak: %s\n", w)
				}
			}
			if h := pt.HL7; h != nil {
				p.printf("           HL7 %s, acknowledged %s by %s at %s\n", h.Version, h.AckCode, h.Application, h.Facility)
				for _, w := range h.Weak {
					p.printf("           weak: %s\n", w)
				}
			}
			if d := pt.DICOM; d != nil {
				what := "accepted"
				if !d.Accepted {
					what = d.Reject
				}
				p.printf("           DICOM association %s -> %s: %s", d.CallingAE, d.CalledAE, what)
				if d.ImplementationVersion != "" || d.ImplementationClassUID != "" {
					p.printf("; implementation %s (%s)", d.ImplementationVersion, d.ImplementationClassUID)
				}
				if d.Echo != "" {
					p.printf("; C-ECHO %s", d.Echo)
				}
				p.printf("\n")
				for _, w := range d.Weak {
					p.printf("           weak: %s\n", w)
				}
			}
			if f := pt.FTP; f != nil {
				anon := "not tried (--allow-credential-tests)"
				if f.Anonymous != nil {
					anon = map[bool]string{true: "accepted", false: "refused"}[*f.Anonymous]
				}
				p.printf("           FTP: %d feature(s), AUTH TLS %s; anonymous login %s\n", len(f.Features), map[bool]string{true: "offered", false: "not offered"}[f.AuthTLS], anon)
				for _, w := range f.Weak {
					p.printf("           weak: %s\n", w)
				}
			}
			if m := pt.MQTT; m != nil {
				p.printf("           MQTT %s, CONNECT without credentials: %s (%d)\n", m.Version, m.Reason, m.ReturnCode)
				for _, w := range m.Weak {
					p.printf("           weak: %s\n", w)
				}
			}
			if t := pt.Telnet; t != nil {
				login := map[bool]string{true: "asks for a login", false: "no login asked"}[t.Login]
				enc := "not offered"
				switch {
				case len(t.EncryptionTypes) > 0:
					enc = strings.Join(t.EncryptionTypes, ", ")
				case t.EncryptOption:
					enc = "offered, with no encryption type"
				}
				p.printf("           Telnet: prompt %q (%s); ENCRYPT %s; %d option(s) negotiated\n", clipText(t.Prompt, 60), login, enc, len(t.Negotiated))
				for _, w := range t.Weak {
					p.printf("           weak: %s\n", w)
				}
			}
			if s := pt.SNMP; s != nil {
				writeSNMP(p, s)
			}
			if s := pt.SSH; s != nil {
				pw := "not learned"
				if s.PasswordAuth != nil {
					pw = map[bool]string{true: "offered", false: "not offered"}[*s.PasswordAuth]
				}
				p.printf("           SSH %s: %d key exchange(s), %d cipher(s), %d MAC(s), host keys %s; password authentication %s\n",
					s.Protocol, len(s.KeyExchange), len(s.Ciphers), len(s.MACs), strings.Join(s.HostKey, ", "), pw)
				for _, w := range s.Weak {
					p.printf("           weak: %s\n", w)
				}
			}
		}
	}
	sent := 0
	for _, e := range r.Transcript {
		if e.Kind == probe.EvConnect || e.Kind == probe.EvSend {
			sent++
		}
	}
	p.printf("\nTranscript: %d event(s), %d connection attempt(s) and message(s) sent\n", len(r.Transcript), sent)
	return p.err
}

// writeSNMP writes what an SNMP agent answered, under its port.
func writeSNMP(p *ew, s *probe.SNMP) {
	if e := s.Engine; e != nil {
		p.printf("           SNMPv3 engine %s (enterprise %d, %s), %d boot(s), up %ds\n", e.ID, e.Enterprise, strings.TrimSpace(e.Format+" "+e.Detail), e.Boots, e.Time)
	} else {
		p.printf("           SNMPv3: no answer to engine discovery\n")
	}
	switch {
	case !s.CommunitiesTried:
		p.printf("           communities: not tried (--allow-credential-tests)\n")
	case len(s.Communities) == 0:
		p.printf("           communities: none answered\n")
	}
	for _, c := range s.Communities {
		p.printf("           community %q answered over SNMPv%s\n", c.Community, c.Version)
	}
	if s.Description != "" || s.Name != "" {
		p.printf("           sysDescr %q, sysName %q, sysObjectID %s\n", clipText(s.Description, 80), clipText(s.Name, 40), s.ObjectID)
	}
	for _, w := range s.Weak {
		p.printf("           weak: %s\n", w)
	}
}

func clipText(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "..."
	}
	return s
}

// writeSeen writes what a capture showed of a port, under it.
func writeSeen(p *ew, s *probe.Seen) {
	p.printf("           seen: %d packet(s), %d client(s)\n", s.Packets, len(s.Clients))
	if s.TLSUnseen {
		p.printf("           TLS records whose handshake the capture does not hold\n")
	}
	if s.Cleartext != "" {
		p.printf("           %s\n", s.Cleartext)
	}
}

// writeTLS writes what a port's TLS service accepts (or, seen in a
// capture, negotiated), under its port.
func writeTLS(p *ew, t *probe.TLS, seen bool) {
	var vs []string
	for _, v := range t.Versions {
		vs = append(vs, fmt.Sprintf("%s (%d suites)", v.Version, len(v.Suites)))
	}
	if len(vs) == 0 {
		vs = []string{"none"}
	}
	p.printf("           TLS: %s %s", strings.Join(vs, ", "), map[bool]string{true: "negotiated", false: "accepted"}[seen])
	if len(t.Refused) > 0 {
		p.printf("; %s refused", strings.Join(t.Refused, ", "))
	}
	p.printf("\n")
	if c := t.Certificate; c != nil {
		p.printf("           certificate: %s, issued by %s, %s %d bits, %s, valid %s to %s\n", c.Subject, c.Issuer, c.KeyType, c.KeyBits, c.SignatureAlgorithm,
			c.NotBefore.Format("2006-01-02"), c.NotAfter.Format("2006-01-02"))
	}
	for _, w := range t.Weak {
		p.printf("           weak: %s\n", w)
	}
}
