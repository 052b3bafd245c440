package probe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"sync"
	"syscall"
	"time"

	"golang.org/x/time/rate"
)

// Limits bound what a probe sends. The profiles set them (safe: one
// connection at a time per host); the operator may lower or raise the
// global ones.
type Limits struct {
	// Rate is new connections per second, all hosts together; HostRate
	// the same to one host.
	Rate     float64 `json:"rate"`
	HostRate float64 `json:"hostRate"`
	// MaxConns is connections open at once, all hosts together;
	// HostConns to one host.
	MaxConns  int `json:"maxConns"`
	HostConns int `json:"hostConns"`
	// Timeout bounds a connection attempt, and each exchange on an open
	// connection.
	Timeout time.Duration `json:"-"`
}

// Dialer opens a connection, as net.Dialer.DialContext does. The probe
// calls it only with an address literal inside the scope.
type Dialer func(ctx context.Context, network, address string) (net.Conn, error)

// guard is the only way a probe reaches the network: it dials an
// address only when the scope holds it, within the limits, and records
// every connection and every byte sent in the transcript.
type guard struct {
	scope  Scope
	lim    Limits
	dial   Dialer
	tr     *Transcript
	global *rate.Limiter
	conns  chan struct{}

	mu    sync.Mutex
	hosts map[netip.Addr]*hostLimit
}

type hostLimit struct {
	rate  *rate.Limiter
	conns chan struct{}
}

func newGuard(scope Scope, lim Limits, dial Dialer, tr *Transcript) *guard {
	if dial == nil {
		d := &net.Dialer{}
		dial = d.DialContext
	}
	return &guard{scope: scope, lim: lim, dial: dial, tr: tr,
		global: rate.NewLimiter(rate.Limit(lim.Rate), 1),
		conns:  make(chan struct{}, lim.MaxConns),
		hosts:  map[netip.Addr]*hostLimit{}}
}

func (g *guard) host(a netip.Addr) *hostLimit {
	g.mu.Lock()
	defer g.mu.Unlock()
	h, ok := g.hosts[a]
	if !ok {
		h = &hostLimit{rate: rate.NewLimiter(rate.Limit(g.lim.HostRate), 1), conns: make(chan struct{}, g.lim.HostConns)}
		g.hosts[a] = h
	}
	return h
}

// Connection states of a port.
const (
	Open     = "open"
	Closed   = "closed"
	Filtered = "filtered" // no answer within the timeout
	Failed   = "error"
)

// Conn is an open TCP connection, or a UDP socket, of a probe: what is
// sent and received on it goes to the transcript.
type Conn struct {
	c       net.Conn
	g       *guard
	proto   string // tcp or udp
	host    string
	port    int
	release func()
	closed  sync.Once
	// seqs are the transcript lines of this connection (a library may
	// read and write it from two goroutines).
	mu   sync.Mutex
	seqs []int
}

func (c *Conn) note(seq int) {
	c.mu.Lock()
	c.seqs = append(c.seqs, seq)
	c.mu.Unlock()
}

// Lines are the transcript lines of the connection, from the n-th on.
func (c *Conn) Lines(n int) []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]int(nil), c.seqs[min(n, len(c.seqs)):]...)
}

// connect opens a TCP connection to ap within the limits, after the
// scope allows it: the state of the port, and the connection when open.
// An address outside the scope is refused with an error, and nothing is
// sent.
func (g *guard) connect(ctx context.Context, ap netip.AddrPort) (*Conn, string, []int, error) {
	return g.open(ctx, "tcp", ap)
}

// datagram opens a UDP socket to ap within the limits, after the scope
// allows it, as connect does a TCP connection: nothing is sent until
// Send. Each datagram exchange holds its own place in the limits.
func (g *guard) datagram(ctx context.Context, ap netip.AddrPort) (*Conn, []int, error) {
	c, _, seqs, err := g.open(ctx, "udp", ap)
	return c, seqs, err
}

