package probe

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/mdcheck/mdcheck/internal/testutil/loopback"
)

// sshServer runs an x/crypto/ssh server on loopback; with password,
// it offers password authentication (and records any password tried),
// else public keys only.
func sshServer(t *testing.T, password bool, tried *atomic.Int32, algs *ssh.Config) int {
	t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(key)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &ssh.ServerConfig{PublicKeyCallback: func(ssh.ConnMetadata, ssh.PublicKey) (*ssh.Permissions, error) { return nil, errors.New("no") }}
	if algs != nil {
		cfg.Config = *algs
	}
	if password {
		cfg.PasswordCallback = func(ssh.ConnMetadata, []byte) (*ssh.Permissions, error) { tried.Add(1); return nil, errors.New("no") }
	}
	cfg.AddHostKey(signer)
	return loopback.Serve(t, func(c net.Conn) {
		c.SetDeadline(time.Now().Add(5 * time.Second))
		ssh.NewServerConn(c, cfg)
	})
}

func probeSSHPort(t *testing.T, port int, profile string) *SSH {
	t.Helper()
	var dials atomic.Int32
	res, err := Run(context.Background(), Options{Targets: []string{"127.0.0.1"}, Scope: []string{"127.0.0.1"}, Ports: ports(port), Profile: profile, Dial: dialOnly(t, &dials)})
	if err != nil || len(res.Hosts[0].Ports) != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	p := res.Hosts[0].Ports[0]
	if p.Service == nil || p.Service.Name != "ssh" || p.SSH == nil {
		t.Fatalf("port %+v", p)
	}
	return p.SSH
}

// TestSSH: the algorithms an SSH server offers and whether it offers
// passwords, learned without sending any credential, under both
// profiles; weak algorithms named.
func TestSSH(t *testing.T) {
	var tried atomic.Int32
	for _, profile := range []string{"safe", "standard"} {
		s := probeSSHPort(t, sshServer(t, true, &tried, nil), profile)
		if s.Protocol != "2.0" || len(s.KeyExchange) == 0 || !slices.Contains(s.HostKey, "ssh-ed25519") || len(s.Ciphers) == 0 || s.PasswordAuth == nil || !*s.PasswordAuth ||
			!slices.Contains(s.AuthMethods, "password") || !slices.Contains(s.AuthMethods, "publickey") || !slices.Contains(s.Weak, "password authentication offered") {
			t.Errorf("%s, password on: %+v", profile, s)
		}
	}
	s := probeSSHPort(t, sshServer(t, false, &tried, nil), "safe")
	if s.PasswordAuth == nil || *s.PasswordAuth || !slices.Equal(s.AuthMethods, []string{"publickey"}) {
		t.Errorf("password off: %+v", s)
	}
	if tried.Load() != 0 {
		t.Errorf("%d passwords tried", tried.Load())
	}
	weak := &ssh.Config{KeyExchanges: []string{"diffie-hellman-group1-sha1", "curve25519-sha256"}, Ciphers: []string{"aes128-cbc", "aes128-ctr"}, MACs: []string{"hmac-sha1", "hmac-sha2-256"}}
	s = probeSSHPort(t, sshServer(t, false, &tried, weak), "safe")
	w := strings.Join(s.Weak, "\n")
	for _, want := range []string{"weak key exchange offered: diffie-hellman-group1-sha1", "weak cipher offered: aes128-cbc", "weak MAC offered: hmac-sha1"} {
		if !strings.Contains(w, want) {
			t.Errorf("weak lacks %q:\n%s", want, w)
		}
	}
}

// TestSSHOpenSSH probes Debian's OpenSSH server with password
// authentication on and off.
func TestSSHOpenSSH(t *testing.T) {
	sshd := debianServer(t, "/usr/sbin/sshd", "openssh-server")
	dir := t.TempDir()
	key := filepath.Join(dir, "host")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v %s", err, out)
	}
	os.MkdirAll("/run/sshd", 0o755)
	for _, pw := range []bool{true, false} {
		port := closedPort(t)
		yes := map[bool]string{true: "yes", false: "no"}[pw]
		startListening(t, port, exec.Command(sshd, "-D", "-e", "-f", "/dev/null", "-p", strconv.Itoa(port), "-h", key, "-o", "ListenAddress=127.0.0.1",
			"-o", "PasswordAuthentication="+yes, "-o", "KbdInteractiveAuthentication=no", "-o", "UsePAM=no", "-o", "PidFile=none"))
		s := probeSSHPort(t, port, "safe")
		if s.Protocol != "2.0" || s.PasswordAuth == nil || *s.PasswordAuth != pw || !slices.Contains(s.AuthMethods, "publickey") || !slices.Contains(s.HostKey, "ssh-ed25519") {
			t.Errorf("OpenSSH, password %s: %+v", yes, s)
		}
	}
}

// debianServer is the path of a server Debian's package pkg installs at
// path: the test is skipped without it, and fails under CI=true, which
// .ci/run installs it for.
func debianServer(t *testing.T, path, pkg string) string {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no %s: .ci/run installs %s", path, pkg)
		}
		t.Skipf("no %s on this machine (Debian: apt-get install %s)", path, pkg)
	}
	return path
}

// startListening starts cmd, a server that listens on the loopback
// port, stops it when the test ends, and waits until it listens.
func startListening(t *testing.T, port int, cmd *exec.Cmd) {
	t.Helper()
	startServer(t, cmd, fmt.Sprintf("listen on %d", port), func() bool {
		c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err == nil {
			c.Close()
		}
		return err == nil
	})
}

// startServer starts cmd, stops it when the test ends, and waits until
// ready says it is (what names that in the failure).
func startServer(t *testing.T, cmd *exec.Cmd, what string, ready func() bool) {
	t.Helper()
	log := filepath.Join(t.TempDir(), "server.log")
	f, err := os.Create(log)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", cmd.Path, err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for i := 0; !ready(); i++ {
		if i == 50 {
			out, _ := os.ReadFile(log)
			t.Fatalf("%s did not %s: %s", cmd.Path, what, out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
