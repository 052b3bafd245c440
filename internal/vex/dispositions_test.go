package vex

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mdcheck/mdcheck/internal/model"
	"github.com/mdcheck/mdcheck/internal/vuln"
)

// TestFromDisposition: each decision becomes the VEX statement a
// manufacturer publishes, and the statement applies to a match as any
// VEX statement does.
func TestFromDisposition(t *testing.T) {
	pkgs := []string{"pkg:generic/openssl@3.0.1"}
	tests := []struct {
		d    model.Disposition
		want vuln.VEXStatement
	}{
		{model.Disposition{Vulnerability: " CVE-2024-0001 ", Decision: model.DecisionNotAffected, Justification: "vulnerable_code_not_in_execute_path", Analysis: "never called", Date: "2026-10-01"},
			vuln.VEXStatement{Vulnerability: "CVE-2024-0001", Packages: pkgs, Status: vuln.VEXNotAffected, Justification: "vulnerable_code_not_in_execute_path", Impact: "never called", Timestamp: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Source: "d.yaml:3:5"}},
		{model.Disposition{Vulnerability: "CVE-2024-0001", Decision: model.DecisionFix, FixVersion: "2.1", Due: "2027-01-31"},
			vuln.VEXStatement{Vulnerability: "CVE-2024-0001", Packages: pkgs, Status: vuln.VEXAffected, Action: "Update to release 2.1, available by 2027-01-31.", Source: "d.yaml:3:5"}},
		{model.Disposition{Vulnerability: "CVE-2024-0001", Decision: model.DecisionMitigate, Mitigation: "Disable BLE when unused."},
			vuln.VEXStatement{Vulnerability: "CVE-2024-0001", Packages: pkgs, Status: vuln.VEXAffected, Action: "Disable BLE when unused.", Source: "d.yaml:3:5"}},
		{model.Disposition{Vulnerability: "CVE-2024-0001", Decision: model.DecisionAccept, BenefitRisk: "Proximity only; therapy benefit outweighs it."},
			vuln.VEXStatement{Vulnerability: "CVE-2024-0001", Packages: pkgs, Status: vuln.VEXAffected, Action: "No action: the residual risk is accepted. Proximity only; therapy benefit outweighs it.", Source: "d.yaml:3:5"}},
	}
	for _, tc := range tests {
		got := FromDisposition(tc.d, pkgs, "d.yaml:3:5")
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.d.Decision, diff)
		}
	}
	ms := []vuln.Match{{ID: "CVE-2024-0001", Ref: "r1", Package: "openssl", Version: "3.0.1"}}
	Apply(ms, []vuln.Package{{Ref: "r1", Name: "openssl", Version: "3.0.1", PURL: pkgs[0]}}, []vuln.VEXStatement{FromDisposition(tests[0].d, pkgs, "d.yaml:3:5")})
	if ms[0].VEX == nil || !ms[0].VEX.Suppressed() {
		t.Errorf("a not-affected disposition's statement does not set the match aside: %+v", ms[0].VEX)
	}
}
