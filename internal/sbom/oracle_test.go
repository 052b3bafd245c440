package sbom

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/mdcheck/mdcheck/internal/jsonsafe"
	"github.com/mdcheck/mdcheck/internal/testutil/shareddata"
	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx"
	"github.com/spdx/tools-golang/tagvalue"
)

// libraryRead reads an SBOM through the official libraries'
// full models (cyclonedx-go, tools-golang): the reference the lean readers
// must agree with on every document both read.
func libraryRead(data []byte) (*Document, error) {
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("<")) {
		d, err := parseCycloneDX(data, cdx.BOMFileFormatXML, "xml")
		if err != nil {
			return nil, err
		}
		return emptyNotNil(d), nil
	}
	if bytes.Contains(data, []byte(`"bomFormat"`)) {
		d, err := parseCycloneDX(data, cdx.BOMFileFormatJSON, "json")
		if err != nil {
			return nil, err
		}
		return emptyNotNil(d), nil
	}
	var doc *spdx.Document
	var version string
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) {
		var head struct {
			SPDXVersion string `json:"spdxVersion"`
		}
		if err := json.Unmarshal(data, &head); err != nil {
			return nil, err
		}
		version = head.SPDXVersion
		var err error
		if doc, err = spdxjson.Read(bytes.NewReader(data)); err != nil {
			return nil, err
		}
	} else {
		if m := regexp.MustCompile(`(?m)^\s*SPDXVersion:\s*(\S+)`).FindSubmatch(data); m != nil {
			version = string(m[1])
		}
		var err error
		if doc, err = tagvalue.Read(bytes.NewReader(data)); err != nil {
			return nil, err
		}
	}
	// The library converts older versions to its 2.3 model; the version
	// is the one the document declares.
	encoding := "json"
	if !bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) {
		encoding = "tag-value"
	}
	d := emptyNotNil(fromSPDX(doc, encoding))
	d.SpecVersion = strings.TrimPrefix(version, "SPDX-")
	// The library names NONE and NOASSERTION relationship ends "SPDXRef-"
	// with nothing after it; the lean reader leaves such ends out.
	for from, to := range d.Dependencies {
		to = slices.DeleteFunc(to, func(s string) bool { return s == "SPDXRef-" })
		if from == "SPDXRef-" || len(to) == 0 {
			delete(d.Dependencies, from)
			continue
		}
		d.Dependencies[from] = to
	}
	return d, nil
}

// caseVariant reports whether data names a member the readers use in
// other than its own case.
func caseVariant(data []byte) bool {
	lower := bytes.ToLower(data)
	for _, name := range []string{"spdxVersion", "SPDXID", "name", "creationInfo", "created", "creators", "documentDescribes",
		"packages", "versionInfo", "supplier", "checksums", "externalRefs", "referenceType", "referenceLocator", "hasFiles",
		"relationships", "spdxElementId", "relatedSpdxElement", "relationshipType"} {
		if bytes.Contains(lower, []byte(`"`+strings.ToLower(name)+`"`)) && bytes.Count(lower, []byte(`"`+strings.ToLower(name)+`"`)) != bytes.Count(data, []byte(`"`+name+`"`)) {
			return true
		}
	}
	return false
}

// emptyNotNil gives a document empty lists where Parse gives them.
func emptyNotNil(d *Document) *Document {
	if d.Authors == nil {
		d.Authors = []string{}
	}
	if d.Tools == nil {
		d.Tools = []string{}
	}
	return d
}

