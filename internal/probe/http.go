package probe

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// httpPorts are the ports of web services the safe profile sends an
// HTTP request to (HTTPS on those tlsPorts also holds); the standard
// profile asks every open port that said nothing unasked and is not
// TLS.
var httpPorts = map[int]bool{80: true, 8042: true, 8080: true, 443: true, 8443: true}

// HTTP is what a probe learned of a web service.
type HTTP struct {
	// URL is the page read: / of the service, after redirects within
	// the scope.
	URL    string `json:"url"`
	Status int    `json:"status"`
	Server string `json:"server,omitempty"`
	Title  string `json:"title,omitempty"`
	// RedirectsToHTTPS is set when a cleartext service sends its
	// visitors to HTTPS.
	RedirectsToHTTPS bool `json:"redirectsToHttps"`
	// MissingHeaders are the security headers the page lacks.
	MissingHeaders []string `json:"missingHeaders"`
	// Cookies are the cookies set, each with what it lacks.
	Cookies []Cookie `json:"cookies"`
	// LoginForm is set when the page asks for a password.
	LoginForm bool `json:"loginForm"`
	// FHIR is the server's CapabilityStatement read at /metadata
	// without authentication, if any.
	FHIR *FHIR `json:"fhir,omitempty"`
	// Refused are the redirects not followed, for leading outside the
	// scope.
	Refused []string `json:"refused"`
	Weak    []string `json:"weak"`
}

// Cookie is a cookie a page sets.
type Cookie struct {
	Name     string `json:"name"`
	Secure   bool   `json:"secure"`
	HTTPOnly bool   `json:"httpOnly"`
}

// FHIR is a FHIR server's CapabilityStatement as read.
type FHIR struct {
	Path        string `json:"path"`
	FHIRVersion string `json:"fhirVersion,omitempty"`
	Software    string `json:"software,omitempty"`
	// Security is set when the statement declares how its REST API is
	// secured (rest[].security).
	Security bool `json:"security"`
}

// Weaknesses of a web page that the check judges apart from its
// hardening.
const (
	weakFHIR      = "FHIR CapabilityStatement at "
	weakLoginForm = "login form served over cleartext HTTP"
	weakCleartext = "cleartext HTTP, not sent on to HTTPS"
)

// PageWeak are the weaknesses of the page itself (headers, cookies,
// default pages, redirects out of the scope): its cleartext, login form
// and FHIR statement are judged with transport and authentication.
func (h *HTTP) PageWeak() []string {
	return slices.DeleteFunc(slices.Clone(h.Weak), func(w string) bool {
		return strings.HasPrefix(w, weakFHIR) || w == weakLoginForm || w == weakCleartext
	})
}

// maxPage bounds what is read of a page.
const maxPage = 256 << 10

var (
	titleRe    = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
	passwordRe = regexp.MustCompile(`(?i)<input[^>]+type\s*=\s*["']?password`)
	defaults   = []string{"Apache2 Debian Default Page", "Apache2 Ubuntu Default Page", "Welcome to nginx!", "IIS Windows Server", "Test Page for the Apache HTTP Server", "Apache Tomcat", "It works!", "Welcome to CentOS"}
)

