package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/model"
)

func TestDocumentEvidence(t *testing.T) {
	dir := t.TempDir()
	doc := []byte("threat model\n")
	sum := sha256.Sum256(doc)
	good := hex.EncodeToString(sum[:])
	if err := os.WriteFile(filepath.Join(dir, "tm.md"), doc, 0o644); err != nil {
		t.Fatal(err)
	}
	src := "apiVersion: mdcheck.dev/v1\nkind: Device\nidentity: {manufacturer: A, product: B}\ncomponents: [{id: a, name: a, kind: gateway, role: device}]\ndocuments:\n" +
		"  - {kind: threat-model, path: tm.md, sha256: " + good + "}\n" +
		"  - {kind: threat-model, path: tm.md, sha256: " + strings.Repeat("0", 64) + "}\n" +
		"  - {kind: threat-model, path: missing.md, sha256: " + good + "}\n" +
		"  - {kind: threat-model, path: tm.md}\n"
	file := filepath.Join(dir, "device.yaml")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	dev, err := model.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	ev := evidence.NewSet()
	if err := documentEvidence(context.Background(), dev, ev, nil); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		strength evidence.Strength
		detail   string
	}{
		{evidence.Documented, "sha256:" + good},
		{evidence.Claimed, "does not match"},
		{evidence.Claimed, "not verified"},
		{evidence.Claimed, "no SHA-256"},
	}
	for i, w := range want {
		e, ok := ev.Lookup("documents[" + string(rune('0'+i)) + "]")
		if !ok || e.Strength != w.strength || !strings.Contains(e.Source.Detail, w.detail) {
			t.Errorf("documents[%d] = %+v, want %s with %q", i, e, w.strength, w.detail)
		}
	}
}

func TestRunReproducible(t *testing.T) {
	opts := runOptions{Now: time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC), Build: BuildInfo{Version: "test"}}
	a, err := run(context.Background(), "../../examples/insulin-pump/device.yaml", opts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := run(context.Background(), "../../examples/insulin-pump/device.yaml", opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Findings) == 0 || len(a.Findings) != len(b.Findings) || a.Summary.Readiness != b.Summary.Readiness {
		t.Fatalf("two runs differ: %d/%v vs %d/%v", len(a.Findings), a.Summary.Readiness, len(b.Findings), b.Summary.Readiness)
	}
	for i := range a.Findings {
		if a.Findings[i].ID != b.Findings[i].ID || a.Findings[i].Status != b.Findings[i].Status {
			t.Fatalf("finding %d differs: %s %s vs %s %s", i, a.Findings[i].ID, a.Findings[i].Status, b.Findings[i].ID, b.Findings[i].Status)
		}
	}
	if _, err := run(context.Background(), "../../examples/insulin-pump/device.yaml", runOptions{Profile: "patient"}); err == nil {
		t.Error("an unknown profile was accepted")
	}
}

// BenchmarkCheck runs the whole health check on the largest example.
func BenchmarkCheck(b *testing.B) {
	opts := runOptions{Now: time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := run(context.Background(), "../../examples/pacemaker-system/device.yaml", opts); err != nil {
			b.Fatal(err)
		}
	}
}
