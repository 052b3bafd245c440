package probe

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mdcheck/mdcheck/internal/probe/ident"
	"github.com/mdcheck/mdcheck/internal/testutil/loopback"
)

func mustScope(t *testing.T, s ...string) Scope {
	t.Helper()
	sc, err := ParseScope(s)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func TestParseScope(t *testing.T) {
	s := mustScope(t, "127.0.0.0/8", "::1, 192.0.2.7")
	for a, in := range map[string]bool{"127.0.0.1": true, "127.255.0.9": true, "::1": true, "::ffff:127.0.0.1": true, "192.0.2.7": true,
		"192.0.2.8": false, "10.0.0.1": false, "::2": false, "fe80::1": false} {
		if got := s.Contains(netip.MustParseAddr(a)); got != in {
			t.Errorf("Contains(%s) = %v, want %v", a, got, in)
		}
	}
	for _, bad := range [][]string{nil, {""}, {"localhost"}, {"10.0.0.0/33"}, {"fe80::1%eth0"}} {
		if _, err := ParseScope(bad); err == nil {
			t.Errorf("ParseScope(%q) accepted", bad)
		}
	}
}

// TestExpand: a target outside the scope is refused before any lookup
// or packet; a name's addresses outside it are refused, those inside
// probed; a network expands to its addresses, within a bound.
func TestExpand(t *testing.T) {
	s := mustScope(t, "127.0.0.0/30")
	noLookup := func(ctx context.Context, host string) ([]netip.Addr, error) {
		t.Errorf("looked up %q", host)
		return nil, errors.New("no")
	}
	if tg, as := expand(context.Background(), "10.1.2.3", s, noLookup); len(as) != 0 || !strings.Contains(tg.Error, "outside the scope") || !slices.Equal(tg.Refused, []string{"10.1.2.3"}) {
		t.Errorf("out-of-scope address: %+v %v", tg, as)
	}
	if tg, as := expand(context.Background(), "127.0.0.0/30", s, noLookup); len(as) != 4 || len(tg.Refused) != 0 {
		t.Errorf("network in scope: %+v %v", tg, as)
	}
	if tg, as := expand(context.Background(), "127.0.0.0/29", s, noLookup); len(as) != 4 || len(tg.Refused) != 4 {
		t.Errorf("network half in scope: %+v %v", tg, as)
	}
	if tg, _ := expand(context.Background(), "10.0.0.0/8", s, noLookup); !strings.Contains(tg.Error, "more than 1024") {
		t.Errorf("a /8: %+v", tg)
	}
	if tg, _ := expand(context.Background(), "not a host!", s, noLookup); !strings.Contains(tg.Error, "not an address") {
		t.Errorf("a bad target: %+v", tg)
	}
	mixed := func(ctx context.Context, host string) ([]netip.Addr, error) {
		return []netip.Addr{netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("127.0.0.2"), netip.MustParseAddr("::ffff:127.0.0.2")}, nil
	}
	if tg, as := expand(context.Background(), "device.example", s, mixed); len(as) != 1 || as[0] != netip.MustParseAddr("127.0.0.2") || !slices.Equal(tg.Refused, []string{"192.0.2.1"}) {
		t.Errorf("a name resolving in and out of scope: %+v %v", tg, as)
	}
}

// closedPort is a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return p
}

// dialOnly is the real dialer, failing the test on any address but
// loopback, and counting dials.
func dialOnly(t *testing.T, n *atomic.Int32) Dialer {
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		host, _, _ := net.SplitHostPort(address)
		if a, err := netip.ParseAddr(host); err != nil || !a.IsLoopback() {
			t.Errorf("dialed %s", address)
			return nil, errors.New("refused by the test")
		}
		n.Add(1)
		var d net.Dialer
		return d.DialContext(ctx, network, address)
	}
}

