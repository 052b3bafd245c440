package release

import (
	"bytes"
	"crypto/sha256"
	"os"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/mdcheck/mdcheck/internal/sbom"
)

// testdata/buildinfo.txt is the build information of an mdcheck binary
// built with go build ./cmd/mdcheck (debug/buildinfo.ReadFile, String).
// Its SBOM must list every module linked in and the Go toolchain, and
// mdcheck's own SBOM reader must find nothing missing.
func TestBOMOfBinary(t *testing.T) {
	text, err := os.ReadFile("testdata/buildinfo.txt")
	if err != nil {
		t.Fatal(err)
	}
	info, err := debug.ParseBuildInfo(string(text))
	if err != nil {
		t.Fatal(err)
	}
	// ParseBuildInfo leaves out the toolchain line that String writes.
	first, _, _ := strings.Cut(string(text), "\n")
	info.GoVersion = strings.TrimPrefix(first, "go\t")
	if len(info.Deps) < 10 || !strings.HasPrefix(info.GoVersion, "go1.") {
		t.Fatalf("testdata lists %d modules", len(info.Deps))
	}
	// A replaced module is listed as what was linked in.
	info.Deps = append(info.Deps, &debug.Module{Path: "example.com/old", Version: "v1.0.0",
		Replace: &debug.Module{Path: "example.com/fork", Version: "v1.0.1"}})
	bin := Binary{Name: "mdcheck_linux_amd64", SHA256: sha256.Sum256([]byte("binary")), Info: info}
	when := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	bom, err := BOM(bin, "v1.2.3", when)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Write(&out, bom); err != nil {
		t.Fatal(err)
	}
	doc, err := sbom.Parse("mdcheck.cdx.json", out.Bytes())
	if err != nil {
		t.Fatalf("mdcheck cannot read its own SBOM: %v", err)
	}
	if doc.Subject != "mdcheck v1.2.3" {
		t.Errorf("subject %q, want mdcheck v1.2.3", doc.Subject)
	}
	purls := map[string]bool{}
	for _, c := range doc.Components {
		purls[c.PURL] = true
	}
	for _, d := range info.Deps {
		m := d
		if d.Replace != nil {
			m = d.Replace
		}
		if want := GoPURL(m.Path, m.Version); !purls[want] {
			t.Errorf("module %s@%s missing (want %s)", m.Path, m.Version, want)
		}
	}
	if purls["pkg:golang/example.com/old@v1.0.0"] {
		t.Error("a replaced module is listed under its original name")
	}
	goVersion := strings.TrimPrefix(strings.Fields(info.GoVersion)[0], "go")
	if !purls["pkg:golang/stdlib@"+goVersion] {
		t.Errorf("no stdlib component for %s", info.GoVersion)
	}
	if len(doc.Components) != len(info.Deps)+1 {
		t.Errorf("%d components, want %d modules and stdlib", len(doc.Components), len(info.Deps)+1)
	}
	if q := doc.Quality(); q.Score != 100 {
		t.Errorf("NTIA minimum elements score %.1f%%, want 100%%: %v", q.Score, q.Coverage)
	}
	if !strings.Contains(out.String(), `"content": "`+sha256Hex("binary")+`"`) {
		t.Error("the binary's SHA-256 is not in the SBOM")
	}
	if !strings.Contains(out.String(), `"timestamp": "2026-12-01T10:00:00Z"`) {
		t.Error("the timestamp given is not the SBOM's")
	}

	// The same binary gets the same SBOM; another binary another serial.
	again, _ := BOM(bin, "v1.2.3", when)
	var out2 bytes.Buffer
	_ = Write(&out2, again)
	if !bytes.Equal(out.Bytes(), out2.Bytes()) {
		t.Error("two SBOMs of one binary differ")
	}
	other := bin
	other.SHA256 = sha256.Sum256([]byte("other"))
	ob, _ := BOM(other, "v1.2.3", when)
	if ob.SerialNumber == bom.SerialNumber {
		t.Error("two binaries share a serial number")
	}
}

func TestBOMWithoutBuildInfo(t *testing.T) {
	if _, err := BOM(Binary{Name: "x"}, "v1", time.Now()); err == nil || !strings.Contains(err.Error(), "x: no Go build information") {
		t.Errorf("error %v", err)
	}
}

func TestGoPURLAndSupplier(t *testing.T) {
	for _, c := range []struct{ path, version, purl, supplier string }{
		{"github.com/spf13/cobra", "v1.10.2", "pkg:golang/github.com/spf13/cobra@v1.10.2", "spf13"},
		{"golang.org/x/sys", "v0.49.0", "pkg:golang/golang.org/x/sys@v0.49.0", "The Go Authors"},
		{"cel.dev/expr", "v0.26.0", "pkg:golang/cel.dev/expr@v0.26.0", "cel.dev"},
		{"stdlib", "1.26.8", "pkg:golang/stdlib@1.26.8", "stdlib"},
	} {
		if got := GoPURL(c.path, c.version); got != c.purl {
			t.Errorf("GoPURL(%s) = %s, want %s", c.path, got, c.purl)
		}
		if got := Supplier(c.path).Name; got != c.supplier {
			t.Errorf("Supplier(%s) = %s, want %s", c.path, got, c.supplier)
		}
	}
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	const hexdigits = "0123456789abcdef"
	b := make([]byte, 0, 64)
	for _, c := range sum {
		b = append(b, hexdigits[c>>4], hexdigits[c&15])
	}
	return string(b)
}
