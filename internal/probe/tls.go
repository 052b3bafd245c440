package probe

import (
	"bytes"
	"context"
	//lint:ignore SA1019 to name the key of an old device's certificate
	"crypto/dsa"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/mdcheck/mdcheck/internal/probe/tlswire"
)

// tlsPorts are the ports of services that speak TLS from the first
// byte: the only ones the safe profile sends a ClientHello to. The
// standard profile tries every open port that said nothing unasked.
var tlsPorts = map[int]bool{443: true, 465: true, 636: true, 993: true, 995: true, 2762: true, 5671: true, 6514: true, 8443: true, 8883: true}

// TLS is what a probe learned of a TLS service.
type TLS struct {
	// Versions are the versions the service accepts, oldest first, each
	// with the cipher suites it accepts under it; Refused those it
	// refuses.
	Versions []TLSVersion `json:"versions"`
	Refused  []string     `json:"refused"`
	// SecureRenegotiation: the service answers RFC 5746's
	// renegotiation_info (without it, renegotiation is insecure).
	SecureRenegotiation bool `json:"secureRenegotiation"`
	// Compression: the service accepts DEFLATE (CRIME).
	Compression bool `json:"compression"`
	// OCSPStapling: the service staples an OCSP response.
	OCSPStapling bool         `json:"ocspStapling"`
	Certificate  *Certificate `json:"certificate,omitempty"`
	// Weak lists what is weak, one line each: legacy versions, weak
	// suites, certificate problems.
	Weak []string `json:"weak"`
}

// TLSVersion is one accepted version and its suites.
type TLSVersion struct {
	Version string     `json:"version"`
	Suites  []TLSSuite `json:"suites"`
}

// TLSSuite is one accepted cipher suite, by its IANA name.
type TLSSuite struct {
	Name     string `json:"name"`
	Weakness string `json:"weakness,omitempty"`
}

// Certificate is the service's certificate, read from the chain it
// sends.
type Certificate struct {
	Subject            string    `json:"subject"`
	Issuer             string    `json:"issuer"`
	Names              []string  `json:"names"`
	NotBefore          time.Time `json:"notBefore"`
	NotAfter           time.Time `json:"notAfter"`
	KeyType            string    `json:"keyType"`
	KeyBits            int       `json:"keyBits"`
	SignatureAlgorithm string    `json:"signatureAlgorithm"`
	SelfSigned         bool      `json:"selfSigned"`
	Chain              int       `json:"chain"`
	// NameMatches says whether the certificate names the target as the
	// operator gave it (null when the target was an address the
	// certificate need not name).
	NameMatches *bool    `json:"nameMatches"`
	Problems    []string `json:"problems"`
}

// hello sends a ClientHello on a new connection and reads the answer;
// nil when the port gave none that is TLS (or the probe must stop).
func hello(ctx context.Context, g *guard, ap netip.AddrPort, h tlswire.Hello, seqs *[]int) (*tlswire.Answer, error) {
	var a *tlswire.Answer
	err := g.exchange(ctx, ap, seqs, func(nc net.Conn) error {
		if _, err := nc.Write(h.Marshal()); err != nil {
			return err
		}
		var err error
		a, err = tlswire.ReadAnswer(nc)
		return err
	})
	return a, err
}

