package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIFU: the checklist in each format, written to a file with -o, and
// the errors a user meets.
func TestIFU(t *testing.T) {
	code, out, errs := run(t, "ifu", "examples/pacemaker-system/device.yaml")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"IFU security checklist: Corvita Medical GmbH Corvita Pace DR", "ports-and-protocols", "incident-contact"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	dir := t.TempDir()
	md := filepath.Join(dir, "ifu-security.md")
	if code, _, errs := run(t, "ifu", "-f", "md", "-o", md, "examples/infusion-pump/device.yaml"); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	data, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# IFU security section:", "## [ ] Network ports, protocols and the peers each interface talks to", "MDR Annex I Section 23.4(ab)"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("markdown lacks %q:\n%s", want, data)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"ifu", "-f", "oscal", "examples/infusion-pump/device.yaml"}, "--format must be table, json or md"},
		{[]string{"ifu", "-f", "md", "-o", filepath.Join(dir, "x.json"), "examples/infusion-pump/device.yaml"}, "x.json"},
		{[]string{"ifu", "examples"}, "examples"},
		{[]string{"ifu", filepath.Join(dir, "missing.yaml")}, "missing.yaml"},
	} {
		code, _, errs := run(t, tc.args...)
		if code != ExitInput || !strings.Contains(errs, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want %d naming %q", strings.Join(tc.args, " "), code, errs, ExitInput, tc.want)
		}
	}
}
