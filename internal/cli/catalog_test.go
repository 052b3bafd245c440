package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCatalogCommands(t *testing.T) {
	code, out, errs := run(t, "catalog", "list", "-f", "json")
	if code != ExitOK {
		t.Fatalf("catalog list = %d: %s", code, errs)
	}
	var list struct {
		Version      string `json:"version"`
		Requirements []struct {
			ID     string   `json:"id"`
			Rules  []string `json:"rules"`
			Manual *struct {
				Reason string `json:"reason"`
			} `json:"manual"`
		} `json:"requirements"`
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatal(err)
	}
	if list.Version == "" || len(list.Requirements) < 60 {
		t.Fatalf("catalog list: version %q, %d requirements", list.Version, len(list.Requirements))
	}
	for _, r := range list.Requirements {
		if (len(r.Rules) == 0) != (r.Manual != nil) {
			t.Errorf("%s: %d rules, manual %v: want exactly one way of deciding it", r.ID, len(r.Rules), r.Manual != nil)
		}
	}
	if code, out, _ := run(t, "catalog", "list"); code != ExitOK || !strings.Contains(out, "MDR.AI.18.8") {
		t.Errorf("catalog list table = %d", code)
	}
	if code, out, _ := run(t, "catalog", "show", "MDCG1916.3.3.EMRG"); code != ExitOK || !strings.Contains(out, "emergency/path-exists") {
		t.Errorf("catalog show requirement = %d\n%s", code, out)
	}
	if code, out, _ := run(t, "catalog", "show", "MDR.AI.1"); code != ExitOK || !strings.Contains(out, "Manual review:") {
		t.Errorf("catalog show manual requirement = %d\n%s", code, out)
	}
	if code, out, _ := run(t, "catalog", "show", "update/signed"); code != ExitOK || !strings.Contains(out, "Severity:     critical") {
		t.Errorf("catalog show rule = %d\n%s", code, out)
	}
	if code, _, errs := run(t, "catalog", "show", "MDR.AI.99"); code != ExitInput || !strings.Contains(errs, "no requirement or rule") {
		t.Errorf("catalog show unknown = %d %q", code, errs)
	}
	code, out, _ = run(t, "catalog", "export", "--format", "oscal", "--date", date)
	if code != ExitOK || !strings.Contains(out, `"oscal-version": "1.1.3"`) {
		t.Errorf("catalog export = %d", code)
	}
	golden, err := os.ReadFile(filepath.Join(repoRoot, "internal/oscal/testdata/golden/catalog.json"))
	if err != nil || string(golden) != out {
		t.Errorf("catalog export differs from the validated golden OSCAL catalog (internal/oscal/testdata/golden/catalog.json)")
	}
}

func TestCheckOSCAL(t *testing.T) {
	dir := t.TempDir()
	results := filepath.Join(dir, "results.json")
	plan := filepath.Join(dir, "plan.json")
	code, _, errs := run(t, "check", "--date", date, "-f", "oscal", "-o", results, "--oscal-plan", plan, "examples/pacemaker-system/device.yaml")
	if code != ExitOK {
		t.Fatalf("check -f oscal = %d: %s", code, errs)
	}
	r, err := os.ReadFile(results)
	if err != nil {
		t.Fatal(err)
	}
	p, err := os.ReadFile(plan)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(r), `"href": "plan.json"`) || !strings.Contains(string(p), `"assessment-plan"`) {
		t.Errorf("results do not import the plan written beside them")
	}
	if code, _, errs := run(t, "check", "--oscal-plan", plan, "examples/bp-monitor/device.yaml"); code != ExitInput || !strings.Contains(errs, "goes with --format oscal") {
		t.Errorf("--oscal-plan without --format oscal = %d %q", code, errs)
	}
}
