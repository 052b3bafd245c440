package fleet

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the PostgreSQL driver
	"github.com/riverqueue/river"

	"github.com/mdcheck/mdcheck/internal/fleet/jobs"
	"github.com/mdcheck/mdcheck/internal/fleet/schema"
	_ "modernc.org/sqlite" // the SQLite driver, pure Go
)

// Store is the fleet's database.
type Store struct {
	db       *sql.DB
	postgres bool
	dsn      string
	// jobs inserts the jobs of the work the store's changes need (on
	// PostgreSQL; nil with SQLite, whose one process runs it in loops).
	jobs *river.Client[*sql.Tx]
	// Now is the clock; tests set it.
	Now func() time.Time
	// chained holds the audit records of the transactions that append
	// them when they commit (txShared), by transaction.
	chained sync.Map
}

// Open opens the store a DSN names, "sqlite:FILE" or a PostgreSQL URL
// ("postgres://..."), and applies the migrations it lacks.
func Open(ctx context.Context, dsn string) (*Store, error) {
	s := &Store{Now: func() time.Time { return time.Now().UTC() }}
	var err error
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		file := strings.TrimPrefix(dsn, "sqlite:")
		if file == "" {
			return nil, fmt.Errorf("sqlite: needs a file name (sqlite:FILE)")
		}
		if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
			return nil, err
		}
		// WAL for readers beside one writer; a writing transaction takes
		// the write lock when it begins, so two never read the same audit
		// head; full sync so that what is acknowledged survives a crash.
		s.db, err = sql.Open("sqlite", "file:"+file+"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(20000)&_pragma=foreign_keys(1)&_txlock=immediate")
		if err == nil {
			s.db.SetMaxOpenConns(4)
			s.db.SetMaxIdleConns(4)
		}
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		s.postgres, s.dsn = true, dsn
		s.db, err = sql.Open("pgx", dsn)
		if err == nil {
			// Connections kept open: opening one costs more than a query.
			s.db.SetMaxOpenConns(32)
			s.db.SetMaxIdleConns(32)
			s.db.SetConnMaxIdleTime(5 * time.Minute)
		}
	default:
		return nil, fmt.Errorf("store %q: use sqlite:FILE or a postgres:// URL", dsn)
	}
	if err != nil {
		return nil, err
	}
	// River's tables first: a migration of ours may insert jobs.
	if s.postgres {
		if s.jobs, err = jobs.Open(ctx, s.db); err != nil {
			s.db.Close()
			return nil, err
		}
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

// Ping reports whether the store answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// q rewrites a query written with ? for the store's dialect.
func (s *Store) q(query string) string {
	if !s.postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// migrationSteps are the parts of migrations (by version) that SQL alone
// does not say, run in the migration's transaction after its statements.
var migrationSteps = map[int]func(ctx context.Context, s *Store, tx *sql.Tx) error{
	// The assessments a PostgreSQL store queued before its work ran as
	// jobs get theirs.
	15: func(ctx context.Context, s *Store, tx *sql.Tx) error {
		if s.jobs == nil {
			return nil
		}
		rows, err := tx.QueryContext(ctx, s.q(`SELECT id FROM assessments WHERE status IN (?, ?) ORDER BY id`), Queued, Running)
		if err != nil {
			return err
		}
		ids, err := collect(rows, scanString)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := s.enqueueAssess(ctx, tx, id); err != nil {
				return err
			}
		}
		return nil
	},
	13: func(ctx context.Context, s *Store, tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT org_id, readiness, class, exploited, missed FROM latest`)
		if err != nil {
			return err
		}
		counts := map[string]map[string]int{}
		for rows.Next() {
			var org string
			var l Latest
			var readiness sql.NullFloat64
			var missed string
			if err := rows.Scan(&org, &readiness, &l.Class, &l.Exploited, &missed); err != nil {
				rows.Close()
				return err
			}
			l.Readiness, l.Missed = readiness.Float64, splitMissed(missed)
			if counts[org] == nil {
				counts[org] = map[string]int{}
			}
			l.tally(counts[org], 1)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for org, c := range counts {
			if err := s.addTallies(ctx, tx, org, c); err != nil {
				return err
			}
		}
		return nil
	},
}

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	for i, stmts := range schema.Migrations {
		v := i + 1
		err := s.tx(ctx, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), v).Scan(&n); err != nil || n > 0 {
				return err
			}
			for _, st := range stmts {
				blob := "BLOB"
				if s.postgres {
					blob = "BYTEA"
				}
				if _, err := tx.ExecContext(ctx, strings.ReplaceAll(st, "{blob}", blob)); err != nil {
					return fmt.Errorf("migration %d: %w", v, err)
				}
			}
			if step := migrationSteps[v]; step != nil {
				if err := step(ctx, s, tx); err != nil {
					return fmt.Errorf("migration %d: %w", v, err)
				}
			}
			_, err := tx.ExecContext(ctx, s.q(`INSERT INTO schema_migrations (version, applied) VALUES (?, ?)`), v, s.stamp())
			return err
		})
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
	}
	return nil
}

// tx runs fn in a transaction, committed when fn returns nil. On
// PostgreSQL the transaction first takes the audit lock, so that
// writers append to the chain one at a time (SQLite's writing
// transactions are already one at a time).
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	return s.txLocked(ctx, auditLock, fn)
}

// Transaction-level locks on PostgreSQL: the audit chain's, and the
// published vulnerability databases', which writing hundreds of
// megabytes must not hold the audit chain for. A writer holds the audit
// lock alone (tx) or shares it with the others that change only an
// assessment and what follows from it (txShared); those take the chain
// lock to append their audit records, last.
const (
	auditLock   = 7453
	publishLock = 7455
	chainLock   = 7456
)

// txShared is tx for the transactions of an assessment's run (Reclaim,
// Claim, finish), which workers make thousands of at once: they share
// the audit lock, so they run side by side while no other writer does,
// and they append their audit records under the chain lock just before
// they commit, so that the chain stays one line held only that long.
// What they change besides is their assessment's rows and its device's
// (which finish locks first) and counters raised in one statement.
func (s *Store) txShared(ctx context.Context, fn func(*sql.Tx) error) error {
	if !s.postgres {
		return s.tx(ctx, fn)
	}
	return s.txUnder(ctx, `SELECT pg_advisory_xact_lock_shared($1)`, auditLock, func(tx *sql.Tx) error {
		var records []Record
		s.chained.Store(tx, &records)
		defer s.chained.Delete(tx)
		if err := fn(tx); err != nil || len(records) == 0 {
			return err
		}
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, chainLock); err != nil {
			return err
		}
		for _, r := range records {
			if err := s.chain(ctx, tx, r); err != nil {
				return err
			}
		}
		return nil
	})
}

// txLocked is tx under another of the locks.
func (s *Store) txLocked(ctx context.Context, lock int64, fn func(*sql.Tx) error) error {
	return s.txUnder(ctx, `SELECT pg_advisory_xact_lock($1)`, lock, fn)
}

// txUnder runs fn in a transaction, committed when fn returns nil, that
// on PostgreSQL first takes the lock with the statement take.
func (s *Store) txUnder(ctx context.Context, take string, lock int64, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if s.postgres {
		if _, err := tx.ExecContext(ctx, take, lock); err != nil {
			tx.Rollback()
			return err
		}
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// stampLayout writes times in UTC with every digit of the nanoseconds, so
// that they sort as text in both stores.
const stampLayout = "2006-01-02T15:04:05.000000000Z"

func (s *Store) stamp() string { return s.Now().UTC().Format(stampLayout) }

func parseTime(v string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, v)
	return t
}

// newID is a time-ordered random identifier: 8 bytes of the clock and 8
// random ones, in hex, so that sorting by ID sorts by creation.
func (s *Store) newID() string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(s.Now().UnixNano()))
	if _, err := rand.Read(b[8:]); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b[:])
}

func digest(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// CreateToken makes an API token for org with role, creating the
// organisation if it does not exist, and returns the secret: it is shown
// once and stored only as its hash.
func (s *Store) CreateToken(ctx context.Context, by Actor, org string, role Role) (secret string, t Token, err error) {
	if strings.TrimSpace(org) == "" {
		return "", Token{}, fmt.Errorf("%w: an organisation name is needed", ErrInvalid)
	}
	if _, ok := ParseRole(string(role)); !ok {
		return "", Token{}, fmt.Errorf("%w: role %q is not admin, assessor or viewer", ErrInvalid, role)
	}
	if secret, err = randomSecret("mdc_"); err != nil {
		return "", Token{}, err
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var orgID string
		err := tx.QueryRowContext(ctx, s.q(`SELECT id FROM orgs WHERE name = ?`), org).Scan(&orgID)
		if errors.Is(err, sql.ErrNoRows) {
			orgID = s.newID()
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO orgs (id, name, created) VALUES (?, ?, ?)`), orgID, org, s.stamp()); err != nil {
				return err
			}
			if err := s.appendAudit(ctx, tx, by, orgID, "org.create", "org/"+orgID, "", digest([]byte(org))); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		t = Token{ID: s.newID(), Org: orgID, Role: role, Created: s.Now()}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO tokens (id, org_id, role, hash, created) VALUES (?, ?, ?, ?, ?)`), t.ID, orgID, string(role), digest([]byte(secret)), s.stamp()); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, by, orgID, "token.create", "token/"+t.ID, "", digest([]byte(t.ID+" "+string(role))))
	})
	return secret, t, err
}

// Authenticate finds the token a secret belongs to; a revoked or unknown
// one is ErrNotFound.
func (s *Store) Authenticate(ctx context.Context, secret string) (Token, error) {
	var t Token
	var created string
	var revoked sql.NullString
	err := s.db.QueryRowContext(ctx, s.q(`SELECT id, org_id, role, created, revoked FROM tokens WHERE hash = ?`), digest([]byte(secret))).Scan(&t.ID, &t.Org, &t.Role, &created, &revoked)
	if errors.Is(err, sql.ErrNoRows) || err == nil && revoked.Valid {
		return Token{}, ErrNotFound
	}
	t.Created = parseTime(created)
	return t, err
}

// RevokeToken revokes a token of the actor's organisation.
func (s *Store) RevokeToken(ctx context.Context, by Actor, id string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE tokens SET revoked = ? WHERE id = ? AND org_id = ? AND revoked IS NULL`), s.stamp(), id, by.Org)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return s.appendAudit(ctx, tx, by, by.Org, "token.revoke", "token/"+id, digest([]byte(id)), "")
	})
}

