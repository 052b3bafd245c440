// Package sbom reads software bills of materials (CycloneDX 1.2 to 1.6 in
// JSON and XML, SPDX 2.1 to 2.3 in JSON and tag-value), detected by content,
// into one normalised inventory: components with their identifiers, the
// dependency graph, and the document's metadata.
//
// JSON is read with encoding/json/v2 and CycloneDX XML with encoding/xml
// into types that hold only what the inventory uses, so the rest of a
// document is skipped rather than built; tests hold these readers to the
// official libraries' reading (cyclonedx-go, tools-golang) of every real
// SBOM at hand and of fuzzed input. SPDX tag-value is read line by line
// and held to tools-golang the same way. Known real-world deviations are repaired and each repair
// is reported as a warning with its location, never silently. Reads are
// bounded in size and nesting.
package sbom

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"

	"github.com/mdcheck/mdcheck/internal/boundedio"
)

// Limits on what Read accepts.
const (
	// MaxSize is the largest SBOM read: ten times the largest real one
	// seen, with room for the decoded form within the memory budget.
	MaxSize = 32 << 20
	// MaxDepth bounds nesting of JSON arrays and objects, and XML elements.
	MaxDepth = 256
)

// ErrInvalid marks an SBOM that could not be read.
var ErrInvalid = errors.New("invalid SBOM")

// Formats and encodings.
const (
	CycloneDX = "CycloneDX"
	SPDX      = "SPDX"
)

// Document is one SBOM, normalised.
type Document struct {
	File        string `json:"file"`
	Format      string `json:"format"`
	SpecVersion string `json:"specVersion"`
	Encoding    string `json:"encoding"` // json, xml or tag-value
	// Subject is what the SBOM describes (CycloneDX metadata.component,
	// SPDX documentDescribes or the document name).
	Subject   string   `json:"subject,omitempty"`
	Authors   []string `json:"authors"`
	Tools     []string `json:"tools"`
	Timestamp string   `json:"timestamp,omitempty"`
	// Components lists every component, nested ones included, in document
	// order.
	Components []Component `json:"components"`
	// Dependencies maps a component reference to those it depends on or
	// contains.
	Dependencies map[string][]string `json:"dependencies"`
	Warnings     []Warning           `json:"warnings"`
}

// Component is one software component.
type Component struct {
	Ref      string   `json:"ref"`
	Type     string   `json:"type,omitempty"`
	Group    string   `json:"group,omitempty"`
	Name     string   `json:"name"`
	Version  string   `json:"version,omitempty"`
	Supplier string   `json:"supplier,omitempty"`
	PURL     string   `json:"purl,omitempty"`
	CPEs     []string `json:"cpes,omitempty"`
	Hashes   int      `json:"hashes,omitempty"`
	// Parent is the reference of the component this one is nested in.
	Parent string `json:"parent,omitempty"`
	// SupportLevel and EndOfSupport are the FDA's extra elements, from the
	// device model (components[].sbomSupport) when the SBOM lacks them.
	SupportLevel string `json:"supportLevel,omitempty"`
	EndOfSupport string `json:"endOfSupport,omitempty"`
}

// Warning is a deviation from the specification that was repaired or
// ignored, with where it is.
type Warning struct {
	Where string `json:"where"`
	Msg   string `json:"message"`
}

func (w Warning) String() string { return w.Where + ": " + w.Msg }

// ReadFile reads the SBOM in file.
func ReadFile(file string) (*Document, error) {
	data, err := readBytes(file)
	if err != nil {
		return nil, err
	}
	return Parse(file, data)
}

// readBytes reads file for ReadFile, bounded by MaxSize.
func readBytes(file string) ([]byte, error) {
	data, err := boundedio.ReadFile(file, MaxSize)
	var tl *boundedio.TooLargeError
	if errors.As(err, &tl) {
		return nil, fmt.Errorf("%w: %s: file is %s bytes; an SBOM may be at most %d bytes", ErrInvalid, file, tl.Bytes(), MaxSize)
	}
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) || errors.Is(err, boundedio.ErrDirectory) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	return data, nil
}

// Parse reads an SBOM held in memory; name is used in messages.
func Parse(name string, data []byte) (*Document, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%w: %s: %d bytes; an SBOM may be at most %d bytes", ErrInvalid, name, len(data), MaxSize)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	var doc *Document
	var err error
	switch {
	case len(trimmed) == 0:
		err = errors.New("file is empty")
	case trimmed[0] == '{':
		doc, err = parseJSON(data)
	case trimmed[0] == '<':
		doc, err = parseXML(data)
	case bytes.HasPrefix(trimmed, []byte("SPDXVersion:")) || bytes.Contains(firstLines(trimmed, 50), []byte("\nSPDXVersion:")) || bytes.HasPrefix(trimmed, []byte("#")):
		doc, err = readTagValue(data)
	default:
		err = errors.New("not an SBOM: neither CycloneDX (JSON or XML) nor SPDX (JSON or tag-value)")
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalid, name, err)
	}
	doc.File = name
	if doc.Authors == nil {
		doc.Authors = []string{}
	}
	if doc.Tools == nil {
		doc.Tools = []string{}
	}
	if doc.Components == nil {
		doc.Components = []Component{}
	}
	if doc.Dependencies == nil {
		doc.Dependencies = map[string][]string{}
	}
	if doc.Warnings == nil {
		doc.Warnings = []Warning{}
	}
	return doc, nil
}

func firstLines(b []byte, n int) []byte {
	end := 0
	for i := 0; i < n && end < len(b); i++ {
		j := bytes.IndexByte(b[end:], '\n')
		if j < 0 {
			return b
		}
		end += j + 1
	}
	return b[:end]
}
