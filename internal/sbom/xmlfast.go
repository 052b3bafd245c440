package sbom

import (
	"bytes"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A CycloneDX XML document is first read by a small scanner that knows
// just the XML a BOM is written in (elements, attributes, character and
// entity references, CDATA, comments, processing instructions) and
// walks only the elements the inventory uses; encoding/xml spends most of
// its time tokenizing what is then skipped. Anything the scanner does not
// handle, or any fault, sends the document to the encoding/xml reader,
// which reads it or says precisely what is wrong: the scanner never
// reports an error of its own, and a fuzz test holds the two readers to
// the same result wherever both read a document.

// encodingDecl finds the encoding an XML declaration names.
var encodingDecl = regexp.MustCompile(`encoding\s*=\s*["']([^"']*)["']`)

// errSlowPath sends a document to the encoding/xml reader.
var errSlowPath = errors.New("sbom: not for the fast XML reader")

// xmlScanner walks elements. After start returns an element, the caller
// consumes it to its end with children, text or skip.
type xmlScanner struct {
	data  []byte
	i     int
	stack [][]byte // raw names of the open elements
	empty bool     // the element just started was written <x/>
}

type xmlAttr struct {
	space, local string
	value        string
}

// splitName splits a raw name at its colon as encoding/xml does; more
// than one colon is not a name it accepts.
func splitName(raw []byte) (space, local string, err error) {
	switch bytes.Count(raw, []byte(":")) {
	case 0:
		return "", string(raw), nil
	case 1:
		s, l, _ := bytes.Cut(raw, []byte(":"))
		if len(s) == 0 || len(l) == 0 {
			return "", string(raw), nil
		}
		return string(s), string(l), nil
	}
	return "", "", errSlowPath
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == ':' || c >= 0x80
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (x *xmlScanner) name() ([]byte, error) {
	start := x.i
	if x.i < len(x.data) && (x.data[x.i] >= '0' && x.data[x.i] <= '9' || x.data[x.i] == '-' || x.data[x.i] == '.') {
		return nil, errSlowPath
	}
	for x.i < len(x.data) && isNameByte(x.data[x.i]) {
		x.i++
	}
	if x.i == start {
		return nil, errSlowPath
	}
	return x.data[start:x.i], nil
}

func (x *xmlScanner) spaces() {
	for x.i < len(x.data) && isSpace(x.data[x.i]) {
		x.i++
	}
}

// misc skips comments, processing instructions and, outside the root
// element, white space; it stops at anything else.
func (x *xmlScanner) misc(outside bool) error {
	for {
		if outside {
			x.spaces()
		}
		rest := x.data[x.i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			end := bytes.Index(rest[4:], []byte("-->"))
			if end < 0 || bytes.Contains(rest[4:4+end], []byte("--")) {
				return errSlowPath
			}
			x.i += 4 + end + 3
		case bytes.HasPrefix(rest, []byte("<?")):
			end := bytes.Index(rest[2:], []byte("?>"))
			if end < 0 {
				return errSlowPath
			}
			body := rest[2 : 2+end]
			target, content := body, []byte(nil)
			if sp := bytes.IndexFunc(body, func(r rune) bool { return r < 0x80 && isSpace(byte(r)) }); sp >= 0 {
				target, content = body[:sp], body[sp:]
			}
			if len(target) == 0 || bytes.ContainsFunc(target, func(r rune) bool { return r < 0x80 && !isNameByte(byte(r)) }) {
				return errSlowPath
			}
			// The declaration may name an encoding: only UTF-8 is read here.
			if string(target) == "xml" {
				if m := encodingDecl.FindSubmatch(content); m != nil && !strings.EqualFold(string(m[1]), "utf-8") {
					return errSlowPath
				}
			}
			end += 2
			x.i += end + 2
		default:
			return nil
		}
	}
}

// start reads the start tag at the scanner's position.
func (x *xmlScanner) start() (raw []byte, attrs []xmlAttr, err error) {
	if x.i >= len(x.data) || x.data[x.i] != '<' {
		return nil, nil, errSlowPath
	}
	x.i++
	if raw, err = x.name(); err != nil {
		return nil, nil, err
	}
	for {
		hadSpace := x.i < len(x.data) && isSpace(x.data[x.i])
		x.spaces()
		if x.i >= len(x.data) {
			return nil, nil, errSlowPath
		}
		switch x.data[x.i] {
		case '>':
			x.i++
			x.stack = append(x.stack, raw)
			x.empty = false
			return raw, attrs, nil
		case '/':
			if x.i+1 >= len(x.data) || x.data[x.i+1] != '>' {
				return nil, nil, errSlowPath
			}
			x.i += 2
			x.stack = append(x.stack, raw)
			x.empty = true
			return raw, attrs, nil
		}
		if !hadSpace {
			return nil, nil, errSlowPath
		}
		an, err := x.name()
		if err != nil {
			return nil, nil, err
		}
		x.spaces()
		if x.i >= len(x.data) || x.data[x.i] != '=' {
			return nil, nil, errSlowPath
		}
		x.i++
		x.spaces()
		if x.i >= len(x.data) || x.data[x.i] != '"' && x.data[x.i] != '\'' {
			return nil, nil, errSlowPath
		}
		q := x.data[x.i]
		end := bytes.IndexByte(x.data[x.i+1:], q)
		if end < 0 {
			return nil, nil, errSlowPath
		}
		raw := x.data[x.i+1 : x.i+1+end]
		if bytes.IndexByte(raw, '<') >= 0 {
			return nil, nil, errSlowPath
		}
		val, err := unescape(raw)
		if err != nil {
			return nil, nil, err
		}
		x.i += end + 2
		space, local, err := splitName(an)
		if err != nil {
			return nil, nil, err
		}
		attrs = append(attrs, xmlAttr{space: space, local: local, value: val})
	}
}

// next reads up to the next child element or the end of the current one;
// it returns the child's raw name (nil at the end) and appends the
// character data before it to text when text is not nil.
func (x *xmlScanner) next(text *[]byte) (child []byte, attrs []xmlAttr, err error) {
	if x.empty {
		x.empty = false
		x.stack = x.stack[:len(x.stack)-1]
		return nil, nil, nil
	}
	for {
		lt := bytes.IndexByte(x.data[x.i:], '<')
		if lt < 0 {
			return nil, nil, errSlowPath
		}
		if text != nil && lt > 0 {
			s, err := unescape(x.data[x.i : x.i+lt])
			if err != nil {
				return nil, nil, err
			}
			*text = append(*text, s...)
		} else if bytes.IndexByte(x.data[x.i:x.i+lt], '&') >= 0 {
			if _, err := unescape(x.data[x.i : x.i+lt]); err != nil {
				return nil, nil, err
			}
		}
		x.i += lt
		rest := x.data[x.i:]
		switch {
		case bytes.HasPrefix(rest, []byte("</")):
			x.i += 2
			raw, err := x.name()
			if err != nil {
				return nil, nil, err
			}
			x.spaces()
			open := x.stack[len(x.stack)-1]
			if x.i >= len(x.data) || x.data[x.i] != '>' || !bytes.Equal(raw, open) {
				return nil, nil, errSlowPath
			}
			x.i++
			x.stack = x.stack[:len(x.stack)-1]
			return nil, nil, nil
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			end := bytes.Index(rest, []byte("]]>"))
			if end < 0 {
				return nil, nil, errSlowPath
			}
			if text != nil {
				*text = append(*text, newlines(rest[9:end])...)
			}
			x.i += end + 3
		case bytes.HasPrefix(rest, []byte("<!--")), bytes.HasPrefix(rest, []byte("<?")):
			if err := x.misc(false); err != nil {
				return nil, nil, err
			}
		case bytes.HasPrefix(rest, []byte("<!")):
			return nil, nil, errSlowPath
		default:
			if len(x.stack) > MaxDepth {
				return nil, nil, errSlowPath
			}
			return x.start()
		}
	}
}

// skip consumes the current element.
func (x *xmlScanner) skip() error {
	for {
		child, _, err := x.next(nil)
		if err != nil {
			return err
		}
		if child == nil {
			return nil
		}
		if err := x.skip(); err != nil {
			return err
		}
	}
}

// text consumes the current element and returns its own character data,
// as encoding/xml gives it to a string field: nested elements skipped.
func (x *xmlScanner) text() (string, error) {
	var buf []byte
	for {
		child, _, err := x.next(&buf)
		if err != nil {
			return "", err
		}
		if child == nil {
			return string(buf), nil
		}
		if err := x.skip(); err != nil {
			return "", err
		}
	}
}

// children consumes the current element, calling fn for each child
// element with its local name; fn must consume the child.
func (x *xmlScanner) children(fn func(local string, attrs []xmlAttr) error) error {
	for {
		child, attrs, err := x.next(nil)
		if err != nil {
			return err
		}
		if child == nil {
			return nil
		}
		_, local, err := splitName(child)
		if err != nil {
			return err
		}
		if err := fn(local, attrs); err != nil {
			return err
		}
	}
}

// newlines normalises line ends as XML requires: CR LF and a lone CR
// become LF.
func newlines(b []byte) []byte {
	if bytes.IndexByte(b, '\r') < 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == '\r' {
			out = append(out, '\n')
			if i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
			continue
		}
		out = append(out, b[i])
	}
	return out
}

// unescape resolves the predefined entities and character references in
// character data or an attribute value, and normalises line ends.
func unescape(b []byte) (string, error) {
	b = newlines(b)
	if bytes.IndexByte(b, '&') < 0 {
		return string(b), nil
	}
	var out []byte
	for len(b) > 0 {
		amp := bytes.IndexByte(b, '&')
		if amp < 0 {
			out = append(out, b...)
			break
		}
		out = append(out, b[:amp]...)
		semi := bytes.IndexByte(b[amp:], ';')
		if semi < 0 {
			return "", errSlowPath
		}
		ref := string(b[amp+1 : amp+semi])
		b = b[amp+semi+1:]
		switch ref {
		case "lt":
			out = append(out, '<')
		case "gt":
			out = append(out, '>')
		case "amp":
			out = append(out, '&')
		case "apos":
			out = append(out, '\'')
		case "quot":
			out = append(out, '"')
		default:
			num, ok := strings.CutPrefix(ref, "#")
			if !ok || num == "" {
				return "", errSlowPath
			}
			base := 10
			if h, ok := strings.CutPrefix(num, "x"); ok {
				num, base = h, 16
			}
			n, err := strconv.ParseUint(num, base, 32)
			if err != nil || num == "" || num[0] == '+' || num[0] == '-' {
				return "", errSlowPath
			}
			r := rune(n)
			if !validXMLChar(r) {
				return "", errSlowPath
			}
			out = utf8.AppendRune(out, r)
		}
	}
	return string(out), nil
}

func validXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// readCycloneDXXMLFast reads a CycloneDX XML document with the scanner;
// errSlowPath (or any error) means: use the encoding/xml reader.
func readCycloneDXXMLFast(data []byte) (bom *cdxBOM, err error) {
	if !utf8.Valid(data) || bytes.ContainsFunc(data, func(r rune) bool { return r < 0x20 && r != '\t' && r != '\n' && r != '\r' }) {
		return nil, errSlowPath
	}
	x := &xmlScanner{data: data}
	if err := x.misc(true); err != nil {
		return nil, err
	}
	raw, attrs, err := x.start()
	if err != nil {
		return nil, err
	}
	bom = &cdxBOM{}
	space, local, err := splitName(raw)
	if err != nil {
		return nil, err
	}
	// The root's namespace, from the declaration of its prefix (or the
	// default namespace).
	nsAttr := "xmlns"
	for _, a := range attrs {
		if space != "" && a.space == "xmlns" && a.local == space || space == "" && a.space == "" && a.local == nsAttr {
			space = a.value
			break
		}
	}
	bom.XMLName.Space, bom.XMLName.Local = space, local
	err = x.children(func(name string, _ []xmlAttr) error {
		switch name {
		case "metadata":
			if bom.Metadata == nil {
				bom.Metadata = &cdxMetadata{}
			}
			return x.metadata(bom.Metadata)
		case "components":
			return x.components(&bom.Components)
		case "dependencies":
			return x.children(func(name string, attrs []xmlAttr) error {
				if name != "dependency" {
					return x.skip()
				}
				dep := cdxDependency{Ref: attrValue(attrs, "ref")}
				err := x.children(func(name string, attrs []xmlAttr) error {
					if name == "dependency" {
						dep.Nested = append(dep.Nested, struct {
							Ref string `xml:"ref,attr"`
						}{Ref: attrValue(attrs, "ref")})
					}
					return x.skip()
				})
				bom.Dependencies = append(bom.Dependencies, dep)
				return err
			})
		}
		return x.skip()
	})
	if err != nil {
		return nil, err
	}
	if err := x.misc(true); err != nil || x.i != len(data) {
		return nil, errSlowPath
	}
	return bom, nil
}

// attrValue is the value of the last attribute with this local name, as
// encoding/xml fills an attribute field.
func attrValue(attrs []xmlAttr, local string) string {
	v := ""
	for _, a := range attrs {
		if a.local == local {
			v = a.value
		}
	}
	return v
}

func (x *xmlScanner) metadata(m *cdxMetadata) error {
	return x.children(func(name string, _ []xmlAttr) error {
		var err error
		switch name {
		case "timestamp":
			m.Timestamp, err = x.text()
		case "tools":
			var legacy, comps []cdxNamed
			err = x.children(func(name string, _ []xmlAttr) error {
				switch name {
				case "tool":
					var t cdxNamed
					if err := x.named(&t); err != nil {
						return err
					}
					legacy = append(legacy, t)
					return nil
				case "components":
					return x.children(func(name string, _ []xmlAttr) error {
						if name != "component" {
							return x.skip()
						}
						var t cdxNamed
						if err := x.named(&t); err != nil {
							return err
						}
						comps = append(comps, t)
						return nil
					})
				}
				return x.skip()
			})
			m.Tools.add(legacy, comps)
		case "authors":
			err = x.children(func(name string, _ []xmlAttr) error {
				if name != "author" {
					return x.skip()
				}
				var a cdxContact
				err := x.children(func(name string, _ []xmlAttr) error {
					var err error
					switch name {
					case "name":
						a.Name, err = x.text()
					case "email":
						a.Email, err = x.text()
					default:
						err = x.skip()
					}
					return err
				})
				m.Authors = append(m.Authors, a)
				return err
			})
		case "component":
			if m.Component == nil {
				m.Component = &cdxNamed{}
			}
			err = x.named(m.Component)
		case "manufacture":
			if m.Manufacture == nil {
				m.Manufacture = &cdxNamed{}
			}
			err = x.named(m.Manufacture)
		default:
			err = x.skip()
		}
		return err
	})
}

// named reads the vendor, name and version of the current element.
func (x *xmlScanner) named(n *cdxNamed) error {
	return x.children(func(name string, _ []xmlAttr) error {
		var err error
		switch name {
		case "vendor":
			n.Vendor, err = x.text()
		case "name":
			n.Name, err = x.text()
		case "version":
			n.Version, err = x.text()
		default:
			err = x.skip()
		}
		return err
	})
}

// components reads a <components> element's <component> children.
func (x *xmlScanner) components(out *cdxComponents) error {
	return x.children(func(name string, attrs []xmlAttr) error {
		if name != "component" {
			return x.skip()
		}
		c := cdxComponent{BOMRef: attrValue(attrs, "bom-ref"), Type: attrValue(attrs, "type")}
		err := x.children(func(name string, _ []xmlAttr) error {
			var err error
			switch name {
			case "supplier":
				if c.Supplier == nil {
					c.Supplier = &cdxNamed{}
				}
				err = x.named(c.Supplier)
			case "publisher":
				c.Publisher, err = x.text()
			case "group":
				c.Group, err = x.text()
			case "name":
				c.Name, err = x.text()
			case "version":
				c.Version, err = x.text()
			case "cpe":
				c.CPE, err = x.text()
			case "purl":
				c.PURL, err = x.text()
			case "hashes":
				err = x.children(func(name string, _ []xmlAttr) error {
					if name == "hash" {
						c.Hashes++
					}
					return x.skip()
				})
			case "components":
				err = x.components(&c.Components)
			default:
				err = x.skip()
			}
			return err
		})
		*out = append(*out, c)
		return err
	})
}
