package model

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"reflect"
	"sort"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/scanner"
	"github.com/goccy/go-yaml/token"

	"github.com/mdcheck/mdcheck/internal/boundedio"
	"github.com/mdcheck/mdcheck/internal/yamlsafe"
)

// Limits on what Load reads. A real device model is a few kilobytes; the
// limits keep a hostile file from exhausting memory (the YAML library does
// not bound alias expansion or flow nesting on its own).
const (
	// MaxFileSize is the largest model file Load reads.
	MaxFileSize = 512 << 10
	// MaxFlowDepth is the deepest nesting of [ and { that Load accepts.
	MaxFlowDepth = 64
	// MaxIndent is the deepest indentation, in columns, that Load accepts.
	MaxIndent = 256
	// MaxLineLength bounds one line, in characters; the YAML scanner
	// reads a line whole.
	MaxLineLength = 64 << 10
	// MaxCommas bounds the entries of flow collections ([a, b], {a: b}).
	MaxCommas = 50_000
	// MaxTokens bounds the YAML tokens read; the largest example model
	// has about 2,000.
	MaxTokens = 200_000
	// MaxNodes bounds the values decoded, counting every alias expansion.
	MaxNodes = 200_000
)

// ErrInvalid marks a model that could not be read or is wrong. The error
// Load returns wraps it; errors.As with *ErrorList gives each problem.
var ErrInvalid = errors.New("invalid device model")

// Load reads and validates the device model in file.
func Load(file string) (*Device, error) { return LoadHolding(file, nil) }

// LoadHolding is Load where the SBOM files held (given their paths
// joined to the model's folder) count as present though they are not
// on disk: the caller holds them in another form. held may be nil.
func LoadHolding(file string, held func(path string) bool) (*Device, error) {
	data, err := boundedio.ReadFile(file, MaxFileSize)
	var tl *boundedio.TooLargeError
	if errors.As(err, &tl) {
		return nil, listErr(file, 0, 0, fmt.Sprintf("file is %s bytes; a device model may be at most %d bytes", tl.Bytes(), MaxFileSize))
	}
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) || errors.Is(err, boundedio.ErrDirectory) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	return parse(file, data, filepath.Dir(file), held)
}

// Parse reads and validates a device model held in memory; name is used in
// messages and positions.
func Parse(name string, data []byte) (*Device, error) {
	return parse(name, data, "", nil)
}

// parse is Parse; with a non-empty dir it also checks that files the model
// names exist relative to dir, or are held.
func parse(name string, data []byte, dir string, held func(string) bool) (*Device, error) {
	if len(data) > MaxFileSize {
		return nil, listErr(name, 0, 0, fmt.Sprintf("file is %d bytes; a device model may be at most %d bytes", len(data), MaxFileSize))
	}
	if err := precheck(name, data); err != nil {
		return nil, err
	}
	dev := &Device{src: &source{file: name, pos: map[string]Pos{}}}
	errs := &ErrorList{file: name}
	if err := decodeYAML(name, data, dev.src, errs, reflect.ValueOf(dev).Elem(), "the device model", "a device model starting with apiVersion and kind", "put each device in its own file"); err != nil {
		return nil, err
	}
	if len(errs.Errs) == 0 {
		checkHeader(dev, errs)
	}
	if len(errs.Errs) == 0 {
		validate(dev, errs)
	}
	if len(errs.Errs) == 0 && dir != "" {
		checkFiles(dev, dir, held, errs)
	}
	if len(errs.Errs) == 0 && dir != "" && dev.DispositionsFile != "" {
		if err := loadDispositions(dev, dir, errs); err != nil {
			return nil, err
		}
	}
	if len(errs.Errs) > 0 {
		sortErrs(errs)
		return nil, fmt.Errorf("%w: %w", ErrInvalid, errs)
	}
	return dev, nil
}

