package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/model"
)

// Rules on what a probe of live units showed (check --probe-results):
// each open port compared with the interfaces the model declares. Their
// results are observed: they rest on the probe's transcript, not on the
// manufacturer's word.

// noLive is the result of a live rule when no probe results were given.
var noLive = []catalog.Result{notApplicable("device", "no live probe results given (check --probe-results)")}

// livePort is one open port of one probed unit, with the interfaces of
// the model that declare it and the component the unit is taken for.
type livePort struct {
	live evidence.Live
	host evidence.LiveHost
	evidence.LivePort
	owners []iface // the interfaces declaring the port, of the unit's component
	comp   string  // the component the unit is taken for; "" when none
}

// subject names the port as a finding's subject: the component the unit
// is taken for, then the address and port.
func (p livePort) subject() string {
	if p.comp == "" {
		return p.host.Where(p.LivePort)
	}
	return p.comp + "/" + p.host.Where(p.LivePort)
}

// observe records what shows the port as observed evidence.
func (p livePort) observe(in *catalog.Input, what, value string) evidenceID {
	return in.Evidence.Observe(p.live, "live["+p.host.Where(p.LivePort)+"]."+what, value, p.Lines)
}

// what names the service as the probe saw it.
func (p livePort) what() string {
	switch {
	case p.Service == "":
		return "a service that said nothing"
	case p.Confidence == "low":
		return p.Service + "?"
	}
	return p.Service
}

// declaredIn lists the interfaces that declare a port.
func (p livePort) declaredIn() string {
	var s []string
	for _, f := range p.owners {
		s = append(s, f.subject())
	}
	return strings.Join(s, ", ")
}

// allInterfaces are the network interfaces of every component, device or
// not, with their paths: a probed unit may be any of them.
func allInterfaces(d *model.Device) []iface {
	var out []iface
	for i := range d.Components {
		c := &d.Components[i]
		for k := range c.Interfaces {
			f := &c.Interfaces[k]
			if f.Port == nil {
				continue
			}
			cp := fmt.Sprintf("components[%d]", i)
			out = append(out, iface{comp: comp{c: c, path: cp}, in: f, path: fmt.Sprintf("%s.interfaces[%d]", cp, k)})
		}
	}
	return out
}

// livePorts lists every open port the probes showed, each with the
// interfaces that declare it. A unit is taken for the component whose
// declared ports it has most of open (the only one with declared ports,
// when it has none of them), so that a port two components declare is
// held to the right one.
func livePorts(in *catalog.Input) []livePort {
	decl := allInterfaces(in.Device)
	var out []livePort
	for _, l := range in.Evidence.Live() {
		for _, h := range l.Hosts {
			score := map[string]int{}
			var order []string
			for _, f := range decl {
				if !slices.Contains(order, f.c.ID) {
					order = append(order, f.c.ID)
				}
				for _, p := range h.Open {
					if p.Port == *f.in.Port {
						score[f.c.ID]++
					}
				}
			}
			comp := ""
			for _, id := range order {
				if score[id] > score[comp] || (comp == "" && len(order) == 1) {
					comp = id
				}
			}
			for _, p := range h.Open {
				lp := livePort{live: l, host: h, LivePort: p, comp: comp}
				for _, f := range decl {
					if *f.in.Port == p.Port && (comp == "" || f.c.ID == comp) {
						lp.owners = append(lp.owners, f)
					}
				}
				out = append(out, lp)
			}
		}
	}
	return out
}

// partial is the result a live rule adds when a probe was interrupted:
// what it did not reach is not known.
func partial(in *catalog.Input) []catalog.Result {
	var out []catalog.Result
	for _, l := range in.Evidence.Live() {
		if l.Partial {
			out = append(out, catalog.Result{Subject: "device", Status: catalog.Unknown, Detail: "the probe of " + l.File + " was interrupted: the ports it did not reach are not known"})
		}
	}
	return out
}

