package rules

import (
	"fmt"
	"strings"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/model"
	"github.com/mdcheck/mdcheck/internal/severity"
	"github.com/mdcheck/mdcheck/internal/vuln"
)

// The rule on known vulnerabilities reads what matching each component's
// SBOM against the vulnerability database showed. Each vulnerability is
// its own finding, as severe as it is for patients; a component with no
// match passes only when its packages could be matched at all.

var knownVulnerabilities = register(catalog.Rule{
	ID:       "vuln/known-vulnerabilities",
	Title:    "Every known vulnerability in the device's software is fixed or has a recorded disposition",
	Severity: catalog.High,
	Refs:     []string{"MDR.AI.17.2", "MDCG1916.2.4", "MDCG1916.3.8", "MDCG1916.5.1", "IEC81001.9", "NIS2.21.e"},
	Rationale: "MDR Annex I 17.2 asks for software developed and manufactured to the state of the art, taking into account information " +
		"security and risk management; MDCG 2019-16 §2.4 counts the exploitation of a known vulnerability as reasonably foreseeable " +
		"misuse, and §3.8 and §5.1 expect vulnerabilities in the device's own and third-party software to be monitored and handled " +
		"after release. A known vulnerability in a shipped component with neither a fix nor a recorded disposition (a VEX statement " +
		"that the device is not affected, with its justification, or that it is fixed) shows a risk the security risk management has " +
		"not yet addressed; with one, the finding is set aside and the requirement can be met.",
	Remediation: "Update each affected package to a fixed version and ship the update, most severe for patients and known exploited first; " +
		"where the flaw cannot be exploited in this device, publish a VEX statement (not_affected with its justification) so that " +
		"hospitals and mdcheck can tell; record each in post-market surveillance.",
	Check: func(in *catalog.Input) []catalog.Result {
		db, _ := in.Evidence.VulnDatabase()
		var out []catalog.Result
		for _, c := range deviceComponents(in.Device) {
			if c.c.SBOM == "" {
				continue
			}
			sbomEv, _ := in.Evidence.Lookup(c.path + ".sbom")
			v, notAssessed := matched(in, c)
			if notAssessed != nil {
				out = append(out, *notAssessed)
				continue
			}
			if len(v.Found) == 0 {
				if v.Checked == 0 {
					out = append(out, catalog.Result{Subject: c.c.ID, Status: catalog.Unknown,
						Detail:   fmt.Sprintf("not assessed: none of the SBOM's %d package%s is covered by the database (%s)%s", v.Packages, plural(v.Packages), dbName(db), uncovered(v)),
						Evidence: []evidence.ID{sbomEv.ID}})
					continue
				}
				detail := fmt.Sprintf("no known vulnerability in the %d of %d package%s the database covers (%s)%s", v.Checked, v.Packages, plural(v.Packages), dbName(db), uncovered(v))
				out = append(out, pass(c.c.ID, detail, sbomEv.ID))
				continue
			}
			for _, f := range v.Found {
				out = append(out, vulnResult(in, c, db, f, sbomEv.ID))
			}
		}
		return out
	},
})

// matched is what matching component c's SBOM showed, or the unknown
// result saying why it was not assessed: no database, an SBOM that could
// not be read, or matching that failed.
func matched(in *catalog.Input, c comp) (evidence.Vulnerabilities, *catalog.Result) {
	unknown := func(detail string) *catalog.Result {
		r := catalog.Result{Subject: c.c.ID, Status: catalog.Unknown, Detail: "not assessed: " + detail}
		if ev, ok := in.Evidence.Lookup(c.path + ".sbom"); ok {
			r.Evidence = []evidence.ID{ev.ID}
		}
		return &r
	}
	if _, ok := in.Evidence.VulnDatabase(); !ok {
		return evidence.Vulnerabilities{}, &catalog.Result{Subject: c.c.ID, Status: catalog.Unknown,
			Detail: "not assessed: the run matched the SBOM against no vulnerability database (check does unless --no-vulns)"}
	}
	v, ok := in.Evidence.Vulnerabilities(c.c.ID)
	switch {
	case !ok:
		return v, unknown("the SBOM " + c.c.SBOM + " could not be read (see sbom/readable)")
	case v.Err != "":
		return v, unknown(v.Err)
	}
	return v, nil
}

