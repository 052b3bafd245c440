package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/mdcheck/mdcheck/internal/severity"
	"github.com/mdcheck/mdcheck/internal/vuln"
	"github.com/package-url/packageurl-go"
)

// Scan matches packages against the database. Every package gets a
// coverage entry; one that could not be checked says why, so that no match
// is never mistaken for no vulnerability.
func (db *DB) Scan(ctx context.Context, pkgs []vuln.Package) ([]vuln.Match, []vuln.Coverage, error) {
	return db.ScanProgress(ctx, pkgs, nil)
}

// ScanProgress is Scan that calls progress, when not nil, after each
// package with the number done and the total.
func (db *DB) ScanProgress(ctx context.Context, pkgs []vuln.Package, progress func(done, total int)) ([]vuln.Match, []vuln.Coverage, error) {
	return db.ScanEach(ctx, len(pkgs), func(i int) vuln.Package { return pkgs[i] }, progress)
}

// ScanEach is ScanProgress over n packages that pkg makes on demand, so
// that a large SBOM's components need not be copied into packages first.
func (db *DB) ScanEach(ctx context.Context, n int, pkg func(i int) vuln.Package, progress func(done, total int)) ([]vuln.Match, []vuln.Coverage, error) {
	st, err := db.Status()
	if err != nil {
		return nil, nil, err
	}
	lookup, err := db.sql.PrepareContext(ctx, `SELECT r.data FROM affected a JOIN records r ON r.id = a.id WHERE a.ecosystem = ? AND a.name = ?`)
	if err != nil {
		return nil, nil, err
	}
	defer lookup.Close()
	// Packages are checked grouped by package URL, so that the records of
	// one name are read, decoded and compiled once and then let go: the
	// cache holds one name's records however large the SBOM.
	order := make([]int, n)
	keys := make([]string, n)
	for i := range order {
		order[i], keys[i] = i, pkg(i).PURL
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(keys[a], keys[b]) })
	keys = nil
	cache := &recordCache{recs: map[string][]*vuln.Record{}, compiled: map[*vuln.Affected]*vuln.Compiled{}, versions: vuln.NewVersions()}
	names := map[string]map[string]bool{}
	cpeCache := &cpeCache{rows: map[[2]string][]cpeRow{}, recs: map[string]*vuln.Record{}}
	byPkg := make([][]vuln.Match, n)
	cov := make([]vuln.Coverage, n)
	for done, i := range order {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		p := pkg(i)
		c := vuln.Coverage{Ref: p.Ref, Package: p.Name, Version: p.Version}
		found, purlReason, err := db.scanPURL(ctx, lookup, cache, names, st, p)
		if err != nil {
			return nil, nil, err
		}
		if purlReason == "" {
			c.Methods = append(c.Methods, "purl")
		}
		cpeFound, method, cpeReason, err := db.scanCPE(ctx, cpeCache, st, p, purlReason == "")
		if err != nil {
			return nil, nil, err
		}
		if cpeReason == "" && method != "" {
			c.Methods = append(c.Methods, method)
		}
		found = append(found, cpeFound...)
		c.Status, c.Reason = coverage(purlReason, method, cpeReason, len(found) > 0)
		if method == "cpe" && c.Status != vuln.Checked {
			if ok, err := db.knowsVendor(ctx, p.CPEs); err != nil {
				return nil, nil, err
			} else if ok {
				c.Status, c.Reason = vuln.Checked, ""
			} else {
				c.Status, c.Reason = vuln.NoData, "no CVE record in the database names its CPE vendor"
			}
		}
		c.Checked = c.Status == vuln.Checked
		cov[i] = c
		byPkg[i] = mergeAliases(found)
		if progress != nil {
			progress(done+1, n)
		}
	}
	total := 0
	for _, ms := range byPkg {
		total += len(ms)
	}
	matches := make([]vuln.Match, 0, total)
	for i, ms := range byPkg {
		matches = append(matches, ms...)
		byPkg[i] = nil
	}
	if st.KEV > 0 || st.EPSS > 0 {
		if err := db.annotate(ctx, matches); err != nil {
			return nil, nil, err
		}
	}
	sort.SliceStable(matches, func(i, j int) bool {
		if matches[i].Ref != matches[j].Ref {
			return matches[i].Ref < matches[j].Ref
		}
		return matches[i].ID < matches[j].ID
	})
	return matches, cov, nil
}

