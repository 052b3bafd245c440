package passive

import (
	"fmt"
	"io"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/mdcheck/mdcheck/internal/probe/ident"
)

// Bounds of what is kept of a capture.
const (
	// MaxFlows bounds the connections followed; later ones are counted,
	// not followed.
	MaxFlows = 10000
	// maxStream bounds what is kept of the start of each direction of a
	// connection: enough for a greeting, a request's head, a
	// ServerHello.
	maxStream = 4 << 10
	// maxHandshake bounds what is kept of a TLS server's first answer,
	// to read the certificate chain TLS 1.2 and earlier send in clear
	// (once per server); maxRetained bounds those answers kept at once.
	maxHandshake = 24 << 10
	maxRetained  = 32 << 20
	// maxMarks bounds the packets cited for one server.
	maxMarks   = 64
	maxClients = 16
)

// Capture is what a capture shows.
type Capture struct {
	// Format is pcap or pcapng; First and Last the times of the first
	// and last packet.
	Format      string
	First, Last time.Time
	// Packets were read; Undecoded of them held no TCP or UDP over IP
	// (ARP, ICMP, later fragments, frames of another link type).
	Packets, Undecoded int
	// Flows are the connections (and UDP exchanges) seen; Dropped those
	// past MaxFlows, not followed.
	Flows, Dropped int
	// retained are the bytes kept of TLS answers past maxStream.
	retained int
	// Servers are the ports that served, in order of address and port.
	Servers []*Server
}

// Server is a port that served in the capture.
type Server struct {
	Addr netip.AddrPort
	UDP  bool
	// Packets are the packets to and from it; Clients the addresses that
	// talked to it (at most 16).
	Packets int
	Clients []netip.Addr
	// Service is what it speaks, as its traffic names it.
	Service *ident.Service
	// TLS are the versions and suites negotiated on its connections, in
	// the order seen (each once); TLSUnseen is set when TLS records
	// crossed whose handshake the capture does not hold. Chain is the
	// first certificate chain it sent in clear (TLS 1.2 and earlier;
	// DER, leaf first), from packet ChainPacket.
	TLS         []Negotiated
	TLSUnseen   bool
	Chain       [][]byte
	ChainPacket int
	// Cleartext says what shows its protocol in the clear; empty when
	// nothing does.
	Cleartext string
	// Credentials and HealthData say what crossed in the clear, each in
	// the first packet that showed it. The secret itself is never kept.
	Credentials, HealthData []Mark
	// Marks are the packets that show all this, in packet order.
	Marks []Mark
	// served is set once the capture shows the port serving: it sent
	// something (a SYN-ACK, data, a datagram), or a client sent it data
	// over TCP, which only an accepted connection carries. A port only
	// sent SYNs (a scan) or unanswered datagrams is not reported.
	served bool
}

// Negotiated is a TLS version and suite a connection agreed on.
type Negotiated struct {
	Version, Suite uint16
	Packet         int
}

// Mark is a packet that shows something: its number and what.
type Mark struct {
	Packet int
	What   string
}

// flow is one connection, from its server's side.
type flow struct {
	srv    *Server
	client netip.AddrPort
	// the start of each direction's bytes: to the server, from it
	up, down stream
	// named is set once the flow named its server, which frees the
	// streams; tls when it spoke TLS; prompted when the server's last
	// words asked for a password.
	named, tls, prompted bool
	// kept are the bytes of a TLS answer counted in Capture.retained.
	kept int
}

// stream keeps the first bytes of one direction of a connection, in
// sequence order, up to the first gap.
type stream struct {
	buf     []byte
	next    uint32
	started bool
	gap     bool
	first   int // packet of the first byte
}

func (s *stream) add(seq uint32, b []byte, pkt int, udp bool, limit int) {
	if len(b) == 0 || s.gap || len(s.buf) >= limit {
		return
	}
	if udp || !s.started {
		s.started, s.next = true, seq
	}
	if s.first == 0 {
		s.first = pkt
	}
	if !udp {
		d := int64(int32(seq - s.next))
		switch {
		case d > 0:
			s.gap = true // a segment missing from the capture
			return
		case d < 0: // a retransmission, perhaps with new bytes
			if -d >= int64(len(b)) {
				return
			}
			b = b[-d:]
		}
		s.next += uint32(len(b))
	}
	s.buf = append(s.buf, b[:min(len(b), limit-len(s.buf))]...)
}

