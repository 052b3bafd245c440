package rules

import "testing"

func TestSBOMPresent(t *testing.T) {
	runRule(t, sbomPresent, []ruleCase{
		{"referenced", one("    sbom: fw.cdx.json\n    classification: {active: true}\n"), want{"main": pass_}},
		{"none maintained", one("    classification: {active: true}\nlifecycle: {sbomMaintained: false}\n"), want{"main": fail_}},
		{"not stated", one("    classification: {active: true}\n"), want{"main": unk}},
		{"passive", one("    classification: {active: false}\n"), want{"device": na}},
	})
}

func TestSBOMMaintained(t *testing.T) {
	runRule(t, sbomMaintained, []ruleCase{
		{"yes", one("lifecycle: {sbomMaintained: true}\n"), want{"device": pass_}},
		{"no", one("lifecycle: {sbomMaintained: false}\n"), want{"device": fail_}},
		{"not stated", one(""), want{"device": unk}},
	})
}
