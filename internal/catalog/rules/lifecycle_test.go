package rules

import (
	"slices"
	"testing"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/classify"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/model"
)

func TestPlatformSupported(t *testing.T) {
	runRule(t, platformSupported, []ruleCase{
		{"supported", one("    platform: {os: Linux, endOfSupport: 2030-01-01}\n"), want{"main": pass_}},
		{"expired", one("    platform: {os: Windows 7, endOfSupport: 2020-01-14}\n"), want{"main": fail_}},
		{"ends today", one("    platform: {os: Linux, endOfSupport: 2026-11-29}\n"), want{"main": pass_}},
		{"not stated", one("    platform: {os: Linux}\n"), want{"main": unk}},
		{"no platform", one(""), want{"device": na}},
	})
}

func TestPlatformCoversDevice(t *testing.T) {
	runRule(t, platformCoversDevice, []ruleCase{
		{"outlasts", one("    platform: {os: Linux, endOfSupport: 2032-01-01}\nlifecycle: {endOfSupport: 2031-01-01}\n"), want{"main": pass_}},
		{"ends first", one("    platform: {os: Linux, endOfSupport: 2028-01-01}\nlifecycle: {endOfSupport: 2031-01-01}\n"), want{"main": fail_}},
		{"device date missing", one("    platform: {os: Linux, endOfSupport: 2028-01-01}\n"), want{"main": unk}},
		{"platform date missing", one("    platform: {os: Linux}\nlifecycle: {endOfSupport: 2031-01-01}\n"), want{"main": unk}},
	})
}

func TestEndOfSupport(t *testing.T) {
	runRule(t, endOfSupport, []ruleCase{
		{"future", one("lifecycle: {endOfSupport: 2031-01-01}\n"), want{"device": pass_}},
		{"past", one("lifecycle: {endOfSupport: 2025-01-01}\n"), want{"device": fail_}},
		{"not stated", one(""), want{"device": unk}},
	})
}

func TestSupportCoversLife(t *testing.T) {
	runRule(t, supportCoversLife, []ruleCase{
		{"covers", one("lifecycle: {endOfSupport: 2037-01-01, expectedServiceLifeYears: 10}\n"), want{"device": pass_}},
		{"short", one("lifecycle: {endOfSupport: 2028-01-01, expectedServiceLifeYears: 10}\n"), want{"device": fail_}},
		{"not stated", one("lifecycle: {endOfSupport: 2028-01-01}\n"), want{"device": unk}},
	})
}

func TestDisclosure(t *testing.T) {
	runRule(t, disclosure, []ruleCase{
		{"published", one("lifecycle: {vulnerabilityDisclosure: {published: true, url: https://x.example/security}}\n"), want{"device": pass_}},
		{"none", one("lifecycle: {vulnerabilityDisclosure: {published: false}}\n"), want{"device": fail_}},
		{"published nowhere", one("lifecycle: {vulnerabilityDisclosure: {published: true}}\n"), want{"device": unk}},
		{"not stated", one(""), want{"device": unk}},
	})
}

func TestPatchCadence(t *testing.T) {
	runRule(t, patchCadence, []ruleCase{
		{"quarterly", one("lifecycle: {patchCadenceDays: 90}\n"), want{"device": pass_}},
		{"yearly", one("lifecycle: {patchCadenceDays: 365}\n"), want{"device": fail_}},
		{"not stated", one(""), want{"device": unk}},
	})
}

func TestCriticalFix(t *testing.T) {
	runRule(t, criticalFix, []ruleCase{
		{"fast", one("lifecycle: {criticalPatchDays: 14}\n"), want{"device": pass_}},
		{"slow", one("lifecycle: {criticalPatchDays: 90}\n"), want{"device": fail_}},
		{"not stated", one(""), want{"device": unk}},
	})
}

func TestPMSCyber(t *testing.T) {
	runRule(t, pmsCyber, []ruleCase{
		{"covered", one("lifecycle: {pmsCoversCybersecurity: true}\n"), want{"device": pass_}},
		{"not covered", one("lifecycle: {pmsCoversCybersecurity: false}\n"), want{"device": fail_}},
		{"not stated", one(""), want{"device": unk}},
	})
}

// TestPlatformSupportedOperator: the healthcare provider's good practice
// (MDCG 2019-16 §2.5: patching among it) is a hospital's duty; a
// platform finding on a component the patient operates at home does not
// bear on it, one on a hospital workstation does.
func TestPlatformSupportedOperator(t *testing.T) {
	for kind, want := range map[string]bool{"home-monitor": false, "wearable": false, "workstation": true, "central-station": true} {
		dev, err := model.Parse("device.yaml", []byte(oneKind(kind, "    platform: {os: Debian, endOfSupport: 2020-01-01}\n")))
		if err != nil {
			t.Fatal(err)
		}
		cl, err := classify.Classify(dev)
		if err != nil {
			t.Fatal(err)
		}
		fs := catalog.Evaluate([]catalog.Rule{platformSupported}, &catalog.Input{Device: dev, Classification: cl, Evidence: evidence.NewSet(), Now: now})
		if len(fs) != 1 || fs[0].Status != catalog.Fail {
			t.Fatalf("%s: findings %+v", kind, fs)
		}
		if got := slices.Contains(fs[0].Requirements, "MDCG1916.2.5.HDO"); got != want {
			t.Errorf("%s: bears on the operator's requirement %v, want %v (%v)", kind, got, want, fs[0].Requirements)
		}
		if !slices.Contains(fs[0].Requirements, "MDCG1916.3.8") {
			t.Errorf("%s: lost the manufacturer's requirement: %v", kind, fs[0].Requirements)
		}
	}
}

