package report

import (
	"testing"

	"github.com/mdcheck/mdcheck/internal/catalog"
)

func TestAggregate(t *testing.T) {
	req := catalog.Requirement{ID: "R"}
	waived := &catalog.Waiver{Finding: "x", Expires: "2027-01-01"}
	expired := &catalog.Waiver{Finding: "x", Expires: "2026-01-01", Expired: true}
	tests := []struct {
		name     string
		findings []catalog.Finding
		status   string
		waived   bool
		strength string
	}{
		{"no findings", nil, NotApplicable, false, ""},
		{"all not applicable", []catalog.Finding{{ID: "a", Status: catalog.NotApplicable}}, NotApplicable, false, ""},
		{"pass on claims", []catalog.Finding{{ID: "a", Status: catalog.Pass, Strength: "claimed"}}, Met, false, "claimed"},
		{"weakest strength wins", []catalog.Finding{{ID: "a", Status: catalog.Pass, Strength: "documented"}, {ID: "b", Status: catalog.Pass, Strength: "claimed"}}, Met, false, "claimed"},
		{"unknown is never met", []catalog.Finding{{ID: "a", Status: catalog.Pass}, {ID: "b", Status: catalog.Unknown}}, Unproven, false, ""},
		{"error is never met", []catalog.Finding{{ID: "a", Status: catalog.Pass}, {ID: "b", Status: catalog.Error}}, Unproven, false, ""},
		{"fail beats unknown", []catalog.Finding{{ID: "a", Status: catalog.Fail}, {ID: "b", Status: catalog.Unknown}}, Missed, false, ""},
		{"waived fail", []catalog.Finding{{ID: "a", Status: catalog.Pass, Strength: "claimed"}, {ID: "b", Status: catalog.Fail, Waiver: waived}}, Met, true, "claimed"},
		{"expired waiver", []catalog.Finding{{ID: "b", Status: catalog.Fail, Waiver: expired}}, Missed, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ptrs []*catalog.Finding
			for i := range tt.findings {
				ptrs = append(ptrs, &tt.findings[i])
			}
			got := aggregate(req, ptrs)
			if got.Status != tt.status || got.Waived != tt.waived || got.Strength != tt.strength {
				t.Errorf("aggregate = %s waived=%v strength=%q, want %s waived=%v strength=%q", got.Status, got.Waived, got.Strength, tt.status, tt.waived, tt.strength)
			}
		})
	}
	manual := aggregate(catalog.Requirement{ID: "M", Manual: &catalog.Manual{Reason: "r", LookFor: "l"}}, nil)
	if manual.Status != Manual {
		t.Errorf("manual requirement = %s", manual.Status)
	}
}
