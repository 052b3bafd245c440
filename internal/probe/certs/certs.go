// Package certs reads and judges the certificate chain a TLS service
// sends: expiry, a self-signed leaf, the key's type and size, the
// signature algorithm, the names, weak links.
package certs

import (
	"bytes"
	//lint:ignore SA1019 to name the key of an old device's certificate
	"crypto/dsa"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"net/netip"
	"strings"
	"time"
)

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

// Read judges the leaf of chain, and the chain: expiry, a
// self-signed leaf, the key's type and size, the signature algorithm,
// whether it names host, weak links.
func Read(chain [][]byte, host string, now time.Time) *Certificate {
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
