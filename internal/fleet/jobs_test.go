package fleet

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mdcheck/mdcheck/internal/testutil/pgtest"
)

// TestMain runs, when the environment says so, as a worker process of
// the periodic test below instead of the tests.
func TestMain(m *testing.M) {
	if dsn := os.Getenv("MDCHECK_TEST_PERIODIC_WORKER"); dsn != "" {
		os.Exit(periodicWorker(dsn))
	}
	os.Exit(m.Run())
}

// periodicWorker works the monitoring job, scheduled every 300 ms and
// taking 400 ms, with two workers until killed, recording each run's
// start and end in the table runs.
func periodicWorker(dsn string) int {
	ctx := context.Background()
	s, err := Open(ctx, dsn)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	pid := os.Getpid()
	run := func(ctx context.Context) error {
		start := time.Now()
		time.Sleep(400 * time.Millisecond) // longer than a tick
		_, err := s.db.ExecContext(ctx, `INSERT INTO runs (pid, started, ended) VALUES ($1, $2, $3)`, pid, start, time.Now())
		return err
	}
	if err := s.Work(ctx, WorkOptions{Handlers: Handlers{Monitor: run}, Monitor: 300 * time.Millisecond, Workers: 2}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// TestJobEnqueuedWithItsTransaction: an assessment's job is inserted in
// the transaction that queues it: none for one rolled back, one for one
// committed.
func TestJobEnqueuedWithItsTransaction(t *testing.T) {
	s := open(t, pgtest.Database(t))
	ctx := context.Background()
	by, _ := actor(t, s, "A", Assessor)
	d, _, err := s.CreateDevice(ctx, by, "Pump", []byte("kind: Device\n"))
	if err != nil {
		t.Fatal(err)
	}
	jobs := func() (n int) {
		t.Helper()
		if err := s.db.QueryRow(`SELECT COUNT(*) FROM river_job WHERE kind = $1`, JobAssess).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := jobs()
	if before != 1 {
		t.Errorf("the device's first assessment has %d jobs", before)
	}
	boom := errors.New("rolled back")
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.queueTx(ctx, tx, by, d.ID, 1, s.stamp()); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) || jobs() != before {
		t.Errorf("a rolled-back assessment left a job: %v, %d jobs", err, jobs())
	}
	a, err := s.Queue(ctx, by, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	var args string
	if err := s.db.QueryRow(`SELECT args::text FROM river_job WHERE kind = $1 ORDER BY id DESC LIMIT 1`, JobAssess).Scan(&args); err != nil || !strings.Contains(args, a.ID) || jobs() != before+1 {
		t.Errorf("the committed assessment's job: %q %v (%d jobs)", args, err, jobs())
	}
}

// TestPeriodicJobOnceAcrossProcesses: two worker processes schedule the
// same periodic job; it runs once per tick across both, never two at a
// time.
func TestPeriodicJobOnceAcrossProcesses(t *testing.T) {
	dsn := pgtest.Database(t)
	s := open(t, dsn)
	if _, err := s.db.Exec(`CREATE TABLE runs (pid INTEGER, started TIMESTAMPTZ, ended TIMESTAMPTZ)`); err != nil {
		t.Fatal(err)
	}
	var procs []*exec.Cmd
	for i := range 2 {
		c := exec.Command(os.Args[0], "-test.run=^$")
		c.Env = append(os.Environ(), "MDCHECK_TEST_PERIODIC_WORKER="+dsn)
		out, err := os.Create(filepath.Join(t.TempDir(), fmt.Sprintf("worker%d.log", i)))
		if err != nil {
			t.Fatal(err)
		}
		c.Stdout, c.Stderr = out, out
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		procs = append(procs, c)
	}
	kill := func() {
		for _, c := range procs {
			c.Process.Kill()
			c.Wait()
		}
	}
	t.Cleanup(kill)
	// Both run; whichever leads schedules. Wait for runs to pile up.
	deadline := time.Now().Add(60 * time.Second)
	var n int
	for time.Now().Before(deadline) {
		if err := s.db.QueryRow(`SELECT COUNT(*) FROM runs`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n >= 8 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	kill()
	rows, err := s.db.Query(`SELECT pid, started, ended FROM runs ORDER BY started`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var prevEnd, first, last time.Time
	count := 0
	for rows.Next() {
		var pid int
		var start, end time.Time
		if err := rows.Scan(&pid, &start, &end); err != nil {
			t.Fatal(err)
		}
		if start.Before(prevEnd) {
			t.Errorf("a run by %d began at %v, before the previous one ended at %v", pid, start, prevEnd)
		}
		if count == 0 {
			first = start
		}
		prevEnd, last = end, start
		count++
	}
	if count < 8 {
		t.Fatalf("%d runs in 60 s", count)
	}
	// Each tick once: no more runs than ticks (300 ms) in the span, and
	// never two together (above).
	if ticks := int(last.Sub(first)/(300*time.Millisecond)) + 2; count > ticks {
		t.Errorf("%d runs in %v: more than its %d ticks", count, last.Sub(first), ticks)
	}
}

// TestMigrationQueuesJobs: a PostgreSQL store whose assessments were
// queued before its work ran as jobs gets a job for each still queued
// or running when it is opened, and none for one that is done.
func TestMigrationQueuesJobs(t *testing.T) {
	dsn := pgtest.Database(t)
	s := open(t, dsn)
	ctx := context.Background()
	by, _ := actor(t, s, "A", Assessor)
	_, queued, err := s.CreateDevice(ctx, by, "Pump", []byte("kind: Device\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, done, err := s.CreateDevice(ctx, by, "Monitor", []byte("kind: Device\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(ctx, done, []byte("{}"), nil, ""); err != nil {
		t.Fatal(err)
	}
	// As a store before migration 15 stood.
	for _, q := range []string{`DELETE FROM river_job`, `DELETE FROM schema_migrations WHERE version = 15`, `DROP INDEX notifications_key`,
		`ALTER TABLE notifications DROP COLUMN key`, `DROP TABLE data_parts`, `DROP TABLE data_files`} {
		if _, err := s.db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	s2 := open(t, dsn)
	var args []string
	rows, err := s2.db.Query(`SELECT args->>'assessment' FROM river_job WHERE kind = $1`, JobAssess)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var a string
		rows.Scan(&a)
		args = append(args, a)
	}
	if len(args) != 1 || args[0] != queued.ID {
		t.Errorf("jobs after the migration: %v, want one of %s", args, queued.ID)
	}
}

// TestShards: an organisation's devices fall into ranges of the size
// asked, each device in exactly one, another organisation's in none.
func TestShards(t *testing.T) {
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			ctx := context.Background()
			by, _ := actor(t, s, "A", Assessor)
			other, _ := actor(t, s, "B", Assessor)
			var ids []string
			for i := range 5 {
				d, _, err := s.CreateDevice(ctx, by, fmt.Sprint("D", i), []byte("kind: Device\n"))
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, d.ID)
			}
			if _, _, err := s.CreateDevice(ctx, other, "X", []byte("kind: Device\n")); err != nil {
				t.Fatal(err)
			}
			for size, want := range map[int]int{1: 5, 2: 3, 5: 1, 100: 1} {
				rs, err := s.Shards(ctx, by.Org, size)
				if err != nil || len(rs) != want || rs[0].From != "" || rs[len(rs)-1].To != "" {
					t.Fatalf("size %d: %+v %v, want %d ranges, open at both ends", size, rs, err, want)
				}
				for _, id := range ids {
					n := 0
					for _, r := range rs {
						if r.In(id) {
							n++
						}
					}
					if n != 1 {
						t.Errorf("size %d: device %s in %d ranges", size, id, n)
					}
				}
			}
		})
	}
}

// TestIndexFollowsTheNewestAssessment: a device's index is what its
// newest done assessment matched: kept when the next matches the same,
// replaced when it matches something else.
func TestIndexFollowsTheNewestAssessment(t *testing.T) {
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			ctx := context.Background()
			by, _ := actor(t, s, "A", Assessor)
			d, a, err := s.CreateDevice(ctx, by, "Pump", []byte("kind: Device\n"))
			if err != nil {
				t.Fatal(err)
			}
			finish := func(a Assessment, idx map[string]string) {
				t.Helper()
				if err := s.FinishWith(ctx, a, []byte("{}"), nil, Summary{Index: idx}, ""); err != nil {
					t.Fatal(err)
				}
			}
			found := func(key string) bool {
				t.Helper()
				rows, unindexed, err := s.Indexed(ctx, by.Org, []string{key}, false, Range{})
				if err != nil || len(unindexed) != 0 {
					t.Fatalf("indexed: %v, unindexed %v", err, unindexed)
				}
				return len(rows[d.ID]) == 1
			}
			finish(a, map[string]string{"p:npm|a": `[{"name":"a"}]`})
			if !found("p:npm|a") {
				t.Fatal("the first index is not there")
			}
			b, err := s.Queue(ctx, by, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			finish(b, map[string]string{"p:npm|a": `[{"name":"a"}]`})
			if !found("p:npm|a") {
				t.Error("the same index again lost its row")
			}
			c, err := s.Queue(ctx, by, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			finish(c, map[string]string{"p:npm|b": `[{"name":"b"}]`})
			if found("p:npm|a") || !found("p:npm|b") {
				t.Error("a different index did not replace the one before")
			}
		})
	}
}
