package cli

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/mdcheck/mdcheck/internal/render"
	"github.com/mdcheck/mdcheck/internal/testutil/schematest"
)

// TestJSONOutputsMatchSchemas runs every command that writes JSON, on the
// examples and test data, and holds each output to its published schema
// (docs/schemas); so is every golden JSON file.
func TestJSONOutputsMatchSchemas(t *testing.T) {
	db := importCurated(t)
	dir := t.TempDir()
	inv := filepath.Join(dir, "inventory.csv")
	invalid := filepath.Join(dir, "invalid.yaml")
	for f, data := range map[string]string{
		inv:     "vendor,product,version,site\nBD,Alaris PC Unit Model 8015,9.33.1,Ward 5\nAcme,Widget,1.0,\n",
		invalid: "apiVersion: mdcheck.dev/v1\nkind: Device\nidentity: {manufacturer: A, product: B}\ncomponents: [{id: a, nme: a, kind: gateway, role: device}]\n",
	} {
		if err := os.WriteFile(f, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	probed := strconv.Itoa(sshLike(t))
	runs := []struct {
		schema string
		code   int
		args   []string
	}{
		{"check", ExitOK, []string{"check", "--date", date, "--no-vulns", "-f", "json", "examples/insulin-pump/device.yaml"}},
		{"check", ExitOK, []string{"check", "--date", date, "--db", db, "--max-db-age", "0", "-f", "json", "--vex", "examples/pacemaker-system/vex/home-monitor.openvex.json", "examples/pacemaker-system/device.yaml"}},
		{"check", ExitOK, []string{"check", "--date", date, "--profile", "hospital", "--no-vulns", "-f", "json", "--mds2", "internal/mds2/testdata/synthetic-openpyxl-full.xlsx"}},
		{"classify", ExitOK, []string{"classify", "-f", "json", "examples/pacemaker-system/device.yaml"}},
		{"sbom", ExitOK, []string{"sbom", "-f", "json", "examples/pacemaker-system/sbom/portal-frontend.cdx.json", "examples/pacemaker-system/sbom/home-monitor.spdx.json"}},
		{"scan", ExitOK, []string{"scan", "--db", db, "--max-db-age", "0", "-f", "json", "--device", "examples/pacemaker-system/device.yaml"}},
		{"inventory-match", ExitOK, []string{"inventory", "match", "-f", "json", inv}},
		{"mds2-import", ExitOK, []string{"mds2", "import", "-f", "json", "internal/mds2/testdata/synthetic-openpyxl-full.xlsx"}},
		{"db-status", ExitOK, []string{"db", "status", "-f", "json", "--db", db}},
		{"db-status", ExitOK, []string{"db", "status", "-f", "json"}},
		{"catalog-list", ExitOK, []string{"catalog", "list", "-f", "json"}},
		{"catalog-show", ExitOK, []string{"catalog", "show", "-f", "json", "MDR.AI.17.2"}},
		{"catalog-show", ExitOK, []string{"catalog", "show", "-f", "json", "vuln/known-vulnerabilities"}},
		{"ifu", ExitOK, []string{"ifu", "-f", "json", "examples/pacemaker-system/device.yaml"}},
		{"threats", ExitOK, []string{"threats", "-f", "json", "examples/pacemaker-system/device.yaml"}},
		{"probe", ExitOK, []string{"probe", "-f", "json", "--scope", "127.0.0.1", "--ports", probed, "--timeout", "1s", "127.0.0.1", "192.0.2.1"}},
		{"validate", ExitOK, []string{"validate", "-f", "json", "examples/insulin-pump/device.yaml"}},
		{"validate", ExitInput, []string{"validate", "-f", "json", "examples/bp-monitor/device.yaml", invalid}},
	}
	schemas := map[string]bool{}
	for _, r := range runs {
		schemas[r.schema] = true
		code, out, errs := run(t, r.args...)
		if code != r.code {
			t.Errorf("%s: exit %d, want %d\n%s", strings.Join(r.args, " "), code, r.code, errs)
			continue
		}
		schematest.Check(t, compiled(t, r.schema), strings.Join(r.args, " "), []byte(out))
	}
	for _, c := range render.Contracts() {
		if !schemas[c.Name] {
			t.Errorf("no command writes the %s output in this test", c.Name)
		}
	}
	goldens, _ := filepath.Glob(filepath.Join(repoRoot, "internal/cli/testdata/golden/*.json"))
	if len(goldens) == 0 {
		t.Fatal("no golden JSON files")
	}
	// A golden file that holds a digest of an output, not the output.
	digests := map[string]bool{"check-pacemaker-system-vulns.json": true}
	for _, g := range goldens {
		if digests[filepath.Base(g)] {
			continue
		}
		data, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		schema := "classify"
		switch base := filepath.Base(g); {
		case strings.HasPrefix(base, "check-"):
			schema = "check"
		case strings.HasPrefix(base, "openvex-"):
			continue // OpenVEX's own format: read back with go-vex in TestCheckVulnerabilitiesGolden
		case strings.HasPrefix(base, "csafvex-"):
			continue // CSAF's own format: validated with gocsaf in TestCheckVulnerabilitiesGolden
		case strings.HasPrefix(base, "sarif-"):
			continue // SARIF: validated against the OASIS schema in TestCheckSARIF
		case strings.HasPrefix(base, "scan-") && strings.Count(base, ".") > 1:
			continue // the scan's CSAF, OpenVEX and CycloneDX: validated in TestScanGolden
		case strings.HasPrefix(base, "scan-"):
			schema = "scan"
		case strings.HasPrefix(base, "mds2-"):
			schema = "mds2-import"
		case strings.HasPrefix(base, "threats-"):
			schema = "threats"
		}
		schematest.Check(t, compiled(t, schema), g, data)
	}
}

// compiled compiles an output's schema.
func compiled(t *testing.T, name string) *jsonschema.Schema {
	t.Helper()
	data, ok := render.Schema(name)
	if !ok {
		t.Fatalf("no schema %q", name)
	}
	return schematest.Compile(t, name, data)
}
