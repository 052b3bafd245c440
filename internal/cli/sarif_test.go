package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gocsaf "github.com/gocsaf/csaf/v3/csaf"

	"github.com/mdcheck/mdcheck/internal/testutil/golden"
	"github.com/mdcheck/mdcheck/internal/testutil/schematest"
	"github.com/mdcheck/mdcheck/internal/vex"
)

// TestCheckSARIF: check -f sarif is valid SARIF 2.1.0 (the OASIS schema),
// each failing or unknown finding a result of its rule, located in the
// device model by line and column, findings set aside marked suppressed.
func TestCheckSARIF(t *testing.T) {
	schemaData, err := os.ReadFile(filepath.Join(repoRoot, "internal/sarif/testdata/sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	schema := schematest.Compile(t, "sarif-2.1.0", schemaData)
	for _, name := range []string{"infusion-pump", "pacemaker-system"} {
		code, out, errs := run(t, "check", "--date", date, "--no-vulns", "-f", "sarif", "examples/"+name+"/device.yaml")
		if code != ExitOK {
			t.Fatalf("%s: exit %d\n%s", name, code, errs)
		}
		schematest.Check(t, schema, name+" SARIF", []byte(out))
		golden.Check(t, "sarif-"+name+".json", []byte(out))
		var doc struct {
			Runs []struct {
				Tool struct {
					Driver struct {
						Rules []struct{ ID string }
					}
				}
				Results []struct {
					RuleID    string
					RuleIndex int
					Kind      string
					Level     string
					Locations []struct {
						PhysicalLocation struct {
							ArtifactLocation struct{ URI string }
							Region           *struct{ StartLine, StartColumn int }
						}
					}
					PartialFingerprints map[string]string
					Suppressions        []struct{ Kind, Justification string }
				}
			}
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Runs) != 1 {
			t.Fatalf("%s: %v", name, err)
		}
		r := doc.Runs[0]
		located := 0
		for _, res := range r.Results {
			if res.RuleIndex >= len(r.Tool.Driver.Rules) || r.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
				t.Errorf("%s: result of %s points at rule %d", name, res.RuleID, res.RuleIndex)
			}
			if res.PartialFingerprints["mdcheckFinding/v1"] == "" || (res.Kind != "fail" && res.Kind != "review") {
				t.Errorf("%s: result %+v", name, res)
			}
			for _, l := range res.Locations {
				if l.PhysicalLocation.ArtifactLocation.URI == "examples/"+name+"/device.yaml" && l.PhysicalLocation.Region != nil && l.PhysicalLocation.Region.StartLine > 0 {
					located++
				}
			}
		}
		if len(r.Results) == 0 || located == 0 {
			t.Errorf("%s: %d results, %d located in the model", name, len(r.Results), located)
		}
		if name == "infusion-pump" && !strings.Contains(out, `"ruleId": "net/no-cleartext-protocols"`) {
			t.Errorf("%s: no result of net/no-cleartext-protocols", name)
		}
	}
	// With the vulnerabilities matched, the disposed ones are results
	// suppressed by their disposition.
	code, out, errs := run(t, "check", "--date", date, "-f", "sarif", "examples/pacemaker-system/device.yaml")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	schematest.Check(t, schema, "pacemaker SARIF with vulnerabilities", []byte(out))
	if !strings.Contains(out, `"justification": "disposition: not affected (vulnerable_code_not_in_execute_path)"`) || !strings.Contains(out, `"kind": "external"`) {
		t.Errorf("no suppression by disposition:\n%.2000s", out)
	}
}

// TestScanSARIF: scan -f sarif is valid SARIF 2.1.0, a result per match
// in its SBOM file, a VEX not-affected match suppressed.
func TestScanSARIF(t *testing.T) {
	schemaData, err := os.ReadFile(filepath.Join(repoRoot, "internal/sarif/testdata/sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	schema := schematest.Compile(t, "sarif-2.1.0", schemaData)
	db := importCurated(t)
	dir := t.TempDir()
	sbomFile := jwtSBOM(t, dir)
	vexFile := filepath.Join(dir, "app.openvex.json")
	os.WriteFile(vexFile, []byte(`{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/1", "author": "Example Medical",
 "timestamp": "2026-01-01T00:00:00Z", "version": 1,
 "statements": [{"vulnerability": {"name": "CVE-2022-23529"}, "products": [{"@id": "pkg:npm/jsonwebtoken@0.4.0"}],
  "status": "not_affected", "justification": "inline_mitigations_already_exist"}]}`), 0o600)
	code, out, errs := run(t, "scan", "--db", db, "--max-db-age", "0", "--vex", vexFile, "-f", "sarif", sbomFile)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	schematest.Check(t, schema, "scan SARIF", []byte(out))
	var doc struct {
		Runs []struct {
			Results []struct {
				RuleID       string
				Suppressions []struct{ Justification string }
				Locations    []struct {
					PhysicalLocation struct{ ArtifactLocation struct{ URI string } }
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Runs) != 1 || len(doc.Runs[0].Results) != 2 {
		t.Fatalf("results: %v\n%s", err, out)
	}
	suppressed := 0
	for _, r := range doc.Runs[0].Results {
		if len(r.Locations) != 1 || !strings.HasSuffix(r.Locations[0].PhysicalLocation.ArtifactLocation.URI, "app.cdx.json") {
			t.Errorf("%s located at %+v", r.RuleID, r.Locations)
		}
		if len(r.Suppressions) == 1 && strings.Contains(r.Suppressions[0].Justification, "inline_mitigations_already_exist") {
			suppressed++
		}
	}
	if suppressed != 1 {
		t.Errorf("%d results suppressed by VEX, want 1:\n%s", suppressed, out)
	}
}

// TestScanVEXOut: scan writes OpenVEX and CSAF VEX; with the device
// model, its dispositions decide, as in check; the CSAF output is valid
// against the full schema.
func TestScanVEXOut(t *testing.T) {
	code, out, errs := run(t, "scan", "--device", "examples/pacemaker-system/device.yaml", "-f", "openvex")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	file := filepath.Join(t.TempDir(), "scan.openvex.json")
	os.WriteFile(file, []byte(out), 0o600)
	stmts, err := vex.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, s := range stmts {
		status[s.Vulnerability] = s.Status
	}
	if status["CVE-2022-2097"] != "not_affected" || status["CVE-2023-38545"] != "affected" || status["GHSA-xvch-5gv4-984h"] != "under_investigation" {
		t.Errorf("statuses: %v", status)
	}
	if !strings.Contains(out, `"author": "Corvita Medical GmbH"`) || !strings.Contains(out, `"role": "manufacturer"`) {
		t.Errorf("a device scan's VEX is the manufacturer's:\n%.600s", out)
	}
	db := importCurated(t)
	code, out, errs = run(t, "scan", "--db", db, "--max-db-age", "0", "-f", "csaf-vex", jwtSBOM(t, t.TempDir()))
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	var generic any
	if err := json.Unmarshal([]byte(out), &generic); err != nil {
		t.Fatal(err)
	}
	if problems, err := gocsaf.ValidateCSAF(generic); err != nil || len(problems) > 0 {
		t.Errorf("CSAF schema: %v %v", err, problems)
	}
	if !strings.Contains(out, `"category": "user"`) || !strings.Contains(out, `"under_investigation"`) {
		t.Errorf("scan CSAF VEX:\n%.800s", out)
	}
}
