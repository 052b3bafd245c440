package app

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/mdcheck/mdcheck/internal/feeds"
	"github.com/mdcheck/mdcheck/internal/report"
	"github.com/mdcheck/mdcheck/internal/vuln/snapshot"
	"github.com/mdcheck/mdcheck/internal/vuln/store"
)

// DefaultMaxDBAge is the age of the newest record past which a matching
// use case warns that the database is stale.
const DefaultMaxDBAge = 7 * 24 * time.Hour

// Database is the vulnerability database an App shares between calls.
type Database struct {
	db *store.DB
	// Status is the database's content as read when it was opened.
	Status store.Status
	// Builtin says that the built-in snapshot stands in for a database
	// that does not exist.
	Builtin bool

	refs    int
	retired bool
	// file is the database file as it was when opened; path where.
	file os.FileInfo
	path string
}

// Freshness is what a matching use case says about the database's age:
// MaxAge nil means the caller did not choose one, so the built-in
// snapshot is announced with its date and any other database is held to
// DefaultMaxDBAge; 0 turns the warning off.
type Freshness struct {
	MaxAge *time.Duration
}

// acquire returns the shared database, opening it on first use, and the
// function that gives it back. A database that db import or db update
// replaced is closed when its last user gives it back.
func (a *App) acquire() (*Database, func(), error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.db == nil {
		d, err := a.open()
		if err != nil {
			return nil, nil, err
		}
		a.db = d
	}
	d := a.db
	d.refs++
	return d, func() {
		a.mu.Lock()
		defer a.mu.Unlock()
		d.refs--
		if d.retired && d.refs == 0 {
			d.db.Close()
		}
	}, nil
}

// open opens the database the configuration names; where it does not
// exist and the configuration allows it, the built-in snapshot.
func (a *App) open() (*Database, error) {
	path, builtin := a.cfg.DB, false
	if a.cfg.Snapshot && !regularFile(path) {
		p, err := snapshot.Path()
		if err != nil {
			return nil, err
		}
		path, builtin = p, true
	}
	db, err := store.Open(path)
	if err != nil {
		return nil, InputError{err}
	}
	st, err := db.Status()
	if err != nil {
		db.Close()
		return nil, err
	}
	if builtin {
		st.Path = snapshot.Name
	}
	fi, _ := os.Stat(path)
	return &Database{db: db, Status: st, Builtin: builtin, file: fi, path: path}, nil
}

// DataHash is the content hash of the vulnerability data matching uses
// now: the database file's, reopened first when the file was replaced
// since it was opened (by a db update or db import in another process,
// say), so that a long-running server matches against the newest data.
func (a *App) DataHash(ctx context.Context) (string, error) {
	a.mu.Lock()
	stale := a.db != nil && a.db.replaced(a.cfg.DB)
	a.mu.Unlock()
	if stale {
		a.retire()
	}
	st, err := a.DBStatus(ctx)
	return st.Hash, err
}

// DBPath is the vulnerability database file the configuration names.
func (a *App) DBPath() string { return a.cfg.DB }

// DataFile is the vulnerability database file matching uses now (the
// built-in snapshot's when it stands in), for reading it whole: a copy
// kept to compare the next data with (store.Copy, store.Delta).
func (a *App) DataFile() (string, error) {
	d, release, err := a.acquire()
	if err != nil {
		return "", err
	}
	release()
	return d.path, nil
}

// replaced reports whether the database file at path is no longer the
// one d opened: replaced or rewritten since, or, for the built-in
// snapshot, a database now there to take its place.
func (d *Database) replaced(path string) bool {
	if d.Builtin {
		return regularFile(path)
	}
	fi, err := os.Stat(path)
	return err == nil && (d.file == nil || !os.SameFile(fi, d.file) || !fi.ModTime().Equal(d.file.ModTime()))
}

// retire lets go of the shared database, so that the next call opens the
// file anew.
func (a *App) retire() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.db == nil {
		return
	}
	a.db.retired = true
	if a.db.refs == 0 {
		a.db.db.Close()
	}
	a.db = nil
}

