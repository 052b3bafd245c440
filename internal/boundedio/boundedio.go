// Package boundedio reads files and streams of a bounded size: input
// larger than the bound is refused after reading at most one byte more
// than it (a regular file whose size says so, before reading anything),
// so a hostile input never costs more memory than the bound. Every
// reader of untrusted files reads through it.
package boundedio

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
)

// TooLargeError is input over its bound.
type TooLargeError struct {
	Path string // the file, when it is one
	Max  int64
	// Size is the file's size when the file system tells it, else -1.
	Size int64
}

func (e *TooLargeError) Error() string {
	if e.Size >= 0 {
		return fmt.Sprintf("%s: %d bytes, larger than %d", e.Path, e.Size, e.Max)
	}
	return fmt.Sprintf("%s: larger than %d bytes", e.Path, e.Max)
}

// ErrDirectory is a directory given where a file is read.
var ErrDirectory = errors.New("is a directory, not a file")

// ReadFile reads the file at path, at most max bytes.
func ReadFile(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := int64(-1)
	var buf bytes.Buffer
	st, err := f.Stat()
	if err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s: %w", path, ErrDirectory)
	}
	if err == nil && st.Mode().IsRegular() {
		size = st.Size()
		if size > max {
			return nil, &TooLargeError{Path: path, Max: max, Size: size}
		}
		// One allocation of the right size instead of repeated growth.
		buf.Grow(int(size) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(io.LimitReader(f, max+1)); err != nil {
		return nil, err
	}
	if int64(buf.Len()) > max {
		return nil, &TooLargeError{Path: path, Max: max, Size: size}
	}
	return buf.Bytes(), nil
}

// Read reads r to its end, at most max bytes.
func Read(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return data, err
	}
	if int64(len(data)) > max {
		return nil, &TooLargeError{Max: max, Size: -1}
	}
	return data, nil
}

// Bytes says how large the input is, as far as is known: its size, or
// "more than" the bound.
func (e *TooLargeError) Bytes() string {
	if e.Size >= 0 {
		return fmt.Sprint(e.Size)
	}
	return fmt.Sprint("more than ", e.Max)
}

// Hash is the SHA-256 (hex) of the file at path and its size, reading
// at most max bytes: a larger file is an error.
func Hash(path string, max int64) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(f, max+1))
	if err != nil {
		return "", 0, err
	}
	if n > max {
		return "", 0, fmt.Errorf("larger than %d bytes", max)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