// uncovered says which packages the database did not cover, and why.
func uncovered(v evidence.Vulnerabilities) string {
	var parts []string
	if v.NotCheckable > 0 {
		parts = append(parts, fmt.Sprintf("%d without a package URL or CPE it can match (see sbom/components-checkable)", v.NotCheckable))
	}
	if v.NoData > 0 {
		parts = append(parts, fmt.Sprintf("%d whose ecosystem or CPE vendor is in none of its records", v.NoData))
	}
	if len(parts) == 0 {
		return ""
	}
	return ": " + strings.Join(parts, ", ")
}

// vulnResult is the finding on one vulnerability in component c: open,
// as severe as it is for patients, with a VEX statement cited where one
// applies (one that says not affected or fixed sets it aside).
func vulnResult(in *catalog.Input, c comp, db evidence.VulnDatabase, f evidence.VulnFound, sbomEv evidence.ID) catalog.Result {
	var b strings.Builder
	b.WriteString(f.ID)
	if len(f.Aliases) > 0 {
		b.WriteString(" (" + strings.Join(f.Aliases, ", ") + ")")
	}
	if f.Summary != "" {
		b.WriteString(": " + strings.TrimRight(f.Summary, "."))
	}
	b.WriteString(". ")
	if len(f.Packages) > 1 {
		b.WriteString("Affects " + strings.Join(f.Packages, ", ") + ". ")
	}
	if len(f.Fixed) > 0 {
		b.WriteString("Fixed in " + strings.Join(f.Fixed, ", ") + ". ")
	} else {
		b.WriteString("No fixed version known. ")
	}
	if f.Confidence != "" && f.Confidence != vuln.ConfidenceHigh {
		fmt.Fprintf(&b, "Matched by %s, confidence %s", f.Method, f.Confidence)
		if f.Note != "" {
			b.WriteString(" (" + strings.TrimRight(f.Note, ".") + ")")
		}
		b.WriteString(": confirm it against the supplier's or distribution's advisory. ")
	}
	b.WriteString("For patients: " + f.SafetyReason)
	if f.KEV != "" {
		b.WriteString(" Known exploited (CISA KEV, added " + f.KEV + ")")
		if f.KEVRansomware {
			b.WriteString(", used in ransomware campaigns")
		}
		b.WriteString(".")
	}
	if f.EPSS > 0 {
		fmt.Fprintf(&b, " EPSS %.3f (percentile %.2f).", f.EPSS, f.EPSSPercentile)
	}
	evs := []evidence.ID{sbomEv}
	evs = append(evs, in.Evidence.Add(evidence.Evidence{
		Path:     fmt.Sprintf("%s.vulnerabilities[%s]", c.path, f.ID),
		Value:    fmt.Sprintf("%s matches %s (%s, confidence %s)", strings.Join(f.Packages, ", "), f.ID, f.Method, f.Confidence),
		Strength: evidence.Observed,
		Source:   evidence.Source{Kind: "advisory", Detail: "vulnerability database " + dbName(db)},
	}))
	if x := f.VEX; x != nil {
		stmt := "VEX " + x.Status
		if x.Justification != "" {
			stmt += " (" + x.Justification + ")"
		}
		if x.Impact != "" {
			stmt += ": " + x.Impact
		}
		if x.Action != "" {
			stmt += "; action: " + x.Action
		}
		stmt = strings.TrimRight(stmt, ".")
		b.WriteString(" " + stmt + ".")
		evs = append(evs, in.Evidence.Add(evidence.Evidence{
			Path:     fmt.Sprintf("%s.vex[%s]", c.path, f.ID),
			Value:    stmt,
			Strength: evidence.Claimed,
			Source:   evidence.Source{Kind: "vex", File: x.Source},
		}))
	}
	var set *catalog.Suppression
	if x := f.VEX; x != nil && x.Suppressed {
		set = &catalog.Suppression{By: catalog.ByVEX, Status: x.Status, Justification: x.Justification, Impact: x.Impact, Source: x.Source}
	}
	if d, path, ok := in.Device.DispositionFor(c.c.ID, append([]string{f.ID}, f.Aliases...)...); ok {
		text, s := dispositionOf(in, d, path)
		b.WriteString(" " + text)
		evs = append(evs, in.Cite(path, text))
		if s != nil {
			set = s
		}
	}
	sev := f.Safety
	if sev == severity.None {
		sev = catalog.High // not weighed: never taken as harmless
	}
	return catalog.Result{
		Subject:     c.c.ID + "/" + f.ID,
		Status:      catalog.Fail,
		Detail:      b.String(),
		Evidence:    evs,
		Severity:    sev,
		Exploited:   f.KEV != "",
		Tentative:   f.Confidence == vuln.ConfidenceLow,
		Suppression: set,
	}
}

