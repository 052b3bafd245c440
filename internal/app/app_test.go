package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/mds2/hn2019"
	"github.com/mdcheck/mdcheck/internal/severity"
	"github.com/mdcheck/mdcheck/internal/vuln/store"
)

// The use cases are called here as the command line and the server call
// them, without either.

const (
	pacemaker = "../../examples/pacemaker-system/device.yaml"
	vexFile   = "../../examples/pacemaker-system/vex/home-monitor.openvex.json"
	formFile  = "../mds2/testdata/synthetic-openpyxl-full.xlsx"
)

var day = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)

// newApp is a core whose database holds the curated OSV records, the KEV
// subset and the ICSMA advisory of the test data.
func newApp(t *testing.T) *App {
	t.Helper()
	path := filepath.Join(t.TempDir(), "vuln.db")
	a := New(Config{DB: path, Build: BuildInfo{Version: "test", Commit: "abc123", Date: "2026-12-01T00:00:00Z"}})
	t.Cleanup(func() { a.Close() })
	if _, err := a.DBImport(context.Background(), ImportOptions{Paths: []string{"../vuln/testdata/osv", "../vuln/testdata/cve5", "../vuln/testdata/kev/kev-subset.json", "../vuln/testdata/csaf/icsma-20-049-01.json"}}); err != nil {
		t.Fatal(err)
	}
	return a
}

// messages collects what a use case tells.
type messages struct {
	mu   sync.Mutex
	msgs []Message
	prog int
}

func (m *messages) events() Events {
	return Events{
		Message:  func(x Message) { m.mu.Lock(); m.msgs = append(m.msgs, x); m.mu.Unlock() },
		Progress: func(Progress) { m.mu.Lock(); m.prog++; m.mu.Unlock() },
	}
}

func (m *messages) has(level Level, part string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, x := range m.msgs {
		if x.Level == level && strings.Contains(x.Text, part) {
			return true
		}
	}
	return false
}

