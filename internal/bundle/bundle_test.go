package bundle

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var day = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)

// testKey is a fixed key, so that bundles are reproducible in tests.
func testKey() ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
}

// sample writes a bundle of a model file on disk, two reports and a PDF
// printed from one of them.
func sample(t *testing.T, dir string) []byte {
	t.Helper()
	model := filepath.Join(dir, "device.yaml")
	data := []byte("apiVersion: mdcheck.dev/v1\nkind: Device\n")
	if err := os.WriteFile(model, data, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := hexSHA(data)
	var b bytes.Buffer
	m := Manifest{Subject: "Acme: Widget", Date: "2026-11-29", Tool: Tool{Name: "mdcheck", Version: "test", Catalog: "2026.12.0"}, PDF: &Binding{Path: "reports/report.pdf", From: "reports/report.html"}}
	files := []File{
		{Path: "reports/report.json", Role: "report", Data: []byte(`{"a":1}`)},
		{Path: "inputs/1-model/device.yaml", Role: "input:model", Source: model, SHA256: sum, Size: int64(len(data))},
		{Path: "reports/report.html", Role: "report", Data: []byte("<!DOCTYPE html><title>r</title>")},
	}
	if err := Write(&b, m, files, []byte("%PDF-1.4 fake"), testKey(), day); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func write(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRoundTripAndReproducible(t *testing.T) {
	dir := t.TempDir()
	a, b := sample(t, dir), sample(t, dir)
	if !bytes.Equal(a, b) {
		t.Error("two bundles of the same files differ")
	}
	res, err := Verify(write(t, dir, "b.zip", a), testKey().Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Manifest.Entries) != 3 || res.Manifest.PDF == nil || res.Manifest.Signer != Fingerprint(testKey().Public().(ed25519.PublicKey)) {
		t.Errorf("manifest = %+v", res.Manifest)
	}
}

// rewrite copies the zip, letting edit change, drop (nil) or keep each
// entry, then appends extra entries.
func rewrite(t *testing.T, src []byte, edit func(name string, data []byte) []byte, extra map[string][]byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(r)
		r.Close()
		if edit != nil {
			data = edit(f.Name, data)
		}
		if data == nil {
			continue
		}
		w, _ := zw.Create(f.Name)
		w.Write(data)
	}
	for name, data := range extra {
		w, _ := zw.Create(name)
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestTamper: each change is caught and named.
func TestTamper(t *testing.T) {
	dir := t.TempDir()
	good := sample(t, dir)
	pub := testKey().Public().(ed25519.PublicKey)
	otherPub := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, 32)).Public().(ed25519.PublicKey)
	for _, tc := range []struct {
		name, want string
		zip        []byte
		key        ed25519.PublicKey
	}{
		{"changed entry", "reports/report.json: changed", rewrite(t, good, func(n string, d []byte) []byte {
			if n == "reports/report.json" {
				return []byte(`{"a":2}`)
			}
			return d
		}, nil), pub},
		{"changed input", "inputs/1-model/device.yaml: changed", rewrite(t, good, func(n string, d []byte) []byte {
			if strings.HasPrefix(n, "inputs/") {
				return append(d, '#')
			}
			return d
		}, nil), pub},
		{"added entry", "reports/extra.txt: added", rewrite(t, good, nil, map[string][]byte{"reports/extra.txt": []byte("x")}), pub},
		{"removed entry", "reports/report.html: removed", rewrite(t, good, func(n string, d []byte) []byte {
			if n == "reports/report.html" {
				return nil
			}
			return d
		}, nil), pub},
		{"changed manifest", "signature does not verify", rewrite(t, good, func(n string, d []byte) []byte {
			if n == ManifestName {
				return bytes.Replace(d, []byte("Widget"), []byte("Gadget"), 1)
			}
			return d
		}, nil), pub},
		{"another key", "signature does not verify", good, otherPub},
		{"changed PDF", "reports/report.pdf: changed", rewrite(t, good, func(n string, d []byte) []byte {
			if n == "reports/report.pdf" {
				return []byte("%PDF-1.4 other")
			}
			return d
		}, nil), pub},
		{"removed PDF signature", "reports/report.pdf.sig: missing", rewrite(t, good, func(n string, d []byte) []byte {
			if n == "reports/report.pdf.sig" {
				return nil
			}
			return d
		}, nil), pub},
		{"second entry of a name", "reports/report.json: added", rewrite(t, good, nil, map[string][]byte{"reports/report.json": []byte(`{"a":1}`)}), pub},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Verify(write(t, t.TempDir(), "b.zip", tc.zip), tc.key)
			if !errors.Is(err, ErrTampered) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Verify = %v, want ErrTampered naming %q", err, tc.want)
			}
		})
	}
}

