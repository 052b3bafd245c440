package mdcheck

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/mdcheck/mdcheck"

// The layers, from the top: entry points (the command line, later the
// server) parse what a user says, call the core and hand its results to
// a renderer; the renderers turn results into formats; the core
// (internal/app) holds every use case; the domain packages hold the
// regulation, the device model, the evidence and the vulnerability data;
// leaf utilities know nothing of the domain. Imports only point down, or
// sideways inside the domain where the table below allows it.
var layers = map[string]int{"entry": 4, "render": 3, "core": 2, "domain": 1, "leaf": 0}

// allowed lists, for each package, its layer and the project packages it
// may import. A new package must be added here, which makes its place in
// the layout a reviewed decision.
var allowed = map[string]struct {
	layer   string
	imports []string
}{
	"":            {"entry", nil},
	"cmd/mdcheck": {"entry", []string{"internal/cli"}},
	"bench/large": {"domain", []string{"internal/testutil/large"}},
	"bench/fleet": {"entry", []string{"internal/app", "internal/fleetapp", "internal/server", "internal/testutil/shareddata"}},
	"bench/scale": {"entry", []string{"internal/app", "internal/fleetapp", "internal/testutil/shareddata"}},
	// The command line reaches the domain only through the core.
	"internal/cli":      {"entry", []string{"internal/app", "internal/render", "internal/atomicfile", "internal/server", "internal/probecmd"}},
	"internal/probecmd": {"entry", []string{"internal/app", "internal/render", "internal/atomicfile"}},
	"internal/render":   {"render", []string{"internal/app", "internal/severity", "internal/evidence", "internal/model", "internal/classify", "internal/catalog", "internal/report", "internal/oscal", "internal/sbom", "internal/vuln", "internal/vuln/store", "internal/advisory", "internal/mds2", "internal/mds2/hn2019", "internal/ifu", "internal/inventory", "internal/platform", "internal/vexout", "internal/sarif", "internal/htmlreport", "internal/browser", "internal/atomicfile", "internal/gspr", "internal/threat", "internal/probe"}},
	"internal/app": {"core", []string{"internal/model", "internal/evidence", "internal/classify", "internal/catalog", "internal/catalog/rules", "internal/report", "internal/policy", "internal/sbom",
		"internal/vuln", "internal/vuln/store", "internal/vuln/snapshot", "internal/vex", "internal/safety", "internal/advisory", "internal/feeds", "internal/mds2", "internal/mds2/hn2019", "internal/mds2/crosswalk", "internal/boundedio", "internal/ifu", "internal/inventory", "internal/platform", "internal/vexout", "internal/bundle", "internal/model/schema", "internal/threat", "internal/probe", "internal/probe/results"}},

	"internal/severity":         {"domain", nil},
	"internal/model":            {"domain", []string{"internal/boundedio", "internal/yamlsafe"}},
	"internal/model/schema":     {"domain", []string{"internal/model"}},
	"internal/classify":         {"domain", []string{"internal/model"}},
	"internal/evidence":         {"domain", []string{"internal/model", "internal/severity", "internal/vuln", "internal/advisory", "internal/mds2/hn2019"}},
	"internal/catalog":          {"domain", []string{"internal/boundedio", "internal/model", "internal/evidence", "internal/classify", "internal/severity", "internal/yamlsafe"}},
	"internal/catalog/rules":    {"domain", []string{"internal/model", "internal/evidence", "internal/classify", "internal/catalog", "internal/severity", "internal/vuln", "internal/mds2/hn2019", "internal/mds2/crosswalk", "internal/ifu", "internal/threat"}},
	"internal/ifu":              {"domain", []string{"internal/model"}},
	"internal/catalog/gendocs":  {"domain", []string{"internal/catalog", "internal/catalog/rules"}},
	"internal/policy":           {"domain", []string{"internal/boundedio", "internal/model", "internal/evidence", "internal/classify", "internal/catalog", "internal/yamlsafe"}},
	"internal/report":           {"domain", []string{"internal/model", "internal/evidence", "internal/classify", "internal/catalog", "internal/threat"}},
	"internal/oscal":            {"domain", []string{"internal/evidence", "internal/catalog", "internal/report", "internal/jsonsafe"}},
	"internal/sbom":             {"domain", []string{"internal/boundedio", "internal/model", "internal/evidence", "internal/jsonsafe"}},
	"internal/mds2":             {"domain", []string{"internal/mds2/hn2019", "internal/xlsxsafe"}},
	"internal/inventory":        {"domain", []string{"internal/advisory", "internal/jsonsafe", "internal/xlsxsafe"}},
	"internal/xlsxsafe":         {"leaf", nil},
	"internal/bundle":           {"domain", []string{"internal/atomicfile", "internal/boundedio"}},
	"internal/gspr":             {"domain", []string{"internal/catalog", "internal/report"}},
	"internal/threat":           {"domain", []string{"internal/model"}},
	"internal/probe":            {"domain", []string{"internal/probe/tlswire", "internal/probe/wire", "internal/probe/certs", "internal/probe/snmpwire", "internal/probe/ident"}},
	"internal/probe/results":    {"domain", []string{"internal/probe", "internal/evidence", "internal/boundedio", "internal/jsonsafe", "internal/probe/passive", "internal/probe/tlswire", "internal/probe/certs", "internal/probe/ident"}},
	"internal/probe/passive":    {"leaf", []string{"internal/probe/ident", "internal/probe/tlswire", "internal/probe/wire"}},
	"internal/probe/tlswire":    {"leaf", nil},
	"internal/probe/wire":       {"leaf", nil},
	"internal/probe/certs":      {"leaf", nil},
	"internal/probe/snmpwire":   {"leaf", nil},
	"internal/probe/ident":      {"leaf", nil},
	"internal/fleet":            {"domain", []string{"internal/fleet/auditchain", "internal/fleet/jobs", "internal/fleet/schema"}},
	"internal/fleet/auditchain": {"leaf", nil},
	"internal/fleet/schema":     {"leaf", nil},
	"internal/fleet/jobs":       {"leaf", nil},
	"internal/vigilance":        {"domain", nil},
	"internal/server":           {"entry", []string{"internal/app", "internal/fleetapp", "internal/dashboard", "internal/render"}},
	"internal/dashboard":        {"entry", []string{"internal/app", "internal/fleetapp"}},
	"internal/fleetapp":         {"core", []string{"internal/app", "internal/fleet", "internal/bundle", "internal/model", "internal/report", "internal/catalog", "internal/vigilance", "internal/severity", "internal/vuln", "internal/vuln/store", "internal/advisory"}},
	"internal/platform":         {"leaf", nil},
	"internal/vexout":           {"domain", []string{"internal/vuln", "internal/jsonsafe"}},
	"internal/sarif":            {"render", []string{"internal/catalog", "internal/report", "internal/evidence", "internal/severity", "internal/jsonsafe", "internal/vuln"}},
	"internal/htmlreport":       {"render", []string{"internal/catalog", "internal/classify", "internal/evidence", "internal/model", "internal/report", "internal/severity", "internal/vuln", "internal/ifu", "internal/threat"}},
	"internal/mds2/hn2019":      {"domain", nil},
	"internal/mds2/crosswalk":   {"domain", []string{"internal/model", "internal/evidence", "internal/mds2/hn2019"}},
	"internal/advisory":         {"domain", []string{"internal/jsonsafe"}},
	"internal/vuln":             {"domain", []string{"internal/severity", "internal/jsonsafe", "internal/advisory"}},
	"internal/vuln/feed/osv":    {"domain", []string{"internal/vuln"}},
	"internal/vuln/feed/cve5":   {"domain", []string{"internal/vuln"}},
	"internal/vuln/feed/nvd":    {"domain", []string{"internal/vuln"}},
	"internal/vuln/feed/csaf":   {"domain", []string{"internal/vuln", "internal/advisory"}},
	"internal/vuln/feed/kev":    {"domain", []string{"internal/vuln"}},
	"internal/vuln/feed/epss":   {"domain", []string{"internal/vuln"}},
	"internal/vuln/store": {"domain", []string{"internal/boundedio", "internal/vuln", "internal/severity", "internal/advisory", "internal/vuln/feed/osv", "internal/vuln/feed/cve5", "internal/vuln/feed/nvd",
		"internal/vuln/feed/csaf", "internal/vuln/feed/kev", "internal/vuln/feed/epss"}},
	"internal/vuln/snapshot":     {"domain", []string{"internal/vuln/store", "internal/atomicfile"}},
	"internal/vuln/snapshot/gen": {"domain", []string{"internal/vuln/snapshot"}},
	"internal/release":           {"domain", []string{"internal/sbom"}},
	"internal/release/selfsbom":  {"domain", []string{"internal/release"}},
	"internal/vex":               {"domain", []string{"internal/boundedio", "internal/vuln", "internal/vuln/feed/csaf", "internal/model"}},
	"internal/safety":            {"domain", []string{"internal/vuln", "internal/model", "internal/classify", "internal/severity"}},
	"internal/feeds":             {"domain", []string{"internal/vuln", "internal/vuln/feed/csaf", "internal/vuln/feed/kev", "internal/vuln/feed/epss", "internal/atomicfile", "internal/boundedio"}},

	"internal/yamlsafe":            {"leaf", nil},
	"internal/jsonsafe":            {"leaf", nil},
	"internal/boundedio":           {"leaf", nil},
	"internal/atomicfile":          {"leaf", nil},
	"internal/browser":             {"leaf", nil},
	"internal/testutil/website":    {"leaf", nil},
	"internal/testutil/golden":     {"leaf", nil},
	"internal/testutil/hostile":    {"leaf", nil},
	"internal/testutil/large":      {"domain", []string{"internal/vuln"}},
	"internal/testutil/seed":       {"leaf", nil},
	"internal/testutil/loopback":   {"leaf", nil},
	"internal/testutil/pgtest":     {"leaf", nil},
	"internal/testutil/schematest": {"leaf", nil},
	"internal/testutil/shareddata": {"leaf", nil},
}

