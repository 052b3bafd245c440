package tlswire

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"math/big"
	"net"
	"os/exec"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// TestSuiteNames: every suite Go's crypto/tls names has the same IANA
// name here, and so has every one the system's OpenSSL lists.
func TestSuiteNames(t *testing.T) {
	for _, s := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		if got := SuiteName(s.ID); got != s.Name {
			t.Errorf("0x%04X: %s, crypto/tls says %s", s.ID, got, s.Name)
		}
	}
	out, err := exec.Command("openssl", "ciphers", "-stdname", "-V", "ALL:COMPLEMENTOFALL:@SECLEVEL=0").Output()
	if err != nil {
		t.Skipf("openssl ciphers: %v", err)
	}
	re := regexp.MustCompile(`0x([0-9A-F]{2}),0x([0-9A-F]{2}) - (\S+)`)
	n := 0
	for _, m := range re.FindAllStringSubmatch(string(out), -1) {
		id, _ := strconv.ParseUint(m[1]+m[2], 16, 16)
		if name, ok := suiteNames[uint16(id)]; ok {
			n++
			if name != m[3] {
				t.Errorf("0x%04X: %s, OpenSSL says %s", id, name, m[3])
			}
		}
	}
	if n < 60 {
		t.Errorf("only %d suites in common with OpenSSL", n)
	}
}

func TestWeakness(t *testing.T) {
	for id, want := range map[uint16]string{
		0x0005: "RC4 (broken)", 0x000A: "3DES (64-bit block, Sweet32)", 0x0002: "no encryption (NULL)", 0x0034: "no authentication (anonymous)",
		0x0003: "no encryption (NULL)"[:0] + "export-grade key", 0x002F: "CBC with SHA-1 (no AEAD)", 0xC02F: "", 0x1301: "", 0x0009: "DES (broken)",
	} {
		if got := Weakness(id); got != want {
			t.Errorf("Weakness(%s) = %q, want %q", SuiteName(id), got, want)
		}
	}
}

func certificate(t testing.TB) tls.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "device.test"}, DNSNames: []string{"device.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// ask sends h to a Go TLS server configured by cfg and reads its answer.
func ask(t *testing.T, cfg *tls.Config, h Hello) *Answer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		s := tls.Server(c, cfg)
		s.SetDeadline(time.Now().Add(3 * time.Second))
		s.Handshake()
	}()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(3 * time.Second))
	if _, err := c.Write(h.Marshal()); err != nil {
		t.Fatal(err)
	}
	a, err := ReadAnswer(c)
	if err != nil {
		t.Fatalf("answer to %s: %v", VersionName(h.Version), err)
	}
	return a
}

// TestAgainstGoServer: a Go TLS server's answers to hellos of each
// version, with legacy suites it was told to accept.
func TestAgainstGoServer(t *testing.T) {
	cert := certificate(t)
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS12,
		CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_RC4_128_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}}
	a := ask(t, cfg, Hello{Version: TLS12, Suites: Suites(TLS12), ServerName: "device.test"})
	if a.Alert != -1 || a.Version != TLS12 || SuiteName(a.Suite) == "" || len(a.Certificates) != 1 || !bytes.Equal(a.Certificates[0], cert.Certificate[0]) || !a.SecureRenegotiation {
		t.Errorf("TLS 1.2: %+v", a)
	}
	// Offered only RC4, the server takes it.
	if a := ask(t, cfg, Hello{Version: TLS10, Suites: []uint16{0xC007}}); a.Version != TLS10 || a.Suite != 0xC007 {
		t.Errorf("TLS 1.0 with RC4 only: %+v", a)
	}
	// Offered none it accepts, it refuses.
	if a := ask(t, cfg, Hello{Version: TLS12, Suites: []uint16{0x0005, 0x000A}}); a.Alert != 40 {
		t.Errorf("suites it does not accept: %+v", a)
	}
	// SSL 3.0 is refused.
	if a := ask(t, cfg, Hello{Version: SSL30, Suites: Suites(SSL30)}); a.Alert < 0 {
		t.Errorf("SSL 3.0: %+v", a)
	}
	// TLS 1.3: the version comes from supported_versions.
	cfg13 := &tls.Config{Certificates: []tls.Certificate{cert}}
	if a := ask(t, cfg13, Hello{Version: TLS13, Suites: Suites(TLS13)}); a.Version != TLS13 || a.Suite>>8 != 0x13 || len(a.Certificates) != 0 {
		t.Errorf("TLS 1.3: %+v", a)
	}
	if a := ask(t, cfg, Hello{Version: TLS13, Suites: Suites(TLS13)}); a.Alert < 0 && a.Version == TLS13 {
		t.Errorf("TLS 1.3 to a server of at most 1.2: %+v", a)
	}
}

