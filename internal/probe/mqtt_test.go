package probe

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mdcheck/mdcheck/internal/testutil/loopback"

	"github.com/mdcheck/mdcheck/internal/probe/wire"
)

// broker answers each MQTT CONNECT with the CONNACK code answer gives
// for its protocol level (-1: say nothing MQTT), and counts the
// connections that sent a user name or password.
func broker(t *testing.T, answer func(level byte) int, creds *atomic.Int32) func(net.Conn) {
	return func(c net.Conn) {
		c.SetDeadline(time.Now().Add(3 * time.Second))
		r := bufio.NewReader(c)
		kind, _, body, err := wire.ReadMQTTPacket(r)
		if err != nil || kind != wire.MQTTConnect || len(body) < 8 {
			return
		}
		level, flags := body[6], body[7]
		if flags&0xc0 != 0 {
			creds.Add(1)
		}
		code := answer(level)
		if code < 0 {
			c.Write([]byte("HTTP/1.1 400 Bad Request\r\n\r\n"))
			return
		}
		ack := []byte{0, byte(code)}
		if level == 5 {
			ack = append(ack, 0)
		}
		c.Write(wire.MQTTPacket(wire.MQTTConnack, 0, ack))
		wire.ReadMQTTPacket(r) // DISCONNECT
	}
}

// probeMQTTAt probes one port declared as MQTT.
func probeMQTTAt(t *testing.T, port int, profile string, tlsOn bool) Port {
	t.Helper()
	var dials atomic.Int32
	res, err := Run(context.Background(), Options{Targets: []string{"127.0.0.1"}, Scope: []string{"127.0.0.1"}, Ports: "1", Profile: profile,
		Declared: []Declared{{Port: port, MQTT: true, TLS: tlsOn}}, Dial: dialOnly(t, &dials)})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Hosts[0].Ports {
		if p.Port == port {
			return p
		}
	}
	t.Fatalf("port %d not probed: %+v", port, res.Hosts)
	return Port{}
}

// TestMQTT: a broker that lets in a client without credentials, one
// that refuses it, one that speaks only MQTT 5.0, one over TLS, and a
// port that answers no MQTT; no credential is ever sent.
func TestMQTT(t *testing.T) {
	var creds atomic.Int32
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	cert := selfSigned(t, "broker.test", key, time.Now().Add(-time.Hour), time.Now().Add(time.Hour), x509.ECDSAWithSHA256)
	accept := broker(t, func(byte) int { return 0 }, &creds)
	overTLS := loopback.Serve(t, func(c net.Conn) {
		s := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{cert}})
		if s.Handshake() == nil {
			accept(s)
		}
	})
	t.Run("brokers", func(t *testing.T) {
		brokers(t, accept, overTLS, &creds)
	})
	if n := creds.Load(); n != 0 {
		t.Errorf("%d CONNECTs carried credentials", n)
	}
}

func brokers(t *testing.T, accept func(net.Conn), overTLS int, creds *atomic.Int32) {
	for _, tc := range []struct {
		name    string
		port    int
		version string
		code    int
		ok, tls bool
		weak    []string
	}{
		{"anonymous", loopback.Serve(t, accept), "3.1.1", 0, true, false, []string{"accepts a client without credentials (CONNECT with no user name or password)", "MQTT in the clear"}},
		{"refused", loopback.Serve(t, broker(t, func(byte) int { return 5 }, creds)), "3.1.1", 5, false, false, []string{"MQTT in the clear"}},
		{"5.0 only", loopback.Serve(t, broker(t, func(l byte) int { return map[byte]int{4: 1, 5: 0x87}[l] }, creds)), "5.0", 0x87, false, false, []string{"MQTT in the clear"}},
		{"over TLS", overTLS, "3.1.1", 0, true, true, []string{"accepts a client without credentials (CONNECT with no user name or password)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := probeMQTTAt(t, tc.port, "safe", tc.tls)
			m := p.MQTT
			if m == nil || m.Version != tc.version || m.ReturnCode != tc.code || m.Accepted != tc.ok || m.OverTLS != tc.tls || !slices.Equal(m.Weak, tc.weak) {
				t.Fatalf("MQTT %+v", m)
			}
			if p.Service == nil || p.Service.Name != "mqtt" || p.Service.Confidence != High {
				t.Errorf("service %+v", p.Service)
			}
		})
	}
	t.Run("no MQTT", func(t *testing.T) {
		t.Parallel()
		if p := probeMQTTAt(t, loopback.Serve(t, broker(t, func(byte) int { return -1 }, creds)), "safe", false); p.MQTT != nil {
			t.Errorf("no MQTT: %+v", p.MQTT)
		}
	})
}

// TestMQTTMosquitto: Debian's Mosquitto with anonymous clients allowed
// and denied; under the standard profile the probe reads the version
// it publishes.
func TestMQTTMosquitto(t *testing.T) {
	bin := debianServer(t, "/usr/sbin/mosquitto", "mosquitto")
	for _, anon := range []bool{true, false} {
		dir := t.TempDir()
		port := closedPort(t)
		// As root, Mosquitto would run as the user mosquitto, who cannot
		// read the test's folder.
		conf := fmt.Sprintf("listener %d 127.0.0.1\nallow_anonymous %t\npersistence false\n", port, anon)
		if os.Getuid() == 0 {
			conf += "user root\n"
		}
		if !anon {
			pw := filepath.Join(dir, "passwd")
			os.WriteFile(pw, nil, 0o644)
			conf += "password_file " + pw + "\n"
		}
		if err := os.WriteFile(filepath.Join(dir, "mosquitto.conf"), []byte(conf), 0o644); err != nil {
			t.Fatal(err)
		}
		startListening(t, port, exec.Command(bin, "-c", filepath.Join(dir, "mosquitto.conf")))
		p := probeMQTTAt(t, port, "standard", false)
		m := p.MQTT
		if m == nil || m.Accepted != anon || (anon && !strings.HasPrefix(m.Broker, "mosquitto version")) || (!anon && m.ReturnCode != 5) {
			t.Errorf("Mosquitto, anonymous %t: %+v", anon, m)
		}
	}
}
