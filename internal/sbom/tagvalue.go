package sbom

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// readTagValue reads an SPDX 2.x tag-value document: "Tag: value" lines,
// values in <text>...</text> spanning lines, comments after '#'. Only
// the tags the inventory uses are kept; a package's fields are those
// between its PackageName and the next file, snippet, licence or review
// section. One pass over the lines, without building the rest.
func readTagValue(data []byte) (*Document, error) {
	d := &Document{Format: SPDX, Encoding: "tag-value", Dependencies: map[string][]string{}}
	const (
		inDocument = iota
		inPackage
		inOther // a file, snippet, other-licence or review section
	)
	state := inDocument
	version, name := "", ""
	var pkg *Component
	pkgLine := 0
	var pkgs []*Component
	described := map[string]bool{}
	missingID := func() {
		if pkg != nil && pkg.Ref == "" {
			pkg.Ref = fmt.Sprintf("/packages/%d", len(pkgs)-1)
			d.Warnings = append(d.Warnings, Warning{Where: fmt.Sprintf("line %d", pkgLine),
				Msg: fmt.Sprintf("package %q has no SPDXID; it is referred to as %s", pkg.Name, pkg.Ref)})
		}
	}
	for lineNo, rest := 0, data; len(rest) > 0; {
		lineNo++
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		line = bytes.TrimLeft(bytes.TrimSuffix(line, []byte("\r")), " \t\r\v\f")
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		tagB, valB, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return nil, fmt.Errorf("line %d: %q is not a Tag: value pair", lineNo, clip(string(bytes.TrimRight(line, "\r"))))
		}
		tagB = bytes.TrimSpace(tagB)
		// Only the tags the inventory uses are turned into strings; the
		// rest, most of a document, is only read past.
		used := usedTags[string(tagB)]
		var tag, value string
		if used {
			tag = string(tagB)
		}
		if _, after, found := bytes.Cut(valB, []byte("<text>")); found {
			start := lineNo
			text, _, closed := bytes.Cut(after, []byte("</text>"))
			if !closed {
				// The text runs on over the following lines.
				var buf []byte
				if used {
					buf = append(append(buf, after...), '\n')
				}
				for !closed {
					if len(rest) == 0 {
						return nil, fmt.Errorf("line %d: the <text> of %s is not closed by </text>", start, tagB)
					}
					lineNo++
					line, rest, _ = bytes.Cut(rest, []byte("\n"))
					line = bytes.TrimSuffix(line, []byte("\r"))
					var before []byte
					before, _, closed = bytes.Cut(line, []byte("</text>"))
					if used {
						buf = append(buf, before...)
						if !closed {
							buf = append(buf, '\n')
						}
					}
				}
				text = buf
			}
			if used {
				value = string(text)
			}
		} else if used {
			value = string(bytes.TrimSpace(valB))
		}
		if !used {
			continue
		}
		switch tag {
		case "SPDXVersion":
			version = value
		case "DocumentName":
			name = value
		case "Created":
			d.Timestamp = value
		case "Creator":
			switch kind, who := creator(value); kind {
			case "Tool":
				d.Tools = append(d.Tools, who)
			default:
				d.Authors = append(d.Authors, who)
			}
		case "PackageName":
			missingID()
			state = inPackage
			pkg = &Component{Name: value}
			pkgLine = lineNo
			pkgs = append(pkgs, pkg)
		case "FileName", "SnippetSPDXID", "LicenseID", "Reviewer":
			missingID()
			state = inOther
		case "Relationship":
			f := strings.Fields(value)
			if len(f) != 3 {
				d.Warnings = append(d.Warnings, Warning{Where: fmt.Sprintf("line %d", lineNo),
					Msg: fmt.Sprintf("relationship %q is not \"element TYPE element\"; ignored", clip(value))})
				continue
			}
			d.relate(f[0], f[1], f[2], described)
		}
		if state != inPackage {
			continue
		}
		switch tag {
		case "SPDXID":
			if pkg.Ref != "" {
				d.Warnings = append(d.Warnings, Warning{Where: fmt.Sprintf("line %d", lineNo),
					Msg: fmt.Sprintf("package %q has a second SPDXID, %q; the last one is kept", pkg.Name, clip(value))})
			}
			pkg.Ref = spdxRef(value)
			if pkg.Ref == "" {
				pkg.Ref = fmt.Sprintf("/packages/%d", len(pkgs)-1)
				d.Warnings = append(d.Warnings, Warning{Where: fmt.Sprintf("line %d", lineNo),
					Msg: fmt.Sprintf("%q is not an SPDX element identifier (SPDXRef-...); the package is referred to as %s", clip(value), pkg.Ref)})
			}
		case "PackageVersion":
			pkg.Version = value
		case "PackageSupplier", "PackageOriginator":
			_, who := spdxParty(value)
			if fixed, did := personOrOrg(value); did {
				d.Warnings = append(d.Warnings, Warning{Where: fmt.Sprintf("line %d", lineNo),
					Msg: fmt.Sprintf("%s %q lacks the Person: or Organization: prefix; read as %q", tag, who, fixed)})
			}
			if tag == "PackageSupplier" && who != "NOASSERTION" {
				pkg.Supplier = who
			}
		case "PackageChecksum":
			pkg.Hashes++
		case "ExternalRef":
			f := strings.Fields(value)
			if len(f) != 3 {
				d.Warnings = append(d.Warnings, Warning{Where: fmt.Sprintf("line %d", lineNo),
					Msg: fmt.Sprintf("external reference %q is not \"CATEGORY TYPE LOCATOR\"; ignored", clip(value))})
				continue
			}
			switch strings.ToLower(f[1]) {
			case "purl":
				if pkg.PURL == "" {
					pkg.PURL = f[2]
				}
			case "cpe23type", "cpe22type":
				pkg.CPEs = append(pkg.CPEs, f[2])
			}
		}
	}
	missingID()
	if version == "" {
		return nil, errors.New("no SPDXVersion tag: not an SPDX tag-value document")
	}
	if !contains(knownSPDX, version) {
		return nil, fmt.Errorf("SPDXVersion %q is not a version mdcheck reads (%s)", version, strings.Join(knownSPDX, ", "))
	}
	d.SpecVersion = strings.TrimPrefix(version, "SPDX-")
	d.Subject = name
	for _, p := range pkgs {
		if described[p.Ref] && d.Subject == name {
			d.Subject = strings.TrimSpace(p.Name + " " + p.Version)
		}
		d.Components = append(d.Components, *p)
	}
	for k := range d.Dependencies {
		slices.Sort(d.Dependencies[k])
	}
	return d, nil
}

