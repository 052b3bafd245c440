package sbom

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mdcheck/mdcheck/internal/model"
)

func TestParseFixtures(t *testing.T) {
	tests := []struct {
		file, format, version, encoding string
		components                      int
	}{
		{"freertos-corepkcs11.spdx", SPDX, "2.2", "tag-value", 2},
		{"cern-lhc-vdm-editor.cdx.json", CycloneDX, "1.2", "json", 43},
		{"julia.spdx.json", SPDX, "2.2", "json", 34},
		{"small.cdx.xml", CycloneDX, "1.4", "xml", 3},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			doc, err := ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got := []any{doc.Format, doc.SpecVersion, doc.Encoding, len(doc.Components)}
			if diff := cmp.Diff([]any{tt.format, tt.version, tt.encoding, tt.components}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestSmallXML(t *testing.T) {
	doc, err := ReadFile("testdata/small.cdx.xml")
	if err != nil {
		t.Fatal(err)
	}
	if doc.Subject != "pump-firmware 2.8.4" || doc.Timestamp == "" || len(doc.Tools) != 1 {
		t.Errorf("metadata = %q %q %v", doc.Subject, doc.Timestamp, doc.Tools)
	}
	nested := doc.Components[1]
	if nested.Parent != "pkg:generic/freertos@11.2.0" || nested.PURL == "" {
		t.Errorf("nested component = %+v", nested)
	}
	if diff := cmp.Diff([]string{"pkg:generic/freertos@11.2.0", "mbedtls"}, doc.Dependencies["fw"]); diff != "" {
		t.Errorf("dependencies (-want +got):\n%s", diff)
	}
	q := doc.Quality()
	if q.Coverage[ElemSupplier] != 33.3 || q.Coverage[ElemIdentifier] != 66.7 || q.Coverage[ElemVersion] != 66.7 || q.Author || !q.Timestamp {
		t.Errorf("quality = %+v", q)
	}
	if len(q.Worst) == 0 || q.Worst[0].Name != "mbedtls" {
		t.Errorf("worst offender = %+v, want mbedtls first", q.Worst)
	}
	ledger := doc.Ledger()
	want := []bool{true, true, false}
	for i, e := range ledger {
		if e.Checkable != want[i] {
			t.Errorf("ledger[%d] %s checkable = %v (%s)", i, e.Name, e.Checkable, e.Reason)
		}
	}
	if !strings.Contains(ledger[2].Reason, "no identifier") {
		t.Errorf("ledger reason = %q", ledger[2].Reason)
	}
}

func TestLenientRepairs(t *testing.T) {
	src := `{"spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT", "name": "x", "documentNamespace": "https://x.example/x",
 "creationInfo": {"created": "2026-01-01T00:00:00Z", "creators": ["Tool: t"]},
 "packages": [{"name": "a", "SPDXID": "SPDXRef-a", "downloadLocation": "NOASSERTION", "originator": "Jane Doe <jane@x.example>", "supplier": "Acme Corp"}]}`
	doc, err := Parse("x.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Warnings) != 2 || doc.Warnings[0].Where != "3:87" || doc.Components[0].Supplier != "Acme Corp" {
		t.Errorf("warnings = %v, supplier %q", doc.Warnings, doc.Components[0].Supplier)
	}
	tv := "SPDXVersion: SPDX-2.2\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: x\nDocumentNamespace: https://x.example/x\nCreator: Tool: t\nCreated: 2026-01-01T00:00:00Z\n\nPackageName: a\nSPDXID: SPDXRef-a\nPackageDownloadLocation: NOASSERTION\nPackageOriginator: Jane Doe\n"
	doc, err = Parse("x.spdx", []byte(tv))
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Warnings) != 1 || doc.Warnings[0].Where != "line 12" {
		t.Errorf("tag-value warnings = %v", doc.Warnings)
	}
}

func TestParseErrors(t *testing.T) {
	good, _ := os.ReadFile("testdata/cern-lhc-vdm-editor.cdx.json")
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"empty", "", "file is empty"},
		{"not an sbom", "hello", "not an SBOM"},
		{"truncated json", string(good[:len(good)/2]), "truncated"},
		// The first fault in document order is reported: here the number
		// where a component belongs, before the stray comma.
		{"bad json", `{"bomFormat": "CycloneDX", "specVersion": "1.4", "components": [1,]}`, "1:65: /components/0: should be an object, not a number"},
		{"trailing comma", `{"bomFormat": "CycloneDX", "specVersion": "1.4", "components": [{"name": "a"},]}`, "1:78: JSON syntax"},
		{"bad spdx json", "{\"spdxVersion\": \"SPDX-2.3\",\n \"packages\": [{\"name\": \"a\" \"versionInfo\": \"1\"}]}", "2:28: JSON syntax"},
		{"spdx wrong type", "{\"spdxVersion\": \"SPDX-2.3\",\n \"packages\": [{\"name\": \"a\", \"versionInfo\": 1}]}", "2:44: /packages/0/versionInfo: should be a string, not a number"},
		{"unknown cdx version", `{"bomFormat": "CycloneDX", "specVersion": "9.9"}`, `/specVersion: CycloneDX "9.9" is not a version`},
		{"unknown spdx version", `{"spdxVersion": "SPDX-3.0"}`, `/spdxVersion: "SPDX-3.0"`},
		{"neither", `{"hello": 1}`, "neither CycloneDX"},
		{"deep json", `{"bomFormat": "CycloneDX", "x": ` + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + "}", "nesting deeper than 256"},
		{"invalid utf-8 in a name", "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.4\",\n \"components\": [{\"name\": \"caf\xe9\"}]}", "2:30 (byte 78): invalid UTF-8 (byte 0xe9); JSON text must be UTF-8"},
		{"invalid utf-8 in spdx", "{\"spdxVersion\": \"SPDX-2.3\", \"packages\": [{\"name\": \"\xff\"}]}", "1:52 (byte 51): invalid UTF-8 (byte 0xff)"},
		{"wrong type", `{"bomFormat": "CycloneDX", "specVersion": "1.4", "components": [{"name": 5}]}`, "1:74: /components/0/name: should be a string, not a number"},
		{"entity bomb", `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><bom xmlns="http://cyclonedx.org/schema/bom/1.4">&lol2;</bom>`, "entity declarations are not accepted"},
		{"undefined entity", `<bom xmlns="http://cyclonedx.org/schema/bom/1.4">&lol;</bom>`, "XML"},
		{"deep xml", `<bom xmlns="http://cyclonedx.org/schema/bom/1.4">` + strings.Repeat("<a>", 20_000) + strings.Repeat("</a>", 20_000) + "</bom>", "nesting deeper than 256"},
		{"spdx rdf", `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></rdf:RDF>`, "not CycloneDX"},
		{"unknown tag-value version", "SPDXVersion: SPDX-1.2\n", "not a version"},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.name, " ", "_"), func(t *testing.T) {
			_, err := Parse("in.json", []byte(tt.src))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "in.json") {
				t.Errorf("Parse = %v, want an error naming in.json and containing %q", err, tt.want)
			}
			if err != nil && !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
		})
	}
	big := filepath.Join(t.TempDir(), "big.json")
	f, _ := os.Create(big)
	_ = f.Truncate(1 << 30) // a sparse 1 GB file
	f.Close()
	if _, err := ReadFile(big); err == nil || !strings.Contains(err.Error(), "1073741824 bytes") {
		t.Errorf("ReadFile(1 GB) = %v", err)
	}
}

