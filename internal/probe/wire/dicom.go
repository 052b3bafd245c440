// Package wire writes and reads the messages of the protocols the probe
// speaks beyond TLS, as their standards define them, bounded: DICOM
// association and C-ECHO PDUs (PS3.8, PS3.7), MQTT control packets
// (OASIS MQTT 3.1.1 and 5.0) and FTP replies (RFC 959). It does no I/O
// of its own beyond reading from what it is given.
package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
)

// DICOM PDU types (PS3.8 section 9.3).
const (
	PDUAssociateRQ = 0x01
	PDUAssociateAC = 0x02
	PDUAssociateRJ = 0x03
	PDUData        = 0x04
	PDUReleaseRQ   = 0x05
	PDUReleaseRP   = 0x06
	PDUAbort       = 0x07
)

// UIDs of the association the probe asks for: the DICOM application
// context, the Verification SOP class and Implicit VR Little Endian.
const (
	uidAppContext   = "1.2.840.10008.3.1.1.1"
	uidVerification = "1.2.840.10008.1.1"
	uidImplicitLE   = "1.2.840.10008.1.2"
	// The probe's implementation class UID, under the UUID-derived root
	// 2.25 (PS3.5 B.2), and its version name.
	probeClassUID = "2.25.207373290311734316399412374437460497751"
	probeVersion  = "MDCHECK_PROBE"
)

// MaxPDU bounds a PDU read from a service.
const MaxPDU = 64 << 10

var ErrDICOM = errors.New("not a DICOM PDU")

// aeTitle is title as an AE title field: 16 bytes, space-padded.
func aeTitle(title string) []byte {
	b := []byte(fmt.Sprintf("%-16s", title))
	return b[:16]
}

// pduItem is an item of a PDU: its type, a reserved byte, its length (2
// bytes) and its value.
func pduItem(kind byte, value []byte) []byte {
	return append([]byte{kind, 0, byte(len(value) >> 8), byte(len(value))}, value...)
}

// PDU is a PDU of type kind: its type, a reserved byte, its length (4
// bytes) and its body.
func PDU(kind byte, body []byte) []byte {
	out := []byte{kind, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(out[2:], uint32(len(body)))
	return append(out, body...)
}

// AssociateRQ is an A-ASSOCIATE-RQ from calling to called proposing the
// Verification SOP class in Implicit VR Little Endian.
func AssociateRQ(calling, called string) []byte {
	body := []byte{0, 1, 0, 0} // protocol version 1, reserved
	body = append(body, aeTitle(called)...)
	body = append(body, aeTitle(calling)...)
	body = append(body, make([]byte, 32)...)
	body = append(body, pduItem(0x10, []byte(uidAppContext))...)
	pc := append([]byte{1, 0, 0, 0}, pduItem(0x30, []byte(uidVerification))...)
	pc = append(pc, pduItem(0x40, []byte(uidImplicitLE))...)
	body = append(body, pduItem(0x20, pc)...)
	user := pduItem(0x51, []byte{0, 0, 0x40, 0}) // maximum length received: 16384
	user = append(user, pduItem(0x52, []byte(probeClassUID))...)
	user = append(user, pduItem(0x55, []byte(probeVersion))...)
	body = append(body, pduItem(0x50, user)...)
	return PDU(PDUAssociateRQ, body)
}

// ReadPDU reads one PDU: its type and body, at most MaxPDU bytes.
func ReadPDU(r io.Reader) (byte, []byte, error) {
	var h [6]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(h[2:])
	if h[0] < PDUAssociateRQ || h[0] > PDUAbort || h[1] != 0 {
		return 0, nil, fmt.Errorf("%w: type 0x%02x", ErrDICOM, h[0])
	}
	if n > MaxPDU {
		return 0, nil, fmt.Errorf("%w: a PDU of %d bytes, more than %d", ErrDICOM, n, MaxPDU)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return 0, nil, err
	}
	return h[0], body, nil
}

// AcceptAC reads an A-ASSOCIATE-AC's body: whether the Verification
// context was accepted, and the implementation's class UID and version
// name.
func AcceptAC(body []byte) (ok bool, classUID, version string, err error) {
	if len(body) < 68 {
		return false, "", "", fmt.Errorf("%w: an A-ASSOCIATE-AC of %d bytes", ErrDICOM, len(body))
	}
	items := body[68:]
	for len(items) >= 4 {
		kind, n := items[0], int(binary.BigEndian.Uint16(items[2:4]))
		if 4+n > len(items) {
			return false, "", "", fmt.Errorf("%w: an item of %d bytes in %d", ErrDICOM, n, len(items)-4)
		}
		v := items[4 : 4+n]
		switch kind {
		case 0x21: // presentation context: its ID, reserved, result
			if len(v) >= 3 && v[0] == 1 && v[2] == 0 {
				ok = true
			}
		case 0x50:
			for len(v) >= 4 {
				sk, sn := v[0], int(binary.BigEndian.Uint16(v[2:4]))
				if 4+sn > len(v) {
					break
				}
				switch sk {
				case 0x52:
					classUID = strings.TrimRight(string(v[4:4+sn]), "\x00 ")
				case 0x55:
					version = strings.TrimSpace(string(v[4 : 4+sn]))
				}
				v = v[4+sn:]
			}
		}
		items = items[4+n:]
	}
	return ok, classUID, version, nil
}

// RejectReason says an A-ASSOCIATE-RJ's body in words (PS3.8 table
// 9-21).
func RejectReason(body []byte) string {
	if len(body) < 4 {
		return "rejected"
	}
	result, source, reason := body[1], body[2], body[3]
	why := fmt.Sprintf("source %d, reason %d", source, reason)
	switch {
	case source == 1 && reason == 1:
		why = "no reason given"
	case source == 1 && reason == 2:
		why = "application context name not supported"
	case source == 1 && reason == 3:
		why = "calling AE title not recognized"
	case source == 1 && reason == 7:
		why = "called AE title not recognized"
	case source == 2 && reason == 2:
		why = "protocol version not supported"
	case source == 3 && reason == 1:
		why = "temporary congestion"
	case source == 3 && reason == 2:
		why = "local limit exceeded"
	}
	return map[byte]string{1: "permanently", 2: "transiently"}[result] + " rejected: " + why
}

// dicomElement is a data element in Implicit VR Little Endian.
func dicomElement(group, element uint16, value []byte) []byte {
	if len(value)%2 == 1 {
		value = append(value, 0)
	}
	out := binary.LittleEndian.AppendUint16(nil, group)
	out = binary.LittleEndian.AppendUint16(out, element)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(value)))
	return append(out, value...)
}

