package passive

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mdcheck/mdcheck/internal/probe/tlswire"
	"github.com/mdcheck/mdcheck/internal/testutil/seed"
)

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// packets are the packets of a capture, read with the reader under
// test.
func packets(t *testing.T, b []byte) []*Packet {
	t.Helper()
	rd, err := newReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var out []*Packet
	for {
		p, err := rd.next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
}

// pcapOf writes packets as a little-endian microsecond pcap of link
// type link.
func pcapOf(link uint32, ps []*Packet) []byte {
	var b bytes.Buffer
	le := binary.LittleEndian
	b.Write(le.AppendUint32(nil, 0xa1b2c3d4))
	b.Write([]byte{2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0})
	b.Write(le.AppendUint32(nil, link))
	for _, p := range ps {
		b.Write(le.AppendUint32(nil, uint32(p.Time.Unix())))
		b.Write(le.AppendUint32(nil, uint32(p.Time.Nanosecond()/1000)))
		b.Write(le.AppendUint32(nil, uint32(len(p.Data))))
		b.Write(le.AppendUint32(nil, uint32(len(p.Data))))
		b.Write(p.Data)
	}
	return b.Bytes()
}

// pcapngOf writes packets as pcapng (section header, one interface of
// link type link with nanosecond timestamps, enhanced packet blocks) in
// byte order order: the pcapng form of the same packets.
func pcapngOf(order binary.AppendByteOrder, link uint32, ps []*Packet) []byte {
	var out bytes.Buffer
	block := func(typ uint32, body []byte) {
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
		n := uint32(12 + len(body))
		out.Write(order.AppendUint32(nil, typ))
		out.Write(order.AppendUint32(nil, n))
		out.Write(body)
		out.Write(order.AppendUint32(nil, n))
	}
	shb := order.AppendUint32(nil, 0x1a2b3c4d)
	shb = append(shb, order.AppendUint16(nil, 1)...)
	shb = append(shb, order.AppendUint16(nil, 0)...)
	shb = append(shb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)
	block(0x0a0d0d0a, shb)
	idb := order.AppendUint16(nil, uint16(link))
	idb = append(idb, 0, 0)
	idb = append(idb, order.AppendUint32(nil, 0)...)
	idb = append(idb, order.AppendUint16(nil, 9)...) // if_tsresol: 10^-9
	idb = append(idb, order.AppendUint16(nil, 1)...)
	idb = append(idb, 9, 0, 0, 0, 0, 0, 0, 0) // the value, padding, opt_endofopt
	block(1, idb)
	for _, p := range ps {
		ts := uint64(p.Time.UnixNano())
		epb := order.AppendUint32(nil, 0)
		epb = append(epb, order.AppendUint32(nil, uint32(ts>>32))...)
		epb = append(epb, order.AppendUint32(nil, uint32(ts))...)
		epb = append(epb, order.AppendUint32(nil, uint32(len(p.Data)))...)
		epb = append(epb, order.AppendUint32(nil, uint32(len(p.Data)))...)
		block(6, append(epb, p.Data...))
	}
	return out.Bytes()
}

func read(t *testing.T, b []byte) *Capture {
	t.Helper()
	c, err := Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func server(t *testing.T, c *Capture, port uint16) *Server {
	t.Helper()
	for _, s := range c.Servers {
		if s.Addr.Port() == port {
			return s
		}
	}
	t.Fatalf("no server on port %d: %+v", port, c.Servers)
	return nil
}

func whats(ms []Mark) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.What)
	}
	return out
}

