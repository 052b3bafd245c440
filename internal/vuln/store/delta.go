package store

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mdcheck/mdcheck/internal/vuln"
)

// Copy copies the database at from to the new file to, whole, and
// returns the copy's content hash.
func Copy(from, to string) (string, error) {
	in, err := os.Open(from)
	if err != nil {
		return "", err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", err
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	var hash string
	if err == nil {
		hash, err = HashOf(to)
	}
	if err != nil {
		os.Remove(to)
	}
	return hash, err
}

// HashOf opens the database at path and returns its content hash.
func HashOf(path string) (string, error) {
	db, err := Open(path)
	if err != nil {
		return "", err
	}
	defer db.Close()
	st, err := db.Status()
	return st.Hash, err
}

// Delta writes to out (a new file) a database of what differs between
// older and newer: records new or changed, records withdrawn (as they
// were), the records of a vulnerability whose KEV listing came or went
// (by its ID or an alias), and advisories new, changed or withdrawn,
// each with what it applies to. A device none of them reaches is matched
// by newer as it was by older, but for EPSS scores, which are left out
// (they change every day for nearly every CVE, and move no finding's
// status). It returns how many records and advisories the delta holds.
func Delta(ctx context.Context, older, newer, out string) (int, error) {
	for _, p := range []string{older, newer} {
		db, err := Open(p)
		if err != nil {
			return 0, err
		}
		db.Close()
	}
	if _, err := os.Stat(out); err == nil {
		return 0, fmt.Errorf("delta database %s exists already", out)
	}
	db, err := sql.Open("sqlite", "file:"+out+"?_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	// One connection: the attached databases are the connection's.
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	quote := func(p string) string { return "'" + strings.ReplaceAll(p, "'", "''") + "'" }
	steps := []string{
		schema,
		`ATTACH DATABASE ` + quote(newer) + ` AS n`,
		`ATTACH DATABASE ` + quote(older) + ` AS o`,
		// CVEs whose KEV listing came or went.
		`CREATE TEMP TABLE kev_changed AS SELECT cve FROM (SELECT cve FROM n.kev EXCEPT SELECT cve FROM o.kev) UNION SELECT cve FROM (SELECT cve FROM o.kev EXCEPT SELECT cve FROM n.kev)`,
		// Records of newer that are new, changed, or whose KEV listing
		// changed; and records of older that newer withdrew, as they were,
		// so that the devices they reached are found too.
		`INSERT INTO main.records SELECT r.id, r.modified, r.source, r.data FROM n.records r
			WHERE NOT EXISTS (SELECT 1 FROM o.records p WHERE p.id = r.id AND p.data = r.data)
			OR r.id IN (SELECT cve FROM kev_changed)
			OR r.id IN (SELECT a.id FROM n.aliases a WHERE a.alias IN (SELECT cve FROM kev_changed))`,
		`CREATE TEMP TABLE gone AS SELECT id FROM o.records EXCEPT SELECT id FROM n.records`,
		`INSERT INTO main.records SELECT r.id, r.modified, r.source, r.data FROM o.records r WHERE r.id IN (SELECT id FROM gone)`,
		`INSERT INTO main.affected SELECT a.id, a.ecosystem, a.name FROM n.affected a WHERE a.id IN (SELECT id FROM main.records)`,
		`INSERT INTO main.affected SELECT a.id, a.ecosystem, a.name FROM o.affected a WHERE a.id IN (SELECT id FROM gone)`,
		`INSERT INTO main.aliases SELECT a.id, a.alias FROM n.aliases a WHERE a.id IN (SELECT id FROM main.records)`,
		`INSERT INTO main.aliases SELECT a.id, a.alias FROM o.aliases a WHERE a.id IN (SELECT id FROM gone)`,
		`INSERT INTO main.cpe SELECT c.id, c.kind, c.vendor, c.product, c.data FROM n.cpe c WHERE c.id IN (SELECT id FROM main.records)`,
		`INSERT INTO main.cpe SELECT c.id, c.kind, c.vendor, c.product, c.data FROM o.cpe c WHERE c.id IN (SELECT id FROM gone)`,
		`INSERT INTO main.kev SELECT cve, data FROM n.kev`,
		// Advisories new or changed, and those withdrawn as they were.
		`INSERT INTO main.advisories SELECT v.id, v.updated, v.data FROM n.advisories v
			WHERE NOT EXISTS (SELECT 1 FROM o.advisories p WHERE p.id = v.id AND p.data = v.data)`,
		`INSERT INTO main.advisories SELECT v.id, v.updated, v.data FROM o.advisories v WHERE v.id NOT IN (SELECT id FROM n.advisories)`,
		`INSERT INTO main.meta SELECT key, value FROM n.meta`,
		`UPDATE main.meta SET value = (SELECT COUNT(*) FROM main.records) WHERE key = 'records'`,
		`UPDATE main.meta SET value = 'delta of ' || value WHERE key = 'hash'`,
		`UPDATE main.meta SET value = '0' WHERE key = 'epss'`,
		`DETACH DATABASE n`,
		`DETACH DATABASE o`,
		indexes,
	}
	for _, st := range steps {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if _, err := conn.ExecContext(ctx, st); err != nil {
			os.Remove(out)
			return 0, fmt.Errorf("%w: the delta of %s since %s: %v", vuln.ErrInvalid, newer, older, err)
		}
	}
	var n int
	err = conn.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM records) + (SELECT COUNT(*) FROM advisories)`).Scan(&n)
	return n, err
}
