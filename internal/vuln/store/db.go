package store

import (
	"sync"

	_ "modernc.org/sqlite" // database/sql driver "sqlite", pure Go

	"archive/zip"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mdcheck/mdcheck/internal/advisory"
	"github.com/mdcheck/mdcheck/internal/boundedio"
	"github.com/mdcheck/mdcheck/internal/vuln"
	"github.com/mdcheck/mdcheck/internal/vuln/feed/csaf"
	"github.com/mdcheck/mdcheck/internal/vuln/feed/cve5"
	"github.com/mdcheck/mdcheck/internal/vuln/feed/epss"
	"github.com/mdcheck/mdcheck/internal/vuln/feed/kev"
	"github.com/mdcheck/mdcheck/internal/vuln/feed/nvd"
	"github.com/mdcheck/mdcheck/internal/vuln/feed/osv"
)

// Limits on imports: a file larger than MaxCollection, a zip entry or a
// single record larger than MaxRecord is refused (this also stops zip
// bombs), as is an archive with more entries than maxEntries.
const maxEntries = 2_000_000

// DB is an open vulnerability database.
type DB struct {
	sql  *sql.DB
	path string

	mu      sync.Mutex
	vendors map[string]bool // every CPE vendor the records name, read on first need
	// advisories are the CSAF advisories, read and prepared on first need
	// (every device check matches against them all); nil until then.
	advisories []*advisory.Advisory
	// matcher matches names against them, built on first need; it keeps
	// a cache as it goes, so matching holds matching.
	matching sync.Mutex
	matcher  *advisory.Matcher
}