// answer builds a server's answer: a ServerHello of version v and suite
// s, then a Certificate of certs and a ServerHelloDone, split over
// records of at most split bytes.
func answer(v, s uint16, certs [][]byte, split int) []byte {
	var hello []byte
	hello = binary.BigEndian.AppendUint16(hello, v)
	hello = append(hello, make([]byte, 32)...)
	hello = append(hello, 0)
	hello = binary.BigEndian.AppendUint16(hello, s)
	hello = append(hello, 0)
	ext := []byte{0xff, 0x01, 0, 1, 0}
	hello = append(u16(hello, len(ext)), ext...)
	msgs := append([]byte{hsServerHello}, u24(len(hello))...)
	msgs = append(msgs, hello...)
	var list []byte
	for _, c := range certs {
		list = append(append(list, u24(len(c))...), c...)
	}
	body := append(u24(len(list)), list...)
	msgs = append(append(msgs, hsCertificate), u24(len(body))...)
	msgs = append(msgs, body...)
	msgs = append(msgs, hsServerHelloDone, 0, 0, 0)
	var out []byte
	for len(msgs) > 0 {
		n := min(split, len(msgs))
		out = append(out, recHandshake, 3, 3)
		out = u16(out, n)
		out = append(out, msgs[:n]...)
		msgs = msgs[n:]
	}
	return out
}

func TestReadAnswerRecords(t *testing.T) {
	certs := [][]byte{bytes.Repeat([]byte{1}, 3000), bytes.Repeat([]byte{2}, 20)}
	for _, split := range []int{7, 100, 16384} {
		a, err := ReadAnswer(bytes.NewReader(answer(TLS12, 0xC02F, certs, split)))
		if err != nil || a.Version != TLS12 || a.Suite != 0xC02F || len(a.Certificates) != 2 || len(a.Certificates[0]) != 3000 || !a.SecureRenegotiation {
			t.Errorf("split %d: %+v %v", split, a, err)
		}
	}
	for name, b := range map[string][]byte{
		"http":      []byte("HTTP/1.1 400 Bad Request\r\n\r\n"),
		"empty":     nil,
		"cut":       answer(TLS12, 0xC02F, nil, 100)[:20],
		"huge":      append([]byte{recHandshake, 3, 3, 0xff, 0xff}, make([]byte, 70000)...),
		"bad alert": {recAlert, 3, 3, 0, 1, 2},
	} {
		if a, err := ReadAnswer(bytes.NewReader(b)); err == nil {
			t.Errorf("%s: read as %+v", name, a)
		}
	}
	// A chain larger than MaxAnswer is not read whole.
	big := answer(TLS12, 0xC02F, [][]byte{make([]byte, MaxAnswer)}, 16384)
	if _, err := ReadAnswer(bytes.NewReader(big)); err == nil {
		t.Errorf("a chain over the bound was read")
	}
}

// FuzzReadAnswer: any answer is read or refused without panic, within
// its bound.
func FuzzReadAnswer(f *testing.F) {
	f.Add(answer(TLS12, 0xC02F, [][]byte{{1, 2, 3}}, 16384))
	f.Add(answer(TLS10, 0x0005, nil, 9))
	f.Add([]byte{recAlert, 3, 1, 0, 2, 2, 40})
	f.Add([]byte("SSH-2.0-OpenSSH_9.2\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := ReadAnswer(bytes.NewReader(b))
		if err == nil && a == nil {
			t.Fatal("no answer and no error")
		}
		if a != nil {
			n := 0
			for _, c := range a.Certificates {
				n += len(c)
			}
			if n > MaxAnswer {
				t.Errorf("%d bytes of certificates", n)
			}
		}
	})
}

// FuzzHello: every hello is one well-formed record whose lengths add up.
func FuzzHello(f *testing.F) {
	f.Add(uint16(TLS12), "device.test", true, true, 40)
	f.Add(uint16(TLS13), "", false, false, 5)
	f.Add(uint16(SSL30), "10.0.0.1", false, true, 0)
	f.Fuzz(func(t *testing.T, v uint16, name string, deflate, status bool, n int) {
		if len(name) > 255 {
			return
		}
		suites := Suites(TLS12)
		if n >= 0 && n < len(suites) {
			suites = suites[:n]
		}
		b := Hello{Version: v, Suites: suites, ServerName: name, Deflate: deflate, StatusRequest: status}.Marshal()
		if len(b) < 9 || b[0] != recHandshake || int(binary.BigEndian.Uint16(b[3:5])) != len(b)-5 || b[5] != hsClientHello ||
			int(b[6])<<16|int(b[7])<<8|int(b[8]) != len(b)-9 {
			t.Errorf("hello %x", b)
		}
	})
}
