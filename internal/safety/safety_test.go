package safety

import (
	"strings"
	"testing"

	"github.com/mdcheck/mdcheck/internal/classify"
	"github.com/mdcheck/mdcheck/internal/model"
	"github.com/mdcheck/mdcheck/internal/vuln"
)

func TestPatientSafety(t *testing.T) {
	yes := true
	iface := func(e string, therapy bool) model.Interface {
		in := model.Interface{ID: "i", Kind: "wired-network", Exposure: model.Exposure(e)}
		if therapy {
			in.ChangesTherapy = &yes
		}
		return in
	}
	critical := vuln.Match{Package: "openssl", Version: "1.1.1k", CVSS: []string{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}} // 9.8
	medium := vuln.Match{Package: "zlib", Version: "1.2.11", CVSS: []string{"CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:L"}}      // 5.0
	physical := vuln.Match{Package: "u-boot", Version: "2020.01", CVSS: []string{"CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}} // 6.8
	therapyFacts := &model.Facts{TherapeuticEnergy: "hazardous"}
	monitorDanger := &model.Facts{Monitoring: "vital-parameters-immediate-danger"}
	monitor := &model.Facts{Diagnostic: &model.Diagnostic{VitalProcesses: "direct-diagnosis-or-monitoring"}}
	none := &model.Facts{DecisionSupport: "none"}

	for _, tt := range []struct {
		name  string
		m     vuln.Match
		c     model.Component
		class string
		level string
		score float64
		says  string
	}{
		// One row per exposure, for a therapy component and a critical flaw.
		{"internet, therapy", critical, model.Component{Name: "pump", Role: "device", Interfaces: []model.Interface{iface("internet", true)}}, "", "critical", 9.8, "reachable from the internet, which can change therapy"},
		{"hospital network, therapy", critical, model.Component{Name: "pump", Role: "device", Interfaces: []model.Interface{iface("hospital-network", true)}}, "", "critical", 8.8, "the hospital network"},
		{"home network, therapy", critical, model.Component{Name: "pump", Role: "device", Interfaces: []model.Interface{iface("home-network", true)}}, "", "critical", 8.8, "the patient's home network"},
		{"proximity, therapy", critical, model.Component{Name: "implant", Role: "device", Interfaces: []model.Interface{iface("proximity", true)}}, "", "high", 7.4, "close by (radio range)"},
		{"physical, therapy", critical, model.Component{Name: "implant", Role: "device", Interfaces: []model.Interface{iface("physical", true)}}, "", "medium", 5.4, "physical access only"},
		// One row per clinical function, reachable from the hospital network.
		{"therapy by facts", critical, model.Component{Name: "pump", Role: "device", Classification: therapyFacts, Interfaces: []model.Interface{iface("hospital-network", false)}}, "", "critical", 8.8, "delivers or controls therapy"},
		{"monitoring, immediate danger", critical, model.Component{Name: "monitor", Role: "device", Classification: monitorDanger, Interfaces: []model.Interface{iface("hospital-network", false)}}, "", "high", 7.9, "immediate danger"},
		{"diagnosis or monitoring", critical, model.Component{Name: "monitor", Role: "device", Classification: monitor, Interfaces: []model.Interface{iface("hospital-network", false)}}, "", "high", 6.6, "diagnoses, monitors or treats"},
		{"controls or monitors another device (Rules 9, 10)", critical, model.Component{Name: "home monitor", Role: "device", Classification: &model.Facts{Controls: []string{"implant"}}, Interfaces: []model.Interface{iface("hospital-network", false)}}, "", "high", 7.9, "which controls or monitors the performance of implant"},
		{"no clinical function declared", critical, model.Component{Name: "viewer", Role: "device", Classification: none, Interfaces: []model.Interface{iface("hospital-network", false)}}, "", "medium", 4.9, "no therapy, diagnosis or monitoring function declared"},
		{"non-device", critical, model.Component{Name: "reporting", Role: "non-device", Classification: none, Interfaces: []model.Interface{iface("hospital-network", false)}}, "", "medium", 3.5, "no clinical function"},
		// Class III raises an undeclared or minor function.
		{"class III", critical, model.Component{Name: "viewer", Role: "device", Classification: none, Interfaces: []model.Interface{iface("hospital-network", false)}}, "III", "high", 7.9, "with no therapy, diagnosis or monitoring function declared (class III)"},
		// A medium flaw in the pump, and what known exploitation adds.
		{"medium flaw, therapy", medium, model.Component{Name: "pump", Role: "device", Interfaces: []model.Interface{iface("hospital-network", true)}}, "", "medium", 4.5, "a medium flaw (CVSS 5.0) in zlib 1.2.11"},
		{"medium flaw, therapy, KEV", vuln.Match{Package: "zlib", Version: "1.2.11", CVSS: medium.CVSS, KEV: &vuln.KEV{DateAdded: "2024-01-02"}}, model.Component{Name: "pump", Role: "device", Interfaces: []model.Interface{iface("hospital-network", true)}}, "", "high", 4.5, "exploited in the wild (CISA KEV since 2024-01-02)"},
		// A flaw that needs physical access, on a networked component.
		{"attack vector physical", physical, model.Component{Name: "pump", Role: "device", Interfaces: []model.Interface{iface("internet", true)}}, "", "medium", 3.7, "but exploitable only with physical access"},
		// What is not declared is not taken as harmless.
		{"interfaces not declared", critical, model.Component{Name: "gateway", Role: "device"}, "", "critical", 8.8, "interfaces are not declared (taken as reachable from the internet), whose clinical function is not declared"},
		{"no CVSS, no rating", vuln.Match{Package: "fw", Version: "1"}, model.Component{Name: "pump", Role: "device", Interfaces: []model.Interface{iface("hospital-network", true)}}, "", "high", 7.2, "a flaw of unknown severity (taken as high)"},
		// CVSS 4.0 saying exploitation can harm safety.
		{"CVSS 4.0 safety", vuln.Match{Package: "rtos", Version: "10", CVSS: []string{"CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:N/VI:H/VA:H/SC:N/SI:N/SA:N/S:P"}}, model.Component{Name: "monitor", Role: "device", Classification: monitor, Interfaces: []model.Interface{iface("hospital-network", false)}}, "", "high", 6.5, "can harm safety"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			class, _ := classify.ParseClass(tt.class)
			got := Weigh(tt.m, &tt.c, class)
			if got.Level.String() != tt.level || tt.score != 0 && got.Score != tt.score || !strings.Contains(got.Reason, tt.says) {
				t.Errorf("Weigh = %s %.1f (%.1f × %.2f × %.2f): %q; want %s %.1f saying %q", got.Level, got.Score, got.Technical, got.Reach, got.Function, got.Reason, tt.level, tt.score, tt.says)
			}
			word := got.Level.String()
			if !strings.HasPrefix(got.Reason, strings.ToUpper(word[:1])+word[1:]+": ") || !strings.HasSuffix(got.Reason, ".") {
				t.Errorf("reason %q is not one sentence starting with the level", got.Reason)
			}
		})
	}
}
