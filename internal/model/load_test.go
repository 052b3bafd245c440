package model

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mdcheck/mdcheck/internal/testutil/hostile"
)

// minimal is the smallest valid model; cases build on it.
const minimal = hostile.Minimal

func examples(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../../examples/*/device.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 6 {
		t.Fatalf("found %d examples, want at least 6", len(files))
	}
	return files
}

func TestLoadExamples(t *testing.T) {
	for _, f := range examples(t) {
		t.Run(filepath.Base(filepath.Dir(f)), func(t *testing.T) {
			dev, err := Load(f)
			if err != nil {
				t.Fatalf("Load(%q): %v", f, err)
			}
			if dev.Identity.Manufacturer == "" || len(dev.Components) == 0 {
				t.Errorf("Load(%q) = %+v, want identity and components", f, dev.Identity)
			}
		})
	}
}

func TestParseMinimal(t *testing.T) {
	dev, err := Parse("m.yaml", []byte(minimal))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	c := dev.Components[0]
	if c.Classification != nil || c.Security != nil || dev.Lifecycle != nil {
		t.Errorf("left-out blocks should stay nil (unknown), got classification=%v security=%v lifecycle=%v", c.Classification, c.Security, dev.Lifecycle)
	}
	if got, want := dev.Pos("components[0].kind"), (Pos{File: "m.yaml", Line: 9, Column: 11}); got != want {
		t.Errorf("Pos(components[0].kind) = %v, want %v", got, want)
	}
	// A path that was not written falls back to its nearest written parent.
	if got, want := dev.Pos("components[0].classification.active"), (Pos{File: "m.yaml", Line: 7, Column: 5}); got != want {
		t.Errorf("Pos(unwritten) = %v, want %v", got, want)
	}
}

func TestParseKeepsUnknownAsNil(t *testing.T) {
	src := minimal + `    classification:
      active: false
      sterile: null
`
	dev, err := Parse("m.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	f := dev.Components[0].Classification
	if f.Active == nil || *f.Active {
		t.Errorf("active = %v, want explicit false", f.Active)
	}
	if f.Sterile != nil {
		t.Errorf("sterile: null = %v, want nil (unknown)", *f.Sterile)
	}
	if f.ContactSites != nil {
		t.Errorf("absent contactSites = %v, want nil (unknown)", f.ContactSites)
	}
}

func TestParseAnchorsAndMerge(t *testing.T) {
	src := minimal + `    interfaces:
      - &base
        id: lan
        kind: wired-network
        exposure: hospital-network
        encryption: &tls {inTransit: true, protocol: TLS 1.3}
      - <<: *base
        id: lan2
        port: 8443
        encryption: *tls
`
	dev, err := Parse("m.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	ifs := dev.Components[0].Interfaces
	if len(ifs) != 2 {
		t.Fatalf("got %d interfaces, want 2", len(ifs))
	}
	b := ifs[1]
	if b.ID != "lan2" || b.Kind != "wired-network" || b.Exposure != "hospital-network" || b.Port == nil || *b.Port != 8443 {
		t.Errorf("merged interface = %+v, want id lan2 with kind and exposure from the anchor", b)
	}
	if b.Encryption == nil || b.Encryption.Protocol != "TLS 1.3" {
		t.Errorf("aliased encryption = %+v", b.Encryption)
	}
}

// TestParseErrors checks that each kind of bad input is refused with a
// message that says where and what.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // substrings of the error, in order of lines
	}{
		{"unknown field with suggestion", strings.Replace(minimal, "product:", "prodcut:", 1),
			[]string{`m.yaml:5:3: unknown field "prodcut" in identity (did you mean "product"?)`, `missing required field "product" in identity`}},
		{"unknown field far from any", minimal + "    colour: blue\n",
			[]string{`m.yaml:11:5: unknown field "colour" in components[0]`}},
		{"wrong type bool", minimal + "    classification:\n      active: yes\n",
			[]string{`m.yaml:12:15: components[0].classification.active must be true or false, not the text "yes"`}},
		{"wrong type int", minimal + "    interfaces:\n      - {id: a, kind: usb, port: eighty}\n",
			[]string{`m.yaml:12:34: components[0].interfaces[0].port must be a whole number, not the text "eighty"`}},
		{"int out of range", minimal + "    interfaces:\n      - {id: a, kind: usb, port: 70000}\n",
			[]string{`m.yaml:12:34: components[0].interfaces[0].port: 70000 is above the maximum 65535`}},
		{"wrong type list", minimal + "    interfaces: usb\n",
			[]string{`m.yaml:11:17: components[0].interfaces must be a list, not the text "usb"`}},
		{"wrong type mapping", strings.Replace(minimal, "identity:\n  manufacturer: Acme\n  product: Widget\n", "identity: Acme\n", 1),
			[]string{`m.yaml:3:11: identity must be a mapping of fields`}},
		{"bad enum with suggestion", strings.Replace(minimal, "kind: hardware-device", "kind: implnt", 1),
			[]string{`m.yaml:9:11: components[0].kind: "implnt" is not one of`, `(did you mean "implant"?)`}},
		{"bad enum case", strings.Replace(minimal, "role: device", "role: Device", 1),
			[]string{`m.yaml:10:11: components[0].role: "Device" is not one of device, accessory, part, non-device (did you mean "device"?)`}},
		{"bad date", minimal + "lifecycle:\n  endOfSupport: 31.12.2030\n",
			[]string{`m.yaml:12:17: lifecycle.endOfSupport: "31.12.2030" is not a date in the form YYYY-MM-DD`}},
		{"duplicate key", strings.Replace(minimal, "    role: device\n", "    role: device\n    role: part\n", 1),
			[]string{`m.yaml:11:5:`, `"role"`}},
		{"empty required", strings.Replace(minimal, "role: device", "role:", 1),
			[]string{`m.yaml:10:5: required field "role" in components[0] is empty`}},
		{"missing required", strings.Replace(minimal, "    role: device\n", "", 1),
			[]string{`missing required field "role" in components[0]`}},
		{"syntax error", minimal + "  - id: [unclosed\n",
			[]string{`m.yaml:11:`, `YAML syntax`}},
		{"tab indentation", "apiVersion: mdcheck.dev/v1\nkind: Device\nidentity:\n\tmanufacturer: Acme\n",
			[]string{`m.yaml:4:`, `YAML syntax`}},
		{"wrong api version", strings.Replace(minimal, "mdcheck.dev/v1", "mdcheck.dev/v9", 1),
			[]string{`m.yaml:1:13: apiVersion "mdcheck.dev/v9" is not supported`}},
		{"wrong kind", strings.Replace(minimal, "kind: Device", "kind: Fleet", 1),
			[]string{`m.yaml:2:7: kind "Fleet" is not supported`}},
		{"empty file", "", []string{`m.yaml:1:1: file is empty`}},
		{"comment only", "# nothing\n", []string{`m.yaml:1:1: file is empty`}},
		{"two documents", minimal + "---\n" + minimal, []string{`more than one YAML document`}},
		{"not utf8", "apiVersion: \xff\n", []string{`m.yaml:1:13: file is not UTF-8 text`}},
		{"nul byte", "apiVersion: a\x00\n", []string{`m.yaml:1:14: file contains a NUL byte`}},
		{"tag", minimal + "    version: !!binary aGVsbG8=\n", []string{`m.yaml:11:14: YAML tags such as !!binary are not supported`}},
		{"unknown alias", minimal + "    version: *nowhere\n", []string{`m.yaml:11:`, `*nowhere`}},
		{"duplicate component", minimal + "  - {id: main, name: B, kind: gateway, role: non-device}\n",
			[]string{`m.yaml:11:10: component id "main" is already used by components[0]`}},
		{"self reference", minimal + "    classification:\n      controls: [main]\n",
			[]string{`m.yaml:12:18: component "main" cannot refer to itself`}},
		{"dangling reference suggestion", minimal + "  - {id: app, name: A, kind: mobile-app, role: device, classification: {drives: [mian]}}\n",
			[]string{`"mian" is neither a component nor an external device id (did you mean "main"?)`}},
		{"part without partOf", strings.Replace(minimal, "role: device", "role: part", 1),
			[]string{`m.yaml:10:11: component "main" has role part but no partOf`}},
		{"accessory without accessoryOf", strings.Replace(minimal, "role: device", "role: accessory", 1),
			[]string{`m.yaml:10:11: component "main" has role accessory but no classification.accessoryOf`}},
		{"relation cycle", minimal +
			"    classification: {drives: [b]}\n  - {id: b, name: B, kind: mobile-app, role: device, classification: {drives: [main]}}\n",
			[]string{`relations form a cycle: main -> b -> main`}},
		{"flow to unknown interface", minimal + "dataAssets: [{id: d, kind: logs}]\ndataFlows: [{from: main, to: main, interface: wifi, assets: [d]}]\n",
			[]string{`component "main" has no interface "wifi"`}},
		{"flow over an interface to someone else", minimal + "    interfaces: [{id: lan, kind: wired-network, connectsTo: [gw]}]\n" +
			"  - {id: gw, name: Gateway, kind: gateway, role: device}\n  - {id: app, name: App, kind: mobile-app, role: device}\n" +
			"dataAssets: [{id: d, kind: logs}]\ndataFlows: [{from: main, to: app, interface: lan, assets: [d]}]\n",
			[]string{`m.yaml:15:46: the flow from "main" to "app" goes over main/lan, which connects to gw; add "app" to its connectsTo`}},
		{"flow over an interface to nothing", minimal + "    interfaces: [{id: lan, kind: wired-network, connectsTo: []}]\n  - {id: app, name: App, kind: mobile-app, role: device}\n" +
			"dataAssets: [{id: d, kind: logs}]\ndataFlows: [{from: main, to: app, interface: lan, assets: [d]}]\n",
			[]string{`which connects to nothing (connectsTo: [])`}},
		{"flow between two external devices", minimal + "externalDevices: [{id: his, name: HIS}, {id: lis, name: LIS}]\ndataAssets: [{id: d, kind: logs}]\ndataFlows: [{from: his, to: lis, assets: [d]}]\n",
			[]string{`joins two external devices; a data flow starts or ends at a component`}},
		{"flow from an external device over an interface not to it", minimal + "    interfaces: [{id: lan, kind: wired-network, connectsTo: []}]\n" +
			"externalDevices: [{id: his, name: HIS}]\ndataAssets: [{id: d, kind: logs}]\ndataFlows: [{from: his, to: main, interface: lan, assets: [d]}]\n",
			[]string{`the flow from "his" to "main" goes over main/lan, which connects to nothing (connectsTo: []); add "his" to its connectsTo`}},
		{"malformed IMDRF code", minimal + "lifecycle: {vigilance: {imdrfCodes: [A1105, cyber]}}\n",
			[]string{`"cyber" is not an IMDRF adverse-event code`}},
		{"mutual authentication with no peer", minimal + "    interfaces: [{id: lan, kind: wired-network, authentication: {required: true, mutual: true}}]\n",
			[]string{`m.yaml:11:90: interface main/lan claims mutual authentication but connects to nothing`}},
		{"bad sha256", minimal + "documents: [{kind: threat-model, sha256: abc}]\n",
			[]string{`sha256 must be 64 hexadecimal digits`}},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.name, " ", "_"), func(t *testing.T) {
			_, err := Parse("m.yaml", []byte(tt.src))
			if err == nil {
				t.Fatalf("Parse succeeded, want error containing %q", tt.want)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			var list *ErrorList
			if !errors.As(err, &list) || len(list.Errs) == 0 {
				t.Fatalf("error %v carries no ErrorList", err)
			}
			msg := list.Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error\n%s\ndoes not contain %q", msg, w)
				}
			}
			for _, e := range list.Errs {
				if e.File != "m.yaml" {
					t.Errorf("error %q names file %q, want m.yaml", e, e.File)
				}
			}
		})
	}
}

func TestParseReportsSeveralErrors(t *testing.T) {
	src := strings.Replace(minimal, "kind: hardware-device", "kind: robot", 1) + "    colour: blue\n    version: [1]\n"
	_, err := Parse("m.yaml", []byte(src))
	var list *ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("Parse error = %v, want *ErrorList", err)
	}
	var lines []int
	for _, e := range list.Errs {
		lines = append(lines, e.Line)
	}
	if diff := cmp.Diff([]int{9, 11, 12}, lines); diff != "" {
		t.Errorf("error lines (-want +got):\n%s\n%s", diff, list)
	}
}

func TestLoadLimits(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, []byte(minimal+"# "+strings.Repeat("x", 50<<20)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(big)
	if err == nil || !strings.Contains(err.Error(), "a device model may be at most 524288 bytes") || !strings.Contains(err.Error(), "big.yaml") {
		t.Errorf("Load(50 MB file) = %v, want a size error naming the file", err)
	}

	missing := filepath.Join(dir, "nope.yaml")
	if _, err := Load(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load(missing) = %v, want not-exist", err)
	}

	sbom := filepath.Join(dir, "sbom.yaml")
	if err := os.WriteFile(sbom, []byte(minimal+"    sbom: absent.cdx.json\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(sbom); err == nil || !strings.Contains(err.Error(), `sbom.yaml:11:11: SBOM file "absent.cdx.json" not found`) {
		t.Errorf("Load(model naming a missing SBOM) = %v", err)
	}
	// An SBOM the caller holds counts as present; the others do not.
	held := func(p string) bool { return p == filepath.Join(dir, "absent.cdx.json") }
	if _, err := LoadHolding(sbom, held); err != nil {
		t.Errorf("LoadHolding(model naming a held SBOM) = %v", err)
	}
	if _, err := LoadHolding(sbom, func(p string) bool { return p == filepath.Join(dir, "other.cdx.json") }); err == nil || !strings.Contains(err.Error(), `SBOM file "absent.cdx.json" not found`) {
		t.Errorf("LoadHolding(model naming an SBOM neither on disk nor held) = %v", err)
	}
}

func TestParseHostile(t *testing.T) {
	for name, src := range hostile.Models() {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(name, src)
			if err == nil {
				t.Fatal("Parse accepted hostile input")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("Parse error %v does not wrap ErrInvalid", err)
			}
			t.Log(firstLine(err.Error()))
		})
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// TestFlowsWithExternalDevices: a flow may start or end at an external
// device; its interface is then the component's end, and rules find it
// there.
func TestFlowsWithExternalDevices(t *testing.T) {
	src := minimal + "    interfaces: [{id: fhir, kind: wired-network, connectsTo: [his]}]\n" +
		"externalDevices: [{id: his, name: HIS}]\ndataAssets: [{id: d, kind: personal-health-data}]\n" +
		"dataFlows: [{from: his, to: main, interface: fhir, assets: [d]}, {from: main, to: his, interface: fhir, assets: [d]}]\n"
	dev, err := Parse("m.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for i, fl := range dev.DataFlows {
		if got := fl.Carrier(dev); got != "main" {
			t.Errorf("flow %d carried by %q, want main", i, got)
		}
	}
}
