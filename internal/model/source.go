package model

import (
	"fmt"
	"strings"
)

// source remembers where each value of a model was written.
type source struct {
	file string
	pos  map[string]Pos
	// kind is what the model was read from: "model" (a device.yaml) or,
	// for a model built from another document, that document's kind.
	kind string
}

// Pos is a position in a model file. Line and Column start at 1; zero means
// the position is not known.
type Pos struct {
	File   string
	Line   int
	Column int
}

func (p Pos) String() string {
	switch {
	case p.Line == 0:
		return p.File
	default:
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
	}
}

func (s *source) record(path string, line, col int) {
	if s == nil || path == "" {
		return
	}
	if _, ok := s.pos[path]; !ok {
		s.pos[path] = Pos{File: s.file, Line: line, Column: col}
	}
}

// SetSource records where the values of a model built in code come from:
// the file, its kind ("mds2" for a model read from an MDS2 form), and a
// position for each path (for a form, the answer cell's row and column).
func (d *Device) SetSource(file, kind string, pos map[string]Pos) {
	d.src = &source{file: file, kind: kind, pos: pos}
}

// Positions returns the paths whose positions are known.
func (d *Device) Positions() []string {
	if d.src == nil {
		return nil
	}
	out := make([]string, 0, len(d.src.pos))
	for p := range d.src.pos {
		out = append(out, p)
	}
	return out
}

// SourceKind is what the model was read from: "model" for a device
// model file, or the kind SetSource gave.
func (d *Device) SourceKind() string {
	if d.src == nil || d.src.kind == "" {
		return "model"
	}
	return d.src.kind
}

// File is the path the model was loaded from.
func (d *Device) File() string {
	if d.src == nil {
		return ""
	}
	return d.src.file
}

// Pos returns where the value at path was written, for example
// "components[0].interfaces[1].port". For a value the author left out it
// returns the position of the nearest enclosing value that was written.
func (d *Device) Pos(path string) Pos {
	if d.src == nil {
		return Pos{}
	}
	for p := path; p != ""; {
		if pos, ok := d.src.pos[p]; ok {
			return pos
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return Pos{File: d.src.file, Line: 1, Column: 1}
}

// Error is one problem in a model file.
type Error struct {
	File   string
	Line   int
	Column int
	Path   string // dotted path of the value, e.g. components[0].kind
	Msg    string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
}

// ErrorList is every problem found in a model file, in file order. It is the
// error Load returns for a model that is wrong.
type ErrorList struct {
	file string
	Errs []*Error
}

// maxErrors caps how many problems one file reports.
const maxErrors = 50

func (l *ErrorList) add(line, col int, path, msg string) {
	if len(l.Errs) > maxErrors {
		return
	}
	if len(l.Errs) == maxErrors {
		msg, path, line, col = "too many errors; stopping", "", 0, 0
	}
	l.Errs = append(l.Errs, &Error{File: l.file, Line: line, Column: col, Path: path, Msg: msg})
}

func (l *ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l.Errs {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}