// probeTLS learns which versions and suites the service at ap accepts
// and reads its certificate; host is the target as the operator named
// it. It returns nil when the service does not speak TLS.
func probeTLS(ctx context.Context, g *guard, ap netip.AddrPort, host string, now time.Time) (*TLS, []int) {
	var seqs []int
	t := &TLS{Versions: []TLSVersion{}, Refused: []string{}, Weak: []string{}}
	spoke := false
	var chain [][]byte
	var got []uint16 // the versions of t.Versions
	for _, v := range slices.Backward(tlswire.Versions) {
		offered := tlswire.Suites(v)
		var accepted []TLSSuite
		for len(offered) > 0 && ctx.Err() == nil {
			a, err := hello(ctx, g, ap, tlswire.Hello{Version: v, Suites: offered, ServerName: host, StatusRequest: true}, &seqs)
			if err != nil || a.Alert >= 0 || a.Version != v || !slices.Contains(offered, a.Suite) {
				spoke = spoke || err == nil
				break
			}
			spoke = true
			if len(accepted) == 0 && v < tlswire.TLS13 {
				t.SecureRenegotiation = t.SecureRenegotiation || a.SecureRenegotiation
				t.OCSPStapling = t.OCSPStapling || a.Stapled
				if chain == nil {
					chain = a.Certificates
				}
			}
			accepted = append(accepted, TLSSuite{Name: tlswire.SuiteName(a.Suite), Weakness: tlswire.Weakness(a.Suite)})
			offered = slices.DeleteFunc(offered, func(s uint16) bool { return s == a.Suite })
		}
		if !spoke {
			if v == tlswire.TLS13 {
				continue // try the most common hello before giving up
			}
			return nil, seqs // not a word of TLS to either
		}
		if len(accepted) == 0 {
			t.Refused = append(t.Refused, tlswire.VersionName(v))
			continue
		}
		t.Versions = append(t.Versions, TLSVersion{Version: tlswire.VersionName(v), Suites: accepted})
		got = append(got, v)
	}
	if !spoke {
		return nil, seqs
	}
	slices.Reverse(t.Versions)
	slices.Reverse(t.Refused)
	slices.Reverse(got)
	// What is weak: each legacy version, then each weak suite once, with
	// the versions it is accepted under.
	var weak []TLSSuite
	under := map[string][]string{}
	legacy := uint16(0) // the newest version accepted before TLS 1.3
	for i, v := range t.Versions {
		if got[i] < tlswire.TLS12 {
			t.Weak = append(t.Weak, v.Version+" accepted")
		}
		if got[i] < tlswire.TLS13 {
			legacy = got[i]
		}
		for _, s := range v.Suites {
			if s.Weakness != "" {
				if under[s.Name] == nil {
					weak = append(weak, s)
				}
				under[s.Name] = append(under[s.Name], v.Version)
			}
		}
	}
	for _, s := range weak {
		t.Weak = append(t.Weak, fmt.Sprintf("%s (%s) under %s", s.Name, s.Weakness, strings.Join(under[s.Name], ", ")))
	}
	if len(got) == 0 {
		return t, seqs
	}
	if legacy != 0 {
		// Compression, offered at the newest version before TLS 1.3.
		if a, err := hello(ctx, g, ap, tlswire.Hello{Version: legacy, Suites: tlswire.Suites(legacy), ServerName: host, Deflate: true}, &seqs); err == nil && a.Alert < 0 && a.Compression != 0 {
			t.Compression = true
			t.Weak = append(t.Weak, "TLS compression accepted (CRIME)")
		}
		if !t.SecureRenegotiation {
			t.Weak = append(t.Weak, "no secure renegotiation (RFC 5746)")
		}
	}
	if chain == nil && got[len(got)-1] == tlswire.TLS13 {
		var stapled bool
		chain, stapled = tls13Chain(ctx, g, ap, host, &seqs)
		t.OCSPStapling = t.OCSPStapling || stapled
	}
	if len(chain) > 0 {
		t.Certificate = readCertificate(chain, host, now)
		for _, p := range t.Certificate.Problems {
			t.Weak = append(t.Weak, "certificate: "+p)
		}
	}
	return t, seqs
}

// inTLS is nc, or, when on, a TLS client over it: the service's
// certificate is read, not trusted (the TLS checks judge it).
func (g *guard) inTLS(ctx context.Context, nc net.Conn, on bool) (net.Conn, error) {
	if !on {
		return nc, nil
	}
	tc := tls.Client(nc, &tls.Config{InsecureSkipVerify: true})
	hctx, cancel := context.WithTimeout(ctx, g.lim.Timeout)
	defer cancel()
	if err := tc.HandshakeContext(hctx); err != nil {
		return nil, err
	}
	return tc, nil
}

// tls13Chain reads the certificate chain of a TLS 1.3 service, which
// sends it encrypted, with crypto/tls over a guarded connection, and
// whether it staples an OCSP response (crypto/tls asks for one); the
// chain is not verified (readCertificate judges it).
func tls13Chain(ctx context.Context, g *guard, ap netip.AddrPort, host string, seqs *[]int) ([][]byte, bool) {
	var out [][]byte
	stapled := false
	g.exchange(ctx, ap, seqs, func(nc net.Conn) error {
		// The chain is read, not trusted: readCertificate judges it.
		cfg := &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS13}
		if _, err := netip.ParseAddr(host); err != nil {
			cfg.ServerName = host
		}
		tc := tls.Client(nc, cfg)
		hctx, cancel := context.WithTimeout(ctx, g.lim.Timeout)
		defer cancel()
		if err := tc.HandshakeContext(hctx); err != nil {
			return err
		}
		st := tc.ConnectionState()
		for _, cert := range st.PeerCertificates {
			out = append(out, cert.Raw)
		}
		stapled = len(st.OCSPResponse) > 0
		return nil
	})
	return out, stapled
}

