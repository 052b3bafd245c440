package rules

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mdcheck/mdcheck/internal/catalog"
)

var ruleIDPattern = regexp.MustCompile(`^[a-z]+/[a-z0-9]+(-[a-z0-9]+)*$`)

// TestCatalog checks every rule against the requirements: metadata
// complete, references resolving, and every requirement either decided by
// a rule or listed as manual with its reason.
func TestCatalog(t *testing.T) {
	reqs := map[string]catalog.Requirement{}
	for _, r := range catalog.Requirements() {
		reqs[r.ID] = r
	}
	covered := map[string]bool{}
	all := All()
	if len(all) < 60 {
		t.Errorf("%d built-in rules, want at least 60", len(all))
	}
	for _, r := range all {
		if !ruleIDPattern.MatchString(r.ID) {
			t.Errorf("rule ID %q is not area/kebab-name", r.ID)
		}
		if r.Title == "" || r.Rationale == "" || r.Remediation == "" || r.Check == nil || r.Severity == 0 {
			t.Errorf("rule %s lacks a title, rationale, remediation, severity or check", r.ID)
		}
		if len(r.Refs) == 0 {
			t.Errorf("rule %s references no requirement", r.ID)
		}
		for _, ref := range r.Refs {
			req, ok := reqs[ref]
			if !ok {
				t.Errorf("rule %s references unknown requirement %s", r.ID, ref)
				continue
			}
			if req.Manual != nil {
				t.Errorf("rule %s decides %s, which the catalog lists as manual", r.ID, ref)
			}
			covered[ref] = true
		}
	}
	for id, req := range reqs {
		if !covered[id] && req.Manual == nil {
			t.Errorf("requirement %s is neither decided by a rule nor a manual item", id)
		}
	}
}

// TestMDCGCapabilities checks that each security capability of MDCG
// 2019-16 Table 3 has at least one automated rule.
func TestMDCGCapabilities(t *testing.T) {
	for _, code := range []string{"ALOF", "AUDT", "AUTH", "CNFS", "CSUP", "DIDT", "DTBK", "EMRG", "IGAU", "MLDP", "NAUT", "PAUT", "PLOK", "SAHD", "SGUD", "STCF", "TXCF", "TXIG"} {
		id := "MDCG1916.3.3." + code
		if !slices.ContainsFunc(All(), func(r catalog.Rule) bool { return slices.Contains(r.Refs, id) }) {
			t.Errorf("no rule for MDCG 2019-16 Table 3 capability %s", code)
		}
	}
}

// TestRuleFilesHaveTests checks that each rule source file has a test file.
func TestRuleFilesHaveTests(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(src), "register(catalog.Rule{") {
			continue
		}
		if _, err := os.Stat(strings.TrimSuffix(f, ".go") + "_test.go"); err != nil {
			t.Errorf("%s defines rules but has no %s", f, strings.TrimSuffix(f, ".go")+"_test.go")
		}
	}
}
