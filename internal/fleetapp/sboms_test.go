package fleetapp

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/report"
)

var tmp = regexp.MustCompile(`[^"\s]*mdcheck-assess-[0-9]+/`)

// TestParsedSBOMs: a device assessed again takes the SBOMs its App
// parsed before from memory, neither fetched nor written out, and its
// report is the same, byte for byte, as one from the files: by the
// same App, and by a fresh one that parses them again.
func TestParsedSBOMs(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "f.db")
	vulnDB := filepath.Join(dir, "v.db")
	f, err := Open(ctx, app.New(app.Config{DB: vulnDB, Snapshot: true}), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	by := actorOf(t, f, "A", RoleAssessor)
	d, read := addPump(t, f, by)
	sboms := pumpSBOMs
	reportOf := func(f *Fleet) []byte {
		t.Helper()
		// The folder the check ran in is named in the report; it is
		// another one each time.
		return tmp.ReplaceAll(reassessed(t, f, by, d.ID), nil)
	}
	cold := reportOf(f)

	// What the App holds now is handed over, and not written out.
	on, err := f.materialise(ctx, by.Org, d.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	var handed []string
	for p, r := range on.sboms {
		rel, _ := filepath.Rel(on.dir, p)
		handed = append(handed, filepath.ToSlash(rel))
		if r.Doc == nil || len(r.Doc.Components) == 0 || r.SHA256 == "" {
			t.Errorf("%s handed without its document or hash: %+v", rel, r)
		}
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s was written out too: %v", rel, err)
		}
	}
	on.release()
	slices.Sort(handed)
	if !slices.Equal(handed, sboms) {
		t.Errorf("handed over %v, want %v", handed, sboms)
	}

	if warm := reportOf(f); string(warm) != string(cold) {
		t.Errorf("the report from the parsed SBOMs differs from the one from the files:\n%s\n%s", warm, cold)
	}
	g, err := Open(ctx, app.New(app.Config{DB: vulnDB, Snapshot: true}), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if fresh := reportOf(g); string(fresh) != string(cold) {
		t.Errorf("a fresh App's report differs:\n%s\n%s", fresh, cold)
	}

	// The same check of the files on disk, as the command line runs it.
	files := filepath.Join(t.TempDir(), "mdcheck-assess-1")
	for _, p := range append(sboms, "device.yaml") {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(files, p)), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(files, p), read(p), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	res, err := app.New(app.Config{DB: vulnDB, Snapshot: true}).Check(ctx, app.CheckOptions{Model: filepath.Join(files, "device.yaml"), Date: f.store.Now().UTC().Truncate(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	res.Report.Device.File = "device.yaml"
	for i := range res.Report.Inputs {
		res.Report.Inputs[i].Path = strings.TrimPrefix(res.Report.Inputs[i].Path, filepath.ToSlash(files)+"/")
	}
	var b bytes.Buffer
	if err := report.JSON(&b, res.Report); err != nil {
		t.Fatal(err)
	}
	if fromFiles := tmp.ReplaceAll(b.Bytes(), nil); string(fromFiles) != string(cold) {
		t.Errorf("the report from the files differs:\n%s\n%s", fromFiles, cold)
	}

	// A file a new model version names as an SBOM, uploaded when none
	// named it (so not read as one then), is written out when it is no
	// SBOM, and the check says why, as from the files.
	if _, _, err := f.UploadFile(ctx, by, d.ID, "sbom/other.json", []byte(`{"not": "an SBOM"}`)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.UploadModel(ctx, by, d.ID, bytes.ReplaceAll(read("device.yaml"), []byte(sboms[0]), []byte("sbom/other.json"))); err != nil {
		t.Fatal(err)
	}
	broken := string(reportOf(f))
	if !strings.Contains(broken, `"file": "sbom/other.json"`) || !strings.Contains(broken, "neither CycloneDX") {
		t.Errorf("the report of a broken SBOM does not say why:\n%s", broken)
	}
}
