package policy

import (
	"strings"
	"testing"
	"time"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/classify"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/model"
)

var reqIDs = []string{"NIS2.21.e", "MDR.AI.18.8"}

const deviceYAML = `apiVersion: mdcheck.dev/v1
kind: Device
identity: {manufacturer: Acme, product: Widget}
components:
  - id: ws
    name: Workstation
    kind: workstation
    role: device
    platform: {os: Windows 10, endOfSupport: 2025-10-14}
    interfaces: [{id: rdp, kind: wired-network, protocols: [rdp], port: 3389}]
  - id: app
    name: App
    kind: mobile-app
    role: device
    platform: {os: Android}
`

func policyFile(rules string) string {
	return "apiVersion: mdcheck.dev/v1\nkind: Policy\nname: test\nrules:\n" + rules
}

func eval(t *testing.T, rules string) map[string]catalog.Finding {
	t.Helper()
	p, err := Parse("p.yaml", []byte(policyFile(rules)), reqIDs, []string{"auth/no-default-credentials"})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	dev, err := model.Parse("d.yaml", []byte(deviceYAML))
	if err != nil {
		t.Fatal(err)
	}
	cl, _ := classify.Classify(dev)
	in := &catalog.Input{Device: dev, Classification: cl, Evidence: evidence.NewSet(), Now: time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)}
	out := map[string]catalog.Finding{}
	for _, f := range catalog.Evaluate(p.CatalogRules(), in) {
		out[f.ID] = f
	}
	return out
}

func TestEvaluate(t *testing.T) {
	tests := []struct {
		name   string
		rule   string
		want   map[string]catalog.Status
		detail string
	}{
		{"pass and fail per component", `  - id: house/supported-platform
    title: Platform supported on the assessment date
    severity: high
    requirements: [NIS2.21.e]
    each: component
    check: component.platform.endOfSupport >= now
    cite: [platform.endOfSupport]
`, map[string]catalog.Status{"house/supported-platform@ws": catalog.Fail, "house/supported-platform@app": catalog.Unknown}, "endOfSupport under components[1]"},
		{"where filters subjects", `  - id: house/no-rdp
    title: No remote desktop
    severity: medium
    each: interface
    where: "'protocols' in interface"
    check: "!('rdp' in interface.protocols)"
`, map[string]catalog.Status{"house/no-rdp@ws/rdp": catalog.Fail}, ""},
		{"device level", `  - id: house/has-lifecycle
    title: Lifecycle declared
    severity: low
    check: has(device.lifecycle)
`, map[string]catalog.Status{"house/has-lifecycle@device": catalog.Fail}, ""},
		{"class variable", `  - id: house/class
    title: Class known
    severity: low
    check: device.class != ""
`, map[string]catalog.Status{"house/class@device": catalog.Pass}, ""},
		{"runtime type error", `  - id: house/type
    title: Bad types
    severity: low
    each: component
    check: component.name > 5
`, map[string]catalog.Status{"house/type@ws": catalog.Error, "house/type@app": catalog.Error}, "p.yaml:"},
		{"cost limit", `  - id: house/costly
    title: Too costly
    severity: low
    check: "[0,1,2,3,4,5,6,7,8,9].map(a, [0,1,2,3,4,5,6,7,8,9].map(b, [0,1,2,3,4,5,6,7,8,9].map(c, [0,1,2,3,4,5,6,7,8,9].map(d, [0,1,2,3,4,5,6,7,8,9].map(e, a+b+c+d+e))))).size() > 0"
`, map[string]catalog.Status{"house/costly@device": catalog.Error}, "cost limit"},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.name, " ", "_"), func(t *testing.T) {
			got := eval(t, tt.rule)
			for id, want := range tt.want {
				f, ok := got[id]
				if !ok {
					t.Errorf("no finding %s (got %v)", id, keys(got))
					continue
				}
				if f.Status != want {
					t.Errorf("%s = %s (%s), want %s", id, f.Status, f.Detail, want)
				}
				if tt.detail != "" && f.Status != catalog.Pass && f.Status != catalog.Fail && !strings.Contains(f.Detail, tt.detail) {
					t.Errorf("%s detail %q lacks %q", id, f.Detail, tt.detail)
				}
				if (f.Status == catalog.Pass || f.Status == catalog.Fail) && len(f.Evidence) == 0 {
					t.Errorf("%s cites no evidence", id)
				}
			}
			if len(got) != len(tt.want) {
				t.Errorf("got %d findings %v, want %d", len(got), keys(got), len(tt.want))
			}
		})
	}
}

