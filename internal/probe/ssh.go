package probe

import (
	"context"
	"errors"
	"io"
	"net"
	"net/netip"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/mdcheck/mdcheck/internal/probe/ident"
	"github.com/mdcheck/mdcheck/internal/probe/wire"
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

// probeSSH reads the algorithms an SSH service offers and the methods
// it lists for authentication, sending no credential; banner is the
// identification string it sent unasked.
func probeSSH(ctx context.Context, g *guard, ap netip.AddrPort, banner string) (*SSH, []int) {
	m := ident.SSHBanner.FindStringSubmatch(banner)
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
	s.Weak = append(s.Weak, wire.WeakSSH(wire.SSHAlgorithms{KeyExchange: s.KeyExchange, HostKey: s.HostKey, Ciphers: s.Ciphers, MACs: s.MACs})...)
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
	a, err := wire.ReadKexinit(nc)
	if err != nil {
		return err
	}
	s.KeyExchange, s.HostKey, s.Ciphers, s.MACs, s.Compression = a.KeyExchange, a.HostKey, a.Ciphers, a.MACs, a.Compression
	return nil
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
