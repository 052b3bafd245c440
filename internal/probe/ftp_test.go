package probe

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mdcheck/mdcheck/internal/testutil/loopback"
)

// ftpServer greets as an FTP server, lists feats (none: FEAT refused),
// lets the anonymous user in when anon, and counts the USER commands it
// receives.
func ftpServer(feats []string, anon bool, users *atomic.Int32) func(net.Conn) {
	return func(c net.Conn) {
		c.SetDeadline(time.Now().Add(3 * time.Second))
		fmt.Fprint(c, "220 (vsFTPd 3.0.3)\r\n")
		sc := bufio.NewScanner(c)
		for sc.Scan() {
			cmd, _, _ := strings.Cut(strings.TrimSpace(sc.Text()), " ")
			switch strings.ToUpper(cmd) {
			case "FEAT":
				if len(feats) == 0 {
					fmt.Fprint(c, "500 Unknown command.\r\n")
					continue
				}
				fmt.Fprint(c, "211-Features:\r\n")
				for _, f := range feats {
					fmt.Fprintf(c, " %s\r\n", f)
				}
				fmt.Fprint(c, "211 End\r\n")
			case "USER":
				users.Add(1)
				fmt.Fprint(c, "331 Please specify the password.\r\n")
			case "PASS":
				if anon {
					fmt.Fprint(c, "230 Login successful.\r\n")
				} else {
					fmt.Fprint(c, "530 Login incorrect.\r\n")
				}
			case "QUIT":
				fmt.Fprint(c, "221 Goodbye.\r\n")
				return
			default:
				fmt.Fprint(c, "500 Unknown command.\r\n")
			}
		}
	}
}

func probeFTPAt(t *testing.T, port int, credentials bool) Port {
	t.Helper()
	var dials atomic.Int32
	res, err := Run(context.Background(), Options{Targets: []string{"127.0.0.1"}, Scope: []string{"127.0.0.1"}, Ports: ports(port), AllowCredentialTests: credentials, Dial: dialOnly(t, &dials)})
	if err != nil || len(res.Hosts[0].Ports) != 1 || res.AllowCredentialTests != credentials {
		t.Fatalf("%+v %v", res, err)
	}
	return res.Hosts[0].Ports[0]
}

// TestFTP: the features an FTP server lists, AUTH TLS among them or
// not, and the anonymous login, tried only with credential tests
// allowed: without the flag no server receives a USER command.
func TestFTP(t *testing.T) {
	var users atomic.Int32
	tlsAnon := loopback.Serve(t, ftpServer([]string{"AUTH TLS", "EPSV", "UTF8"}, true, &users))
	plain := loopback.Serve(t, ftpServer(nil, false, &users))
	for _, port := range []int{tlsAnon, plain} {
		if f := probeFTPAt(t, port, false).FTP; f == nil || f.Anonymous != nil {
			t.Fatalf("FTP %+v", f)
		}
	}
	if n := users.Load(); n != 0 {
		t.Fatalf("%d USER commands without --allow-credential-tests", n)
	}
	f := probeFTPAt(t, tlsAnon, true).FTP
	if f == nil || !f.AuthTLS || len(f.Features) != 3 || f.Anonymous == nil || !*f.Anonymous || strings.Join(f.Weak, "\n") != "anonymous login accepted" {
		t.Errorf("FTP with AUTH TLS, anonymous: %+v", f)
	}
	f = probeFTPAt(t, plain, true).FTP
	if f == nil || f.AuthTLS || f.Anonymous == nil || *f.Anonymous || strings.Join(f.Weak, "\n") != "FTP without TLS: no AUTH TLS among its features" {
		t.Errorf("FTP without TLS, no anonymous: %+v", f)
	}
	if n := users.Load(); n != 2 {
		t.Errorf("%d USER commands with credential tests allowed, want 2", n)
	}
}

// TestFTPvsftpd: Debian's vsftpd with anonymous login on and off.
func TestFTPvsftpd(t *testing.T) {
	bin := debianServer(t, "/usr/sbin/vsftpd", "vsftpd")
	os.MkdirAll("/var/run/vsftpd/empty", 0o755)
	for _, anon := range []bool{true, false} {
		dir := t.TempDir()
		root := filepath.Join(dir, "root")
		os.Mkdir(root, 0o555)
		port := closedPort(t)
		yes := map[bool]string{true: "YES", false: "NO"}[anon]
		// vsftpd refuses to start with both anonymous and local users off.
		conf := fmt.Sprintf("listen=YES\nlisten_address=127.0.0.1\nlisten_port=%d\nbackground=NO\nanonymous_enable=%s\nlocal_enable=%s\nanon_root=%s\nno_anon_password=YES\nseccomp_sandbox=NO\nrun_as_launching_user=YES\nftpd_banner=Infusion pump FTP\n", port, yes, map[bool]string{true: "NO", false: "YES"}[anon], root)
		if os.Getuid() == 0 {
			conf = strings.Replace(conf, "run_as_launching_user=YES\n", "", 1)
		}
		file := filepath.Join(dir, "vsftpd.conf")
		if err := os.WriteFile(file, []byte(conf), 0o600); err != nil {
			t.Fatal(err)
		}
		startListening(t, port, exec.Command(bin, file))
		p := probeFTPAt(t, port, true)
		if p.Service == nil || p.Service.Name != "ftp" || p.FTP == nil || p.FTP.Anonymous == nil || *p.FTP.Anonymous != anon || p.FTP.AuthTLS || len(p.FTP.Features) == 0 {
			t.Errorf("vsftpd, anonymous %s: %+v %+v", yes, p.Service, p.FTP)
		}
	}
}
