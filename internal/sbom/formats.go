package sbom

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/mdcheck/mdcheck/internal/jsonsafe"
)

// lineCounter turns increasing byte offsets into lines and columns in one
// pass over the data.
type lineCounter struct {
	data      []byte
	off, line int
	lineStart int
}

func newLineCounter(data []byte) *lineCounter { return &lineCounter{data: data, line: 1} }

func (lc *lineCounter) at(off int) (int, int) {
	if off < lc.off {
		lc.off, lc.line, lc.lineStart = 0, 1, 0
	}
	for ; lc.off < off && lc.off < len(lc.data); lc.off++ {
		if lc.data[lc.off] == '\n' {
			lc.line++
			lc.lineStart = lc.off + 1
		}
	}
	return lc.line, off - lc.lineStart + 1
}

// jsonDepth refuses JSON nested deeper than MaxDepth or that is not
// UTF-8, before any decoder sees it.
func jsonDepth(data []byte) error { return jsonsafe.Check(data, MaxDepth) }

func parseJSON(data []byte) (*Document, error) {
	if err := jsonDepth(data); err != nil {
		return nil, err
	}
	// The format shows in a top-level key; finding it by search avoids
	// decoding the document once more just to look.
	bom, spdxAt := formatKeys(data[:min(len(data), 64<<10)])
	if bom < 0 && spdxAt < 0 {
		bom, spdxAt = formatKeys(data)
	}
	switch {
	case bom >= 0 && (spdxAt < 0 || bom < spdxAt):
		return readCycloneDXJSON(data)
	case spdxAt >= 0:
		return readSPDXJSON(data)
	}
	if err := json.Unmarshal(data, new(json.RawMessage)); err != nil {
		return nil, jsonsafe.Positioned(data, err)
	}
	return nil, errors.New("JSON document is neither CycloneDX (no bomFormat) nor SPDX (no spdxVersion)")
}

// formatKeys finds the first "bomFormat" and "spdxVersion" in data. Both
// usually sit near the top; searching a prefix first spares a search of the
// whole document for the key it does not have, and finds the same first
// occurrence.
func formatKeys(data []byte) (bom, spdx int) {
	return bytes.Index(data, []byte(`"bomFormat"`)), bytes.Index(data, []byte(`"spdxVersion"`))
}

// xmlCheck walks the XML once to bound nesting and to reject what a
// strict reader must: entity definitions (entity bombs) and undefined
// entities.
func xmlCheck(data []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			line, _ := dec.InputPos()
			return fmt.Errorf("%d: XML: %v", line, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > MaxDepth {
				line, col := dec.InputPos()
				return fmt.Errorf("%d:%d: nesting deeper than %d levels", line, col, MaxDepth)
			}
		case xml.EndElement:
			depth--
		case xml.Directive:
			if bytes.Contains(bytes.ToUpper(t), []byte("ENTITY")) {
				line, _ := dec.InputPos()
				return fmt.Errorf("%d: XML entity declarations are not accepted in an SBOM", line)
			}
		}
	}
}

// xmlDepth bounds element nesting with one cheap pass over the bytes
// (comments, CDATA, declarations and quoted attribute values skipped).
func xmlDepth(data []byte) error {
	skipTo := func(i int, end string) int {
		j := bytes.Index(data[i:], []byte(end))
		if j < 0 {
			return len(data)
		}
		return i + j + len(end)
	}
	depth := 0
	for i := 0; i < len(data); {
		if data[i] != '<' {
			i++
			continue
		}
		rest := data[i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			i = skipTo(i, "-->")
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			i = skipTo(i, "]]>")
		case bytes.HasPrefix(rest, []byte("<?")):
			i = skipTo(i, "?>")
		case bytes.HasPrefix(rest, []byte("<!")):
			i = skipTo(i, ">")
		case bytes.HasPrefix(rest, []byte("</")):
			depth--
			i = skipTo(i, ">")
		default:
			start := i
			var quote byte
			for i++; i < len(data); i++ {
				c := data[i]
				if quote != 0 {
					if c == quote {
						quote = 0
					}
					continue
				}
				if c == '"' || c == '\'' {
					quote = c
				} else if c == '>' {
					break
				}
			}
			if i < len(data) && data[i-1] != '/' {
				depth++
				if depth > MaxDepth {
					l, c := jsonsafe.LineCol(data, int64(start))
					return fmt.Errorf("%d:%d: nesting deeper than %d levels", l, c, MaxDepth)
				}
			}
			i++
		}
	}
	return nil
}

func parseXML(data []byte) (*Document, error) {
	// The XML library bounds nesting itself and never expands entities;
	// refuse entity declarations outright, and leave the full walk of
	// xmlCheck for explaining a document that does not decode.
	if i := bytes.Index(data, []byte("<!ENTITY")); i >= 0 {
		l, _ := jsonsafe.LineCol(data, int64(i))
		return nil, fmt.Errorf("%d: XML entity declarations are not accepted in an SBOM", l)
	}
	if err := xmlDepth(data); err != nil {
		return nil, err
	}
	if !bytes.Contains(data, []byte("http://cyclonedx.org/schema/bom/")) {
		return nil, errors.New("XML document is not CycloneDX (no http://cyclonedx.org/schema/bom/ namespace); SPDX RDF/XML is not read")
	}
	return readCycloneDXXML(data)
}

// knownCDX are the CycloneDX versions read.
var knownCDX = []string{"1.2", "1.3", "1.4", "1.5", "1.6"}

// knownSPDX are the SPDX versions read.
var knownSPDX = []string{"SPDX-2.1", "SPDX-2.2", "SPDX-2.3"}

// personOrOrg repairs a supplier or originator written without its
// "Person:" or "Organization:" prefix, as some tools do; it returns the
// repaired value and whether it changed anything.
func personOrOrg(v string) (string, bool) {
	t := strings.TrimSpace(v)
	switch {
	case t == "", t == "NOASSERTION", strings.HasPrefix(t, "Person:"), strings.HasPrefix(t, "Organization:"), strings.HasPrefix(t, "Tool:"):
		return v, false
	case strings.ContainsAny(t, "@<"):
		return "Person: " + t, true
	}
	return "Organization: " + t, true
}

// partyFields finds supplier and originator string values in SPDX JSON:
// for each, the byte offsets of the key and of the value's content between
// its quotes.
func partyFields(data []byte) [][5]int {
	var out [][5]int
	for _, key := range []string{`"supplier"`, `"originator"`} {
		k := []byte(key)
		for off := 0; ; {
			i := bytes.Index(data[off:], k)
			if i < 0 {
				break
			}
			start := off + i
			j := start + len(k)
			off = j
			for j < len(data) && (data[j] == ' ' || data[j] == '\t' || data[j] == '\n' || data[j] == '\r') {
				j++
			}
			if j >= len(data) || data[j] != ':' {
				continue
			}
			j++
			for j < len(data) && (data[j] == ' ' || data[j] == '\t' || data[j] == '\n' || data[j] == '\r') {
				j++
			}
			if j >= len(data) || data[j] != '"' {
				continue
			}
			vs := j + 1
			ve := vs
			for ve < len(data) && data[ve] != '"' {
				if data[ve] == '\\' {
					ve++
				}
				ve++
			}
			if ve >= len(data) {
				break
			}
			out = append(out, [5]int{start, start + 1, start + len(k) - 1, vs, ve})
			off = ve
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a][0] < out[b][0] })
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
