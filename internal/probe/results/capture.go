package results

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"time"

	"github.com/mdcheck/mdcheck/internal/probe"
	"github.com/mdcheck/mdcheck/internal/probe/certs"
	"github.com/mdcheck/mdcheck/internal/probe/passive"
	"github.com/mdcheck/mdcheck/internal/probe/tlswire"
)

// ReadCapture reads the capture o.Pcap (the passive profile) as probe
// results: of the servers inside o.Scope and o.Targets, when given
// (addresses or networks; no name is resolved). Options that would send
// something are an error. A capture cut short gives what was read
// before the cut, marked partial, with the error.
func ReadCapture(o probe.Options) (*probe.Result, error) {
	switch {
	case o.Profile != string(probe.Passive):
		return nil, errors.New("--pcap is read by the passive profile only (--profile passive)")
	case o.Pcap == "":
		return nil, errors.New("the passive profile reads a capture: give --pcap FILE")
	case o.HL7Query || o.AllowCredentialTests:
		return nil, errors.New("the passive profile sends nothing: --hl7-query and --allow-credential-tests do not apply")
	}
	file, scope, targets := o.Pcap, o.Scope, o.Targets
	var keep []func(netip.Addr) bool
	var nets []string
	if len(scope) > 0 {
		s, err := probe.ParseScope(scope)
		if err != nil {
			return nil, err
		}
		keep, nets = append(keep, s.Contains), s.Networks()
	}
	if len(targets) > 0 {
		t, err := probe.ParseScope(targets)
		if err != nil {
			return nil, fmt.Errorf("the passive profile resolves no names: give the targets as addresses or networks (%w)", err)
		}
		keep = append(keep, t.Contains)
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	c, err := passive.Read(f)
	if c == nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	res := FromCapture(c, file, nets, func(a netip.Addr) bool {
		return !slices.ContainsFunc(keep, func(k func(netip.Addr) bool) bool { return !k(a) })
	})
	if res.Started.IsZero() { // no packet: the time it was read
		res.Started = time.Now().UTC()
		res.Finished = res.Started
	}
	if err != nil {
		res.Partial = true
		return res, fmt.Errorf("%s: %w", file, err)
	}
	return res, nil
}

// FromCapture is what a capture shows, as probe results of the passive
// profile: each port that served, with its service, the TLS negotiated
// on it and what crossed it in the clear; its evidence the transcript
// events that cite the packets. Only servers whose address keep
// accepts are kept (all, when keep is nil). file names the capture.
func FromCapture(c *passive.Capture, file string, scope []string, keep func(netip.Addr) bool) *probe.Result {
	res := &probe.Result{Started: c.First, Finished: c.Last, Profile: probe.Passive, Scope: scope, Ports: []int{}, UDPPorts: []int{},
		Declared: []probe.Declared{}, Targets: []probe.Target{}, Hosts: []probe.Host{}, Transcript: []probe.Event{},
		Capture: &probe.Capture{File: file, Format: c.Format, Packets: c.Packets, Undecoded: c.Undecoded, Flows: c.Flows, Dropped: c.Dropped}}
	if res.Scope == nil {
		res.Scope = []string{}
	}
	type cited struct {
		host, port int
		passive.Mark
	}
	var marks []cited
	hostOf := map[netip.Addr]int{}
	for _, s := range c.Servers {
		a := s.Addr.Addr()
		if keep != nil && !keep(a) {
			continue
		}
		h, ok := hostOf[a]
		if !ok {
			h = len(res.Hosts)
			hostOf[a] = h
			res.Hosts = append(res.Hosts, probe.Host{Address: a.String(), Ports: []probe.Port{}})
		}
		p := probe.Port{Port: int(s.Addr.Port()), Proto: "tcp", State: probe.Open, Service: s.Service, Evidence: []int{}}
		list := &res.Ports
		if s.UDP {
			p.Proto, list = "udp", &res.UDPPorts
		}
		if !slices.Contains(*list, p.Port) {
			*list = append(*list, p.Port)
		}
		if len(s.TLS) > 0 {
			p.TLSTried, p.TLS = true, negotiated(s.TLS)
			if s.Chain != nil { // judged as of now: a certificate in use then and expired since still fails
				p.TLS.Certificate = certs.Read(s.Chain, "", time.Now())
				for _, pr := range p.TLS.Certificate.Problems {
					p.TLS.Weak = append(p.TLS.Weak, "certificate: "+pr)
				}
			}
		}
		seen := &probe.Seen{Packets: s.Packets, Clients: []string{}, Cleartext: s.Cleartext, TLSUnseen: s.TLSUnseen, Credentials: exposed(s.Credentials), HealthData: exposed(s.HealthData)}
		for _, cl := range s.Clients {
			seen.Clients = append(seen.Clients, cl.String())
		}
		p.Seen = seen
		res.Hosts[h].Ports = append(res.Hosts[h].Ports, p)
		for _, m := range s.Marks {
			marks = append(marks, cited{h, len(res.Hosts[h].Ports) - 1, m})
		}
	}
	slices.SortStableFunc(marks, func(a, b cited) int { return a.Packet - b.Packet })
	for i, m := range marks {
		h := &res.Hosts[m.host]
		p := &h.Ports[m.port]
		res.Transcript = append(res.Transcript, probe.Event{Seq: i + 1, Time: c.First, Kind: probe.EvSeen, Proto: p.Proto, Host: h.Address, Port: p.Port, Note: m.What, Packet: m.Packet})
		p.Evidence = append(p.Evidence, i+1)
	}
	slices.Sort(res.Ports)
	slices.Sort(res.UDPPorts)
	return res
}

// negotiated is the TLS a capture showed negotiated, as the active
// probe reports accepted versions, with the weak ones named.
func negotiated(ns []passive.Negotiated) *probe.TLS {
	t := &probe.TLS{Versions: []probe.TLSVersion{}, Refused: []string{}, Weak: []string{}}
	for _, n := range ns {
		v, s := tlswire.VersionName(n.Version), probe.TLSSuite{Name: tlswire.SuiteName(n.Suite), Weakness: tlswire.Weakness(n.Suite)}
		i := slices.IndexFunc(t.Versions, func(x probe.TLSVersion) bool { return x.Version == v })
		if i < 0 {
			t.Versions = append(t.Versions, probe.TLSVersion{Version: v})
			i = len(t.Versions) - 1
			if n.Version < tlswire.TLS12 {
				t.Weak = append(t.Weak, v+" negotiated")
			}
		}
		t.Versions[i].Suites = append(t.Versions[i].Suites, s)
		if s.Weakness != "" {
			t.Weak = append(t.Weak, s.Name+" ("+s.Weakness+") negotiated")
		}
	}
	slices.SortFunc(t.Versions, func(a, b probe.TLSVersion) int { return versionRank(a.Version) - versionRank(b.Version) })
	return t
}

func versionRank(name string) int {
	for i, v := range tlswire.Versions {
		if tlswire.VersionName(v) == name {
			return i
		}
	}
	return -1
}

func exposed(ms []passive.Mark) []probe.Exposure {
	out := []probe.Exposure{}
	for _, m := range ms {
		out = append(out, probe.Exposure{What: m.What, Packet: m.Packet})
	}
	return out
}
