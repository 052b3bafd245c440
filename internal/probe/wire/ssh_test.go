package wire

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestReadKexinit: OpenSSH's identification string and KEXINIT read
// into its algorithms; Debian's defaults offer no weak one but the
// SHA-1 MACs and umac-64 it keeps for old clients.
func TestReadKexinit(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "ssh-kexinit-openssh.bin"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := ReadKexinit(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(a.KeyExchange, "curve25519-sha256") || !slices.Equal(a.HostKey, []string{"ssh-ed25519"}) || !slices.Contains(a.Ciphers, "chacha20-poly1305@openssh.com") || !slices.Contains(a.Compression, "none") {
		t.Errorf("algorithms: %+v", a)
	}
	if w := WeakSSH(a); len(w) != 1 || w[0] != "weak MAC offered: umac-64-etm@openssh.com, hmac-sha1-etm@openssh.com, umac-64@openssh.com, hmac-sha1" {
		t.Errorf("weak: %q", w)
	}
	weak := WeakSSH(SSHAlgorithms{KeyExchange: []string{"diffie-hellman-group1-sha1", "curve25519-sha256"}, HostKey: []string{"ssh-dss"}, Ciphers: []string{"aes128-cbc", "aes128-ctr"}, MACs: []string{"hmac-md5"}})
	if len(weak) != 4 {
		t.Errorf("weak: %q", weak)
	}
	if _, err := ReadKexinit(bytes.NewReader(b[:60])); err == nil {
		t.Error("a KEXINIT cut short was read")
	}
}

// FuzzKexinit: whatever a server sends first is read or refused without
// panic, within its bound.
func FuzzKexinit(f *testing.F) {
	seedFrom(f, "ssh-*.bin")
	list := func(s string) []byte { return append([]byte{0, 0, 0, byte(len(s))}, s...) }
	p := append([]byte{20}, make([]byte, 16)...)
	for _, s := range []string{"curve25519-sha256,diffie-hellman-group1-sha1", "ssh-ed25519", "aes128-ctr", "aes128-cbc", "hmac-sha2-256", "hmac-md5", "none", "none", "", ""} {
		p = append(p, list(s)...)
	}
	f.Add(append([]byte("SSH-2.0-x\r\n\x00\x00\x00\xa6\x04"), append(p, 0, 0, 0, 0, 0, 1, 2, 3, 4)...))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := ReadKexinit(bytes.NewReader(b))
		if err == nil && (a.KeyExchange == nil || a.Ciphers == nil) {
			t.Error("read without lists")
		}
		WeakSSH(a)
	})
}
