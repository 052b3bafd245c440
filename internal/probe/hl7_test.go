package probe

import (
	"bufio"
	"context"
	"net"
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