// coverage says what the lookups tell of a package: checked by its
// package URL (the database has its ecosystem), or found by any method;
// otherwise no data where a lookup lacked data, else not checkable. A CPE
// lookup that found nothing is decided by the caller, by the vendor.
func coverage(purlReason, method, cpeReason string, found bool) (vuln.CoverageStatus, string) {
	switch {
	case purlReason == "" || found:
		return vuln.Checked, ""
	case method == "cpe" && cpeReason == "":
		return "", "" // by the CPE vendor
	}
	reason := purlReason
	if cpeReason != "" && cpeReason != purlReason {
		reason += "; " + cpeReason
	}
	if method == "name" || cpeReason == "" {
		reason += "; looked up by name only, which finds too little to call it clean"
	}
	if noData(purlReason) || noData(cpeReason) {
		return vuln.NoData, reason
	}
	return vuln.NotCheckable, reason
}

// noData tells a lookup that lacked data from one that lacked an
// identifier.
func noData(reason string) bool {
	return strings.HasPrefix(reason, "no advisory source for ecosystem") || strings.HasPrefix(reason, "no CVE records with CPE applicability")
}

// knowsVendor reports whether a CVE record in the database names the
// vendor of one of the CPEs: a CPE lookup that found nothing says the
// package is clean only then. The vendors are read once per open
// database, which never changes while it is open.
func (db *DB) knowsVendor(ctx context.Context, cpes []string) (bool, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.vendors == nil {
		vendors := map[string]bool{}
		rows, err := db.sql.QueryContext(ctx, `SELECT DISTINCT vendor FROM cpe`)
		if err != nil {
			return false, err
		}
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return false, err
			}
			vendors[v] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return false, err
		}
		db.vendors = vendors
	}
	for _, s := range cpes {
		if cp, err := vuln.ParseCPE(s); err == nil && db.vendors[cp[vuln.CPEVendor]] {
			return true, nil
		}
	}
	return false, nil
}

