// Package tlswire writes TLS ClientHello messages and reads what a
// server answers, up to its certificates, from RFC 5246 (TLS 1.2, and
// the record layer of SSL 3.0 to TLS 1.1) and RFC 8446 (TLS 1.3): just
// enough to learn which protocol versions and cipher suites a server
// accepts, legacy ones that crypto/tls will not offer included, and the
// certificate chain it sends before any key is exchanged. It completes
// no handshake and holds no key: a probe closes the connection once it
// has read the answer. Every read is bounded.
package tlswire

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Protocol versions, as on the wire.
const (
	SSL30 uint16 = 0x0300
	TLS10 uint16 = 0x0301
	TLS11 uint16 = 0x0302
	TLS12 uint16 = 0x0303
	TLS13 uint16 = 0x0304
)

// Versions are the versions a probe tries, oldest first.
var Versions = []uint16{SSL30, TLS10, TLS11, TLS12, TLS13}

// VersionName is a version as people write it: "SSL 3.0", "TLS 1.2".
func VersionName(v uint16) string {
	switch v {
	case SSL30:
		return "SSL 3.0"
	case TLS10:
		return "TLS 1.0"
	case TLS11:
		return "TLS 1.1"
	case TLS12:
		return "TLS 1.2"
	case TLS13:
		return "TLS 1.3"
	}
	return fmt.Sprintf("0x%04x", v)
}

// SuiteName is a cipher suite's IANA name, or its number when it is
// not one a probe knows.
func SuiteName(id uint16) string {
	if n, ok := suiteNames[id]; ok {
		return n
	}
	return fmt.Sprintf("0x%04X", id)
}