// probeHTTP reads / of the web service at ap (over TLS when tlsOn),
// following redirects only inside the scope, and /metadata for a FHIR
// server; host is the target's name, if any.
func probeHTTP(ctx context.Context, g *guard, ap netip.AddrPort, host string, tlsOn bool, resolve Resolver) (*HTTP, []int) {
	var seqs []int
	var refused []string
	var conns []*Conn // those of the request under way
	take := func() {
		for _, c := range conns {
			c.Close()
			seqs = append(seqs, c.Lines(0)...)
		}
		conns = nil
	}
	defer take()
	name := ap.Addr().String()
	if host != "" {
		name = host
	}
	origin := net.JoinHostPort(name, strconv.Itoa(int(ap.Port())))
	// Every connection goes through the guard; a name is resolved, and
	// dialed at an address of it inside the scope. The service itself is
	// asked for by the name the operator gave, and dialed at ap.
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr == origin {
			addr = ap.String()
		}
		h, p, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		port, _ := strconv.Atoi(p)
		a, err := netip.ParseAddr(h)
		if err != nil {
			t, in := expand(ctx, h, g.scope, resolve)
			switch {
			case len(in) > 0:
				a = in[0]
			case len(t.Refused) > 0:
				refused = append(refused, addr)
				return nil, fmt.Errorf("%s is outside the scope: not followed", addr)
			default:
				return nil, fmt.Errorf("%s: %s", addr, t.Error)
			}
		}
		c, state, s, err := g.connect(ctx, netip.AddrPortFrom(a, uint16(port)))
		if c != nil {
			conns = append(conns, c) // its lines come with it
			return c.Net(), nil
		}
		seqs = append(seqs, s...)
		if err != nil {
			if ctx.Err() == nil {
				refused = append(refused, addr)
			}
			return nil, err
		}
		return nil, fmt.Errorf("%s: %s", addr, state)
	}
	tr := &http.Transport{
		DialContext: dial,
		// The page is read; the certificate is judged by probeTLS.
		TLSClientConfig:        &tls.Config{InsecureSkipVerify: true},
		DisableKeepAlives:      true,
		ResponseHeaderTimeout:  g.lim.Timeout,
		MaxResponseHeaderBytes: 64 << 10,
	}
	client := &http.Client{Transport: tr, Timeout: 3 * g.lim.Timeout, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) >= 3 {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	scheme := "http"
	if tlsOn {
		scheme = "https"
	}
	out := &HTTP{MissingHeaders: []string{}, Cookies: []Cookie{}, Refused: []string{}, Weak: []string{}}
	res, body, err := get(ctx, client, scheme+"://"+origin+"/", "text/html")
	take()
	if err != nil && len(refused) == 0 {
		return nil, seqs
	}
	if err == nil {
		out.read(res, body, tlsOn)
	}
	if len(refused) > 0 {
		out.Refused = refused
		out.Weak = append(out.Weak, "redirects outside the scope, not followed: "+strings.Join(refused, ", "))
	}
	if err != nil {
		return out, seqs
	}
	// FHIR: the CapabilityStatement, where FHIR servers publish it, on
	// the service the page came from.
	base := res.Request.URL.Scheme + "://" + res.Request.URL.Host
	for _, p := range []string{"/metadata", "/fhir/metadata"} {
		r, b, err := get(ctx, client, base+p, "application/fhir+json")
		take()
		if err != nil || r.StatusCode != http.StatusOK {
			continue
		}
		var cs struct {
			ResourceType string `json:"resourceType"`
			FHIRVersion  string `json:"fhirVersion"`
			Software     struct {
				Name, Version string
			} `json:"software"`
			Rest []struct {
				Security json.RawMessage `json:"security"`
			} `json:"rest"`
		}
		if json.Unmarshal(b, &cs) != nil || cs.ResourceType != "CapabilityStatement" && cs.ResourceType != "Conformance" {
			continue
		}
		f := &FHIR{Path: p, FHIRVersion: cs.FHIRVersion, Software: strings.TrimSpace(cs.Software.Name + " " + cs.Software.Version)}
		for _, r := range cs.Rest {
			f.Security = f.Security || len(r.Security) > 0 && string(r.Security) != "null"
		}
		out.FHIR = f
		if !f.Security {
			out.Weak = append(out.Weak, weakFHIR+p+" readable without authentication, declaring no security")
		}
		break
	}
	return out, seqs
}

// read judges a page: its status, server, title, the security headers
// it lacks, its cookies, a login form, cleartext, a default page; tlsOn
// says whether the service was asked over TLS.
func (out *HTTP) read(res *http.Response, body []byte, tlsOn bool) {
	out.URL, out.Status, out.Server = res.Request.URL.String(), res.StatusCode, res.Header.Get("Server")
	if m := titleRe.FindSubmatch(body); m != nil {
		out.Title = strings.TrimSpace(string(m[1]))
	}
	https := res.Request.URL.Scheme == "https"
	out.RedirectsToHTTPS = !tlsOn && https
	want := []string{"Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"}
	if https {
		want = append([]string{"Strict-Transport-Security"}, want...)
	}
	for _, h := range want {
		if res.Header.Get(h) == "" {
			out.MissingHeaders = append(out.MissingHeaders, h)
		}
	}
	for _, c := range res.Cookies() {
		out.Cookies = append(out.Cookies, Cookie{Name: c.Name, Secure: c.Secure, HTTPOnly: c.HttpOnly})
		var lacks []string
		if !c.Secure {
			lacks = append(lacks, "Secure")
		}
		if !c.HttpOnly {
			lacks = append(lacks, "HttpOnly")
		}
		if len(lacks) > 0 {
			out.Weak = append(out.Weak, fmt.Sprintf("cookie %s without %s", c.Name, strings.Join(lacks, " and ")))
		}
	}
	out.LoginForm = passwordRe.Match(body)
	if out.LoginForm && !https {
		out.Weak = append(out.Weak, weakLoginForm)
	}
	if !tlsOn && !out.RedirectsToHTTPS {
		out.Weak = append(out.Weak, weakCleartext)
	}
	if len(out.MissingHeaders) > 0 {
		out.Weak = append(out.Weak, "security headers missing: "+strings.Join(out.MissingHeaders, ", "))
	}
	for _, d := range defaults {
		if strings.EqualFold(out.Title, d) || strings.HasPrefix(out.Title, d) {
			out.Weak = append(out.Weak, "a default page: "+out.Title)
		}
	}
}

// get reads url, at most maxPage of its body.
func get(ctx context.Context, client *http.Client, url, accept string) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Accept", accept)
	req.Header.Set("User-Agent", "mdcheck-probe")
	res, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	// A body cut short by the timeout is read as far as it came.
	body, _ := io.ReadAll(io.LimitReader(res.Body, maxPage))
	return res, body, nil
}
