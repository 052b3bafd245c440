package probe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// Scope is the set of addresses a probe may send packets to: the
// networks the operator names (--scope). Nothing outside it is ever
// dialed, whatever a target, a name's resolution or a redirect says.
type Scope struct {
	nets []netip.Prefix
}

// ParseScope reads the networks of a scope: CIDR prefixes
// (192.0.2.0/24, 2001:db8::/64) or single addresses. An empty scope is
// an error: a probe without one would have no bounds.
func ParseScope(list []string) (Scope, error) {
	var s Scope
	for _, item := range list {
		for _, f := range strings.Split(item, ",") {
			f = strings.TrimSpace(f)
			if f == "" {
				continue
			}
			p, err := netip.ParsePrefix(f)
			if err != nil {
				a, aerr := netip.ParseAddr(f)
				if aerr != nil {
					return Scope{}, fmt.Errorf("scope %q is neither a network (CIDR, such as 192.0.2.0/24) nor an address", f)
				}
				if a.Zone() != "" {
					return Scope{}, fmt.Errorf("scope %q: give the address without its zone", f)
				}
				p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
			}
			s.nets = append(s.nets, netip.PrefixFrom(p.Addr().Unmap(), min(p.Bits(), p.Addr().Unmap().BitLen())).Masked())
		}
	}
	if len(s.nets) == 0 {
		return Scope{}, errors.New("no scope: name the networks the probe may reach with --scope (CIDR or address)")
	}
	return s, nil
}

// Contains reports whether a is inside the scope.
func (s Scope) Contains(a netip.Addr) bool {
	a = a.Unmap().WithZone("")
	for _, p := range s.nets {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// String lists the scope's networks.
func (s Scope) String() string {
	out := make([]string, len(s.nets))
	for i, p := range s.nets {
		out[i] = p.String()
	}
	return strings.Join(out, ",")
}

// Networks are the scope's networks, as given (masked).
func (s Scope) Networks() []string { return strings.Split(s.String(), ",") }

// maxHosts bounds the addresses one target expands to: a /22 of IPv4.
const maxHosts = 1024

// Resolver looks up a name's addresses.
type Resolver func(ctx context.Context, host string) ([]netip.Addr, error)

// systemResolver is the system's resolver.
func systemResolver(ctx context.Context, host string) ([]netip.Addr, error) {
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}

// Target is one target as given, and the addresses it stands for: those
// in the scope to probe, and those refused for lying outside it.
type Target struct {
	Input   string   `json:"input"`
	Probed  []string `json:"probed"`
	Refused []string `json:"refused,omitempty"`
	// Error says why the target gave no address to probe.
	Error string `json:"error,omitempty"`
	// name is the host name the addresses were resolved from, if any.
	name string
}

// expand reads a target: an address, a network (CIDR, at most maxHosts
// addresses) or a host name, resolved with resolve; each address is
// checked against the scope before anything is sent to it. An address
// literal outside the scope is refused without any lookup.
func expand(ctx context.Context, input string, scope Scope, resolve Resolver) (Target, []netip.Addr) {
	t := Target{Input: input, Probed: []string{}}
	var addrs []netip.Addr
	switch p, err := netip.ParsePrefix(input); {
	case err == nil:
		p = p.Masked()
		if p.Addr().Unmap().BitLen()-p.Bits() > 10 {
			t.Error = fmt.Sprintf("network %s has more than %d addresses; name smaller ones", p, maxHosts)
			return t, nil
		}
		for a := p.Addr(); p.Contains(a); a = a.Next() {
			addrs = append(addrs, a)
		}
	default:
		host := strings.TrimSuffix(strings.TrimPrefix(input, "["), "]")
		if a, err := netip.ParseAddr(host); err == nil {
			addrs = []netip.Addr{a}
			break
		}
		if !validName(host) {
			t.Error = fmt.Sprintf("%q is not an address, a network or a host name", input)
			return t, nil
		}
		res, err := resolve(ctx, host)
		if err != nil {
			t.Error = "resolving it: " + err.Error()
			return t, nil
		}
		addrs, t.name = res, host
	}
	var in []netip.Addr
	seen := map[netip.Addr]bool{}
	for _, a := range addrs {
		a = a.Unmap()
		if seen[a] {
			continue
		}
		seen[a] = true
		if scope.Contains(a) {
			in = append(in, a)
			t.Probed = append(t.Probed, a.String())
		} else {
			t.Refused = append(t.Refused, a.String())
		}
	}
	if len(in) == 0 && t.Error == "" {
		t.Error = "outside the scope (" + scope.String() + "): nothing sent"
	}
	return t, in
}

// validName reports whether s can be a DNS host name.
func validName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(s, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return false
			}
		}
	}
	return true
}