// TestLoopbackCapture: a real capture of loopback traffic (README):
// each server, what it speaks, the TLS negotiated and what crossed in
// the clear, with the packet that shows it.
func TestLoopbackCapture(t *testing.T) {
	for _, form := range []string{"pcap", "pcapng little-endian", "pcapng big-endian"} {
		t.Run(form, func(t *testing.T) {
			b := readFile(t, "loopback.pcap")
			switch form {
			case "pcapng little-endian":
				b = pcapngOf(binary.LittleEndian, LinkEthernet, packets(t, b))
			case "pcapng big-endian":
				b = pcapngOf(binary.BigEndian, LinkEthernet, packets(t, b))
			}
			c := read(t, b)
			if c.Packets != 103 || c.Undecoded != 0 || c.Flows != 9 || c.Dropped != 0 || c.First.IsZero() || !c.Last.After(c.First) {
				t.Errorf("capture %+v", c)
			}
			if want := map[string]string{"pcap": "pcap"}[form]; want != "" && c.Format != want || want == "" && c.Format != "pcapng" {
				t.Errorf("format %s", c.Format)
			}
			ftp := server(t, c, 2121)
			if ftp.Service.Name != "ftp" || ftp.Service.Product != "vsFTPd" || !slices.Equal(whats(ftp.Credentials), []string{"a PASS command (a password)"}) || ftp.Credentials[0].Packet != 9 {
				t.Errorf("FTP: %+v %+v", ftp.Service, ftp.Credentials)
			}
			if !strings.Contains(ftp.Cleartext, "credentials crossed in the clear: a PASS command (a password) (packet 9)") {
				t.Errorf("FTP cleartext: %s", ftp.Cleartext)
			}
			web := server(t, c, 18042)
			if web.Service.Name != "http" || !slices.Equal(whats(web.Credentials), []string{"an HTTP Basic authorization (a password)"}) || web.Credentials[0].Packet != 35 {
				t.Errorf("HTTP: %+v %+v", web.Service, web.Credentials)
			}
			tls := server(t, c, 4443)
			want := []Negotiated{{tlswire.TLS10, 0xc014, 49}, {tlswire.TLS13, 0x1302, 66}}
			if !slices.Equal(tls.TLS, want) || tls.Cleartext != "" || len(tls.Credentials) != 0 || tls.TLSUnseen {
				t.Errorf("TLS: %+v, clear %q", tls.TLS, tls.Cleartext)
			}
			if len(tls.Chain) != 1 || tls.ChainPacket != 49 { // sent in clear under TLS 1.0, not 1.3
				t.Errorf("certificate chain: %d certificates from packet %d", len(tls.Chain), tls.ChainPacket)
			}
			mqtt := server(t, c, 11883)
			if mqtt.Service.Name != "mqtt" || !slices.Equal(whats(mqtt.Credentials), []string{"an MQTT CONNECT with a password"}) {
				t.Errorf("MQTT: %+v %+v", mqtt.Service, mqtt.Credentials)
			}
			hl7 := server(t, c, 12575)
			if hl7.Service.Name != "hl7-mllp" || !slices.Equal(whats(hl7.HealthData), []string{"an HL7 PID segment (patient identification)", "an HL7 OBX segment (an observation)"}) || hl7.HealthData[0].Packet != 94 {
				t.Errorf("HL7: %+v %+v", hl7.Service, hl7.HealthData)
			}
			snmp := server(t, c, 1161)
			if !snmp.UDP || snmp.Service.Name != "snmp" || !slices.Equal(whats(snmp.Credentials), []string{"an SNMPv2c community string"}) || !strings.Contains(snmp.Cleartext, "SNMPv2c in the clear") {
				t.Errorf("SNMP: %+v %+v %q", snmp.Service, snmp.Credentials, snmp.Cleartext)
			}
			for _, s := range c.Servers {
				if !slices.IsSortedFunc(s.Marks, func(a, b Mark) int { return a.Packet - b.Packet }) || len(s.Clients) != 1 {
					t.Errorf("%v: marks %v, clients %v", s.Addr, s.Marks, s.Clients)
				}
			}
		})
	}
}

// TestCookedCapture: a capture on Linux's "any" interface (link type
// LINUX_SLL2) reads as the Ethernet one does.
func TestCookedCapture(t *testing.T) {
	c := read(t, readFile(t, "any-sll2.pcap"))
	if c.Undecoded != 0 || len(c.Servers) != 2 {
		t.Fatalf("%+v", c)
	}
	if web := server(t, c, 18042); len(web.Credentials) != 1 || web.Credentials[0].Packet != 4 {
		t.Errorf("HTTP: %+v", web.Credentials)
	}
}

// TestMidStream: a capture that starts after the handshakes, whose
// packets carry zeroed checksums (as offloading leaves them), still
// shows the servers (named by their ports and greetings) and the
// credentials after the cut.
func TestMidStream(t *testing.T) {
	ps := packets(t, readFile(t, "loopback.pcap"))
	var cut []*Packet
	for _, p := range ps {
		s, ok := decode(p.Link, p.Data)
		if !ok || s.syn {
			continue // every handshake dropped
		}
		d := slices.Clone(p.Data)
		ip := d[14:]
		ip[10], ip[11] = 0, 0 // IPv4 header checksum
		if !s.udp {
			tcp := ip[int(ip[0]&0x0f)*4:]
			tcp[16], tcp[17] = 0xde, 0xad // a wrong TCP checksum
		}
		cut = append(cut, &Packet{Time: p.Time, Data: d})
	}
	c := read(t, pcapOf(LinkEthernet, cut))
	if got := whats(server(t, c, 2121).Credentials); !slices.Equal(got, []string{"a PASS command (a password)"}) {
		t.Errorf("FTP mid-stream: %v", got)
	}
	if got := whats(server(t, c, 18042).Credentials); !slices.Equal(got, []string{"an HTTP Basic authorization (a password)"}) {
		t.Errorf("HTTP mid-stream: %v", got)
	}
	if got := server(t, c, 4443).TLS; len(got) != 2 {
		t.Errorf("TLS mid-stream: %v", got)
	}
}

