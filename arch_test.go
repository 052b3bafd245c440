package mdcheck

import (
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/mdcheck/mdcheck"

// allowed lists, for each package, the project packages it may import.
// Imports point one way: model <- evidence <- catalog <- report; readers
// (sbom, mds2, vuln, probe) import only model and evidence; assess wires
// them; only cli and server import assess and store. A new package must be
// added here, which makes its place in the layout a reviewed decision.
var allowed = map[string][]string{
	"":                           {},
	"cmd/mdcheck":                {"internal/cli"},
	"internal/model":             {"internal/yamlsafe"},
	"internal/yamlsafe":          {},
	"internal/classify":          {"internal/model"},
	"internal/cli":               {"internal/app", "internal/render", "internal/atomicfile", "internal/catalog", "internal/feeds"},
	"internal/app":               {"internal/model", "internal/evidence", "internal/classify", "internal/catalog", "internal/catalog/rules", "internal/report", "internal/policy", "internal/sbom", "internal/vuln", "internal/vuln/snapshot", "internal/advisory", "internal/feeds", "internal/mds2", "internal/mds2/hn2019", "internal/mds2/crosswalk", "internal/boundedio"},
	"internal/render":            {"internal/app", "internal/model", "internal/classify", "internal/catalog", "internal/report", "internal/oscal", "internal/sbom", "internal/vuln", "internal/advisory", "internal/mds2", "internal/mds2/hn2019"},
	"internal/vuln":              {"internal/model", "internal/evidence", "internal/jsonsafe", "internal/advisory"},
	"internal/sbom":              {"internal/model", "internal/evidence", "internal/jsonsafe"},
	"internal/jsonsafe":          {},
	"internal/boundedio":         {},
	"internal/mds2":              {"internal/mds2/hn2019"},
	"internal/mds2/hn2019":       {},
	"internal/mds2/crosswalk":    {"internal/model", "internal/evidence", "internal/mds2/hn2019"},
	"internal/advisory":          {"internal/jsonsafe"},
	"internal/feeds":             {"internal/vuln", "internal/atomicfile", "internal/boundedio"},
	"internal/atomicfile":        {},
	"internal/testutil/website":  {},
	"internal/vuln/snapshot":     {"internal/vuln", "internal/atomicfile"},
	"internal/vuln/snapshot/gen": {"internal/vuln/snapshot"},
	"internal/report":            {"internal/model", "internal/evidence", "internal/classify", "internal/catalog"},
	"internal/policy":            {"internal/model", "internal/evidence", "internal/classify", "internal/catalog", "internal/yamlsafe"},
	"internal/oscal":             {"internal/evidence", "internal/catalog", "internal/report"},
	"internal/evidence":          {"internal/model", "internal/mds2/hn2019"},
	"internal/catalog":           {"internal/model", "internal/evidence", "internal/classify", "internal/yamlsafe"},
	"internal/catalog/rules":     {"internal/model", "internal/evidence", "internal/classify", "internal/catalog", "internal/mds2/hn2019", "internal/mds2/crosswalk"},
	"internal/catalog/gendocs":   {"internal/catalog", "internal/catalog/rules"},
	"internal/testutil/golden":   {},
	"internal/testutil/hostile":  {},
}

// pure packages must not reach the network, a database or other
// processes: their results are functions of their inputs.
var pure = []string{"internal/mds2/hn2019", "internal/mds2/crosswalk", "internal/sbom", "internal/yamlsafe", "internal/jsonsafe", "internal/model", "internal/classify", "internal/evidence", "internal/catalog", "internal/catalog/rules", "internal/report"}

var impure = []string{"net", "net/http", "database/sql", "os/exec", "plugin"}

type pkg struct {
	ImportPath string
	Name       string
	Dir        string
	GoFiles    []string
	Imports    []string
	Deps       []string
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	out, err := exec.Command("go", "list", "-json", "./...").Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func rel(path string) string {
	return strings.TrimPrefix(strings.TrimPrefix(path, module), "/")
}

func TestImportDirection(t *testing.T) {
	for _, p := range listPackages(t) {
		name := rel(p.ImportPath)
		ok, known := allowed[name]
		if !known {
			t.Errorf("package %q is not in the import table of arch_test.go; add it with the packages it may import", name)
			continue
		}
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module+"/") {
				continue
			}
			if r := rel(imp); !slices.Contains(ok, r) {
				t.Errorf("%s imports %s, which the layout forbids (allowed: %v)", name, r, ok)
			}
		}
		if slices.Contains(pure, name) {
			for _, dep := range p.Deps {
				if slices.Contains(impure, dep) {
					t.Errorf("%s depends on %s; it must stay free of network, database and process access", name, dep)
				}
			}
		}
	}
}