// TestRunLoopback probes real loopback servers: each port's state, the
// service its greeting names, and a transcript that holds every
// connection, in which the safe profile sends nothing but the messages
// of the protocols the services greeted in (SSH, FTP).
func TestRunLoopback(t *testing.T) {
	ssh := loopback.Serve(t, loopback.Say("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\r\n"))
	ftp := loopback.Serve(t, loopback.Say("220 (vsFTPd 3.0.3)\r\n"))
	telnet := loopback.Serve(t, loopback.Say("\xff\xfd\x18\xff\xfd\x20"))
	silent := loopback.Serve(t, loopback.Say(""))
	closed := closedPort(t)
	var dials atomic.Int32
	var lines bytes.Buffer
	res, err := Run(context.Background(), Options{
		Targets: []string{"127.0.0.1"}, Scope: []string{"127.0.0.0/8"},
		Ports: ports(ssh, ftp, telnet, silent, closed), Timeout: time.Second,
		Transcript: &lines, Dial: dialOnly(t, &dials),
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Partial || len(res.Hosts) != 1 || len(res.Hosts[0].Ports) != 5 {
		t.Fatalf("result: %+v", res)
	}
	byPort := map[int]Port{}
	for _, p := range res.Hosts[0].Ports {
		byPort[p.Port] = p
	}
	want := map[int]struct{ state, service, conf, product string }{
		ssh: {Open, "ssh", High, "OpenSSH"}, ftp: {Open, "ftp", High, "vsFTPd"}, telnet: {Open, "telnet", High, ""},
		silent: {Open, "", "", ""}, closed: {Closed, "", "", ""},
	}
	for port, w := range want {
		p := byPort[port]
		got := struct{ state, service, conf, product string }{p.State, "", "", ""}
		if p.Service != nil {
			got.service, got.conf, got.product = p.Service.Name, p.Service.Confidence, p.Service.Product
		}
		if got != w {
			t.Errorf("port %d: %+v, want %+v (banner %q)", port, got, w, p.Banner)
		}
		if len(p.Evidence) == 0 {
			t.Errorf("port %d: no transcript lines as evidence", port)
		}
	}
	if v := byPort[ssh].Service.Version; v != "9.2p1" {
		t.Errorf("OpenSSH version %q", v)
	}
	// One per port, one more to read the SSH server's key exchange offer
	// (this one has none: it only greets), one to ask the FTP server its
	// features (this one does not answer) and one to answer the Telnet
	// server's negotiation.
	if dials.Load() != 8 {
		t.Errorf("%d connections, want one per port, one for SSH, one for FTP and one for Telnet (8)", dials.Load())
	}
	if tn := byPort[telnet].Telnet; tn == nil || !slices.Equal(tn.Negotiated, []string{"DO TERMINAL-TYPE", "DO TERMINAL-SPEED"}) || tn.Login || tn.Shell {
		t.Errorf("Telnet: %+v", tn)
	}
	if f := byPort[ftp].FTP; f == nil || f.AuthTLS || len(f.Weak) != 0 || f.Anonymous != nil {
		t.Errorf("FTP that does not answer FEAT: %+v", f)
	}
	if s := byPort[ssh].SSH; s == nil || s.Protocol != "2.0" || !strings.Contains(strings.Join(s.Weak, ";"), "could not be read") {
		t.Errorf("SSH: %+v", s)
	}
	// The transcript: one connect per port, nothing sent, and the JSON
	// lines written as it went are the result's.
	var fromLines []Event
	sc := bufio.NewScanner(&lines)
	for sc.Scan() {
		var e Event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("transcript line %q: %v", sc.Text(), err)
		}
		fromLines = append(fromLines, e)
	}
	if len(fromLines) != len(res.Transcript) {
		t.Errorf("%d transcript lines written, %d in the result", len(fromLines), len(res.Transcript))
	}
	count := map[string]int{}
	for i, e := range res.Transcript {
		count[e.Kind]++
		if e.Seq != i+1 || e.Host != "127.0.0.1" {
			t.Errorf("transcript line %d: %+v", i+1, e)
		}
	}
	// Nothing sent but the probe's SSH identification string, FEAT and
	// QUIT to the FTP server, and the refusals of the Telnet server's
	// options with the offer of encryption.
	if count[EvConnect] != 8 || count[EvSend] != 4 || count[EvOpen] != 7 || count[EvClosed] != 1 || count[EvRecv] != 6 || count[EvClose] != 7 {
		t.Errorf("transcript events %v", count)
	}
}

// TestNothingLeavesTheScope: targets outside the scope, given as
// addresses, networks or names that resolve outside it, are refused
// with nothing sent; the dialer sees in-scope addresses only, and the
// guard refuses any other even when asked directly.
func TestNothingLeavesTheScope(t *testing.T) {
	port := loopback.Serve(t, loopback.Say("220 ready\r\n"))
	var dials atomic.Int32
	resolve := func(ctx context.Context, host string) ([]netip.Addr, error) {
		return []netip.Addr{netip.MustParseAddr("198.51.100.7"), netip.MustParseAddr("2001:db8::7")}, nil
	}
	res, err := Run(context.Background(), Options{
		Targets: []string{"10.0.0.1", "192.0.2.0/30", "remote.example", "127.0.0.1"},
		Scope:   []string{"127.0.0.1"}, Ports: ports(port), Dial: dialOnly(t, &dials), Resolve: resolve,
	})
	if err != nil {
		t.Fatal(err)
	}
	if dials.Load() != 1 || len(res.Hosts) != 1 || res.Hosts[0].Address != "127.0.0.1" {
		t.Errorf("dials %d, hosts %+v", dials.Load(), res.Hosts)
	}
	refused := 0
	for _, tg := range res.Targets[:3] {
		refused += len(tg.Refused)
		if len(tg.Probed) != 0 || !strings.Contains(tg.Error, "outside the scope") {
			t.Errorf("target %+v", tg)
		}
	}
	if refused != 1+4+2 {
		t.Errorf("%d addresses refused, want 7", refused)
	}
	outs := 0
	for _, e := range res.Transcript {
		if e.Kind == EvOutOfScope {
			outs++
		}
	}
	if outs != 7 {
		t.Errorf("%d out-of-scope lines in the transcript, want 7", outs)
	}
	g := newGuard(mustScope(t, "127.0.0.1"), Safe.Defaults(), dialOnly(t, &dials), NewTranscript(nil, nil))
	if c, _, _, err := g.connect(context.Background(), netip.MustParseAddrPort("127.0.0.2:22")); err == nil || c != nil {
		t.Errorf("the guard connected outside the scope: %v", err)
	}
	if dials.Load() != 1 {
		t.Errorf("%d dials", dials.Load())
	}
}

// TestSafeOneConnectionPerHost: the safe profile never holds two
// connections to one host at once, and spaces new ones by its host rate.
func TestSafeOneConnectionPerHost(t *testing.T) {
	var open, most atomic.Int32
	hold := func(c net.Conn) {
		n := open.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(100 * time.Millisecond)
		open.Add(-1)
	}
	var open4 []int
	for range 4 {
		open4 = append(open4, loopback.Serve(t, hold))
	}
	var dials atomic.Int32
	start := time.Now()
	res, err := Run(context.Background(), Options{Targets: []string{"127.0.0.1"}, Scope: []string{"127.0.0.0/8"}, Ports: ports(open4...), Dial: dialOnly(t, &dials)})
	if err != nil {
		t.Fatal(err)
	}
	if most.Load() != 1 {
		t.Errorf("%d connections at once to one host under the safe profile", most.Load())
	}
	// Four connections at 2 a second to the host: at least 1.5 s.
	if took := time.Since(start); took < 1400*time.Millisecond {
		t.Errorf("4 connections in %v: faster than the host rate of %v a second", took, res.Limits.HostRate)
	}
}

// TestHostileServers: a service that talks without end, or trickles a
// byte at a time, holds the probe no longer than its wait and no more
// than its bound.
func TestHostileServers(t *testing.T) {
	endless := loopback.Serve(t, func(c net.Conn) {
		b := bytes.Repeat([]byte("A"), 1<<16)
		for {
			if _, err := c.Write(b); err != nil {
				return
			}
		}
	})
	trickle := loopback.Serve(t, func(c net.Conn) {
		for range 100 {
			if _, err := c.Write([]byte("2")); err != nil {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
	var dials atomic.Int32
	start := time.Now()
	res, err := Run(context.Background(), Options{Targets: []string{"127.0.0.1"}, Scope: []string{"127.0.0.0/8"}, Ports: ports(endless, trickle),
		Timeout: 500 * time.Millisecond, Dial: dialOnly(t, &dials), Profile: "standard"})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("the probe took %v", took)
	}
	for _, e := range res.Transcript {
		if e.Kind == EvRecv && (e.Bytes > maxBanner || len(e.Data) > 4*maxRecorded/3+4) {
			t.Errorf("a receive of %d bytes, %d recorded", e.Bytes, len(e.Data))
		}
	}
	for _, p := range res.Hosts[0].Ports {
		if p.State != Open || p.Banner == "" {
			t.Errorf("port %d: %+v", p.Port, p)
		}
	}
}

// TestInterrupted: a probe stopped midway returns what it saw, marked
// partial, with a whole transcript.
func TestInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var dials atomic.Int32
	var once sync.Once
	blocking := func(c context.Context, network, address string) (net.Conn, error) {
		if dials.Add(1) == 3 {
			once.Do(cancel)
		}
		<-c.Done()
		return nil, c.Err()
	}
	var lines bytes.Buffer
	res, err := Run(ctx, Options{Targets: []string{"127.0.0.1", "127.0.0.2"}, Scope: []string{"127.0.0.0/8"}, Profile: "standard", Dial: blocking, Transcript: &lines})
	if !errors.Is(err, context.Canceled) || res == nil || !res.Partial {
		t.Fatalf("interrupted: %v, %+v", err, res)
	}
	if int(dials.Load()) >= 2*len(ident.CommonPorts()) {
		t.Errorf("every port dialed after the interruption")
	}
	n := 0
	for sc := bufio.NewScanner(&lines); sc.Scan(); n++ {
		if !json.Valid(sc.Bytes()) {
			t.Errorf("line %d: %q", n+1, sc.Text())
		}
	}
	if n != len(res.Transcript) || n == 0 {
		t.Errorf("%d lines written, %d in the result", n, len(res.Transcript))
	}
}

// ports is a port list as the operator writes it.
func ports(ps ...int) string {
	var s []string
	for _, p := range ps {
		s = append(s, strconv.Itoa(p))
	}
	return strings.Join(s, ",")
}

// TestBadOptions: options that cannot be read stop the probe before it
// sends anything.
func TestBadOptions(t *testing.T) {
	var dials atomic.Int32
	for _, o := range []Options{
		{Targets: []string{"127.0.0.1"}},
		{Targets: []string{"127.0.0.1"}, Scope: []string{"everything"}},
		{Scope: []string{"127.0.0.1"}},
		{Targets: []string{"127.0.0.1"}, Scope: []string{"127.0.0.1"}, Ports: "ssh"},
		{Targets: []string{"127.0.0.1"}, Scope: []string{"127.0.0.1"}, Profile: "aggressive"},
		{Targets: []string{"127.0.0.1"}, Scope: []string{"127.0.0.1"}, Rate: -1},
		{Targets: []string{"127.0.0.1"}, Scope: []string{"127.0.0.1"}, Profile: "passive"}, // reads a capture, never Run
		{Targets: []string{"127.0.0.1"}, Scope: []string{"127.0.0.1"}, UDPPorts: "snmp"},
	} {
		o.Dial = dialOnly(t, &dials)
		if res, err := Run(context.Background(), o); err == nil || res != nil {
			t.Errorf("Run(%+v) = %v, %v", o, res, err)
		}
	}
	if dials.Load() != 0 {
		t.Errorf("%d dials", dials.Load())
	}
}

// FuzzPrintable: the printable form of any bytes is bounded.
func FuzzPrintable(f *testing.F) {
	for _, s := range []string{"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\r\n", "\xff\xfd\x18", "\xc3\x28", "\x00\x01"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if p := printable(b, 200); len(p) > 200*4 {
			t.Errorf("printable of %d bytes is %d long", len(b), len(p))
		}
	})
}

// TestExchangeInterrupted: the end of ctx cuts an exchange's reads
// short, those after it too (a read sets its own deadline otherwise).
func TestExchangeInterrupted(t *testing.T) {
	port := loopback.Serve(t, func(c net.Conn) {
		c.Write([]byte("x"))
		time.Sleep(3 * time.Second) // then closes: an uncut read ends in EOF
	})
	scope, err := ParseScope([]string{"127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	g := newGuard(scope, Limits{Rate: 100, HostRate: 100, MaxConns: 1, HostConns: 1, Timeout: time.Minute}, nil, NewTranscript(nil, time.Now))
	ctx, cancel := context.WithCancel(context.Background())
	var seqs []int
	err = g.exchange(ctx, netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(port)), &seqs, func(nc net.Conn) error {
		if _, err := io.ReadFull(nc, make([]byte, 1)); err != nil {
			return err
		}
		cancel()
		time.Sleep(100 * time.Millisecond) // the interruption lands before the next read begins
		_, err := nc.Read(make([]byte, 1))
		return err
	})
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("the read after the interruption: %v, want a deadline", err)
	}
}