// sameInventory reports how two readings of one document differ, if they
// do, in what the inventory holds (warnings aside: the library readers
// have none of their own).
func sameInventory(t *testing.T, name string, got, want *Document) {
	t.Helper()
	if got.Format != want.Format || got.SpecVersion != want.SpecVersion || got.Subject != want.Subject || got.Timestamp != want.Timestamp {
		t.Errorf("%s: header = %s %s %q %q, library %s %s %q %q", name, got.Format, got.SpecVersion, got.Subject, got.Timestamp,
			want.Format, want.SpecVersion, want.Subject, want.Timestamp)
	}
	if !reflect.DeepEqual(got.Authors, want.Authors) || !reflect.DeepEqual(got.Tools, want.Tools) {
		t.Errorf("%s: authors %q tools %q, library %q %q", name, got.Authors, got.Tools, want.Authors, want.Tools)
	}
	if len(got.Components) != len(want.Components) {
		t.Fatalf("%s: %d components, library %d", name, len(got.Components), len(want.Components))
	}
	for i := range got.Components {
		if !reflect.DeepEqual(got.Components[i], want.Components[i]) {
			t.Errorf("%s: component %d = %+v, library %+v", name, i, got.Components[i], want.Components[i])
		}
	}
	if len(got.Dependencies) != len(want.Dependencies) {
		t.Errorf("%s: %d dependency entries, library %d", name, len(got.Dependencies), len(want.Dependencies))
	}
	for k, v := range want.Dependencies {
		if g, ok := got.Dependencies[k]; !ok || len(g) != len(v) || len(v) > 0 && !reflect.DeepEqual(g, v) {
			t.Errorf("%s: dependencies of %s = %q, library %q", name, k, got.Dependencies[k], v)
		}
	}
}

// TestReadersAgreeWithLibraries reads every SBOM of testdata and of the
// shared collection with both readers.
func TestReadersAgreeWithLibraries(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.json")
	xmls, _ := filepath.Glob("testdata/*.xml")
	shared, _ := filepath.Glob(filepath.Join(sharedData, "*", "*.json"))
	sharedXML, _ := filepath.Glob(filepath.Join(sharedData, "*", "*.xml"))
	tv, _ := filepath.Glob("testdata/*.spdx")
	sharedTV, _ := filepath.Glob(filepath.Join(sharedData, "*", "*.spdx"))
	files = append(append(append(append(files, xmls...), sharedXML...), tv...), sharedTV...)
	if len(shared) == 0 {
		shareddata.Dir(t, "sbom") // skipped, or failed under CI, without it
	}
	files = append(files, shared...)
	compared := map[string]int{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Parse(f, data)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		want, err := libraryRead(data)
		if err != nil {
			// The library refuses what the lean reader repairs; the
			// repair must then be among the warnings.
			if len(got.Warnings) == 0 {
				t.Errorf("%s: library refuses it (%v), yet no warning says what was repaired", f, err)
			}
			continue
		}
		sameInventory(t, f, got, want)
		compared[got.Encoding]++
	}
	for _, enc := range []string{"json", "xml", "tag-value"} {
		if compared[enc] == 0 {
			t.Errorf("no %s document compared (%v)", enc, compared)
		}
	}
	t.Logf("compared %v", compared)
}

// FuzzXMLReaderAgreesWithLibrary: whatever cyclonedx-go reads, the lean
// XML reader reads the same way.
func FuzzXMLReaderAgreesWithLibrary(f *testing.F) {
	fuzzSeeds(f, "small.cdx.xml")
	f.Add([]byte(`<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><metadata><timestamp>t</timestamp><tools><components><component><name>n</name><version>1</version></component></components></tools><authors><author><email>a@b</email></author></authors><component><name>dev</name></component></metadata><components><component type="library" bom-ref="r"><supplier><name>s</name></supplier><name>a</name><hashes><hash alg="SHA-1">00</hash></hashes><components><component><name>b</name><cpe>cpe:2.3:a:x:y:1:*:*:*:*:*:*:*</cpe></component></components></component></components><dependencies><dependency ref="r"><dependency ref="y"/></dependency></dependencies></bom>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		// The reference takes any xmlns ending in a version; CycloneDX is
		// the one in its own namespace.
		if !bytes.HasPrefix(bytes.TrimSpace(data), []byte("<")) || xmlDepth(data) != nil || !bytes.Contains(data, []byte(`xmlns="`+cdxNamespace)) {
			return
		}
		agrees(t, data)
	})
}

// agrees requires the lean reader to read whatever the library reads, and
// the same way unless the lean reader reports a repair.
func agrees(t *testing.T, data []byte) {
	want, err := libraryRead(data)
	if err != nil {
		return
	}
	got, err := Parse("fuzz", data)
	if err != nil {
		t.Fatalf("the library reads it, the lean reader does not: %v", err)
	}
	if len(got.Warnings) > 0 {
		return
	}
	sameInventory(t, "fuzz", got, want)
}

