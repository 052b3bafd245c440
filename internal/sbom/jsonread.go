package sbom

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"

	"github.com/mdcheck/mdcheck/internal/jsonsafe"
)

// CycloneDX and SPDX JSON are read with encoding/json/v2 (its module
// mirror until the toolchain has it) into types that hold only what the
// inventory uses. Members the inventory does not use are skipped by the
// tokenizer, never built: on the largest real SBOMs this reads five to
// seven times faster, and with a fraction of the memory, than decoding
// the libraries' full models with encoding/json.
//
// The options keep the leniency readers of these files have always had
// from encoding/json: a duplicated member keeps its last value, and
// member names match without regard to case (but not to dashes and
// underscores). Invalid UTF-8 is refused with its position before
// decoding (jsonDepth), so the decoder need not check it again.
var lenient = json.JoinOptions(
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
	json.MatchCaseInsensitiveNames(true),
	// As encoding/json: "Bomref" is not "bom-ref".
	jsonv1.MatchCaseSensitiveDelimiter(true),
)

// decodeJSON decodes data into v and turns a failure into a message with
// the line, column and JSON pointer of the fault.
func decodeJSON(data []byte, v any) error {
	if err := json.Unmarshal(data, v, lenient); err != nil {
		return jsonV2Error(data, err)
	}
	return nil
}

// jsonV2Error says where and what went wrong in a JSON decode.
func jsonV2Error(data []byte, err error) error {
	var se *json.SemanticError
	var sy *jsontext.SyntacticError
	switch {
	case errors.As(err, &se):
		l, c := jsonsafe.LineCol(data, se.ByteOffset)
		where := fmt.Sprintf("%d:%d", l, c)
		if se.JSONPointer != "" {
			where += ": " + string(se.JSONPointer)
		}
		if errors.As(se.Err, &sy) {
			return syntaxError(data, sy, err)
		}
		if se.Err != nil && se.GoType == nil {
			return fmt.Errorf("%s: %v", where, se.Err)
		}
		if se.GoType != nil && se.JSONKind != 0 {
			return fmt.Errorf("%s: should be %s, not %s", where, goKind(se.GoType), jsonKind(se.JSONKind))
		}
		return fmt.Errorf("%s: %v", where, se)
	case errors.As(err, &sy):
		return syntaxError(data, sy, err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		l, c := jsonsafe.LineCol(data, int64(len(data)))
		return fmt.Errorf("%d:%d: JSON ends too early (truncated file?)", l, c)
	}
	return err
}

func syntaxError(data []byte, sy *jsontext.SyntacticError, err error) error {
	l, c := jsonsafe.LineCol(data, sy.ByteOffset)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		l, c = jsonsafe.LineCol(data, int64(len(data)))
		return fmt.Errorf("%d:%d: JSON ends too early (truncated file?)", l, c)
	}
	msg := "syntactic error"
	if sy.Err != nil {
		msg = strings.TrimPrefix(sy.Err.Error(), "jsontext: ")
	}
	return fmt.Errorf("%d:%d: JSON syntax: %s", l, c, msg)
}

// goKind names what a Go type expects in JSON terms.
func goKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Float64:
		return "a number"
	}
	return t.String()
}

func jsonKind(k jsontext.Kind) string {
	switch k {
	case 'n':
		return "null"
	case 'f', 't':
		return "a boolean"
	case '"':
		return "a string"
	case '0':
		return "a number"
	case '{', '}':
		return "an object"
	case '[', ']':
		return "an array"
	}
	return k.String()
}

// counted is the number of elements of a JSON array whose elements the
// inventory does not need (hashes, checksums); null counts as none.
type counted int

func (n *counted) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	switch dec.PeekKind() {
	case 'n':
		_, err := dec.ReadToken()
		*n = 0
		return err
	case '[':
	default:
		return &json.SemanticError{JSONKind: dec.PeekKind(), GoType: reflect.TypeFor[[]any]()}
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	*n = 0
	for dec.PeekKind() != ']' {
		if err := dec.SkipValue(); err != nil {
			return err
		}
		*n++
	}
	_, err := dec.ReadToken()
	return err
}