// dispositionOf says in words what was decided about a vulnerability,
// and sets its finding aside when the decision is complete: not
// affected, mitigated or accepted for as long as it stands, a fix until
// its due date. An incomplete disposition, or a fix with no date, leaves
// the finding open.
func dispositionOf(in *catalog.Input, d model.Disposition, path string) (string, *catalog.Suppression) {
	var b strings.Builder
	fmt.Fprintf(&b, "Disposition (%s", orNone(string(d.Date), "undated"))
	if d.Owner != "" {
		b.WriteString(", " + d.Owner)
	}
	b.WriteString("): ")
	decided := dispositionText(d)
	b.WriteString(decided)
	if d.PatientSafetyImpact != "" {
		b.WriteString("; patient-safety impact " + string(d.PatientSafetyImpact))
	}
	if d.RiskRecord != "" {
		b.WriteString("; risk record " + d.RiskRecord)
	}
	b.WriteString(".")
	if miss := d.Missing(); len(miss) > 0 {
		b.WriteString(" Incomplete: " + strings.Join(miss, ", ") + " (see vuln/disposition-recorded).")
		return b.String(), nil
	}
	pos := in.Device.Pos(path)
	s := &catalog.Suppression{By: catalog.ByDisposition, Justification: decided, Owner: d.Owner, Source: pos.String(), Impact: d.Analysis}
	switch d.Decision {
	case model.DecisionNotAffected:
		s.Status = vuln.VEXNotAffected
	case model.DecisionFix:
		due, ok := d.Due.Time()
		if !ok {
			return b.String(), nil // a plan with no date sets nothing aside
		}
		s.Status, s.Expires = vuln.VEXAffected, string(d.Due)
		s.Expired = !in.Now.Before(due.Add(day))
	default:
		s.Status = vuln.VEXAffected
	}
	return b.String(), s
}

// dispositionText is a disposition's decision in words.
func dispositionText(d model.Disposition) string {
	switch d.Decision {
	case model.DecisionNotAffected:
		return "not affected (" + orNone(string(d.Justification), "no justification") + ")"
	case model.DecisionFix:
		t := "fix"
		if d.FixVersion != "" {
			t += " in " + d.FixVersion
		}
		if d.Due != "" {
			t += " due " + string(d.Due)
		}
		return t
	case model.DecisionMitigate:
		return "mitigated: " + strings.TrimRight(orNone(d.Mitigation, "mitigation not stated"), ".")
	case model.DecisionAccept:
		return "residual risk accepted: " + strings.TrimRight(orNone(d.BenefitRisk, "benefit-risk reason not stated"), ".")
	}
	return string(d.Decision)
}

func orNone(s, none string) string {
	if s == "" {
		return none
	}
	return s
}

// dbName names a vulnerability database in a finding: its content hash,
// shortened, and its newest record's date.
func dbName(db evidence.VulnDatabase) string {
	h := db.Hash
	if len(h) > len("sha256:")+12 {
		h = h[:len("sha256:")+12]
	}
	if d, _, _ := strings.Cut(db.Newest, "T"); d != "" {
		return h + ", newest record " + d
	}
	return h
}
