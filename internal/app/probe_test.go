package app

import (
	"slices"
	"testing"

	"github.com/mdcheck/mdcheck/internal/model"
	"github.com/mdcheck/mdcheck/internal/probe"
)

// TestDeclaredPorts: what the model declares of each port reaches the
// probe: SNMP ports are asked over UDP, and a port with only UDP
// protocols on it is not tried over TCP.
func TestDeclaredPorts(t *testing.T) {
	port := func(n int) *int { return &n }
	yes := true
	dev := &model.Device{Components: []model.Component{{ID: "pump", Interfaces: []model.Interface{
		{ID: "web", Port: port(443), Protocols: []model.Protocol{"https"}},
		{ID: "mgmt", Port: port(161), Protocols: []model.Protocol{"snmp"}},
		{ID: "both", Port: port(1161), Protocols: []model.Protocol{"snmp", "ssh"}, Encryption: &model.Encryption{InTransit: &yes}},
		{ID: "coap", Port: port(5683), Protocols: []model.Protocol{"coap"}},
		{ID: "unstated", Port: port(7000)},
		{ID: "usb"},
	}}}}
	want := []probe.Declared{
		{Port: 443, TLS: true, HTTP: true},
		{Port: 161, SNMP: true, UDP: true},
		{Port: 1161, SNMP: true, TLS: true},
		{Port: 5683, UDP: true},
		{Port: 7000},
	}
	if got := declaredPorts(dev); !slices.Equal(got, want) {
		t.Errorf("declared\n got %+v\nwant %+v", got, want)
	}
}
