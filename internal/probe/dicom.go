package probe

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/netip"

	"github.com/mdcheck/mdcheck/internal/probe/wire"
)

// dicomPorts are the ports of DICOM services (104, 11112 and Orthanc's
// 4242 in the clear, 2762 over TLS) to which a probe sends an
// association request.
var dicomPorts = map[int]bool{104: true, 4242: true, 11112: true, 2762: true}

// The AE titles a probe uses unless the operator names others: a calling
// title no device has configured, and a called title no device is
// named.
const (
	DefaultCallingAE = "MDCHECK-PROBE"
	DefaultCalledAE  = "ANY-SCP"
)

// DICOM is what a probe learned of a DICOM service (PS3.8): whether it
// accepted an association from the probe's calling AE title to the
// called one, why it rejected it, what it names itself, and whether it
// answered a C-ECHO.
type DICOM struct {
	CallingAE string `json:"callingAe"`
	CalledAE  string `json:"calledAe"`
	// Accepted is set when the association was accepted; Reject says
	// why it was not (the A-ASSOCIATE-RJ's source and reason, in words).
	Accepted bool   `json:"accepted"`
	Reject   string `json:"reject,omitempty"`
	// ImplementationClassUID and ImplementationVersion name the
	// service's DICOM implementation (from its A-ASSOCIATE-AC).
	ImplementationClassUID string `json:"implementationClassUid,omitempty"`
	ImplementationVersion  string `json:"implementationVersion,omitempty"`
	// Echo is the C-ECHO's status ("success", or the code); empty when
	// no C-ECHO was answered.
	Echo    string   `json:"echo,omitempty"`
	OverTLS bool     `json:"overTls"`
	Weak    []string `json:"weak"`
}

// probeDICOM asks the DICOM service at ap for an association from
// calling to called (over TLS when tlsOn); when it is accepted, it sends
// a C-ECHO and releases the association. nil when the port answers no
// DICOM.
func probeDICOM(ctx context.Context, g *guard, ap netip.AddrPort, tlsOn bool, calling, called string) (*DICOM, []int) {
	var seqs []int
	var out *DICOM
	g.exchangeOver(ctx, ap, &seqs, tlsOn, func(nc net.Conn) error {
		if _, err := nc.Write(wire.AssociateRQ(calling, called)); err != nil {
			return err
		}
		r := bufio.NewReader(nc)
		kind, body, err := wire.ReadPDU(r)
		if err != nil {
			return err
		}
		d := &DICOM{CallingAE: calling, CalledAE: called, OverTLS: tlsOn, Weak: []string{}}
		switch kind {
		case wire.PDUAssociateRJ:
			d.Reject = wire.RejectReason(body)
			out = d
			return nil
		case wire.PDUAbort:
			d.Reject = "aborted"
			out = d
			return nil
		case wire.PDUAssociateAC:
		default:
			return fmt.Errorf("%w: PDU type 0x%02x in answer to an A-ASSOCIATE-RQ", wire.ErrDICOM, kind)
		}
		ok, uid, version, err := wire.AcceptAC(body)
		if err != nil {
			return err
		}
		d.Accepted, d.ImplementationClassUID, d.ImplementationVersion = true, printable([]byte(uid), 64), printable([]byte(version), 16)
		out = d
		if ok {
			if _, err := nc.Write(wire.EchoRQ()); err != nil {
				return err
			}
			if kind, body, err := wire.ReadPDU(r); err == nil && kind == wire.PDUData {
				d.Echo, _ = wire.EchoStatus(body)
			}
		}
		if _, err := nc.Write(wire.PDU(wire.PDUReleaseRQ, make([]byte, 4))); err == nil {
			wire.ReadPDU(r) // the A-RELEASE-RP
		}
		return nil
	})
	if out == nil {
		return nil, seqs
	}
	if out.Accepted {
		out.Weak = append(out.Weak, fmt.Sprintf("accepts an association from a calling AE title it cannot know (%s)", calling))
		if called == DefaultCalledAE {
			out.Weak = append(out.Weak, fmt.Sprintf("accepts an association addressed to any called AE title (%s)", called))
		}
	}
	if !tlsOn {
		out.Weak = append(out.Weak, "DICOM in the clear")
	}
	return out, seqs
}
