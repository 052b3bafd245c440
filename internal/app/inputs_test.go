package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckInputs: the report names every file the check read with the
// hash of its bytes, and a file it could not read with the reason, never
// leaving it out.
func TestCheckInputs(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Dir(pacemaker))); err != nil {
		t.Fatal(err)
	}
	// One document the model names is missing.
	if err := os.Remove(filepath.Join(dir, "docs", "threat-model.md")); err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(dir, "device.yaml")
	src, err := os.ReadFile(model)
	if err != nil {
		t.Fatal(err)
	}
	waivers := filepath.Join(dir, "waivers.yaml")
	if err := os.WriteFile(waivers, []byte("waivers: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	a := New(Config{})
	defer a.Close()
	res, err := a.Check(context.Background(), CheckOptions{Model: model, Date: day, NoVulns: true, Waivers: waivers, VEX: nil})
	if err != nil {
		t.Fatal(err)
	}
	in := res.Report.Inputs
	if len(in) < 3 || in[0].Role != "model" || in[len(in)-1].Role != "waivers" {
		t.Fatalf("inputs = %+v, want the model first and the waivers last", in)
	}
	sum := sha256.Sum256(src)
	if in[0].SHA256 != hex.EncodeToString(sum[:]) || in[0].Size != int64(len(src)) {
		t.Errorf("model input = %+v, want sha256 %x and size %d", in[0], sum, len(src))
	}
	var sboms, missing int
	for _, i := range in {
		switch {
		case strings.HasSuffix(i.Path, "docs/threat-model.md"):
			missing++
			if i.SHA256 != "" || i.Error == "" {
				t.Errorf("missing document %+v: want no hash and an error", i)
			}
		case strings.HasPrefix(i.Role, "sbom:"):
			sboms++
			if len(i.SHA256) != 64 || i.Error != "" {
				t.Errorf("SBOM %+v: want its hash", i)
			}
		}
	}
	if sboms != 3 || missing != 1 {
		t.Errorf("%d SBOM inputs and %d missing document, want the pacemaker model's 3 and 1", sboms, missing)
	}
}
