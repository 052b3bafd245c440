package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mdcheck/mdcheck/internal/testutil/loopback"
)

// sshLike greets each connection as an SSH server does; it returns
// its loopback port.
func sshLike(t *testing.T) int {
	return loopback.Serve(t, loopback.Say("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\r\n"))
}

// TestProbeCommand: probe reports the open port and its service, refuses
// the target outside the scope, and writes its JSON result and JSON-lines
// transcript to files.
func TestProbeCommand(t *testing.T) {
	port := strconv.Itoa(sshLike(t))
	code, out, errs := run(t, "probe", "127.0.0.1", "192.0.2.1", "--scope", "127.0.0.0/8", "--ports", port, "--timeout", "1s")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"192.0.2.1: outside the scope (127.0.0.0/8): nothing sent", "127.0.0.1: 1 open", port + "/tcp  ssh OpenSSH 9.2p1 (high confidence", `"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\\r\\n"`} {
		if !strings.Contains(out, want) {
			t.Errorf("the table lacks %q:\n%s", want, out)
		}
	}

	dir := t.TempDir()
	res, tr := filepath.Join(dir, "probe.json"), filepath.Join(dir, "probe.jsonl")
	if code, _, errs := run(t, "probe", "127.0.0.1", "--scope", "127.0.0.1", "--ports", port, "-f", "json", "-o", res, "--transcript", tr, "--profile", "standard", "--rate", "20/s", "--max-conns", "2"); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	b, err := os.ReadFile(res)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		SchemaVersion string `json:"schemaVersion"`
		Tool          struct{ Name string }
		Profile       string
		Partial       bool
		Limits        struct {
			Rate     float64
			MaxConns int
		}
		Hosts []struct {
			Address string
			Ports   []struct {
				Port    int
				State   string
				Service struct{ Name, Confidence string }
			}
		}
		Transcript []json.RawMessage
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.SchemaVersion != "4" || got.Tool.Name != "mdcheck" || got.Profile != "standard" || got.Partial || got.Limits.Rate != 20 || got.Limits.MaxConns != 2 ||
		len(got.Hosts) != 1 || len(got.Hosts[0].Ports) != 1 || got.Hosts[0].Ports[0].State != "open" || got.Hosts[0].Ports[0].Service.Name != "ssh" {
		t.Errorf("JSON result: %s", b)
	}
	f, err := os.Open(tr)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	for sc := bufio.NewScanner(f); sc.Scan(); n++ {
		if !json.Valid(sc.Bytes()) {
			t.Errorf("transcript line %d: %q", n+1, sc.Text())
		}
	}
	if n == 0 || n != len(got.Transcript) {
		t.Errorf("%d transcript lines, %d in the result", n, len(got.Transcript))
	}
}

// TestProbeUsage: a probe without a scope, or with options it cannot
// read, exits 2 and sends nothing.
func TestProbeUsage(t *testing.T) {
	for _, args := range [][]string{
		{"probe", "127.0.0.1"},
		{"probe", "127.0.0.1", "--scope", "everything"},
		{"probe", "127.0.0.1", "--scope", "127.0.0.1", "--rate", "fast"},
		{"probe", "127.0.0.1", "--scope", "127.0.0.1", "--ports", "0"},
		{"probe", "127.0.0.1", "--scope", "127.0.0.1", "--profile", "aggressive"},
		{"probe", "--scope", "127.0.0.1"},
		{"probe", "127.0.0.1", "--scope", "127.0.0.1", "-f", "sarif"},
	} {
		if code, _, errs := run(t, args...); code != 2 || errs == "" {
			t.Errorf("%v: exit %d, %q", args, code, errs)
		}
	}
}

// TestHostileProbeMemory: services that greet without end, answer a
// ClientHello with a certificate chain that never ends, or trickle,
// keep mdcheck probe (a child process) under 256 MiB, and it ends.
func TestHostileProbeMemory(t *testing.T) {
	bin, _ := buildBinary(t)
	endless := loopback.Serve(t, func(c net.Conn) {
		b := bytes.Repeat([]byte("A"), 1<<16)
		for {
			if _, err := c.Write(b); err != nil {
				return
			}
		}
	})
	chain := loopback.Serve(t, func(c net.Conn) {
		c.Read(make([]byte, 4096))
		c.Write([]byte{22, 3, 3, 0, 42, 2, 0, 0, 38, 3, 3})
		c.Write(make([]byte, 32))
		c.Write([]byte{0, 0xc0, 0x2f, 0, 22, 3, 3, 0x40, 0, 11, 0xff, 0xff, 0xff})
		rec := append([]byte{22, 3, 3, 0x40, 0}, make([]byte, 0x4000)...)
		for {
			if _, err := c.Write(rec); err != nil {
				return
			}
		}
	})
	trickle := loopback.Serve(t, func(c net.Conn) {
		for range 200 {
			if _, err := c.Write([]byte("S")); err != nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	ports := fmt.Sprintf("%d,%d,%d", endless, chain, trickle)
	measureNaming(t, ExitOK, "", bin, "probe", "--scope", "127.0.0.1", "--profile", "standard", "--timeout", "1s", "-f", "json", "--ports", ports, "127.0.0.1")
}
