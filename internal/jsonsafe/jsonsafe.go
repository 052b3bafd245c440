// Package jsonsafe guards JSON input before a decoder sees it. The standard
// decoder recurses once per level of nesting, so a document of a few
// megabytes of '[' can exhaust the stack long before any size limit bites;
// TooDeep finds such input with one linear pass and no allocation.
package jsonsafe

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// TooDeep returns the byte offset of the first '[' or '{' that opens a
// level deeper than max, or -1 when the input stays within max. Brackets
// inside strings, including after escaped quotes, do not count.
func TooDeep(data []byte, max int) int {
	depth := 0
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '"':
			// Jump to the closing quote: the next one not escaped, that
			// is, not preceded by an odd run of backslashes. Strings are
			// most of a real document, and the search is vectorised.
			if i = stringEnd(data, i); i < 0 {
				return -1
			}
		case '[', '{':
			if depth++; depth > max {
				return i
			}
		case ']', '}':
			depth--
		}
	}
	return -1
}

// stringEnd returns the offset of the quote that closes the string opened
// at data[open], or -1 when it is not closed.
func stringEnd(data []byte, open int) int {
	i := open
	for {
		j := bytes.IndexByte(data[i+1:], '"')
		if j < 0 {
			return -1
		}
		i += 1 + j
		n := 0
		for k := i - 1; data[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			return i
		}
	}
}

// LineCol turns a byte offset into data into a 1-based line and column,
// for error messages that say where; an offset past the end is the end.
func LineCol(data []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(data)))
	line = 1 + bytes.Count(data[:off], []byte("\n"))
	return line, int(off) - bytes.LastIndexByte(data[:off], '\n')
}

// InvalidUTF8 returns the byte offset of the first byte that is not part
// of valid UTF-8, or -1 when data is valid. JSON text exchanged between
// systems must be UTF-8 (RFC 8259, section 8.1); a decoder that replaced
// such bytes would read a name or version other than the one written.
func InvalidUTF8(data []byte) int {
	if utf8.Valid(data) {
		return -1
	}
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return -1
}

// Check refuses JSON nested deeper than maxDepth or that is not UTF-8,
// before any decoder sees it. The error says where, as line:column and
// byte offset.
func Check(data []byte, maxDepth int) error {
	if off := TooDeep(data, maxDepth); off >= 0 {
		l, c := LineCol(data, int64(off))
		return fmt.Errorf("%d:%d (byte %d): nesting deeper than %d levels", l, c, off, maxDepth)
	}
	if off := InvalidUTF8(data); off >= 0 {
		l, c := LineCol(data, int64(off))
		return fmt.Errorf("%d:%d (byte %d): invalid UTF-8 (byte 0x%02x); JSON text must be UTF-8", l, c, off, data[off])
	}
	return nil
}

// WriteIndented writes v as indented JSON (two spaces, HTML characters as
// they are) followed by a line break, in one write: a failed encoding
// writes nothing.
func WriteIndented(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// Positioned adds the line and column to an error of encoding/json
// decoding data ("3:14: ..."): a syntax error, a value of the wrong
// type, a document that ends too early. Any other error is returned as
// it is.
func Positioned(data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		l, c := LineCol(data, se.Offset)
		if strings.Contains(se.Error(), "unexpected end") {
			return fmt.Errorf("%d:%d: JSON ends too early (truncated file?)", l, c)
		}
		return fmt.Errorf("%d:%d: JSON syntax: %v", l, c, se)
	case errors.As(err, &te):
		l, c := LineCol(data, te.Offset)
		return fmt.Errorf("%d:%d: %s should be %s, not %s", l, c, te.Field, te.Type, te.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		l, c := LineCol(data, int64(len(data)))
		return fmt.Errorf("%d:%d: JSON ends too early (truncated file?)", l, c)
	}
	return err
}
