package cli

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
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
	if got.SchemaVersion != "12" || got.Tool.Name != "mdcheck" || got.Profile != "standard" || got.Partial || got.Limits.Rate != 20 || got.Limits.MaxConns != 2 ||
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
		{"probe", "127.0.0.1", "--scope", "127.0.0.1", "--hl7-query"},
		{"probe", "127.0.0.1", "--scope", "127.0.0.1", "--dicom-calling-ae", "A TITLE LONGER THAN 16"},
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

// TestCheckProbeResults: a probe (with the model's declared ports) of a
// unit whose TLS web service the model declares and whose Telnet it does
// not; check --probe-results then fails the undeclared, cleartext
// service, citing the transcript events that show it, confirms the
// declared encryption as observed, and lists the results among the
// inputs. Results that are no probe results are an input error naming
// the line and column.
func TestCheckProbeResults(t *testing.T) {
	web := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "<html><title>Monitor</title></html>") }))
	web.Config.ErrorLog = log.New(io.Discard, "", 0) // the probe's refused hellos
	web.StartTLS()
	defer web.Close()
	webPort := web.Listener.Addr().(*net.TCPAddr).Port
	telnet := loopback.Serve(t, loopback.Say("\xff\xfd\x18\xff\xfd\x20"))
	dir := t.TempDir()
	model := filepath.Join(dir, "device.yaml")
	src := fmt.Sprintf(`apiVersion: mdcheck.dev/v1
kind: Device
identity: {manufacturer: Acme, product: Monitor}
components:
  - id: monitor
    name: Monitor
    kind: hardware-device
    role: device
    interfaces:
      - {id: web, kind: wired-network, protocols: [https], port: %d, encryption: {inTransit: true, protocol: TLS 1.2}}
`, webPort)
	if err := os.WriteFile(model, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	res := filepath.Join(dir, "probe.json")
	if code, _, errs := run(t, "probe", "127.0.0.1", "--scope", "127.0.0.1", "--ports", strconv.Itoa(telnet), "--model", model, "--profile", "standard", "-f", "json", "-o", res); code != 0 {
		t.Fatalf("probe: exit %d: %s", code, errs)
	}
	code, out, errs := run(t, "check", model, "--no-vulns", "--probe-results", res, "-f", "json")
	if code != 0 {
		t.Fatalf("check: exit %d: %s", code, errs)
	}
	var rep struct {
		Findings []struct {
			ID, Status, Detail string
			Evidence           []struct {
				Path, Strength string
				Source         struct {
					Kind, File string
					Transcript []int
				}
			}
		}
		Inputs []struct{ Role, Path, SHA256 string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	var probed struct {
		Transcript []struct {
			Seq  int
			Port int
		}
	}
	b, _ := os.ReadFile(res)
	if err := json.Unmarshal(b, &probed); err != nil {
		t.Fatal(err)
	}
	portOf := map[int]int{}
	for _, e := range probed.Transcript {
		portOf[e.Seq] = e.Port
	}
	status := map[string]string{}
	observed := false
	for _, f := range rep.Findings {
		status[f.ID] = f.Status
		for _, e := range f.Evidence {
			if f.ID == "net/tls-version@monitor/web" && e.Path == "components[0].interfaces[0].encryption.protocol" && e.Strength == "observed" {
				observed = true
			}
			if e.Source.Kind != "probe" {
				continue
			}
			if e.Source.File != res || len(e.Source.Transcript) == 0 {
				t.Errorf("%s: probe evidence without its file or transcript events: %+v", f.ID, e)
			}
			for _, seq := range e.Source.Transcript {
				if p := portOf[seq]; strings.Contains(f.ID, "127.0.0.1:") && !strings.HasSuffix(f.ID, ":"+strconv.Itoa(p)) && p != 0 {
					t.Errorf("%s cites transcript event %d, of port %d", f.ID, seq, p)
				}
			}
		}
	}
	at := func(port int) string { return "@monitor/127.0.0.1:" + strconv.Itoa(port) }
	for id, want := range map[string]string{
		"live/declared-services" + at(webPort):    "pass",
		"live/declared-services" + at(telnet):     "fail",
		"live/transport-encryption" + at(telnet):  "fail",
		"live/transport-encryption" + at(webPort): "fail", // httptest's certificate is self-signed... by an unknown issuer
		"live/web-hardening" + at(webPort):        "fail", // no security headers
	} {
		if status[id] != want {
			t.Errorf("%s: %q, want %s", id, status[id], want)
		}
	}
	if !observed {
		t.Error("the declared TLS version of the web interface is not cited as observed")
	}
	found := false
	for _, in := range rep.Inputs {
		found = found || (in.Role == "probe" && in.Path == filepath.ToSlash(res) && in.SHA256 != "")
	}
	if !found {
		t.Errorf("the probe results are not among the inputs: %+v", rep.Inputs)
	}

	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte("{\"schemaVersion\": \"4\",\n \"profile\": 7}"), 0o600)
	if code, _, errs := run(t, "check", model, "--no-vulns", "--probe-results", bad); code != ExitInput || !strings.Contains(errs, "bad.json:2:") {
		t.Errorf("bad probe results: exit %d, %q", code, errs)
	}
}

// TestPassiveProbe: the passive profile reads a capture and sends
// nothing: run under strace, mdcheck makes no network system call at
// all (no socket, connect, bind, send); its results name what crossed
// in the clear and hold none of the capture's secrets. A file that is
// no capture is an input error naming it.
func TestPassiveProbe(t *testing.T) {
	strace, err := exec.LookPath("strace")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("no strace: .ci/run installs it")
		}
		t.Skip("no strace on this machine (Debian: apt-get install strace)")
	}
	bin, dir := buildBinary(t)
	pcap, err := filepath.Abs(filepath.Join("..", "probe", "passive", "testdata", "loopback.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	trace, res := filepath.Join(dir, "strace.log"), filepath.Join(dir, "passive.json")
	cmd := exec.Command(strace, "-f", "-qq", "-e", "signal=none", "-e", "trace=socket,socketpair,connect,bind,listen,accept,accept4,sendto,sendmsg,sendmmsg", "-o", trace,
		bin, "probe", "--profile", "passive", "--pcap", pcap, "-f", "json", "-o", res)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	calls, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	if len(bytes.TrimSpace(calls)) != 0 {
		t.Errorf("network system calls under the passive profile:\n%s", calls)
	}
	b, err := os.ReadFile(res)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"profile": "passive"`, `"what": "a PASS command (a password)"`, `"what": "an HL7 PID segment (patient identification)"`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("the results lack %s", want)
		}
	}
	for _, secret := range []string{"s3cretPW", "DOE^JANE", "123456"} {
		if bytes.Contains(b, []byte(secret)) {
			t.Errorf("the results hold %q", secret)
		}
	}
	notCapture := filepath.Join(dir, "ward.csv")
	os.WriteFile(notCapture, []byte("bed,patient\n"), 0o600)
	if code, _, errs := run(t, "probe", "--profile", "passive", "--pcap", notCapture); code != ExitInput || !strings.Contains(errs, "ward.csv") || !strings.Contains(errs, "not a capture") {
		t.Errorf("not a capture: exit %d: %s", code, errs)
	}
	if code, _, errs := run(t, "probe", "127.0.0.1", "--scope", "127.0.0.1", "--pcap", pcap); code != ExitInput || !strings.Contains(errs, "passive profile only") {
		t.Errorf("--pcap under safe: exit %d: %s", code, errs)
	}
}

// TestHostilePassiveMemory: a capture of more connections than are
// followed, each filling what is kept of both directions, is read
// within the memory bound.
func TestHostilePassiveMemory(t *testing.T) {
	t.Parallel() // a child process of its own: it overlaps the others
	bin, dir := buildBinary(t)
	file := filepath.Join(dir, "flood.pcap")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	le := binary.LittleEndian
	w.Write([]byte{0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 101, 0, 0, 0}) // raw IP
	payload := bytes.Repeat([]byte("P"), 4096)
	for i := range 12000 {
		for dir := range 2 {
			ip := []byte{0x45, 0, 0, 0, 0, 0, 0, 0, 64, 6, 0, 0, 10, byte(i >> 8), byte(i), 1, 10, 0, 0, 1}
			tcp := []byte{0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0}
			le.PutUint16(tcp[0:], 40000) // big-endian on the wire; any two ports do
			le.PutUint16(tcp[2:], 8080)
			if dir == 1 {
				copy(ip[12:16], []byte{10, 0, 0, 1})
				copy(ip[16:20], []byte{10, byte(i >> 8), byte(i), 1})
				tcp[0], tcp[1], tcp[2], tcp[3] = tcp[2], tcp[3], tcp[0], tcp[1]
			}
			pkt := append(append(ip, tcp...), payload...)
			var rec [16]byte
			le.PutUint32(rec[8:], uint32(len(pkt)))
			le.PutUint32(rec[12:], uint32(len(pkt)))
			w.Write(rec[:])
			w.Write(pkt)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	measureNaming(t, ExitOK, "", bin, "probe", "--profile", "passive", "--pcap", file, "-f", "json", "-o", filepath.Join(dir, "flood.json"))
}
