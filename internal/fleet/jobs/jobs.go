// Package jobs runs the fleet server's work as River jobs
// (riverqueue.com) in a PostgreSQL store that any number of worker
// processes share: each queued assessment is a job inserted in
// the transaction that queues it (no job for an upload that did not
// commit, no queued assessment without its job), and the periodic work
// (monitoring, db update, notification delivery) is enqueued by the
// elected leader alone, so it runs once across the cluster. A job whose
// worker died is run again by another after WorkOptions.Rescue. With
// SQLite the same work runs in the one process (the server's loops).
package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
)

// Job kinds.
const (
	Assess  = "mdcheck_assess"
	Monitor = "mdcheck_monitor"
	Update  = "mdcheck_db_update"
	Deliver = "mdcheck_deliver"
	Rematch = "mdcheck_rematch"
)

type kindName interface{ kind() string }

type (
	assessKind  struct{}
	monitorKind struct{}
	updateKind  struct{}
	deliverKind struct{}
	rematchKind struct{}
)

func (assessKind) kind() string  { return Assess }
func (monitorKind) kind() string { return Monitor }
func (updateKind) kind() string  { return Update }
func (deliverKind) kind() string { return Deliver }
func (rematchKind) kind() string { return Rematch }

// jobArgs are a job's arguments; K names its kind.
type jobArgs[K kindName] struct {
	Assessment string `json:"assessment,omitempty"`
	// Advisory is the import a monitoring job follows.
	Advisory string `json:"advisory,omitempty"`
	// A re-match shard matches an organisation's advisories against its
	// devices whose IDs are in [From, To) ("" is open).
	Org        string   `json:"org,omitempty"`
	Advisories []string `json:"advisories,omitempty"`
	From       string   `json:"from,omitempty"`
	To         string   `json:"to,omitempty"`
}

func (jobArgs[K]) Kind() string { var k K; return k.kind() }

// AssessJob is the job of assessment id and how it is inserted.
func AssessJob(id string) (river.JobArgs, *river.InsertOpts) {
	return jobArgs[assessKind]{Assessment: id}, &river.InsertOpts{MaxAttempts: attempts}
}

// MonitorJob is the monitoring job that re-matches an imported
// advisory, run at the time at: one per import, so that none waits
// behind a run that began before it committed. The imports of a window
// share its end as their time (MonitorAt), so a burst of them is
// matched against the fleet together by the first of their jobs; the
// others find nothing left to match.
func MonitorJob(advisory string, at time.Time) (river.JobArgs, *river.InsertOpts) {
	return jobArgs[monitorKind]{Advisory: advisory}, &river.InsertOpts{MaxAttempts: 3, ScheduledAt: at}
}

// MonitorAt is when the monitoring job of an import made at now runs:
// the end of now's window of the given length (windows begin at
// multiples of it since the Unix epoch).
func MonitorAt(now time.Time, window time.Duration) time.Time {
	if window <= 0 {
		return now
	}
	return now.Truncate(window).Add(window)
}

// RematchJob is the job that matches advisories of org against its
// devices in [from, to).
func RematchJob(org string, advisories []string, from, to string) (river.JobArgs, *river.InsertOpts) {
	return jobArgs[rematchKind]{Org: org, Advisories: advisories, From: from, To: to}, &river.InsertOpts{MaxAttempts: attempts}
}

// Handlers run the jobs; each is the use case the server's loops call
// on SQLite. An error has the job tried again later.
type Handlers struct {
	// Assess runs a queued assessment; attempt counts from 1.
	Assess func(ctx context.Context, assessment string, attempt int) error
	// Monitor, Update and Deliver are the periodic work.
	Monitor, Update, Deliver func(ctx context.Context) error
	// Rematch matches advisories of org against its devices in [from,
	// to).
	Rematch func(ctx context.Context, org string, advisories []string, from, to string) error
}

