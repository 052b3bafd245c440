package store

import (
	"context"

	"github.com/mdcheck/mdcheck/internal/vuln"
)

// Keys are what a scan looks a package up by: "p:ECOSYSTEM|NAME" by its
// package URL, "c:PRODUCT" by the product of each of its CPEs, by its
// distribution's source package and by its name. A record can match the
// package only if one of the record's keys (DB.Keys) is among them, so
// an index of packages by these keys finds every package a new record
// may match, and a few more.
func Keys(p vuln.Package) []string {
	seen := map[string]bool{}
	var out []string
	add := func(k string) {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	if p.PURL != "" {
		if t, ok, err := vuln.TargetOf(p.PURL); err == nil && ok {
			add("p:" + t.Ecosystem + "|" + t.Name)
		}
	}
	for _, s := range p.CPEs {
		if cp, err := vuln.ParseCPE(s); err == nil {
			add("c:" + cp[vuln.CPEProduct])
		}
	}
	if up, _ := sourcePackage(p); up != "" {
		add("c:" + up)
	}
	if n := vuln.NameKey(p.Name); n != "" {
		add("c:" + n)
	}
	return out
}

// Keys lists every key (as Keys makes them) the database's records can
// be found by.
func (db *DB) Keys(ctx context.Context) (map[string]bool, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT DISTINCT 'p:' || ecosystem || '|' || name FROM affected UNION SELECT DISTINCT 'c:' || product FROM cpe`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out[k] = true
	}
	return out, rows.Err()
}