func (g *guard) open(ctx context.Context, network string, ap netip.AddrPort) (*Conn, string, []int, error) {
	a := ap.Addr().Unmap()
	ev := Event{Proto: network, Host: a.String(), Port: int(ap.Port())}
	if !g.scope.Contains(a) {
		ev.Kind, ev.Note = EvOutOfScope, "outside the scope "+g.scope.String()
		return nil, "", []int{g.tr.Add(ev)}, fmt.Errorf("%s is outside the scope %s: nothing sent", a, g.scope)
	}
	h := g.host(a)
	// Hold a place for the host, then one of all, then wait for the rates.
	select {
	case h.conns <- struct{}{}:
	case <-ctx.Done():
		return nil, "", nil, ctx.Err()
	}
	select {
	case g.conns <- struct{}{}:
	case <-ctx.Done():
		<-h.conns
		return nil, "", nil, ctx.Err()
	}
	release := func() { <-g.conns; <-h.conns }
	if err := h.rate.Wait(ctx); err != nil {
		release()
		return nil, "", nil, err
	}
	if err := g.global.Wait(ctx); err != nil {
		release()
		return nil, "", nil, err
	}
	ev.Kind = EvConnect
	seqs := []int{g.tr.Add(ev)}
	dctx, cancel := context.WithTimeout(ctx, g.lim.Timeout)
	c, err := g.dial(dctx, network, net.JoinHostPort(a.String(), strconv.Itoa(int(ap.Port()))))
	cancel()
	state := Open
	switch {
	case err == nil:
	case ctx.Err() != nil:
		release()
		return nil, "", seqs, ctx.Err()
	case errors.Is(err, syscall.ECONNREFUSED):
		state = Closed
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) || isTimeout(err):
		state = Filtered
	default:
		state = Failed
	}
	if network == "udp" {
		// A UDP socket sends nothing on opening: its port's state shows in
		// the answer to what is sent.
		if err != nil {
			release()
			ev.Kind, ev.Note = EvError, err.Error()
			return nil, Failed, append(seqs, g.tr.Add(ev)), nil
		}
		return &Conn{c: c, g: g, proto: network, host: a.String(), port: int(ap.Port()), release: release, seqs: seqs}, "", seqs, nil
	}
	ev.Kind = map[string]string{Open: EvOpen, Closed: EvClosed, Filtered: EvTimeout, Failed: EvError}[state]
	if err != nil {
		ev.Note = err.Error()
	}
	seqs = append(seqs, g.tr.Add(ev))
	if err != nil {
		release()
		return nil, state, seqs, nil
	}
	return &Conn{c: c, g: g, proto: network, host: a.String(), port: int(ap.Port()), release: release, seqs: seqs}, Open, seqs, nil
}

// errNotOpen is an exchange for which no connection was opened.
var errNotOpen = errors.New("no connection")