// pure packages must not reach the network, a database or other
// processes: their results are functions of their inputs.
var pure = []string{"internal/probe/tlswire", "internal/probe/wire", "internal/probe/ident", "internal/probe/passive", "internal/threat", "internal/vigilance", "internal/severity", "internal/mds2/hn2019", "internal/mds2/crosswalk", "internal/vuln", "internal/vuln/feed/osv", "internal/vuln/feed/cve5", "internal/vuln/feed/nvd", "internal/vuln/feed/csaf", "internal/vuln/feed/kev", "internal/vuln/feed/epss", "internal/advisory", "internal/safety", "internal/sbom", "internal/yamlsafe", "internal/jsonsafe", "internal/model", "internal/classify", "internal/evidence", "internal/catalog", "internal/catalog/rules", "internal/report"}

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
		entry, known := allowed[name]
		if !known {
			t.Errorf("package %q is not in the import table of arch_test.go; add it with the packages it may import", name)
			continue
		}
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module+"/") {
				continue
			}
			r := rel(imp)
			if !slices.Contains(entry.imports, r) {
				t.Errorf("%s imports %s, which the layout forbids (allowed: %v)", name, r, entry.imports)
			}
			if to, ok := allowed[r]; ok && layers[to.layer] > layers[entry.layer] {
				t.Errorf("%s (%s) imports %s (%s): imports point down the layers", name, entry.layer, r, to.layer)
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

// nonBlank counts the non-blank lines of code of the package's non-test
// Go files. The lines inside raw strings (a command's help text, a
// template) are data, not code, and do not count, as in
// TestEntryPointsThin.
func nonBlank(t *testing.T, p pkg) int {
	t.Helper()
	n := 0
	for _, f := range p.GoFiles {
		path := filepath.Join(p.Dir, f)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(data), "\n") {
			if strings.TrimSpace(l) != "" {
				n++
			}
		}
		file, err := parser.ParseFile(token.NewFileSet(), path, data, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(m ast.Node) bool {
			if lit, ok := m.(*ast.BasicLit); ok && lit.Kind == token.STRING && strings.HasPrefix(lit.Value, "`") {
				for _, l := range strings.Split(lit.Value, "\n")[1:] {
					if strings.TrimSpace(l) != "" {
						n--
					}
				}
			}
			return true
		})
	}
	return n
}

