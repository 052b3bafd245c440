package jsonsafe

import (
	"bytes"
	"strings"
	"testing"
)

func TestTooDeep(t *testing.T) {
	for _, tt := range []struct {
		in   string
		max  int
		want int
	}{
		{`{"a":[1,2,{"b":3}]}`, 3, -1},
		{`{"a":[1,2,{"b":3}]}`, 2, 10},
		{`[[[]]]`, 3, -1},
		{`[[[[]]]]`, 3, 3},
		// brackets in strings, with escaped quotes and backslashes, do not count
		{`{"a":"[[[[\"[[[[","b":"\\"}`, 1, -1},
		{`{"a":"\\","b":[[]]}`, 2, 15},
		// siblings do not add up
		{`[[],[],[],[]]`, 2, -1},
		{strings.Repeat("[", 100000), 64, 64},
		{``, 1, -1},
	} {
		if got := TooDeep([]byte(tt.in), tt.max); got != tt.want {
			t.Errorf("TooDeep(%.40q, %d) = %d, want %d", tt.in, tt.max, got, tt.want)
		}
	}
}

func FuzzTooDeep(f *testing.F) {
	f.Add([]byte(`{"a":["[",{"b":"\"]"}]}`), 2)
	f.Fuzz(func(t *testing.T, data []byte, max int) {
		if max < 0 || max > 1000 {
			return
		}
		off := TooDeep(data, max)
		if off >= len(data) || (off >= 0 && data[off] != '[' && data[off] != '{') {
			t.Fatalf("offset %d does not point at an opening bracket", off)
		}
		// A larger limit is never stricter.
		if off >= 0 {
			if o2 := TooDeep(data, max+1); o2 >= 0 && o2 < off {
				t.Fatalf("max %d fails at %d but max %d at %d", max, off, max+1, o2)
			}
		} else if TooDeep(data, max+1) >= 0 {
			t.Fatalf("max %d passes but max %d fails", max, max+1)
		}
	})
}

// byByte calls bracket for every bracket outside strings, byte by byte:
// the plain definition the fast functions must agree with. It stops when
// bracket returns false.
func byByte(data []byte, bracket func(i int, c byte) bool) {
	inString, escaped := false, false
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
		case c == '[' || c == '{' || c == ']' || c == '}':
			if !bracket(i, c) {
				return
			}
		}
	}
}

// tooDeepByByte is TooDeep by that definition.
func tooDeepByByte(data []byte, max int) int {
	depth, at := 0, -1
	byByte(data, func(i int, c byte) bool {
		if c == '[' || c == '{' {
			if depth++; depth > max {
				at = i
				return false
			}
		} else {
			depth--
		}
		return true
	})
	return at
}

func FuzzTooDeepByByte(f *testing.F) {
	f.Add([]byte(`{"a":["[",{"b":"\"]"}]}`), 2)
	f.Add([]byte(`{"a":"\\\\\"[[","b":[[[]]]}`), 2)
	f.Add([]byte(`"\\"[[[`), 1)
	f.Fuzz(func(t *testing.T, data []byte, max int) {
		if max < 0 || max > 1000 {
			return
		}
		if got, want := TooDeep(data, max), tooDeepByByte(data, max); got != want {
			t.Fatalf("TooDeep(%q, %d) = %d, byte by byte %d", data, max, got, want)
		}
	})
}

func TestLineCol(t *testing.T) {
	data := []byte("ab\ncd\n\nef")
	for _, c := range []struct {
		off       int64
		line, col int
	}{{0, 1, 1}, {1, 1, 2}, {3, 2, 1}, {4, 2, 2}, {6, 3, 1}, {7, 4, 1}, {8, 4, 2}, {9, 4, 3}, {99, 4, 3}} {
		if l, col := LineCol(data, c.off); l != c.line || col != c.col {
			t.Errorf("LineCol(%d) = %d:%d, want %d:%d", c.off, l, col, c.line, c.col)
		}
	}
}

func TestCheck(t *testing.T) {
	for _, tt := range []struct {
		name, src, want string
	}{
		{"valid", `{"a": "caf\u00e9 café 💊"}`, ""},
		{"lone continuation byte", "{\"a\":\n \"x\x80\"}", "2:4 (byte 9): invalid UTF-8 (byte 0x80); JSON text must be UTF-8"},
		{"truncated sequence at the end", "\"\xe2\x82", "1:2 (byte 1): invalid UTF-8 (byte 0xe2); JSON text must be UTF-8"},
		{"overlong encoding", "\"\xc0\xaf\"", "1:2 (byte 1): invalid UTF-8 (byte 0xc0); JSON text must be UTF-8"},
		{"surrogate half", "\"\xed\xa0\x80\"", "1:2 (byte 1): invalid UTF-8 (byte 0xed); JSON text must be UTF-8"},
		{"too deep first", "[[[\xff", "1:3 (byte 2): nesting deeper than 2 levels"},
	} {
		err := Check([]byte(tt.src), 2)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: Check = %v, want nil", tt.name, err)
		case tt.want != "" && (err == nil || err.Error() != tt.want):
			t.Errorf("%s: Check = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestWriteIndented(t *testing.T) {
	var b bytes.Buffer
	if err := WriteIndented(&b, map[string]string{"a": "<b>"}); err != nil || b.String() != "{\n  \"a\": \"<b>\"\n}\n" {
		t.Errorf("wrote %q, %v", b.String(), err)
	}
	b.Reset()
	if err := WriteIndented(&b, map[string]any{"c": make(chan int)}); err == nil || b.Len() != 0 {
		t.Errorf("an encoding error wrote %q (%v)", b.String(), err)
	}
}
