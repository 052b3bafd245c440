package probe

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/mdcheck/mdcheck/internal/probe/certs"
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
// sends (certs.Read judges it).
type Certificate = certs.Certificate

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
		t.Certificate = certs.Read(chain, host, now)
		for _, p := range t.Certificate.Problems {
			t.Weak = append(t.Weak, "certificate: "+p)
		}
	}
	return t, seqs
}

// exchangeOver is exchange, talking over TLS when on: the service's
// certificate is read, not trusted (the TLS checks judge it).
func (g *guard) exchangeOver(ctx context.Context, ap netip.AddrPort, seqs *[]int, on bool, talk func(net.Conn) error) error {
	return g.exchange(ctx, ap, seqs, func(nc net.Conn) error {
		if on {
			tc, err := g.handshake(ctx, nc, &tls.Config{InsecureSkipVerify: true})
			if err != nil {
				return err
			}
			nc = tc
		}
		return talk(nc)
	})
}

// handshake runs a TLS client handshake with cfg over nc, within the
// timeout.
func (g *guard) handshake(ctx context.Context, nc net.Conn, cfg *tls.Config) (*tls.Conn, error) {
	tc := tls.Client(nc, cfg)
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
// chain is not verified (certs.Read judges it).
func tls13Chain(ctx context.Context, g *guard, ap netip.AddrPort, host string, seqs *[]int) ([][]byte, bool) {
	var out [][]byte
	stapled := false
	g.exchange(ctx, ap, seqs, func(nc net.Conn) error {
		// The chain is read, not trusted: certs.Read judges it.
		cfg := &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS13}
		if _, err := netip.ParseAddr(host); err != nil {
			cfg.ServerName = host
		}
		tc, err := g.handshake(ctx, nc, cfg)
		if err != nil {
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