// CreateDevice stores a device with the first version of its model and
// queues its assessment, in one transaction: when it returns, all of it
// is committed, or none.
func (s *Store) CreateDevice(ctx context.Context, by Actor, name string, model []byte) (Device, Assessment, error) {
	now := s.Now()
	d := Device{ID: s.newID(), Org: by.Org, Name: name, Created: now, Updated: now, Model: 1}
	var a Assessment
	err := s.tx(ctx, func(tx *sql.Tx) error {
		st := s.stamp()
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO devices (id, org_id, name, created, updated, model_version) VALUES (?, ?, ?, ?, ?, 1)`), d.ID, d.Org, name, st, st); err != nil {
			return err
		}
		if err := s.countSite(ctx, tx, d.Org, "", 1); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO versions (device_id, kind, version, sha256, size, created, body) VALUES (?, 'model', 1, ?, ?, ?, ?)`), d.ID, digest(model), len(model), st, model); err != nil {
			return err
		}
		if err := s.appendAudit(ctx, tx, by, by.Org, "device.create", "device/"+d.ID, "", digest(model)); err != nil {
			return err
		}
		var err error
		a, err = s.queueTx(ctx, tx, by, d.ID, 1, st)
		return err
	})
	return d, a, err
}

// Page asks for at most Limit items after the cursor (an item's ID).
type Page struct {
	After string
	Limit int
}

func (p Page) limit() int {
	if p.Limit <= 0 || p.Limit > 500 {
		return 50
	}
	return p.Limit
}

// DeviceFilter narrows a device list: Site exactly, Name as a
// case-insensitive substring; empty fields do not narrow.
type DeviceFilter struct {
	Site, Name string
}

const deviceColumns = `id, org_id, name, created, updated, model_version, site`

// Devices lists an organisation's devices in creation order; next is the
// cursor of the following page, "" at the end.
func (s *Store) Devices(ctx context.Context, org string, f DeviceFilter, p Page) ([]Device, string, error) {
	where, args := `org_id = ?`, []any{org}
	if f.Site != "" {
		where, args = where+` AND site = ?`, append(args, f.Site)
	}
	if f.Name != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(f.Name)) + "%"
		where, args = where+` AND LOWER(name) LIKE ? ESCAPE '\'`, append(args, like)
	}
	return paged(ctx, s, p, `SELECT `+deviceColumns+` FROM devices WHERE `+where+` AND id > ? ORDER BY id LIMIT ?`,
		scanDevice, func(d Device) string { return d.ID }, args...)
}

// SetSite places a device at a site ("" for none).
func (s *Store) SetSite(ctx context.Context, by Actor, device, site string) (Device, error) {
	var d Device
	err := s.tx(ctx, func(tx *sql.Tx) error {
		_, old, err := s.deviceTx(ctx, tx, by.Org, device)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE devices SET site = ?, updated = ? WHERE id = ?`), site, s.stamp(), device); err != nil {
			return err
		}
		if err := s.countSite(ctx, tx, by.Org, old, -1); err != nil {
			return err
		}
		if err := s.countSite(ctx, tx, by.Org, site, 1); err != nil {
			return err
		}
		if err := s.appendAudit(ctx, tx, by, by.Org, "device.site", "device/"+device, digest([]byte(old)), digest([]byte(site))); err != nil {
			return err
		}
		d, err = scanDevice(tx.QueryRowContext(ctx, s.q(`SELECT `+deviceColumns+` FROM devices WHERE id = ?`), device))
		return err
	})
	return d, err
}

// Site is a site of an organisation and how many devices it has.
type Site struct {
	Name    string `json:"name"`
	Devices int    `json:"devices"`
}

// Sites lists an organisation's sites ("" for devices at none) with
// their device counts.
func (s *Store) Sites(ctx context.Context, org string) ([]Site, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT site, devices FROM sites WHERE org_id = ? AND devices > 0 ORDER BY site`), org)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (Site, error) {
		var st Site
		err := r.Scan(&st.Name, &st.Devices)
		return st, err
	})
}