// TestBadCapture: what is no capture, or one cut short, says where; a
// capture cut short returns what was read before the cut.
func TestBadCapture(t *testing.T) {
	good := readFile(t, "loopback.pcap")
	huge := slices.Clone(good[:40])
	binary.LittleEndian.PutUint32(huge[32:], MaxPacket+1)
	for _, c := range []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "offset 0: not a capture"},
		{"text", []byte("Date,Patient\n"), "offset 0: not a capture: magic"},
		{"header cut", good[:20], "offset 0: the pcap header is cut short"},
		{"record cut", good[:len(good)-10], "packet 103: cut short"},
		{"huge record", huge, "offset 24: packet 1: a captured length of 262145 bytes"},
		{"pcapng block before its section", []byte{6, 0, 0, 0, 12, 0, 0, 0, 12, 0, 0, 0}, "not a capture"},
		{"pcapng huge block", append(pcapngOf(binary.LittleEndian, 1, nil), 6, 0, 0, 0, 0, 0, 0, 0x10), "a block of 268435456 bytes"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cp, err := Read(bytes.NewReader(c.b))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
			if c.name == "record cut" && (cp == nil || cp.Packets != 102 || len(cp.Servers) == 0) {
				t.Errorf("what was read before the cut: %+v", cp)
			}
		})
	}
}

// FuzzRead: no capture makes the reader panic, and what it keeps stays
// within its bounds.
func FuzzRead(f *testing.F) {
	names, err := filepath.Glob(filepath.Join("testdata", "*.pcap"))
	if err != nil || len(names) == 0 {
		f.Fatal("no seeds", err)
	}
	seed.Files(f, names...)
	b, _ := os.ReadFile(names[0])
	rd, _ := newReader(bytes.NewReader(b))
	var ps []*Packet
	for p, err := rd.next(); err == nil && len(ps) < 20; p, err = rd.next() {
		ps = append(ps, p)
	}
	f.Add(pcapngOf(binary.BigEndian, LinkEthernet, ps))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, _ := Read(bytes.NewReader(b))
		if c == nil {
			return
		}
		if c.Flows > MaxFlows || len(c.Servers) > c.Flows || c.Undecoded > c.Packets {
			t.Fatalf("capture %+v", c)
		}
		for _, s := range c.Servers {
			if len(s.Marks) > maxMarks || len(s.Clients) > maxClients {
				t.Fatalf("server %+v", s)
			}
		}
	})
}

// BenchmarkRead reads the loopback capture (103 packets, 29 KB).
func BenchmarkRead(b *testing.B) {
	data := readFile(b, "loopback.pcap")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Read(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// TestOnlyServingPorts: a port the capture only shows being sent SYNs
// (a scan) or unanswered datagrams is not reported as serving.
func TestOnlyServingPorts(t *testing.T) {
	var syns []*Packet
	for _, p := range packets(t, readFile(t, "loopback.pcap")) {
		if s, ok := decode(p.Link, p.Data); ok && (s.syn && !s.ack || s.udp && s.dst.Port() == 1161) {
			syns = append(syns, p)
		}
	}
	c := read(t, pcapOf(LinkEthernet, syns))
	if len(syns) < 5 || len(c.Servers) != 0 || c.Flows == 0 {
		t.Errorf("%d packets: %d flows, servers %+v", len(syns), c.Flows, c.Servers)
	}
}

// TestTelnetPassword: a password typed after a Telnet server's
// password prompt is noted in the packet that carried it; the user
// name typed at the login prompt is not a secret.
func TestTelnetPassword(t *testing.T) {
	c := read(t, readFile(t, "telnet-login.pcap"))
	s := server(t, c, 2323)
	if s.Service == nil || s.Service.Name != "telnet" || !slices.Equal(whats(s.Credentials), []string{"a password typed at a password prompt"}) || s.Credentials[0].Packet != 22 {
		t.Errorf("Telnet: %+v %+v", s.Service, s.Credentials)
	}
	if !strings.Contains(s.Cleartext, "a password typed at a password prompt (packet 22)") {
		t.Errorf("cleartext: %s", s.Cleartext)
	}
}
