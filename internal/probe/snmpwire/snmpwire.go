// Package snmpwire writes the few SNMP messages a probe sends (an
// SNMPv3 engine discovery request, RFC 3414 section 4, and a GetRequest
// of the system group under a community string) and reads the answers,
// with gosnmp's BER codec. It opens no socket.
package snmpwire

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"unicode/utf8"

	"github.com/gosnmp/gosnmp"
)

// MaxMessage bounds an SNMP message over UDP.
const MaxMessage = 65507

// The system group's objects a GetRequest asks for (RFC 3418).
const (
	SysDescr    = ".1.3.6.1.2.1.1.1.0"
	SysObjectID = ".1.3.6.1.2.1.1.2.0"
	SysName     = ".1.3.6.1.2.1.1.5.0"
)

// Discovery is an SNMPv3 engine discovery request (RFC 3414 4): a
// reportable, unauthenticated GetRequest with no user, no engine ID and
// no variable, which an SNMPv3 engine answers with a Report naming its
// engine ID, boots and time. It carries no credential.
func Discovery(msgID uint32) ([]byte, error) {
	x := &gosnmp.GoSNMP{Version: gosnmp.Version3, MsgFlags: gosnmp.NoAuthNoPriv | gosnmp.Reportable, SecurityModel: gosnmp.UserSecurityModel, SecurityParameters: &gosnmp.UsmSecurityParameters{}}
	p := x.MkSnmpPacket(gosnmp.GetRequest, []gosnmp.SnmpPDU{}, 0, 0)
	p.MsgID, p.RequestID, p.MsgMaxSize = msgID&0x7fffffff, msgID&0x7fffffff, MaxMessage
	return p.MarshalMsg()
}

// Get is an SNMPv1 ("1") or SNMPv2c ("2c") GetRequest of sysDescr,
// sysObjectID and sysName under community.
func Get(version, community string, requestID uint32) ([]byte, error) {
	v, ok := map[string]gosnmp.SnmpVersion{"1": gosnmp.Version1, "2c": gosnmp.Version2c}[version]
	if !ok {
		return nil, fmt.Errorf("SNMP version %q: 1 or 2c", version)
	}
	x := &gosnmp.GoSNMP{Version: v, Community: community}
	var vars []gosnmp.SnmpPDU
	for _, o := range []string{SysDescr, SysObjectID, SysName} {
		vars = append(vars, gosnmp.SnmpPDU{Name: o, Type: gosnmp.Null})
	}
	p := x.MkSnmpPacket(gosnmp.GetRequest, vars, 0, 0)
	p.RequestID = requestID & 0x7fffffff
	return p.MarshalMsg()
}

// Answer is what an SNMP message says that a probe reads.
type Answer struct {
	// Version is "1", "2c" or "3"; PDU the PDU's type (GetResponse,
	// Report).
	Version string
	PDU     string
	// ID is the request ID (v1, v2c) or the message ID (v3) the
	// answer carries; Community its community string (v1, v2c).
	ID        uint32
	Community string
	// ErrorStatus is the PDU's error status in words, "" for none.
	ErrorStatus string
	// Values are the variables, by OID, as text.
	Values map[string]string
	// Engine is the authoritative engine of a v3 answer.
	Engine *Engine
}

// Engine is an SNMPv3 engine as its discovery report shows it.
type Engine struct {
	// ID is the engine ID in hex.
	ID string `json:"id"`
	// Enterprise is the IANA private enterprise number the ID starts
	// with (RFC 3411 SnmpEngineID), 0 when it has none; Format how the
	// rest is made ("IPv4 address", "MAC address", "text", ...) and
	// Detail that rest as text, where RFC 3411 defines it.
	Enterprise uint32 `json:"enterprise"`
	Format     string `json:"format"`
	Detail     string `json:"detail,omitempty"`
	// Boots is how often the engine restarted; Time the seconds since
	// the last restart.
	Boots uint32 `json:"boots"`
	Time  uint32 `json:"time"`
}