func TestCheckUseCase(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	var ev messages
	zero := time.Duration(0)
	res, err := a.Check(ctx, CheckOptions{Model: pacemaker, Date: day, VEX: []string{vexFile}, Freshness: Freshness{MaxAge: &zero}, Events: ev.events()})
	if err != nil {
		t.Fatal(err)
	}
	r := res.Report
	if r.Tool.Version != "test" || r.Date != "2026-11-29" || len(r.Findings) == 0 || r.Summary.Readiness <= 0 {
		t.Fatalf("report: version %q, date %s, %d findings, readiness %v", r.Tool.Version, r.Date, len(r.Findings), r.Summary.Readiness)
	}
	if r.Tool.Commit != "abc123" || r.Tool.BuildDate == "" || r.Tool.Catalog != catalog.Version || r.Tool.Database == nil || !strings.HasPrefix(r.Tool.Database.Hash, "sha256:") || len(r.Tool.Database.Hash) != 71 || r.Tool.Database.Newest == "" {
		t.Errorf("report stamp = %+v (database %+v), want the build, the catalog version and the database's content hash", r.Tool, r.Tool.Database)
	}
	// The example disposes CVE-2022-2097, which its VEX document also
	// says does not affect it: the disposition sets the finding aside, and
	// the VEX statement is cited beside it.
	suppressed, cited := 0, false
	for _, f := range r.Findings {
		if f.Suppression != nil && f.Suppression.By == catalog.ByDisposition {
			suppressed++
		}
		if f.Subject == "home-monitor/CVE-2022-2097" {
			cited = slices.ContainsFunc(f.Evidence, func(e evidence.Evidence) bool { return e.Source.Kind == "vex" }) && f.Suppressed()
		}
	}
	if suppressed == 0 || !cited {
		t.Errorf("%d findings set aside by dispositions; CVE-2022-2097 set aside with its VEX statement cited: %v", suppressed, cited)
	}
	if !res.Fails(severity.Medium) || res.Fails(0) {
		t.Error("Fails: the pacemaker has open medium failures, and no threshold never fails")
	}
	// No database: known vulnerabilities are not assessed, never passed.
	res, err = a.Check(ctx, CheckOptions{Model: pacemaker, Date: day, NoVulns: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Report.Findings {
		if f.Rule == "vuln/known-vulnerabilities" && f.Status == catalog.Pass {
			t.Errorf("%s passes without a database", f.ID)
		}
	}
	// The MDS2 form alone.
	ev = messages{}
	res, err = a.Check(ctx, CheckOptions{MDS2: formFile, Profile: ProfileHospital, Date: day, NoVulns: true, Events: ev.events()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Report.Profile != "hospital" || !ev.has(Note, "assessing from the MDS2 form alone") {
		t.Errorf("form alone: profile %q, messages %+v", res.Report.Profile, ev.msgs)
	}
	if _, err := a.Check(ctx, CheckOptions{}); !IsInput(err) {
		t.Errorf("no model and no form: %v, want an input error", err)
	}
	if _, err := a.Check(ctx, CheckOptions{Model: "missing.yaml", NoVulns: true}); !IsInput(err) {
		t.Errorf("a missing model: %v, want an input error", err)
	}
}

func TestModelUseCases(t *testing.T) {
	a := New(Config{Build: BuildInfo{Version: "test"}})
	ctx := context.Background()
	cl, err := a.Classify(ctx, pacemaker)
	if err != nil || !cl.Decided || cl.Label == "" {
		t.Fatalf("Classify = %+v, %v", cl, err)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("apiVersion: mdcheck.dev/v1\nkind: Device\nidentity: {manufacturer: A, product: B}\ncomponents: [{id: a, nme: a}]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	vs, err := a.Validate(ctx, []string{pacemaker, bad})
	if err != nil || len(vs) != 2 || vs[0].Err != nil || vs[0].Device == nil || vs[1].Err == nil || len(vs[1].Problems) == 0 || !strings.Contains(vs[1].Problems[0], "bad.yaml:4:") {
		t.Fatalf("Validate = %+v, %v", vs, err)
	}
	rs, err := a.ReadSBOMs(ctx, []string{"../../examples/pacemaker-system/sbom/portal-frontend.cdx.json"})
	if err != nil || len(rs) != 1 || len(rs[0].Components) == 0 || len(rs[0].Ledger) != len(rs[0].Components) {
		t.Fatalf("ReadSBOMs = %+v, %v", rs, err)
	}
	list := a.ListCatalog()
	if list.Version == "" || len(list.Requirements) < 50 {
		t.Fatalf("ListCatalog: version %q, %d requirements", list.Version, len(list.Requirements))
	}
	if e, err := a.ShowCatalog("MDR.AI.17.2"); err != nil || e.Requirement == nil || len(e.Requirement.Rules) == 0 {
		t.Errorf("ShowCatalog(requirement) = %+v, %v", e, err)
	}
	if e, err := a.ShowCatalog("vuln/known-vulnerabilities"); err != nil || e.Rule == nil {
		t.Errorf("ShowCatalog(rule) = %+v, %v", e, err)
	}
	if _, err := a.ShowCatalog("no/such"); !errors.Is(err, ErrNotInCatalog) {
		t.Errorf("ShowCatalog(unknown) = %v", err)
	}
	for _, name := range []string{"device", "dispositions"} {
		if s, ok := ModelSchema(name); !ok || len(s) == 0 {
			t.Errorf("no %s schema", name)
		}
	}
	if _, ok := ModelSchema("check"); ok {
		t.Error("ModelSchema(check): an output's schema is render's, not the model's")
	}
}

func TestMDS2UseCases(t *testing.T) {
	a := New(Config{Build: BuildInfo{Version: "test"}})
	ctx := context.Background()
	var ev messages
	form, err := a.MDS2Import(ctx, formFile, ev.events())
	if err != nil || len(form.Items) != len(hn2019.Questions) {
		t.Fatalf("MDS2Import: %d items, %v", len(form.Items), err)
	}
	if len(form.Warnings) > 0 && !ev.has(Warning, form.Warnings[0]) {
		t.Error("the form's warnings were not told")
	}
	ex, err := a.MDS2Export(ctx, MDS2ExportOptions{Model: pacemaker, Date: day})
	if err != nil || ex.Model == 0 || ex.Source != "device.yaml" || ex.Questions != ex.Model+ex.Kept+ex.Unstated+ex.Uncovered {
		t.Fatalf("MDS2Export = %+v, %v", ex.Counts, err)
	}
	ev = messages{}
	ex, err = a.MDS2Export(ctx, MDS2ExportOptions{Model: pacemaker, Base: formFile, Date: day, Events: ev.events()})
	if err != nil || ex.Base != formFile || ex.Kept == 0 {
		t.Fatalf("MDS2Export with a base: %+v, %v", ex.Counts, err)
	}
	if !ev.has(Warning, "is it this device's?") {
		t.Error("a form of another manufacturer was taken as the device's without a warning")
	}
}

func TestVulnerabilityUseCases(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	st, err := a.DBStatus(ctx)
	if err != nil || st.Records == 0 || st.KEV == 0 || !strings.HasPrefix(st.Hash, "sha256:") {
		t.Fatalf("DBStatus = %+v, %v", st, err)
	}
	var ev messages
	zero := time.Duration(0)
	res, err := a.Scan(ctx, ScanOptions{Device: pacemaker, VEX: []string{vexFile}, Freshness: Freshness{MaxAge: &zero}, Events: ev.events()})
	if err != nil || len(res.SBOMs) == 0 || res.Database.Hash != st.Hash {
		t.Fatalf("Scan = %+v, %v", res, err)
	}
	weighed := 0
	for _, s := range res.SBOMs {
		for _, m := range s.Matches {
			if m.Safety != nil {
				weighed++
			}
		}
	}
	if weighed == 0 {
		t.Error("no match weighed for patients")
	}
	if _, err := a.Scan(ctx, ScanOptions{}); !errors.Is(err, ErrNoSBOM) || !IsInput(err) {
		t.Errorf("Scan without SBOMs = %v", err)
	}
	inv := filepath.Join(t.TempDir(), "inventory.csv")
	if err := os.WriteFile(inv, []byte("vendor,product,version\nSpacelabs,Xhibit Telemetry Receiver,1.0\nAcme,Widget,1.0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var rows []InventoryRow
	if _, err := a.MatchInventory(ctx, InventoryOptions{File: inv}, func(r InventoryRow) error { rows = append(rows, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || len(rows[0].Matches) == 0 || rows[0].Matches[0].Advisory != "ICSMA-20-049-01" || len(rows[1].Matches) != 0 {
		t.Errorf("MatchInventory = %+v", rows)
	}
	// db update with every feed off imports the paths it is given, and
	// with nothing at all refuses.
	u := UpdateOptions{Mirror: filepath.Join(t.TempDir(), "feeds"), Paths: []string{"../vuln/testdata/osv"}}
	if _, err := a.DBUpdate(ctx, u); !errors.Is(err, store.ErrShrink) || !IsInput(err) || !strings.Contains(err.Error(), "KEV entries: 5 now, 0 in the new one") {
		t.Errorf("an update that loses KEV: %v", err)
	}
	u.AllowShrink = true
	if s, err := a.DBUpdate(ctx, u); err != nil || s.Records == 0 {
		t.Fatalf("DBUpdate = %+v, %v", s, err)
	}
	if st2, _ := a.DBStatus(ctx); st2.Hash == st.Hash || st2.KEV != 0 {
		t.Errorf("after the update the database is still the old one: %+v", st2)
	}
	u.Paths = nil
	if _, err := a.DBUpdate(ctx, u); !errors.Is(err, ErrNothingToImport) {
		t.Errorf("DBUpdate with nothing = %v", err)
	}
}

// TestConcurrentUse shares one App between calls running at once, while
// the database is replaced under them: every call sees one database
// whole, and the replaced one is closed when the last call is done.
func TestConcurrentUse(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	zero := time.Duration(0)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			switch i % 3 {
			case 0:
				_, err = a.Check(ctx, CheckOptions{Model: pacemaker, Date: day, Freshness: Freshness{MaxAge: &zero}})
			case 1:
				_, err = a.Scan(ctx, ScanOptions{Device: pacemaker, Freshness: Freshness{MaxAge: &zero}})
			default:
				_, err = a.DBStatus(ctx)
			}
			errs <- err
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, err := a.DBImport(ctx, ImportOptions{Paths: []string{"../vuln/testdata/osv"}, AllowShrink: true})
		errs <- err
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	st, err := a.DBStatus(ctx)
	if err != nil || st.KEV != 0 {
		t.Errorf("after the import: %+v, %v", st, err)
	}
}

func TestSnapshotAnnounced(t *testing.T) {
	a := New(Config{DB: filepath.Join(t.TempDir(), "none.db"), Snapshot: true})
	defer a.Close()
	var ev messages
	st, err := a.DBStatus(context.Background())
	if err != nil || st.Path != "built-in snapshot" {
		t.Fatalf("DBStatus = %+v, %v", st, err)
	}
	if _, err := a.Scan(context.Background(), ScanOptions{SBOMs: []string{"../../examples/pacemaker-system/sbom/portal-frontend.cdx.json"}, Events: ev.events()}); err != nil {
		t.Fatal(err)
	}
	if !ev.has(Note, "built-in snapshot of real advisories") {
		t.Errorf("the snapshot was not announced: %+v", ev.msgs)
	}
	// Without the snapshot, a database that does not exist is an input
	// error, not an empty answer.
	b := New(Config{DB: filepath.Join(t.TempDir(), "none.db")})
	if _, err := b.DBStatus(context.Background()); !IsInput(err) {
		t.Errorf("a missing database: %v", err)
	}
}

func TestDamagedNamed(t *testing.T) {
	err := damaged(fmt.Errorf("query: %w", errors.New("database disk image is malformed (11)")))
	if !errors.Is(err, ErrDamaged) || !IsInput(err) || !strings.Contains(err.Error(), "mdcheck db verify") {
		t.Errorf("damaged(malformed) = %v", err)
	}
	other := errors.New("context canceled")
	if damaged(other) != other || damaged(nil) != nil {
		t.Error("damaged changed an error that is not about a damaged file")
	}
}

// TestDataHashFollowsTheFile: a database file replaced by another
// process's import is reopened, so that a long-running server matches
// against the newest data.
func TestDataHashFollowsTheFile(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "vuln.db")
	server, other := New(Config{DB: db}), New(Config{DB: db})
	if _, err := other.DBImport(ctx, ImportOptions{Paths: []string{"../vuln/testdata/osv/GHSA-5crp-9r3c-p9vr.json"}}); err != nil {
		t.Fatal(err)
	}
	first, err := server.DataHash(ctx)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond) // a later modification time, on coarse clocks too
	if _, err := other.DBImport(ctx, ImportOptions{Paths: []string{"../vuln/testdata/osv"}}); err != nil {
		t.Fatal(err)
	}
	second, err := server.DataHash(ctx)
	if err != nil || second == first {
		t.Errorf("hash %s then %s (%v): the replaced file was not reopened", first, second, err)
	}
}