// matchDB is the database a matching use case matches against, announced:
// the built-in snapshot with its date (unless the caller chose a maximum
// age, which then applies to it too), or a warning when the newest record
// is older than the maximum age.
func (a *App) matchDB(ev Events, fr Freshness) (*Database, func(), error) {
	d, release, err := a.acquire()
	if err != nil {
		return nil, nil, err
	}
	st := d.Status
	if d.Builtin && fr.MaxAge == nil {
		day, _, _ := strings.Cut(st.Newest, "T")
		ev.note("matching against the %s of real advisories (newest record %s, KEV catalog %s); mdcheck db update fetches current data", snapshot.Name, day, st.KEVVersion)
		return d, release, nil
	}
	maxAge := DefaultMaxDBAge
	if fr.MaxAge != nil {
		maxAge = *fr.MaxAge
	}
	if age, ok := st.Age(time.Now()); ok && maxAge > 0 && age > maxAge {
		ev.warn("the newest vulnerability record is %d days old (%s); update the database", int(age.Hours()/24), st.Newest)
	}
	return d, release, nil
}

// DBStatus is the database's sources, record counts, newest record and
// content hash.
func (a *App) DBStatus(ctx context.Context) (store.Status, error) {
	d, release, err := a.acquire()
	if err != nil {
		return store.Status{}, err
	}
	defer release()
	return d.Status, ctx.Err()
}

// ErrDamaged is a database whose file SQLite finds unsound, or whose
// content is not what it was built with.
var ErrDamaged = errors.New("the vulnerability database is damaged")

// damaged names a database SQLite finds malformed in the middle of a run
// as such, with the way out; other errors pass unchanged.
func damaged(err error) error {
	if err == nil || !strings.Contains(err.Error(), "malformed") && !strings.Contains(err.Error(), "corrupt") {
		return err
	}
	return fmt.Errorf("%w: %v; mdcheck db verify checks it whole; build it again with mdcheck db update, or db import PATH", ErrDamaged, err)
}

// DBVerify checks the whole database file with SQLite's integrity check
// and recomputes its content hash; a damaged database is an error that
// says so and how to rebuild it.
func (a *App) DBVerify(ctx context.Context) (store.Status, store.Verification, error) {
	d, release, err := a.acquire()
	if err != nil {
		return store.Status{}, store.Verification{}, err
	}
	defer release()
	v, err := d.db.Verify(ctx)
	if err != nil {
		return d.Status, v, fmt.Errorf("%w: %v; build it again with mdcheck db update, or db import PATH", ErrDamaged, err)
	}
	switch {
	case len(v.Problems) > 0:
		err = fmt.Errorf("%w: SQLite reports %s; build it again with mdcheck db update, or db import PATH", ErrDamaged, strings.Join(v.Problems, "; "))
	case v.Hash != v.Stored:
		err = fmt.Errorf("%w: its records hash to %s, not the %s it was built with; build it again with mdcheck db update, or db import PATH", ErrDamaged, v.Hash, v.Stored)
	}
	return d.Status, v, err
}

// ImportOptions are the inputs of a database import.
type ImportOptions struct {
	// Paths are files, folders and zip archives of vulnerability data.
	Paths []string
	// AllowShrink lets the import replace the database with one that
	// holds nothing, or less of a source than the current one.
	AllowShrink bool
	// Strict stops at the first advisory that is not valid; otherwise it
	// is passed over with a warning.
	Strict bool
	Events
}

// DBImport builds the database from the files, folders and zip archives
// given and replaces the old one atomically: never with one that holds
// nothing or less than it, unless allowed.
func (a *App) DBImport(ctx context.Context, o ImportOptions) (store.ImportStats, error) {
	st, err := store.ImportWith(ctx, a.cfg.DB, o.Paths, store.ImportOptions{Now: time.Now(), AllowShrink: o.AllowShrink, Strict: o.Strict})
	tellSkipped(st, o.Events)
	if err != nil {
		return st, InputError{err}
	}
	a.retire()
	return st, nil
}

