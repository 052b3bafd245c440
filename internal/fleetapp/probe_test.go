package fleetapp

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mdcheck/mdcheck/internal/app"
)

// TestProbeResultsAttached: probe results uploaded under probe/ are
// checked on upload (what is no probe results is refused, naming the
// line and column, and nothing is stored) and every assessment of the
// device compares them with its model, as check --probe-results does.
// testdata/probe-ward5.json is mdcheck probe -f json output of a unit
// whose declared Telnet and undeclared FTP services greet, written for
// this test.
func TestProbeResultsAttached(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	f, err := Open(ctx, app.New(app.Config{DB: filepath.Join(dir, "v.db"), Snapshot: true}), "sqlite:"+filepath.Join(dir, "f.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	by := actorOf(t, f, "A", RoleAssessor)
	d, _ := addPump(t, f, by)
	_, _, err = f.UploadFile(ctx, by, d.ID, "probe/ward5.json", []byte("{\"schemaVersion\": \"5\",\n  \"hosts\": 3}"))
	if !app.IsInput(err) || !strings.Contains(err.Error(), "probe/ward5.json:2:") {
		t.Fatalf("results that are no probe results: %v", err)
	}
	if fs, err := f.store.FilesExcept(ctx, by.Org, d.ID, nil); err != nil || len(fs) != 2 {
		t.Fatalf("a refused upload left %d files (want the 2 SBOMs): %v", len(fs), err)
	}
	results, err := os.ReadFile(filepath.Join("testdata", "probe-ward5.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.UploadFile(ctx, by, d.ID, "probe/ward5.json", results); err != nil {
		t.Fatal(err)
	}
	rep := string(reassessed(t, f, by, d.ID))
	if strings.Contains(rep, "mdcheck-assess-") {
		t.Error("the report names the folder the check ran in")
	}
	for _, want := range []string{
		`"detail": "port 23 (telnet) is declared by pump/telnet"`,
		`"detail": "port 21 is open (ftp) but no interface of the model declares it"`,
		`"detail": "in the clear: telnet, by its greeting: Telnet option negotiation (IAC)"`,
		"\"role\": \"probe\",\n      \"path\": \"probe/ward5.json\"",
		`"file": "probe/ward5.json"`,
	} {
		if !strings.Contains(rep, want) {
			t.Errorf("the report lacks %s", want)
		}
	}
}

// pumpSBOMs are the SBOMs of the infusion-pump example.
var pumpSBOMs = []string{"sbom/drug-library-server.cdx.json", "sbom/pump-firmware.spdx"}

// addPump adds the infusion-pump example with its SBOMs to f; read
// reads its files.
func addPump(t *testing.T, f *Fleet, by Actor) (d Device, read func(string) []byte) {
	t.Helper()
	read = func(p string) []byte {
		b, err := os.ReadFile(filepath.Join("..", "..", "examples", "infusion-pump", p))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	d, _, err := f.AddDevice(context.Background(), by, read("device.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pumpSBOMs {
		if _, _, err := f.UploadFile(context.Background(), by, d.ID, p, read(p)); err != nil {
			t.Fatal(err)
		}
	}
	return d, read
}

// reassessed assesses device again and returns its report.
func reassessed(t *testing.T, f *Fleet, by Actor, device string) []byte {
	t.Helper()
	ctx := context.Background()
	q, err := f.Reassess(ctx, by, device)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := f.RunQueued(ctx, 10); err != nil || n == 0 {
		t.Fatalf("ran %d: %v", n, err)
	}
	a, err := f.Assessment(ctx, by, q.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.Error != "" || len(a.Report) == 0 {
		t.Fatalf("assessment %s: %q", a.Status, a.Error)
	}
	return a.Report
}