// FuzzTagValueAgreesWithLibrary: whatever tools-golang reads, the lean
// tag-value reader reads the same way, unless it reports a repair.
func FuzzTagValueAgreesWithLibrary(f *testing.F) {
	fuzzSeeds(f, "freertos-corepkcs11.spdx")
	f.Add([]byte("SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: d\nDocumentNamespace: https://x.example/d\nCreator: Tool: t\nCreator: Organization: o\nCreated: 2024-01-01T00:00:00Z\n\nPackageName: p\nSPDXID: SPDXRef-p\nPackageVersion: 1\nPackageSupplier: Organization: s\nPackageDownloadLocation: NOASSERTION\nPackageChecksum: SHA1: 00\nExternalRef: PACKAGE-MANAGER purl pkg:pypi/p@1\nExternalRef: SECURITY cpe23Type cpe:2.3:a:x:p:1:*:*:*:*:*:*:*\nPackageComment: <text>two\nlines</text>\n\nFileName: f\nSPDXID: SPDXRef-f\n\nRelationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-p\nRelationship: SPDXRef-p CONTAINS SPDXRef-f\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) || bytes.HasPrefix(bytes.TrimSpace(data), []byte("<")) {
			return
		}
		agrees(t, data)
	})
}

// FuzzJSONReaderAgreesWithLibraries: whatever the libraries read, the
// lean reader reads the same way.
func FuzzJSONReaderAgreesWithLibraries(f *testing.F) {
	fuzzSeeds(f, "cern-lhc-vdm-editor.cdx.json", "julia.spdx.json")
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.5","metadata":{"tools":{"components":[{"name":"t","version":"1"}]},"authors":[{"email":"a@b"}]},"components":[{"bom-ref":"r","name":"a","supplier":{"name":"s"},"hashes":[{"alg":"SHA-256","content":"00"}],"components":[{"name":"b","cpe":"cpe:2.3:a:x:y:1:*:*:*:*:*:*:*"}]}],"dependencies":[{"ref":"r","dependsOn":["y"]},{"ref":"z"}]}`))
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.4","metadata":{"tools":[{"vendor":"v","name":"n"}],"manufacture":{"name":"m"},"component":{"name":"dev","version":"2"}},"components":[{"name":"a","publisher":"p","purl":"pkg:npm/a@1"}]}`))
	f.Add([]byte(`{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","name":"d","documentDescribes":["SPDXRef-p"],"creationInfo":{"created":"2024-01-01T00:00:00Z","creators":["Tool: t","Organization: o"]},"packages":[{"SPDXID":"SPDXRef-p","name":"p","versionInfo":"1","supplier":"Organization: s","checksums":[{"algorithm":"SHA1","checksumValue":"00"}],"externalRefs":[{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"pkg:pypi/p@1"}],"hasFiles":["SPDXRef-f"]}],"relationships":[{"spdxElementId":"SPDXRef-p","relatedSpdxElement":"DocumentRef-x:SPDXRef-q","relationshipType":"DEPENDS_ON"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		// The libraries take identifiers and parties from the raw JSON
		// text, escapes and all; the lean reader decodes them. Documents
		// with escapes are left to the other fuzz tests.
		if bytes.IndexByte(data, '\\') >= 0 || !bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) || jsonDepth(data) != nil {
			return
		}
		// tools-golang matches SPDX 2.1 and 2.2 member names exactly, the
		// lean reader (and cyclonedx-go) regardless of case.
		if caseVariant(data) {
			return
		}
		agrees(t, data)
	})
}

// specVersionField finds the declared version for an error message.
var specVersionField = regexp.MustCompile(`"specVersion"\s*:\s*"([^"]{0,40})"`)

// parseCycloneDX reads CycloneDX JSON or XML through cyclonedx-go.
func parseCycloneDX(data []byte, format cdx.BOMFileFormat, encoding string) (doc *Document, err error) {
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(data), format).Decode(&bom); err != nil {
		if errors.Is(err, cdx.ErrInvalidSpecVersion) {
			v := ""
			if m := specVersionField.FindSubmatch(data[:min(len(data), 1<<20)]); m != nil {
				v = string(m[1])
			}
			return nil, fmt.Errorf("/specVersion: CycloneDX %q is not a version mdcheck reads (%s)", v, strings.Join(knownCDX, ", "))
		}
		if encoding == "json" {
			return nil, jsonsafe.Positioned(data, err)
		}
		if derr := xmlCheck(data); derr != nil {
			return nil, derr // a precise, positioned reason
		}
		return nil, err
	}
	if encoding == "json" {
		if bom.BOMFormat != "CycloneDX" {
			return nil, fmt.Errorf("/bomFormat: %q is not \"CycloneDX\"", bom.BOMFormat)
		}
		if !contains(knownCDX, bom.SpecVersion.String()) {
			return nil, fmt.Errorf("/specVersion: CycloneDX %q is not a version mdcheck reads (%s)", bom.SpecVersion.String(), strings.Join(knownCDX, ", "))
		}
	}
	d := &Document{Format: CycloneDX, Encoding: encoding, SpecVersion: bom.SpecVersion.String(), Dependencies: map[string][]string{}}
	if encoding == "xml" {
		v := strings.TrimPrefix(bom.XMLNS, "http://cyclonedx.org/schema/bom/")
		if !contains(knownCDX, v) {
			return nil, fmt.Errorf("xmlns %q is not a CycloneDX version mdcheck reads (%s)", bom.XMLNS, strings.Join(knownCDX, ", "))
		}
		d.SpecVersion = v
	}
	if m := bom.Metadata; m != nil {
		d.Timestamp = m.Timestamp
		if m.Authors != nil {
			for _, a := range *m.Authors {
				d.Authors = append(d.Authors, firstOf(a.Name, a.Email))
			}
		}
		if m.Manufacture != nil && len(d.Authors) == 0 {
			d.Authors = append(d.Authors, m.Manufacture.Name)
		}
		if t := m.Tools; t != nil {
			if t.Tools != nil {
				for _, x := range *t.Tools {
					d.Tools = append(d.Tools, strings.TrimSpace(x.Vendor+" "+x.Name+" "+x.Version))
				}
			}
			if t.Components != nil {
				for _, x := range *t.Components {
					d.Tools = append(d.Tools, strings.TrimSpace(x.Name+" "+x.Version))
				}
			}
		}
		if c := m.Component; c != nil {
			d.Subject = strings.TrimSpace(c.Name + " " + c.Version)
		}
	}
	var walk func(cs []cdx.Component, parent, where string)
	walk = func(cs []cdx.Component, parent, where string) {
		for i, c := range cs {
			ref := c.BOMRef
			path := fmt.Sprintf("%s/%d", where, i)
			if ref == "" {
				ref = path
			}
			comp := Component{Ref: ref, Type: string(c.Type), Group: c.Group, Name: c.Name, Version: c.Version, PURL: c.PackageURL, Parent: parent}
			switch {
			case c.Supplier != nil && c.Supplier.Name != "":
				comp.Supplier = c.Supplier.Name
			case c.Publisher != "":
				comp.Supplier = c.Publisher
			}
			if c.CPE != "" {
				comp.CPEs = []string{c.CPE}
			}
			if c.Hashes != nil {
				comp.Hashes = len(*c.Hashes)
			}
			d.Components = append(d.Components, comp)
			if c.Components != nil {
				walk(*c.Components, ref, path+"/components")
			}
		}
	}
	if bom.Components != nil {
		walk(*bom.Components, "", "/components")
	}
	if bom.Dependencies != nil {
		for _, dep := range *bom.Dependencies {
			var on []string
			if dep.Dependencies != nil {
				on = append(on, *dep.Dependencies...)
			}
			d.Dependencies[dep.Ref] = append(d.Dependencies[dep.Ref], on...)
		}
	}
	return d, nil
}

