package rules

import (
	"slices"
	"strings"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/classify"
	"github.com/mdcheck/mdcheck/internal/model"
)

// Rules on the documents that back the model's claims. A model that lists
// no documents at all is unknown; one that lists documents but not the
// kind a rule needs fails it. A referenced document whose SHA-256 was
// verified is documented evidence, otherwise claimed.

func docCheck(in *catalog.Input, what string, kinds ...model.DocumentKind) []catalog.Result {
	if in.Device.Documents == nil {
		return []catalog.Result{unknown("device", "documents")}
	}
	paths := documents(in.Device, kinds...)
	if len(paths) == 0 {
		names := make([]string, len(kinds))
		for i, k := range kinds {
			names[i] = string(k)
		}
		return []catalog.Result{fail("device", "no "+what+" among the referenced documents (kinds: "+strings.Join(names, ", ")+")", in.Cite("documents", "no "+what))}
	}
	var ev []evidenceID
	for _, p := range paths {
		ev = append(ev, in.Cite(p, docTitle(in.Device, p)))
	}
	return []catalog.Result{pass("device", what+" referenced", ev...)}
}

func docTitle(d *model.Device, path string) string {
	for i := range d.Documents {
		if "documents["+itoa(i)+"]" == path {
			doc := d.Documents[i]
			if doc.Title != "" {
				return string(doc.Kind) + ": " + doc.Title
			}
			return string(doc.Kind) + ": " + doc.Path
		}
	}
	return path
}

var _ = register(catalog.Rule{
	ID:          "doc/ifu-security-section",
	Title:       "The IFU has a security section with the minimum IT requirements",
	Severity:    catalog.High,
	Refs:        []string{"MDR.AI.23.4ab", "MDR.AI.17.4", "MDCG1916.4.2", "MDCG1916.3.6", "MDCG1916.3.3.SGUD", "MDCG1916.3.1.SBD-8"},
	Rationale:   "MDR Annex I 23.4(ab) requires the IFU to state the minimum hardware, network and IT-security requirements of Section 17.4; MDCG 2019-16 §4.2 lists what belongs there.",
	Remediation: "Write the IFU security section (environment assumptions, minimum IT requirements, secure configuration, update steps) and reference it with kind ifu-security-section.",
	Check: func(in *catalog.Input) []catalog.Result {
		return docCheck(in, "IFU security section", "ifu-security-section")
	},
})

var _ = register(catalog.Rule{
	ID:          "doc/threat-model",
	Title:       "A threat model exists",
	Severity:    catalog.High,
	Refs:        []string{"MDCG1916.3.4", "IEC81001.7", "MDR.AI.17.2"},
	Rationale:   "MDCG 2019-16 §3.4: the security risk assessment starts from a threat model seen from the attacker's side.",
	Remediation: "Model threats per component and data flow (for example STRIDE per element) and reference the document with kind threat-model.",
	Check: func(in *catalog.Input) []catalog.Result {
		return docCheck(in, "threat model", "threat-model")
	},
})

var _ = register(catalog.Rule{
	ID:          "doc/security-risk-assessment",
	Title:       "Security risks are assessed inside the risk management file",
	Severity:    catalog.High,
	Refs:        []string{"MDR.AI.3", "MDCG1916.3.2", "IEC81001.4", "MDR.AI.17.2"},
	Rationale:   "MDR Annex I 17.2 names information-security risk management; MDCG 2019-16 §3.2 wants it in the same system as safety risk management.",
	Remediation: "Assess security risks (AAMI TIR57 style) and link the safety-relevant ones into the ISO 14971 file; reference it with kind security-risk-assessment or risk-management-file.",
	Check: func(in *catalog.Input) []catalog.Result {
		return docCheck(in, "security risk assessment", "security-risk-assessment", "risk-management-file")
	},
})

var _ = register(catalog.Rule{
	ID:          "doc/security-testing",
	Title:       "Security verification and validation is documented",
	Severity:    catalog.High,
	Refs:        []string{"MDCG1916.3.7", "MDCG1916.3.1.SBD-5", "IEC81001.5", "MDR.AI.17.2"},
	Rationale:   "MDCG 2019-16 §3.7 lists security feature testing, fuzzing, vulnerability scanning, penetration testing and code and library analysis.",
	Remediation: "Run and document security testing for each release and reference the report with kind security-test-report or penetration-test-report.",
	Check: func(in *catalog.Input) []catalog.Result {
		return docCheck(in, "security test report", "security-test-report", "penetration-test-report")
	},
})

var penTest = register(catalog.Rule{
	ID:          "doc/penetration-test",
	Title:       "Higher-risk devices are penetration-tested",
	Severity:    catalog.Medium,
	Refs:        []string{"MDCG1916.3.7", "IEC81001.5"},
	Rationale:   "For class IIb and III devices an independent attacker's view finds what the developers' own tests miss (IEC 81001-5-1 clause 5 asks for independence in penetration testing).",
	Remediation: "Have an independent team penetration-test the system and reference the report with kind penetration-test-report.",
	AppliesTo: func(in *catalog.Input) bool {
		c := in.Classification
		return c != nil && (c.Class >= classify.IIb || (!c.Decided && c.UpTo >= classify.IIb))
	},
	Check: func(in *catalog.Input) []catalog.Result {
		return docCheck(in, "penetration test report", "penetration-test-report")
	},
})

var hdoInformation = register(catalog.Rule{
	ID:          "doc/information-for-hospitals",
	Title:       "Hospitals get an MDS2 or security manual",
	Severity:    catalog.Medium,
	Refs:        []string{"MDCG1916.4.3", "MDCG1916.2.6", "NIS2.21.d"},
	Rationale:   "MDCG 2019-16 §2.6.2 and §4.3 name the MDS2 as the vehicle for the security information a hospital needs to run the device safely in its network.",
	Remediation: "Publish an MDS2 form and a security manual (ports, data flows, hardening, logs) and reference them.",
	AppliesTo: func(in *catalog.Input) bool {
		p := in.Device.IntendedPurpose
		if p == nil {
			return true
		}
		return slices.ContainsFunc(p.Environments, func(e model.Environment) bool {
			return e == "hospital" || e == "intensive-care" || e == "operating-theatre" || e == "clinic" || e == "emergency"
		}) || len(p.Environments) == 0
	},
	Check: func(in *catalog.Input) []catalog.Result {
		return docCheck(in, "MDS2 or security manual", "mds2", "security-manual")
	},
})

var pinnedDocuments = register(catalog.Rule{
	ID:          "doc/pinned-by-hash",
	Title:       "Referenced documents are pinned by SHA-256",
	Severity:    catalog.Low,
	Refs:        []string{"IEC81001.8"},
	Rationale:   "A reference without a hash cannot prove which version of a report was assessed; with one, mdcheck verifies the file and the evidence counts as documented rather than claimed.",
	Remediation: "Add the SHA-256 of each referenced document (documents[].sha256).",
	Check: func(in *catalog.Input) []catalog.Result {
		if in.Device.Documents == nil {
			return []catalog.Result{unknown("device", "documents")}
		}
		var out []catalog.Result
		for i, d := range in.Device.Documents {
			path := "documents[" + itoa(i) + "]"
			subj := "documents/" + string(d.Kind)
			if d.SHA256 != "" {
				out = append(out, pass(subj, "pinned", in.Cite(path+".sha256", d.SHA256)))
			} else {
				out = append(out, fail(subj, "no SHA-256: the assessed version cannot be proven", in.Cite(path, docTitle(in.Device, path))))
			}
		}
		return out
	},
})
