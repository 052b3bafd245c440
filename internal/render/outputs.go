package render

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/atomicfile"
)

// Output is where one format is written: a file, or standard output
// when Path is empty.
type Output struct {
	Format *Format
	Path   string
}

// Outputs reads --format and -o: one format name to the file output (or
// standard output when it is empty), or several, comma-separated, each
// to its own file in the folder output, named base plus the format's
// first extension (report.html, report.sarif, ...). has selects the
// formats the result renders in; the errors are the user's to fix.
func Outputs(names, output, base string, has func(*Format) bool) ([]Output, error) {
	list := strings.Split(names, ",")
	var out []Output
	for _, n := range list {
		f, err := For(strings.TrimSpace(n), has)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(out, func(o Output) bool { return o.Format == f }) {
			return nil, fmt.Errorf("--format names %s twice", f.Name)
		}
		out = append(out, Output{Format: f})
	}
	if len(out) == 1 {
		out[0].Path = output
		if output != "" {
			if err := out[0].Format.CheckExtension(output); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	if output == "" {
		return nil, fmt.Errorf("--format %s writes %d files: give -o a folder to write them to", names, len(out))
	}
	if fi, err := os.Stat(output); err == nil && !fi.IsDir() {
		return nil, fmt.Errorf("--format %s writes %d files: -o %s is a file, not a folder", names, len(out), output)
	}
	for i := range out {
		out[i].Path = filepath.Join(output, base+out[i].Format.Extensions[0])
	}
	return out, nil
}

// Write renders each output with fn, which receives the output's path. One output streams to its file
// (atomically) or to stdout; several are rendered into memory first, so
// that a format that fails (a PDF without Chromium) leaves no file
// behind, then each is written atomically into the folder, created if
// need be.
func Write(outs []Output, stdout io.Writer, fn func(Output, io.Writer) error) error {
	if len(outs) == 1 {
		o := outs[0]
		if o.Path == "" {
			return fn(o, stdout)
		}
		return atomicfile.WriteFunc(o.Path, 0o644, func(w io.Writer) error { return fn(o, w) })
	}
	bufs := make([]bytes.Buffer, len(outs))
	for i, o := range outs {
		if err := fn(o, &bufs[i]); err != nil {
			return fmt.Errorf("%s: %w", o.Format.Name, err)
		}
	}
	for i, o := range outs {
		if i == 0 {
			if err := os.MkdirAll(filepath.Dir(o.Path), 0o755); err != nil {
				return err
			}
		}
		if err := atomicfile.Write(o.Path, bufs[i].Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// WriteVerified says what verify found in a bundle that is as signed:
// the signer, the device, the date, what made it, and a PDF's binding.
func WriteVerified(w io.Writer, file string, res *app.Verified) error {
	m := res.Manifest
	p := &ew{w: w}
	p.printf("%s: verified, %d entries as signed by %s\n%s, %s; made by %s %s, catalog %s", file, len(m.Entries), m.Signer, m.Subject, m.Date, m.Tool.Name, m.Tool.Version, m.Tool.Catalog)
	if m.Tool.Database != "" {
		p.printf(", vulnerability data %s", m.Tool.Database)
	}
	p.printf("\n")
	if m.PDF != nil {
		p.printf("%s is bound to %s\n", m.PDF.Path, m.PDF.From)
	}
	return p.err
}
