package fleetapp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/fleet"
	"github.com/mdcheck/mdcheck/internal/vuln/store"
)

// Jobs reports whether the fleet's work runs as jobs that processes
// share (a PostgreSQL store): Work runs them; otherwise the server's
// loops call RunQueued, Monitor, UpdateData and Deliver in its one
// process.
func (f *Fleet) Jobs() bool { return f.store.Jobs() }

// JobStatus is the jobs' states and latest errors.
type JobStatus = fleet.JobStatus

// JobStates reads the jobs' states across the store (every
// organisation's); on SQLite, the assessments' and notifications'.
func (f *Fleet) JobStates(ctx context.Context) (JobStatus, error) { return f.store.JobStates(ctx) }

// WorkOptions says how a worker process works the fleet's jobs.
type WorkOptions struct {
	// Workers is how many jobs run at once.
	Workers int
	// Monitor, Update and Deliver are how often the periodic jobs run
	// (once across every process); Update 0 runs no db update.
	Monitor, Update, Deliver time.Duration
	// UpdateOptions are db update's; Delivery how notifications go
	// (DefaultDelivery's client, backoff and attempts when it has no
	// client).
	UpdateOptions app.UpdateOptions
	Delivery      Delivery
	// AssessTimeout bounds one assessment (0: 30 minutes); Rescue is
	// when a job whose worker died runs again (0: a little over the
	// longest timeout).
	AssessTimeout, Rescue time.Duration
	Log                   *slog.Logger
}

// Work runs the fleet's jobs until ctx ends: assessments, re-matching,
// db update and notification delivery, sharing them with every other
// worker process of the store.
func (f *Fleet) Work(ctx context.Context, o WorkOptions) error {
	if o.Delivery.Client == nil {
		d := DefaultDelivery()
		d.SMTP, d.From = o.Delivery.SMTP, o.Delivery.From
		o.Delivery = d
	}
	monitor := func(ctx context.Context) error {
		if err := f.SyncData(ctx); err != nil {
			return err
		}
		_, err := f.monitorWith(ctx, f.rematchInShards)
		return err
	}
	h := fleet.Handlers{
		Assess:  f.RunAssessment,
		Rematch: f.RematchShard,
		Monitor: monitor,
		Update: func(ctx context.Context) error {
			if err := f.SyncData(ctx); err != nil {
				return err
			}
			if _, err := f.UpdateData(ctx, o.UpdateOptions); err != nil {
				return err
			}
			if err := f.publish(ctx); err != nil {
				return err
			}
			return monitor(ctx)
		},
		Deliver: func(ctx context.Context) error {
			_, err := f.Deliver(ctx, o.Delivery)
			return err
		},
	}
	return f.store.Work(ctx, fleet.WorkOptions{Handlers: h, Workers: o.Workers, Monitor: o.Monitor, Update: o.Update, Deliver: o.Deliver,
		AssessTimeout: o.AssessTimeout, Rescue: o.Rescue, Retries: 10, Log: o.Log})
}

// RunAssessment is the job of one queued assessment: it runs it unless
// a newer one for the device supersedes it, or it is closed already; an
// attempt after one whose worker died runs it again. The notification
// and cases of an assessment that an earlier attempt finished are
// recorded if they were not, once.
func (f *Fleet) RunAssessment(ctx context.Context, id string, attempt int) error {
	q, newer, err := f.store.QueuedFor(ctx, id)
	if errors.Is(err, fleet.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	switch q.Status {
	case fleet.Done:
		full, err := f.store.Assessment(ctx, q.Org, q.ID)
		if err != nil {
			return err
		}
		var view reportView
		if err := json.Unmarshal(full.Report, &view); err != nil {
			return err
		}
		return f.followUp(ctx, q, view)
	case fleet.Queued, fleet.Running:
	default:
		return nil
	}
	if newer != "" {
		if err := f.store.Supersede(ctx, q, newer); err != nil && !errors.Is(err, fleet.ErrConflict) {
			return err
		}
		return nil
	}
	if err := f.SyncData(ctx); err != nil {
		return err
	}
	if err := f.store.Reclaim(ctx, q); errors.Is(err, fleet.ErrConflict) {
		return nil
	} else if err != nil {
		return err
	}
	return f.run(ctx, q)
}

// SyncData makes this process match against the newest vulnerability
// database published in the store (PostgreSQL): it fetches it into the
// database file when it is not the one in use, or publishes the one in
// use when none is published.
func (f *Fleet) SyncData(ctx context.Context) error {
	if !f.store.Jobs() {
		return nil
	}
	f.syncing.Lock()
	defer f.syncing.Unlock()
	pub, err := f.store.PublishedData(ctx)
	if err != nil {
		return err
	}
	hash, err := f.app.DataHash(ctx)
	if err != nil {
		return err
	}
	if len(pub) == 0 {
		return f.publish(ctx)
	}
	if pub[0].Hash == hash {
		return nil
	}
	dst := f.app.DBPath()
	if dst == "" {
		return errors.New("no vulnerability database file to keep the published one in")
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	tmp := fmt.Sprintf("%s.fetch-%d", dst, time.Now().UnixNano())
	if err := f.store.FetchData(ctx, pub[0], tmp); err != nil {
		return err
	}
	defer os.Remove(tmp)
	if got, err := store.HashOf(tmp); err != nil || got != pub[0].Hash {
		return fmt.Errorf("the published vulnerability database %s reads as %q: %v", pub[0].Hash, got, err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return err
	}
	_, err = f.app.DataHash(ctx) // opens it
	return err
}

// publish stores the database in use as the newest for every process.
func (f *Fleet) publish(ctx context.Context) error {
	hash, err := f.app.DataHash(ctx)
	if err != nil {
		return err
	}
	path, err := f.app.DataFile()
	if err != nil {
		return err
	}
	_, err = f.store.PublishData(ctx, hash, path)
	return err
}

// published fetches the published database with the content hash into
// the new file path; false when none is.
func (f *Fleet) published(ctx context.Context, hash, path string) (bool, error) {
	pub, err := f.store.PublishedData(ctx)
	if err != nil {
		return false, err
	}
	for _, d := range pub {
		if d.Hash == hash {
			return true, f.store.FetchData(ctx, d, path)
		}
	}
	return false, nil
}

// Follow keeps this process on the newest vulnerability database
// published in the store until ctx ends: at once, when the store
// announces a new one, and every interval in case an announcement was
// missed. Without jobs (SQLite) there is nothing to follow.
func (f *Fleet) Follow(ctx context.Context, interval time.Duration, log *slog.Logger) {
	if !f.Jobs() {
		return
	}
	sync := func() {
		if err := f.SyncData(ctx); err != nil && ctx.Err() == nil {
			log.Error("vulnerability database from the store", "error", err.Error())
		}
	}
	go f.store.Listen(ctx, fleet.DataChannel, func(string) { sync() })
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
			sync()
		}
	}
}
