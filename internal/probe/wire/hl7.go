package wire

import (
	"bufio"
	"errors"
	"fmt"
	"strings"
)

// MLLP framing (HL7 v2 Minimal Lower Layer Protocol): a start block, the
// message, an end block and a carriage return.
const (
	mllpStart = 0x0b
	mllpEnd   = 0x1c
	mllpCR    = 0x0d
)

// MaxMLLP bounds an MLLP frame read.
const MaxMLLP = 64 << 10

// ErrMLLP is an answer that is no MLLP frame.
var ErrMLLP = errors.New("not an MLLP frame")

// MLLP frames an HL7 v2 message (segments separated by carriage
// returns).
func MLLP(message string) []byte {
	return append(append([]byte{mllpStart}, message...), mllpEnd, mllpCR)
}

// NMQ is the HL7 v2.5 message the probe sends, with --hl7-query only:
// a network management query (NMQ^N01), which asks for no patient data
// and changes nothing, from the application MDCHECK at the facility
// PROBE, with control ID id and timestamp ts (YYYYMMDDHHMMSS).
func NMQ(id, ts string) string {
	return "MSH|^~\\&|MDCHECK|PROBE|||" + ts + "||NMQ^N01^NMQ_N01|" + id + "|P|2.5\r"
}

// ReadMLLP reads one MLLP frame and returns the message in it, within
// MaxMLLP bytes.
func ReadMLLP(r *bufio.Reader) (string, error) {
	b, err := r.ReadByte()
	if err != nil {
		return "", err
	}
	if b != mllpStart {
		return "", fmt.Errorf("%w: starts with 0x%02x", ErrMLLP, b)
	}
	var sb strings.Builder
	for sb.Len() <= MaxMLLP {
		b, err := r.ReadByte()
		if err != nil {
			return "", err
		}
		if b == mllpEnd {
			if c, err := r.ReadByte(); err != nil || c != mllpCR {
				return "", fmt.Errorf("%w: no carriage return after the end block", ErrMLLP)
			}
			return sb.String(), nil
		}
		sb.WriteByte(b)
	}
	return "", fmt.Errorf("%w: a frame longer than %d bytes", ErrMLLP, MaxMLLP)
}

// Ack is what an HL7 v2 acknowledgement says: who sent it (MSH-3 and
// MSH-4), its version (MSH-12), and its acknowledgement code (MSA-1:
// AA, AE, AR, or CA, CE, CR).
type Ack struct {
	Application, Facility, Version, Code string
}

// ReadAck reads an HL7 v2 message as an acknowledgement. An error when
// it has no MSH segment.
func ReadAck(message string) (Ack, error) {
	var a Ack
	seen := false
	for _, seg := range strings.FieldsFunc(message, func(r rune) bool { return r == '\r' || r == '\n' }) {
		if len(seg) < 4 {
			continue
		}
		sep := string(seg[3])
		f := strings.Split(seg, sep)
		switch f[0] {
		case "MSH":
			seen = true
			// MSH-1 is the separator itself: MSH-n is f[n-1].
			at := func(n int) string {
				if n-1 < len(f) {
					v, _, _ := strings.Cut(f[n-1], "^")
					return v
				}
				return ""
			}
			a.Application, a.Facility, a.Version = at(3), at(4), at(12)
		case "MSA":
			if len(f) > 1 {
				a.Code = f[1]
			}
		}
	}
	if !seen {
		return Ack{}, fmt.Errorf("%w: no MSH segment", ErrMLLP)
	}
	return a, nil
}
