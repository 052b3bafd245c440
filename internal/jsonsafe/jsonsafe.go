// Package jsonsafe guards JSON input before a decoder sees it. The standard
// decoder recurses once per level of nesting, so a document of a few
// megabytes of '[' can exhaust the stack long before any size limit bites;
// TooDeep finds such input with one linear pass and no allocation.
package jsonsafe

import "bytes"

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