// Parse reads an SNMP message (v1, v2c or v3 without privacy).
func Parse(b []byte) (*Answer, error) {
	if len(b) == 0 || len(b) > MaxMessage+1 {
		return nil, fmt.Errorf("SNMP message of %d bytes", len(b))
	}
	if b[0] != 0x30 {
		return nil, errors.New("not an SNMP message: no BER sequence")
	}
	// The decoder needs a user to read v3 security parameters with; it
	// checks no authentication of an unauthenticated message.
	x := &gosnmp.GoSNMP{Version: gosnmp.Version3, SecurityModel: gosnmp.UserSecurityModel, SecurityParameters: &gosnmp.UsmSecurityParameters{UserName: "probe"}}
	p, err := decode(x, b)
	if err != nil {
		return nil, fmt.Errorf("not an SNMP message: %w", err)
	}
	a := &Answer{Version: p.Version.String(), PDU: p.PDUType.String(), Community: p.Community, Values: map[string]string{}}
	switch p.Version {
	case gosnmp.Version1, gosnmp.Version2c:
		a.ID = p.RequestID
	case gosnmp.Version3:
		a.ID = p.MsgID
		if u, ok := p.SecurityParameters.(*gosnmp.UsmSecurityParameters); ok && u != nil {
			a.Engine = engine([]byte(u.AuthoritativeEngineID), u.AuthoritativeEngineBoots, u.AuthoritativeEngineTime)
		}
	default:
		return nil, fmt.Errorf("not an SNMP message: version %d", p.Version)
	}
	if p.Error != gosnmp.NoError {
		a.ErrorStatus = p.Error.String()
	}
	for _, v := range p.Variables {
		a.Values[v.Name] = value(v)
	}
	return a, nil
}

// decode is gosnmp's decoder, with a panic on hostile input an error.
func decode(x *gosnmp.GoSNMP, b []byte) (p *gosnmp.SnmpPacket, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, fmt.Errorf("malformed BER: %v", r)
		}
	}()
	return x.SnmpDecodePacket(b)
}

func value(v gosnmp.SnmpPDU) string {
	switch x := v.Value.(type) {
	case []byte:
		return Text(x)
	case string:
		return Text([]byte(x))
	case nil:
		return v.Type.String()
	default:
		return fmt.Sprint(x)
	}
}

// Text is b as printable text: valid UTF-8 without control
// characters, at most 256 bytes, or else hex.
func Text(b []byte) string {
	b = b[:min(len(b), 256)]
	s := strings.TrimRight(string(b), "\x00")
	if utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) {
		return s
	}
	return hex.EncodeToString(b)
}

// engine reads an SnmpEngineID (RFC 3411): an enterprise number, then,
// in the newer form (top bit set), a format byte and the rest.
func engine(id []byte, boots, time uint32) *Engine {
	if len(id) == 0 {
		return nil
	}
	e := &Engine{ID: hex.EncodeToString(id), Boots: boots, Time: time}
	if len(id) < 5 {
		return e
	}
	e.Enterprise = uint32(id[0]&0x7f)<<24 | uint32(id[1])<<16 | uint32(id[2])<<8 | uint32(id[3])
	if id[0]&0x80 == 0 {
		e.Format = "enterprise-specific (RFC 1910)"
		return e
	}
	rest := id[5:]
	switch f := id[4]; {
	case f == 1 && len(rest) == 4:
		e.Format, e.Detail = "IPv4 address", netip.AddrFrom4([4]byte(rest)).String()
	case f == 2 && len(rest) == 16:
		e.Format, e.Detail = "IPv6 address", netip.AddrFrom16([16]byte(rest)).String()
	case f == 3 && len(rest) == 6:
		e.Format, e.Detail = "MAC address", fmt.Sprintf("%02x:%02x:%02x:%02x:%02x:%02x", rest[0], rest[1], rest[2], rest[3], rest[4], rest[5])
	case f == 4:
		e.Format, e.Detail = "text", Text(rest)
	case f == 5:
		e.Format = "octets"
	case f >= 128:
		e.Format = "enterprise-specific"
	default:
		e.Format = fmt.Sprintf("reserved format %d", f)
	}
	return e
}
