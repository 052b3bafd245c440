package model

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mdcheck/mdcheck/internal/testutil/hostile"
)

// FuzzParse feeds arbitrary bytes to the model reader. It must never
// panic, must always fail with a positioned ErrorList, and what it accepts
// must hold the model's invariants.
func FuzzParse(f *testing.F) {
	// Seeds: every example plus small files in testdata. Inputs grown
	// from the larger examples take long to minimise; scripts/fuzz.sh caps
	// that with -fuzzminimizetime.
	files, _ := filepath.Glob("../../examples/*/device.yaml")
	small, _ := filepath.Glob("testdata/*.yaml")
	files = append(files, small...)
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(strings.Replace(hostile.Minimal, "product:", "prodcut:", 1)))
	f.Add([]byte(hostile.Minimal + "    interfaces: [&i {id: a, kind: usb}, {<<: *i, id: b}]\n"))
	for _, data := range hostile.Models() {
		if len(data) < 4096 {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dev, err := Parse("fuzz.yaml", data)
		if err != nil {
			if dev != nil {
				t.Fatalf("Parse returned a device and an error")
			}
			if !strings.HasPrefix(err.Error(), "invalid device model: fuzz.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if dev.APIVersion != APIVersion || dev.Kind != KindDevice {
			t.Fatalf("accepted header %q %q", dev.APIVersion, dev.Kind)
		}
		if len(dev.Components) == 0 {
			t.Fatal("accepted a model without components")
		}
		seen := map[string]bool{}
		for i, c := range dev.Components {
			if !idPattern().MatchString(c.ID) || seen[c.ID] {
				t.Fatalf("accepted bad or duplicate component id %q", c.ID)
			}
			seen[c.ID] = true
			if c.Role == "" || c.Kind == "" {
				t.Fatalf("accepted component %d without role or kind", i)
			}
		}
		if p := dev.Pos("components[0].id"); p.File != "fuzz.yaml" || p.Line < 1 {
			t.Fatalf("Pos(components[0].id) = %v", p)
		}
	})
}

// FuzzDispositionsFile feeds arbitrary bytes to the reader of the
// dispositions file a model names. It must never panic; an error names
// the dispositions file (or the model line that names it), and what it
// accepts holds the decisions' invariants.
func FuzzDispositionsFile(f *testing.F) {
	for _, file := range []string{"testdata/dispositions.yaml", "../../examples/pacemaker-system/risk/vulnerability-dispositions.yaml"} {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("dispositions: []\n"))
	f.Add([]byte("dispositions:\n  - {vulnerability: CVE-1, decision: not-affected, exploitable: true}\n"))
	dir := f.TempDir()
	model := filepath.Join(dir, "device.yaml")
	if err := os.WriteFile(model, []byte(hostile.Minimal+"dispositionsFile: d.yaml\n"), 0o644); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, "d.yaml"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		dev, err := Load(model)
		if err != nil {
			if dev != nil {
				t.Fatal("Load returned a device and an error")
			}
			if !strings.Contains(err.Error(), "d.yaml") {
				t.Fatalf("error names neither file: %v", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, d := range dev.Dispositions {
			if d.Vulnerability == "" || !contains(d.Decision.Values(), string(d.Decision)) {
				t.Fatalf("accepted disposition %+v", d)
			}
			if d.Decision == DecisionNotAffected && d.Exploitable != nil && *d.Exploitable {
				t.Fatalf("accepted not-affected for an exploitable vulnerability: %+v", d)
			}
			for _, c := range d.Components {
				if c != "main" {
					t.Fatalf("accepted unknown component %q", c)
				}
			}
			k := strings.ToUpper(strings.TrimSpace(d.Vulnerability)) + fmt.Sprint(d.Components)
			if seen[k] {
				t.Fatalf("accepted %s twice", d.Vulnerability)
			}
			seen[k] = true
		}
	})
}
