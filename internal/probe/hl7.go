package probe

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/mdcheck/mdcheck/internal/probe/wire"
)

// hl7Ports are the ports of HL7 v2 listeners (MLLP).
var hl7Ports = map[int]bool{2575: true}

// HL7 is what an HL7 v2 listener answered the probe's one query
// (--hl7-query, standard profile only): a network management query
// (NMQ^N01) that asks for no patient data and changes nothing.
type HL7 struct {
	// Answered is set when the listener acknowledged it; AckCode is the
	// acknowledgement (MSA-1: AA accepted, AE error, AR rejected).
	Answered bool   `json:"answered"`
	AckCode  string `json:"ackCode,omitempty"`
	// Application, Facility and Version are the acknowledgement's MSH-3,
	// MSH-4 and MSH-12: what the listener names itself.
	Application string   `json:"application,omitempty"`
	Facility    string   `json:"facility,omitempty"`
	Version     string   `json:"version,omitempty"`
	OverTLS     bool     `json:"overTls"`
	Weak        []string `json:"weak"`
}

// probeHL7 sends the HL7 listener at ap the probe's one query, framed in
// MLLP (over TLS when tlsOn), and reads its acknowledgement. nil when
// the port answers no HL7.
func probeHL7(ctx context.Context, g *guard, ap netip.AddrPort, tlsOn bool, now time.Time) (*HL7, []int) {
	var seqs []int
	var out *HL7
	g.exchangeOver(ctx, ap, &seqs, tlsOn, func(nc net.Conn) error {
		ts := now.UTC().Format("20060102150405")
		if _, err := nc.Write(wire.MLLP(wire.NMQ("MDCHECK"+ts, ts))); err != nil {
			return err
		}
		msg, err := wire.ReadMLLP(bufio.NewReader(nc))
		if err != nil {
			return err
		}
		a, err := wire.ReadAck(msg)
		if err != nil {
			return err
		}
		out = &HL7{Answered: true, AckCode: printable([]byte(a.Code), 2), Application: printable([]byte(a.Application), 40), Facility: printable([]byte(a.Facility), 40), Version: printable([]byte(a.Version), 10), OverTLS: tlsOn, Weak: []string{}}
		return nil
	})
	if out == nil {
		return nil, seqs
	}
	if out.AckCode == "AA" || out.AckCode == "CA" {
		out.Weak = append(out.Weak, fmt.Sprintf("accepts an HL7 message from an application it cannot know (MDCHECK at PROBE): %s", out.AckCode))
	}
	if !tlsOn {
		out.Weak = append(out.Weak, "HL7 over MLLP in the clear")
	}
	return out, seqs
}
