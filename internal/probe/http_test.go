package probe

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// webServer serves h on a loopback port (over TLS when tlsOn).
func webServer(t *testing.T, h http.Handler, tlsOn bool) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &http.Server{Handler: h, ReadHeaderTimeout: 3 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	if tlsOn {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{selfSigned(t, "web.test", key, time.Now().Add(-time.Hour), time.Now().Add(time.Hour), x509.ECDSAWithSHA256)}}
		l = tls.NewListener(l, s.TLSConfig)
	}
	go s.Serve(l)
	t.Cleanup(func() { s.Close() })
	return l.Addr().(*net.TCPAddr).Port
}

func probeWeb(t *testing.T, port int) Port {
	t.Helper()
	var dials atomic.Int32
	res, err := Run(context.Background(), Options{Targets: []string{"127.0.0.1"}, Scope: []string{"127.0.0.0/8"}, Ports: ports(port), Profile: "standard", Dial: dialOnly(t, &dials)})
	if err != nil || len(res.Hosts[0].Ports) != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	return res.Hosts[0].Ports[0]
}

// TestHTTPWeak: a cleartext page with a login form, a cookie without
// flags, no security headers and a default title.
func TestHTTPWeak(t *testing.T) {
	port := webServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "x"})
		w.Write([]byte(`<html><head><title>Welcome to nginx!</title></head><body><form><input name=u><input type="password" name=p></form></body></html>`))
	}), false)
	p := probeWeb(t, port)
	h := p.HTTP
	if h == nil || h.Status != 200 || !h.LoginForm || h.RedirectsToHTTPS || h.Title != "Welcome to nginx!" || len(h.Cookies) != 1 || p.Service.Name != "http" {
		t.Fatalf("HTTP %+v", h)
	}
	weak := strings.Join(h.Weak, "\n")
	for _, w := range []string{"login form served over cleartext HTTP", "cookie session without Secure and HttpOnly", "cleartext HTTP, not sent on to HTTPS", "security headers missing: Content-Security-Policy, X-Frame-Options, X-Content-Type-Options", "a default page: Welcome to nginx!"} {
		if !strings.Contains(weak, w) {
			t.Errorf("weak lacks %q:\n%s", w, weak)
		}
	}
}

// TestHTTPSGood: a cleartext service that sends visitors on to HTTPS,
// where the page has every security header and a secure cookie; a FHIR
// server whose CapabilityStatement declares its security.
func TestHTTPSGood(t *testing.T) {
	secure := webServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/metadata" {
			w.Write([]byte(`{"resourceType":"CapabilityStatement","fhirVersion":"4.0.1","software":{"name":"HAPI FHIR","version":"6.0"},"rest":[{"mode":"server","security":{"cors":true}}]}`))
			return
		}
		for _, h := range []string{"Strict-Transport-Security", "Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"} {
			w.Header().Set(h, "x")
		}
		http.SetCookie(w, &http.Cookie{Name: "s", Value: "x", Secure: true, HttpOnly: true})
		w.Write([]byte(`<title>Pump console</title>`))
	}), true)
	plain := webServer(t, http.RedirectHandler("https://127.0.0.1:"+strconv.Itoa(secure)+"/", http.StatusFound), false)
	p := probeWeb(t, plain)
	if h := p.HTTP; h == nil || !h.RedirectsToHTTPS || h.Title != "Pump console" || len(h.Weak) != 0 || h.FHIR == nil || !h.FHIR.Security || h.FHIR.Software != "HAPI FHIR 6.0" {
		t.Errorf("HTTP %+v", h)
	}
	p = probeWeb(t, secure)
	if p.TLS == nil || p.HTTP == nil || p.Service.Name != "https" || len(p.HTTP.MissingHeaders) != 0 {
		t.Errorf("HTTPS %+v %+v", p.Service, p.HTTP)
	}
}

// TestHTTPRedirectOutOfScope: a redirect to an address, or to a name
// resolving to one, outside the scope is not followed: nothing is sent
// there, and the result says so.
func TestHTTPRedirectOutOfScope(t *testing.T) {
	for _, to := range []string{"http://192.0.2.1/login", "http://elsewhere.example/"} {
		port := webServer(t, http.RedirectHandler(to, http.StatusFound), false)
		var dials atomic.Int32
		resolve := func(ctx context.Context, host string) ([]netip.Addr, error) {
			return []netip.Addr{netip.MustParseAddr("198.51.100.9")}, nil
		}
		res, err := Run(context.Background(), Options{Targets: []string{"127.0.0.1"}, Scope: []string{"127.0.0.1"}, Ports: ports(port), Profile: "standard", Dial: dialOnly(t, &dials), Resolve: resolve})
		if err != nil {
			t.Fatal(err)
		}
		h := res.Hosts[0].Ports[0].HTTP
		if h == nil || len(h.Refused) != 1 || !slices.ContainsFunc(h.Weak, func(w string) bool { return strings.HasPrefix(w, "redirects outside the scope, not followed") }) {
			t.Errorf("%s: %+v", to, h)
		}
	}
}

// TestFHIROpen: a FHIR server's CapabilityStatement read without
// authentication that declares no security is named.
func TestFHIROpen(t *testing.T) {
	port := webServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/fhir/metadata" {
			w.Write([]byte(`{"resourceType":"CapabilityStatement","fhirVersion":"4.0.1","rest":[{"mode":"server"}]}`))
			return
		}
		http.NotFound(w, r)
	}), false)
	h := probeWeb(t, port).HTTP
	if h == nil || h.FHIR == nil || h.FHIR.Path != "/fhir/metadata" || h.FHIR.Security || !slices.Contains(h.Weak, "FHIR CapabilityStatement at /fhir/metadata readable without authentication, declaring no security") {
		t.Errorf("%+v", h)
	}
}

// FuzzHTTPPage: any response, read as net/http reads it, is judged
// without panic, and a cleartext page is always named as such.
func FuzzHTTPPage(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\nSet-Cookie: a=b; Secure\r\nContent-Type: text/html\r\n\r\n<title>It works!</title><input type=password>"))
	f.Add([]byte("HTTP/1.1 302 Found\r\nLocation: https://x/\r\n\r\n"))
	f.Add([]byte("HTTP/1.0 200\r\nStrict-Transport-Security: max-age=1\r\n\r\n<TITLE\n>x"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		res, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), nil)
		if err != nil {
			return
		}
		body, _ := io.ReadAll(io.LimitReader(res.Body, maxPage))
		res.Request = &http.Request{URL: &url.URL{Scheme: "http", Host: "127.0.0.1"}}
		h := &HTTP{}
		h.read(res, body, false)
		if !slices.Contains(h.Weak, "cleartext HTTP, not sent on to HTTPS") {
			t.Errorf("a cleartext page not named: %v", h.Weak)
		}
	})
}
