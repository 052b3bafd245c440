// Package atomicfile writes files so that a reader never sees half of
// one: the data goes to a temporary file beside the target, which is
// renamed into place once complete. A failed write leaves the previous
// file, or none, and no temporary file behind.
//
// What is not a regular file is respected: a symbolic link keeps being
// one (its target is replaced), and a device or a named pipe (/dev/stdout,
// a FIFO a script reads) is written to as it is, never replaced by a
// regular file. Errors name the path the caller gave, not the temporary
// file.
package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Write writes data to path atomically, with permissions perm.
func Write(path string, data []byte, perm os.FileMode) error {
	return WriteFunc(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteFunc is Write with the data streamed by write, so that a large
// output is never held in memory whole. When write fails, a regular file
// is left as it was; a device or pipe has what was written so far, as
// standard output would.
func WriteFunc(path string, perm os.FileMode, write func(io.Writer) error) error {
	target := path
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		target = resolved // the link's target is replaced, not the link
	} else if l, lerr := os.Lstat(path); lerr == nil && l.Mode()&fs.ModeSymlink != 0 {
		// A link to a file that does not exist yet: create its target.
		dest, err := os.Readlink(path)
		if err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(path), dest)
		}
		target = dest
	}
	if st, err := os.Stat(target); err == nil && !st.Mode().IsRegular() {
		if st.IsDir() {
			return fmt.Errorf("write %s: is a directory", path)
		}
		return unwrapProducer(writeThrough(path, target, write))
	}
	if err := replace(target, write, perm); err != nil {
		var pe producerError
		if errors.As(err, &pe) {
			return pe.err
		}
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// unwrapProducer gives an error of the producing function back as it is.
func unwrapProducer(err error) error {
	var pe producerError
	if errors.As(err, &pe) {
		return pe.err
	}
	return err
}

// writeThrough writes to a device or a named pipe as it is.
func writeThrough(path, target string, write func(io.Writer) error) error {
	f, err := os.OpenFile(target, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := buffered(f, write); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// replace writes a temporary file beside target and renames it over it.
func replace(target string, write func(io.Writer) error, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".*")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return pe.Err // the temporary name means nothing to the user
		}
		return err
	}
	name := tmp.Name()
	fail := func(err error) error {
		tmp.Close()
		os.Remove(name)
		if errors.As(err, new(producerError)) {
			return err
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return pe.Err
		}
		return err
	}
	if err := buffered(tmp, write); err != nil {
		return fail(err)
	}
	if err := tmp.Chmod(perm); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	if err := os.Rename(name, target); err != nil {
		os.Remove(name)
		var le *os.LinkError
		if errors.As(err, &le) {
			return le.Err
		}
		return err
	}
	return nil
}

// buffered runs write through a buffer onto f and flushes it. An error
// of write's own (not of writing to f) comes back as a producerError.
func buffered(f *os.File, write func(io.Writer) error) error {
	ew := &errWriter{w: bufio.NewWriterSize(f, 64<<10)}
	if err := write(ew); err != nil {
		if ew.err != nil {
			return ew.err
		}
		return producerError{err}
	}
	return ew.w.Flush()
}

// errWriter remembers the first error writing to the file.
type errWriter struct {
	w   *bufio.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	n, err := e.w.Write(p)
	if err != nil && e.err == nil {
		e.err = err
	}
	return n, err
}

// producerError is an error of the function producing the data: it is
// the caller's, given back as it is, not a failure to write the file.
type producerError struct{ err error }

func (p producerError) Error() string { return p.err.Error() }
