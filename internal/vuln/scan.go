package vuln

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Match is one vulnerability affecting one package.
type Match struct {
	Ref       string   `json:"ref"`
	Package   string   `json:"package"`
	Version   string   `json:"version"`
	Ecosystem string   `json:"ecosystem"`
	ID        string   `json:"id"`
	Aliases   []string `json:"aliases"`
	Summary   string   `json:"summary,omitempty"`
	Severity  string   `json:"severity,omitempty"`
	CVSS      []string `json:"cvss,omitempty"`
	Fixed     []string `json:"fixed"`
	// Method says how the match was made; Confidence how sure it is.
	Method     string `json:"method"`
	Confidence string `json:"confidence"`
}

// Coverage says, for one package, whether it was checked and why not.
type Coverage struct {
	Ref     string `json:"ref"`
	Package string `json:"package"`
	Version string `json:"version,omitempty"`
	Checked bool   `json:"checked"`
	Reason  string `json:"reason,omitempty"`
}

// Scan matches packages against the database. Every package gets a
// coverage entry; one that could not be checked says why, so that no match
// is never mistaken for no vulnerability.
func (db *DB) Scan(ctx context.Context, pkgs []Package) ([]Match, []Coverage, error) {
	st, err := db.Status()
	if err != nil {
		return nil, nil, err
	}
	lookup, err := db.sql.PrepareContext(ctx, `SELECT r.data FROM affected a JOIN records r ON r.id = a.id WHERE a.ecosystem = ? AND a.name = ?`)
	if err != nil {
		return nil, nil, err
	}
	defer lookup.Close()
	cache := map[string][]*Record{}
	var matches []Match
	cov := make([]Coverage, 0, len(pkgs))
	for _, p := range pkgs {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		c := Coverage{Ref: p.Ref, Package: p.Name, Version: p.Version}
		if p.PURL == "" {
			c.Reason = "no package URL (CPE matching is not available yet)"
			cov = append(cov, c)
			continue
		}
		t, ok, err := TargetOf(p.PURL)
		switch {
		case err != nil:
			c.Reason = "package URL does not parse: " + err.Error()
		case !ok:
			c.Reason = fmt.Sprintf("package URL type %q has no OSV ecosystem", t.Ecosystem)
		case st.Ecosystems[t.Ecosystem] == 0:
			c.Reason = fmt.Sprintf("no advisory source for ecosystem %s in the database", t.Ecosystem)
		}
		if c.Reason != "" {
			cov = append(cov, c)
			continue
		}
		version := p.Version
		if version == "" {
			version = t.Version
		}
		if version == "" {
			c.Reason = "no version"
			cov = append(cov, c)
			continue
		}
		key := t.Ecosystem + "\x00" + t.Name
		recs, ok := cache[key]
		if !ok {
			recs, err = db.records(ctx, lookup, t.Ecosystem, t.Name)
			if err != nil {
				return nil, nil, err
			}
			cache[key] = recs
		}
		found, reason := matchRecords(recs, t, p, version)
		c.Checked, c.Reason = reason == "", reason
		cov = append(cov, c)
		matches = append(matches, mergeAliases(found)...)
	}
	sort.SliceStable(matches, func(i, j int) bool {
		if matches[i].Ref != matches[j].Ref {
			return matches[i].Ref < matches[j].Ref
		}
		return matches[i].ID < matches[j].ID
	})
	return matches, cov, nil
}

func (db *DB) records(ctx context.Context, stmt *sql.Stmt, eco, name string) ([]*Record, error) {
	rows, err := stmt.QueryContext(ctx, eco, name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Record
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		var r Record
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, err
		}
		out = append(out, &r)
	}
	return out, rows.Err()
}

// matchRecords checks one package version against the records indexed
// under its name. reason is set when no record could be evaluated.
func matchRecords(recs []*Record, t Target, p Package, version string) (found []Match, reason string) {
	evaluated := 0
	var lastErr error
	for _, r := range recs {
		if r.Withdrawn != "" {
			continue
		}
		for i := range r.Affected {
			a := &r.Affected[i]
			eco, _, _ := strings.Cut(a.Package.Ecosystem, ":")
			if eco != t.Ecosystem || Normalize(eco, a.Package.Name) != t.Name {
				continue
			}
			hit, method, err := a.Affects(a.Package.Ecosystem, version)
			if err != nil {
				lastErr = err
				continue
			}
			evaluated++
			if !hit {
				continue
			}
			m := Match{Ref: p.Ref, Package: p.Name, Version: version, Ecosystem: a.Package.Ecosystem, ID: r.ID,
				Aliases: append([]string{}, r.Aliases...), Summary: r.Summary, Severity: r.SeverityWord(),
				Fixed: a.Fixed(), Method: method, Confidence: "high"}
			if m.Fixed == nil {
				m.Fixed = []string{}
			}
			for _, sv := range r.Severity {
				m.CVSS = append(m.CVSS, sv.Score)
			}
			found = append(found, m)
			break
		}
	}
	if evaluated == 0 && lastErr != nil {
		return nil, fmt.Sprintf("version %q does not parse for %s: %v", version, t.Ecosystem, lastErr)
	}
	return found, ""
}

// mergeAliases reports a vulnerability once per package when several
// records describe it (GHSA, PYSEC, GO, OSV and CVE IDs aliasing each
// other). The kept match takes the union of IDs as aliases.
func mergeAliases(ms []Match) []Match {
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		if parent[x] == "" || parent[x] == x {
			parent[x] = x
			return x
		}
		parent[x] = find(parent[x])
		return parent[x]
	}
	union := func(a, b string) { parent[find(a)] = find(b) }
	for _, m := range ms {
		for _, al := range m.Aliases {
			union(m.ID, al)
		}
	}
	groups := map[string][]Match{}
	var order []string
	for _, m := range ms {
		root := find(m.ID)
		if _, ok := groups[root]; !ok {
			order = append(order, root)
		}
		groups[root] = append(groups[root], m)
	}
	var out []Match
	for _, root := range order {
		g := groups[root]
		sort.Slice(g, func(i, j int) bool {
			return idRank(g[i].ID) < idRank(g[j].ID) || (idRank(g[i].ID) == idRank(g[j].ID) && g[i].ID < g[j].ID)
		})
		keep := g[0]
		ids := map[string]bool{}
		for _, m := range g {
			ids[m.ID] = true
			for _, a := range m.Aliases {
				ids[a] = true
			}
			if keep.Severity == "" {
				keep.Severity = m.Severity
			}
		}
		delete(ids, keep.ID)
		keep.Aliases = keep.Aliases[:0]
		for id := range ids {
			keep.Aliases = append(keep.Aliases, id)
		}
		sort.Strings(keep.Aliases)
		out = append(out, keep)
	}
	return out
}

// idRank prefers ecosystem advisories (which carry fixed versions) over
// CVE IDs as the reported ID.
func idRank(id string) int {
	switch {
	case strings.HasPrefix(id, "GHSA-"):
		return 0
	case strings.HasPrefix(id, "CVE-"):
		return 3
	}
	return 1
}
