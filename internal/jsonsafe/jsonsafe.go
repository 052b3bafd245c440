// Package jsonsafe guards JSON input before a decoder sees it. The standard
// decoder recurses once per level of nesting, so a document of a few
// megabytes of '[' can exhaust the stack long before any size limit bites;
// TooDeep finds such input with one linear pass and no allocation.
package jsonsafe

// TooDeep returns the byte offset of the first '[' or '{' that opens a
// level deeper than max, or -1 when the input stays within max. Brackets
// inside strings, including after escaped quotes, do not count.
func TooDeep(data []byte, max int) int {
	depth, inString, escaped := 0, false, false
	for i, c := range data {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			if depth++; depth > max {
				return i
			}
		case c == ']' || c == '}':
			depth--
		}
	}
	return -1
}
