package probe

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
)

// mqttPorts are the ports of MQTT brokers (1883 in the clear, 8883 over
// TLS) to which a probe sends a CONNECT without credentials.
var mqttPorts = map[int]bool{1883: true, 8883: true}

// MQTT is what a probe learned of an MQTT broker: whether it lets a
// client in without credentials (a CONNECT with no user name or
// password, OASIS MQTT 3.1.1 section 3.1, or 5.0 for a broker that
// speaks only that), and, under the standard profile, the version it
// publishes.
type MQTT struct {
	// Version is the protocol version the broker answered: "3.1.1" or
	// "5.0".
	Version string `json:"version"`
	// ReturnCode is the CONNACK's return (3.1.1) or reason (5.0) code;
	// Accepted is set when it let the probe in; Reason says it in
	// words.
	ReturnCode int    `json:"returnCode"`
	Accepted   bool   `json:"accepted"`
	Reason     string `json:"reason"`
	// OverTLS is set when the broker was reached over TLS.
	OverTLS bool `json:"overTls"`
	// Broker is what the broker publishes at $SYS/broker/version, read
	// under the standard profile when it let the probe in.
	Broker string   `json:"broker,omitempty"`
	Weak   []string `json:"weak"`
}

// MQTT control packet types (the high nibble of the first byte).
const (
	mqttConnect    = 1
	mqttConnack    = 2
	mqttPublish    = 3
	mqttSubscribe  = 8
	mqttSuback     = 9
	mqttDisconnect = 14
)

// maxMQTTPacket bounds a packet read from a broker.
const maxMQTTPacket = 4096

// mqttClientID is the client identifier the probe gives (at most 23
// characters, as 3.1.1 brokers must accept).
const mqttClientID = "mdcheck-probe"

// mqttString is s as MQTT writes a string: its length, then its bytes.
func mqttString(s string) []byte {
	return append([]byte{byte(len(s) >> 8), byte(len(s))}, s...)
}

// mqttPacket is a control packet of type kind with flags and body.
func mqttPacket(kind, flags byte, body []byte) []byte {
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

// mqttConnectPacket is a CONNECT of protocol level (4: 3.1.1, 5: 5.0)
// with a clean session, a keep-alive of 30 seconds, the probe's client
// identifier and no user name, password or will.
func mqttConnectPacket(level byte) []byte {
	body := append(mqttString("MQTT"), level, 0x02, 0, 30)
	if level == 5 {
		body = append(body, 0) // no properties
	}
	return mqttPacket(mqttConnect, 0, append(body, mqttString(mqttClientID)...))
}

// errMQTT is an answer that is no MQTT.
var errMQTT = errors.New("not an MQTT packet")

// readMQTTPacket reads one control packet: its type, flags and body, at
// most maxMQTTPacket bytes.
func readMQTTPacket(r io.ByteReader) (kind, flags byte, body []byte, err error) {
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
			return 0, 0, nil, fmt.Errorf("%w: remaining length longer than 4 bytes", errMQTT)
		}
	}
	if n > maxMQTTPacket {
		return 0, 0, nil, fmt.Errorf("%w: a packet of %d bytes, more than %d", errMQTT, n, maxMQTTPacket)
	}
	body = make([]byte, n)
	for i := range body {
		if body[i], err = r.ReadByte(); err != nil {
			return 0, 0, nil, err
		}
	}
	return first >> 4, first & 0x0f, body, nil
}

// connackReason names a CONNACK's return code (3.1.1) or reason code
// (5.0) and whether it lets the client in.
func connackReason(level byte, code int) (string, bool) {
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

// readConnack reads the broker's answer to a CONNECT of level: the code
// and whether it is one.
func readConnack(r io.ByteReader, level byte) (int, error) {
	kind, _, body, err := readMQTTPacket(r)
	if err != nil {
		return 0, err
	}
	if kind != mqttConnack || len(body) < 2 || (level == 4 && len(body) != 2) {
		return 0, fmt.Errorf("%w: packet type %d of %d bytes where a CONNACK was due", errMQTT, kind, len(body))
	}
	return int(body[1]), nil
}

// probeMQTT sends the broker at ap a CONNECT without credentials (over
// TLS when tlsOn), at 3.1.1 and, when the broker wants another version,
// at 5.0, and reads its CONNACK; under the standard profile, when it is
// let in, it asks for $SYS/broker/version. It always ends with a
// DISCONNECT. nil when the port answers no MQTT.
func probeMQTT(ctx context.Context, g *guard, ap netip.AddrPort, tlsOn bool, profile Profile) (*MQTT, []int) {
	var seqs []int
	var out *MQTT
	for _, level := range []byte{4, 5} {
		retry := false
		g.exchange(ctx, ap, &seqs, func(nc net.Conn) error {
			if tlsOn {
				tc := tls.Client(nc, &tls.Config{InsecureSkipVerify: true}) // read, not trusted: the TLS checks judge it
				hctx, cancel := context.WithTimeout(ctx, g.lim.Timeout)
				defer cancel()
				if err := tc.HandshakeContext(hctx); err != nil {
					return err
				}
				nc = tc
			}
			if _, err := nc.Write(mqttConnectPacket(level)); err != nil {
				return err
			}
			r := bufio.NewReaderSize(nc, 512)
			code, err := readConnack(r, level)
			if err != nil {
				return err
			}
			reason, ok := connackReason(level, code)
			out = &MQTT{Version: map[byte]string{4: "3.1.1", 5: "5.0"}[level], ReturnCode: code, Accepted: ok, Reason: reason, OverTLS: tlsOn, Weak: []string{}}
			retry = level == 4 && code == 1
			if ok && profile == Standard {
				out.Broker = brokerVersion(nc, r, level)
			}
			nc.Write(mqttPacket(mqttDisconnect, 0, nil))
			return nil
		})
		if !retry {
			break
		}
	}
	if out == nil {
		return nil, seqs
	}
	if out.Accepted {
		out.Weak = append(out.Weak, "accepts a client without credentials (CONNECT with no user name or password)")
	}
	if !tlsOn {
		out.Weak = append(out.Weak, "MQTT in the clear")
	}
	return out, seqs
}

// brokerVersion subscribes to $SYS/broker/version and returns what the
// broker publishes there within the timeout (at most 100 characters),
// or "".
func brokerVersion(nc net.Conn, r io.ByteReader, level byte) string {
	const topic = "$SYS/broker/version"
	body := []byte{0, 1} // packet identifier
	if level == 5 {
		body = append(body, 0) // no properties
	}
	body = append(append(body, mqttString(topic)...), 0) // QoS 0
	if _, err := nc.Write(mqttPacket(mqttSubscribe, 2, body)); err != nil {
		return ""
	}
	for range 4 { // the SUBACK, then the retained message
		kind, flags, body, err := readMQTTPacket(r)
		if err != nil {
			return ""
		}
		if kind != mqttPublish || len(body) < 2 {
			continue
		}
		if v, ok := publishPayload(body, flags, level, topic); ok {
			return printable(v, 100)
		}
	}
	return ""
}

// publishPayload is the payload of a PUBLISH packet's body to topic.
func publishPayload(body []byte, flags, level byte, topic string) ([]byte, bool) {
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
