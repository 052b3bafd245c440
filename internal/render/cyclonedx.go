package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/google/uuid"

	"github.com/mdcheck/mdcheck/internal/sbom"
	"github.com/mdcheck/mdcheck/internal/severity"
	"github.com/mdcheck/mdcheck/internal/vuln"
	"github.com/mdcheck/mdcheck/internal/vuln/store"
)

// writeScanCycloneDX writes one SBOM's scan as a CycloneDX 1.6
// vulnerability disclosure report: the SBOM's components (so that every
// reference resolves) and one vulnerability per ID with the components it
// affects, its aliases as references, CVSS ratings, fixed versions as a
// recommendation, and how each match was made as properties.
func writeScanCycloneDX(w io.Writer, st store.Status, doc *sbom.Document, ms []vuln.Match, o Options) error {
	now := o.Now
	bom := cdx.NewBOM()
	bom.SpecVersion = cdx.SpecVersion1_6
	props := []cdx.Property{
		{Name: "mdcheck:vulnerability-database:hash", Value: st.Hash},
		{Name: "mdcheck:vulnerability-database:newest-record", Value: st.Newest},
		{Name: "mdcheck:sbom", Value: doc.File},
	}
	bom.Metadata = &cdx.Metadata{
		Timestamp: now.UTC().Format(time.RFC3339),
		Tools: &cdx.ToolsChoice{Components: &[]cdx.Component{{
			Type: cdx.ComponentTypeApplication, Name: "mdcheck", Version: o.Build.Version,
		}}},
		Properties: &props,
	}
	if doc.Subject != "" {
		bom.Metadata.Component = &cdx.Component{Type: cdx.ComponentTypeApplication, Name: doc.Subject, BOMRef: "subject"}
	}
	comps := make([]cdx.Component, 0, len(doc.Components))
	seen := map[string]bool{}
	for _, c := range doc.Components {
		if seen[c.Ref] {
			continue
		}
		seen[c.Ref] = true
		cc := cdx.Component{BOMRef: c.Ref, Type: componentType(c.Type), Group: c.Group, Name: c.Name, Version: c.Version, PackageURL: c.PURL}
		if len(c.CPEs) > 0 {
			cc.CPE = c.CPEs[0]
		}
		comps = append(comps, cc)
	}
	bom.Components = &comps

	var vulns []cdx.Vulnerability
	index := map[string]int{}
	first := map[string]vuln.Match{}
	for _, m := range ms {
		i, ok := index[m.ID]
		if !ok {
			i = len(vulns)
			index[m.ID] = i
			first[m.ID] = m
			vulns = append(vulns, newCDXVulnerability(m))
		}
		v := &vulns[i]
		*v.Affects = append(*v.Affects, cdx.Affects{Ref: m.Ref, Range: &[]cdx.AffectedVersions{{Version: m.Version, Status: cdx.VulnerabilityStatusAffected}}})
		value := fmt.Sprintf("%s %s %s", m.Ref, m.Method, m.Confidence)
		if m.Note != "" {
			value += ": " + m.Note
		}
		*v.Properties = append(*v.Properties, cdx.Property{Name: "mdcheck:match", Value: value})
		if m.VEX != nil {
			*v.Properties = append(*v.Properties, cdx.Property{Name: "mdcheck:vex", Value: m.Ref + " " + vexText(m.VEX)})
		}
		// One analysis per vulnerability: where the components' VEX
		// statuses differ, only the per-component properties say it.
		if ok && vexStatus(m) != vexStatus(first[m.ID]) {
			v.Analysis = nil
		}
		if len(m.Fixed) > 0 && !strings.Contains(v.Recommendation, m.Package+" ") {
			v.Recommendation = strings.TrimPrefix(v.Recommendation+"; ", "; ") + fmt.Sprintf("%s %s: upgrade to %s", m.Package, m.Version, strings.Join(m.Fixed, " or "))
		}
	}
	bom.Vulnerabilities = &vulns
	// The serial number is derived from the content, so the same scan
	// gives the same bytes.
	var body bytes.Buffer
	if err := cdx.NewBOMEncoder(&body, cdx.BOMFileFormatJSON).EncodeVersion(bom, cdx.SpecVersion1_6); err != nil {
		return err
	}
	sum := sha256.Sum256(body.Bytes())
	bom.SerialNumber = "urn:uuid:" + uuid.NewSHA1(uuid.NameSpaceURL, []byte("urn:sha256:"+hex.EncodeToString(sum[:]))).String()
	enc := cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON)
	enc.SetPretty(true)
	return enc.EncodeVersion(bom, cdx.SpecVersion1_6)
}

func vexStatus(m vuln.Match) string {
	if m.VEX == nil {
		return ""
	}
	return m.VEX.Status
}

