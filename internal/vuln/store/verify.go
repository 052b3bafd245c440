package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
)

// Verification is what Verify found.
type Verification struct {
	// Problems are what SQLite's integrity check reports; none when the
	// file is sound.
	Problems []string
	// Hash is the content hash computed from the records now; Stored the
	// one written when the database was built.
	Hash, Stored string
}

// OK reports whether the file is sound and its content is what it was
// built with.
func (v Verification) OK() bool { return len(v.Problems) == 0 && v.Hash == v.Stored }

// Verify runs SQLite's integrity check over the whole file and computes
// the content hash anew from the records, KEV catalog version and EPSS
// date, as the import did.
func (db *DB) Verify(ctx context.Context) (Verification, error) {
	var v Verification
	rows, err := db.sql.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return v, err
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return v, err
		}
		if s != "ok" {
			v.Problems = append(v.Problems, s)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return v, err
	}
	meta := map[string]string{}
	mrows, err := db.sql.QueryContext(ctx, `SELECT key, value FROM meta`)
	if err != nil {
		return v, err
	}
	for mrows.Next() {
		var k, val string
		if err := mrows.Scan(&k, &val); err != nil {
			mrows.Close()
			return v, err
		}
		meta[k] = val
	}
	mrows.Close()
	v.Stored = meta["hash"]
	var ids []string
	rrows, err := db.sql.QueryContext(ctx, `SELECT id, modified FROM records`)
	if err != nil {
		return v, err
	}
	for rrows.Next() {
		var id, m string
		if err := rrows.Scan(&id, &m); err != nil {
			rrows.Close()
			return v, err
		}
		ids = append(ids, id+"@"+m)
	}
	rrows.Close()
	if err := rrows.Err(); err != nil {
		return v, err
	}
	v.Hash = contentHash(ids, meta["kev_version"], meta["epss_date"])
	return v, nil
}

// contentHash is the database's content hash: its records by ID and
// modification date, sorted, then the KEV catalog version and the EPSS
// score date.
func contentHash(ids []string, kevVersion, epssDate string) string {
	sort.Strings(ids)
	if kevVersion != "" {
		ids = append(ids, "KEV@"+kevVersion)
	}
	if epssDate != "" {
		ids = append(ids, "EPSS@"+epssDate)
	}
	h := sha256.Sum256([]byte(strings.Join(ids, "\n")))
	return "sha256:" + hex.EncodeToString(h[:])
}