// countSite adds n to the devices counted at an organisation's site.
func (s *Store) countSite(ctx context.Context, tx *sql.Tx, org, site string, n int) error {
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO sites (org_id, site, devices) VALUES (?, ?, ?) ON CONFLICT (org_id, site) DO UPDATE SET devices = sites.devices + excluded.devices`), org, site, n)
	return err
}

// Org is an organisation by its ID.
func (s *Store) Org(ctx context.Context, id string) (Org, error) {
	var o Org
	var created string
	err := s.db.QueryRowContext(ctx, s.q(`SELECT id, name, created FROM orgs WHERE id = ?`), id).Scan(&o.ID, &o.Name, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return Org{}, ErrNotFound
	}
	o.Created = parseTime(created)
	return o, err
}

// paged runs a list query whose last two parameters are the cursor and
// the limit, and returns the page and the next cursor.
func paged[T any](ctx context.Context, s *Store, p Page, query string, scan func(scanner) (T, error), id func(T) string, args ...any) ([]T, string, error) {
	rows, err := s.db.QueryContext(ctx, s.q(query), append(args, p.After, p.limit()+1)...)
	if err != nil {
		return nil, "", err
	}
	out, err := collect(rows, scan)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > p.limit() {
		out = out[:p.limit()]
		next = id(out[len(out)-1])
	}
	return out, next, nil
}

// collect scans every row, and closes them.
// scanString reads a row of one text column.
func scanString(r scanner) (string, error) {
	var v string
	return v, r.Scan(&v)
}

func collect[T any](rows *sql.Rows, scan func(scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

type scanner interface{ Scan(...any) error }

func scanDevice(r scanner) (Device, error) {
	var d Device
	var created, updated string
	err := r.Scan(&d.ID, &d.Org, &d.Name, &created, &updated, &d.Model, &d.Site)
	d.Created, d.Updated = parseTime(created), parseTime(updated)
	return d, err
}

// Device is one device of org; another organisation's is ErrNotFound.
func (s *Store) Device(ctx context.Context, org, id string) (Device, error) {
	d, err := scanDevice(s.db.QueryRowContext(ctx, s.q(`SELECT `+deviceColumns+` FROM devices WHERE org_id = ? AND id = ?`), org, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Device{}, ErrNotFound
	}
	return d, err
}

// ModelVersion is a version of a device's model, body included.
func (s *Store) ModelVersion(ctx context.Context, org, device string, version int) (Version, error) {
	v := Version{Device: device, Kind: "model", Version: version}
	var created string
	err := s.db.QueryRowContext(ctx, s.q(`SELECT v.sha256, v.size, v.created, v.body FROM versions v JOIN devices d ON d.id = v.device_id WHERE d.org_id = ? AND v.device_id = ? AND v.kind = 'model' AND v.version = ?`), org, device, version).Scan(&v.SHA256, &v.Size, &created, &v.Body)
	if errors.Is(err, sql.ErrNoRows) {
		return Version{}, ErrNotFound
	}
	v.Created = parseTime(created)
	return v, err
}

// Files are the newest version of each file uploaded for a device (the
// SBOMs and documents its model names), bodies included.
func (s *Store) Files(ctx context.Context, org, device string) ([]Version, error) {
	return s.FilesExcept(ctx, org, device, nil)
}

// FilesExcept is Files without the body of each file the caller holds
// already: those have, given the file without its body, says so. With a
// nil have it is one query.
func (s *Store) FilesExcept(ctx context.Context, org, device string, have func(Version) bool) ([]Version, error) {
	body := "v.body"
	if have != nil {
		body = "NULL"
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT v.kind, v.version, v.sha256, v.size, v.created, `+body+` FROM versions v JOIN devices d ON d.id = v.device_id
		WHERE d.org_id = ? AND v.device_id = ? AND v.kind LIKE 'file:%' AND v.version = (SELECT MAX(version) FROM versions w WHERE w.device_id = v.device_id AND w.kind = v.kind) ORDER BY v.kind`), org, device)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		v := Version{Device: device}
		var created string
		if err := rows.Scan(&v.Kind, &v.Version, &v.SHA256, &v.Size, &created, &v.Body); err != nil {
			return nil, err
		}
		v.Created = parseTime(created)
		out = append(out, v)
	}
	if err := rows.Err(); err != nil || have == nil {
		return out, err
	}
	// The bodies wanted, by kind and version: the very versions listed,
	// whatever was uploaded since.
	var where []string
	var args []any
	want := map[string]int{}
	for i, v := range out {
		if !have(v) {
			where = append(where, "(kind = ? AND version = ?)")
			args = append(args, v.Kind, v.Version)
			want[v.Kind] = i
		}
	}
	if len(where) == 0 {
		return out, nil
	}
	rows, err = s.db.QueryContext(ctx, s.q(`SELECT kind, body FROM versions WHERE device_id = ? AND (`+strings.Join(where, " OR ")+`)`), append([]any{device}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var b []byte
		if err := rows.Scan(&kind, &b); err != nil {
			return nil, err
		}
		if i, ok := want[kind]; ok {
			out[i].Body = b
			delete(want, kind)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(want) > 0 {
		return nil, fmt.Errorf("device %s: %d file bodies vanished while read", device, len(want))
	}
	return out, nil
}

// Versions lists every version of every file of a device, newest first
// within each, without bodies.
func (s *Store) Versions(ctx context.Context, org, device string) ([]Version, error) {
	if _, err := s.Device(ctx, org, device); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT kind, version, sha256, size, created FROM versions WHERE device_id = ? ORDER BY kind, version DESC`), device)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Version{}
	for rows.Next() {
		v := Version{Device: device}
		var created string
		if err := rows.Scan(&v.Kind, &v.Version, &v.SHA256, &v.Size, &created); err != nil {
			return nil, err
		}
		v.Created = parseTime(created)
		out = append(out, v)
	}
	return out, rows.Err()
}

// AddVersion stores a new version of a device's model (kind "model") or
// of a file its model names (kind "file:PATH"), and queues an assessment
// of the device as it now stands, in one transaction.
func (s *Store) AddVersion(ctx context.Context, by Actor, device, kind string, body []byte) (Version, Assessment, error) {
	var v Version
	var a Assessment
	err := s.tx(ctx, func(tx *sql.Tx) error {
		model, _, err := s.deviceTx(ctx, tx, by.Org, device)
		if err != nil {
			return err
		}
		var last int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT COALESCE(MAX(version), 0) FROM versions WHERE device_id = ? AND kind = ?`), device, kind).Scan(&last); err != nil {
			return err
		}
		st := s.stamp()
		v = Version{Device: device, Kind: kind, Version: last + 1, SHA256: digest(body), Size: len(body), Created: parseTime(st)}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO versions (device_id, kind, version, sha256, size, created, body) VALUES (?, ?, ?, ?, ?, ?, ?)`), device, kind, v.Version, v.SHA256, v.Size, st, body); err != nil {
			return err
		}
		if kind == "model" {
			model = v.Version
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE devices SET updated = ?, model_version = ? WHERE id = ?`), st, model, device); err != nil {
			return err
		}
		if err := s.appendAudit(ctx, tx, by, by.Org, "device.upload", fmt.Sprintf("device/%s/%s@%d", device, kind, v.Version), "", v.SHA256); err != nil {
			return err
		}
		a, err = s.queueTx(ctx, tx, by, device, model, st)
		return err
	})
	return v, a, err
}