func (db *DB) records(ctx context.Context, stmt *sql.Stmt, eco, name string) ([]*vuln.Record, error) {
	rows, err := stmt.QueryContext(ctx, eco, name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*vuln.Record
	for rows.Next() {
		// The driver's bytes, decoded before the next row: no copy.
		var data sql.RawBytes
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		var r vuln.Record
		if err := jsonv2.Unmarshal(data, &r); err != nil {
			return nil, err
		}
		out = append(out, &r)
	}
	return out, rows.Err()
}

// matchRecords checks one package version against the records indexed
// under its name. reason is set when no record could be evaluated.
func matchRecords(recs []*vuln.Record, cache *recordCache, t vuln.Target, p vuln.Package, version string) (found []vuln.Match, reason string) {
	// The package's version is parsed once for all records, each record's
	// ranges once for the scan.
	ver := cache.versions.Version(version)
	evaluated := 0
	var lastErr error
	for _, r := range recs {
		if r.Withdrawn != "" {
			continue
		}
		for i := range r.Affected {
			a := &r.Affected[i]
			eco, _, _ := strings.Cut(a.Package.Ecosystem, ":")
			if eco != t.Ecosystem || vuln.Normalize(eco, a.Package.Name) != t.Name {
				continue
			}
			c, ok := cache.compiled[a]
			if !ok {
				c = cache.versions.Compile(a, a.Package.Ecosystem)
				cache.compiled[a] = c
			}
			hit, method, err := c.Affects(ver)
			if err != nil {
				lastErr = err
				continue
			}
			evaluated++
			if !hit {
				continue
			}
			m := vuln.Match{Ref: p.Ref, Package: p.Name, Version: version, Ecosystem: a.Package.Ecosystem, ID: r.ID,
				Aliases: append([]string{}, r.Aliases...), Summary: r.Summary, Severity: r.Rating(),
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
func mergeAliases(ms []vuln.Match) []vuln.Match {
	switch len(ms) {
	case 0:
		return nil
	case 1:
		// One match: its aliases sorted, once each, without its own ID.
		m := ms[0]
		if m.Aliases != nil {
			m.Aliases = slices.DeleteFunc(slices.Compact(slices.Sorted(slices.Values(m.Aliases))), func(a string) bool { return a == m.ID })
			if m.Aliases == nil {
				m.Aliases = []string{}
			}
		}
		return []vuln.Match{m}
	}
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
	groups := map[string][]vuln.Match{}
	var order []string
	for _, m := range ms {
		root := find(m.ID)
		if _, ok := groups[root]; !ok {
			order = append(order, root)
		}
		groups[root] = append(groups[root], m)
	}
	var out []vuln.Match
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
			if keep.Severity == severity.None {
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

// scanPURL matches a package by its package URL against OSV records.
// reason says why it could not be checked.
// recordCache holds the records of the package name last looked up, and
// their compiled ranges.
type recordCache struct {
	versions *vuln.Versions
	recs     map[string][]*vuln.Record
	compiled map[*vuln.Affected]*vuln.Compiled
}

// records returns the records of one ecosystem and name, from the
// database when the name is not the one last looked up.
func (c *recordCache) records(ctx context.Context, db *DB, lookup *sql.Stmt, eco, name string) ([]*vuln.Record, error) {
	key := eco + "\x00" + name
	if recs, ok := c.recs[key]; ok {
		return recs, nil
	}
	clear(c.recs)
	clear(c.compiled)
	recs, err := db.records(ctx, lookup, eco, name)
	if err != nil {
		return nil, err
	}
	c.recs[key] = recs
	return recs, nil
}

func (db *DB) scanPURL(ctx context.Context, lookup *sql.Stmt, cache *recordCache, names map[string]map[string]bool, st Status, p vuln.Package) ([]vuln.Match, string, error) {
	if p.PURL == "" {
		return nil, "no package URL", nil
	}
	t, ok, err := vuln.TargetOf(p.PURL)
	switch {
	case err != nil:
		return nil, "package URL does not parse: " + err.Error(), nil
	case !ok:
		return nil, fmt.Sprintf("package URL type %q has no OSV ecosystem", t.Ecosystem), nil
	case st.Ecosystems[t.Ecosystem] == 0:
		return nil, fmt.Sprintf("no advisory source for ecosystem %s in the database", t.Ecosystem), nil
	}
	version := p.Version
	if version == "" {
		version = t.Version
	}
	if version == "" {
		return nil, "no version", nil
	}
	// One query lists the names an ecosystem has records for; most
	// packages have none and need no further query.
	known, ok := names[t.Ecosystem]
	if !ok {
		known, err = db.names(ctx, t.Ecosystem)
		if err != nil {
			return nil, "", err
		}
		names[t.Ecosystem] = known
	}
	if !known[t.Name] {
		return nil, "", nil
	}
	recs, err := cache.records(ctx, db, lookup, t.Ecosystem, t.Name)
	if err != nil {
		return nil, "", err
	}
	found, reason := matchRecords(recs, cache, t, p, version)
	return found, reason, nil
}

// names returns the package names an ecosystem has records for.
func (db *DB) names(ctx context.Context, ecosystem string) (map[string]bool, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT DISTINCT name FROM affected WHERE ecosystem = ?`, ecosystem)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out[n] = true
	}
	return out, rows.Err()
}

type cpeRow struct {
	app vuln.Applicability
	rec *vuln.Record
}

// cpeCache holds, within one scan, the applicability rows read per
// vendor:product and the records they belong to, decoded once each: a
// record names many products, and products share records.
type cpeCache struct {
	rows map[[2]string][]cpeRow
	recs map[string]*vuln.Record
}

// scanCPE matches a package by its CPEs against the CVE records'
// applicability or, when it has neither a CPE nor a purl that was checked,
// by its name. It returns the method used ("cpe" or "name") or why it
// could not check.
func (db *DB) scanCPE(ctx context.Context, cache *cpeCache, st Status, p vuln.Package, purlChecked bool) ([]vuln.Match, string, string, error) {
	if st.Ecosystems[cpeSource] == 0 {
		if len(p.CPEs) > 0 {
			return nil, "", "no CVE records with CPE applicability in the database", nil
		}
		return nil, "", "no CPE", nil
	}
	var found []vuln.Match
	method := ""
	tried := map[string]bool{}
	if len(p.CPEs) > 0 {
		evaluated := false
		for _, s := range p.CPEs {
			cp, err := vuln.ParseCPE(s)
			if err != nil {
				continue
			}
			version := cp[vuln.CPEVersion]
			if version == "*" && p.Version != "" {
				version = p.Version
			}
			rows, err := db.cpeRows(ctx, cache, cp[vuln.CPEVendor], cp[vuln.CPEProduct])
			if err != nil {
				return nil, "", "", err
			}
			evaluated = true
			tried[cp[vuln.CPEVendor]+":"+cp[vuln.CPEProduct]] = true
			for _, row := range rows {
				ok, samePart := row.app.MatchesCPE(cp)
				if !ok {
					continue
				}
				method := vuln.MethodCPE
				if row.app.CPE == nil {
					method = vuln.MethodCPEName
				}
				if m, ok := cpeMatch(row, p, version, method); ok {
					if row.app.Platform {
						m.Confidence = vuln.ConfidenceMedium
						m.Note = strings.TrimPrefix(m.Note+"; ", "; ") + "the record names it vulnerable only on certain platforms, which were not checked"
					}
					if !samePart {
						m.Confidence = vuln.ConfidenceMedium
						m.Note = strings.TrimPrefix(m.Note+"; ", "; ") + fmt.Sprintf("the record's CPE part is %q, the component's %q", row.app.CPE[vuln.CPEPart], cp[vuln.CPEPart])
					}
					found = append(found, m)
				}
			}
		}
		if !evaluated {
			return nil, "", "no CPE parses", nil
		}
		method = "cpe"
	}
	// A distribution's binary package (Debian's zlib1g, libssl1.1) names
	// its source package in the purl's upstream qualifier; CVE records name
	// that upstream product. A match by it is by name: low confidence.
	if up, version := sourcePackage(p); up != "" {
		rows, err := db.cpeRows(ctx, cache, "", up)
		if err != nil {
			return nil, "", "", err
		}
		for _, row := range rows {
			if tried[row.app.Vendor+":"+row.app.Product] {
				continue
			}
			if m, ok := cpeMatch(row, p, version, vuln.MethodName); ok {
				m.Note = strings.Replace(m.Note, "matched by name to", "matched by the distribution's source package name to", 1)
				found = append(found, m)
			}
		}
		if method == "" {
			method = "name"
		}
	}
	if method != "" {
		return dedupe(found), method, "", nil
	}
	if purlChecked {
		return nil, "", "", nil
	}
	product := vuln.NameKey(p.Name)
	if product == "" || p.Version == "" {
		return nil, "", "no CPE", nil
	}
	rows, err := db.cpeRows(ctx, cache, "", product)
	if err != nil {
		return nil, "", "", err
	}
	supplier := vuln.NameKey(p.Supplier)
	for _, row := range rows {
		// A name alone is weak: where the SBOM names a supplier, the
		// record's vendor must appear in it (or it in the vendor).
		if supplier != "" && row.app.Vendor != "" && !strings.Contains(supplier, row.app.Vendor) && !strings.Contains(row.app.Vendor, supplier) {
			continue
		}
		if m, ok := cpeMatch(row, p, p.Version, vuln.MethodName); ok {
			found = append(found, m)
		}
	}
	return dedupe(found), "name", "", nil
}

// sourcePackage returns the source package name a distribution package's
// purl gives in its upstream qualifier (upstream=zlib, or zlib@1.2.11),
// normalised as a CPE product, with the version to compare.
func sourcePackage(p vuln.Package) (name, version string) {
	if p.PURL == "" {
		return "", ""
	}
	u, err := packageurl.FromString(p.PURL)
	if err != nil {
		return "", ""
	}
	switch u.Type {
	case "deb", "rpm", "apk", "alpm":
	default:
		return "", ""
	}
	up := u.Qualifiers.Map()["upstream"]
	up, _, _ = strings.Cut(up, "@")
	version = p.Version
	if version == "" {
		version = u.Version
	}
	if up == "" || version == "" || strings.EqualFold(up, u.Name) && len(p.CPEs) > 0 {
		return "", ""
	}
	return vuln.NameKey(up), version
}

// cpeMatch evaluates one applicability row for a version, trying the
// upstream version when the version carries a distribution's additions.
func cpeMatch(row cpeRow, p vuln.Package, version, method string) (vuln.Match, bool) {
	if row.rec.Withdrawn != "" {
		return vuln.Match{}, false
	}
	conf := vuln.ConfidenceHigh
	switch method {
	case vuln.MethodCPEName:
		conf = vuln.ConfidenceMedium
	case vuln.MethodName:
		conf = vuln.ConfidenceLow
	}
	note := ""
	if up := vuln.UpstreamVersion(version); up != version {
		// CVE records name upstream releases; a distribution's package
		// version is compared by its upstream part, and the distribution
		// may have backported the fix.
		note = fmt.Sprintf("upstream version %s of %s; the distribution may have backported a fix", up, version)
		version = up
		if conf == vuln.ConfidenceHigh {
			conf = vuln.ConfidenceMedium
		}
	}
	status := row.app.Status(version)
	if status != "affected" {
		return vuln.Match{}, false
	}
	if method == vuln.MethodName {
		note = strings.TrimPrefix(note+"; ", "; ") + fmt.Sprintf("matched by name to %s:%s", row.app.Vendor, row.app.Product)
	}
	shown := p.Version
	if shown == "" {
		shown = version
	}
	m := vuln.Match{Ref: p.Ref, Package: p.Name, Version: shown, Ecosystem: cpeSource, ID: row.rec.ID,
		Aliases: append([]string{}, row.rec.Aliases...), Summary: row.rec.Summary, Severity: row.rec.Rating(),
		Fixed: []string{}, Method: method, Confidence: conf, Note: note}
	for _, sv := range row.rec.Severity {
		m.CVSS = append(m.CVSS, sv.Score)
	}
	for _, r := range row.app.Ranges {
		if r.Status == "affected" && r.LessThan != "" && r.LessThan != "*" && !slices.Contains(m.Fixed, r.LessThan) {
			m.Fixed = append(m.Fixed, r.LessThan)
		}
	}
	return m, true
}

// dedupe keeps one match per vulnerability: the most confident.
func dedupe(ms []vuln.Match) []vuln.Match {
	best := map[string]int{}
	var out []vuln.Match
	for _, m := range ms {
		if i, ok := best[m.ID]; ok {
			if a, b := m.Confidence.Rank(), out[i].Confidence.Rank(); a > b || a == b && m.Method == vuln.MethodCPE && out[i].Method != vuln.MethodCPE {
				out[i] = m
			}
			continue
		}
		best[m.ID] = len(out)
		out = append(out, m)
	}
	return out
}

// cpeRows loads the applicability rows for vendor:product (any vendor when
// vendor is "") with their records.
func (db *DB) cpeRows(ctx context.Context, cache *cpeCache, vendor, product string) ([]cpeRow, error) {
	key := [2]string{vendor, product}
	if rows, ok := cache.rows[key]; ok {
		return rows, nil
	}
	q := `SELECT c.id, c.data FROM cpe c WHERE c.product = ? AND c.vendor = ?`
	args := []any{product, vendor}
	if vendor == "" {
		q, args = `SELECT c.id, c.data FROM cpe c WHERE c.product = ?`, []any{product}
	}
	rs, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	var out []cpeRow
	var ids []string
	for rs.Next() {
		var id string
		var ad []byte
		if err := rs.Scan(&id, &ad); err != nil {
			rs.Close()
			return nil, err
		}
		var row cpeRow
		if err := json.Unmarshal(ad, &row.app); err != nil {
			rs.Close()
			return nil, err
		}
		out = append(out, row)
		ids = append(ids, id)
	}
	if err := rs.Err(); err != nil {
		rs.Close()
		return nil, err
	}
	rs.Close()
	for i, id := range ids {
		rec, ok := cache.recs[id]
		if !ok {
			var data []byte
			if err := db.sql.QueryRowContext(ctx, `SELECT data FROM records WHERE id = ?`, id).Scan(&data); err != nil {
				return nil, fmt.Errorf("record %s of a CPE row: %w", id, err)
			}
			rec = &vuln.Record{}
			if err := json.Unmarshal(data, rec); err != nil {
				return nil, err
			}
			cache.recs[id] = rec
		}
		out[i].rec = rec
	}
	cache.rows[key] = out
	return out, nil
}

// annotate attaches KEV entries and EPSS scores to matches by their CVE
// IDs and aliases.
func (db *DB) annotate(ctx context.Context, ms []vuln.Match) error {
	kev, err := db.sql.PrepareContext(ctx, `SELECT data FROM kev WHERE cve = ?`)
	if err != nil {
		return err
	}
	defer kev.Close()
	epss, err := db.sql.PrepareContext(ctx, `SELECT score, percentile FROM epss WHERE cve = ?`)
	if err != nil {
		return err
	}
	defer epss.Close()
	for i := range ms {
		m := &ms[i]
		for _, id := range append([]string{m.ID}, m.Aliases...) {
			if !strings.HasPrefix(id, "CVE-") {
				continue
			}
			if m.KEV == nil {
				var data []byte
				switch err := kev.QueryRowContext(ctx, id).Scan(&data); {
				case err == nil:
					m.KEV = &vuln.KEV{}
					if err := json.Unmarshal(data, m.KEV); err != nil {
						return err
					}
				case !errors.Is(err, sql.ErrNoRows):
					return err
				}
			}
			e := vuln.EPSS{CVE: id}
			switch err := epss.QueryRowContext(ctx, id).Scan(&e.Score, &e.Percentile); {
			case err == nil:
				if m.EPSS == nil || e.Score > m.EPSS.Score {
					m.EPSS = &e
				}
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
		}
	}
	return nil
}

// ScanOverlay is Scan against the database and an overlay of records of
// the caller's own (an organisation's imported advisories): the overlay's
// matches join the database's, one per vulnerability and package, and
// take the database's KEV and EPSS data. The coverage is the database's:
// an overlay of a few records says nothing of what the others lack.
func (db *DB) ScanOverlay(ctx context.Context, pkgs []vuln.Package, overlay *DB) ([]vuln.Match, []vuln.Coverage, error) {
	ms, cov, err := db.Scan(ctx, pkgs)
	if err != nil || overlay == nil {
		return ms, cov, err
	}
	extra, _, err := overlay.Scan(ctx, pkgs)
	if err != nil || len(extra) == 0 {
		return ms, cov, err
	}
	st, err := db.Status()
	if err != nil {
		return nil, nil, err
	}
	if st.KEV > 0 || st.EPSS > 0 {
		if err := db.annotate(ctx, extra); err != nil {
			return nil, nil, err
		}
	}
	return Merge(ms, extra), cov, nil
}

// Merge joins two sets of matches into one per vulnerability and package
// (by ID or alias), sorted by package reference and ID.
func Merge(a, b []vuln.Match) []vuln.Match {
	byRef := map[string][]vuln.Match{}
	var refs []string
	for _, m := range slices.Concat(a, b) {
		if _, ok := byRef[m.Ref]; !ok {
			refs = append(refs, m.Ref)
		}
		byRef[m.Ref] = append(byRef[m.Ref], m)
	}
	sort.Strings(refs)
	var out []vuln.Match
	for _, r := range refs {
		ms := mergeAliases(dedupe(byRef[r]))
		sort.SliceStable(ms, func(i, j int) bool { return ms[i].ID < ms[j].ID })
		out = append(out, ms...)
	}
	return out
}