// eachPort is a live rule's check: judge gives the results of each open
// port, after the one of an interrupted probe.
func eachPort(judge func(in *catalog.Input, p livePort) []catalog.Result) func(in *catalog.Input) []catalog.Result {
	return func(in *catalog.Input) []catalog.Result {
		if len(in.Evidence.Live()) == 0 {
			return noLive
		}
		out := partial(in)
		for _, p := range livePorts(in) {
			out = append(out, judge(in, p)...)
		}
		return out
	}
}

var liveDeclared = register(catalog.Rule{
	ID:          "live/declared-services",
	Title:       "Every service a live unit exposes is declared in the device model",
	Severity:    catalog.High,
	Refs:        []string{"MDCG1916.3.3.SAHD", "MDCG1916.3.3.CNFS", "MDR.AI.17.4", "MDR.AI.18.8"},
	Rationale:   "An open port nobody declared is a service nobody assessed, hardened or documented for the hospital: a debug console, a forgotten file server, a vendor's remote access. The manufacturer's minimum IT-security requirements (Annex I 17.4) and the hospital's network plans rest on the list of services being true.",
	Remediation: "Close the service on the unit, or declare it in the model (the interface, its port, protocols, encryption and authentication) and assess it.",
	Check: eachPort(func(in *catalog.Input, p livePort) []catalog.Result {
		seen := p.observe(in, "open", fmt.Sprintf("open: %s", p.what()))
		if len(p.owners) == 0 {
			return []catalog.Result{fail(p.subject(), fmt.Sprintf("port %d is open (%s) but no interface of the model declares it", p.Port, p.what()), seen)}
		}
		ids := []evidenceID{seen}
		for _, f := range p.owners {
			ids = append(ids, in.Cite(f.path+".port", fmt.Sprint(*f.in.Port)))
		}
		return []catalog.Result{pass(p.subject(), fmt.Sprintf("port %d (%s) is declared by %s", p.Port, p.what(), p.declaredIn()), ids...)}
	}),
})

// declaredTLS is the lowest TLS version the owners declare ("1.2"), with
// the path that says so; "" when none names one.
func declaredTLS(p livePort) (string, string) {
	low, path := "", ""
	for _, f := range p.owners {
		if f.in.Encryption == nil {
			continue
		}
		m := tlsVersion().FindStringSubmatch(f.in.Encryption.Protocol)
		if m != nil && strings.EqualFold(m[1], "tls") && m[2] != "" && (low == "" || m[2] < low) {
			low, path = m[2], f.path+".encryption.protocol"
		}
	}
	return low, path
}

// declaredTrue returns the path of the first owner that declares the
// fact at suffix true (fact reads it from an interface); "" when none
// does.
func declaredTrue(p livePort, suffix string, fact func(*model.Interface) *bool) string {
	for _, f := range p.owners {
		if isTrue(fact(f.in)) {
			return f.path + suffix
		}
	}
	return ""
}

func declaredEncrypted(p livePort) string {
	return declaredTrue(p, ".encryption.inTransit", func(in *model.Interface) *bool {
		if in.Encryption == nil {
			return nil
		}
		return in.Encryption.InTransit
	})
}

func declaredRequired(p livePort) string {
	return declaredTrue(p, ".authentication.required", func(in *model.Interface) *bool {
		if in.Authentication == nil {
			return nil
		}
		return in.Authentication.Required
	})
}

// below lists the accepted versions older than TLS 1.x.
func below(accepted []string, x string) []string {
	var out []string
	for _, v := range accepted {
		if name, ok := strings.CutPrefix(v, "TLS "); !ok || name < x {
			out = append(out, v) // SSL 3.0 is older than any TLS
		}
	}
	return out
}

// listed joins weaknesses, the first few in full.
func listed(s []string) string {
	if len(s) <= 4 {
		return strings.Join(s, "; ")
	}
	return fmt.Sprintf("%s; and %d more", strings.Join(s[:4], "; "), len(s)-4)
}

