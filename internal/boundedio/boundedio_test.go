package boundedio

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte("12345"), 0o600); err != nil {
		t.Fatal(err)
	}
	if data, err := ReadFile(p, 5); err != nil || string(data) != "12345" {
		t.Errorf("at the bound: %q, %v", data, err)
	}
	var tl *TooLargeError
	if _, err := ReadFile(p, 4); !errors.As(err, &tl) || tl.Max != 4 || tl.Path != p {
		t.Errorf("over the bound: %v", err)
	}
	if _, err := ReadFile(filepath.Join(t.TempDir(), "missing"), 4); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestSizeAndStreams(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte("123456"), 0o600); err != nil {
		t.Fatal(err)
	}
	var tl *TooLargeError
	if _, err := ReadFile(p, 4); !errors.As(err, &tl) || tl.Size != 6 {
		t.Errorf("a regular file's size: %v", err)
	}
	if data, err := Read(strings.NewReader("abc"), 3); err != nil || string(data) != "abc" {
		t.Errorf("a stream at the bound: %q, %v", data, err)
	}
	if _, err := Read(strings.NewReader("abcd"), 3); !errors.As(err, &tl) || tl.Size != -1 || tl.Max != 3 {
		t.Errorf("a stream over the bound: %v", err)
	}
	// A stream that never ends costs one byte more than the bound.
	if _, err := Read(endless{}, 1<<10); !errors.As(err, &tl) {
		t.Errorf("an endless stream: %v", err)
	}
}

type endless struct{}

func (endless) Read(p []byte) (int, error) { return len(p), nil }

func TestBytes(t *testing.T) {
	if got := (&TooLargeError{Max: 4, Size: 6}).Bytes(); got != "6" {
		t.Errorf("known size: %q", got)
	}
	if got := (&TooLargeError{Max: 4, Size: -1}).Bytes(); got != "more than 4" {
		t.Errorf("unknown size: %q", got)
	}
}

func TestDirectory(t *testing.T) {
	if _, err := ReadFile(t.TempDir(), 10); !errors.Is(err, ErrDirectory) {
		t.Errorf("a directory: %v", err)
	}
}

func TestHash(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte("abc"), 0o600); err != nil {
		t.Fatal(err)
	}
	// SHA-256 of "abc" (FIPS 180-2, appendix B.1).
	if sum, n, err := Hash(p, 3); err != nil || n != 3 || sum != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("Hash = %s %d %v", sum, n, err)
	}
	if _, _, err := Hash(p, 2); err == nil || !strings.Contains(err.Error(), "larger than 2 bytes") {
		t.Errorf("Hash over the bound: %v", err)
	}
	if _, _, err := Hash(filepath.Join(t.TempDir(), "none"), 3); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Hash of no file: %v", err)
	}
}