// UnmarshalXML counts the <hash> elements of <hashes>.
func (n *counted) UnmarshalXML(dec *xml.Decoder, start xml.StartElement) error {
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "hash" {
				*n++
			}
			if err := dec.Skip(); err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

// spdxJSON is what the inventory reads of an SPDX 2.x JSON document; the
// member names are the same in 2.1, 2.2 and 2.3. File and snippet entries,
// which can be most of a document, are skipped.
type spdxJSON struct {
	SPDXVersion  string `json:"spdxVersion"`
	SPDXID       string `json:"SPDXID"`
	Name         string `json:"name"`
	CreationInfo *struct {
		Created  string   `json:"created"`
		Creators []string `json:"creators"`
	} `json:"creationInfo"`
	DocumentDescribes []string        `json:"documentDescribes"`
	Packages          []*spdxPackage  `json:"packages"`
	Relationships     []*spdxRelation `json:"relationships"`
}

type spdxPackage struct {
	SPDXID       string  `json:"SPDXID"`
	Name         string  `json:"name"`
	VersionInfo  string  `json:"versionInfo"`
	Supplier     string  `json:"supplier"`
	Originator   string  `json:"originator"`
	Checksums    counted `json:"checksums"`
	ExternalRefs []*struct {
		ReferenceType    string `json:"referenceType"`
		ReferenceLocator string `json:"referenceLocator"`
	} `json:"externalRefs"`
	HasFiles []string `json:"hasFiles"`
}

type spdxRelation struct {
	Element string `json:"spdxElementId"`
	Related string `json:"relatedSpdxElement"`
	Type    string `json:"relationshipType"`
}

// spdxRef is the element an SPDX identifier names in this document:
// "SPDXRef-x" for "SPDXRef-x" and "DocumentRef-d:SPDXRef-x", "" for NONE,
// NOASSERTION and a reference to a whole external document.
func spdxRef(id string) string {
	id = strings.TrimSpace(id)
	if rest, ok := strings.CutPrefix(id, "DocumentRef-"); ok {
		_, elem, found := strings.Cut(rest, ":")
		if !found {
			return ""
		}
		id = elem
	}
	if !strings.HasPrefix(id, "SPDXRef-") || id == "SPDXRef-" {
		return ""
	}
	return id
}

// spdxParty is the name in an SPDX supplier or creator, without its
// "Person:", "Organization:" or "Tool:" prefix; the kind is "" when the
// prefix is missing, and the name then is the whole value.
func spdxParty(v string) (kind, name string) {
	t := strings.TrimSpace(v)
	for _, k := range []string{"Person", "Organization", "Tool"} {
		if rest, ok := strings.CutPrefix(t, k+":"); ok {
			return k, strings.TrimSpace(rest)
		}
	}
	return "", t
}

// creator splits an SPDX creator, "Tool: name" or "Organization: name",
// at its first colon into kind and name; a creator without one is all
// name.
func creator(v string) (kind, name string) {
	k, n, ok := strings.Cut(v, ":")
	if !ok {
		return "", strings.TrimSpace(v)
	}
	return strings.TrimSpace(k), strings.TrimSpace(n)
}

// readSPDXJSON reads an SPDX 2.x JSON document.
func readSPDXJSON(data []byte) (*Document, error) {
	var doc spdxJSON
	if err := decodeJSON(data, &doc); err != nil {
		return nil, err
	}
	if !contains(knownSPDX, doc.SPDXVersion) {
		return nil, fmt.Errorf("/spdxVersion: %q is not a version mdcheck reads (%s)", doc.SPDXVersion, strings.Join(knownSPDX, ", "))
	}
	d := &Document{Format: SPDX, Encoding: "json", SpecVersion: strings.TrimPrefix(doc.SPDXVersion, "SPDX-"), Dependencies: map[string][]string{}}
	// Parties written without their Person: or Organization: prefix are
	// read as the whole value, with a warning where each is; the search
	// for where runs only when there is one.
	unprefixed := false
	for _, p := range doc.Packages {
		if p != nil {
			_, a := personOrOrg(p.Supplier)
			_, b := personOrOrg(p.Originator)
			unprefixed = unprefixed || a || b
		}
	}
	var parties [][5]int
	if unprefixed {
		parties = partyFields(data)
	}
	pos := newLineCounter(data)
	for _, f := range parties {
		var val string
		if err := json.Unmarshal(data[f[3]-1:f[4]+1], &val, lenient); err != nil {
			continue
		}
		if fixed, did := personOrOrg(val); did {
			l, c := pos.at(f[0])
			d.Warnings = append(d.Warnings, Warning{Where: fmt.Sprintf("%d:%d", l, c),
				Msg: fmt.Sprintf("%s %q lacks the Person: or Organization: prefix; read as %q", string(data[f[1]:f[2]]), val, fixed)})
		}
	}
	if ci := doc.CreationInfo; ci != nil {
		d.Timestamp = ci.Created
		for _, c := range ci.Creators {
			switch kind, name := creator(c); kind {
			case "Tool":
				d.Tools = append(d.Tools, name)
			default:
				d.Authors = append(d.Authors, name)
			}
		}
	}
	d.Subject = doc.Name
	described := map[string]bool{}
	for _, id := range doc.DocumentDescribes {
		described[spdxRef(id)] = true
	}
	for _, r := range doc.Relationships {
		if r == nil {
			continue
		}
		d.relate(r.Element, r.Type, r.Related, described)
	}
	d.Components = make([]Component, 0, len(doc.Packages))
	for i, p := range doc.Packages {
		if p == nil {
			continue
		}
		ref := spdxRef(p.SPDXID)
		if ref == "" {
			ref = fmt.Sprintf("/packages/%d", i)
			d.Warnings = append(d.Warnings, Warning{Where: ref + "/SPDXID", Msg: fmt.Sprintf("%q is not an SPDX element identifier (SPDXRef-...); the package is referred to as %s", p.SPDXID, ref)})
		}
		for _, f := range p.HasFiles {
			d.depend(ref, spdxRef(f))
		}
		c := Component{Ref: ref, Name: p.Name, Version: p.VersionInfo, Hashes: int(p.Checksums)}
		if _, name := spdxParty(p.Supplier); name != "" && name != "NOASSERTION" {
			c.Supplier = name
		}
		for _, r := range p.ExternalRefs {
			if r == nil {
				continue
			}
			switch strings.ToLower(strings.TrimSpace(r.ReferenceType)) {
			case "purl":
				if c.PURL == "" {
					c.PURL = r.ReferenceLocator
				}
			case "cpe23type", "cpe22type":
				c.CPEs = append(c.CPEs, r.ReferenceLocator)
			}
		}
		if described[ref] && d.Subject == doc.Name {
			d.Subject = strings.TrimSpace(p.Name + " " + p.VersionInfo)
		}
		d.Components = append(d.Components, c)
	}
	for k := range d.Dependencies {
		slices.Sort(d.Dependencies[k])
	}
	return d, nil
}