func TestApplySupport(t *testing.T) {
	doc, err := ReadFile("testdata/small.cdx.xml")
	if err != nil {
		t.Fatal(err)
	}
	doc.ApplySupport(&model.SBOMSupport{
		Default:   &model.Support3rdParty{Level: "maintained", EndOfSupport: "2031-12-31"},
		Overrides: []model.SupportOverride{{Match: "pkg:generic/freertos-tcp*", Level: "monitored", EndOfSupport: "2028-06-30"}, {Match: "mbed*", Level: "unsupported"}},
	})
	got := [][2]string{}
	for _, c := range doc.Components {
		got = append(got, [2]string{c.SupportLevel, c.EndOfSupport})
	}
	want := [][2]string{{"maintained", "2031-12-31"}, {"monitored", "2028-06-30"}, {"unsupported", ""}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("support (-want +got):\n%s", diff)
	}
	q := doc.Quality()
	if q.FDA[ElemSupportLevel] != 100 || q.FDA[ElemEndOfSupport] != 66.7 {
		t.Errorf("FDA coverage = %v", q.FDA)
	}
	b := doc.Evidence("fw", "components[0].sbom")
	if b.WithSupport != 2 || b.Unsupported != 1 || b.EarliestEndOfSupport != "2028-06-30" {
		t.Errorf("evidence = %+v", b)
	}
}

// TestQualityWorstBounded: the ten worst components, kept as they come,
// are those a stable sort of all offenders by elements missing puts first.
func TestQualityWorstBounded(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for round := 0; round < 200; round++ {
		doc := &Document{Dependencies: map[string][]string{}}
		for i := 0; i < r.IntN(40); i++ {
			c := Component{Ref: fmt.Sprint("c", i), Name: fmt.Sprint("n", i)}
			if r.IntN(2) == 0 {
				c.Supplier = "s"
			}
			if r.IntN(2) == 0 {
				c.Version = "1"
			}
			if r.IntN(2) == 0 {
				c.PURL = "pkg:npm/x@1"
			}
			if r.IntN(2) == 0 {
				doc.Dependencies["root"] = append(doc.Dependencies["root"], c.Ref)
			}
			doc.Components = append(doc.Components, c)
		}
		inGraph := doc.graph()
		var all []Offender
		for _, c := range doc.Components {
			if m := doc.Missing(c, inGraph); len(m) > 0 {
				all = append(all, Offender{Ref: c.Ref, Name: strings.TrimSpace(c.Name + " " + c.Version), Missing: m})
			}
		}
		sort.SliceStable(all, func(i, j int) bool { return len(all[i].Missing) > len(all[j].Missing) })
		want := all[:min(len(all), 10)]
		got := doc.Quality().Worst
		if len(got) != len(want) {
			t.Fatalf("round %d: %d worst, want %d", round, len(got), len(want))
		}
		for i := range want {
			if got[i].Ref != want[i].Ref {
				t.Fatalf("round %d: worst[%d] = %s, want %s", round, i, got[i].Ref, want[i].Ref)
			}
		}
	}
}
