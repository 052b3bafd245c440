// Package yamlsafe guards YAML input before it reaches the YAML library,
// which follows flow nesting and block indicators recursively and reads a
// flow collection or a run of block entries as one batch. Precheck refuses
// text that is not UTF-8 and input whose nesting, line length or number of
// flow entries could make parsing exhaust time or memory.
package yamlsafe

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// Limits bound what Precheck accepts.
type Limits struct {
	MaxDepth      int // nesting of [ and {, and "- " indicators at the start of one line
	MaxIndent     int // columns of indentation
	MaxLineLength int // characters in one line
	MaxCommas     int // commas in the whole input
}

// Error is a positioned problem.
type Error struct {
	Line, Column int
	Msg          string
}

func (e *Error) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Msg) }

// Precheck scans data once, byte by byte. It counts [ and { anywhere, so
// brackets in quoted text count too; only a file with dozens of unclosed
// brackets in one string would be refused by mistake.
func Precheck(data []byte, lim Limits) error {
	line, col, depth, commas := 1, 1, 0, 0
	lineStart := true
	indent, indicators := 0, 0
	for i := 0; i < len(data); {
		if lineStart {
			// Block nesting shows at the start of a line as indentation
			// and as "- " (or "? ", ": ") indicators written one after
			// another, which the parser follows recursively.
			indent, indicators = 0, 0
			j := i
			for j < len(data) {
				switch {
				case data[j] == ' ':
					indent++
					j++
					continue
				case (data[j] == '-' || data[j] == '?' || data[j] == ':') && j+1 < len(data) && (data[j+1] == ' ' || data[j+1] == '\t'):
					indicators++
					j += 2
					continue
				}
				break
			}
			if indent > lim.MaxIndent {
				return &Error{Line: line, Column: 1, Msg: fmt.Sprintf("indentation is deeper than %d columns", lim.MaxIndent)}
			}
			if indicators > lim.MaxDepth {
				return &Error{Line: line, Column: 1, Msg: fmt.Sprintf("nesting is deeper than %d levels", lim.MaxDepth)}
			}
			lineStart = false
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return &Error{Line: line, Column: col, Msg: "file is not UTF-8 text"}
		}
		if r == 0 {
			return &Error{Line: line, Column: col, Msg: "file contains a NUL byte; YAML is text"}
		}
		switch r {
		case '[', '{':
			depth++
			if depth > lim.MaxDepth {
				return &Error{Line: line, Column: col, Msg: fmt.Sprintf("nesting is deeper than %d levels", lim.MaxDepth)}
			}
		case ']', '}':
			if depth > 0 {
				depth--
			}
		case ',':
			// The scanner reads a flow collection whole, so MaxTokens
			// cannot stop one early; bound its entries here.
			if commas++; commas > lim.MaxCommas {
				return &Error{Line: line, Column: col, Msg: fmt.Sprintf("more than %d commas; refusing to read so many flow entries", lim.MaxCommas)}
			}
		case '\n':
			line, col = line+1, 0
			lineStart = true
		}
		if col >= lim.MaxLineLength {
			return &Error{Line: line, Column: col, Msg: fmt.Sprintf("line is longer than %d characters", lim.MaxLineLength)}
		}
		col++
		i += size
	}
	return nil
}

// tokenize scans data into YAML tokens, stopping at MaxTokens so that a
// file of many tiny values cannot grow the token list and the tree built
// from it without bound.

// NoAliases refuses anchors and aliases, for small files (waivers) that
// have no use for them and would otherwise expand without bound in the
// YAML library's decoder. Call it after Precheck.
func NoAliases(data []byte) error {
	for _, tk := range lexer.Tokenize(string(data)) {
		if tk.Type == token.AnchorType || tk.Type == token.AliasType {
			line, col := 0, 0
			if tk.Position != nil {
				line, col = tk.Position.Line, tk.Position.Column
			}
			return &Error{Line: line, Column: col, Msg: "anchors and aliases are not allowed here"}
		}
	}
	return nil
}

// yamlError is the shape of the YAML library's positioned errors.
type yamlError interface {
	GetToken() *token.Token
	GetMessage() string
}

// Where gives the line, column and message of an error of the YAML
// library; line and column are 0 where it has none.
func Where(err error) (line, col int, msg string) {
	var ye yamlError
	if !errors.As(err, &ye) {
		return 0, 0, err.Error()
	}
	if tk := ye.GetToken(); tk != nil && tk.Position != nil {
		line, col = tk.Position.Line, tk.Position.Column
	}
	return line, col, ye.GetMessage()
}

// Positioned rewrites an error of the YAML library as name:line:column:
// message, the form every other message about a file takes, in place of
// the library's "[line:column] message" with a source excerpt.
func Positioned(name string, err error) error {
	line, col, msg := Where(err)
	if line == 0 {
		return fmt.Errorf("%s: %s", name, msg)
	}
	return fmt.Errorf("%s:%d:%d: %s", name, line, col, msg)
}

// Decode reads a small hand-written YAML file (waivers, reviews,
// policies) strictly into v, after the checks that keep a hostile one
// from exhausting the parser: Precheck with lim, and no aliases. Errors
// carry name and the position. It returns the syntax tree, for At.
func Decode(name string, data []byte, lim Limits, v any) (*ast.File, error) {
	if err := Precheck(data, lim); err != nil {
		return nil, fmt.Errorf("%s:%w", name, err)
	}
	if err := NoAliases(data); err != nil {
		return nil, fmt.Errorf("%s:%w", name, err)
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, Positioned(name, err)
	}
	if err := yaml.UnmarshalWithOptions(data, v, yaml.DisallowUnknownField()); err != nil {
		return nil, Positioned(name, err)
	}
	return f, nil
}

// At gives the line and column of the node at the first of paths
// (YAML paths such as $.reviews[0].date) that is in f; 1, 1 when none is.
func At(f *ast.File, paths ...string) (int, int) {
	for _, s := range paths {
		p, err := yaml.PathString(s)
		if err != nil {
			continue
		}
		if n, err := p.FilterFile(f); err == nil && n != nil && n.GetToken() != nil {
			return n.GetToken().Position.Line, n.GetToken().Position.Column
		}
	}
	return 1, 1
}