// EchoRQ is a C-ECHO-RQ (PS3.7 9.3.5) in a P-DATA-TF on presentation
// context 1.
func EchoRQ() []byte {
	us := func(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }
	cmd := dicomElement(0, 0x0002, []byte(uidVerification))
	cmd = append(cmd, dicomElement(0, 0x0100, us(0x0030))...) // C-ECHO-RQ
	cmd = append(cmd, dicomElement(0, 0x0110, us(1))...)      // message ID
	cmd = append(cmd, dicomElement(0, 0x0800, us(0x0101))...) // no data set
	cmd = append(dicomElement(0, 0x0000, binary.LittleEndian.AppendUint32(nil, uint32(len(cmd)))), cmd...)
	pdv := binary.BigEndian.AppendUint32(nil, uint32(len(cmd)+2))
	pdv = append(pdv, 1, 0x03) // context 1; a command, its last fragment
	return PDU(PDUData, append(pdv, cmd...))
}

// EchoStatus reads the status of a C-ECHO-RSP from a P-DATA-TF's body.
func EchoStatus(body []byte) (string, error) {
	if len(body) < 6 {
		return "", fmt.Errorf("%w: a P-DATA-TF of %d bytes", ErrDICOM, len(body))
	}
	n := int(binary.BigEndian.Uint32(body[:4]))
	if n < 2 || 4+n > len(body) {
		return "", fmt.Errorf("%w: a PDV of %d bytes in %d", ErrDICOM, n, len(body)-4)
	}
	cmd := body[6 : 4+n]
	for len(cmd) >= 8 {
		group, elem := binary.LittleEndian.Uint16(cmd), binary.LittleEndian.Uint16(cmd[2:])
		l := int(binary.LittleEndian.Uint32(cmd[4:]))
		if l < 0 || 8+l > len(cmd) {
			break
		}
		if group == 0 && elem == 0x0900 && l == 2 {
			if s := binary.LittleEndian.Uint16(cmd[8:]); s != 0 {
				return fmt.Sprintf("status 0x%04x", s), nil
			}
			return "success", nil
		}
		cmd = cmd[8+l:]
	}
	return "", fmt.Errorf("%w: a C-ECHO response without a status", ErrDICOM)
}