const assessmentColumns = `id, org_id, device_id, model_version, status, created, finished, readiness, error`

func scanAssessment(r scanner) (Assessment, error) { return scanAssessmentWith(r) }

// scanAssessmentWith scans an assessment's columns, then extra.
func scanAssessmentWith(r scanner, extra ...any) (Assessment, error) {
	var a Assessment
	var created string
	var finished sql.NullString
	var readiness sql.NullFloat64
	err := r.Scan(append([]any{&a.ID, &a.Org, &a.Device, &a.ModelVersion, &a.Status, &created, &finished, &readiness, &a.Error}, extra...)...)
	a.Created = parseTime(created)
	if finished.Valid {
		t := parseTime(finished.String)
		a.Finished = &t
	}
	if readiness.Valid {
		a.Readiness = &readiness.Float64
	}
	return a, err
}

// Assessments lists a device's assessments in creation order.
func (s *Store) Assessments(ctx context.Context, org, device string, p Page) ([]Assessment, string, error) {
	if _, err := s.Device(ctx, org, device); err != nil {
		return nil, "", err
	}
	return paged(ctx, s, p, `SELECT `+assessmentColumns+` FROM assessments WHERE org_id = ? AND device_id = ? AND id > ? ORDER BY id LIMIT ?`,
		scanAssessment, func(a Assessment) string { return a.ID }, org, device)
}

// Assessment is one assessment of org, its report included.
func (s *Store) Assessment(ctx context.Context, org, id string) (Assessment, error) {
	var report sql.NullString
	a, err := scanAssessmentWith(s.db.QueryRowContext(ctx, s.q(`SELECT `+assessmentColumns+`, report FROM assessments WHERE org_id = ? AND id = ?`), org, id), &report)
	if errors.Is(err, sql.ErrNoRows) {
		return Assessment{}, ErrNotFound
	}
	if report.Valid {
		a.Report = []byte(report.String)
	}
	return a, err
}

// Queued lists the assessments waiting to run, oldest first, of every
// organisation: the server's worker runs them, after a restart too.
func (s *Store) Queued(ctx context.Context, limit int) ([]Assessment, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+assessmentColumns+` FROM assessments WHERE status = ? ORDER BY id LIMIT ?`), Queued, limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanAssessment)
}

// Summary is what an overview needs of a done assessment's report.
type Summary struct {
	// Class is the device's MDR class; Exploited counts its open findings
	// on known-exploited vulnerabilities; Missed are the requirements it
	// misses.
	Class     string
	Exploited int
	Missed    []string
	// Index is what the assessment matched, by lookup key (IndexKey):
	// kept for the device while the assessment is its newest.
	Index map[string]string
}

// Index keys beside the packages': IndexedKey marks a device indexed;
// SubjectKey prefixes its subjects (identity and components) that
// advisories naming products in words are matched against.
const (
	IndexedKey = "i:"
	SubjectKey = "s:"
)

// Finish records an assessment's outcome: its report, readiness and
// summary, or why it failed.
func (s *Store) Finish(ctx context.Context, a Assessment, report []byte, readiness *float64, failure string) error {
	return s.FinishWith(ctx, a, report, readiness, Summary{}, failure)
}

// FinishWith is Finish with the report's summary.
func (s *Store) FinishWith(ctx context.Context, a Assessment, report []byte, readiness *float64, sum Summary, failure string) error {
	status := Done
	if failure != "" {
		status = Failed
	}
	return s.finish(ctx, a, status, report, readiness, sum, failure, "")
}

// Claim marks a queued assessment running, so that no other worker runs
// it; one already claimed or closed is ErrConflict.
func (s *Store) Claim(ctx context.Context, a Assessment) error {
	return s.txShared(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE assessments SET status = ? WHERE id = ? AND status = ?`), Running, a.ID, Queued)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrConflict
		}
		return s.appendAudit(ctx, tx, System, a.Org, "assessment.start", "assessment/"+a.ID, "", "")
	})
}

// Requeue queues again the assessments a stopped server left running;
// it returns how many.
func (s *Store) Requeue(ctx context.Context) (int64, error) {
	var n int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, s.q(`SELECT id, org_id FROM assessments WHERE status = ? ORDER BY id`), Running)
		if err != nil {
			return err
		}
		type left struct{ id, org string }
		var ls []left
		for rows.Next() {
			var l left
			if err := rows.Scan(&l.id, &l.org); err != nil {
				rows.Close()
				return err
			}
			ls = append(ls, l)
		}
		rows.Close()
		for _, l := range ls {
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE assessments SET status = ? WHERE id = ?`), Queued, l.id); err != nil {
				return err
			}
			if err := s.appendAudit(ctx, tx, System, l.org, "assessment.requeue", "assessment/"+l.id, "", ""); err != nil {
				return err
			}
		}
		n = int64(len(ls))
		return rows.Err()
	})
	return n, err
}

// Supersede closes a queued assessment without running it: by, queued
// after it for the same device, assesses what it would.
func (s *Store) Supersede(ctx context.Context, a Assessment, by string) error {
	return s.finish(ctx, a, Superseded, nil, nil, Summary{}, "superseded by assessment "+by, by)
}

// finish closes an assessment; one superseded hands its queued documents
// to the assessment that supersedes it, by.
func (s *Store) finish(ctx context.Context, a Assessment, status string, report []byte, readiness *float64, sum Summary, failure, by string) error {
	run := s.txShared
	if status == Superseded {
		run = s.tx // it moves documents other writers queue
	}
	return run(ctx, func(tx *sql.Tx) error {
		var rep any
		if report != nil {
			rep = string(report)
		}
		var rd any
		if readiness != nil {
			rd = *readiness
		}
		st := s.stamp()
		res, err := tx.ExecContext(ctx, s.q(`UPDATE assessments SET status = ?, finished = ?, readiness = ?, error = ?, report = ? WHERE id = ? AND status IN (?, ?)`),
			status, st, rd, failure, rep, a.ID, Queued, Running)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrConflict // finished already
		}
		if status == Superseded {
			if err := s.moveDocuments(ctx, tx, a.ID, by); err != nil {
				return err
			}
		}
		if status == Done {
			if s.postgres {
				// The device's newest assessment is read, then written:
				// one finish of a device at a time.
				if _, err := tx.ExecContext(ctx, `SELECT 1 FROM devices WHERE id = $1 FOR UPDATE`, a.Device); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO summaries (assessment_id, org_id, device_id, readiness, finished, class, exploited, missed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
				a.ID, a.Org, a.Device, rd, st, sum.Class, sum.Exploited, strings.Join(sum.Missed, ",")); err != nil {
				return err
			}
			l := Latest{Summary: sum}
			if readiness != nil {
				l.Readiness = *readiness
			}
			if err := s.newest(ctx, tx, a, l, st); err != nil {
				return err
			}
		}
		return s.appendAudit(ctx, tx, System, a.Org, "assessment."+status, "assessment/"+a.ID, digest([]byte(a.ID)), digest(report))
	})
}

