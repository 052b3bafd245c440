package fleet

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/mdcheck/mdcheck/internal/fleet/jobs"
)

// On PostgreSQL the store's work runs as jobs (package jobs) that any
// number of worker processes share; with SQLite the server's loops run
// it in its one process.

// Job kinds.
const (
	JobAssess  = jobs.Assess
	JobMonitor = jobs.Monitor
	JobUpdate  = jobs.Update
	JobDeliver = jobs.Deliver
	JobRematch = jobs.Rematch
)

// Handlers, WorkOptions and JobStatus are package jobs'.
type (
	Handlers    = jobs.Handlers
	WorkOptions = jobs.WorkOptions
	JobStatus   = jobs.Status
	JobCount    = jobs.Count
)

// enqueueAssess inserts, in tx, the job that runs assessment id.
func (s *Store) enqueueAssess(ctx context.Context, tx *sql.Tx, id string) error {
	if s.jobs == nil {
		return nil
	}
	args, opts := jobs.AssessJob(id)
	_, err := s.jobs.InsertTx(ctx, tx, args, opts)
	return err
}

// MonitorWindow is how long imports gather before their re-match runs
// as one (jobs.MonitorAt): a feed's burst of advisories re-matches the
// fleet once, not once per advisory with the devices they share
// assessed again each time.
const MonitorWindow = 5 * time.Second

// enqueueMonitor inserts, in tx, the monitoring job that re-matches an
// imported advisory, at the end of the import's window.
func (s *Store) enqueueMonitor(ctx context.Context, tx *sql.Tx, advisory string) error {
	if s.jobs == nil {
		return nil
	}
	args, opts := jobs.MonitorJob(advisory, jobs.MonitorAt(s.Now(), MonitorWindow))
	_, err := s.jobs.InsertTx(ctx, tx, args, opts)
	return err
}

// Range is the devices whose IDs are in [From, To); "" leaves a side
// open.
type Range struct{ From, To string }

// In reports whether the device ID is in r.
func (r Range) In(id string) bool { return id >= r.From && (r.To == "" || id < r.To) }

// Shards divides an organisation's devices into ranges of size devices.
func (s *Store) Shards(ctx context.Context, org string, size int) ([]Range, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT id FROM devices WHERE org_id = ? ORDER BY id`), org)
	if err != nil {
		return nil, err
	}
	ids, err := collect(rows, scanString)
	if err != nil {
		return nil, err
	}
	out := []Range{{}}
	for i := size; i < len(ids); i += size {
		out[len(out)-1].To = ids[i]
		out = append(out, Range{From: ids[i]})
	}
	return out, nil
}

// MatchedInShards records that advisories of one organisation are being
// matched against its fleet and inserts a re-match job per range of its
// devices, in one transaction (Matched's, with jobs in place of the
// assessments, which each job queues for its range).
func (s *Store) MatchedInShards(ctx context.Context, org string, advs []Advisory, ranges []Range) error {
	if s.jobs == nil {
		return errors.New("shards need a PostgreSQL store")
	}
	ids := make([]string, len(advs))
	for i, a := range advs {
		ids[i] = a.ID
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.markMatched(ctx, tx, org, advs, "shards:"+strconv.Itoa(len(ranges))); err != nil {
			return err
		}
		for _, r := range ranges {
			args, opts := jobs.RematchJob(org, ids, r.From, r.To)
			if _, err := s.jobs.InsertTx(ctx, tx, args, opts); err != nil {
				return err
			}
		}
		return nil
	})
}

// QueueDevices queues an assessment of each of org's devices, in one
// transaction; a device deleted meanwhile is passed over.
func (s *Store) QueueDevices(ctx context.Context, org string, devices []string) ([]Assessment, error) {
	var out []Assessment
	err := s.tx(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		var err error
		out, err = s.queueDevices(ctx, tx, org, devices, s.stamp())
		return err
	})
	return out, err
}

// Jobs reports whether the store's work runs as jobs (PostgreSQL).
func (s *Store) Jobs() bool { return s.jobs != nil }

// Work runs the store's jobs with o until ctx ends (PostgreSQL).
func (s *Store) Work(ctx context.Context, o WorkOptions) error {
	if s.jobs == nil {
		return errors.New("jobs need a PostgreSQL store")
	}
	return jobs.Work(ctx, s.db, s.dsn, o)
}

// Listen calls fn with each notification on channel until ctx ends
// (PostgreSQL; with SQLite it returns at once).
func (s *Store) Listen(ctx context.Context, channel string, fn func(payload string)) {
	if s.postgres {
		jobs.Listen(ctx, s.dsn, channel, fn)
	}
}

// JobStates reads the jobs' states; on SQLite, the assessments' and
// notifications' (the work the server's loops do).
func (s *Store) JobStates(ctx context.Context) (JobStatus, error) {
	if s.jobs != nil {
		return jobs.States(ctx, s.db)
	}
	var st JobStatus
	for _, q := range []struct{ kind, query string }{
		{JobAssess, `SELECT status, COUNT(*) FROM assessments GROUP BY status ORDER BY status`},
		{JobDeliver, `SELECT status, COUNT(*) FROM notifications GROUP BY status ORDER BY status`},
	} {
		rows, err := s.db.QueryContext(ctx, q.query)
		if err != nil {
			return st, err
		}
		cs, err := collect(rows, func(r scanner) (JobCount, error) {
			c := JobCount{Kind: q.kind}
			return c, r.Scan(&c.State, &c.Count)
		})
		if err != nil {
			return st, err
		}
		st.Counts = append(st.Counts, cs...)
	}
	return st, nil
}

// QueuedFor is an assessment by ID alone, for the job that runs it,
// without its report; and the ID of a newer one queued for its device,
// if any, which supersedes it.
func (s *Store) QueuedFor(ctx context.Context, id string) (a Assessment, newer string, err error) {
	a, err = scanAssessment(s.db.QueryRowContext(ctx, s.q(`SELECT `+assessmentColumns+` FROM assessments WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, "", ErrNotFound
	}
	if err != nil {
		return a, "", err
	}
	err = s.db.QueryRowContext(ctx, s.q(`SELECT id FROM assessments WHERE device_id = ? AND status = ? AND id > ? ORDER BY id DESC LIMIT 1`), a.Device, Queued, a.ID).Scan(&newer)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	return a, newer, err
}

// Reclaim marks an assessment running for a job's attempt: queued, or
// running still when the worker of an earlier attempt died (the queue
// gives a job to one worker at a time). A closed one is ErrConflict.
func (s *Store) Reclaim(ctx context.Context, a Assessment) error {
	return s.txShared(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE assessments SET status = ? WHERE id = ? AND status IN (?, ?)`), Running, a.ID, Queued, Running)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrConflict
		}
		return s.appendAudit(ctx, tx, System, a.Org, "assessment.start", "assessment/"+a.ID, "", "")
	})
}