// exchange opens a guarded connection to ap and runs talk on it, as a
// net.Conn whose every byte goes to the transcript and that ctx's end
// cuts short; then it closes it and adds its transcript lines to seqs.
// It returns talk's error, or why no connection was opened (errNotOpen).
func (g *guard) exchange(ctx context.Context, ap netip.AddrPort, seqs *[]int, talk func(net.Conn) error) error {
	c, state, s, err := g.connect(ctx, ap)
	if c == nil {
		*seqs = append(*seqs, s...)
		if err == nil {
			return fmt.Errorf("%w: port %s", errNotOpen, state)
		}
		return fmt.Errorf("%w: %w", errNotOpen, err)
	}
	defer func() { c.Close(); *seqs = append(*seqs, c.Lines(0)...) }()
	nc := c.Net()
	// The end of ctx cuts the read in flight short, and every later one
	// (a read sets its own deadline, no later than the one set here).
	stop := context.AfterFunc(ctx, func() { now := time.Now(); nc.SetDeadline(now); c.c.SetDeadline(now) })
	defer stop()
	return talk(nc)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func (c *Conn) event(kind string) Event {
	return Event{Kind: kind, Proto: c.proto, Host: c.host, Port: c.port}
}

// Send writes b, within the timeout; the transcript keeps all of it.
func (c *Conn) Send(b []byte) error {
	c.note(c.g.tr.Add(data(c.event(EvSend), b, -1)))
	if err := c.c.SetWriteDeadline(time.Now().Add(c.g.lim.Timeout)); err != nil {
		return err
	}
	_, err := c.c.Write(b)
	return err
}

// Recv reads what the peer sends within wait, up to max bytes, however
// slowly or endlessly it sends: what arrived (the transcript keeps its
// start), and io.EOF when the peer closed the connection.
func (c *Conn) Recv(max int, wait time.Duration) ([]byte, error) {
	if err := c.c.SetReadDeadline(time.Now().Add(wait)); err != nil {
		return nil, err
	}
	buf := make([]byte, 0, min(max, 4096))
	var err error
	for len(buf) < max {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		var n int
		n, err = c.c.Read(buf[len(buf):min(cap(buf), max)])
		buf = buf[:len(buf)+n]
		if err != nil {
			break
		}
	}
	if len(buf) > 0 {
		c.note(c.g.tr.Add(data(c.event(EvRecv), buf, maxRecorded)))
	}
	if isTimeout(err) {
		err = nil
	}
	return buf, err
}

// Datagram waits up to wait for one datagram from the peer and returns
// it (the transcript keeps its start); an ICMP port-unreachable answer
// to what was sent is syscall.ECONNREFUSED, silence a timeout error.
func (c *Conn) Datagram(wait time.Duration) ([]byte, error) {
	if err := c.c.SetReadDeadline(time.Now().Add(wait)); err != nil {
		return nil, err
	}
	buf := make([]byte, 65536)
	n, err := c.c.Read(buf)
	if n > 0 {
		c.note(c.g.tr.Add(data(c.event(EvRecv), buf[:n], maxRecorded)))
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		ev := c.event(EvClosed)
		ev.Note = "ICMP port unreachable"
		c.note(c.g.tr.Add(ev))
	}
	return buf[:n], err
}

// Close closes the connection and gives its place back; closing it
// again does nothing.
func (c *Conn) Close() error {
	var err error
	c.closed.Do(func() {
		err = c.c.Close()
		c.note(c.g.tr.Add(c.event(EvClose)))
		c.release()
	})
	return err
}

// Net is the connection as a net.Conn, for a protocol library (a TLS
// client) to speak over: every byte it writes is recorded, as Send does,
// and the start of every read, as Recv does. Each read or write must
// end within the timeout, or by the read deadline set, if sooner.
func (c *Conn) Net() net.Conn { return &recorded{Conn: c.c, c: c} }

type recorded struct {
	net.Conn
	c     *Conn
	mu    sync.Mutex
	until time.Time // the read deadline the user set; zero for none
}

func (r *recorded) SetReadDeadline(t time.Time) error {
	r.mu.Lock()
	r.until = t
	r.mu.Unlock()
	return nil
}

func (r *recorded) SetDeadline(t time.Time) error {
	r.SetReadDeadline(t)
	return r.Conn.SetWriteDeadline(t)
}

func (r *recorded) Write(b []byte) (int, error) {
	r.c.note(r.c.g.tr.Add(data(r.c.event(EvSend), b, -1)))
	r.Conn.SetWriteDeadline(time.Now().Add(r.c.g.lim.Timeout))
	return r.Conn.Write(b)
}

// Close closes the connection as Conn.Close does, giving its place
// back at once (a library closes a connection it is done with).
func (r *recorded) Close() error { return r.c.Close() }

func (r *recorded) Read(b []byte) (int, error) {
	d := time.Now().Add(r.c.g.lim.Timeout)
	r.mu.Lock()
	if !r.until.IsZero() && r.until.Before(d) {
		d = r.until
	}
	r.mu.Unlock()
	r.Conn.SetReadDeadline(d)
	n, err := r.Conn.Read(b)
	if n > 0 {
		r.c.note(r.c.g.tr.Add(data(r.c.event(EvRecv), b[:n], maxRecorded)))
	}
	return n, err
}
