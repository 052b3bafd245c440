package rules

import "testing"

func TestDocumentRules(t *testing.T) {
	const sha = "0000000000000000000000000000000000000000000000000000000000000000"
	for _, tc := range []struct {
		r    string
		kind string
	}{
		{"doc/ifu-security-section", "ifu-security-section"},
		{"doc/threat-model", "threat-model"},
		{"doc/security-risk-assessment", "risk-management-file"},
		{"doc/security-testing", "security-test-report"},
		{"doc/information-for-hospitals", "mds2"},
	} {
		t.Run(tc.r, func(t *testing.T) {
			runRule(t, registry[tc.r], []ruleCase{
				{"referenced", one("documents: [{kind: " + tc.kind + ", title: T}]\n"), want{"device": pass_}},
				{"missing", one("documents: [{kind: other, title: T}]\n"), want{"device": fail_}},
				{"no documents listed", one(""), want{"device": unk}},
			})
		})
	}
	implant := "    classification: {invasiveness: implantable, duration: long-term, active: true}\n"
	runRule(t, penTest, []ruleCase{
		{"class III tested", oneKind("implant", implant+"documents: [{kind: penetration-test-report}]\n"), want{"device": pass_}},
		{"class III untested", oneKind("implant", implant+"documents: [{kind: security-test-report}]\n"), want{"device": fail_}},
		{"class III no documents", oneKind("implant", implant), want{"device": unk}},
		{"class I software", oneKind("standalone-software", "    classification: {decisionSupport: none, monitorsPhysiology: none, diagnostic: {imagesRadiopharmaceuticals: false, vitalProcesses: none}, closedLoop: false, contraceptionOrSTIPrevention: false, measuringFunction: false}\ndocuments: [{kind: other}]\n"), want{"device": na}},
	})
	runRule(t, hdoInformation, []ruleCase{
		{"home use only", one("intendedPurpose: {environments: [home]}\ndocuments: []\n"), want{"device": na}},
	})
	runRule(t, pinnedDocuments, []ruleCase{
		{"pinned", one("documents: [{kind: threat-model, sha256: " + sha + "}]\n"), want{"documents/threat-model": pass_}},
		{"unpinned", one("documents: [{kind: threat-model}]\n"), want{"documents/threat-model": fail_}},
		{"no documents listed", one(""), want{"device": unk}},
	})
}
