package sbom

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// cdxBOM is what the inventory reads of a CycloneDX document, in JSON or
// XML; the decoders skip everything else instead of building it.
type cdxBOM struct {
	XMLName      xml.Name        `json:"-"`
	BOMFormat    string          `json:"bomFormat" xml:"-"`
	SpecVersion  string          `json:"specVersion" xml:"-"`
	Metadata     *cdxMetadata    `json:"metadata" xml:"metadata"`
	Components   cdxComponents   `json:"components" xml:"components>component"`
	Dependencies []cdxDependency `json:"dependencies" xml:"dependencies>dependency"`
}

type cdxMetadata struct {
	Timestamp   string       `json:"timestamp" xml:"timestamp"`
	Tools       cdxTools     `json:"tools" xml:"tools"`
	Authors     []cdxContact `json:"authors" xml:"authors>author"`
	Component   *cdxNamed    `json:"component" xml:"component"`
	Manufacture *cdxNamed    `json:"manufacture" xml:"manufacture"`
}

type cdxContact struct {
	Name  string `json:"name" xml:"name"`
	Email string `json:"email" xml:"email"`
}

type cdxNamed struct {
	Vendor  string `json:"vendor" xml:"vendor"`
	Name    string `json:"name" xml:"name"`
	Version string `json:"version" xml:"version"`
}

type cdxComponent struct {
	BOMRef     string        `json:"bom-ref" xml:"bom-ref,attr"`
	Type       string        `json:"type" xml:"type,attr"`
	Supplier   *cdxNamed     `json:"supplier" xml:"supplier"`
	Publisher  string        `json:"publisher" xml:"publisher"`
	Group      string        `json:"group" xml:"group"`
	Name       string        `json:"name" xml:"name"`
	Version    string        `json:"version" xml:"version"`
	Hashes     counted       `json:"hashes" xml:"hashes"`
	CPE        string        `json:"cpe" xml:"cpe"`
	PURL       string        `json:"purl" xml:"purl"`
	Components cdxComponents `json:"components" xml:"components>component"`
}

// cdxComponents is a JSON array of components, decoded in chunks: a
// large slice grows by a quarter at a time, so appending a quarter of a
// million components one by one would allocate five times their size.
type cdxComponents []cdxComponent