// transport judges how one port protects what it carries.
func transport(in *catalog.Input, p livePort) catalog.Result {
	subj := p.subject()
	unknownBecause := func(detail, what, value string) catalog.Result {
		return catalog.Result{Subject: subj, Status: catalog.Unknown, Detail: detail, Evidence: []evidenceID{p.observe(in, what, value)}}
	}
	accepts := "accepts" // what an active probe shows; a capture, what was used
	if p.live.Profile == "passive" {
		accepts = "negotiated"
	}
	switch {
	case len(p.TLS) > 0:
		seen := p.observe(in, "tls", accepts+" "+strings.Join(p.TLS, ", "))
		if x, path := declaredTLS(p); x != "" && len(below(p.TLS, x)) > 0 {
			return fail(subj, fmt.Sprintf("weaker than declared: %s %s, the model declares TLS %s", accepts, strings.Join(below(p.TLS, x), ", "), x), seen, in.Cite(path, "TLS "+x))
		}
		if len(p.CryptoWeak) > 0 {
			r := fail(subj, "weak TLS: "+listed(p.CryptoWeak), seen, p.observe(in, "tls.weak", listed(p.CryptoWeak)))
			r.Severity = catalog.Medium
			return r
		}
		return pass(subj, "TLS ("+strings.Join(p.TLS, ", ")+") with no weakness found", seen)
	case p.SSH:
		seen := p.observe(in, "ssh", "SSH algorithms read")
		if len(p.CryptoWeak) > 0 {
			r := fail(subj, "SSH offers weak algorithms: "+listed(p.CryptoWeak), seen, p.observe(in, "ssh.weak", listed(p.CryptoWeak)))
			r.Severity = catalog.Medium
			return r
		}
		return pass(subj, "SSH offering no weak algorithm", seen)
	case p.Cleartext != "" && p.RedirectsToHTTPS && !p.LoginForm:
		return pass(subj, "cleartext HTTP only sends visitors on to HTTPS", p.observe(in, "cleartext", p.Cleartext))
	case p.Cleartext != "":
		seen := p.observe(in, "cleartext", p.Cleartext)
		if path := declaredEncrypted(p); path != "" {
			return fail(subj, fmt.Sprintf("declared encrypted (%s), but in the clear: %s, %s", p.declaredIn(), p.what(), p.Cleartext), seen, in.Cite(path, "true"))
		}
		return fail(subj, fmt.Sprintf("in the clear: %s, %s", p.what(), p.Cleartext), seen)
	case p.live.Profile == "passive":
		return unknownBecause(fmt.Sprintf("%s was seen serving in the capture, which shows nothing of how it protects what it carries", p.what()), "seen", "seen serving")
	case p.TLSTried:
		return unknownBecause(fmt.Sprintf("%s said nothing unasked and answered no TLS: whether it encrypts is not known", p.what()), "silent", "no greeting, no TLS")
	case p.Confidence == "high":
		return unknownBecause(fmt.Sprintf("%s named itself, but what protects it was not read", p.what()), "open", "open: "+p.what())
	}
	return unknownBecause(fmt.Sprintf("%s said nothing unasked and the safe profile offers TLS only on TLS ports: whether it encrypts is not known (the standard profile tries TLS on it)", p.what()), "silent", "no greeting")
}

var liveTransport = register(catalog.Rule{
	ID:          "live/transport-encryption",
	Title:       "Live units encrypt what they carry, as declared and to the state of the art",
	Severity:    catalog.High,
	Refs:        []string{"MDCG1916.3.3.TXCF", "MDCG1916.3.3.TXIG", "MDR.AI.17.2", "MDR.AI.17.4"},
	Rationale:   "A model that says TLS 1.2 proves nothing of the unit on the ward: legacy protocol versions, export or RC4 suites, an expired or self-signed certificate and services that greet in the clear are what an attacker on the hospital network meets. Software must be built to the state of the art (Annex I 17.2).",
	Remediation: "Turn off SSL 3.0, TLS 1.0 and 1.1 and the weak suites, give the service a valid certificate of a strong key, carry cleartext protocols inside TLS (or turn them off), and keep the model's encryption statements true to the unit.",
	Check: eachPort(func(in *catalog.Input, p livePort) []catalog.Result {
		return []catalog.Result{transport(in, p)}
	}),
})

