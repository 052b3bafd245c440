package wire

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// SSHAlgorithms are the algorithms an SSH server's KEXINIT offers (RFC
// 4253 section 7.1), each name-list of the two directions joined.
type SSHAlgorithms struct {
	KeyExchange, HostKey, Ciphers, MACs, Compression []string
}

// MaxKexinit bounds the server's KEXINIT packet read (RFC 4253 asks
// implementations to take packets of 35,000 bytes).
const MaxKexinit = 35000

// ReadKexinit reads what an SSH server sends first (RFC 4253): its
// identification string (and any lines before it), then its KEXINIT,
// whose algorithms it returns; at most about MaxKexinit bytes.
func ReadKexinit(nc io.Reader) (SSHAlgorithms, error) {
	r := bufio.NewReaderSize(&limited{r: nc, n: MaxKexinit + 8192}, 4096)
	// The server's identification string (and any lines before it).
	for line := 0; ; line++ {
		l, err := readLine(r, 255)
		if err != nil {
			return SSHAlgorithms{}, err
		}
		if strings.HasPrefix(l, "SSH-") {
			break
		}
		if line > 20 {
			return SSHAlgorithms{}, errors.New("no identification string")
		}
	}
	var hdr [5]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return SSHAlgorithms{}, err
	}
	n, pad := int(binary.BigEndian.Uint32(hdr[:4])), int(hdr[4])
	if n < 2 || n > MaxKexinit || pad >= n {
		return SSHAlgorithms{}, fmt.Errorf("a packet of %d bytes", n)
	}
	p := make([]byte, n-1)
	if _, err := io.ReadFull(r, p); err != nil {
		return SSHAlgorithms{}, err
	}
	return ParseKexinit(p[:len(p)-pad])
}

// ParseKexinit reads a KEXINIT payload's name-lists.
func ParseKexinit(p []byte) (SSHAlgorithms, error) {
	if len(p) < 17 || p[0] != 20 {
		return SSHAlgorithms{}, errors.New("not a KEXINIT")
	}
	p = p[17:]
	var lists [10][]string
	for i := range lists {
		if len(p) < 4 {
			return SSHAlgorithms{}, errors.New("a KEXINIT cut short")
		}
		n := int(binary.BigEndian.Uint32(p))
		if n > len(p)-4 {
			return SSHAlgorithms{}, errors.New("a KEXINIT name-list runs past its end")
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
	return SSHAlgorithms{KeyExchange: union(lists[0], nil), HostKey: union(lists[1], nil),
		Ciphers: union(lists[2], lists[3]), MACs: union(lists[4], lists[5]), Compression: union(lists[6], lists[7])}, nil
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

// WeakSSH names the weak algorithms an SSH server offers.
func WeakSSH(s SSHAlgorithms) []string {
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