// usedTags are the tag-value tags the inventory reads.
var usedTags = map[string]bool{
	"SPDXVersion": true, "DocumentName": true, "Created": true, "Creator": true, "Relationship": true,
	"PackageName": true, "FileName": true, "SnippetSPDXID": true, "LicenseID": true, "Reviewer": true,
	"SPDXID": true, "PackageVersion": true, "PackageSupplier": true, "PackageOriginator": true,
	"PackageChecksum": true, "ExternalRef": true,
}

// relate records an SPDX relationship "a TYPE b": a dependency (DEPENDS_ON,
// CONTAINS, links and their inverses) in the graph, DESCRIBES and
// DESCRIBED_BY in described; other types carry nothing the inventory uses.
func (d *Document) relate(a, typ, b string, described map[string]bool) {
	a, b = spdxRef(a), spdxRef(b)
	switch strings.ToUpper(strings.TrimSpace(typ)) {
	case "DESCRIBES":
		described[b] = true
	case "DESCRIBED_BY":
		described[a] = true
	case "DEPENDS_ON", "CONTAINS", "DYNAMIC_LINK", "STATIC_LINK", "HAS_PREREQUISITE", "BUILD_DEPENDENCY_OF_REVERSE":
		d.depend(a, b)
	case "DEPENDENCY_OF", "CONTAINED_BY", "PREREQUISITE_FOR", "RUNTIME_DEPENDENCY_OF", "DEV_DEPENDENCY_OF", "BUILD_DEPENDENCY_OF", "OPTIONAL_DEPENDENCY_OF":
		d.depend(b, a)
	}
}

// depend records that from depends on (or contains) to; ends outside the
// document are left out.
func (d *Document) depend(from, to string) {
	if from != "" && to != "" {
		d.Dependencies[from] = append(d.Dependencies[from], to)
	}
}

// clip shortens a value quoted in a message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}