func newCDXVulnerability(m vuln.Match) cdx.Vulnerability {
	v := cdx.Vulnerability{ID: m.ID, Source: vulnSource(m.ID), Description: m.Summary,
		Affects: &[]cdx.Affects{}, Properties: &[]cdx.Property{}}
	var refs []cdx.VulnerabilityReference
	for _, a := range m.Aliases {
		refs = append(refs, cdx.VulnerabilityReference{ID: a, Source: vulnSource(a)})
	}
	if len(refs) > 0 {
		v.References = &refs
	}
	var ratings []cdx.VulnerabilityRating
	for _, vec := range m.CVSS {
		r := cdx.VulnerabilityRating{Vector: vec, Severity: cdx.Severity(m.Severity.String())}
		switch {
		case strings.HasPrefix(vec, "CVSS:3.1/"):
			r.Method = cdx.ScoringMethodCVSSv31
		case strings.HasPrefix(vec, "CVSS:3.0/"):
			r.Method = cdx.ScoringMethodCVSSv3
		case strings.HasPrefix(vec, "CVSS:4.0/"):
			r.Method = cdx.ScoringMethodCVSSv4
		default:
			r.Method = cdx.ScoringMethodOther
		}
		ratings = append(ratings, r)
	}
	if len(ratings) == 0 && m.Severity != severity.None {
		ratings = append(ratings, cdx.VulnerabilityRating{Severity: cdx.Severity(m.Severity.String()), Method: cdx.ScoringMethodOther})
	}
	if len(ratings) > 0 {
		v.Ratings = &ratings
	}
	if r := m.VEX; r != nil {
		a := &cdx.VulnerabilityAnalysis{Detail: strings.Trim(r.Impact+"; "+r.Action, "; ")}
		switch r.Status {
		case vuln.VEXNotAffected:
			a.State = cdx.IASNotAffected
		case vuln.VEXFixed:
			a.State = cdx.IASResolved
		case vuln.VEXAffected:
			a.State = cdx.IASExploitable
		case vuln.VEXUnderInvestigation:
			a.State = cdx.IASInTriage
		}
		// OpenVEX justifications in CycloneDX's terms.
		switch r.Justification {
		case "component_not_present", "vulnerable_code_not_present", "code_not_present":
			a.Justification = cdx.IAJCodeNotPresent
		case "vulnerable_code_not_in_execute_path", "code_not_reachable":
			a.Justification = cdx.IAJCodeNotReachable
		case "vulnerable_code_cannot_be_controlled_by_adversary", "inline_mitigations_already_exist", "protected_by_mitigating_control":
			a.Justification = cdx.IAJProtectedByMitigatingControl
		case "requires_configuration", "requires_dependency", "requires_environment", "protected_by_compiler", "protected_at_runtime", "protected_at_perimeter":
			a.Justification = cdx.ImpactAnalysisJustification(r.Justification)
		}
		v.Analysis = a
	}
	if k := m.KEV; k != nil {
		*v.Properties = append(*v.Properties,
			cdx.Property{Name: "mdcheck:kev:cve", Value: k.CVE},
			cdx.Property{Name: "mdcheck:kev:dateAdded", Value: k.DateAdded},
			cdx.Property{Name: "mdcheck:kev:knownRansomwareCampaignUse", Value: k.Ransomware})
		if k.DueDate != "" {
			*v.Properties = append(*v.Properties, cdx.Property{Name: "mdcheck:kev:dueDate", Value: k.DueDate})
		}
	}
	if e := m.EPSS; e != nil {
		*v.Properties = append(*v.Properties,
			cdx.Property{Name: "mdcheck:epss:cve", Value: e.CVE},
			cdx.Property{Name: "mdcheck:epss:score", Value: strconv.FormatFloat(e.Score, 'f', -1, 64)},
			cdx.Property{Name: "mdcheck:epss:percentile", Value: strconv.FormatFloat(e.Percentile, 'f', -1, 64)})
	}
	return v
}

// vulnSource names the database an ID comes from.
func vulnSource(id string) *cdx.Source {
	switch {
	case strings.HasPrefix(id, "CVE-"):
		return &cdx.Source{Name: "NVD", URL: "https://nvd.nist.gov/vuln/detail/" + id}
	case strings.HasPrefix(id, "GHSA-"):
		return &cdx.Source{Name: "GitHub", URL: "https://github.com/advisories/" + id}
	}
	return &cdx.Source{Name: "OSV", URL: "https://osv.dev/vulnerability/" + id}
}

func componentType(t string) cdx.ComponentType {
	switch t {
	case "application", "framework", "library", "container", "operating-system", "device", "firmware", "file", "platform", "device-driver", "machine-learning-model", "data", "cryptographic-asset":
		return cdx.ComponentType(t)
	}
	return cdx.ComponentTypeLibrary
}