// declaredMethods are the authentication methods the owners of a port
// declare (the interface's, else its component's), with the paths that
// say so.
func declaredMethods(p livePort) ([]model.AuthMethod, []string) {
	var ms []model.AuthMethod
	var paths []string
	for _, f := range p.owners {
		switch {
		case f.in.Authentication != nil && len(f.in.Authentication.Methods) > 0:
			ms = append(ms, f.in.Authentication.Methods...)
			paths = append(paths, f.path+".authentication.methods")
		case f.c.AccessControl != nil && len(f.c.AccessControl.AuthenticationMethods) > 0:
			ms = append(ms, f.c.AccessControl.AuthenticationMethods...)
			paths = append(paths, f.comp.path+".accessControl.authenticationMethods")
		}
	}
	return ms, paths
}

var liveAuthentication = register(catalog.Rule{
	ID:          "live/authentication",
	Title:       "Live units ask for the authentication the model declares",
	Severity:    catalog.High,
	Refs:        []string{"MDCG1916.3.3.PAUT", "MDCG1916.3.3.NAUT", "MDCG1916.3.3.AUTH", "MDR.AI.18.8"},
	Rationale:   "Protection against unauthorised access (Annex I 18.8) is what the unit does, not what the manual says: a password prompt offered where only certificates are declared, a login form sent in the clear or a FHIR server that declares no security all open the device to anyone on the network.",
	Remediation: "Turn off the authentication methods the model does not declare (SSH passwords where keys are declared), serve login pages only over TLS, and secure the FHIR API (SMART on FHIR or OAuth) and declare it in its CapabilityStatement.",
	Check: eachPort(func(in *catalog.Input, p livePort) []catalog.Result {
		var out []catalog.Result
		subj := p.subject()
		if p.PasswordAuth != nil {
			seen := p.observe(in, "ssh.passwordAuth", fmt.Sprint(*p.PasswordAuth))
			ms, paths := declaredMethods(p)
			switch {
			case !*p.PasswordAuth:
				out = append(out, pass(subj, "SSH offers no password authentication", seen))
			case len(ms) == 0:
				out = append(out, catalog.Result{Subject: subj, Status: catalog.Unknown, Detail: "SSH offers password authentication; the model states no authentication methods for it", Evidence: []evidenceID{seen}})
			case !slices.Contains(ms, "password") && !slices.Contains(ms, "pin"):
				ids := []evidenceID{seen}
				for _, path := range paths {
					ids = append(ids, in.Cite(path, fmt.Sprint(ms)))
				}
				out = append(out, fail(subj, fmt.Sprintf("SSH offers password authentication; the model declares only %v", ms), ids...))
			default:
				out = append(out, pass(subj, "SSH offers password authentication, as the model declares", seen, in.Cite(paths[0], fmt.Sprint(ms))))
			}
		}
		if p.AnyPeer != nil {
			seen := p.observe(in, "anyPeer", p.AnyPeerHow)
			switch {
			case !*p.AnyPeer:
				out = append(out, pass(subj, "refuses a client without credentials ("+p.AnyPeerHow+")", seen))
			case declaredRequired(p) != "":
				out = append(out, fail(subj, "declared to require authentication, but lets in a client without credentials ("+p.AnyPeerHow+")", seen, in.Cite(declaredRequired(p), "true")))
			default:
				out = append(out, fail(subj, "lets in a client without credentials ("+p.AnyPeerHow+")", seen))
			}
		}
		if p.LoginForm && p.Cleartext != "" {
			out = append(out, fail(subj, "asks for a password over cleartext HTTP", p.observe(in, "loginForm", "login form without TLS")))
		}
		if p.FHIR {
			seen := p.observe(in, "fhir", map[bool]string{true: "CapabilityStatement readable, declaring security", false: "CapabilityStatement readable, declaring no security"}[p.FHIRSecurity])
			switch {
			case p.FHIRSecurity:
				out = append(out, pass(subj, "the FHIR server declares how its REST API is secured", seen))
			case declaredRequired(p) != "":
				out = append(out, fail(subj, "declared to require authentication, but the FHIR server's CapabilityStatement, read without any, declares no security for its REST API", seen, in.Cite(declaredRequired(p), "true")))
			default:
				out = append(out, fail(subj, "the FHIR server's CapabilityStatement, read without authentication, declares no security for its REST API", seen))
			}
		}
		if p.Status == 401 {
			out = append(out, pass(subj, "the web service asks for authentication (401)", p.observe(in, "http.status", "401")))
		} else if p.Status >= 200 && p.Status < 300 && !p.LoginForm && !p.FHIR && declaredRequired(p) != "" {
			out = append(out, catalog.Result{Subject: subj, Status: catalog.Unknown, Detail: fmt.Sprintf("declared to require authentication, but the web service answered %d without asking for any: whether that page shows protected data needs a look", p.Status), Evidence: []evidenceID{p.observe(in, "http.status", fmt.Sprint(p.Status)), in.Cite(declaredRequired(p), "true")}})
		}
		return out
	}),
})