// TestSourceChanged: an input that changed since the check hashed it
// stops the bundle.
func TestSourceChanged(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "device.yaml", []byte("a"))
	err := Write(io.Discard, Manifest{}, []File{{Path: "inputs/1-model/device.yaml", Source: p, SHA256: hexSHA([]byte("b")), Size: 1}}, nil, testKey(), day)
	if err == nil || !strings.Contains(err.Error(), "changed after the check read it") {
		t.Errorf("Write = %v, want the changed input named", err)
	}
	for _, name := range []string{"/etc/passwd", "../x", "a/../../x", `a\b`, ManifestName} {
		if err := Write(io.Discard, Manifest{}, []File{{Path: name, Data: []byte("x")}}, nil, testKey(), day); err == nil {
			t.Errorf("entry name %q accepted", name)
		}
	}
}

// TestHostileZips: archives built to exhaust a reader are refused early.
func TestHostileZips(t *testing.T) {
	pub := testKey().Public().(ed25519.PublicKey)
	dir := t.TempDir()
	// Many entries: more than a bundle holds.
	var many bytes.Buffer
	zw := zip.NewWriter(&many)
	for i := 0; i <= maxEntries; i++ {
		zw.CreateHeader(&zip.FileHeader{Name: "e", Method: zip.Store})
	}
	zw.Close()
	if _, err := Verify(write(t, dir, "many.zip", many.Bytes()), pub); err == nil || !strings.Contains(err.Error(), "more than a bundle holds") {
		t.Errorf("many entries: %v", err)
	}
	// A manifest that inflates without end.
	var bomb bytes.Buffer
	zw = zip.NewWriter(&bomb)
	w, _ := zw.Create(ManifestName)
	chunk := make([]byte, 1<<20)
	for i := 0; i < 40; i++ {
		w.Write(chunk)
	}
	zw.Close()
	if _, err := Verify(write(t, dir, "bomb.zip", bomb.Bytes()), pub); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("manifest bomb: %v", err)
	}
	for _, junk := range [][]byte{nil, []byte("PK\x05\x06"), []byte("not a zip at all")} {
		if _, err := Verify(write(t, dir, "junk.zip", junk), pub); err == nil || errors.Is(err, ErrTampered) {
			t.Errorf("junk %q: %v, want an unreadable-zip error", junk, err)
		}
	}
}

func TestKeys(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "k")
	if err := Keygen(name, nil); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(name)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("private key mode %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	if err := Keygen(name, nil); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("Keygen over an existing key = %v", err)
	}
	priv, err := ReadPrivateKey(name)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ReadPublicKey(name + ".pub")
	if err != nil || !pub.Equal(priv.Public()) {
		t.Fatalf("public key %v, %v", pub, err)
	}
	if _, err := ReadPublicKey(name); err == nil || !strings.Contains(err.Error(), "is a private key") {
		t.Errorf("a private key as public: %v", err)
	}
	if _, err := ReadPrivateKey(write(t, dir, "junk", []byte("junk"))); err == nil || !strings.Contains(err.Error(), "not a PEM file") {
		t.Errorf("junk key: %v", err)
	}
}
