package probe

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/netip"

	"github.com/mdcheck/mdcheck/internal/probe/wire"
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
		g.exchangeOver(ctx, ap, &seqs, tlsOn, func(nc net.Conn) error {
			if _, err := nc.Write(wire.MQTTConnectPacket(level)); err != nil {
				return err
			}
			r := bufio.NewReaderSize(nc, 512)
			code, err := wire.ReadConnack(r, level)
			if err != nil {
				return err
			}
			reason, ok := wire.ConnackReason(level, code)
			out = &MQTT{Version: map[byte]string{4: "3.1.1", 5: "5.0"}[level], ReturnCode: code, Accepted: ok, Reason: reason, OverTLS: tlsOn, Weak: []string{}}
			retry = level == 4 && code == 1
			if ok && profile == Standard {
				out.Broker = brokerVersion(nc, r, level)
			}
			nc.Write(wire.MQTTPacket(wire.MQTTDisconnect, 0, nil))
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
	body = append(append(body, wire.MQTTString(topic)...), 0) // QoS 0
	if _, err := nc.Write(wire.MQTTPacket(wire.MQTTSubscribe, 2, body)); err != nil {
		return ""
	}
	for range 4 { // the SUBACK, then the retained message
		kind, flags, body, err := wire.ReadMQTTPacket(r)
		if err != nil {
			return ""
		}
		if kind != wire.MQTTPublish || len(body) < 2 {
			continue
		}
		if v, ok := wire.PublishPayload(body, flags, level, topic); ok {
			return printable(v, 100)
		}
	}
	return ""
}
