package probe

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mdcheck/mdcheck/internal/testutil/loopback"
)

// selfSigned is a certificate for name with key, valid from nb to na,
// signed with alg.
func selfSigned(t *testing.T, name string, key any, nb, na time.Time, alg x509.SignatureAlgorithm) tls.Certificate {
	t.Helper()
	pub := key.(crypto.Signer).Public()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: nb, NotAfter: na, SignatureAlgorithm: alg, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// tlsServer serves TLS with cfg on a loopback port, completing each
// handshake it can.
func tlsServer(t *testing.T, cfg *tls.Config) int {
	return loopback.Serve(t, func(c net.Conn) {
		s := tls.Server(c, cfg)
		s.SetDeadline(time.Now().Add(3 * time.Second))
		s.Handshake()
	})
}

func probeOne(t *testing.T, port int, target string) Port {
	t.Helper()
	var dials atomic.Int32
	resolve := func(ctx context.Context, host string) ([]netip.Addr, error) {
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
	}
	res, err := Run(context.Background(), Options{Targets: []string{target}, Scope: []string{"127.0.0.1"}, Ports: ports(port), Profile: "standard",
		Dial: dialOnly(t, &dials), Resolve: resolve})
	if err != nil || len(res.Hosts) != 1 || len(res.Hosts[0].Ports) != 1 {
		t.Fatalf("probe: %+v %v", res, err)
	}
	// Every hello sent is in the transcript, whole.
	hellos := 0
	for _, e := range res.Transcript {
		if e.Kind == EvSend && strings.HasPrefix(e.Data, "Fg") { // 0x16: a handshake record
			hellos++
		}
	}
	if hellos == 0 {
		t.Errorf("no ClientHello in the transcript")
	}
	return res.Hosts[0].Ports[0]
}

// TestTLSLegacy: a service of TLS 1.0 to 1.2 with RC4, 3DES and CBC
// suites and an expired, self-signed RSA certificate of 1024 bits:
// every version and suite it accepts, each weakness named.
func TestTLSLegacy(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	cert := selfSigned(t, "legacy.test", key, time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour), x509.SHA256WithRSA)
	suites := []uint16{tls.TLS_RSA_WITH_RC4_128_SHA, tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA, tls.TLS_RSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}
	port := tlsServer(t, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS12, CipherSuites: suites})
	p := probeOne(t, port, "127.0.0.1")
	if p.TLS == nil {
		t.Fatalf("no TLS: %+v", p)
	}
	var versions []string
	for _, v := range p.TLS.Versions {
		versions = append(versions, v.Version)
		var got []string
		for _, s := range v.Suites {
			got = append(got, s.Name)
		}
		want := []string{"TLS_RSA_WITH_RC4_128_SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA"}
		if v.Version == "TLS 1.2" {
			want = append(want, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: suites %v, want %v", v.Version, got, want)
		}
	}
	if !slices.Equal(versions, []string{"TLS 1.0", "TLS 1.1", "TLS 1.2"}) || !slices.Equal(p.TLS.Refused, []string{"SSL 3.0", "TLS 1.3"}) {
		t.Errorf("versions %v, refused %v", versions, p.TLS.Refused)
	}
	c := p.TLS.Certificate
	if c == nil || c.KeyType != "RSA" || c.KeyBits != 1024 || !c.SelfSigned || c.Chain != 1 || c.NameMatches != nil {
		t.Fatalf("certificate %+v", c)
	}
	weak := strings.Join(p.TLS.Weak, "\n")
	for _, w := range []string{"TLS 1.0 accepted", "TLS 1.1 accepted", "TLS_RSA_WITH_RC4_128_SHA (RC4 (broken)) under TLS 1.0, TLS 1.1, TLS 1.2", "3DES", "CBC with SHA-1", "certificate: expired on", "certificate: self-signed", "RSA key of 1024 bits"} {
		if !strings.Contains(weak, w) {
			t.Errorf("weak lacks %q:\n%s", w, weak)
		}
	}
	if !p.TLS.SecureRenegotiation || p.TLS.Compression {
		t.Errorf("renegotiation %v, compression %v", p.TLS.SecureRenegotiation, p.TLS.Compression)
	}
}

