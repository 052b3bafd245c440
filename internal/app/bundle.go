package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/mdcheck/mdcheck/internal/bundle"
)

// Report is one rendered report to pack in an evidence bundle: its file
// name and bytes.
type Report struct {
	Name string
	Data []byte
}

// BundleOptions say what an evidence bundle packs and who signs it.
type BundleOptions struct {
	// Key is the Ed25519 private key file (mdcheck keygen).
	Key string
	// Reports are every report of the check, rendered; PDF, when not
	// nil, is the HTML report (PDFFrom) printed.
	Reports []Report
	PDF     []byte
	PDFFrom string
}

// WriteBundle packs the check's inputs and reports into a signed zip on
// w (docs/reports.md, "Evidence bundle"). An input that changed since the
// check read it stops the bundle.
func (a *App) WriteBundle(ctx context.Context, w io.Writer, res *CheckResult, o BundleOptions) error {
	key, err := bundle.ReadPrivateKey(o.Key)
	if err != nil {
		return InputError{err}
	}
	r := res.Report
	m := bundle.Manifest{
		Subject: strings.TrimSpace(r.Device.Manufacturer + ": " + r.Device.Product + " " + r.Device.Model),
		Date:    r.Date,
		Tool:    bundle.Tool{Name: r.Tool.Name, Version: r.Tool.Version, Commit: r.Tool.Commit, BuildDate: r.Tool.BuildDate, Catalog: r.Tool.Catalog},
	}
	if d := r.Tool.Database; d != nil {
		m.Tool.Database, m.Tool.DatabaseNewest = d.Hash, d.Newest
	}
	var files []bundle.File
	width := len(fmt.Sprint(len(r.Inputs)))
	for i, in := range r.Inputs {
		if in.SHA256 == "" {
			continue // the report says why it could not be read
		}
		role := strings.NewReplacer(":", "-", "/", "-").Replace(in.Role)
		files = append(files, bundle.File{
			Path:   fmt.Sprintf("inputs/%0*d-%s/%s", width, i+1, role, path.Base(in.Path)),
			Role:   "input:" + in.Role,
			Source: in.Path, SHA256: in.SHA256, Size: in.Size,
		})
	}
	for _, rep := range o.Reports {
		files = append(files, bundle.File{Path: "reports/" + rep.Name, Role: "report", Data: rep.Data})
	}
	if o.PDF != nil {
		m.PDF = &bundle.Binding{Path: "reports/report.pdf", From: "reports/" + o.PDFFrom}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	day, err := time.Parse(time.DateOnly, r.Date)
	if err != nil {
		return err
	}
	return bundle.Write(w, m, files, o.PDF, key, day)
}

// Keygen writes a new Ed25519 key pair for signing evidence bundles: the
// private key to name (mode 0600), the public one to name.pub.
func (a *App) Keygen(name string) error {
	if err := bundle.Keygen(name, nil); err != nil {
		return InputError{err}
	}
	return nil
}

// Verified is what verifying an evidence bundle found.
type Verified = bundle.Result

// ErrTampered marks a bundle that does not match its signed manifest.
var ErrTampered = bundle.ErrTampered

// VerifyBundle checks the evidence bundle file against the public key in
// keyFile: every entry as signed, none added or removed.
func (a *App) VerifyBundle(ctx context.Context, file, keyFile string) (*Verified, error) {
	pub, err := bundle.ReadPublicKey(keyFile)
	if err != nil {
		return nil, InputError{err}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res, err := bundle.Verify(file, pub)
	if err != nil && !errors.Is(err, bundle.ErrTampered) {
		return nil, InputError{err}
	}
	return res, err
}
