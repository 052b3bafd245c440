package probe

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"syscall"
	"time"

	"github.com/mdcheck/mdcheck/internal/probe/snmpwire"
)

// OpenFiltered is a UDP port that did not answer: an agent may be
// there and ignore what it was sent, or a firewall may drop it.
const OpenFiltered = "open|filtered"

// SNMP is what a probe learned of an SNMP agent.
type SNMP struct {
	// Engine is the agent's answer to SNMPv3 engine discovery; nil when
	// it gave none.
	Engine *snmpwire.Engine `json:"engine,omitempty"`
	// CommunitiesTried is set when the probe tried the community strings
	// it knows of (credential tests only); Communities are those the
	// agent answered, each with the SNMP version that it answered.
	CommunitiesTried bool            `json:"communitiesTried"`
	Communities      []SNMPCommunity `json:"communities"`
	// Description, ObjectID and Name are sysDescr, sysObjectID and
	// sysName, as the first community that answered read them.
	Description string `json:"description,omitempty"`
	ObjectID    string `json:"objectID,omitempty"`
	Name        string `json:"name,omitempty"`
	// Weak are the weaknesses it showed: communities it answers.
	Weak []string `json:"weak"`
}

// SNMPCommunity is a community string an agent answered, and how.
type SNMPCommunity struct {
	Community string `json:"community"`
	Version   string `json:"version"`
	// Error is the error status of its answer ("" for none): an
	// answer at all shows the community is accepted.
	Error string `json:"error,omitempty"`
}

// SNMPCommunities are the community strings credential tests try,
// each over SNMPv2c, then SNMPv1 (docs/probe.md).
var SNMPCommunities = []string{"public", "private"}

// udpWait is how long the probe waits for an answer to one datagram.
func udpWait(lim Limits) time.Duration { return min(lim.Timeout, 2*time.Second) }

// probeSNMP asks the UDP port ap for SNMPv3 engine discovery and, with
// credential tests allowed, reads the system group under each known
// community string. It returns false when ctx ended first.
func probeSNMP(ctx context.Context, g *guard, ap netip.AddrPort, credentials bool) (Port, bool) {
	p := Port{Port: int(ap.Port()), Proto: "udp", State: OpenFiltered, Evidence: []int{}}
	s := &SNMP{Communities: []SNMPCommunity{}, Weak: []string{}}
	// ask sends msg from a fresh socket and waits for the answer that
	// carries id; the port is closed when an ICMP port unreachable came.
	ask := func(msg []byte, err error, id uint32) (a *snmpwire.Answer, closed bool, ok bool) {
		if err != nil {
			return nil, false, true // never sent
		}
		c, seqs, _ := g.datagram(ctx, ap)
		p.Evidence = append(p.Evidence, seqs...)
		if c == nil {
			p.State = Failed
			return nil, false, ctx.Err() == nil
		}
		n := len(c.Lines(0))
		defer func() { c.Close(); p.Evidence = append(p.Evidence, c.Lines(n)...) }()
		stop := context.AfterFunc(ctx, func() { c.c.SetReadDeadline(time.Now()) })
		defer stop()
		if c.Send(msg) != nil {
			return nil, false, true
		}
		end := time.Now().Add(udpWait(g.lim))
		for time.Now().Before(end) {
			b, err := c.Datagram(time.Until(end))
			if errors.Is(err, syscall.ECONNREFUSED) {
				return nil, true, true
			}
			if err != nil {
				break
			}
			if x, err := snmpwire.Parse(b); err == nil && x.ID == id {
				return x, false, true
			}
		}
		return nil, false, ctx.Err() == nil
	}
	id := rand.Uint32() & 0x7fffffff
	msg, err := snmpwire.Discovery(id)
	a, closed, ok := ask(msg, err, id)
	if !ok {
		return p, false
	}
	if closed {
		p.State = Closed
		return p, true
	}
	if a != nil && a.Version == "3" {
		p.State, s.Engine = Open, a.Engine
	}
	if credentials {
		s.CommunitiesTried = true
	next:
		for _, com := range SNMPCommunities {
			for _, v := range []string{"2c", "1"} {
				id++
				msg, err := snmpwire.Get(v, com, id)
				a, closed, ok := ask(msg, err, id)
				switch {
				case !ok:
					return p, false
				case closed:
					p.State = Closed
					break next
				case a == nil || a.Community != com:
					continue
				}
				p.State = Open
				s.Communities = append(s.Communities, SNMPCommunity{Community: com, Version: a.Version, Error: a.ErrorStatus})
				if s.Description == "" && s.ObjectID == "" && s.Name == "" {
					s.Description, s.ObjectID, s.Name = a.Values[snmpwire.SysDescr], a.Values[snmpwire.SysObjectID], a.Values[snmpwire.SysName]
				}
				continue next
			}
		}
	}
	if p.State != Open {
		return p, true
	}
	for _, c := range s.Communities {
		s.Weak = append(s.Weak, fmt.Sprintf("answers SNMPv%s under the well-known community %q: whoever knows it reads the agent, and community and values cross the network in the clear", c.Version, c.Community))
	}
	p.SNMP = s
	why := "answered SNMPv3 engine discovery"
	if s.Engine == nil {
		why = fmt.Sprintf("answered SNMPv%s under the community %q", s.Communities[0].Version, s.Communities[0].Community)
	}
	p.Service = &Service{Name: "snmp", Product: s.Description, Confidence: High, Reason: why}
	return p, true
}