// Suites are the suites a probe offers for version v: the TLS 1.3 ones
// for TLS 1.3, every other one for the earlier versions.
func Suites(v uint16) []uint16 {
	var out []uint16
	for id := range suiteNames {
		if (id>>8 == 0x13) == (v == TLS13) && id != 0 {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// Weakness says what is wrong with a cipher suite by today's standards
// ("" when nothing is): no encryption, no authentication, export
// strength, a broken cipher (RC4, DES, 3DES, IDEA, RC2), or CBC with
// SHA-1 or MD5 (no AEAD).
func Weakness(id uint16) string {
	n := SuiteName(id)
	switch {
	case strings.Contains(n, "_WITH_NULL_") || n == "TLS_NULL_WITH_NULL_NULL":
		return "no encryption (NULL)"
	case strings.Contains(n, "_anon_"):
		return "no authentication (anonymous)"
	case strings.Contains(n, "EXPORT"):
		return "export-grade key"
	case strings.Contains(n, "RC4"):
		return "RC4 (broken)"
	case strings.Contains(n, "3DES"):
		return "3DES (64-bit block, Sweet32)"
	case strings.Contains(n, "_DES_") || strings.Contains(n, "DES40"):
		return "DES (broken)"
	case strings.Contains(n, "IDEA") || strings.Contains(n, "RC2"):
		return "IDEA or RC2 (obsolete)"
	case strings.HasSuffix(n, "_MD5"):
		return "MD5 MAC"
	case strings.Contains(n, "_CBC_") && strings.HasSuffix(n, "_SHA"):
		return "CBC with SHA-1 (no AEAD)"
	}
	return ""
}

// Hello is a ClientHello to write.
type Hello struct {
	// Version is what the hello offers: the legacy version field for
	// SSL 3.0 to TLS 1.2; for TLS 1.3, the supported_versions extension
	// (the legacy field says TLS 1.2).
	Version uint16
	Suites  []uint16
	// ServerName is sent as SNI when it is a host name.
	ServerName string
	// Deflate offers DEFLATE compression besides none.
	Deflate bool
	// StatusRequest asks for a stapled OCSP response.
	StatusRequest bool
}

// Record content types and handshake message types.
const (
	recAlert     = 21
	recHandshake = 22

	hsClientHello       = 1
	hsServerHello       = 2
	hsCertificate       = 11
	hsServerKeyExchange = 12
	hsCertificateStatus = 22
	hsServerHelloDone   = 14
)

// Extensions.
const (
	extServerName          = 0
	extStatusRequest       = 5
	extSupportedGroups     = 10
	extECPointFormats      = 11
	extSignatureAlgorithms = 13
	extSupportedVersions   = 43
	extKeyShare            = 51
	extRenegotiationInfo   = 0xff01
)

// Marshal writes the hello as one TLS record.
func (h Hello) Marshal() []byte {
	legacy := h.Version
	if legacy > TLS12 {
		legacy = TLS12
	}
	var body []byte
	body = binary.BigEndian.AppendUint16(body, legacy)
	random := make([]byte, 32)
	rand.Read(random)
	body = append(body, random...)
	if h.Version == TLS13 {
		sid := make([]byte, 32) // a legacy session ID, as middleboxes expect
		rand.Read(sid)
		body = append(append(body, 32), sid...)
	} else {
		body = append(body, 0)
	}
	body = u16(body, len(h.Suites)*2)
	for _, s := range h.Suites {
		body = binary.BigEndian.AppendUint16(body, s)
	}
	if h.Deflate {
		body = append(body, 2, 1, 0)
	} else {
		body = append(body, 1, 0)
	}
	if h.Version != SSL30 {
		ext := h.extensions()
		body = u16(body, len(ext))
		body = append(body, ext...)
	}
	hs := append([]byte{hsClientHello}, u24(len(body))...)
	hs = append(hs, body...)
	// The record says TLS 1.0 (SSL 3.0 for an SSL 3.0 hello), as
	// servers of every age expect.
	recVersion := TLS10
	if h.Version == SSL30 {
		recVersion = SSL30
	}
	rec := []byte{recHandshake, byte(recVersion >> 8), byte(recVersion)}
	rec = u16(rec, len(hs))
	return append(rec, hs...)
}

func (h Hello) extensions() []byte {
	var out []byte
	add := func(typ uint16, data []byte) {
		out = binary.BigEndian.AppendUint16(out, typ)
		out = u16(out, len(data))
		out = append(out, data...)
	}
	if name := strings.TrimSuffix(h.ServerName, "."); name != "" && strings.ContainsAny(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") && !strings.Contains(name, ":") {
		entry := append([]byte{0}, u16(nil, len(name))...)
		entry = append(entry, name...)
		add(extServerName, u16(nil, len(entry), entry...))
	}
	if h.StatusRequest {
		add(extStatusRequest, []byte{1, 0, 0, 0, 0})
	}
	// x25519, secp256r1, secp384r1, secp521r1, ffdhe2048, ffdhe3072
	add(extSupportedGroups, u16(nil, 12, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18, 0x00, 0x19, 0x01, 0x00, 0x01, 0x01))
	add(extECPointFormats, []byte{1, 0})
	if h.Version >= TLS12 {
		// ECDSA and RSA-PSS and PKCS#1 with SHA-256/384/512, Ed25519,
		// then SHA-1 ones that old servers still sign with.
		algs := []uint16{0x0403, 0x0503, 0x0603, 0x0807, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0203, 0x0201}
		var b []byte
		for _, a := range algs {
			b = binary.BigEndian.AppendUint16(b, a)
		}
		add(extSignatureAlgorithms, u16(nil, len(b), b...))
	}
	if h.Version == TLS13 {
		add(extSupportedVersions, []byte{2, 0x03, 0x04})
		// A key share for x25519: random bytes are a valid public key.
		key := make([]byte, 32)
		rand.Read(key)
		share := append([]byte{0x00, 0x1d, 0x00, 32}, key...)
		add(extKeyShare, u16(nil, len(share), share...))
	} else {
		add(extRenegotiationInfo, []byte{0})
	}
	return out
}

func u16(b []byte, n int, rest ...byte) []byte {
	return append(binary.BigEndian.AppendUint16(b, uint16(n)), rest...)
}

func u24(n int) []byte { return []byte{byte(n >> 16), byte(n >> 8), byte(n)} }

// Answer is what a server answered a hello with, up to its
// certificates: an alert, or a ServerHello and what followed it.
type Answer struct {
	// Alert is the alert description when the server refused
	// (40 handshake_failure, 70 protocol_version, ...), -1 when none.
	Alert int
	// Version is the version the server chose (from supported_versions
	// for TLS 1.3); Suite the cipher suite; Compression the method (0
	// none, 1 DEFLATE).
	Version     uint16
	Suite       uint16
	Compression uint8
	// SecureRenegotiation is set when the server answered the
	// renegotiation_info extension (RFC 5746).
	SecureRenegotiation bool
	// Certificates is the chain the server sent (DER, leaf first):
	// for TLS 1.2 and earlier only, where it travels in clear.
	Certificates [][]byte
	// Stapled is set when the server sent an OCSP response
	// (CertificateStatus).
	Stapled bool
	// Done is set when the answer ended as TLS ends it: an alert, a TLS
	// 1.3 ServerHello (the rest is encrypted), a ServerHelloDone or the
	// first encrypted record; not when the bytes ran out.
	Done bool
}

// Limits of what is read of an answer.
const (
	// MaxAnswer bounds the bytes read of an answer: a chain of ten
	// certificates of 16 KiB each, and the rest.
	MaxAnswer = 192 << 10
	maxRecord = 16384 + 2048
)

// ErrNotTLS is an answer that is not TLS.
var ErrNotTLS = errors.New("the answer is not TLS")

// ReadAnswer reads a server's answer to a hello from r: records until
// an alert, or a ServerHello and, before TLS 1.3, its messages up to
// ServerHelloDone (or the first that is not read in clear). It reads at
// most MaxAnswer bytes.
func ReadAnswer(r io.Reader) (*Answer, error) {
	r = io.LimitReader(r, MaxAnswer)
	a := &Answer{Alert: -1}
	var hs []byte // handshake bytes not yet read as messages
	hello := false
	for {
		var hdr [5]byte
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			if hello {
				return a, nil // a server may stop after its hello
			}
			if errors.Is(err, io.EOF) {
				return nil, fmt.Errorf("the server closed the connection without answering")
			}
			return nil, fmt.Errorf("reading a record: %w", err)
		}
		typ, n := hdr[0], int(binary.BigEndian.Uint16(hdr[3:]))
		if hdr[1] != 3 || hdr[2] > 4 || n > maxRecord || (typ != recAlert && typ != recHandshake && typ != 20 && typ != 23) {
			if hello {
				return a, nil
			}
			return nil, ErrNotTLS
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(r, body); err != nil {
			return nil, fmt.Errorf("reading a record of %d bytes: %w", n, err)
		}
		switch typ {
		case recAlert:
			a.Done = true
			if hello {
				return a, nil
			}
			if len(body) < 2 {
				return nil, errors.New("an alert of fewer than 2 bytes")
			}
			a.Alert = int(body[1])
			return a, nil
		case recHandshake:
			hs = append(hs, body...)
		default: // ChangeCipherSpec, application data: encrypted from here
			if hello {
				a.Done = true
				return a, nil
			}
			return nil, errors.New("encrypted data before a ServerHello")
		}
		for len(hs) >= 4 {
			mt, ml := hs[0], int(hs[1])<<16|int(hs[2])<<8|int(hs[3])
			if ml > MaxAnswer {
				return nil, fmt.Errorf("a handshake message of %d bytes", ml)
			}
			if len(hs) < 4+ml {
				break
			}
			msg := hs[4 : 4+ml]
			hs = hs[4+ml:]
			switch {
			case !hello && mt != hsServerHello:
				return nil, fmt.Errorf("handshake message %d before the ServerHello", mt)
			case mt == hsServerHello:
				if hello {
					return nil, errors.New("a second ServerHello")
				}
				if err := a.readServerHello(msg); err != nil {
					return nil, err
				}
				hello = true
				if a.Version == TLS13 {
					a.Done = true
					return a, nil // the rest is encrypted
				}
			case mt == hsCertificate:
				if err := a.readCertificates(msg); err != nil {
					return nil, err
				}
			case mt == hsCertificateStatus:
				a.Stapled = true
			case mt == hsServerHelloDone:
				a.Done = true
				return a, nil
			case mt == hsServerKeyExchange:
			}
		}
	}
}

// reader reads a message's fields, noting the first field that runs
// past its end.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) take(n int) []byte {
	if r.bad || n > len(r.b) {
		r.bad = true
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) u8() int { b := r.take(1); return int(at(b, 0)) }
func (r *reader) u16() int {
	b := r.take(2)
	return int(at(b, 0))<<8 | int(at(b, 1))
}
func (r *reader) u24() int {
	b := r.take(3)
	return int(at(b, 0))<<16 | int(at(b, 1))<<8 | int(at(b, 2))
}

func at(b []byte, i int) byte {
	if i < len(b) {
		return b[i]
	}
	return 0
}

func (a *Answer) readServerHello(msg []byte) error {
	r := &reader{b: msg}
	a.Version = uint16(r.u16())
	r.take(32)
	r.take(r.u8())
	a.Suite = uint16(r.u16())
	a.Compression = uint8(r.u8())
	if r.bad {
		return errors.New("a ServerHello cut short")
	}
	if len(r.b) == 0 {
		return nil
	}
	exts := &reader{b: r.take(r.u16())}
	for len(exts.b) > 0 && !exts.bad {
		typ := exts.u16()
		data := exts.take(exts.u16())
		switch typ {
		case extSupportedVersions:
			if len(data) == 2 {
				a.Version = uint16(data[0])<<8 | uint16(data[1])
			}
		case extRenegotiationInfo:
			a.SecureRenegotiation = true
		}
	}
	if r.bad || exts.bad {
		return errors.New("a ServerHello's extensions cut short")
	}
	return nil
}

func (a *Answer) readCertificates(msg []byte) error {
	r := &reader{b: msg}
	list := &reader{b: r.take(r.u24())}
	for len(list.b) > 0 && !list.bad {
		der := list.take(list.u24())
		if !list.bad {
			a.Certificates = append(a.Certificates, slices.Clone(der))
		}
	}
	if r.bad || list.bad {
		return errors.New("a Certificate message cut short")
	}
	return nil
}