// fromSPDX normalises a document read by tools-golang.
func fromSPDX(doc *spdx.Document, encoding string) *Document {
	d := &Document{Format: SPDX, Encoding: encoding, SpecVersion: strings.TrimPrefix(doc.SPDXVersion, "SPDX-"), Dependencies: map[string][]string{}}
	if ci := doc.CreationInfo; ci != nil {
		d.Timestamp = ci.Created
		for _, c := range ci.Creators {
			switch c.CreatorType {
			case "Tool":
				d.Tools = append(d.Tools, c.Creator)
			default:
				d.Authors = append(d.Authors, c.Creator)
			}
		}
	}
	d.Subject = doc.DocumentName
	described := map[string]bool{}
	for _, r := range doc.Relationships {
		if r == nil {
			continue
		}
		a, b := string(r.RefA.ElementRefID), string(r.RefB.ElementRefID)
		switch strings.ToUpper(r.Relationship) {
		case "DESCRIBES":
			described[b] = true
		case "DESCRIBED_BY":
			described[a] = true
		case "DEPENDS_ON", "CONTAINS", "DYNAMIC_LINK", "STATIC_LINK", "HAS_PREREQUISITE", "BUILD_DEPENDENCY_OF_REVERSE":
			d.Dependencies["SPDXRef-"+a] = append(d.Dependencies["SPDXRef-"+a], "SPDXRef-"+b)
		case "DEPENDENCY_OF", "CONTAINED_BY", "PREREQUISITE_FOR", "RUNTIME_DEPENDENCY_OF", "DEV_DEPENDENCY_OF", "BUILD_DEPENDENCY_OF", "OPTIONAL_DEPENDENCY_OF":
			d.Dependencies["SPDXRef-"+b] = append(d.Dependencies["SPDXRef-"+b], "SPDXRef-"+a)
		}
	}
	for _, p := range doc.Packages {
		if p == nil {
			continue
		}
		c := Component{Ref: "SPDXRef-" + string(p.PackageSPDXIdentifier), Name: p.PackageName, Version: p.PackageVersion, Hashes: len(p.PackageChecksums)}
		if s := p.PackageSupplier; s != nil && s.Supplier != "" && s.Supplier != "NOASSERTION" {
			c.Supplier = s.Supplier
		}
		for _, r := range p.PackageExternalReferences {
			if r == nil {
				continue
			}
			switch strings.ToLower(r.RefType) {
			case "purl":
				if c.PURL == "" {
					c.PURL = r.Locator
				}
			case "cpe23type", "cpe22type":
				c.CPEs = append(c.CPEs, r.Locator)
			}
		}
		if described[string(p.PackageSPDXIdentifier)] && d.Subject == doc.DocumentName {
			d.Subject = strings.TrimSpace(p.PackageName + " " + p.PackageVersion)
		}
		d.Components = append(d.Components, c)
	}
	for k := range d.Dependencies {
		sort.Strings(d.Dependencies[k])
	}
	return d
}

