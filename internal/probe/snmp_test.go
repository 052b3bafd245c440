package probe

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"

	"github.com/mdcheck/mdcheck/internal/probe/snmpwire"
)

// agent is an SNMP agent on a loopback UDP port for the probe's tests:
// it answers v3 discovery when v3 is set, and GetRequests under the
// communities it knows in the versions it speaks; it counts the
// messages that carried a community string.
type agent struct {
	v3            bool
	communities   map[string]bool
	versions      map[string]bool
	withCommunity atomic.Int32
}

func (ag *agent) serve(t *testing.T) int {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	go func() {
		buf := make([]byte, 65536)
		for {
			n, from, err := c.ReadFrom(buf)
			if err != nil {
				return
			}
			req, err := snmpwire.Parse(buf[:n])
			if err != nil {
				continue
			}
			if req.Version != "3" {
				ag.withCommunity.Add(1)
			}
			if b := ag.answer(t, req); b != nil {
				c.WriteTo(b, from)
			}
		}
	}()
	return c.LocalAddr().(*net.UDPAddr).Port
}

func (ag *agent) answer(t *testing.T, req *snmpwire.Answer) []byte {
	var p *gosnmp.SnmpPacket
	switch {
	case req.Version == "3" && ag.v3:
		x := &gosnmp.GoSNMP{Version: gosnmp.Version3, MsgFlags: gosnmp.NoAuthNoPriv, SecurityModel: gosnmp.UserSecurityModel,
			SecurityParameters: &gosnmp.UsmSecurityParameters{AuthoritativeEngineID: "\x80\x00\x1f\x88\x04pump-7", AuthoritativeEngineBoots: 3, AuthoritativeEngineTime: 99}}
		p = x.MkSnmpPacket(gosnmp.Report, []gosnmp.SnmpPDU{{Name: ".1.3.6.1.6.3.15.1.1.4.0", Type: gosnmp.Counter32, Value: uint32(1)}}, 0, 0)
		p.MsgID, p.RequestID, p.MsgMaxSize = req.ID, req.ID, 1500
	case req.Version != "3" && ag.communities[req.Community] && ag.versions[req.Version]:
		v := map[string]gosnmp.SnmpVersion{"1": gosnmp.Version1, "2c": gosnmp.Version2c}[req.Version]
		x := &gosnmp.GoSNMP{Version: v, Community: req.Community}
		p = x.MkSnmpPacket(gosnmp.GetResponse, []gosnmp.SnmpPDU{
			{Name: snmpwire.SysDescr, Type: gosnmp.OctetString, Value: []byte("Pump 7 firmware 2.1")},
			{Name: snmpwire.SysObjectID, Type: gosnmp.ObjectIdentifier, Value: ".1.3.6.1.4.1.99999.1"},
			{Name: snmpwire.SysName, Type: gosnmp.OctetString, Value: []byte("pump-7")},
		}, 0, 0)
		p.RequestID = req.ID
	default:
		return nil
	}
	b, err := p.MarshalMsg()
	if err != nil {
		t.Error(err)
	}
	return b
}

// probeUDP probes one UDP port of loopback, and no TCP port.
func probeUDP(t *testing.T, port int, credentials bool) Port {
	t.Helper()
	var dials atomic.Int32
	res, err := Run(context.Background(), Options{Targets: []string{"127.0.0.1"}, Scope: []string{"127.0.0.1"}, Ports: "1", UDPPorts: strconv.Itoa(port),
		AllowCredentialTests: credentials, Timeout: 500 * time.Millisecond, Dial: dialOnly(t, &dials)})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Hosts[0].Ports {
		if p.Proto == "udp" {
			if p.Port != port {
				t.Fatalf("UDP port %d probed, not %d", p.Port, port)
			}
			return p
		}
	}
	t.Fatalf("UDP port %d not in the result: %+v", port, res.Hosts)
	return Port{}
}

// TestSNMPWithoutCredentialTests: without the flag the probe sends an
// SNMPv3 discovery request and no community string at all.
func TestSNMPWithoutCredentialTests(t *testing.T) {
	ag := &agent{v3: true, communities: map[string]bool{"public": true}, versions: map[string]bool{"1": true, "2c": true}}
	p := probeUDP(t, ag.serve(t), false)
	if n := ag.withCommunity.Load(); n != 0 {
		t.Fatalf("%d messages with a community string without --allow-credential-tests", n)
	}
	if p.State != Open || p.SNMP == nil || p.SNMP.Engine == nil || p.Service == nil || p.Service.Name != "snmp" {
		t.Fatalf("port: %+v", p)
	}
	e := p.SNMP.Engine
	if e.Enterprise != 8072 || e.Format != "text" || e.Detail != "pump-7" || e.Boots != 3 || e.Time != 99 {
		t.Errorf("engine: %+v", e)
	}
	if p.SNMP.CommunitiesTried || len(p.SNMP.Communities) != 0 {
		t.Errorf("communities: %+v", p.SNMP)
	}
}