func keys(m map[string]catalog.Finding) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestParseErrors(t *testing.T) {
	rule := func(extra string) string {
		return "  - id: house/x\n    title: X\n    severity: high\n" + extra
	}
	tests := []struct {
		name, src, want string
	}{
		{"syntax error", policyFile(rule("    check: component.name ==\n")), "p.yaml:8:12: CEL: "},
		{"static type error", policyFile(rule("    check: '\"a\" + 1 == 2'\n")), "p.yaml:8:12: CEL: "},
		{"not a bool", policyFile(rule("    check: '1 + 2'\n")), "not a bool"},
		{"unknown variable", policyFile(rule("    check: patient.age > 3\n")), "undeclared reference"},
		{"unknown requirement", policyFile(rule("    requirements: [MDR.AI.99]\n    check: 'true'\n")), "p.yaml:8:19: \"MDR.AI.99\" is not a requirement"},
		{"builtin id", policyFile("  - {id: auth/no-default-credentials, title: X, severity: high, check: 'true'}\n"), "is a built-in rule"},
		{"bad id", policyFile("  - {id: NoSlash, title: X, severity: high, check: 'true'}\n"), "must be area/kebab-name"},
		{"bad severity", policyFile(rule("")[0:len(rule(""))-len("    severity: high\n")] + "    severity: severe\n    check: 'true'\n"), "p.yaml:7:15: severity \"severe\""},
		{"misspelt field", policyFile(rule("    check: device.lifecycle.endOfSuport > now\n")), `p.yaml:8:12: CEL: expression 1:18: the model has no field "endOfSuport" here (did you mean "endOfSupport"?)`},
		{"misspelt field in has", policyFile(rule("    each: component\n    check: has(component.sbm)\n")), `no field "sbm" here (did you mean "sbom"?)`},
		{"misspelt field in where", policyFile(rule("    each: interface\n    where: interface.exposre == 'internet'\n    check: 'true'\n")), `p.yaml:9:12: CEL: expression 1:11: the model has no field "exposre"`},
		{"misspelt field in a list element", policyFile(rule("    check: device.components.exists(c, c.interfaces.all(i, i.prot == 1))\n")), `no field "prot" here (did you mean "port"?)`},
		{"misspelt field after index", policyFile(rule("    check: device.components[0].nmae == 'x'\n")), `no field "nmae" here (did you mean "name"?)`},
		{"component in a device rule", policyFile(rule("    check: component.kind == 'server'\n")), "component is only set for rules with each: component or interface"},
		{"interface in a component rule", policyFile(rule("    each: component\n    check: interface.kind == 'usb'\n")), "interface is only set for rules with each: interface"},
		{"misspelt cite", policyFile(rule("    check: 'true'\n    cite: [lifecycle.endOfSuport]\n")), `p.yaml:9:11: cite "lifecycle.endOfSuport": the model has no field "endOfSuport" here (did you mean "endOfSupport"?)`},
		{"cite into a value", policyFile(rule("    each: interface\n    check: 'true'\n    cite: [port.number]\n")), `"number" is not a field`},
		{"duplicate", policyFile(rule("    check: 'true'\n") + rule("    check: 'true'\n")), "used twice"},
		{"unknown field", policyFile(rule("    chek: 'true'\n")), "p.yaml:8:"},
		{"wrong kind", "apiVersion: mdcheck.dev/v1\nkind: Device\nrules: []\n", "kind: Policy"},
		{"bad each", policyFile(rule("    each: patient\n    check: 'true'\n")), "each must be"},
		{"aliases", "a: &x 1\n" + policyFile(rule("    check: 'true'\n")), "anchors and aliases"},
		{"deep", policyFile(rule("    check: '" + strings.Repeat("[", 40) + "'\n")), "nesting"},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.name, " ", "_"), func(t *testing.T) {
			_, err := Parse("p.yaml", []byte(tt.src), reqIDs, []string{"auth/no-default-credentials"})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(policyFile("  - {id: house/x, title: X, severity: high, each: component, check: 'component.kind == \"implant\"'}\n")))
	f.Add([]byte(policyFile("  - id: a/b\n    title: t\n    severity: low\n    where: has(device.lifecycle)\n    check: device.lifecycle.sbomMaintained == true\n")))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("f.yaml", data, reqIDs, nil)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, r := range p.Rules {
			if r.check == nil || r.ID == "" || r.Severity == 0 {
				t.Fatalf("accepted incomplete rule %+v", r)
			}
		}
	})
}
