package cli

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/render"
)

func newThreats(stdout io.Writer) *cobra.Command {
	return modelDocument(stdout, "threats", "Derive the device's threat model: medical threats per interface, component and data flow",
		`threats derives a threat model from the device model: for each interface,
component and data flow, the threats an attacker poses (STRIDE) and what
they do to patients (therapy, monitoring, diagnosis, privacy): therapy
commands forged over radio, emergency access abused, an implant's battery
drained by wake-ups, the monitoring link cut, malicious updates, a device
used as a stepping stone from the internet, health data read in transit
or at rest, service ports abused, changes without a trace. Each threat has
a likelihood from the model's facts (exposure, authentication, integrity,
encryption, rate limits), a risk, the controls the model declares, and
the catalog rules that assess the same weakness. The attack surface is
summarised per exposure zone.

Formats: table (default), json, md and svg (the data-flow diagram with the
open threats marked). Exit codes: 0 written, 2 invalid model,
3 failure.`, "table, json, md or svg",
		func(f *render.Format) bool { return f.Threats != nil },
		func(ctx context.Context, a *app.App, file string) (*app.ThreatModel, error) {
			return a.Threats(ctx, file)
		},
		func(f *render.Format, w io.Writer, m *app.ThreatModel) error {
			return f.Threats(w, m, render.Options{})
		})
}
