package probe

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// SSH is what a probe learned of an SSH service: its protocol version,
// the algorithms it offers (from its KEXINIT, RFC 4253 section 7.1) and
// the ways it lets users authenticate.
type SSH struct {
	// Protocol is the version of its identification string: "2.0", or
	// "1.99" for a server that speaks SSH-1 too.
	Protocol    string   `json:"protocol"`
	KeyExchange []string `json:"keyExchange"`
	HostKey     []string `json:"hostKey"`
	Ciphers     []string `json:"ciphers"`
	MACs        []string `json:"macs"`
	Compression []string `json:"compression"`
	// AuthMethods are the methods the server lists for a user that the
	// probe learned (RFC 4252's "none" request, then no credential):
	// publickey, and password or, when there is no password,
	// keyboard-interactive; PasswordAuth is set when either of those is
	// offered, null when the key exchange could not be completed.
	AuthMethods  []string `json:"authMethods"`
	PasswordAuth *bool    `json:"passwordAuth"`
	// Weak lists what is weak, one line each.
	Weak []string `json:"weak"`
}

// clientID is what the probe says it is to an SSH server.
const clientID = "SSH-2.0-mdcheck_probe"

// maxKexinit bounds the server's KEXINIT packet read (RFC 4253 asks
// implementations to take packets of 35,000 bytes).
const maxKexinit = 35000

// probeSSH reads the algorithms an SSH service offers and the methods
// it lists for authentication, sending no credential; banner is the
// identification string it sent unasked.
func probeSSH(ctx context.Context, g *guard, ap netip.AddrPort, banner string) (*SSH, []int) {
	m := sshBanner.FindStringSubmatch(banner)
	if m == nil {
		return nil, nil
	}
	s := &SSH{Protocol: m[1], KeyExchange: []string{}, HostKey: []string{}, Ciphers: []string{}, MACs: []string{}, Compression: []string{}, AuthMethods: []string{}, Weak: []string{}}
	var seqs []int
	if strings.HasPrefix(s.Protocol, "1.") {
		s.Weak = append(s.Weak, "SSH protocol 1 offered ("+s.Protocol+")")
	}
	// The algorithms: our identification string, then the server's
	// KEXINIT, which it sends in clear.
	err := g.exchange(ctx, ap, &seqs, func(nc net.Conn) error { return kexinit(nc, s) })
	if errors.Is(err, errNotOpen) {
		return nil, seqs
	}
	if err != nil {
		s.Weak = append(s.Weak, "its key exchange offer could not be read: "+err.Error())
		return s, seqs
	}
	s.Weak = append(s.Weak, weakSSH(s)...)
	// The authentication methods: a key exchange with x/crypto/ssh,
	// then a "none" request, which the server answers with its methods.
	var methods []string
	err = g.exchange(ctx, ap, &seqs, func(nc net.Conn) (err error) {
		methods, err = authMethods(nc, g.lim.Timeout)
		return err
	})
	if errors.Is(err, errNotOpen) {
		return s, seqs
	}
	if err != nil {
		s.Weak = append(s.Weak, "authentication methods not learned: "+err.Error())
		return s, seqs
	}
	s.AuthMethods = methods
	pw := slices.Contains(methods, "password") || slices.Contains(methods, "keyboard-interactive")
	s.PasswordAuth = &pw
	if pw {
		s.Weak = append(s.Weak, "password authentication offered")
	}
	return s, seqs
}

// kexinit sends the probe's identification string and reads the
// server's, then its KEXINIT, into s.
func kexinit(nc io.ReadWriter, s *SSH) error {
	if _, err := nc.Write([]byte(clientID + "\r\n")); err != nil {
		return err
	}
	r := bufio.NewReaderSize(&limited{r: nc, n: maxKexinit + 8192}, 4096)
	// The server's identification string (and any lines before it).
	for line := 0; ; line++ {
		l, err := readLine(r, 255)
		if err != nil {
			return err
		}
		if strings.HasPrefix(l, "SSH-") {
			break
		}
		if line > 20 {
			return errors.New("no identification string")
		}
	}
	var hdr [5]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return err
	}
	n, pad := int(binary.BigEndian.Uint32(hdr[:4])), int(hdr[4])
	if n < 2 || n > maxKexinit || pad >= n {
		return fmt.Errorf("a packet of %d bytes", n)
	}
	p := make([]byte, n-1)
	if _, err := io.ReadFull(r, p); err != nil {
		return err
	}
	return readKexinit(p[:len(p)-pad], s)
}

