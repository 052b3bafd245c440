package app

import (
	"context"
	"time"

	"github.com/mdcheck/mdcheck/internal/catalog"
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
	// The health check of the same model says which threats its rules
	// already assess (the day does not change which rules apply to whom).
	a0, err := runModel(ctx, dev, runOptions{Profile: ProfileAll, Now: time.Now().UTC().Truncate(24 * time.Hour), Build: a.cfg.Build})
	if err != nil {
		return nil, err
	}
	linkThreats(ts, a0.report.Findings)
	return &ThreatModel{
		Device:  classify.Device{Manufacturer: dev.Identity.Manufacturer, Product: dev.Identity.Product, Model: dev.Identity.Model, Version: dev.Identity.Version, File: dev.File()},
		Formula: threat.Formula, Threats: ts, Surface: threat.Surface(dev, ts), Model: dev,
	}, nil
}

// linkThreats fills each threat's findings from a check's findings.
func linkThreats(ts []threat.Threat, fs []catalog.Finding) {
	as := make([]threat.Assessed, len(fs))
	for i, f := range fs {
		as[i] = threat.Assessed{ID: f.ID, Rule: f.Rule, Subject: f.Subject, Applies: f.Status != catalog.NotApplicable}
	}
	threat.Link(ts, as)
}