// UpdateOptions say which feeds db update downloads; an empty URL turns a
// feed off.
type UpdateOptions struct {
	Mirror     string
	OSV        string   // base URL of the OSV archives
	Ecosystems []string // OSV ecosystems
	KEV, EPSS  string
	Providers  []string // CSAF provider metadata URLs
	// Paths are imported with the downloads, as DBImport reads them.
	Paths []string
	// AllowShrink lets the update replace the database with one that
	// holds less of a source than the current one.
	AllowShrink bool
	// Strict stops at the first advisory that is not valid.
	Strict bool
	// Timeout bounds the whole update (0: none); Stall is the longest a
	// download may go receiving less than 8 KiB before it is dropped.
	Timeout, Stall time.Duration
	// Fetched is called as each feed is brought up to date, with a line
	// saying what changed.
	Fetched func(string)
	Events
}

// DefaultUpdate is where db update downloads from unless told otherwise.
func DefaultUpdate(mirror string) UpdateOptions {
	return UpdateOptions{Mirror: mirror, OSV: feeds.DefaultOSV, Ecosystems: feeds.DefaultEcosystems, KEV: feeds.DefaultKEV, EPSS: feeds.DefaultEPSS,
		Timeout: 2 * time.Hour, Stall: 30 * time.Second}
}

// DBUpdate downloads the feeds into the mirror and rebuilds the database
// from them. Any failure leaves the database as it was.
func (a *App) DBUpdate(ctx context.Context, o UpdateOptions) (st store.ImportStats, err error) {
	if o.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, o.Timeout, fmt.Errorf("db update took longer than its time limit of %v (--timeout)", o.Timeout))
		defer cancel()
		defer func() {
			if err != nil && ctx.Err() != nil {
				err = leftAsItWas(context.Cause(ctx))
			}
		}()
	}
	m, err := feeds.Open(o.Mirror, nil)
	if err != nil {
		return store.ImportStats{}, err
	}
	m.StallWindow = o.Stall
	if o.Progress != nil {
		m.Progress = func(name string, done, total int64) {
			o.Progress(Progress{What: name, Done: done, Total: total, Bytes: true})
		}
	}
	m.Note = func(s string) { o.note("%s", s) }
	src := feeds.Sources{OSV: o.OSV, Ecosystems: o.Ecosystems, KEV: o.KEV, EPSS: o.EPSS, Providers: o.Providers}
	if err := m.Update(ctx, src, func(r feeds.Result) {
		if o.Fetched != nil {
			o.Fetched(r.String())
		}
	}); err != nil {
		return store.ImportStats{}, leftAsItWas(err)
	}
	inputs := append(m.Inputs(), o.Paths...)
	if len(inputs) == 0 {
		return store.ImportStats{}, ErrNothingToImport
	}
	st, err = store.ImportWith(ctx, a.cfg.DB, inputs, store.ImportOptions{Now: time.Now(), AllowShrink: o.AllowShrink, Strict: o.Strict})
	tellSkipped(st, o.Events)
	if err != nil {
		return st, leftAsItWas(err)
	}
	a.retire()
	return st, nil
}

// tellSkipped tells what an import passed over: each advisory that is not
// valid (a warning), and the files that are not vulnerability data, by
// kind (a note).
func tellSkipped(st store.ImportStats, ev Events) {
	for _, m := range st.Malformed {
		ev.warn("passed over an advisory that is not valid (--strict stops at it): %s", m)
	}
	if len(st.Ignored) == 0 {
		return
	}
	n := 0
	var kinds []string
	for _, k := range slices.Sorted(maps.Keys(st.Ignored)) {
		n += st.Ignored[k]
		kinds = append(kinds, fmt.Sprintf("%d %s", st.Ignored[k], k))
	}
	ev.note("%d files passed over as not vulnerability data: %s", n, strings.Join(kinds, ", "))
}

// ErrNothingToImport is a db update with every feed off and no path.
var ErrNothingToImport = fmt.Errorf("every feed is off and no PATH is given: nothing to build the database from")

// leftAsItWas says that the database was left as it was. A feed file that
// fails its checks stays an input error, a network failure a run failure.
func leftAsItWas(err error) error {
	return fmt.Errorf("%w; the database was left as it was", err)
}

func regularFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// stamp identifies the database's content for a report.
func (d *Database) stamp() report.Data {
	return report.Data{Hash: d.Status.Hash, Newest: d.Status.Newest, KEV: d.Status.KEVVersion, Builtin: d.Builtin}
}
