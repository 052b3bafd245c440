package probe

import (
	"context"
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

	"github.com/mdcheck/mdcheck/internal/probe/wire"
	"github.com/mdcheck/mdcheck/internal/testutil/loopback"
)

// telnetServer negotiates as a Telnet server: it asks for a terminal
// type, answers the client's WILL ENCRYPT with DO ENCRYPT and a SUPPORT
// list of types (when types is set), then prints prompt. It counts the
// bytes the client sent outside IAC commands: a credential would be
// some.
func telnetServer(t *testing.T, types []byte, prompt string, data *atomic.Int32) int {
	return loopback.Serve(t, func(c net.Conn) {
		c.SetDeadline(time.Now().Add(5 * time.Second))
		c.Write([]byte{wire.TelnetIAC, wire.TelnetDO, 24})
		buf := make([]byte, 4096)
		for {
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			cmds, _, text := wire.ParseTelnet(buf[:n])
			data.Add(int32(len(text)))
			var out []byte
			if slices.Contains(cmds, wire.TelnetCmd{Verb: wire.TelnetWILL, Option: wire.TelnetEncrypt}) && types != nil {
				out = append(out, wire.TelnetIAC, wire.TelnetDO, wire.TelnetEncrypt, wire.TelnetIAC, wire.TelnetSB, wire.TelnetEncrypt, wire.TelnetEncryptSupport)
				out = append(out, types...)
				out = append(out, wire.TelnetIAC, wire.TelnetSE)
			}
			c.Write(append(out, prompt...))
		}
	})
}

func probeTelnetAt(t *testing.T, port int) Port {
	t.Helper()
	var dials atomic.Int32
	res, err := Run(context.Background(), Options{Targets: []string{"127.0.0.1"}, Scope: []string{"127.0.0.1"}, Ports: ports(port), Dial: dialOnly(t, &dials)})
	if err != nil || len(res.Hosts[0].Ports) != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	p := res.Hosts[0].Ports[0]
	if p.Service == nil || p.Service.Name != "telnet" || p.Telnet == nil {
		t.Fatalf("port %+v", p)
	}
	return p
}

// TestTelnet: the probe answers the negotiation, offering encryption,
// reads the server's encryption types and its prompt, and sends no data
// but Telnet commands: no user name, no password.
func TestTelnet(t *testing.T) {
	for _, c := range []struct {
		name           string
		types          []byte
		prompt         string
		login, shell   bool
		encryptionSeen []string
		weak           int
	}{
		{"login, no encryption", nil, "\r\nPump 7\r\nlogin: ", true, false, []string{}, 1},
		{"legacy encryption", []byte{1, 2}, "Username:", true, false, []string{"DES_CFB64", "DES_OFB64"}, 2},
		{"shell without login", nil, "BusyBox v1.36\r\n# ", false, true, []string{}, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			var data atomic.Int32
			p := probeTelnetAt(t, telnetServer(t, c.types, c.prompt, &data))
			tn := p.Telnet
			if tn.Login != c.login || tn.Shell != c.shell || !slices.Equal(tn.EncryptionTypes, c.encryptionSeen) || len(tn.Weak) != c.weak {
				t.Errorf("telnet: %+v", tn)
			}
			if !slices.Contains(tn.Negotiated, "DO TERMINAL-TYPE") || tn.EncryptOption != (c.types != nil) {
				t.Errorf("negotiation: %+v", tn)
			}
			if n := data.Load(); n != 0 {
				t.Errorf("the probe sent %d bytes of data to a Telnet server", n)
			}
		})
	}
}

// TestTelnetDebian: GNU inetutils' telnetd (through socat, with a login
// program that only prints its prompt) offers AUTHENTICATION and
// ENCRYPT without any encryption type and asks for a login.
func TestTelnetDebian(t *testing.T) {
	telnetd := debianServer(t, "/usr/sbin/telnetd", "inetutils-telnetd")
	socat := debianServer(t, "/usr/bin/socat", "socat")
	dir := t.TempDir()
	login := filepath.Join(dir, "login.sh")
	if err := os.WriteFile(login, []byte("#!/bin/sh\nprintf 'login: '\nread u\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	port := closedPort(t)
	startListening(t, port, exec.Command(socat, "TCP-LISTEN:"+strconv.Itoa(port)+",bind=127.0.0.1,reuseaddr,fork", "EXEC:"+telnetd+" -h -E "+login+",nofork"))
	tn := probeTelnetAt(t, port).Telnet
	if !tn.Login || tn.Prompt != "login:" || !tn.EncryptOption || len(tn.EncryptionTypes) != 0 || !tn.Authentication || tn.Shell {
		t.Errorf("inetutils telnetd: %+v", tn)
	}
	if !strings.Contains(strings.Join(tn.Weak, "\n"), "in the clear") {
		t.Errorf("weak: %q", tn.Weak)
	}
}
