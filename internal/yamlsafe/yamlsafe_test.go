package yamlsafe

import (
	"errors"
	"strings"
	"testing"
)

func TestPrecheck(t *testing.T) {
	lim := Limits{MaxDepth: 8, MaxIndent: 16, MaxLineLength: 64, MaxCommas: 10}
	tests := []struct {
		in   string
		want string // "" = accepted
	}{
		{"a: [1, 2]\nb: {c: d}\n", ""},
		{"a: " + strings.Repeat("[", 9), "1:12: nesting is deeper than 8 levels"},
		{"# " + strings.Repeat("]", 50) + "\na: " + strings.Repeat("[", 9), "2:12: nesting"},
		{"a:\n" + strings.Repeat(" ", 17) + "b: c\n", "2:1: indentation is deeper than 16 columns"},
		{strings.Repeat("- ", 9) + "x\n", "1:1: nesting is deeper than 8 levels"},
		{"a: " + strings.Repeat("x", 70), "1:64: line is longer than 64 characters"},
		{"a: [" + strings.Repeat("1,", 11) + "]", "more than 10 commas"},
		{"a: \xff", "1:4: file is not UTF-8 text"},
		{"a: \x00", "1:4: file contains a NUL byte"},
	}
	for _, tt := range tests {
		err := Precheck([]byte(tt.in), lim)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("Precheck(%.20q) = %v, want accepted", tt.in, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("Precheck(%.20q) = %v, want %q", tt.in, err, tt.want)
		}
		var pe *Error
		if err != nil && !errors.As(err, &pe) {
			t.Errorf("error %v is not an *Error", err)
		}
	}
}

func TestNoAliases(t *testing.T) {
	if err := NoAliases([]byte("a: 1\nb: [x, y]\n")); err != nil {
		t.Errorf("NoAliases(plain) = %v", err)
	}
	if err := NoAliases([]byte("a: &x 1\nb: *x\n")); err == nil || !strings.Contains(err.Error(), "1:4") {
		t.Errorf("NoAliases(anchor) = %v, want a positioned error", err)
	}
}

func FuzzPrecheck(f *testing.F) {
	f.Add([]byte("a: [1, {b: c}]\n- - x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = Precheck(data, Limits{MaxDepth: 8, MaxIndent: 16, MaxLineLength: 64, MaxCommas: 10})
	})
}