// Size is the store's size in bytes: the SQLite file's pages, or the
// PostgreSQL database's size.
func (s *Store) Size(ctx context.Context) (int64, error) {
	q := `SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()`
	if s.postgres {
		q = `SELECT pg_database_size(current_database())`
	}
	var n int64
	err := s.db.QueryRowContext(ctx, q).Scan(&n)
	return n, err
}

// Count is how many assessments have one of the statuses, over every
// organisation.
func (s *Store) Count(ctx context.Context, statuses ...string) (int64, error) {
	var n int64
	for _, st := range statuses {
		var c int64
		if err := s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM assessments WHERE status = ?`), st).Scan(&c); err != nil {
			return 0, err
		}
		n += c
	}
	return n, nil
}

// PreviousDone is the newest done assessment of a device older than the
// assessment before; ErrNotFound when there is none.
func (s *Store) PreviousDone(ctx context.Context, org, device, before string) (string, error) {
	var id string
	err := s.db.QueryRowContext(ctx, s.q(`SELECT id FROM assessments WHERE org_id = ? AND device_id = ? AND status = ? AND id < ? ORDER BY id DESC LIMIT 1`), org, device, Done, before).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return id, err
}

// PutOrgFile stores a new version of a file of the organisation (a
// policy, "policy:NAME", or its waivers, "waivers"); an empty body
// withdraws it. Every device of the organisation gets an assessment
// queued, in the same transaction: what decides their verdicts changed.
// It returns the version and how many assessments it queued.
func (s *Store) PutOrgFile(ctx context.Context, by Actor, kind string, body []byte) (Version, int, error) {
	var v Version
	queued := 0
	if body == nil {
		body = []byte{} // a withdrawal is stored as an empty version
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var last int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT COALESCE(MAX(version), 0) FROM org_files WHERE org_id = ? AND kind = ?`), by.Org, kind).Scan(&last); err != nil {
			return err
		}
		if len(body) == 0 && last == 0 {
			return ErrNotFound // nothing to withdraw
		}
		st := s.stamp()
		v = Version{Kind: kind, Version: last + 1, SHA256: digest(body), Size: len(body), Created: parseTime(st)}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO org_files (org_id, kind, version, sha256, size, created, body) VALUES (?, ?, ?, ?, ?, ?, ?)`), by.Org, kind, v.Version, v.SHA256, v.Size, st, body); err != nil {
			return err
		}
		if err := s.appendAudit(ctx, tx, by, by.Org, "org.upload", fmt.Sprintf("org/%s/%s@%d", by.Org, kind, v.Version), "", v.SHA256); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, s.q(`SELECT id, model_version FROM devices WHERE org_id = ? ORDER BY id`), by.Org)
		if err != nil {
			return err
		}
		type dev struct {
			id    string
			model int
		}
		var ds []dev
		for rows.Next() {
			var d dev
			if err := rows.Scan(&d.id, &d.model); err != nil {
				rows.Close()
				return err
			}
			ds = append(ds, d)
		}
		rows.Close()
		for _, d := range ds {
			if _, err := s.queueTx(ctx, tx, by, d.id, d.model, st); err != nil {
				return err
			}
		}
		queued = len(ds)
		return rows.Err()
	})
	return v, queued, err
}

// OrgFiles are the newest versions of the organisation's files, bodies
// included, without those withdrawn; with bodies false, their metadata.
func (s *Store) OrgFiles(ctx context.Context, org string, bodies bool) ([]Version, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT f.kind, f.version, f.sha256, f.size, f.created, f.body FROM org_files f
		WHERE f.org_id = ? AND f.version = (SELECT MAX(version) FROM org_files g WHERE g.org_id = f.org_id AND g.kind = f.kind) AND f.size > 0 ORDER BY f.kind`), org)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (Version, error) {
		var v Version
		var created string
		err := r.Scan(&v.Kind, &v.Version, &v.SHA256, &v.Size, &created, &v.Body)
		v.Created = parseTime(created)
		if !bodies {
			v.Body = nil
		}
		return v, err
	})
}

const advisoryColumns = `id, org_id, source_id, title, records, created, sha256, size`

func scanAdvisory(r scanner, extra ...any) (Advisory, error) {
	var a Advisory
	var created string
	err := r.Scan(append([]any{&a.ID, &a.Org, &a.SourceID, &a.Title, &a.Records, &created, &a.SHA256, &a.Size}, extra...)...)
	a.Created = parseTime(created)
	return a, err
}

// AddAdvisory stores an advisory document an organisation imported.
func (s *Store) AddAdvisory(ctx context.Context, by Actor, a Advisory) (Advisory, error) {
	a.ID, a.Org, a.Created, a.SHA256, a.Size = s.newID(), by.Org, s.Now(), digest(a.Body), len(a.Body)
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO advisories (id, org_id, source_id, title, records, created, sha256, size, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			a.ID, a.Org, a.SourceID, a.Title, a.Records, s.stamp(), a.SHA256, a.Size, a.Body); err != nil {
			return err
		}
		if err := s.enqueueMonitor(ctx, tx, a.ID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, by, by.Org, "advisory.import", "advisory/"+a.ID, "", a.SHA256)
	})
	return a, err
}