// WorkOptions says how a worker process works the jobs.
type WorkOptions struct {
	Handlers Handlers
	// Workers is how many jobs run at once in this process.
	Workers int
	// Monitor, Update and Deliver are the periodic jobs' intervals; 0
	// schedules none (another process may).
	Monitor, Update, Deliver time.Duration
	// AssessTimeout bounds one assessment; Rescue is when a job still
	// running (its worker died) is run again: longer than any timeout.
	AssessTimeout, Rescue time.Duration
	// Retries is how many times a failed job is tried in all.
	Retries int
	Log     *slog.Logger
}

const attempts = 10

// Open migrates River's tables in db and returns the client that
// inserts jobs.
func Open(ctx context.Context, db *sql.DB) (*river.Client[*sql.Tx], error) {
	m, err := rivermigrate.New(riverdatabasesql.New(db), &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, err
	}
	// River's migrations run one transaction each (a type's new value is
	// used only after it commits); a lock held on a connection of its own
	// meanwhile keeps a process starting beside this one waiting.
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(7454)`); err != nil {
		return nil, err
	}
	_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if _, uerr := conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(7454)`); err == nil {
		err = uerr
	}
	if err != nil {
		return nil, fmt.Errorf("store: the job tables: %w", err)
	}
	return river.NewClient(riverdatabasesql.New(db), &river.Config{Logger: slog.New(slog.DiscardHandler)})
}

type worker[K kindName] struct {
	river.WorkerDefaults[jobArgs[K]]
	run     func(ctx context.Context, job *river.Job[jobArgs[K]]) error
	timeout time.Duration
}

func (w *worker[K]) Work(ctx context.Context, job *river.Job[jobArgs[K]]) error {
	return w.run(ctx, job)
}

func (w *worker[K]) Timeout(*river.Job[jobArgs[K]]) time.Duration { return w.timeout }

// NextRetry backs off exponentially from 5 s to an hour.
func (w *worker[K]) NextRetry(job *river.Job[jobArgs[K]]) time.Time {
	d := 5 * time.Second << min(job.Attempt-1, 10)
	return time.Now().Add(min(d, time.Hour))
}

// waitingOrRunning are the states a periodic job is unique across: not
// the finished ones, which would stop it for good.
var waitingOrRunning = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled}

func periodic[K kindName](every time.Duration, run func(context.Context) error, timeout time.Duration, ws *river.Workers, jobs *[]*river.PeriodicJob) {
	if run == nil {
		return
	}
	river.AddWorker(ws, &worker[K]{run: func(ctx context.Context, _ *river.Job[jobArgs[K]]) error { return run(ctx) }, timeout: timeout})
	if every <= 0 {
		return
	}
	// Unique while one waits or runs: a slow run is not doubled by the
	// next tick, in this process or another.
	*jobs = append(*jobs, river.NewPeriodicJob(river.PeriodicInterval(every), func() (river.JobArgs, *river.InsertOpts) {
		return jobArgs[K]{}, &river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: waitingOrRunning}}
	}, &river.PeriodicJobOpts{RunOnStart: true}))
}

