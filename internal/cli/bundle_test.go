package cli

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// entries reads a zip's entries by name.
func entries(t *testing.T, file string) map[string][]byte {
	t.Helper()
	zr, err := zip.OpenReader(file)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := map[string][]byte{}
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name], err = io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestBundle: keygen, check --bundle, verify; two runs give the same
// bytes for every entry but the PDF and its signature; a changed entry
// fails verify and is named.
func TestBundle(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "signer")
	if code, out, errs := run(t, "keygen", "-o", key); code != ExitOK || !strings.Contains(out, "signer.pub") {
		t.Fatalf("keygen: exit %d %q %q", code, out, errs)
	}
	if code, _, errs := run(t, "keygen", "-o", key); code != ExitInput || !strings.Contains(errs, "exists") {
		t.Errorf("keygen over a key: exit %d %q", code, errs)
	}
	model := "examples/pacemaker-system/device.yaml"
	var bundles []string
	for i := range 2 {
		b := filepath.Join(dir, []string{"a.zip", "b.zip"}[i])
		if code, _, errs := run(t, "check", "--date", date, "-f", "json", "-o", filepath.Join(dir, "r.json"), "--bundle", b, "--key", key, model); code != ExitOK {
			t.Fatalf("check --bundle: exit %d\n%s", code, errs)
		}
		bundles = append(bundles, b)
	}
	a, b := entries(t, bundles[0]), entries(t, bundles[1])
	for _, want := range []string{"manifest.json", "manifest.sig", "reports/report.json", "reports/report.html", "reports/report.sarif", "reports/report.openvex.json",
		"reports/report.csaf.json", "reports/report.md", "reports/report.txt", "reports/report.oscal.json", "inputs/01-model/device.yaml", "inputs/05-sbom-portal/portal-frontend.cdx.json"} {
		if _, ok := a[want]; !ok {
			t.Errorf("bundle lacks %s", want)
		}
	}
	for name, data := range a {
		if name == "reports/report.pdf" || name == "reports/report.pdf.sig" {
			continue
		}
		if !bytes.Equal(data, b[name]) {
			t.Errorf("%s differs between two runs", name)
		}
	}
	if _, ok := a["reports/report.pdf"]; ok != chromiumFound() {
		t.Errorf("PDF in the bundle: %v, Chromium found: %v", ok, chromiumFound())
	}
	single, _ := os.ReadFile(filepath.Join(dir, "r.json"))
	if !bytes.Equal(single, a["reports/report.json"]) {
		t.Error("the bundle's report.json differs from the one written with -o")
	}
	if code, out, errs := run(t, "verify", bundles[0], "--key", key+".pub"); code != ExitOK || !strings.Contains(out, "verified") {
		t.Errorf("verify: exit %d %q %q", code, out, errs)
	}
	// Tamper with one report: verify fails and names it.
	tampered := filepath.Join(dir, "t.zip")
	f, err := os.Create(tampered)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, data := range a {
		if name == "reports/report.txt" {
			data = append(data, "all clear\n"...)
		}
		w, _ := zw.Create(name)
		w.Write(data)
	}
	zw.Close()
	f.Close()
	if code, _, errs := run(t, "verify", tampered, "--key", key+".pub"); code != ExitFindings || !strings.Contains(errs, "reports/report.txt: changed") {
		t.Errorf("verify of a changed bundle: exit %d %q", code, errs)
	}
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"verify", bundles[0]}, "--key NAME.pub is needed"},
		{[]string{"verify", bundles[0], "--key", key}, "is a private key"},
		{[]string{"verify", filepath.Join(dir, "r.json"), "--key", key + ".pub"}, "not a readable zip"},
		{[]string{"check", "--bundle", filepath.Join(dir, "x.zip"), model}, "--bundle and --key go together"},
		{[]string{"keygen"}, "-o NAME is needed"},
	} {
		if code, _, errs := run(t, tc.args...); code != ExitInput || !strings.Contains(errs, tc.msg) {
			t.Errorf("%v: exit %d %q, want 2 mentioning %q", tc.args, code, errs, tc.msg)
		}
	}
}

func chromiumFound() bool {
	if p := os.Getenv("MDCHECK_CHROMIUM"); p != "" {
		return true
	}
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "headless_shell"} {
		if _, err := exec.LookPath(n); err == nil {
			return true
		}
	}
	return false
}

// TestHostileBundleMemory: verify reads a bundle whose central directory
// holds millions of records, and one whose manifest inflates without end,
// in a child process under 256 MiB, and refuses both.
func TestHostileBundleMemory(t *testing.T) {
	bin, dir := buildBinary(t)
	key := filepath.Join(dir, "k")
	if code, _, errs := run(t, "keygen", "-o", key); code != ExitOK {
		t.Fatal(errs)
	}
	// Two million directory records of one-byte names, all pointing at
	// one stored empty entry: 94 MB on disk.
	var buf bytes.Buffer
	local := []byte("PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x21\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00e")
	buf.Write(local)
	rec := []byte("PK\x01\x02\x14\x00\x14\x00\x00\x00\x00\x00\x00\x00\x21\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00e")
	n := 2_000_000
	dirOff := buf.Len()
	buf.Write(bytes.Repeat(rec, n))
	dirSize := buf.Len() - dirOff
	eocd := []byte("PK\x05\x06\x00\x00\x00\x00\xff\xff\xff\xff\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00")
	le32 := func(b []byte, v int) { b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24) }
	le32(eocd[12:], dirSize)
	le32(eocd[16:], dirOff)
	// The count, truncated to 16 bits as zip readers compare it.
	eocd[8], eocd[9], eocd[10], eocd[11] = byte(n), byte(n>>8), byte(n), byte(n>>8)
	buf.Write(eocd)
	many := filepath.Join(dir, "many.zip")
	if err := os.WriteFile(many, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	measureNaming(t, ExitInput, many, bin, "verify", many, "--key", key+".pub")

	// A manifest of 300 MiB of zeros (the deflated stream the database
	// import test also uses, compressed once).
	bombFile := filepath.Join(dir, "bomb.zip")
	writeBombZip(t, bombFile, "manifest.json", 300<<20, 300<<20)
	measureNaming(t, ExitInput, bombFile, bin, "verify", bombFile, "--key", key+".pub")
}