// AdvisoriesMark says which advisories an organisation has imported:
// how many and the newest's ID. Advisories are only ever added, so two
// equal marks are the same advisories.
func (s *Store) AdvisoriesMark(ctx context.Context, org string) (string, error) {
	var n int
	var last string
	err := s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*), COALESCE(MAX(id), '') FROM advisories WHERE org_id = ?`), org).Scan(&n, &last)
	return fmt.Sprintf("%d %s", n, last), err
}

// Advisories lists an organisation's imported advisories, oldest first.
func (s *Store) Advisories(ctx context.Context, org string, p Page) ([]Advisory, string, error) {
	return paged(ctx, s, p, `SELECT `+advisoryColumns+` FROM advisories WHERE org_id = ? AND id > ? ORDER BY id LIMIT ?`,
		func(r scanner) (Advisory, error) { return scanAdvisory(r) }, func(a Advisory) string { return a.ID }, org)
}

// Advisory is one imported advisory of org, its document included.
func (s *Store) Advisory(ctx context.Context, org, id string) (Advisory, error) {
	var body []byte
	a, err := scanAdvisory(s.db.QueryRowContext(ctx, s.q(`SELECT `+advisoryColumns+`, body FROM advisories WHERE org_id = ? AND id = ?`), org, id), &body)
	if errors.Is(err, sql.ErrNoRows) {
		return Advisory{}, ErrNotFound
	}
	a.Body = body
	return a, err
}

// Unmatched lists up to limit imported advisories not yet matched
// against the fleet, oldest first, with their documents: those of the
// organisation of the oldest, so that one pass over its fleet matches
// them all.
func (s *Store) Unmatched(ctx context.Context, limit int) ([]Advisory, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+advisoryColumns+`, body FROM advisories WHERE matched IS NULL AND org_id =
		(SELECT org_id FROM advisories WHERE matched IS NULL ORDER BY id LIMIT 1) ORDER BY id LIMIT ?`), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Advisory
	for rows.Next() {
		var body []byte
		a, err := scanAdvisory(rows, &body)
		if err != nil {
			return nil, err
		}
		a.Body = body
		out = append(out, a)
	}
	return out, rows.Err()
}

// Matched records that advisories of one organisation were matched
// against its fleet and queues an assessment of each device they hit, in
// one transaction: a stop before it leaves them unmatched. An advisory
// another server matched meanwhile is ErrConflict, and nothing changes.
func (s *Store) Matched(ctx context.Context, org string, advs []Advisory, devices []string) ([]Assessment, error) {
	var out []Assessment
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.markMatched(ctx, tx, org, advs, digest([]byte(strings.Join(devices, "\n")))); err != nil {
			return err
		}
		var err error
		out, err = s.queueDevices(ctx, tx, org, devices, s.stamp())
		return err
	})
	return out, err
}

// markMatched marks, in tx, advisories of org matched, each with an
// audit record whose after says what came of it; one matched already
// (by another server) is ErrConflict.
func (s *Store) markMatched(ctx context.Context, tx *sql.Tx, org string, advs []Advisory, after string) error {
	st := s.stamp()
	by := Actor{Token: System.Token, Org: org}
	for _, a := range advs {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE advisories SET matched = ? WHERE org_id = ? AND id = ? AND matched IS NULL`), st, org, a.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return ErrConflict // another server matched it
		}
		if err := s.appendAudit(ctx, tx, by, org, "advisory.match", "advisory/"+a.ID, "", after); err != nil {
			return err
		}
	}
	return nil
}

// queueDevices queues, in tx, an assessment of each of org's devices
// stamped st; a device deleted meanwhile is passed over, and so is one
// with an assessment queued already, which assesses the device with the
// data and advisories as they are when it runs (after this change).
func (s *Store) queueDevices(ctx context.Context, tx *sql.Tx, org string, devices []string, st string) ([]Assessment, error) {
	var out []Assessment
	by := Actor{Token: System.Token, Org: org}
	for _, d := range devices {
		model, _, err := s.deviceTx(ctx, tx, org, d)
		if errors.Is(err, ErrNotFound) {
			continue
		} else if err != nil {
			return nil, err
		}
		if w, err := s.waiting(ctx, tx, d); err != nil || w {
			if err != nil {
				return nil, err
			}
			continue
		}
		q, err := s.queueTx(ctx, tx, by, d, model, st)
		if err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, nil
}

// waiting reports whether a device has an assessment queued and not yet
// started.
func (s *Store) waiting(ctx context.Context, tx *sql.Tx, device string) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM assessments WHERE device_id = ? AND status = ?`), device, Queued).Scan(&n)
	return n > 0, err
}

// Queue queues an assessment of a device's newest model version.
func (s *Store) Queue(ctx context.Context, by Actor, device string) (Assessment, error) {
	var a Assessment
	err := s.tx(ctx, func(tx *sql.Tx) error {
		model, _, err := s.deviceTx(ctx, tx, by.Org, device)
		if err != nil {
			return err
		}
		a, err = s.queueTx(ctx, tx, by, device, model, s.stamp())
		return err
	})
	return a, err
}

// queueTx queues, in tx, an assessment of a device's model version of
// the actor's organisation, stamped st, with its audit record.
func (s *Store) queueTx(ctx context.Context, tx *sql.Tx, by Actor, device string, model int, st string) (Assessment, error) {
	a := Assessment{ID: s.newID(), Org: by.Org, Device: device, ModelVersion: model, Status: Queued, Created: parseTime(st)}
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO assessments (id, org_id, device_id, model_version, status, created) VALUES (?, ?, ?, ?, ?, ?)`), a.ID, a.Org, device, model, Queued, st); err != nil {
		return Assessment{}, err
	}
	if err := s.enqueueAssess(ctx, tx, a.ID); err != nil {
		return Assessment{}, err
	}
	return a, s.appendAudit(ctx, tx, by, by.Org, "assessment.queue", "assessment/"+a.ID, "", digest([]byte(a.ID)))
}

// deviceTx reads, in tx, a device of org's newest model version and its
// site; another organisation's device is ErrNotFound.
func (s *Store) deviceTx(ctx context.Context, tx *sql.Tx, org, device string) (model int, site string, err error) {
	err = tx.QueryRowContext(ctx, s.q(`SELECT model_version, site FROM devices WHERE org_id = ? AND id = ?`), org, device).Scan(&model, &site)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	return model, site, err
}

// Doc is a document an organisation keeps in the store as JSON (a
// vigilance case), with its times.
type Doc struct {
	ID      string
	Created time.Time
	Updated time.Time
	Body    []byte
}

func scanDoc(r scanner) (Doc, error) {
	var c Doc
	var created, updated, body string
	err := r.Scan(&c.ID, &created, &updated, &body)
	c.Created, c.Updated, c.Body = parseTime(created), parseTime(updated), []byte(body)
	return c, err
}

// PutCase stores a case of the actor's organisation: a new one when id
// is empty, else a new state of case id. It returns the stored record.
func (s *Store) PutCase(ctx context.Context, by Actor, id string, body []byte) (Doc, error) {
	return s.putCase(ctx, by, id, "", body)
}

// OpenCase opens a case under a key unless the organisation has one
// under it already; opened says whether it did.
func (s *Store) OpenCase(ctx context.Context, by Actor, key string, body []byte) (opened bool, err error) {
	_, err = s.putCase(ctx, by, "", key, body)
	if errors.Is(err, ErrConflict) {
		return false, nil
	}
	return err == nil, err
}