// Work runs jobs with o until ctx ends, then lets the running ones
// finish for a while: db is the store, dsn its URL (for LISTEN).
func Work(ctx context.Context, db *sql.DB, dsn string, o WorkOptions) error {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.AssessTimeout <= 0 {
		o.AssessTimeout = 30 * time.Minute
	}
	ws := river.NewWorkers()
	var jobs []*river.PeriodicJob
	if o.Handlers.Assess != nil {
		river.AddWorker(ws, &worker[assessKind]{timeout: o.AssessTimeout, run: func(ctx context.Context, job *river.Job[jobArgs[assessKind]]) error {
			return o.Handlers.Assess(ctx, job.Args.Assessment, job.Attempt)
		}})
	}
	if o.Handlers.Rematch != nil {
		river.AddWorker(ws, &worker[rematchKind]{timeout: time.Hour, run: func(ctx context.Context, job *river.Job[jobArgs[rematchKind]]) error {
			a := job.Args
			return o.Handlers.Rematch(ctx, a.Org, a.Advisories, a.From, a.To)
		}})
	}
	periodic[monitorKind](o.Monitor, o.Handlers.Monitor, time.Hour, ws, &jobs)
	periodic[updateKind](o.Update, o.Handlers.Update, 3*time.Hour, ws, &jobs)
	periodic[deliverKind](o.Deliver, o.Handlers.Deliver, 10*time.Minute, ws, &jobs)
	// LISTEN on a connection of its own, so that an inserted job is
	// picked up at once rather than at the next poll.
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return err
	}
	defer pool.Close()
	rescue := o.Rescue
	if rescue <= 0 {
		rescue = max(o.AssessTimeout, 3*time.Hour) + time.Minute
	}
	if rescue < o.AssessTimeout {
		return fmt.Errorf("jobs: rescuing after %v would run an assessment again while it may still run (its timeout is %v)", rescue, o.AssessTimeout)
	}
	c, err := river.NewClient(riverdatabasesql.NewWithPgxListener(db, pool), &river.Config{
		Workers:              ws,
		PeriodicJobs:         jobs,
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: max(o.Workers, 1)}},
		JobTimeout:           o.AssessTimeout,
		RescueStuckJobsAfter: rescue,
		// A worker takes its next job 20 ms after the last at the
		// earliest (River's default is 100 ms): a re-match queues
		// thousands of short jobs.
		FetchCooldown:       20 * time.Millisecond,
		MaxAttempts:         max(o.Retries, 1),
		Logger:              o.Log,
		SkipUnknownJobCheck: true,
	})
	if err != nil {
		return err
	}
	if err := c.Start(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	stop, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return c.Stop(stop)
}

// Count is how many jobs of a kind are in a state.
type Count struct {
	Kind  string `json:"kind"`
	State string `json:"state"`
	Count int64  `json:"count"`
}

// Error is a job's latest error.
type Error struct {
	ID      int64     `json:"id"`
	Kind    string    `json:"kind"`
	State   string    `json:"state"`
	Attempt int       `json:"attempt"`
	Error   string    `json:"error"`
	At      time.Time `json:"at"`
}

// Status is the jobs' states and the latest errors.
type Status struct {
	Counts []Count `json:"counts"`
	Errors []Error `json:"errors"`
}

// States reads the jobs' states in db.
func States(ctx context.Context, db *sql.DB) (Status, error) {
	var st Status
	rows, err := db.QueryContext(ctx, `SELECT kind, state::text, COUNT(*) FROM river_job GROUP BY kind, state ORDER BY kind, state`)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var c Count
		if err := rows.Scan(&c.Kind, &c.State, &c.Count); err != nil {
			return st, err
		}
		st.Counts = append(st.Counts, c)
	}
	if err := rows.Err(); err != nil {
		return st, err
	}
	rows, err = db.QueryContext(ctx, `SELECT id, kind, state::text, attempt, COALESCE(errors[array_length(errors, 1)]->>'error', ''), COALESCE(attempted_at, created_at)
		FROM river_job WHERE errors IS NOT NULL AND array_length(errors, 1) > 0 ORDER BY COALESCE(attempted_at, created_at) DESC LIMIT 20`)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var e Error
		if err := rows.Scan(&e.ID, &e.Kind, &e.State, &e.Attempt, &e.Error, &e.At); err != nil {
			return st, err
		}
		st.Errors = append(st.Errors, e)
	}
	return st, rows.Err()
}

// Listen calls fn with the payload of each notification on channel
// (PostgreSQL's LISTEN) of the database at dsn until ctx ends, and once after each (re)connect
// with "" (a notification may have been missed meanwhile). A lost
// connection (a PostgreSQL restart) is opened again with backoff.
func Listen(ctx context.Context, dsn, channel string, fn func(payload string)) {
	wait := time.Second
	for ctx.Err() == nil {
		err := listen(ctx, dsn, channel, fn, &wait)
		if ctx.Err() != nil {
			return
		}
		_ = err // told by the next attempt, or by the store's other users
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Minute)
	}
}

func listen(ctx context.Context, dsn, channel string, fn func(string), wait *time.Duration) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		return err
	}
	*wait = time.Second
	fn("")
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		fn(n.Payload)
	}
}
