package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mdcheck/mdcheck/internal/model"
	"github.com/mdcheck/mdcheck/internal/probe"
	"github.com/mdcheck/mdcheck/internal/probe/results"
)

// ProbeOptions are a probe's inputs, as the operator gives them; see
// internal/probe.
type ProbeOptions struct {
	probe.Options
	// Model, when set, is a device model whose declared TCP ports (each
	// interface's port) are probed beside the others.
	Model string
}

// The AE titles of the DICOM association a probe asks for, unless the
// operator names others.
const (
	DefaultCallingAE = probe.DefaultCallingAE
	DefaultCalledAE  = probe.DefaultCalledAE
)

// ProbeResult is what a probe saw, and its transcript.
type ProbeResult = probe.Result

// Probe checks live units on the network, safely: only inside the
// scope, within the profile's limits, every byte sent in the
// transcript. Options it cannot read are an InputError, before anything
// is sent; an interrupted probe returns what it saw, marked partial,
// with ctx's error.
func (a *App) Probe(ctx context.Context, o ProbeOptions) (*ProbeResult, error) {
	if o.Pcap != "" || o.Profile == string(probe.Passive) { // sends nothing
		if o.Model != "" {
			return nil, InputError{errors.New("the passive profile sends nothing: --model does not apply")}
		}
		res, err := results.ReadCapture(o.Options)
		if err != nil {
			err = InputError{err}
		}
		return res, err
	}
	if o.Model != "" {
		dev, err := model.Load(o.Model)
		if err != nil {
			return nil, InputError{err}
		}
		o.Declared = append(o.Declared, declaredPorts(dev)...)
	}
	res, err := probe.Run(ctx, o.Options)
	if err != nil && res == nil {
		return nil, InputError{err}
	}
	return res, err
}

// declaredPorts are the ports the interfaces of dev declare, with what
// the model says they speak.
func declaredPorts(dev *model.Device) []probe.Declared {
	var out []probe.Declared
	for _, c := range dev.Components {
		for _, f := range c.Interfaces {
			if f.Port == nil {
				continue
			}
			enc := f.Encryption != nil && (f.Encryption.InTransit != nil && *f.Encryption.InTransit || strings.Contains(strings.ToUpper(f.Encryption.Protocol), "TLS"))
			// Only SNMP and CoAP of the model's protocols run over UDP.
			udp := len(f.Protocols) > 0 && !slices.ContainsFunc(f.Protocols, func(p model.Protocol) bool { return p != "snmp" && p != "coap" })
			out = append(out, probe.Declared{Port: *f.Port, TLS: f.Speaks("https") || enc, HTTP: f.Speaks("http", "https", "fhir"), MQTT: f.Speaks("mqtt"), DICOM: f.Speaks("dicom"), HL7: f.Speaks("hl7-mllp"), SNMP: f.Speaks("snmp"), UDP: udp})
		}
	}
	return out
}

// CheckProbeResults reads data as probe results named name, as check
// --probe-results reads a file: an upload's check.
func (a *App) CheckProbeResults(name string, data []byte) error {
	if _, err := results.Parse(data); err != nil {
		return InputError{fmt.Errorf("probe results %s:%w", name, err)}
	}
	return nil
}