// Read reads a capture and returns what it shows. It reads it whole,
// packet by packet, keeping at most the start of each connection; an
// error says where the capture cannot be read (its byte offset and
// packet), with what was read up to there.
func Read(r io.Reader) (*Capture, error) {
	rd, err := newReader(r)
	if err != nil {
		return nil, err
	}
	c := &Capture{Format: rd.format}
	servers := map[serverID]*Server{}
	flows := map[flowID]*flow{}
	for {
		p, err := rd.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			finish(c, servers, flows)
			return c, err
		}
		c.Packets++
		if c.First.IsZero() || p.Time.Before(c.First) {
			c.First = p.Time
		}
		if p.Time.After(c.Last) {
			c.Last = p.Time
		}
		s, ok := decode(p.Link, p.Data)
		if !ok {
			c.Undecoded++
			continue
		}
		follow(c, servers, flows, s, p.Num)
	}
	finish(c, servers, flows)
	return c, nil
}

// flowID names a connection whichever way its packet goes; serverID a
// server port.
type flowID struct {
	a, b netip.AddrPort
	udp  bool
}

type serverID struct {
	at  netip.AddrPort
	udp bool
}

func flowKey(a, b netip.AddrPort, udp bool) flowID {
	if a.Compare(b) > 0 {
		a, b = b, a
	}
	return flowID{a, b, udp}
}

// serverSide says which end of a segment serves: the receiver of a SYN,
// the sender of a SYN-ACK; else a well-known port, else the lower one.
func serverSide(s segment) (srv, cli netip.AddrPort) {
	switch {
	case s.syn && !s.ack:
		return s.dst, s.src
	case s.syn && s.ack:
		return s.src, s.dst
	}
	if s.udp && len(s.payload) > 0 {
		if req, ok := snmpRequest(s.payload); ok {
			if req {
				return s.dst, s.src
			}
			return s.src, s.dst
		}
	}
	src, dst := int(s.src.Port()), int(s.dst.Port())
	srcKnown, dstKnown := ident.Identify(src, nil) != nil, ident.Identify(dst, nil) != nil
	switch {
	case srcKnown && !dstKnown:
		return s.src, s.dst
	case dstKnown && !srcKnown:
		return s.dst, s.src
	case src < dst:
		return s.src, s.dst
	}
	return s.dst, s.src
}