// TestTLSModern: a TLS 1.3-only service with a current ECDSA
// certificate; its chain, sent encrypted, is read with crypto/tls, and
// a name it does not carry is a mismatch.
func TestTLSModern(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	cert := selfSigned(t, "pump.test", key, time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour), x509.ECDSAWithSHA256)
	port := tlsServer(t, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS13})
	p := probeOne(t, port, "pump.test")
	if p.TLS == nil || len(p.TLS.Versions) != 1 || p.TLS.Versions[0].Version != "TLS 1.3" || len(p.TLS.Versions[0].Suites) != 3 || p.TLS.OCSPStapling {
		t.Fatalf("TLS %+v", p.TLS)
	}
	// A TLS 1.3 service that staples an OCSP response (sent encrypted,
	// in its Certificate message).
	stapled := cert
	stapled.OCSPStaple = []byte{0x30, 0x03, 0x0a, 0x01, 0x00} // an OCSPResponse, status successful
	if s := probeOne(t, tlsServer(t, &tls.Config{Certificates: []tls.Certificate{stapled}, MinVersion: tls.VersionTLS13}), "pump.test"); s.TLS == nil || !s.TLS.OCSPStapling {
		t.Errorf("stapled TLS 1.3: %+v", s.TLS)
	}
	c := p.TLS.Certificate
	if c == nil || c.KeyType != "ECDSA" || c.KeyBits != 256 || c.NameMatches == nil || !*c.NameMatches || c.Subject != "CN=pump.test" {
		t.Fatalf("certificate %+v", c)
	}
	if w := strings.Join(p.TLS.Weak, "\n"); w != "certificate: self-signed" {
		t.Errorf("weak: %q", w)
	}
	other := probeOne(t, port, "other.test")
	if c := other.TLS.Certificate; c == nil || c.NameMatches == nil || *c.NameMatches || !slices.Contains(c.Problems, "does not name other.test") {
		t.Errorf("another name: %+v", c)
	}
}

// TestTLSNotSpoken: a silent service that is not TLS costs two hellos
// and is not reported as TLS; the safe profile sends none to a port not
// known for TLS.
func TestTLSNotSpoken(t *testing.T) {
	port := loopback.Serve(t, func(c net.Conn) {
		c.SetReadDeadline(time.Now().Add(3 * time.Second))
		b := make([]byte, 512)
		c.Read(b)
		c.Write([]byte("HTTP/1.1 400 Bad Request\r\n\r\n"))
	})
	p := probeOne(t, port, "127.0.0.1")
	if p.TLS != nil {
		t.Errorf("TLS %+v", p.TLS)
	}
}