// TestSNMPCommunities: with the flag, each community is tried over v2c,
// then v1, and those answered are reported with the system group.
func TestSNMPCommunities(t *testing.T) {
	for _, c := range []struct {
		name  string
		agent *agent
		want  []SNMPCommunity
		v3    bool
	}{
		{"v2c public", &agent{v3: true, communities: map[string]bool{"public": true}, versions: map[string]bool{"1": true, "2c": true}}, []SNMPCommunity{{Community: "public", Version: "2c"}}, true},
		{"v1 only, both", &agent{communities: map[string]bool{"public": true, "private": true}, versions: map[string]bool{"1": true}}, []SNMPCommunity{{Community: "public", Version: "1"}, {Community: "private", Version: "1"}}, false},
		{"v3 only", &agent{v3: true}, nil, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := probeUDP(t, c.agent.serve(t), true)
			if p.State != Open || p.SNMP == nil || !p.SNMP.CommunitiesTried {
				t.Fatalf("port: %+v", p)
			}
			if got := p.SNMP.Communities; len(got) != len(c.want) || len(got) > 0 && (got[0] != c.want[0] || got[len(got)-1] != c.want[len(c.want)-1]) {
				t.Errorf("communities %+v, want %+v", got, c.want)
			}
			if (p.SNMP.Engine != nil) != c.v3 {
				t.Errorf("engine %+v, v3 %v", p.SNMP.Engine, c.v3)
			}
			if len(c.want) > 0 && (p.SNMP.Description != "Pump 7 firmware 2.1" || p.SNMP.ObjectID != ".1.3.6.1.4.1.99999.1" || p.SNMP.Name != "pump-7" || p.Service.Product != "Pump 7 firmware 2.1") {
				t.Errorf("system group: %+v, service %+v", p.SNMP, p.Service)
			}
		})
	}
}

// TestSNMPSilentAndClosed: a port that never answers is open|filtered,
// one that answers with ICMP port unreachable closed; neither is said
// to be an agent.
func TestSNMPSilentAndClosed(t *testing.T) {
	silent := &agent{} // reads and answers nothing
	p := probeUDP(t, silent.serve(t), true)
	if p.State != OpenFiltered || p.SNMP != nil || p.Service != nil {
		t.Errorf("silent port: %+v", p)
	}
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := c.LocalAddr().(*net.UDPAddr).Port
	c.Close()
	if p := probeUDP(t, port, true); p.State != Closed || p.SNMP != nil {
		t.Errorf("closed port: %+v", p)
	}
}

// TestSNMPDebian: against Net-SNMP's snmpd with the public and private
// communities, the probe finds the engine, both communities and the
// sysDescr the configuration gives; without the flag only the engine.
func TestSNMPDebian(t *testing.T) {
	snmpd := debianServer(t, "/usr/sbin/snmpd", "snmpd")
	dir := t.TempDir()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := c.LocalAddr().(*net.UDPAddr).Port
	c.Close()
	conf := filepath.Join(dir, "snmpd.conf")
	os.WriteFile(conf, []byte("agentAddress udp:127.0.0.1:"+strconv.Itoa(port)+"\nrocommunity public 127.0.0.1\nrwcommunity private 127.0.0.1\nsysDescr TestInfusionPump fw 1.2.3\n"), 0o644)
	cmd := exec.Command(snmpd, "-f", "-Lo", "-C", "-c", conf, "-p", filepath.Join(dir, "snmpd.pid"))
	startAnswering(t, port, cmd)

	p := probeUDP(t, port, false)
	if p.State != Open || p.SNMP == nil || p.SNMP.Engine == nil || p.SNMP.Engine.Enterprise != 8072 || len(p.SNMP.Communities) != 0 {
		t.Fatalf("without the flag: %+v %+v", p, p.SNMP)
	}
	p = probeUDP(t, port, true)
	want := []SNMPCommunity{{Community: "public", Version: "2c"}, {Community: "private", Version: "2c"}}
	if p.SNMP == nil || len(p.SNMP.Communities) != 2 || p.SNMP.Communities[0] != want[0] || p.SNMP.Communities[1] != want[1] {
		t.Fatalf("with the flag: %+v", p.SNMP)
	}
	if p.SNMP.Description != "TestInfusionPump fw 1.2.3" || p.SNMP.ObjectID != ".1.3.6.1.4.1.8072.3.2.10" {
		t.Errorf("system group: %+v", p.SNMP)
	}
}

// startAnswering starts cmd, an SNMP agent on the loopback UDP port,
// stops it when the test ends, and waits until it answers discovery.
func startAnswering(t *testing.T, port int, cmd *exec.Cmd) {
	t.Helper()
	msg, _ := snmpwire.Discovery(1)
	startServer(t, cmd, fmt.Sprintf("answer on UDP %d", port), func() bool {
		c, err := net.Dial("udp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			return false
		}
		defer c.Close()
		c.Write(msg)
		c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		_, err = c.Read(make([]byte, 1500))
		return err == nil
	})
}
