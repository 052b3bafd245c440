package fleet

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
)

// Document is a rendering of an assessment's check (HTML, PDF, ...),
// asked for when the assessment was queued and made when it runs.
type Document struct {
	Assessment  string     `json:"assessment"`
	Format      string     `json:"format"`
	Status      string     `json:"status"` // queued, done or failed
	ContentType string     `json:"contentType,omitempty"`
	Size        int        `json:"size"`
	Error       string     `json:"error,omitempty"`
	Created     time.Time  `json:"created"`
	Finished    *time.Time `json:"finished,omitempty"`
	Body        []byte     `json:"-"`
}

// QueueDocuments queues an assessment of a device's newest model version
// that renders the formats too, in one transaction.
func (s *Store) QueueDocuments(ctx context.Context, by Actor, device string, formats []string) (Assessment, []Document, error) {
	var a Assessment
	var docs []Document
	err := s.tx(ctx, func(tx *sql.Tx) error {
		docs = docs[:0]
		model, _, err := s.deviceTx(ctx, tx, by.Org, device)
		if err != nil {
			return err
		}
		st := s.stamp()
		if a, err = s.queueTx(ctx, tx, by, device, model, st); err != nil {
			return err
		}
		for _, f := range formats {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO documents (assessment_id, org_id, format, status, created) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`), a.ID, by.Org, f, Queued, st); err != nil {
				return err
			}
			docs = append(docs, Document{Assessment: a.ID, Format: f, Status: Queued, Created: parseTime(st)})
		}
		return s.appendAudit(ctx, tx, by, by.Org, "documents.queue", "assessment/"+a.ID, "", digest([]byte(strings.Join(formats, "\n"))))
	})
	return a, docs, err
}

// moveDocuments hands the documents still queued with a superseded
// assessment to the one that supersedes it.
func (s *Store) moveDocuments(ctx context.Context, tx *sql.Tx, from, to string) error {
	_, err := tx.ExecContext(ctx, s.q(`UPDATE documents SET assessment_id = ? WHERE assessment_id = ? AND status = ? AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.assessment_id = ? AND d.format = documents.format)`), to, from, Queued, to)
	return err
}

const documentColumns = `assessment_id, format, status, content_type, size, error, created, finished`

func scanDocument(r scanner, extra ...any) (Document, error) {
	var d Document
	var created string
	var finished sql.NullString
	err := r.Scan(append([]any{&d.Assessment, &d.Format, &d.Status, &d.ContentType, &d.Size, &d.Error, &created, &finished}, extra...)...)
	d.Created = parseTime(created)
	if finished.Valid {
		t := parseTime(finished.String)
		d.Finished = &t
	}
	return d, err
}

// Documents lists an assessment's documents of org, by format.
func (s *Store) Documents(ctx context.Context, org, assessment string) ([]Document, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+documentColumns+` FROM documents WHERE org_id = ? AND assessment_id = ? ORDER BY format`), org, assessment)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (Document, error) { return scanDocument(r) })
}

// Document is one document of org with its body.
func (s *Store) Document(ctx context.Context, org, assessment, format string) (Document, error) {
	var body []byte
	d, err := scanDocument(s.db.QueryRowContext(ctx, s.q(`SELECT `+documentColumns+`, body FROM documents WHERE org_id = ? AND assessment_id = ? AND format = ?`), org, assessment, format), &body)
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrNotFound
	}
	d.Body = body
	return d, err
}

// PutDocument records a document made, or why it failed.
func (s *Store) PutDocument(ctx context.Context, a Assessment, format, contentType string, body []byte, failure string) error {
	status := Done
	if failure != "" {
		status, body = Failed, nil
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE documents SET status = ?, content_type = ?, size = ?, error = ?, finished = ?, body = ? WHERE assessment_id = ? AND format = ?`),
			status, contentType, len(body), failure, s.stamp(), body, a.ID, format); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, System, a.Org, "document."+status, "assessment/"+a.ID+"/documents/"+format, "", digest(body))
	})
}
