package app

import (
	"context"

	"github.com/mdcheck/mdcheck/internal/classify"
	"github.com/mdcheck/mdcheck/internal/model"
	"github.com/mdcheck/mdcheck/internal/threat"
)

// ThreatModel is the threat model derived from a device model.
type ThreatModel struct {
	Device  classify.Device
	Formula string
	Threats []threat.Threat
	Surface []threat.Zone
	// Model draws the data-flow diagram.
	Model *model.Device
}

// Threats derives the threat model of the device model in file
// (docs/threats.md).
func (a *App) Threats(ctx context.Context, file string) (*ThreatModel, error) {
	dev, err := model.Load(file)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ts := threat.Derive(dev)
	return &ThreatModel{
		Device:  classify.Device{Manufacturer: dev.Identity.Manufacturer, Product: dev.Identity.Product, Model: dev.Identity.Model, Version: dev.Identity.Version, File: dev.File()},
		Formula: threat.Formula, Threats: ts, Surface: threat.Surface(dev, ts), Model: dev,
	}, nil
}