func (s *Store) putCase(ctx context.Context, by Actor, id, key string, body []byte) (Doc, error) {
	var c Doc
	err := s.tx(ctx, func(tx *sql.Tx) error {
		st := s.stamp()
		before := ""
		if id == "" {
			if key != "" {
				// Inside the writing transaction: two workers never both
				// open one.
				var n int
				if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM cases WHERE org_id = ? AND case_key = ?`), by.Org, key).Scan(&n); err != nil {
					return err
				} else if n > 0 {
					return ErrConflict
				}
			}
			id = s.newID()
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO cases (id, org_id, created, updated, body, case_key) VALUES (?, ?, ?, ?, ?, ?)`), id, by.Org, st, st, string(body), key); err != nil {
				return err
			}
		} else {
			var old string
			err := tx.QueryRowContext(ctx, s.q(`SELECT body FROM cases WHERE org_id = ? AND id = ?`), by.Org, id).Scan(&old)
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			} else if err != nil {
				return err
			}
			before = digest([]byte(old))
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE cases SET updated = ?, body = ? WHERE id = ?`), st, string(body), id); err != nil {
				return err
			}
		}
		if err := s.appendAudit(ctx, tx, by, by.Org, "case.put", "case/"+id, before, digest(body)); err != nil {
			return err
		}
		var err error
		c, err = scanDoc(tx.QueryRowContext(ctx, s.q(`SELECT id, created, updated, body FROM cases WHERE id = ?`), id))
		return err
	})
	return c, err
}

// Cases lists an organisation's cases, oldest first.
func (s *Store) Cases(ctx context.Context, org string, p Page) ([]Doc, string, error) {
	return paged(ctx, s, p, `SELECT id, created, updated, body FROM cases WHERE org_id = ? AND id > ? ORDER BY id LIMIT ?`,
		scanDoc, func(c Doc) string { return c.ID }, org)
}

// Case is one case of org.
func (s *Store) Case(ctx context.Context, org, id string) (Doc, error) {
	c, err := scanDoc(s.db.QueryRowContext(ctx, s.q(`SELECT id, created, updated, body FROM cases WHERE org_id = ? AND id = ?`), org, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Doc{}, ErrNotFound
	}
	return c, err
}

// DataSeen is the hash of the vulnerability data the store last
// recorded (DataChanged), "" before the first.
func (s *Store) DataSeen(ctx context.Context) (string, error) {
	var h string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = 'vulnerability-data'`).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return h, err
}

// DataChanged records hash as the vulnerability data assessments match
// against and, when it differs from the one recorded before, queues an
// assessment of the devices touched names (by organisation), or of every
// device of every organisation when touched is nil, in one transaction.
// Touched must have been worked out since the data recorded before:
// when another is recorded, it is ErrConflict and nothing changes. It
// returns how many it queued; the first hash a store sees queues
// nothing.
func (s *Store) DataChanged(ctx context.Context, since, hash string, touched map[string][]string) (int, error) {
	queued := 0
	err := s.tx(ctx, func(tx *sql.Tx) error {
		queued = 0
		var old string
		err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = 'vulnerability-data'`).Scan(&old)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err = tx.ExecContext(ctx, s.q(`INSERT INTO settings (name, value) VALUES ('vulnerability-data', ?)`), hash)
			return err
		case err != nil:
			return err
		case old == hash:
			return nil
		case touched != nil && old != since:
			return ErrConflict
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE settings SET value = ? WHERE name = 'vulnerability-data'`), hash); err != nil {
			return err
		}
		if err := s.appendAudit(ctx, tx, System, "", "data.change", "vulnerability-data", old, hash); err != nil {
			return err
		}
		byOrg := touched
		if byOrg == nil { // every device
			rows, err := tx.QueryContext(ctx, `SELECT org_id, id FROM devices ORDER BY id`)
			if err != nil {
				return err
			}
			byOrg = map[string][]string{}
			for rows.Next() {
				var org, id string
				if err := rows.Scan(&org, &id); err != nil {
					rows.Close()
					return err
				}
				byOrg[org] = append(byOrg[org], id)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		st := s.stamp()
		for _, org := range slices.Sorted(maps.Keys(byOrg)) {
			qs, err := s.queueDevices(ctx, tx, org, byOrg[org], st)
			if err != nil {
				return err
			}
			queued += len(qs)
		}
		return nil
	})
	return queued, err
}

// Orgs lists every organisation's ID.
func (s *Store) Orgs(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM orgs ORDER BY id`)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanString)
}

// Latest is, for one device, its newest done assessment as an overview
// sees it.
type Latest struct {
	Device    string
	Name      string
	Site      string
	Readiness float64
	Finished  time.Time
	Summary
}

// splitMissed reads a stored list of missed requirements.
func splitMissed(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// tally counts l, times n (1 or -1), into the overview's tallies: its
// readiness tenth, class, missed requirements, whether it has exploited
// vulnerabilities, and the device itself.
func (l Latest) tally(c map[string]int, n int) {
	class := l.Class
	if class == "" {
		class = "undecided"
	}
	c["assessed"] += n
	c[fmt.Sprintf("readiness:%d", min(max(int(l.Readiness/10), 0), 9))] += n
	c["class:"+class] += n
	for _, m := range l.Missed {
		c["missed:"+m] += n
	}
	if l.Exploited > 0 {
		c["exploited"] += n
	}
}

// addTallies adds counts to an organisation's tallies, in one statement.
func (s *Store) addTallies(ctx context.Context, tx *sql.Tx, org string, c map[string]int) error {
	names := make([]string, 0, len(c))
	for k, n := range c {
		if n != 0 {
			names = append(names, k)
		}
	}
	if len(names) == 0 {
		return nil
	}
	sort.Strings(names)
	var q strings.Builder
	args := make([]any, 0, 3*len(names))
	q.WriteString(`INSERT INTO tallies (org_id, name, n) VALUES `)
	for i, k := range names {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?)")
		args = append(args, org, k, c[k])
	}
	q.WriteString(` ON CONFLICT (org_id, name) DO UPDATE SET n = tallies.n + excluded.n`)
	_, err := tx.ExecContext(ctx, s.q(q.String()), args...)
	return err
}

// newest makes a done assessment its device's newest, unless a newer one
// is already (an older assessment that finished late), and moves the
// overview's tallies and the day's readiness with it.
func (s *Store) newest(ctx context.Context, tx *sql.Tx, a Assessment, l Latest, st string) error {
	c := map[string]int{}
	var prev Latest
	var prevID, missed string
	var readiness sql.NullFloat64
	err := tx.QueryRowContext(ctx, s.q(`SELECT assessment_id, readiness, class, exploited, missed FROM latest WHERE device_id = ?`), a.Device).Scan(&prevID, &readiness, &prev.Class, &prev.Exploited, &missed)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO latest (device_id, org_id, assessment_id, readiness, class, exploited, missed) VALUES (?, ?, ?, ?, ?, ?, ?)`),
			a.Device, a.Org, a.ID, l.Readiness, l.Class, l.Exploited, strings.Join(l.Missed, ","))
	case err != nil:
	case prevID > a.ID:
		// A newer assessment is the device's newest already.
	default:
		prev.Readiness, prev.Missed = readiness.Float64, splitMissed(missed)
		prev.tally(c, -1)
		_, err = tx.ExecContext(ctx, s.q(`UPDATE latest SET assessment_id = ?, readiness = ?, class = ?, exploited = ?, missed = ? WHERE device_id = ?`),
			a.ID, l.Readiness, l.Class, l.Exploited, strings.Join(l.Missed, ","), a.Device)
	}
	if err != nil {
		return err
	}
	if prevID <= a.ID {
		l.tally(c, 1)
		if err := s.addTallies(ctx, tx, a.Org, c); err != nil {
			return err
		}
		if err := s.index(ctx, tx, a, l.Index); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, s.q(`INSERT INTO days (org_id, day, total, n) VALUES (?, ?, ?, 1) ON CONFLICT (org_id, day) DO UPDATE SET total = days.total + excluded.total, n = days.n + 1`),
		a.Org, st[:10], l.Readiness)
	return err
}