// sortErrs puts errors in file order, unpositioned notes last.
func sortErrs(errs *ErrorList) {
	sort.SliceStable(errs.Errs, func(i, j int) bool {
		a, b := errs.Errs[i], errs.Errs[j]
		if (a.Line == 0) != (b.Line == 0) {
			return b.Line == 0 // unpositioned notes such as "too many errors" go last
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}

// decodeYAML reads one YAML document from data into root, recording
// positions in src and problems in errs; what names the expected content
// for an empty file, and oneDoc what to do with a file of several
// documents; rootName names the whole document in messages.
// It returns an error only for a file it could not decode at all.
func decodeYAML(name string, data []byte, src *source, errs *ErrorList, root reflect.Value, rootName, what, oneDoc string) error {
	tokens, err := tokenize(name, data)
	if err != nil {
		return err
	}
	f, err := parser.Parse(tokens, 0)
	if err != nil {
		return syntaxErr(name, err)
	}
	var docs []*ast.DocumentNode
	for _, doc := range f.Docs {
		if doc.Body != nil {
			docs = append(docs, doc)
		}
	}
	switch {
	case len(docs) == 0:
		return listErr(name, 1, 1, "file is empty; expected "+what)
	case len(docs) > 1:
		line, col := nodePos(docs[1].Body)
		return listErr(name, line, col, "file holds more than one YAML document; "+oneDoc)
	}
	d := &decoder{src: src, errs: errs, anchors: map[string]ast.Node{}, budget: MaxNodes, root: rootName}
	if !collectAnchors(docs[0].Body, d.anchors, errs) {
		return fmt.Errorf("%w: %w", ErrInvalid, errs)
	}
	return d.run(docs[0].Body, root)
}

// run decodes body into root, turning an exhausted node budget into an error.
func (d *decoder) run(body ast.Node, root reflect.Value) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(errBudget); !ok {
				panic(r)
			}
			line, col := nodePos(d.last)
			err = listErr(d.src.file, line, col, fmt.Sprintf("the file holds more than %d values once aliases are expanded; refusing to read it", MaxNodes))
		}
	}()
	d.decode(body, root, "")
	return nil
}

func checkHeader(dev *Device, errs *ErrorList) {
	if dev.APIVersion != APIVersion {
		p := dev.Pos("apiVersion")
		errs.add(p.Line, p.Column, "apiVersion", fmt.Sprintf("apiVersion %q is not supported; this mdcheck reads %q", dev.APIVersion, APIVersion))
	}
	if dev.Kind != KindDevice {
		p := dev.Pos("kind")
		errs.add(p.Line, p.Column, "kind", fmt.Sprintf("kind %q is not supported; expected %q", dev.Kind, KindDevice))
	}
}

// precheck rejects input the YAML library handles badly (see yamlsafe).
func precheck(name string, data []byte) error {
	if err := yamlsafe.Precheck(data, yamlsafe.Limits{MaxDepth: MaxFlowDepth, MaxIndent: MaxIndent, MaxLineLength: MaxLineLength, MaxCommas: MaxCommas}); err != nil {
		var pe *yamlsafe.Error
		if errors.As(err, &pe) {
			return listErr(name, pe.Line, pe.Column, pe.Msg)
		}
		return listErr(name, 0, 0, err.Error())
	}
	return nil
}

func tokenize(name string, data []byte) (token.Tokens, error) {
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		data = data[3:] // byte order mark
	}
	var s scanner.Scanner
	s.Init(string(data))
	var tokens token.Tokens
	for {
		sub, err := s.Scan()
		if err == io.EOF {
			return tokens, nil
		}
		tokens.Add(sub...)
		if len(tokens) > MaxTokens {
			last := tokens[len(tokens)-1]
			line, col := 0, 0
			if last.Position != nil {
				line, col = last.Position.Line, last.Position.Column
			}
			return nil, listErr(name, line, col, fmt.Sprintf("the file has more than %d YAML tokens; refusing to read it", MaxTokens))
		}
	}
}

// collectAnchors records every anchor in document order and refuses
// depth beyond what any model needs (the parser's recursion is bounded by
// the file size limit, but the decoder's should not depend on it).
func collectAnchors(root ast.Node, anchors map[string]ast.Node, errs *ErrorList) bool {
	ok := true
	var walk func(n ast.Node, depth int)
	walk = func(n ast.Node, depth int) {
		if n == nil || !ok {
			return
		}
		if depth > 100 {
			line, col := nodePos(n)
			errs.add(line, col, "", "nesting is deeper than 100 levels")
			ok = false
			return
		}
		switch v := n.(type) {
		case *ast.AnchorNode:
			anchors[v.Name.GetToken().Value] = v.Value
			walk(v.Value, depth+1)
		case *ast.MappingNode:
			for _, mv := range v.Values {
				walk(mv, depth+1)
			}
		case *ast.MappingValueNode:
			walk(v.Key, depth+1)
			walk(v.Value, depth+1)
		case *ast.MappingKeyNode:
			walk(v.Value, depth+1)
		case *ast.SequenceNode:
			for _, item := range v.Values {
				walk(item, depth+1)
			}
		case *ast.TagNode:
			walk(v.Value, depth+1)
		}
	}
	walk(root, 0)
	return ok
}

func syntaxErr(name string, err error) error {
	line, col, msg := yamlsafe.Where(err)
	return listErr(name, line, col, "YAML syntax: "+msg)
}

func listErr(name string, line, col int, msg string) error {
	l := &ErrorList{file: name}
	l.add(line, col, "", msg)
	return fmt.Errorf("%w: %w", ErrInvalid, l)
}
