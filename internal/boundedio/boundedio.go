// Package boundedio reads files of a bounded size: a file larger than
// the bound is refused after reading at most one byte more than it, so a
// hostile input never costs more memory than the bound.
package boundedio

import (
	"fmt"
	"io"
	"os"
)

// TooLargeError is a file over its bound.
type TooLargeError struct {
	Path string
	Max  int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s: larger than %d bytes", e.Path, e.Max)
}

// ReadFile reads the file at path, at most max bytes.
func ReadFile(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, &TooLargeError{Path: path, Max: max}
	}
	return data, nil
}