// readCertificate judges the leaf of chain, and the chain: expiry, a
// self-signed leaf, the key's type and size, the signature algorithm,
// whether it names host, weak links.
func readCertificate(chain [][]byte, host string, now time.Time) *Certificate {
	out := &Certificate{Chain: len(chain), Names: []string{}, Problems: []string{}}
	certs := make([]*x509.Certificate, 0, len(chain))
	for _, der := range chain {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			out.Problems = append(out.Problems, "a certificate of the chain cannot be read: "+err.Error())
			break
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return out
	}
	leaf := certs[0]
	out.Subject, out.Issuer = leaf.Subject.String(), leaf.Issuer.String()
	out.Names = append(out.Names, leaf.DNSNames...)
	for _, ip := range leaf.IPAddresses {
		out.Names = append(out.Names, ip.String())
	}
	out.NotBefore, out.NotAfter = leaf.NotBefore.UTC(), leaf.NotAfter.UTC()
	out.SignatureAlgorithm = leaf.SignatureAlgorithm.String()
	out.KeyType, out.KeyBits = keyOf(leaf)
	switch {
	case now.After(leaf.NotAfter):
		out.Problems = append(out.Problems, "expired on "+leaf.NotAfter.UTC().Format(time.DateOnly))
	case now.Before(leaf.NotBefore):
		out.Problems = append(out.Problems, "not valid before "+leaf.NotBefore.UTC().Format(time.DateOnly))
	}
	// Self-signed: issued by its own name and signed by its own key (a
	// leaf that is no CA is not one CheckSignatureFrom accepts).
	if bytes.Equal(leaf.RawSubject, leaf.RawIssuer) && leaf.CheckSignature(leaf.SignatureAlgorithm, leaf.RawTBSCertificate, leaf.Signature) == nil {
		out.SelfSigned = true
		out.Problems = append(out.Problems, "self-signed")
	}
	if weak := weakKey(out.KeyType, out.KeyBits); weak != "" {
		out.Problems = append(out.Problems, weak)
	}
	if weakSignature(leaf.SignatureAlgorithm) {
		out.Problems = append(out.Problems, "signed with "+out.SignatureAlgorithm)
	}
	if _, err := netip.ParseAddr(host); err != nil && host != "" {
		ok := leaf.VerifyHostname(host) == nil
		out.NameMatches = &ok
		if !ok {
			out.Problems = append(out.Problems, "does not name "+host)
		}
	}
	for i, c := range certs[1:] {
		typ, bits := keyOf(c)
		if w := weakKey(typ, bits); w != "" || weakSignature(c.SignatureAlgorithm) {
			out.Problems = append(out.Problems, fmt.Sprintf("weak link %d of the chain (%s): %s %d bits, signed with %s", i+2, c.Subject.CommonName, typ, bits, c.SignatureAlgorithm))
		}
	}
	return out
}

func keyOf(c *x509.Certificate) (string, int) {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return "RSA", k.N.BitLen()
	case *ecdsa.PublicKey:
		return "ECDSA", k.Curve.Params().BitSize
	case ed25519.PublicKey:
		return "Ed25519", 256
	case *dsa.PublicKey:
		return "DSA", k.P.BitLen()
	}
	return strings.TrimPrefix(c.PublicKeyAlgorithm.String(), "x509."), 0
}

// weakKey says what is weak about a key: RSA or DSA under 2048 bits,
// ECDSA under 256.
func weakKey(typ string, bits int) string {
	switch {
	case (typ == "RSA" || typ == "DSA") && bits < 2048:
		return fmt.Sprintf("%s key of %d bits (under 2048)", typ, bits)
	case typ == "ECDSA" && bits < 256:
		return fmt.Sprintf("ECDSA key of %d bits (under 256)", bits)
	case typ == "DSA":
		return "DSA key"
	}
	return ""
}

func weakSignature(a x509.SignatureAlgorithm) bool {
	switch a {
	case x509.MD2WithRSA, x509.MD5WithRSA, x509.SHA1WithRSA, x509.DSAWithSHA1, x509.ECDSAWithSHA1:
		return true
	}
	return false
}