// TestPackageSize keeps packages to one responsibility each: none over
// 2,500 non-blank lines of non-test Go code (help texts and templates in
// raw strings are data) but the rule set, whose rules are
// one file each, and the command line thin (1,200).
func TestPackageSize(t *testing.T) {
	for _, p := range listPackages(t) {
		name := rel(p.ImportPath)
		limit := 2500
		switch name {
		case "internal/catalog/rules":
			continue
		case "internal/cli":
			limit = 1200
		}
		if n := nonBlank(t, p); n > limit {
			t.Errorf("%s has %d non-blank lines of Go code, more than %d: split it by responsibility", name, n, limit)
		}
	}
}

// TestEntryPointsThin: no function of the command line is longer than 60
// lines (the help texts of the commands aside): a longer one is doing the
// core's work.
func TestEntryPointsThin(t *testing.T) {
	for _, p := range listPackages(t) {
		if name := rel(p.ImportPath); name != "internal/cli" && name != "cmd/mdcheck" {
			continue
		}
		fset := token.NewFileSet()
		for _, f := range p.GoFiles {
			file, err := parser.ParseFile(fset, filepath.Join(p.Dir, f), nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				var body *ast.BlockStmt
				switch fn := n.(type) {
				case *ast.FuncDecl:
					body = fn.Body
				case *ast.FuncLit:
					body = fn.Body
				}
				if body == nil {
					return true
				}
				lines := fset.Position(body.End()).Line - fset.Position(body.Pos()).Line - 1
				// Help texts are data: a raw string's extra lines do not count.
				ast.Inspect(body, func(m ast.Node) bool {
					if lit, ok := m.(*ast.BasicLit); ok && lit.Kind == token.STRING && strings.HasPrefix(lit.Value, "`") {
						lines -= strings.Count(lit.Value, "\n")
					}
					return true
				})
				if lines > 60 {
					t.Errorf("%s: a function of %d lines; the command line only parses flags, calls the core and renders", fset.Position(body.Pos()), lines)
				}
				return true
			})
		}
	}
}