func follow(c *Capture, servers map[serverID]*Server, flows map[flowID]*flow, s segment, pkt int) {
	key := flowKey(s.src, s.dst, s.udp)
	f := flows[key]
	if f == nil {
		if len(flows) >= MaxFlows {
			c.Dropped++
			return
		}
		if !s.udp && len(s.payload) == 0 && !s.syn {
			return // a bare ACK or FIN of a connection not yet seen
		}
		srv, cli := serverSide(s)
		if srv.Addr().IsMulticast() || srv.Addr() == netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
			return // a broadcast or multicast: no port that serves
		}
		sk := serverID{srv, s.udp}
		sv := servers[sk]
		if sv == nil {
			sv = &Server{Addr: srv, UDP: s.udp}
			servers[sk] = sv
		}
		if len(sv.Clients) < maxClients && !slices.Contains(sv.Clients, cli.Addr()) {
			sv.Clients = append(sv.Clients, cli.Addr())
		}
		f = &flow{srv: sv, client: cli}
		flows[key] = f
		c.Flows++
	}
	f.srv.Packets++
	toServer := s.dst == f.srv.Addr
	if !toServer && (s.syn && s.ack || len(s.payload) > 0) || toServer && !s.udp && len(s.payload) > 0 {
		f.srv.served = true
	}
	dir := &f.down
	if toServer {
		dir = &f.up
	}
	seq := s.seq
	if s.syn {
		seq++ // the SYN takes a sequence number
		dir.started, dir.next = true, seq
	}
	if s.udp {
		analyzeDatagram(f.srv, s.payload, toServer, pkt)
		return
	}
	if !f.named {
		// A TLS server's first answer is kept whole (within bounds) until
		// its certificate chain is read, once per server.
		limit := maxStream
		chain := !toServer && f.srv.Chain == nil && f.tls && c.retained < maxRetained
		if chain {
			limit = maxHandshake
		}
		before := len(dir.buf)
		dir.add(seq, s.payload, pkt, false, limit)
		if chain {
			f.kept += len(dir.buf) - before
			c.retained += len(dir.buf) - before
		}
		f.tls = isTLS(f.up.buf) || isTLS(f.down.buf)
		// Both sides have spoken, or one has filled what is kept: the
		// start is enough to name the server; the rest is not kept.
		if (len(f.up.buf) > 0 && len(f.down.buf) > 0 || len(f.up.buf) >= maxStream || len(f.down.buf) >= maxStream) &&
			!(f.tls && f.srv.Chain == nil && len(f.down.buf) < maxHandshake && c.retained < maxRetained && answerOpen(f.down.buf)) {
			c.retained -= f.kept
			name(f)
			f.named, f.up.buf, f.down.buf = true, nil, nil
		}
	}
	if len(s.payload) > 0 && !f.tls {
		exposures(f.srv, s.payload, toServer, pkt)
		typed(f, s.payload, toServer, pkt)
	}
}

// finish names each server's service from what its connections said.
func finish(c *Capture, servers map[serverID]*Server, flows map[flowID]*flow) {
	keys := make([]flowID, 0, len(flows))
	for k := range flows {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y flowID) int { // the same names whatever the map's order
		if c := x.a.Compare(y.a); c != 0 {
			return c
		}
		if c := x.b.Compare(y.b); c != 0 {
			return c
		}
		return udpLast(x.udp, y.udp)
	})
	for _, k := range keys {
		if !flows[k].named {
			name(flows[k])
		}
	}
	for _, s := range servers {
		if !s.served {
			continue
		}
		if s.Service == nil {
			s.Service = ident.Identify(int(s.Addr.Port()), nil)
		}
		if s.Service != nil && s.Service.Confidence == ident.High && len(s.TLS) == 0 && !s.TLSUnseen && ident.InClear(s.Service.Name) && s.Cleartext == "" {
			s.Cleartext = "seen in the capture: " + s.Service.Name + " in the clear (" + s.Service.Reason + ")"
		}
		for _, x := range []struct {
			marks []Mark
			what  string
		}{{s.Credentials, "credentials"}, {s.HealthData, "health data"}} {
			if len(x.marks) == 0 {
				continue
			}
			var w []string
			for _, m := range x.marks {
				w = append(w, fmt.Sprintf("%s (packet %d)", m.What, m.Packet))
			}
			if s.Cleartext == "" {
				s.Cleartext = "seen in the capture"
			}
			s.Cleartext += "; " + x.what + " crossed in the clear: " + strings.Join(w, ", ")
		}
		slices.SortFunc(s.Marks, func(a, b Mark) int { return a.Packet - b.Packet })
		slices.SortFunc(s.TLS, func(a, b Negotiated) int { return a.Packet - b.Packet })
		c.Servers = append(c.Servers, s)
	}
	slices.SortFunc(c.Servers, func(a, b *Server) int {
		if x := a.Addr.Compare(b.Addr); x != 0 {
			return x
		}
		return udpLast(a.UDP, b.UDP)
	})
}

// udpLast orders TCP before UDP.
func udpLast(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

func (s *Server) mark(pkt int, what string) {
	if len(s.Marks) < maxMarks && !slices.ContainsFunc(s.Marks, func(m Mark) bool { return m.What == what }) {
		s.Marks = append(s.Marks, Mark{pkt, what})
	}
}

var httpRequest = regexp.MustCompile(`^(GET|POST|PUT|HEAD|DELETE|OPTIONS|PATCH) \S+ HTTP/1\.[01]\r?\n`)
