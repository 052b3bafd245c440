package rules

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/classify"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/model"
)

// now is the assessment date of every rule test.
var now = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)

const header = `apiVersion: mdcheck.dev/v1
kind: Device
identity: {manufacturer: Acme, product: Widget}
`

// one returns a model with a single hardware component "main"; body is
// YAML at the component's indentation (four spaces).
func one(body string) string {
	return header + "components:\n  - id: main\n    name: Main\n    kind: hardware-device\n    role: device\n" + body
}

// oneKind is one with another component kind.
func oneKind(kind, body string) string {
	return strings.Replace(one(body), "kind: hardware-device", "kind: "+kind, 1)
}

type ruleCase struct {
	name string
	src  string
	want map[string]catalog.Status
}

var (
	seenMu sync.Mutex
	seen   = map[string]map[catalog.Status]bool{}
)

// runRule evaluates r on each case and compares the status per subject.
// It also checks what every finding must carry: a detail for anything but
// a pass, and evidence for a pass or a fail.
func runRule(t *testing.T, r catalog.Rule, cases []ruleCase) {
	t.Helper()
	runRuleWith(t, r, cases, nil)
}

// runRuleWith is runRule with evidence added before the rule runs:
// setup, when set, is given each case's index and its input.
func runRuleWith(t *testing.T, r catalog.Rule, cases []ruleCase, setup func(i int, in *catalog.Input)) {
	t.Helper()
	for i, tc := range cases {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			dev, err := model.Parse("device.yaml", []byte(tc.src))
			if err != nil {
				t.Fatalf("bad test model: %v", err)
			}
			cl, err := classify.Classify(dev)
			if err != nil {
				t.Fatal(err)
			}
			in := &catalog.Input{Device: dev, Classification: cl, Evidence: evidence.NewSet(), Now: now}
			if setup != nil {
				setup(i, in)
			}
			got := map[string]catalog.Status{}
			for _, f := range catalog.Evaluate([]catalog.Rule{r}, in) {
				got[f.Subject] = f.Status
				if f.Status == catalog.Error {
					t.Errorf("%s: rule error: %s", f.ID, f.Detail)
				}
				if f.Status != catalog.Pass && f.Detail == "" {
					t.Errorf("%s: %s without a detail", f.ID, f.Status)
				}
				if (f.Status == catalog.Pass || f.Status == catalog.Fail) && len(f.Evidence) == 0 {
					t.Errorf("%s: %s cites no evidence", f.ID, f.Status)
				}
				seenMu.Lock()
				if seen[r.ID] == nil {
					seen[r.ID] = map[catalog.Status]bool{}
				}
				seen[r.ID][f.Status] = true
				seenMu.Unlock()
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s statuses (-want +got):\n%s", r.ID, diff)
			}
		})
	}
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if code == 0 && flag.Lookup("test.run").Value.String() == "" {
		// A full run: every rule's table must have exercised a pass, a
		// fail and an unknown.
		var missing []string
		for _, r := range All() {
			for _, s := range []catalog.Status{catalog.Pass, catalog.Fail, catalog.Unknown} {
				if !seen[r.ID][s] {
					missing = append(missing, fmt.Sprintf("%s has no %s case", r.ID, s))
				}
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			fmt.Fprintln(os.Stderr, strings.Join(missing, "\n"))
			code = 1
		}
	}
	os.Exit(code)
}

var (
	pass_ = catalog.Pass
	fail_ = catalog.Fail
	unk   = catalog.Unknown
	na    = catalog.NotApplicable
)

type want = map[string]catalog.Status
