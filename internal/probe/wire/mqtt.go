package wire

import (
	"errors"
	"fmt"
	"io"
)

// MQTT control packet types (the high nibble of the first byte).
const (
	MQTTConnect    = 1
	MQTTConnack    = 2
	MQTTPublish    = 3
	MQTTSubscribe  = 8
	MQTTSuback     = 9
	MQTTDisconnect = 14
)

// MaxMQTTPacket bounds a packet read from a broker.
const MaxMQTTPacket = 4096

// MQTTClientID is the client identifier the probe gives (at most 23
// characters, as 3.1.1 brokers must accept).
const MQTTClientID = "mdcheck-probe"

// MQTTString is s as MQTT writes a string: its length, then its bytes.
func MQTTString(s string) []byte {
	return append([]byte{byte(len(s) >> 8), byte(len(s))}, s...)
}

// MQTTPacket is a control packet of type kind with flags and body.
func MQTTPacket(kind, flags byte, body []byte) []byte {
	out := []byte{kind<<4 | flags}
	n := len(body)
	for {
		b := byte(n % 128)
		n /= 128
		if n > 0 {
			b |= 0x80
		}
		out = append(out, b)
		if n == 0 {
			break
		}
	}
	return append(out, body...)
}

// MQTTConnectPacket is a CONNECT of protocol level (4: 3.1.1, 5: 5.0)
// with a clean session, a keep-alive of 30 seconds, the probe's client
// identifier and no user name, password or will.
func MQTTConnectPacket(level byte) []byte {
	body := append(MQTTString("MQTT"), level, 0x02, 0, 30)
	if level == 5 {
		body = append(body, 0) // no properties
	}
	return MQTTPacket(MQTTConnect, 0, append(body, MQTTString(MQTTClientID)...))
}

// ErrMQTT is an answer that is no MQTT.
var ErrMQTT = errors.New("not an MQTT packet")

// ReadMQTTPacket reads one control packet: its type, flags and body, at
// most MaxMQTTPacket bytes.
func ReadMQTTPacket(r io.ByteReader) (kind, flags byte, body []byte, err error) {
	first, err := r.ReadByte()
	if err != nil {
		return 0, 0, nil, err
	}
	n, shift := 0, 0
	for i := 0; ; i++ {
		b, err := r.ReadByte()
		if err != nil {
			return 0, 0, nil, err
		}
		n |= int(b&0x7f) << shift
		shift += 7
		if b&0x80 == 0 {
			break
		}
		if i == 3 {
			return 0, 0, nil, fmt.Errorf("%w: remaining length longer than 4 bytes", ErrMQTT)
		}
	}
	if n > MaxMQTTPacket {
		return 0, 0, nil, fmt.Errorf("%w: a packet of %d bytes, more than %d", ErrMQTT, n, MaxMQTTPacket)
	}
	body = make([]byte, n)
	for i := range body {
		if body[i], err = r.ReadByte(); err != nil {
			return 0, 0, nil, err
		}
	}
	return first >> 4, first & 0x0f, body, nil
}

// ConnackReason names a CONNACK's return code (3.1.1) or reason code
// (5.0) and whether it lets the client in.
func ConnackReason(level byte, code int) (string, bool) {
	if level == 4 {
		switch code {
		case 0:
			return "connection accepted", true
		case 1:
			return "unacceptable protocol version", false
		case 2:
			return "client identifier rejected", false
		case 3:
			return "server unavailable", false
		case 4:
			return "bad user name or password", false
		case 5:
			return "not authorized", false
		}
		return fmt.Sprintf("return code %d", code), false
	}
	switch code {
	case 0x00:
		return "success", true
	case 0x84:
		return "unsupported protocol version", false
	case 0x85:
		return "client identifier not valid", false
	case 0x86:
		return "bad user name or password", false
	case 0x87:
		return "not authorized", false
	case 0x88:
		return "server unavailable", false
	case 0x8a:
		return "banned", false
	case 0x8c:
		return "bad authentication method", false
	}
	return fmt.Sprintf("reason code 0x%02x", code), false
}

// ReadConnack reads the broker's answer to a CONNECT of level: the code
// and whether it is one.
func ReadConnack(r io.ByteReader, level byte) (int, error) {
	kind, _, body, err := ReadMQTTPacket(r)
	if err != nil {
		return 0, err
	}
	if kind != MQTTConnack || len(body) < 2 || (level == 4 && len(body) != 2) {
		return 0, fmt.Errorf("%w: packet type %d of %d bytes where a CONNACK was due", ErrMQTT, kind, len(body))
	}
	return int(body[1]), nil
}

// PublishPayload is the payload of a PUBLISH packet's body to topic.
func PublishPayload(body []byte, flags, level byte, topic string) ([]byte, bool) {
	if len(body) < 2 {
		return nil, false
	}
	n := int(body[0])<<8 | int(body[1])
	rest := body[2:]
	if n > len(rest) || string(rest[:n]) != topic {
		return nil, false
	}
	rest = rest[n:]
	if flags&0x06 != 0 { // QoS 1 or 2: a packet identifier
		if len(rest) < 2 {
			return nil, false
		}
		rest = rest[2:]
	}
	if level == 5 { // properties: their length, then them
		l, shift, i := 0, 0, 0
		for ; i < len(rest) && i < 4; i++ {
			l |= int(rest[i]&0x7f) << shift
			shift += 7
			if rest[i]&0x80 == 0 {
				break
			}
		}
		if i >= len(rest) || i == 4 || i+1+l > len(rest) {
			return nil, false
		}
		rest = rest[i+1+l:]
	}
	return rest, true
}