func TestVigilanceReady(t *testing.T) {
	runRule(t, vigilanceReady, []ruleCase{
		{"declared", one("lifecycle:\n  vigilance: {contact: vigilance@acme.example, fieldSafetyNoticeChannel: customer portal and registered mail, coversCybersecurity: true}\n"), want{"device": pass_}},
		{"security codes", one("lifecycle:\n  vigilance: {contact: v@acme.example, fieldSafetyNoticeChannel: portal, coversCybersecurity: true, imdrfCodes: [A110502, C1007]}\n"), want{"device": pass_}},
		{"no security code", one("lifecycle:\n  vigilance: {contact: v@acme.example, fieldSafetyNoticeChannel: portal, coversCybersecurity: true, imdrfCodes: [A0701]}\n"), want{"device": fail_}},
		{"cyber incidents left out", one("lifecycle:\n  vigilance: {contact: vigilance@acme.example, fieldSafetyNoticeChannel: customer portal, coversCybersecurity: false}\n"), want{"device": fail_}},
		{"no notice channel", one("lifecycle:\n  vigilance: {contact: vigilance@acme.example, coversCybersecurity: true}\n"), want{"device": fail_}},
		{"cybersecurity not stated", one("lifecycle:\n  vigilance: {contact: vigilance@acme.example, fieldSafetyNoticeChannel: customer portal}\n"), want{"device": unk}},
		{"not declared", one(""), want{"device": unk}},
	})
}

func TestAdvisoriesMachineReadable(t *testing.T) {
	runRule(t, advisoriesMachineReadable, []ruleCase{
		{"csaf", one("lifecycle:\n  vulnerabilityDisclosure: {published: true, contact: psirt@acme.example, securityTxt: \"https://acme.example/.well-known/security.txt\", advisories: csaf}\n"), want{"device": pass_}},
		{"pdf", one("lifecycle:\n  vulnerabilityDisclosure: {published: true, contact: psirt@acme.example, advisories: other}\n"), want{"device": fail_}},
		{"none", one("lifecycle:\n  vulnerabilityDisclosure: {published: true, contact: psirt@acme.example, advisories: none}\n"), want{"device": fail_}},
		{"not stated", one("lifecycle:\n  vulnerabilityDisclosure: {published: true, contact: psirt@acme.example}\n"), want{"device": unk}},
		{"no disclosure", one(""), want{"device": unk}},
	})
}

func TestVigilanceDeadlines(t *testing.T) {
	v := func(days string) string {
		return one("") + "lifecycle:\n  vigilance: {contact: v@acme.example" + days + "}\n"
	}
	runRule(t, vigilanceDeadlines, []ruleCase{
		{"within", v(", reportingDays: {seriousIncident: 15, deathOrDeterioration: 10, publicHealthThreat: 2}"), want{"device": pass_}},
		{"sooner", v(", reportingDays: {seriousIncident: 7, deathOrDeterioration: 5, publicHealthThreat: 1}"), want{"device": pass_}},
		{"too late", v(", reportingDays: {seriousIncident: 30, deathOrDeterioration: 10, publicHealthThreat: 2}"), want{"device": fail_}},
		{"one too late, one unstated", v(", reportingDays: {seriousIncident: 15, publicHealthThreat: 3}"), want{"device": fail_}},
		{"one unstated", v(", reportingDays: {seriousIncident: 15, deathOrDeterioration: 10}"), want{"device": unk}},
		{"not stated", v(""), want{"device": unk}},
	})
}

func TestVulnerabilityIntake(t *testing.T) {
	in := func(body string) string {
		return one("") + "lifecycle:\n  vulnerabilityDisclosure: {published: true" + body + "}\n"
	}
	runRule(t, vulnerabilityIntake, []ruleCase{
		{"documented", in(", intake: {documented: true, acknowledgeDays: 3, triageDays: 10}"), want{"device": pass_}},
		{"undocumented", in(", intake: {documented: false}"), want{"device": fail_}},
		{"triaged before acknowledged", in(", intake: {documented: true, acknowledgeDays: 20, triageDays: 10}"), want{"device": fail_}},
		{"no times", in(", intake: {documented: true}"), want{"device": unk}},
		{"not stated", in(""), want{"device": unk}},
	})
}