// readKexinit reads a KEXINIT payload's name-lists into s.
func readKexinit(p []byte, s *SSH) error {
	if len(p) < 17 || p[0] != 20 {
		return errors.New("not a KEXINIT")
	}
	p = p[17:]
	var lists [10][]string
	for i := range lists {
		if len(p) < 4 {
			return errors.New("a KEXINIT cut short")
		}
		n := int(binary.BigEndian.Uint32(p))
		if n > len(p)-4 {
			return errors.New("a KEXINIT name-list runs past its end")
		}
		if n > 0 {
			lists[i] = strings.Split(string(p[4:4+n]), ",")
		}
		p = p[4+n:]
	}
	union := func(a, b []string) []string {
		out := slices.Clone(a)
		for _, x := range b {
			if !slices.Contains(out, x) {
				out = append(out, x)
			}
		}
		if out == nil {
			out = []string{}
		}
		return out
	}
	s.KeyExchange, s.HostKey = union(lists[0], nil), union(lists[1], nil)
	s.Ciphers, s.MACs, s.Compression = union(lists[2], lists[3]), union(lists[4], lists[5]), union(lists[6], lists[7])
	return nil
}

// limited reads at most n bytes of r.
type limited struct {
	r io.Reader
	n int
}

func (l *limited) Read(b []byte) (int, error) {
	if l.n <= 0 {
		return 0, errors.New("more than the bound of an SSH greeting")
	}
	b = b[:min(len(b), l.n)]
	n, err := l.r.Read(b)
	l.n -= n
	return n, err
}

func readLine(r io.Reader, max int) (string, error) {
	var b []byte
	one := make([]byte, 1)
	for len(b) < max {
		if _, err := io.ReadFull(r, one); err != nil {
			return "", err
		}
		if one[0] == '\n' {
			return strings.TrimRight(string(b), "\r"), nil
		}
		b = append(b, one[0])
	}
	return "", fmt.Errorf("a line longer than %d bytes", max)
}

// errNoCredential stops x/crypto/ssh from sending a password.
var errNoCredential = errors.New("the probe sends no credential")

// authMethods completes a key exchange over nc and asks for the methods
// a user may authenticate with, sending none: x/crypto/ssh sends the
// "none" request, and reports the methods the server lists through the
// callbacks, which refuse to give a credential.
func authMethods(nc net.Conn, timeout time.Duration) ([]string, error) {
	var methods []string
	cfg := &ssh.ClientConfig{
		User: "mdcheck-probe",
		// Each callback runs only for a method the server lists. No key
		// is offered (none is sent for a list without keys); the first
		// of password and keyboard-interactive offered ends the
		// exchange before anything is answered.
		Auth: []ssh.AuthMethod{
			ssh.PublicKeysCallback(func() ([]ssh.Signer, error) { methods = append(methods, "publickey"); return nil, nil }),
			ssh.PasswordCallback(func() (string, error) { methods = append(methods, "password"); return "", errNoCredential }),
			ssh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) {
				methods = append(methods, "keyboard-interactive")
				return nil, errNoCredential
			}),
		},
		// The host key is read, not trusted.
		HostKeyCallback: ssh.InsecureIgnoreHostKey(),
		Timeout:         timeout,
		ClientVersion:   clientID,
	}
	algs := ssh.SupportedAlgorithms()
	insecure := ssh.InsecureAlgorithms()
	cfg.KeyExchanges = append(algs.KeyExchanges, insecure.KeyExchanges...)
	cfg.Ciphers = append(algs.Ciphers, insecure.Ciphers...)
	cfg.MACs = append(algs.MACs, insecure.MACs...)
	cfg.HostKeyAlgorithms = append(algs.HostKeys, insecure.HostKeys...)
	nc.SetDeadline(time.Now().Add(3 * timeout))
	conn, _, _, err := ssh.NewClientConn(nc, "", cfg)
	if err == nil {
		conn.Close()
		return nil, errors.New("the server let the probe in without authenticating")
	}
	if !errors.Is(err, errNoCredential) && !strings.Contains(err.Error(), "unable to authenticate") {
		return nil, err
	}
	if methods == nil {
		methods = []string{}
	}
	return methods, nil
}

// weakSSH names the weak algorithms an SSH server offers.
func weakSSH(s *SSH) []string {
	var out []string
	check := func(kind string, list []string, weak func(string) bool) {
		var bad []string
		for _, a := range list {
			if weak(a) {
				bad = append(bad, a)
			}
		}
		if len(bad) > 0 {
			out = append(out, fmt.Sprintf("weak %s offered: %s", kind, strings.Join(bad, ", ")))
		}
	}
	check("key exchange", s.KeyExchange, func(a string) bool {
		return strings.HasSuffix(a, "-sha1") || strings.Contains(a, "group1-") || strings.HasPrefix(a, "rsa1024")
	})
	check("host key", s.HostKey, func(a string) bool { return a == "ssh-dss" || a == "ssh-rsa" })
	check("cipher", s.Ciphers, func(a string) bool {
		return a == "none" || strings.HasSuffix(a, "-cbc") || strings.HasPrefix(a, "arcfour") || a == "rijndael-cbc@lysator.liu.se"
	})
	check("MAC", s.MACs, func(a string) bool {
		return a == "none" || strings.Contains(a, "md5") || strings.HasPrefix(a, "hmac-sha1") || strings.HasPrefix(a, "umac-64") || strings.Contains(a, "-96")
	})
	return out
}