// TestFastXMLReadsRealDocuments: the fast scanner reads every real XML
// SBOM at hand itself (no fallback) and as encoding/xml does.
func TestFastXMLReadsRealDocuments(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.xml")
	shared, _ := filepath.Glob(filepath.Join(sharedData, "*", "*.xml"))
	for _, f := range append(files, shared...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fast, err := readCycloneDXXMLFast(data)
		if err != nil {
			t.Errorf("%s: the fast reader passes it on: %v", f, err)
			continue
		}
		slow, err := decodeCycloneDXXML(data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Errorf("%s: the fast reader and encoding/xml differ", f)
		}
	}
}

// FuzzFastXML: wherever both XML readers read a document, they read the
// same; the fast one never fails in any other way than passing it on.
func FuzzFastXML(f *testing.F) {
	fuzzSeeds(f, "small.cdx.xml")
	f.Add([]byte(`<?xml version="1.0" encoding="UTF-8"?><!-- c --><cdx:bom xmlns:cdx="http://cyclonedx.org/schema/bom/1.4"><cdx:metadata><cdx:tools><cdx:tool><cdx:vendor>v</cdx:vendor><cdx:name>n&amp;m</cdx:name></cdx:tool></cdx:tools></cdx:metadata><cdx:components><cdx:component type='library' bom-ref="a&#x41;"><cdx:name><![CDATA[x<y]]>z</cdx:name><cdx:hashes><cdx:hash alg="MD5">0</cdx:hash></cdx:hashes></cdx:component></cdx:components></cdx:bom>`))
	f.Add([]byte("<bom xmlns=\"http://cyclonedx.org/schema/bom/1.5\">\r\n<components><component><name>a\r\nb</name><version/><supplier><name>s</name></supplier><components><component><purl>p</purl></component></components></component></components><dependencies><dependency ref=\"a\"><dependency ref=\"b\"/></dependency></dependencies></bom>\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fast, err := readCycloneDXXMLFast(data)
		if err != nil {
			if err != errSlowPath {
				t.Fatalf("fast reader error %v is not errSlowPath", err)
			}
			return
		}
		slow, err := decodeCycloneDXXML(data)
		if err != nil {
			return
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("fast %+v\nslow %+v", fast, slow)
		}
	})
}