// TestTLSOpenSSL probes OpenSSL's s_server with legacy settings (TLS 1.0
// to 1.2, every suite at security level 0, a self-signed RSA key of 1024
// bits): the versions, the NULL and anonymous suites Debian's OpenSSL
// still has, and the certificate, as OpenSSL itself lists them.
func TestTLSOpenSSL(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("no openssl: .ci/run installs it")
		}
		t.Skip("no openssl on this machine (Debian: apt-get install openssl)")
	}
	dir := t.TempDir()
	key, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	cert := selfSigned(t, "legacy.test", key, time.Now().Add(-time.Hour), time.Now().Add(time.Hour), x509.SHA256WithRSA)
	writePEM(t, filepath.Join(dir, "c.pem"), "CERTIFICATE", cert.Certificate[0])
	writePEM(t, filepath.Join(dir, "k.pem"), "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(key))
	port := closedPort(t)
	cmd := exec.Command(openssl, "s_server", "-accept", "127.0.0.1:"+strconv.Itoa(port), "-cert", filepath.Join(dir, "c.pem"), "-key", filepath.Join(dir, "k.pem"),
		"-www", "-no_tls1_3", "-cipher", "ALL:COMPLEMENTOFALL:@SECLEVEL=0", "-quiet")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for i := 0; ; i++ {
		c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err == nil {
			c.Close()
			break
		}
		if i == 50 {
			t.Fatalf("s_server did not listen: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// What OpenSSL offers under TLS 1.2 at this level, by IANA name.
	out, err := exec.Command(openssl, "ciphers", "-stdname", "-tls1_2", "ALL:COMPLEMENTOFALL:@SECLEVEL=0").Output()
	if err != nil {
		t.Fatal(err)
	}
	p := probeOne(t, port, "127.0.0.1")
	if p.TLS == nil {
		t.Fatalf("no TLS: %+v", p)
	}
	var versions []string
	got := map[string]bool{}
	for _, v := range p.TLS.Versions {
		versions = append(versions, v.Version)
		if v.Version == "TLS 1.2" {
			for _, s := range v.Suites {
				got[s.Name] = true
			}
		}
	}
	if !slices.Equal(versions, []string{"TLS 1.0", "TLS 1.1", "TLS 1.2"}) {
		t.Errorf("versions %v", versions)
	}
	// Every suite OpenSSL lists for TLS 1.2 that needs no pre-shared key
	// or SRP password and that our RSA key can serve is found.
	for _, line := range strings.Split(string(out), "\n") {
		name, _, _ := strings.Cut(strings.TrimSpace(line), " ")
		if name == "" || strings.Contains(name, "PSK") || strings.Contains(name, "SRP") || strings.Contains(name, "ECDSA") || strings.Contains(name, "_DSS_") || strings.HasPrefix(name, "TLS_AES") || strings.HasPrefix(name, "TLS_CHACHA") {
			continue
		}
		if !got[name] {
			t.Errorf("%s, offered by s_server, not found", name)
		}
	}
	weak := strings.Join(p.TLS.Weak, "\n")
	for _, w := range []string{"TLS 1.0 accepted", "TLS_RSA_WITH_NULL_SHA (no encryption (NULL))", "TLS_DH_anon_WITH_AES_128_CBC_SHA (no authentication (anonymous))", "certificate: self-signed", "certificate: RSA key of 1024 bits"} {
		if !strings.Contains(weak, w) {
			t.Errorf("weak lacks %q:\n%s", w, weak)
		}
	}
}

func writePEM(t *testing.T, file, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestHostileTLS: a server that answers a ClientHello with handshake
// records without end (a certificate chain that never ends), or with
// garbage after a good start, is read within the bound and the timeout.
func TestHostileTLS(t *testing.T) {
	flood := loopback.Serve(t, func(c net.Conn) {
		c.Read(make([]byte, 4096))
		// A ServerHello, then a Certificate message announcing 16 MiB.
		c.Write([]byte{22, 3, 3, 0, 42, 2, 0, 0, 38, 3, 3})
		c.Write(make([]byte, 32))
		c.Write([]byte{0, 0xc0, 0x2f, 0})
		c.Write([]byte{22, 3, 3, 0x40, 0, 11, 0xff, 0xff, 0xff})
		rec := append([]byte{22, 3, 3, 0x40, 0}, make([]byte, 0x4000)...)
		for {
			if _, err := c.Write(rec); err != nil {
				return
			}
		}
	})
	garbage := loopback.Serve(t, func(c net.Conn) {
		c.Read(make([]byte, 4096))
		c.Write([]byte{22, 3, 3, 0, 5, 2, 0, 0, 1, 3})
		c.Write(bytes.Repeat([]byte{0xff}, 1<<16))
	})
	start := time.Now()
	for _, port := range []int{flood, garbage} {
		p := probeOne(t, port, "127.0.0.1")
		if p.TLS != nil && len(p.TLS.Versions) > 0 {
			t.Errorf("port %d: TLS %+v", port, p.TLS)
		}
	}
	if took := time.Since(start); took > 60*time.Second {
		t.Errorf("took %v", took)
	}
}

// TestStandardOffersTLSWhileListening: under the standard profile a
// silent service is offered TLS on the connection that listens for its
// greeting, after a short wait, and a TLS answer ends the wait; a
// service that greets late (after TLS was offered) is named by its
// greeting, and the hello sent to it is in its evidence.
func TestStandardOffersTLSWhileListening(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	cert := selfSigned(t, "listen.test", key, time.Now().Add(-time.Hour), time.Now().Add(time.Hour), x509.ECDSAWithSHA256)
	port := tlsServer(t, &tls.Config{Certificates: []tls.Certificate{cert}})
	var dials atomic.Int32
	res, err := Run(context.Background(), Options{Targets: []string{"127.0.0.1"}, Scope: []string{"127.0.0.1"}, Ports: ports(port), Profile: "standard", Dial: dialOnly(t, &dials)})
	if err != nil || res.Hosts[0].Ports[0].TLS == nil || len(res.Hosts[0].Ports[0].TLS.Versions) == 0 {
		t.Fatalf("%+v %v", res.Hosts, err)
	}
	// The first connection is the one that listens: it sends a
	// ClientHello and reads a TLS record before it closes.
	var first []string
	for _, e := range res.Transcript {
		if len(first) > 0 && first[len(first)-1] == EvClose {
			break
		}
		if e.Kind == EvOpen || len(first) > 0 {
			first = append(first, e.Kind)
		}
	}
	if want := []string{EvOpen, EvSend, EvRecv, EvClose}; !slices.Equal(first, want) {
		t.Errorf("the listening connection: %v, want %v", first, want)
	}

	late := loopback.Serve(t, func(c net.Conn) {
		time.Sleep(tlsHeadStart + 300*time.Millisecond)
		c.Write([]byte("SSH-2.0-OpenSSH_9.2p1\r\n"))
		io.Copy(io.Discard, io.LimitReader(c, 4096))
	})
	res, err = Run(context.Background(), Options{Targets: []string{"127.0.0.1"}, Scope: []string{"127.0.0.1"}, Ports: ports(late), Profile: "standard", Dial: dialOnly(t, &dials)})
	if err != nil {
		t.Fatal(err)
	}
	p := res.Hosts[0].Ports[0]
	if p.Service == nil || p.Service.Name != "ssh" || p.Service.Confidence != High || p.TLS != nil || p.TLSTried {
		t.Fatalf("late greeter: %+v", p)
	}
	sent := 0
	for _, seq := range p.Evidence {
		if e := res.Transcript[seq-1]; e.Kind == EvSend && strings.HasPrefix(e.Data, "Fg") {
			sent++
		}
	}
	if sent == 0 {
		t.Error("the hellos sent to the late greeter are not in its evidence")
	}
}

// TestSilentToHello: under the standard profile a port that says
// nothing, and answers the first ClientHello with silence for the whole
// timeout, is offered TLS once only; the result says TLS was tried.
func TestSilentToHello(t *testing.T) {
	silent := loopback.Serve(t, func(c net.Conn) { // reads all, says nothing
		c.SetDeadline(time.Now().Add(3 * time.Second))
		io.Copy(io.Discard, c)
	})
	var dials atomic.Int32
	res, err := Run(context.Background(), Options{Targets: []string{"127.0.0.1"}, Scope: []string{"127.0.0.1"}, Ports: ports(silent), Profile: "standard", Timeout: 500 * time.Millisecond, Dial: dialOnly(t, &dials)})
	if err != nil {
		t.Fatal(err)
	}
	p := res.Hosts[0].Ports[0]
	hellos := 0
	for _, e := range res.Transcript {
		if e.Kind == EvSend && strings.HasPrefix(e.Data, "Fg") { // 0x16: a handshake record
			hellos++
		}
	}
	if hellos != 1 || !p.TLSTried || p.TLS != nil {
		t.Errorf("%d ClientHellos; port %+v", hellos, p)
	}
}