// index replaces a device's index with what its newest assessment
// matched, marked indexed.
func (s *Store) index(ctx context.Context, tx *sql.Tx, a Assessment, idx map[string]string) error {
	keys := []string{IndexedKey}
	for k := range idx {
		if k != IndexedKey {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	// The IndexedKey row holds the index's digest: an assessment that
	// matched what the one before did (the device's SBOMs unchanged, the
	// common case of a re-match) leaves the rows as they are.
	h := sha256.New()
	for _, k := range keys[1:] {
		fmt.Fprintf(h, "%s\x00%s\x00", k, idx[k])
	}
	sum := hex.EncodeToString(h.Sum(nil))
	var old string
	err := tx.QueryRowContext(ctx, s.q(`SELECT packages FROM device_index WHERE device_id = ? AND key = ?`), a.Device, IndexedKey).Scan(&old)
	switch {
	case err == nil && old == sum:
		return nil
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return err
	}
	if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM device_index WHERE device_id = ?`), a.Device); err != nil {
		return err
	}
	for len(keys) > 0 {
		chunk := keys[:min(len(keys), 250)]
		keys = keys[len(chunk):]
		q := `INSERT INTO device_index (device_id, org_id, key, packages) VALUES ` + strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?), ", len(chunk)), ", ")
		args := make([]any, 0, 4*len(chunk))
		for _, k := range chunk {
			p := idx[k]
			if k == IndexedKey {
				p = sum
			}
			args = append(args, a.Device, a.Org, k, p)
		}
		if _, err := tx.ExecContext(ctx, s.q(q), args...); err != nil {
			return err
		}
	}
	return nil
}

// Indexed reads, of org's devices, the index rows whose key is among keys
// (by device, the packages of each row), and, with subjects, every
// subject row; unindexed are the devices with no index at all.
func (s *Store) Indexed(ctx context.Context, org string, keys []string, subjects bool, r Range) (rows map[string][]string, unindexed []string, err error) {
	rows = map[string][]string{}
	// The range, as a condition on device IDs.
	within, bounds := " AND device_id >= ?", []any{r.From}
	if r.To != "" {
		within, bounds = within+" AND device_id < ?", append(bounds, r.To)
	}
	scan := func(q string, args ...any) error {
		rs, err := s.db.QueryContext(ctx, s.q(q), args...)
		if err != nil {
			return err
		}
		defer rs.Close()
		for rs.Next() {
			var d, p string
			if err := rs.Scan(&d, &p); err != nil {
				return err
			}
			rows[d] = append(rows[d], p)
		}
		return rs.Err()
	}
	for len(keys) > 0 {
		chunk := keys[:min(len(keys), 500)]
		keys = keys[len(chunk):]
		args := []any{org}
		for _, k := range chunk {
			args = append(args, k)
		}
		if err := scan(`SELECT device_id, packages FROM device_index WHERE org_id = ? AND key IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(chunk)), ", ")+`)`+within, append(args, bounds...)...); err != nil {
			return nil, nil, err
		}
	}
	if subjects {
		if err := scan(`SELECT device_id, packages FROM device_index WHERE org_id = ? AND key >= ? AND key < ?`+within, append([]any{org, SubjectKey, "s;"}, bounds...)...); err != nil {
			return nil, nil, err
		}
	}
	rs, err := s.db.QueryContext(ctx, s.q(`SELECT id FROM devices d WHERE org_id = ? AND NOT EXISTS (SELECT 1 FROM device_index x WHERE x.device_id = d.id AND x.key = ?)`+strings.ReplaceAll(within, "device_id", "id")+` ORDER BY id`), append([]any{org, IndexedKey}, bounds...)...)
	if err != nil {
		return nil, nil, err
	}
	unindexed, err = collect(rs, scanString)
	return rows, unindexed, err
}

// Tallies are an organisation's overview counts by name (readiness:N,
// class:C, missed:REQUIREMENT, exploited, assessed).
func (s *Store) Tallies(ctx context.Context, org string) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT name, n FROM tallies WHERE org_id = ? AND n <> 0`), org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}

// MostExploited lists up to limit devices of org whose newest done
// assessment has open findings on known-exploited vulnerabilities, most
// first.
func (s *Store) MostExploited(ctx context.Context, org string, limit int) ([]Latest, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT d.id, d.name, d.site, l.exploited FROM latest l JOIN devices d ON d.id = l.device_id
		WHERE l.org_id = ? AND l.exploited > 0 ORDER BY l.exploited DESC, d.id LIMIT ?`), org, limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (Latest, error) {
		var l Latest
		err := r.Scan(&l.Device, &l.Name, &l.Site, &l.Exploited)
		return l, err
	})
}

// LatestDone lists, for each device of org, its newest done assessment
// (devices never assessed are left out).
func (s *Store) LatestDone(ctx context.Context, org string) ([]Latest, error) {
	// One pass over the organisation's done assessments (an index
	// holds them by device), not a lookup per device.
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT d.id, d.name, d.site, a.readiness, a.finished, a.class, a.exploited, a.missed FROM
		(SELECT device_id, MAX(assessment_id) AS id FROM summaries WHERE org_id = ? GROUP BY device_id) m
		JOIN summaries a ON a.assessment_id = m.id JOIN devices d ON d.id = m.device_id ORDER BY d.id`), org)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (Latest, error) {
		var l Latest
		var finished, missed string
		var readiness sql.NullFloat64
		err := r.Scan(&l.Device, &l.Name, &l.Site, &readiness, &finished, &l.Class, &l.Exploited, &missed)
		l.Readiness, l.Finished = readiness.Float64, parseTime(finished)
		if missed != "" {
			l.Missed = strings.Split(missed, ",")
		}
		return l, err
	})
}

// DailyReadiness is the organisation's mean readiness of the
// assessments done on each day since since (UTC), oldest first.
func (s *Store) DailyReadiness(ctx context.Context, org string, since time.Time) ([]DayReadiness, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT day, total, n FROM days WHERE org_id = ? AND day >= ? ORDER BY day`), org, since.UTC().Format("2006-01-02"))
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (DayReadiness, error) {
		var d DayReadiness
		var total float64
		err := r.Scan(&d.Day, &total, &d.Assessments)
		if d.Assessments > 0 {
			d.Readiness = total / float64(d.Assessments)
		}
		return d, err
	})
}

// DayReadiness is one day of the readiness trend.
type DayReadiness struct {
	Day         string  `json:"day"`
	Readiness   float64 `json:"readiness"`
	Assessments int     `json:"assessments"`
}