const schema = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE records (id TEXT PRIMARY KEY, modified TEXT NOT NULL, source TEXT NOT NULL, data BLOB NOT NULL);
CREATE TABLE affected (id TEXT NOT NULL, ecosystem TEXT NOT NULL, name TEXT NOT NULL);
CREATE TABLE aliases (id TEXT NOT NULL, alias TEXT NOT NULL);
CREATE TABLE cpe (id TEXT NOT NULL, kind TEXT NOT NULL, vendor TEXT NOT NULL, product TEXT NOT NULL, data BLOB NOT NULL);
CREATE TABLE kev (cve TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE epss (cve TEXT PRIMARY KEY, score REAL NOT NULL, percentile REAL NOT NULL);
CREATE TABLE advisories (id TEXT PRIMARY KEY, updated TEXT NOT NULL, data BLOB NOT NULL);
`

const indexes = `
CREATE INDEX affected_key ON affected (ecosystem, name);
CREATE INDEX aliases_id ON aliases (id);
CREATE INDEX cpe_key ON cpe (product, vendor);
`

// Open opens a database read-only.
func Open(path string) (*DB, error) {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("vulnerability database %s: %w (build one with: mdcheck db update, or db import PATH)", path, err)
	case err != nil:
		return nil, fmt.Errorf("vulnerability database %s: %w", path, err)
	case st.IsDir():
		return nil, fmt.Errorf("%w: %s is a directory, not a vulnerability database file (give the file, e.g. --db %s)", vuln.ErrInvalid, path, filepath.Join(path, "vuln.db"))
	}
	if f, err := os.Open(path); err != nil {
		return nil, fmt.Errorf("vulnerability database %s cannot be read: %w", path, err)
	} else {
		f.Close()
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return nil, err
	}
	// One connection, opened now and never closed while the DB is: an
	// import replaces the file by renaming a new one over it, and a
	// connection opened later would read the new file in the middle of a
	// scan of the old. The one connection keeps the file it opened, so a
	// DB reads one database whole for as long as it is open.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	var v string
	err = db.QueryRow(`SELECT value FROM meta WHERE key = 'schema'`).Scan(&v)
	if err == nil && v == schemaVersion {
		err = intact(db, st.Size())
	}
	if err != nil && damaged(err) {
		db.Close()
		return nil, fmt.Errorf("%w: %s is damaged (%v); build it again with mdcheck db update, or db import PATH", vuln.ErrInvalid, path, err)
	}
	if err != nil || v != schemaVersion {
		db.Close()
		return nil, fmt.Errorf("%w: %s is not an mdcheck vulnerability database of schema %s (build it again with: mdcheck db update, or db import PATH)", vuln.ErrInvalid, path, schemaVersion)
	}
	return &DB{sql: db, path: path}, nil
}

// intact checks, cheaply, that the file holds every page SQLite says the
// database has: a file cut short (a copy that stopped, a full disk) is
// damaged before any query reaches the missing pages.
func intact(db *sql.DB, size int64) error {
	var pages, pageSize int64
	if err := db.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
		return err
	}
	if err := db.QueryRow(`PRAGMA page_size`).Scan(&pageSize); err != nil {
		return err
	}
	if want := pages * pageSize; size < want {
		return fmt.Errorf("database disk image is malformed: the file has %d of its %d bytes", size, want)
	}
	return nil
}

// damaged reports whether SQLite says the file is corrupt, as opposed to
// not a database at all.
func damaged(err error) bool {
	m := err.Error()
	return strings.Contains(m, "malformed") || strings.Contains(m, "corrupt")
}

// Close closes the database.
func (db *DB) Close() error { return db.sql.Close() }

const schemaVersion = "5"

// ImportStats summarises an import.
type ImportStats struct {
	Records int `json:"records"`
	Skipped int `json:"skipped"`
	// Ignored counts the files passed over as not vulnerability data, by
	// what they are ("a JSON Schema").
	Ignored map[string]int `json:"ignored,omitempty"`
	// Malformed lists the advisories passed over because they are not
	// valid, each with its file and fault (none with Strict: the first
	// stops the import).
	Malformed []string `json:"malformed,omitempty"`
}

// ImportOptions tune an import.
type ImportOptions struct {
	// Now is the time the database is stamped as built.
	Now time.Time
	// AllowShrink lets an import replace the database with one that holds
	// nothing, or less of a source than the current one.
	AllowShrink bool
	// Strict stops the import at the first advisory that is not valid,
	// instead of passing over it.
	Strict bool
}

// Import builds a database at path from vulnerability data (OSV, CVE JSON
// 5, NVD, CSAF, KEV, EPSS) in files, folders and zip archives, as
// ImportWith does with the guards on.
func Import(ctx context.Context, path string, inputs []string, now time.Time) (ImportStats, error) {
	return ImportWith(ctx, path, inputs, ImportOptions{Now: now})
}

// ImportWith builds a database at path from vulnerability data. It writes
// a new file beside path and renames it into place, so a failed or
// interrupted import leaves the previous database intact; one import at a
// time builds a database (ErrBusy), and an import first removes what
// killed ones left. A file that is not valid stops the import with an
// error naming it. A database that would hold nothing (ErrEmpty), or lack
// a source of the current one or most of its records (ErrShrink), does
// not replace it unless o.AllowShrink.
func ImportWith(ctx context.Context, path string, inputs []string, o ImportOptions) (ImportStats, error) {
	var st ImportStats
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return st, err
	}
	unlock, err := lock(path)
	if err != nil {
		return st, err
	}
	defer unlock()
	removeStale(path)
	tmp, err := os.CreateTemp(dir, tempPattern(path))
	if err != nil {
		return st, err
	}
	tmpName := tmp.Name()
	tmp.Close()
	ok := false
	defer func() {
		if !ok {
			os.Remove(tmpName)
			os.Remove(tmpName + "-journal")
		}
	}()
	db, err := sql.Open("sqlite", "file:"+tmpName+"?_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)")
	if err != nil {
		return st, err
	}
	defer db.Close()
	if _, err := db.Exec(schema); err != nil {
		return st, err
	}
	tx, err := db.Begin()
	if err != nil {
		return st, err
	}
	defer tx.Rollback()
	ins, err := newInserter(tx)
	if err != nil {
		return st, err
	}
	ins.strict, ins.stats = o.Strict, &st
	for _, in := range inputs {
		if err := importPath(ctx, in, ins); err != nil {
			return st, err
		}
	}
	st.Records, st.Skipped = ins.n, ins.dupes
	have, err := ins.finish(o.Now, inputs)
	if err != nil {
		return st, err
	}
	if err := tx.Commit(); err != nil {
		return st, err
	}
	if _, err := db.Exec(indexes); err != nil {
		return st, err
	}
	if err := db.Close(); err != nil {
		return st, err
	}
	if err := guard(path, have, inputs, o.AllowShrink); err != nil {
		return st, err
	}
	if err := os.Rename(tmpName, path); err != nil {
		return st, err
	}
	ok = true
	return st, nil
}

type inserter struct {
	tx                 *sql.Tx
	rec, aff, ali, cpe *sql.Stmt
	seen               map[string]string // id -> modified
	cpeSeen            map[string]string // id, kind -> modified of the applicability kept
	n, dupes           int
	newest             string
	// KEV entries come from the newest catalog that lists them; EPSS
	// scores from the newest score date.
	kevSeen              map[string]string // cve -> catalog version
	kevVersion, epssDate string
	epssModel            string
	epssFile             *vuln.EPSSFile // the file epssStmt inserts scores of
	epssStmt             *sql.Stmt
	// advisories holds the product trees of CSAF advisories for
	// device-level matching, newest revision of each.
	adv        *sql.Stmt
	advUpdated map[string]string
	// strict stops at the first advisory that is not valid; otherwise it
	// is passed over and listed in stats, with the files ignored.
	strict bool
	stats  *ImportStats
}

func newInserter(tx *sql.Tx) (*inserter, error) {
	rec, err := tx.Prepare(`INSERT OR REPLACE INTO records (id, modified, source, data) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return nil, err
	}
	aff, err := tx.Prepare(`INSERT INTO affected (id, ecosystem, name) VALUES (?, ?, ?)`)
	if err != nil {
		return nil, err
	}
	ali, err := tx.Prepare(`INSERT INTO aliases (id, alias) VALUES (?, ?)`)
	if err != nil {
		return nil, err
	}
	cpe, err := tx.Prepare(`INSERT INTO cpe (id, kind, vendor, product, data) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return nil, err
	}
	adv, err := tx.Prepare(`INSERT OR REPLACE INTO advisories (id, updated, data) VALUES (?, ?, ?)`)
	if err != nil {
		return nil, err
	}
	return &inserter{tx: tx, rec: rec, aff: aff, ali: ali, cpe: cpe, adv: adv, seen: map[string]string{}, cpeSeen: map[string]string{}, kevSeen: map[string]string{}, advUpdated: map[string]string{}}, nil
}

// add stores a record and its CPE applicability. A record seen before is
// kept in its newest form. Applicability is kept per kind of source (CVE
// JSON 5, NVD), newest of each kind: the CNA/ADP ranges and NVD's
// configurations of one CVE both count.
func (ins *inserter) add(r *vuln.Record, apps []vuln.Applicability, kind, source string) error {
	if kind != osv.Feed.Name() {
		k := r.ID + "\x00" + kind
		if prev, ok := ins.cpeSeen[k]; !ok || prev < r.Modified {
			if ok {
				if _, err := ins.tx.Exec(`DELETE FROM cpe WHERE id = ? AND kind = ?`, r.ID, kind); err != nil {
					return err
				}
			}
			ins.cpeSeen[k] = r.Modified
			for _, a := range apps {
				data, err := json.Marshal(a)
				if err != nil {
					return err
				}
				if _, err := ins.cpe.Exec(r.ID, kind, a.Vendor, a.Product, data); err != nil {
					return err
				}
			}
		}
	}
	if old, dup := ins.seen[r.ID]; dup {
		ins.dupes++
		if old >= r.Modified {
			return nil
		}
		// The newer copy replaces the older one with its index rows.
		for _, q := range []string{`DELETE FROM affected WHERE id = ?`, `DELETE FROM aliases WHERE id = ?`} {
			if _, err := ins.tx.Exec(q, r.ID); err != nil {
				return err
			}
		}
	} else {
		ins.n++
	}
	ins.seen[r.ID] = r.Modified
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if _, err := ins.rec.Exec(r.ID, r.Modified, source, data); err != nil {
		return err
	}
	done := map[[2]string]bool{}
	for _, a := range r.Affected {
		eco, _, _ := strings.Cut(a.Package.Ecosystem, ":")
		key := [2]string{eco, vuln.Normalize(eco, a.Package.Name)}
		if done[key] || key[1] == "" {
			continue
		}
		done[key] = true
		if _, err := ins.aff.Exec(r.ID, key[0], key[1]); err != nil {
			return err
		}
	}
	for _, al := range r.Aliases {
		if _, err := ins.ali.Exec(r.ID, al); err != nil {
			return err
		}
	}
	if d := recordDate(r); d > ins.newest {
		ins.newest = d
	}
	return nil
}

// recordDate is when a record last changed: its modified date, or its
// publication where the modified date is the zero time (as the Go
// vulnerability database writes it, 0001-01-01).
func recordDate(r *vuln.Record) string {
	if strings.HasPrefix(r.Modified, "0001-") || r.Modified == "" {
		return r.Published
	}
	return r.Modified
}

// finish writes the database's metadata and returns what it holds.
func (ins *inserter) finish(now time.Time, inputs []string) (content, error) {
	if ins.epssStmt != nil {
		ins.epssStmt.Close()
	}
	ids := make([]string, 0, len(ins.seen))
	for id, m := range ins.seen {
		ids = append(ids, id+"@"+m)
	}
	hash := contentHash(ids, ins.kevVersion, ins.epssDate)
	ecosystems := map[string]int{}
	rows, err := ins.tx.Query(`SELECT ecosystem, COUNT(DISTINCT id) FROM affected GROUP BY ecosystem`)
	if err != nil {
		return content{}, err
	}
	for rows.Next() {
		var e string
		var n int
		if err := rows.Scan(&e, &n); err != nil {
			rows.Close()
			return content{}, err
		}
		ecosystems[e] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return content{}, err
	}
	var cpeIDs int
	if err := ins.tx.QueryRow(`SELECT COUNT(DISTINCT id) FROM cpe`).Scan(&cpeIDs); err != nil {
		return content{}, err
	}
	if cpeIDs > 0 {
		ecosystems[cpeSource] = cpeIDs
	}
	eco, _ := json.Marshal(ecosystems)
	var srcs []string
	for _, in := range inputs {
		srcs = append(srcs, filepath.Base(in))
	}
	var kevN, epssN int
	if err := ins.tx.QueryRow(`SELECT (SELECT COUNT(*) FROM kev), (SELECT COUNT(*) FROM epss)`).Scan(&kevN, &epssN); err != nil {
		return content{}, err
	}
	meta := map[string]string{
		"schema": schemaVersion, "built": now.UTC().Format(time.RFC3339), "newest": ins.newest,
		"records": strconv.Itoa(ins.n), "hash": hash,
		"ecosystems": string(eco), "sources": strings.Join(srcs, ", "),
		"kev": strconv.Itoa(kevN), "kev_version": ins.kevVersion,
		"epss": strconv.Itoa(epssN), "epss_date": ins.epssDate, "epss_model": ins.epssModel,
	}
	for k, v := range meta {
		if _, err := ins.tx.Exec(`INSERT INTO meta (key, value) VALUES (?, ?)`, k, v); err != nil {
			return content{}, err
		}
	}
	have := content{records: ins.n, sources: map[string]int{"KEV": kevN, "EPSS": epssN, "advisories": len(ins.advUpdated)}}
	for k, v := range ecosystems {
		have.sources[k] = v
	}
	return have, nil
}

// importPath imports a file, a zip or a folder.
func importPath(ctx context.Context, path string, ins *inserter) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if st.IsDir() {
		return walkFiles(ctx, path, map[string]bool{}, func(p string) error {
			switch ext := strings.ToLower(filepath.Ext(p)); ext {
			case ".json", ".zip", ".csv", ".gz":
				return importPath(ctx, p, ins)
			default:
				ins.ignore(fileKind(ext))
			}
			return nil
		})
	}
	if strings.EqualFold(filepath.Ext(path), ".zip") {
		return importZip(ctx, path, ins)
	}
	data, err := boundedio.ReadFile(path, vuln.MaxCollection)
	var tl *boundedio.TooLargeError
	if errors.As(err, &tl) {
		return fmt.Errorf("%w: %s: file is %s bytes; a record file may be at most %d", vuln.ErrInvalid, path, tl.Bytes(), vuln.MaxCollection)
	}
	if err != nil {
		return err
	}
	return ins.parseAdd(path, data, filepath.Base(path))
}

// walkFiles calls fn for every file under the folder root, following
// symbolic links to files and to folders (a mirror is often a link to a
// shared disk), each real folder once so that a link loop ends, and
// passing over hidden folders below root (a checkout's .git). Paths are
// given under root as the user named it.
func walkFiles(ctx context.Context, root string, seen map[string]bool, fn func(path string) error) error {
	real, err := filepath.EvalSymlinks(root)
	if err != nil {
		return err
	}
	if seen[real] {
		return nil
	}
	seen[real] = true
	return filepath.WalkDir(real, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		shown := root + strings.TrimPrefix(p, real)
		if d.IsDir() {
			if p != real && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			st, err := os.Stat(p)
			if err != nil {
				return fmt.Errorf("%s: %w", shown, err)
			}
			if st.IsDir() {
				if strings.HasPrefix(d.Name(), ".") {
					return nil
				}
				return walkFiles(ctx, shown, seen, fn)
			}
		}
		return fn(shown)
	})
}

func importZip(ctx context.Context, path string, ins *inserter) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", vuln.ErrInvalid, path, err)
	}
	defer zr.Close()
	if len(zr.File) > maxEntries {
		return fmt.Errorf("%w: %s: %d entries; at most %d", vuln.ErrInvalid, path, len(zr.File), maxEntries)
	}
	for _, f := range zr.File {
		if err := ctx.Err(); err != nil {
			return err
		}
		if f.FileInfo().IsDir() || !strings.EqualFold(filepath.Ext(f.Name), ".json") {
			continue
		}
		where := path + "!" + f.Name
		if f.UncompressedSize64 > vuln.MaxRecord {
			return fmt.Errorf("%w: %s: entry is %d bytes uncompressed; a record may be at most %d", vuln.ErrInvalid, where, f.UncompressedSize64, vuln.MaxRecord)
		}
		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("%w: %s: %v", vuln.ErrInvalid, where, err)
		}
		// The header's size can lie; never read past the limit.
		data, err := boundedio.Read(rc, vuln.MaxRecord)
		rc.Close()
		var tl *boundedio.TooLargeError
		if errors.Is(err, zip.ErrFormat) {
			return fmt.Errorf("%w: %s: entry expands past the %d bytes its header declares (zip bomb?)", vuln.ErrInvalid, where, f.UncompressedSize64)
		}
		if errors.As(err, &tl) {
			return fmt.Errorf("%w: %s: entry expands past %d bytes (zip bomb?)", vuln.ErrInvalid, where, vuln.MaxRecord)
		}
		if err != nil {
			return fmt.Errorf("%w: %s: %v", vuln.ErrInvalid, where, err)
		}
		if err := ins.parseAdd(where, data, filepath.Base(path)); err != nil {
			return err
		}
	}
	return nil
}

// Kinds of record source.
// Feeds are the formats an import reads, in the order they are offered
// a file: the formats told by their content first, OSV (which takes any
// JSON record) last.
var Feeds = []vuln.Feed{epss.Feed, kev.Feed, csaf.Feed, nvd.Feed, cve5.Feed, osv.Feed}

// cpeSource is the Status.Ecosystems key counting CVE records with CPE or
// vendor/product applicability.
const cpeSource = "CPE"

// parseAdd reads one file by its content: OSV, CVE JSON 5 or NVD CVE API
// 2.0 records, a CSAF 2.0 advisory, a KEV catalog or an EPSS file; and
// stores it.
func (ins *inserter) parseAdd(where string, data []byte, source string) error {
	if what := notData(where, data); what != "" {
		ins.ignore(what)
		return nil
	}
	for _, f := range Feeds {
		if !f.Detect(data) {
			continue
		}
		kind := f.Name()
		err := f.Read(where, data, vuln.Yield{
			Record:   func(r *vuln.Record, apps []vuln.Applicability) error { return ins.add(r, apps, kind, source) },
			KEV:      ins.addKEV,
			EPSS:     ins.addEPSS,
			Advisory: ins.addAdvisory,
		})
		if errors.Is(err, vuln.ErrOtherFormat) {
			continue
		}
		// A file that is not valid is passed over, unless strict. An EPSS
		// file is read as a stream into the database, so one that fails
		// part way stops the import.
		if errors.Is(err, vuln.ErrInvalid) && !ins.strict && kind != epss.Feed.Name() {
			ins.stats.Malformed = append(ins.stats.Malformed, strings.TrimPrefix(err.Error(), vuln.ErrInvalid.Error()+": "))
			return nil
		}
		return err
	}
	ins.ignore("JSON of no kind mdcheck reads")
	return nil
}

func (ins *inserter) ignore(what string) {
	if ins.stats.Ignored == nil {
		ins.stats.Ignored = map[string]int{}
	}
	ins.stats.Ignored[what]++
}

// addKEV stores a KEV catalog's entries; where catalogs overlap, the
// newest catalog's entry is kept.
// addAdvisory keeps a CSAF advisory's product tree for device-level
// matching: the newest revision of each advisory.
func (ins *inserter) addAdvisory(a *advisory.Advisory) error {
	if len(a.Products) == 0 {
		return nil
	}
	if old, ok := ins.advUpdated[a.ID]; ok && old >= a.Updated {
		return nil
	}
	ins.advUpdated[a.ID] = a.Updated
	b, err := json.Marshal(a)
	if err != nil {
		return err
	}
	_, err = ins.adv.Exec(a.ID, a.Updated, b)
	return err
}

// Advisories returns the CSAF advisories kept for device-level matching.
//
// They are read once for the life of the DB (opened read-only) and
// shared: callers must not change them; the slice has no spare
// capacity, so appending to it copies.
func (db *DB) Advisories(ctx context.Context) ([]*advisory.Advisory, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.advisories == nil {
		advs, err := db.readAdvisories(ctx)
		if err != nil {
			return nil, err
		}
		db.advisories = append(make([]*advisory.Advisory, 0, len(advs)), advs...)
	}
	return slices.Clip(db.advisories), nil
}

// MatchDevice matches a device's or component's name against the CSAF
// advisories (advisory.Matcher, built once for the life of the DB); it
// also says how many advisories there are. Matchers of several DBs are
// merged with advisory.SortHits.
func (db *DB) MatchDevice(ctx context.Context, d advisory.Device) ([]advisory.Hit, int, error) {
	advs, err := db.Advisories(ctx)
	if err != nil {
		return nil, 0, err
	}
	db.matching.Lock()
	defer db.matching.Unlock()
	if db.matcher == nil {
		db.matcher = advisory.NewMatcher(advs)
	}
	return db.matcher.Match(d), len(advs), nil
}

func (db *DB) readAdvisories(ctx context.Context) ([]*advisory.Advisory, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT data FROM advisories ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*advisory.Advisory
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, err
		}
		var a advisory.Advisory
		if err := json.Unmarshal(b, &a); err != nil {
			return nil, fmt.Errorf("%w: advisory in the database: %v", vuln.ErrInvalid, err)
		}
		a.Prepare()
		out = append(out, &a)
	}
	return out, rows.Err()
}

// KEVEntries returns the KEV entries of the CVEs listed, by CVE.
func (db *DB) KEVEntries(ctx context.Context, cves []string) (map[string]*vuln.KEV, error) {
	out := map[string]*vuln.KEV{}
	for _, c := range cves {
		var data []byte
		switch err := db.sql.QueryRowContext(ctx, `SELECT data FROM kev WHERE cve = ?`, c).Scan(&data); {
		case errors.Is(err, sql.ErrNoRows):
			continue
		case err != nil:
			return nil, err
		}
		var k vuln.KEV
		if err := json.Unmarshal(data, &k); err != nil {
			return nil, err
		}
		out[c] = &k
	}
	return out, nil
}

// KEVListed tells which CVEs the KEV catalog lists, asking the database
// once per CVE: matching a fleet or a device's components meets the same
// advisories, and their CVEs, again and again.
type KEVListed struct {
	db     *DB
	listed map[string]bool
}

// KEVListed returns an empty memory of KEV-listed CVEs over db.
func (db *DB) KEVListed() *KEVListed { return &KEVListed{db: db, listed: map[string]bool{}} }

// Of returns the CVEs of cves the KEV catalog lists, in their order; an
// empty, non-nil slice when it lists none.
func (k *KEVListed) Of(ctx context.Context, cves []string) ([]string, error) {
	var unknown []string
	for _, c := range cves {
		if _, seen := k.listed[c]; !seen {
			unknown = append(unknown, c)
		}
	}
	if len(unknown) > 0 {
		entries, err := k.db.KEVEntries(ctx, unknown)
		if err != nil {
			return nil, err
		}
		for _, c := range unknown {
			k.listed[c] = entries[c] != nil
		}
	}
	out := []string{}
	for _, c := range cves {
		if k.listed[c] {
			out = append(out, c)
		}
	}
	return out, nil
}

func (ins *inserter) addKEV(c *vuln.KEVCatalog) error {
	for _, e := range c.Entries {
		if prev, ok := ins.kevSeen[e.CVE]; ok && prev > c.Version {
			continue
		}
		ins.kevSeen[e.CVE] = c.Version
		data, err := json.Marshal(e)
		if err != nil {
			return err
		}
		if _, err := ins.tx.Exec(`INSERT OR REPLACE INTO kev (cve, data) VALUES (?, ?)`, e.CVE, data); err != nil {
			return err
		}
	}
	if c.Version > ins.kevVersion {
		ins.kevVersion = c.Version
	}
	return nil
}

// addEPSS stores an EPSS score as it is read; where files overlap, the
// newest score date wins. The statement for a file is prepared at its
// first score, when its date is known.
func (ins *inserter) addEPSS(f *vuln.EPSSFile, e vuln.EPSS) error {
	if ins.epssFile != f {
		if ins.epssStmt != nil {
			ins.epssStmt.Close()
		}
		verb := "INSERT OR IGNORE"
		if f.Date >= ins.epssDate {
			verb = "INSERT OR REPLACE"
			ins.epssDate, ins.epssModel = f.Date, f.Model
		}
		stmt, err := ins.tx.Prepare(verb + ` INTO epss (cve, score, percentile) VALUES (?, ?, ?)`)
		if err != nil {
			return err
		}
		ins.epssFile, ins.epssStmt = f, stmt
	}
	_, err := ins.epssStmt.Exec(e.CVE, e.Score, e.Percentile)
	return err
}

// Status describes a database.
type Status struct {
	Path       string         `json:"path"`
	Records    int            `json:"records"`
	Newest     string         `json:"newest"`
	Built      string         `json:"built"`
	Hash       string         `json:"hash"`
	Sources    string         `json:"sources"`
	Ecosystems map[string]int `json:"ecosystems"`
	// KEV counts the known exploited vulnerabilities, from the catalog of
	// KEVVersion; EPSS the CVEs scored, on EPSSDate.
	KEV        int    `json:"kev"`
	KEVVersion string `json:"kevVersion,omitempty"`
	EPSS       int    `json:"epss"`
	EPSSDate   string `json:"epssDate,omitempty"`
	EPSSModel  string `json:"epssModel,omitempty"`
}

// Status reads the database's metadata.
func (db *DB) Status() (Status, error) {
	s := Status{Path: db.path, Ecosystems: map[string]int{}}
	rows, err := db.sql.Query(`SELECT key, value FROM meta`)
	if err != nil {
		return s, err
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return s, err
		}
		switch k {
		case "records":
			s.Records, _ = strconv.Atoi(v)
		case "newest":
			s.Newest = v
		case "built":
			s.Built = v
		case "hash":
			s.Hash = v
		case "sources":
			s.Sources = v
		case "ecosystems":
			_ = json.Unmarshal([]byte(v), &s.Ecosystems)
		case "kev":
			s.KEV, _ = strconv.Atoi(v)
		case "kev_version":
			s.KEVVersion = v
		case "epss":
			s.EPSS, _ = strconv.Atoi(v)
		case "epss_date":
			s.EPSSDate = v
		case "epss_model":
			s.EPSSModel = v
		}
	}
	return s, rows.Err()
}

// Age is how old the newest record is at now.
func (s Status) Age(now time.Time) (time.Duration, bool) {
	t, err := time.Parse(time.RFC3339, s.Newest)
	if err != nil {
		return 0, false
	}
	return now.Sub(t), true
}