var liveWeb = register(catalog.Rule{
	ID:          "live/web-hardening",
	Title:       "Web services of live units send the security headers and secure cookies",
	Severity:    catalog.Low,
	Refs:        []string{"MDCG1916.3.3.SAHD", "MDR.AI.17.2"},
	Rationale:   "Without HSTS a browser can be talked down to cleartext; without a content security policy and frame options the device's web interface can be framed or injected; a session cookie without Secure and HttpOnly can be stolen. A default page shows a server left as installed.",
	Remediation: "Send Strict-Transport-Security, Content-Security-Policy, X-Frame-Options and X-Content-Type-Options, mark session cookies Secure and HttpOnly, and remove default pages.",
	Check: eachPort(func(in *catalog.Input, p livePort) []catalog.Result {
		switch {
		case p.Status == 0:
			return nil
		case len(p.WebWeak) > 0:
			return []catalog.Result{fail(p.subject(), listed(p.WebWeak), p.observe(in, "http.weak", listed(p.WebWeak)))}
		}
		return []catalog.Result{pass(p.subject(), "security headers sent, cookies secure, no default page", p.observe(in, "http", fmt.Sprint(p.Status)))}
	}),
})

// Confirm records, for each interface the model declares encrypted, the
// probe's observation as evidence of the same fact when every unit
// probed shows the port encrypted (TLS or SSH) and none in the clear:
// the rules that rest on the claim then rest on what was measured.
func Confirm(in *catalog.Input) {
	type seen struct {
		ok, clear, older bool
		p                livePort
		owners           []iface
	}
	by := map[string]*seen{}
	var order []string
	for _, p := range livePorts(in) {
		for _, f := range p.owners {
			if f.in.Encryption == nil || !isTrue(f.in.Encryption.InTransit) {
				continue
			}
			s := by[f.path]
			if s == nil {
				s = &seen{p: p, owners: []iface{f}}
				by[f.path] = s
				order = append(order, f.path)
			}
			s.ok = s.ok || len(p.TLS) > 0 || p.SSH
			s.clear = s.clear || (p.Cleartext != "" && !p.RedirectsToHTTPS)
			if x, _ := declaredTLS(livePort{owners: []iface{f}}); x != "" {
				s.older = s.older || len(below(p.TLS, x)) > 0
			}
		}
	}
	for _, path := range order {
		s := by[path]
		if !s.ok || s.clear {
			continue
		}
		what := "SSH"
		if len(s.p.TLS) > 0 {
			what = strings.Join(s.p.TLS, ", ")
		}
		at := s.p.host.Where(s.p.LivePort)
		in.Evidence.Observe(s.p.live, path+".encryption.inTransit", "true ("+what+" at "+at+")", s.p.Lines)
		// A capture shows the versions used, not those a unit refuses: it
		// confirms no minimum.
		if x, proto := declaredTLS(livePort{owners: s.owners}); x != "" && len(s.p.TLS) > 0 && !s.older && s.p.live.Profile != "passive" {
			in.Evidence.Observe(s.p.live, proto, "TLS "+x+" or later (accepts "+what+" at "+at+")", s.p.Lines)
		}
	}
}
