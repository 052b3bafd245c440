package probe

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mdcheck/mdcheck/internal/probe/wire"
	"github.com/mdcheck/mdcheck/internal/testutil/loopback"
)

// hl7Listener acknowledges every HL7 message framed in MLLP with code,
// and counts the frames it receives.
func hl7Listener(code string, frames *atomic.Int32) func(net.Conn) {
	return func(c net.Conn) {
		c.SetDeadline(time.Now().Add(3 * time.Second))
		r := bufio.NewReader(c)
		for {
			if _, err := wire.ReadMLLP(r); err != nil {
				return
			}
			frames.Add(1)
			c.Write(wire.MLLP("MSH|^~\\&|LABSYS|WARD5|MDCHECK|PROBE|20261207101500||ACK^N01|ACK1|P|2.5\rMSA|" + code + "|MDCHECK1\r"))
		}
	}
}

// TestHL7: the safe profile sends an HL7 listener nothing, nor does the
// standard one without --hl7-query, which the safe profile refuses;
// with it, one query, whose acknowledgement names the listener.
func TestHL7(t *testing.T) {
	var frames atomic.Int32
	port := loopback.Serve(t, hl7Listener("AA", &frames))
	run := func(profile string, query bool) (*Result, error) {
		var dials atomic.Int32
		return Run(context.Background(), Options{Targets: []string{"127.0.0.1"}, Scope: []string{"127.0.0.1"}, Ports: ports(port), Profile: profile,
			Declared: []Declared{{Port: port, HL7: true}}, HL7Query: query, Dial: dialOnly(t, &dials)})
	}
	if _, err := run("safe", true); err == nil {
		t.Error("the safe profile took --hl7-query")
	}
	for _, profile := range []string{"safe", "standard"} {
		res, err := run(profile, false)
		if err != nil || res.Hosts[0].Ports[0].HL7 != nil || frames.Load() != 0 {
			t.Fatalf("%s without the flag: %d frames, %+v %v", profile, frames.Load(), res.Hosts, err)
		}
	}
	res, err := run("standard", true)
	if err != nil || !res.HL7Query {
		t.Fatal(err)
	}
	p := res.Hosts[0].Ports[0]
	h := p.HL7
	if h == nil || !h.Answered || h.AckCode != "AA" || h.Application != "LABSYS" || h.Facility != "WARD5" || h.Version != "2.5" || len(h.Weak) != 2 || frames.Load() != 1 {
		t.Fatalf("HL7 %+v, %d frames", h, frames.Load())
	}
	if p.Service == nil || p.Service.Name != "hl7-mllp" || p.Service.Confidence != High {
		t.Errorf("service %+v", p.Service)
	}
}

// hl7Peer is an MLLP listener made with Debian's python3-hl7: it
// acknowledges every message with the library's own ACK, naming itself
// PEER at WARD5, and counts none of them.
const hl7Peer = `import asyncio, sys
from hl7.mllp import start_hl7_server

async def handle(reader, writer):
    try:
        while not writer.is_closing():
            msg = await reader.readmessage()
            writer.writemessage(msg.create_ack(application="PEER", facility="WARD5"))
            await writer.drain()
    except Exception:
        pass
    finally:
        writer.close()

async def main():
    server = await start_hl7_server(handle, host="127.0.0.1", port=int(sys.argv[1]))
    async with server:
        await server.serve_forever()

asyncio.run(main())
`

// TestHL7Debian: python3-hl7's MLLP server parses the probe's query as
// HL7 and acknowledges it AA, with the version of the query.
func TestHL7Debian(t *testing.T) {
	debianServer(t, "/usr/lib/python3/dist-packages/hl7/mllp/streams.py", "python3-hl7")
	python := debianServer(t, "/usr/bin/python3", "python3")
	script := filepath.Join(t.TempDir(), "peer.py")
	if err := os.WriteFile(script, []byte(hl7Peer), 0o600); err != nil {
		t.Fatal(err)
	}
	port := closedPort(t)
	startListening(t, port, exec.Command(python, script, strconv.Itoa(port)))
	var dials atomic.Int32
	res, err := Run(context.Background(), Options{Targets: []string{"127.0.0.1"}, Scope: []string{"127.0.0.1"}, Ports: ports(port), Profile: "standard",
		Declared: []Declared{{Port: port, HL7: true}}, HL7Query: true, Dial: dialOnly(t, &dials)})
	if err != nil {
		t.Fatal(err)
	}
	h := res.Hosts[0].Ports[0].HL7
	if h == nil || !h.Answered || h.AckCode != "AA" || h.Application != "PEER" || h.Facility != "WARD5" || h.Version == "" || h.OverTLS {
		t.Errorf("python3-hl7: %+v", h)
	}
}

// TestHL7OverTLS: a port the model declares HL7 over TLS is offered TLS
// first, and the query goes inside it.
func TestHL7OverTLS(t *testing.T) {
	var frames atomic.Int32
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{selfSigned(t, "lis.test", key, time.Now().Add(-time.Hour), time.Now().Add(time.Hour), x509.ECDSAWithSHA256)}}
	serve := hl7Listener("AA", &frames)
	port := loopback.Serve(t, func(c net.Conn) {
		s := tls.Server(c, cfg)
		s.SetDeadline(time.Now().Add(3 * time.Second))
		if s.Handshake() == nil {
			serve(s)
		}
	})
	var dials atomic.Int32
	res, err := Run(context.Background(), Options{Targets: []string{"127.0.0.1"}, Scope: []string{"127.0.0.1"}, Ports: ports(port), Profile: "standard",
		Declared: []Declared{{Port: port, HL7: true, TLS: true}}, HL7Query: true, Dial: dialOnly(t, &dials)})
	if err != nil {
		t.Fatal(err)
	}
	p := res.Hosts[0].Ports[0]
	if h := p.HL7; h == nil || !h.OverTLS || h.AckCode != "AA" || p.TLS == nil || frames.Load() != 1 {
		t.Errorf("HL7 over TLS: %+v, TLS %+v, %d frames", h, p.TLS, frames.Load())
	}
}