func (l *cdxComponents) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if dec.PeekKind() != '[' {
		// null, or the type error the decoder gives for anything else.
		return json.UnmarshalDecode(dec, (*[]cdxComponent)(l))
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	var c chunks[cdxComponent]
	for dec.PeekKind() != ']' {
		if err := json.UnmarshalDecode(dec, c.next()); err != nil {
			return err
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	*l = c.slice()
	return nil
}

// count is the number of components, nested ones included.
func (l cdxComponents) count() int {
	n := len(l)
	for i := range l {
		n += l[i].Components.count()
	}
	return n
}

// cdxDependency is one entry of the dependency graph: in JSON a ref and
// the refs it depends on, in XML a <dependency ref> holding one per ref.
type cdxDependency struct {
	Ref       string   `json:"ref" xml:"ref,attr"`
	DependsOn []string `json:"dependsOn" xml:"-"`
	Nested    []struct {
		Ref string `xml:"ref,attr"`
	} `json:"-" xml:"dependency"`
}

// cdxTools is metadata.tools: a list of tools up to CycloneDX 1.4, and
// components and services since 1.5; the names of tools as "vendor name
// version", of components as "name version".
type cdxTools []string

func (t *cdxTools) add(legacy, components []cdxNamed) {
	for _, x := range legacy {
		*t = append(*t, strings.TrimSpace(x.Vendor+" "+x.Name+" "+x.Version))
	}
	for _, x := range components {
		*t = append(*t, strings.TrimSpace(x.Name+" "+x.Version))
	}
}

func (t *cdxTools) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	*t = nil
	switch dec.PeekKind() {
	case '[':
		var legacy []cdxNamed
		if err := json.UnmarshalDecode(dec, &legacy); err != nil {
			return err
		}
		t.add(legacy, nil)
	case '{':
		var v struct {
			Components []cdxNamed `json:"components"`
		}
		if err := json.UnmarshalDecode(dec, &v); err != nil {
			return err
		}
		t.add(nil, v.Components)
	default:
		return json.UnmarshalDecode(dec, new(*struct{}))
	}
	return nil
}

func (t *cdxTools) UnmarshalXML(dec *xml.Decoder, start xml.StartElement) error {
	var v struct {
		Tools      []cdxNamed `xml:"tool"`
		Components []cdxNamed `xml:"components>component"`
	}
	if err := dec.DecodeElement(&v, &start); err != nil {
		return err
	}
	t.add(v.Tools, v.Components)
	return nil
}

// cdxNamespace is the XML namespace of CycloneDX, followed by the version.
const cdxNamespace = "http://cyclonedx.org/schema/bom/"

// readCycloneDXJSON reads a CycloneDX JSON document.
func readCycloneDXJSON(data []byte) (*Document, error) {
	var bom cdxBOM
	if err := decodeJSON(data, &bom); err != nil {
		return nil, err
	}
	if bom.BOMFormat != CycloneDX {
		return nil, fmt.Errorf("/bomFormat: %q is not \"CycloneDX\"", bom.BOMFormat)
	}
	if !contains(knownCDX, bom.SpecVersion) {
		return nil, fmt.Errorf("/specVersion: CycloneDX %q is not a version mdcheck reads (%s)", bom.SpecVersion, strings.Join(knownCDX, ", "))
	}
	return bom.document("json", bom.SpecVersion), nil
}

// readCycloneDXXML reads a CycloneDX XML document: with the fast scanner
// when it can, else with encoding/xml.
func readCycloneDXXML(data []byte) (*Document, error) {
	bom, err := readCycloneDXXMLFast(data)
	if err != nil {
		if bom, err = decodeCycloneDXXML(data); err != nil {
			return nil, err
		}
	}
	if bom.XMLName.Local != "bom" {
		return nil, fmt.Errorf("root element <%s> is not a CycloneDX <bom>", bom.XMLName.Local)
	}
	v, ok := strings.CutPrefix(bom.XMLName.Space, cdxNamespace)
	if !ok || !contains(knownCDX, v) {
		return nil, fmt.Errorf("xmlns %q is not a CycloneDX version mdcheck reads (%s)", bom.XMLName.Space, strings.Join(knownCDX, ", "))
	}
	return bom.document("xml", v), nil
}

// decodeCycloneDXXML reads a CycloneDX XML document with encoding/xml.
func decodeCycloneDXXML(data []byte) (*cdxBOM, error) {
	var bom cdxBOM
	dec := xml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&bom); err != nil {
		if derr := xmlCheck(data); derr != nil {
			return nil, derr // a precise, positioned reason
		}
		line, _ := dec.InputPos()
		return nil, fmt.Errorf("%d: XML: %v", line, err)
	}
	return &bom, nil
}

// document normalises what was read.
func (bom *cdxBOM) document(encoding, version string) *Document {
	d := &Document{Format: CycloneDX, Encoding: encoding, SpecVersion: version, Dependencies: map[string][]string{}}
	if m := bom.Metadata; m != nil {
		d.Timestamp = m.Timestamp
		for _, a := range m.Authors {
			d.Authors = append(d.Authors, firstOf(a.Name, a.Email))
		}
		if m.Manufacture != nil && len(d.Authors) == 0 {
			d.Authors = append(d.Authors, m.Manufacture.Name)
		}
		d.Tools = append(d.Tools, m.Tools...)
		if c := m.Component; c != nil {
			d.Subject = strings.TrimSpace(c.Name + " " + c.Version)
		}
	}
	d.Components = make([]Component, 0, bom.Components.count())
	var walk func(cs []cdxComponent, parent, where string)
	walk = func(cs []cdxComponent, parent, where string) {
		for i, c := range cs {
			ref := c.BOMRef
			path := ""
			if ref == "" || len(c.Components) > 0 {
				path = where + "/" + strconv.Itoa(i)
			}
			if ref == "" {
				ref = path
			}
			comp := Component{Ref: ref, Type: c.Type, Group: c.Group, Name: c.Name, Version: c.Version, PURL: c.PURL, Parent: parent, Hashes: int(c.Hashes)}
			switch {
			case c.Supplier != nil && c.Supplier.Name != "":
				comp.Supplier = c.Supplier.Name
			case c.Publisher != "":
				comp.Supplier = c.Publisher
			}
			if c.CPE != "" {
				comp.CPEs = []string{c.CPE}
			}
			d.Components = append(d.Components, comp)
			walk(c.Components, ref, path+"/components")
		}
	}
	walk(bom.Components, "", "/components")
	for _, dep := range bom.Dependencies {
		on := dep.DependsOn
		for _, x := range dep.Nested {
			on = append(on, x.Ref)
		}
		d.Dependencies[dep.Ref] = append(d.Dependencies[dep.Ref], on...)
	}
	return d
}
