package sbom

import (
	"os"
	"testing"
)

// invariants checks what every successfully read document must hold.
func invariants(t *testing.T, doc *Document) {
	if doc.Format != CycloneDX && doc.Format != SPDX {
		t.Fatalf("format %q", doc.Format)
	}
	for i, c := range doc.Components {
		if c.Ref == "" {
			t.Fatalf("component %d has no reference", i)
		}
	}
	q := doc.Quality()
	for e, pct := range q.Coverage {
		if pct < 0 || pct > 100 {
			t.Fatalf("coverage of %s = %v", e, pct)
		}
	}
	if len(doc.Ledger()) != len(doc.Components) {
		t.Fatal("ledger and components differ in length")
	}
}

func fuzzSeeds(f *testing.F, files ...string) {
	for _, file := range files {
		data, err := os.ReadFile("testdata/" + file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

func fuzzParse(t *testing.T, data []byte) {
	doc, err := Parse("fuzz", data)
	if err != nil {
		return
	}
	invariants(t, doc)
}

func FuzzCycloneDXJSON(f *testing.F) {
	fuzzSeeds(f, "cern-lhc-vdm-editor.cdx.json")
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"name":"a","components":[{"name":"b"}]}],"dependencies":[{"ref":"x","dependsOn":["y"]}]}`))
	f.Fuzz(fuzzParse)
}

func FuzzCycloneDXXML(f *testing.F) {
	fuzzSeeds(f, "small.cdx.xml")
	f.Fuzz(fuzzParse)
}

func FuzzSPDXJSON(f *testing.F) {
	fuzzSeeds(f, "julia.spdx.json")
	f.Fuzz(fuzzParse)
}

func FuzzSPDXTagValue(f *testing.F) {
	fuzzSeeds(f, "freertos-corepkcs11.spdx")
	f.Fuzz(fuzzParse)
}
