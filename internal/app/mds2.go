package app

import (
	"context"
	"path/filepath"
	"strings"
	"time"

	"github.com/mdcheck/mdcheck/internal/boundedio"
	"github.com/mdcheck/mdcheck/internal/mds2"
	"github.com/mdcheck/mdcheck/internal/mds2/crosswalk"
	"github.com/mdcheck/mdcheck/internal/model"
)

// readForm reads an MDS2 workbook, bounded, and tells each warning.
func readForm(path string, ev Events) (*mds2.Form, error) {
	data, err := boundedio.ReadFile(path, mds2.MaxFile)
	if err != nil {
		return nil, InputError{err}
	}
	form, err := mds2.Read(path, data)
	if err != nil {
		return nil, InputError{err}
	}
	for _, w := range form.Warnings {
		ev.warn("%s", w)
	}
	return form, nil
}

// MDS2Import reads an MDS2 form as manufacturers send it; its warnings,
// naming cells, are told as they are found and kept in the form.
func (a *App) MDS2Import(ctx context.Context, file string, ev Events) (*mds2.Form, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return readForm(file, ev)
}

// MDS2ExportOptions are the inputs of an MDS2 export.
type MDS2ExportOptions struct {
	Model string // device model file
	// Base is an earlier MDS2 of the device whose answers are kept where
	// the model does not decide.
	Base string
	// Date is the release date written in DOC-7; zero means today (UTC).
	Date time.Time
	Events
}

// MDS2Export is the answers of the device's MDS2 and where they came
// from, for a renderer to write as a workbook.
type MDS2Export struct {
	crosswalk.Exported
	// Source names the device model the answers were derived from; Date
	// is the release date (DOC-7).
	Source string
	Date   time.Time
	// Base is the earlier form's file, when one was given.
	Base string
}

// MDS2Export answers the device's MDS2 (HN 1-2019 structure): every
// question, the model's answers, the rest blank with a note or taken from
// an earlier form of the device.
func (a *App) MDS2Export(ctx context.Context, o MDS2ExportOptions) (*MDS2Export, error) {
	if o.Date.IsZero() {
		o.Date = time.Now().UTC()
	}
	dev, err := model.Load(o.Model)
	if err != nil {
		return nil, err
	}
	var base *mds2.Form
	if o.Base != "" {
		if base, err = readForm(o.Base, o.Events); err != nil {
			return nil, err
		}
		if m := dev.Identity.Manufacturer; base.Manufacturer != "" && !strings.EqualFold(strings.TrimSpace(base.Manufacturer), strings.TrimSpace(m)) {
			o.warn("%s is a form of %s (DOC-1), the model one of %s: is it this device's?", base.File, base.Manufacturer, m)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	src := filepath.Base(o.Model)
	ex := crosswalk.Export(dev, src, base)
	for _, d := range ex.Differences {
		o.note("%s", d)
	}
	out := &MDS2Export{Exported: ex, Source: src, Date: o.Date}
	if base != nil {
		out.Base = base.File
	}
	return out, nil
}
