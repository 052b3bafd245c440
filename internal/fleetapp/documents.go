package fleetapp

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/fleet"
)

// Document is a rendering of an assessment's check.
type Document = fleet.Document

// Renderer renders a check's result in a format (render's formats: html,
// pdf, clinician, md, oscal, sarif ...): the bytes and their media type.
type Renderer func(ctx context.Context, format string, res *app.CheckResult) (body []byte, contentType string, err error)

// SetRenderer gives the fleet the renderer its assessments make
// documents with, and the formats it renders.
func (f *Fleet) SetRenderer(r Renderer, formats []string) { f.render, f.formats = r, formats }

// DocumentFormats are the formats QueueDocuments takes.
func (f *Fleet) DocumentFormats() []string { return f.formats }

// QueueDocuments queues an assessment of the device as it stands whose
// job renders the formats from the same check as its report (a job:
// with PostgreSQL, on any worker). An unknown format is an InputError.
func (f *Fleet) QueueDocuments(ctx context.Context, by Actor, device string, formats []string) (Assessment, []Document, error) {
	if len(formats) == 0 {
		return Assessment{}, nil, app.InputError{Err: fmt.Errorf("formats: name one or more of %s", strings.Join(f.formats, ", "))}
	}
	for _, fm := range formats {
		if !slices.Contains(f.formats, fm) {
			return Assessment{}, nil, app.InputError{Err: fmt.Errorf("format %q: one of %s", fm, strings.Join(f.formats, ", "))}
		}
	}
	return f.store.QueueDocuments(ctx, by, device, formats)
}

// Documents lists an assessment's documents.
func (f *Fleet) Documents(ctx context.Context, by Actor, assessment string) ([]Document, error) {
	if _, err := f.store.Assessment(ctx, by.Org, assessment); err != nil {
		return nil, err
	}
	return f.store.Documents(ctx, by.Org, assessment)
}

// Document is one of an assessment's documents, with its bytes.
func (f *Fleet) Document(ctx context.Context, by Actor, assessment, format string) (Document, error) {
	return f.store.Document(ctx, by.Org, assessment, format)
}

// renderDocuments makes the documents still queued with assessment q
// from its check's result, or records why not when res is nil (the
// check failed: failure).
func (f *Fleet) renderDocuments(ctx context.Context, q Assessment, res *app.CheckResult, failure string) error {
	docs, err := f.store.Documents(ctx, q.Org, q.ID)
	if err != nil {
		return err
	}
	for _, d := range docs {
		if d.Status != fleet.Queued {
			continue
		}
		var body []byte
		ctype, why := "", failure
		switch {
		case res == nil:
		case f.render == nil:
			why = "this server renders no documents"
		default:
			if body, ctype, err = f.render(ctx, d.Format, res); err != nil {
				if ctx.Err() != nil {
					return ctx.Err() // run again: not the document's fault
				}
				why = "rendering failed: " + err.Error()
			}
		}
		if err := f.store.PutDocument(ctx, q, d.Format, ctype, body, why); err != nil {
			return err
		}
	}
	return nil
}
