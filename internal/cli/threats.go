package cli

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/render"
)

func newThreats(stdout io.Writer) *cobra.Command {
	var waivers, date string
	c := modelDocument(stdout, "threats", "Derive the device's threat model: medical threats per interface, component and data flow",
		`threats derives a threat model from the device model: for each interface,
component and data flow, the threats an attacker poses (STRIDE) and what
they do to patients (therapy, monitoring, diagnosis, privacy): therapy
commands forged over radio, emergency access abused, an implant's battery
drained by wake-ups, the monitoring link cut, malicious updates, a device
used as a stepping stone from the internet, health data read in transit
or at rest, service ports abused, changes without a trace, orders, results
or images forged over HL7, DICOM or FHIR, an app misused on a phone. Each
threat has a likelihood from the model's facts (exposure, authentication,
integrity, encryption, rate limits), a risk, the controls the model
declares and those it lacks, and the catalog rules that assess the same
weakness; a threat no rule assesses is a finding of its own in check. The
attack surface is summarised per exposure zone, the patient's body (the
implant zone) included.

Accepting a threat's residual risk uses a waiver file (--waivers, as in
check): a waiver whose finding is threat/RULE@ELEMENT (patterns with * and
?) accepts each threat it matches, with its reason, owner and expiry; on
or after the day after its expiry (--date, default today) the threat is
open again, and the acceptance is shown as expired.

Formats: table (default), json, md and svg (the data-flow diagram with the
open threats marked). Exit codes: 0 written, 2 invalid model, waiver
file or date, 3 failure.`, "table, json, md or svg",
		func(f *render.Format) bool { return f.Threats != nil },
		func(ctx context.Context, a *app.App, file string) (*app.ThreatModel, error) {
			d, err := parseDate(date)
			if err != nil {
				return nil, err
			}
			return a.Threats(ctx, app.ThreatsOptions{Model: file, Waivers: waivers, Date: d})
		},
		func(f *render.Format, w io.Writer, m *app.ThreatModel) error {
			return f.Threats(w, m, render.Options{})
		})
	c.Flags().StringVar(&waivers, "waivers", "", "waiver file: a waiver on threat/RULE@ELEMENT accepts those threats until it expires")
	c.Flags().StringVar(&date, "date", "", "day acceptances are judged on, YYYY-MM-DD (default today, UTC)")
	return c
}
