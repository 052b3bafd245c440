package fleet

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mdcheck/mdcheck/internal/fleet/schema"
	"github.com/mdcheck/mdcheck/internal/testutil/pgtest"
)

// stores are the stores the contract suite runs against: SQLite always,
// PostgreSQL when MDCHECK_TEST_POSTGRES names a database (.ci/run starts
// one); under CI=true its absence is a failure.
func stores(t *testing.T) map[string]func(t *testing.T) *Store {
	out := map[string]func(t *testing.T) *Store{
		"sqlite": func(t *testing.T) *Store {
			return open(t, "sqlite:"+filepath.Join(t.TempDir(), "fleet.db"))
		},
	}
	if os.Getenv("MDCHECK_TEST_POSTGRES") != "" || os.Getenv("CI") == "true" {
		out["postgres"] = func(t *testing.T) *Store { return open(t, pgtest.Database(t)) }
	} else {
		t.Log("PostgreSQL skipped: MDCHECK_TEST_POSTGRES is not set (.ci/run sets it)")
	}
	return out
}

func open(t *testing.T, dsn string) *Store {
	t.Helper()
	s, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

const model = "apiVersion: mdcheck.dev/v1\nkind: Device\nidentity: {manufacturer: A, product: B}\ncomponents: [{id: a, name: a, kind: gateway, role: device}]\n"

// actor makes an organisation with a token of role and returns its actor.
func actor(t *testing.T, s *Store, org string, role Role) (Actor, string) {
	t.Helper()
	secret, tok, err := s.CreateToken(context.Background(), Actor{Token: "test"}, org, role)
	if err != nil {
		t.Fatal(err)
	}
	return Actor{Token: tok.ID, Org: tok.Org, Role: role}, secret
}

func TestStoreContract(t *testing.T) {
	for name, mk := range stores(t) {
		t.Run(name, func(t *testing.T) {
			t.Run("tokens", func(t *testing.T) { testTokens(t, mk(t)) })
			t.Run("isolation and pages", func(t *testing.T) { testIsolation(t, mk(t)) })
			t.Run("versions and assessments", func(t *testing.T) { testVersions(t, mk(t)) })
			t.Run("audit", func(t *testing.T) { testAudit(t, mk(t)) })
			t.Run("concurrent writers", func(t *testing.T) { testConcurrent(t, mk(t)) })
			t.Run("sessions", func(t *testing.T) { testSessions(t, mk(t)) })
			t.Run("organisation files", func(t *testing.T) { testOrgFiles(t, mk(t)) })
			t.Run("sites and filters", func(t *testing.T) { testSites(t, mk(t)) })
			t.Run("advisories", func(t *testing.T) { testAdvisories(t, mk(t)) })
			t.Run("cases", func(t *testing.T) { testCases(t, mk(t)) })
			t.Run("notifications", func(t *testing.T) { testNotifications(t, mk(t)) })
			t.Run("data changes", func(t *testing.T) { testDataChanged(t, mk(t)) })
			t.Run("overview", func(t *testing.T) { testLatest(t, mk(t)) })
		})
	}
}

func testTokens(t *testing.T, s *Store) {
	ctx := context.Background()
	a, secret := actor(t, s, "Hospital A", Assessor)
	got, err := s.Authenticate(ctx, secret)
	if err != nil || got.Org != a.Org || got.Role != Assessor {
		t.Fatalf("authenticate: %+v, %v", got, err)
	}
	if _, err := s.Authenticate(ctx, secret+"x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a wrong secret: %v", err)
	}
	// The secret is kept only as its hash.
	var n int
	if err := s.db.QueryRow(s.q(`SELECT COUNT(*) FROM tokens WHERE hash = ? OR id = ?`), secret, secret).Scan(&n); err != nil || n != 0 {
		t.Errorf("the secret is stored: %d rows, %v", n, err)
	}
	// A second token joins the same organisation.
	b, _ := actor(t, s, "Hospital A", Viewer)
	if b.Org != a.Org {
		t.Errorf("second token in org %s, want %s", b.Org, a.Org)
	}
	if err := s.RevokeToken(ctx, a, a.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, secret); !errors.Is(err, ErrNotFound) {
		t.Errorf("a revoked token authenticates: %v", err)
	}
	if _, _, err := s.CreateToken(ctx, Actor{}, "X", "owner"); !errors.Is(err, ErrInvalid) {
		t.Errorf("role owner: %v", err)
	}
	// A token of another organisation cannot revoke this one.
	c, _ := actor(t, s, "Hospital C", Admin)
	if err := s.RevokeToken(ctx, c, b.Token); !errors.Is(err, ErrNotFound) {
		t.Errorf("foreign revoke: %v", err)
	}
}

func testIsolation(t *testing.T, s *Store) {
	ctx := context.Background()
	a, _ := actor(t, s, "A", Assessor)
	b, _ := actor(t, s, "B", Admin)
	var ids []string
	for i := 0; i < 5; i++ {
		d, as, err := s.CreateDevice(ctx, a, fmt.Sprintf("pump %d", i), []byte(model))
		if err != nil || as.Status != Queued || as.Device != d.ID {
			t.Fatalf("create: %+v %+v %v", d, as, err)
		}
		ids = append(ids, d.ID)
	}
	var seen []string
	cursor := ""
	for pages := 0; ; pages++ {
		ds, next, err := s.Devices(ctx, a.Org, DeviceFilter{}, Page{After: cursor, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			seen = append(seen, d.ID)
		}
		if next == "" {
			if pages != 2 {
				t.Errorf("%d pages of 2 for 5 devices", pages+1)
			}
			break
		}
		cursor = next
	}
	if strings.Join(seen, ",") != strings.Join(ids, ",") {
		t.Errorf("pages gave %v, want %v in creation order", seen, ids)
	}
	if ds, _, err := s.Devices(ctx, b.Org, DeviceFilter{}, Page{}); err != nil || len(ds) != 0 {
		t.Errorf("org B sees %d devices of A (%v)", len(ds), err)
	}
	if _, err := s.Device(ctx, b.Org, ids[0]); !errors.Is(err, ErrNotFound) {
		t.Errorf("org B reads A's device: %v", err)
	}
	if _, _, err := s.Assessments(ctx, b.Org, ids[0], Page{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("org B lists A's assessments: %v", err)
	}
	if _, err := s.ModelVersion(ctx, b.Org, ids[0], 1); !errors.Is(err, ErrNotFound) {
		t.Errorf("org B reads A's model: %v", err)
	}
	if _, _, err := s.AddVersion(ctx, b, ids[0], "model", []byte(model)); !errors.Is(err, ErrNotFound) {
		t.Errorf("org B uploads to A's device: %v", err)
	}
	as, _, _ := s.Assessments(ctx, a.Org, ids[0], Page{})
	if _, err := s.Assessment(ctx, b.Org, as[0].ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("org B reads A's assessment: %v", err)
	}
}

func testVersions(t *testing.T, s *Store) {
	ctx := context.Background()
	a, _ := actor(t, s, "A", Assessor)
	d, first, _ := s.CreateDevice(ctx, a, "pump", []byte(model))
	bin := []byte{0, 0xff, 'P', 'K', 3, 4}
	for i, body := range [][]byte{[]byte("old"), bin} {
		v, as, err := s.AddVersion(ctx, a, d.ID, "file:sbom/a.json", body)
		if err != nil || v.Version != i+1 || as.ModelVersion != 1 {
			t.Fatalf("file version %d: %+v %+v %v", i+1, v, as, err)
		}
	}
	v, as, err := s.AddVersion(ctx, a, d.ID, "model", []byte(model+"# 2\n"))
	if err != nil || v.Version != 2 || as.ModelVersion != 2 {
		t.Fatalf("model version 2: %+v %+v %v", v, as, err)
	}
	if got, _ := s.Device(ctx, a.Org, d.ID); got.Model != 2 {
		t.Errorf("device model version %d, want 2", got.Model)
	}
	fs, err := s.Files(ctx, a.Org, d.ID)
	if err != nil || len(fs) != 1 || string(fs[0].Body) != string(bin) || fs[0].Version != 2 {
		t.Errorf("files: %+v %v, want the binary second version", fs, err)
	}
	// Bodies the caller holds are left out, the others read, of the
	// very versions listed.
	if _, _, err := s.AddVersion(ctx, a, d.ID, "file:sbom/b.json", []byte("b")); err != nil {
		t.Fatal(err)
	}
	var asked []string
	fs, err = s.FilesExcept(ctx, a.Org, d.ID, func(v Version) bool {
		asked = append(asked, v.Kind)
		if v.Body != nil {
			t.Errorf("%s asked about with its body", v.Kind)
		}
		return v.SHA256 == digest(bin)
	})
	if err != nil || len(fs) != 2 || fs[0].Body != nil || fs[0].Version != 2 || fs[0].SHA256 != digest(bin) || fs[0].Size != len(bin) || string(fs[1].Body) != "b" {
		t.Errorf("files except the one held: %+v %v", fs, err)
	}
	if !slices.Equal(asked, []string{"file:sbom/a.json", "file:sbom/b.json"}) {
		t.Errorf("asked about %v", asked)
	}
	if fs, err := s.FilesExcept(ctx, a.Org, d.ID, func(Version) bool { return true }); err != nil || len(fs) != 2 || fs[0].Body != nil || fs[1].Body != nil {
		t.Errorf("files, every one held: %+v %v", fs, err)
	}
	if fs, err := s.FilesExcept(ctx, "B", d.ID, func(Version) bool { return false }); err != nil || len(fs) != 0 {
		t.Errorf("another organisation's files: %+v %v", fs, err)
	}
	if vs, _ := s.Versions(ctx, a.Org, d.ID); len(vs) != 5 {
		t.Errorf("%d versions, want 5", len(vs))
	}
	q, err := s.Queued(ctx, 10)
	if err != nil || len(q) != 5 || q[0].ID != first.ID {
		t.Fatalf("queued: %d, %v, want 5 oldest first", len(q), err)
	}
	r := 61.5
	if err := s.Finish(ctx, first, []byte(`{"schemaVersion":"8"}`), &r, ""); err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(ctx, first, nil, nil, "again"); !errors.Is(err, ErrConflict) {
		t.Errorf("finished twice: %v", err)
	}
	got, err := s.Assessment(ctx, a.Org, first.ID)
	if err != nil || got.Status != Done || got.Readiness == nil || *got.Readiness != r || string(got.Report) != `{"schemaVersion":"8"}` || got.Finished == nil {
		t.Errorf("finished assessment: %+v %v", got, err)
	}
	// A claimed one is not claimed twice; a stopped server's are queued
	// again.
	if err := s.Claim(ctx, q[1]); err != nil {
		t.Fatal(err)
	}
	if err := s.Claim(ctx, q[1]); !errors.Is(err, ErrConflict) {
		t.Errorf("claimed twice: %v", err)
	}
	if n, err := s.Requeue(ctx); err != nil || n != 1 {
		t.Errorf("requeued %d, %v", n, err)
	}
	if err := s.Claim(ctx, q[1]); err != nil {
		t.Errorf("claim after requeue: %v", err)
	}
	if err := s.Supersede(ctx, q[2], q[3].ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Assessment(ctx, a.Org, q[2].ID); got.Status != Superseded || !strings.Contains(got.Error, q[3].ID) {
		t.Errorf("superseded: %+v", got)
	}
	if err := s.Finish(ctx, q[1], nil, nil, "the check failed: x"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Assessment(ctx, a.Org, q[1].ID); got.Status != Failed || got.Error == "" || got.Readiness != nil {
		t.Errorf("failed assessment: %+v", got)
	}
}

func key(t *testing.T) ed25519.PrivateKey {
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func testAudit(t *testing.T, s *Store) {
	ctx := context.Background()
	k := key(t)
	pub := k.Public().(ed25519.PublicKey)
	a, _ := actor(t, s, "A", Assessor)
	for i := 0; i < 3; i++ {
		s.CreateDevice(ctx, a, "d", []byte(model))
	}
	if ok, err := s.Checkpoint(ctx, k); !ok || err != nil {
		t.Fatalf("checkpoint: %v %v", ok, err)
	}
	if ok, _ := s.Checkpoint(ctx, k); ok {
		t.Error("a second checkpoint of the same head")
	}
	s.CreateDevice(ctx, a, "d", []byte(model))
	v, err := s.Verify(ctx, pub)
	if err != nil || v.Problem != "" || v.Records != 10 || v.Checkpoints != 1 {
		t.Fatalf("intact trail: %+v %v", v, err)
	}
	if v, _ := s.Verify(ctx, key(t).Public().(ed25519.PublicKey)); !strings.Contains(v.Problem, "signature") {
		t.Errorf("another key: %q", v.Problem)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := s.db.Exec(s.q(q), args...); err != nil {
			t.Fatal(err)
		}
	}
	restore := func() []Record {
		rows, _ := s.db.Query(`SELECT seq, at, actor, org_id, action, object, before_sha, after_sha, prev, hash FROM audit ORDER BY seq`)
		defer rows.Close()
		var rs []Record
		for rows.Next() {
			var r Record
			rows.Scan(&r.Seq, &r.At, &r.Actor, &r.Org, &r.Action, &r.Object, &r.Before, &r.After, &r.Prev, &r.Hash)
			rs = append(rs, r)
		}
		return rs
	}
	orig := restore()
	var cp Checkpoint
	if err := s.db.QueryRow(`SELECT seq, head, at, key, signature FROM checkpoints`).Scan(&cp.Seq, &cp.Head, &cp.At, &cp.Key, &cp.Signature); err != nil || cp.Seq != 8 {
		t.Fatalf("checkpoint %+v %v, want at record 8", cp, err)
	}
	put := func(rs []Record) {
		exec(`DELETE FROM audit`)
		for _, r := range rs {
			exec(`INSERT INTO audit (seq, at, actor, org_id, action, object, before_sha, after_sha, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.Seq, r.At, r.Actor, r.Org, r.Action, r.Object, r.Before, r.After, r.Prev, r.Hash)
		}
	}
	for _, tc := range []struct {
		name, want string
		tamper     func()
	}{
		{"a record changed", "record 4 (", func() { exec(`UPDATE audit SET actor = 'someone-else' WHERE seq = 4`) }},
		{"a record removed", "record 6: expected record 5", func() { exec(`DELETE FROM audit WHERE seq = 5`) }},
		{"the tail cut below a checkpoint", "the trail ends at record 6", func() { exec(`DELETE FROM audit WHERE seq > 6`) }},
		{"the chain rewritten consistently", "record 8: differs from the signed checkpoint", func() {
			rs := restore()
			rs[2].Actor = "someone-else"
			for i := 2; i < len(rs); i++ {
				if i > 0 {
					rs[i].Prev = rs[i-1].Hash
				}
				rs[i].Hash = rs[i].ChainHash()
			}
			put(rs)
		}},
		{"a checkpoint changed", "checkpoint at record 8: its signature", func() { exec(`UPDATE checkpoints SET head = ? WHERE seq = 8`, strings.Repeat("0", 64)) }},
	} {
		tc.tamper()
		v, err := s.Verify(ctx, pub)
		if err != nil || !strings.Contains(v.Problem, tc.want) {
			t.Errorf("%s: problem %q (%v), want %q", tc.name, v.Problem, err, tc.want)
		}
		put(orig)
		exec(`DELETE FROM checkpoints`)
		exec(`INSERT INTO checkpoints (seq, head, at, key, signature) VALUES (?, ?, ?, ?, ?)`, cp.Seq, cp.Head, cp.At, cp.Key, cp.Signature)
		if v, _ := s.Verify(ctx, pub); v.Problem != "" {
			t.Fatalf("restored: %q", v.Problem)
		}
	}
}

func testConcurrent(t *testing.T, s *Store) {
	ctx := context.Background()
	a, _ := actor(t, s, "A", Assessor)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := s.CreateDevice(ctx, a, "d", []byte(model)); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	k := key(t)
	s.Checkpoint(ctx, k)
	if v, err := s.Verify(ctx, k.Public().(ed25519.PublicKey)); err != nil || v.Problem != "" || v.Records != 2+16*2 {
		t.Errorf("after 16 concurrent writers: %+v %v", v, err)
	}

	// Assessments run side by side (claimed and finished, on PostgreSQL
	// sharing the audit lock), two of them of one device, while other
	// writers add devices: the chain stays one line, each device's newest
	// assessment stands for it and the tallies are a recount.
	devs, _, err := s.Devices(ctx, a.Org, DeviceFilter{}, Page{Limit: 50})
	if err != nil || len(devs) != 16 {
		t.Fatalf("%d devices: %v", len(devs), err)
	}
	var runs []Assessment
	for _, d := range devs {
		as, _, err := s.Assessments(ctx, a.Org, d.ID, Page{Limit: 5})
		if err != nil || len(as) != 1 {
			t.Fatalf("device %s: %d assessments, %v", d.ID, len(as), err)
		}
		runs = append(runs, as[0])
	}
	_, second, err := s.AddVersion(ctx, a, devs[0].ID, "model", []byte(model+"# 2\n"))
	if err != nil {
		t.Fatal(err)
	}
	runs = append(runs, second)
	errs = make(chan error, 2*len(runs))
	for i, q := range runs {
		wg.Add(2)
		go func() {
			defer wg.Done()
			r := float64(i)
			err := s.Claim(ctx, q)
			if err == nil {
				err = s.FinishWith(ctx, q, []byte(`{}`), &r, Summary{Class: []string{"I", "IIa", "IIb"}[i%3], Exploited: i % 2, Missed: []string{"X"}}, "")
			}
			if err != nil {
				errs <- fmt.Errorf("assessment %d: %w", i, err)
			}
		}()
		go func() {
			defer wg.Done()
			if _, _, err := s.CreateDevice(ctx, a, "e", []byte(model)); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	v, err := s.Verify(ctx, k.Public().(ed25519.PublicKey))
	// The second version of device 0: upload and queue; each run: start
	// and done; each device added: create and queue.
	if want := int64(2 + 16*2 + 2 + 2*len(runs) + 2*len(runs)); err != nil || v.Problem != "" || v.Records != want {
		t.Errorf("after assessments beside other writers: %+v %v, want %d records", v, err, want)
	}
	ls, err := s.LatestDone(ctx, a.Org)
	if err != nil || len(ls) != 16 {
		t.Fatalf("latest: %d %v", len(ls), err)
	}
	want := map[string]int{}
	for _, l := range ls {
		l.tally(want, 1)
		if l.Device == devs[0].ID && l.Readiness != float64(len(runs)-1) {
			t.Errorf("device %s stands at %v, not its newest assessment's readiness", l.Device, l.Readiness)
		}
	}
	for k, n := range want {
		if n == 0 {
			delete(want, k)
		}
	}
	if got, err := s.Tallies(ctx, a.Org); err != nil || !maps.Equal(got, want) {
		t.Errorf("tallies %v (%v), a recount %v", got, err, want)
	}
}

func testSessions(t *testing.T, s *Store) {
	ctx := context.Background()
	a, secret := actor(t, s, "A", Viewer)
	if _, _, _, err := s.CreateSession(ctx, secret+"x", time.Hour); !errors.Is(err, ErrNotFound) {
		t.Errorf("a session from a wrong token: %v", err)
	}
	sid, csrf, _, err := s.CreateSession(ctx, secret, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Session(ctx, sid)
	if err != nil || got.Token.ID != a.Token || !got.CSRF(csrf) || got.CSRF("") || got.CSRF(csrf+"x") {
		t.Fatalf("session: %+v %v", got, err)
	}
	now := s.Now
	s.Now = func() time.Time { return now().Add(2 * time.Hour) }
	if _, err := s.Session(ctx, sid); !errors.Is(err, ErrNotFound) {
		t.Errorf("an expired session: %v", err)
	}
	s.Now = now
	if err := s.EndSession(ctx, sid); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx, sid); !errors.Is(err, ErrNotFound) {
		t.Errorf("an ended session: %v", err)
	}
	sid, _, _, _ = s.CreateSession(ctx, secret, time.Hour)
	s.RevokeToken(ctx, a, a.Token)
	if _, err := s.Session(ctx, sid); !errors.Is(err, ErrNotFound) {
		t.Errorf("a session of a revoked token: %v", err)
	}
}

func testOrgFiles(t *testing.T, s *Store) {
	ctx := context.Background()
	a, _ := actor(t, s, "A", Admin)
	b, _ := actor(t, s, "B", Admin)
	for range 3 {
		s.CreateDevice(ctx, a, "d", []byte(model))
	}
	if _, _, err := s.PutOrgFile(ctx, a, "policy:x", nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("withdrawing what is not there: %v", err)
	}
	for i, body := range []string{"v1", "v2"} {
		v, n, err := s.PutOrgFile(ctx, a, "policy:x", []byte(body))
		if err != nil || v.Version != i+1 || n != 3 {
			t.Fatalf("put %s: %+v %d %v", body, v, n, err)
		}
	}
	s.PutOrgFile(ctx, a, "waivers", []byte("w"))
	fs, err := s.OrgFiles(ctx, a.Org, true)
	if err != nil || len(fs) != 2 || fs[0].Kind != "policy:x" || string(fs[0].Body) != "v2" || string(fs[1].Body) != "w" {
		t.Fatalf("files: %+v %v", fs, err)
	}
	if fs, _ := s.OrgFiles(ctx, b.Org, true); len(fs) != 0 {
		t.Errorf("B sees A's files: %+v", fs)
	}
	if _, _, err := s.PutOrgFile(ctx, a, "policy:x", nil); err != nil {
		t.Fatal(err)
	}
	if fs, _ := s.OrgFiles(ctx, a.Org, false); len(fs) != 1 || fs[0].Kind != "waivers" || fs[0].Body != nil {
		t.Errorf("after withdrawing the policy: %+v", fs)
	}
	if q, _ := s.Queued(ctx, 100); len(q) != 3+3*4 {
		t.Errorf("%d queued, want 3 at creation and 3 for each of 4 changes", len(q))
	}
}

func testSites(t *testing.T, s *Store) {
	ctx := context.Background()
	a, _ := actor(t, s, "A", Assessor)
	b, _ := actor(t, s, "B", Assessor)
	var ids []string
	for _, name := range []string{"Infusion pump LVP", "Pump_%x", "Monitor", "monitor 2"} {
		d, _, _ := s.CreateDevice(ctx, a, name, []byte(model))
		ids = append(ids, d.ID)
	}
	for i, site := range []string{"Ward 3", "Ward 3", "ICU"} {
		if d, err := s.SetSite(ctx, a, ids[i], site); err != nil || d.Site != site {
			t.Fatalf("site: %+v %v", d, err)
		}
	}
	if _, err := s.SetSite(ctx, b, ids[0], "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("B places A's device: %v", err)
	}
	names := func(f DeviceFilter) string {
		ds, _, err := s.Devices(ctx, a.Org, f, Page{})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range ds {
			out = append(out, d.Name)
		}
		return strings.Join(out, ",")
	}
	for f, want := range map[DeviceFilter]string{
		{Site: "Ward 3"}:              "Infusion pump LVP,Pump_%x",
		{Name: "PUMP"}:                "Infusion pump LVP,Pump_%x",
		{Name: "_%"}:                  "Pump_%x", // LIKE's wildcards are literal here
		{Name: "monitor"}:             "Monitor,monitor 2",
		{Site: "ICU", Name: "pump"}:   "",
		{Site: "", Name: "monitor 2"}: "monitor 2",
	} {
		if got := names(f); got != want {
			t.Errorf("%+v: %q, want %q", f, got, want)
		}
	}
	sites, err := s.Sites(ctx, a.Org)
	if err != nil || len(sites) != 3 || sites[0] != (Site{"", 1}) || sites[2] != (Site{"Ward 3", 2}) {
		t.Errorf("sites: %+v %v", sites, err)
	}
	// The counts kept as devices were added and moved are a recount, and
	// the migration that brought them counts an existing store's so.
	recount := func() []Site {
		rows, err := s.db.QueryContext(ctx, s.q(`SELECT site, COUNT(*) FROM devices WHERE org_id = ? GROUP BY site ORDER BY site`), a.Org)
		if err != nil {
			t.Fatal(err)
		}
		out, err := collect(rows, func(r scanner) (Site, error) {
			var st Site
			return st, r.Scan(&st.Name, &st.Devices)
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if want := recount(); !slices.Equal(sites, want) {
		t.Errorf("sites %+v, a recount %+v", sites, want)
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sites`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, schema.Migrations[16][1])
		return err
	})
	if again, _ := s.Sites(ctx, a.Org); err != nil || !slices.Equal(again, sites) {
		t.Errorf("the migration counts %+v (%v), the store kept %+v", again, err, sites)
	}
	if o, err := s.Org(ctx, a.Org); err != nil || o.Name != "A" {
		t.Errorf("org: %+v %v", o, err)
	}
}

func testAdvisories(t *testing.T, s *Store) {
	ctx := context.Background()
	a, _ := actor(t, s, "A", Assessor)
	b, _ := actor(t, s, "B", Assessor)
	body := []byte(`{"id": "GHSA-x", "summary": "s"}`)
	got, err := s.AddAdvisory(ctx, a, Advisory{SourceID: "GHSA-x", Title: "s", Records: 1, Body: body})
	if err != nil || got.ID == "" || got.Size != len(body) {
		t.Fatalf("add: %+v %v", got, err)
	}
	if as, _, err := s.Advisories(ctx, a.Org, Page{}); err != nil || len(as) != 1 || as[0].SourceID != "GHSA-x" || as[0].Body != nil {
		t.Errorf("list: %+v %v", as, err)
	}
	if as, _, _ := s.Advisories(ctx, b.Org, Page{}); len(as) != 0 {
		t.Errorf("B lists A's advisories: %+v", as)
	}
	if full, err := s.Advisory(ctx, a.Org, got.ID); err != nil || string(full.Body) != string(body) {
		t.Errorf("get: %+v %v", full, err)
	}
	if _, err := s.Advisory(ctx, b.Org, got.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("B reads A's advisory: %v", err)
	}
	// Matching: unmatched until matched once, with an assessment queued
	// for each device named that is the organisation's.
	d, q0, _ := s.CreateDevice(ctx, a, "pump", []byte(model))
	if err := s.Finish(ctx, q0, []byte("{}"), nil, ""); err != nil {
		t.Fatal(err)
	}
	other, _, _ := s.CreateDevice(ctx, b, "pump", []byte(model))
	if un, err := s.Unmatched(ctx, 10); err != nil || len(un) != 1 || un[0].ID != got.ID || un[0].Org != a.Org || string(un[0].Body) != string(body) {
		t.Fatalf("unmatched: %+v %v", un, err)
	}
	qs, err := s.Matched(ctx, a.Org, []Advisory{got}, []string{d.ID, other.ID})
	if err != nil || len(qs) != 1 || qs[0].Device != d.ID || qs[0].Status != Queued {
		t.Errorf("matched: %+v %v", qs, err)
	}
	if _, err := s.Matched(ctx, a.Org, []Advisory{got}, []string{d.ID}); !errors.Is(err, ErrConflict) {
		t.Errorf("matched twice: %v", err)
	}
	if un, _ := s.Unmatched(ctx, 10); len(un) != 0 {
		t.Errorf("still unmatched: %+v", un)
	}
}

func testCases(t *testing.T, s *Store) {
	ctx := context.Background()
	a, _ := actor(t, s, "A", Assessor)
	b, _ := actor(t, s, "B", Assessor)
	c, err := s.PutCase(ctx, a, "", []byte(`{"v":1}`))
	if err != nil || c.ID == "" || string(c.Body) != `{"v":1}` {
		t.Fatalf("new: %+v %v", c, err)
	}
	if _, err := s.PutCase(ctx, b, c.ID, []byte(`{"v":9}`)); !errors.Is(err, ErrNotFound) {
		t.Errorf("B changes A's case: %v", err)
	}
	c2, err := s.PutCase(ctx, a, c.ID, []byte(`{"v":2}`))
	if err != nil || c2.ID != c.ID || string(c2.Body) != `{"v":2}` || !c2.Created.Equal(c.Created) {
		t.Errorf("update: %+v %v", c2, err)
	}
	if got, err := s.Case(ctx, a.Org, c.ID); err != nil || string(got.Body) != `{"v":2}` {
		t.Errorf("get: %+v %v", got, err)
	}
	if _, err := s.Case(ctx, b.Org, c.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("B reads A's case: %v", err)
	}
	if cs, _, _ := s.Cases(ctx, b.Org, Page{}); len(cs) != 0 {
		t.Errorf("B lists A's cases: %d", len(cs))
	}
}

func testNotifications(t *testing.T, s *Store) {
	ctx := context.Background()
	a, _ := actor(t, s, "A", Admin)
	b, _ := actor(t, s, "B", Admin)
	if n, err := s.Notify(ctx, a.Org, "e", "", "{}"); err != nil || n != 0 {
		t.Errorf("no webhook: %d %v", n, err)
	}
	h, err := s.AddWebhook(ctx, a, "http://127.0.0.1:9/h", "whsec_x")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteWebhook(ctx, b, h.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("B deletes A's webhook: %v", err)
	}
	if n, err := s.Notify(ctx, a.Org, "findings.opened", "k1", `{"x":1}`); err != nil || n != 1 {
		t.Fatalf("notify: %d %v", n, err)
	}
	if n, err := s.Notify(ctx, a.Org, "findings.opened", "k1", `{"x":1}`); err != nil || n != 0 {
		t.Fatalf("the same key again (a retried job) queued %d: %v", n, err)
	}
	due, err := s.Due(ctx, 10)
	if err != nil || len(due) != 1 || due[0].Secret != "whsec_x" || due[0].URL != h.URL {
		t.Fatalf("due: %+v %v", due, err)
	}
	if err := s.Attempted(ctx, due[0], "503", s.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if again, _ := s.Due(ctx, 10); len(again) != 0 {
		t.Errorf("due again before its next attempt: %+v", again)
	}
	later := s.Now
	s.Now = func() time.Time { return later().Add(2 * time.Hour) }
	due, _ = s.Due(ctx, 10)
	s.Now = later
	if len(due) != 1 || due[0].Attempts != 1 {
		t.Fatalf("due after the wait: %+v", due)
	}
	if err := s.Attempted(ctx, due[0], "", time.Time{}); err != nil {
		t.Fatal(err)
	}
	ns, _, err := s.Notifications(ctx, a.Org, Page{})
	if err != nil || len(ns) != 1 || ns[0].Status != Delivered || ns[0].Attempts != 2 || ns[0].Delivered == nil {
		t.Errorf("delivered: %+v %v", ns, err)
	}
	if ns, _, _ := s.Notifications(ctx, b.Org, Page{}); len(ns) != 0 {
		t.Errorf("B lists A's notifications")
	}
}

func testDataChanged(t *testing.T, s *Store) {
	ctx := context.Background()
	a, _ := actor(t, s, "A", Assessor)
	b, _ := actor(t, s, "B", Assessor)
	for _, by := range []Actor{a, b} {
		_, q, _ := s.CreateDevice(ctx, by, "a", []byte(model))
		if err := s.Finish(ctx, q, []byte("{}"), nil, ""); err != nil {
			t.Fatal(err)
		}
	}
	for i, tc := range []struct {
		hash string
		want int
	}{{"h1", 0}, {"h1", 0}, {"h2", 2}, {"h2", 0}} {
		if n, err := s.DataChanged(ctx, "", tc.hash, nil); err != nil || n != tc.want {
			t.Errorf("step %d (%s): queued %d (%v), want %d", i, tc.hash, n, err, tc.want)
		}
	}
	if q, _ := s.Queued(ctx, 100); len(q) != 2 {
		t.Errorf("%d queued, want 2 for the change", len(q))
	}
	// A device with an assessment waiting gets no second one: the one
	// waiting matches the data as it is when it runs.
	if n, err := s.DataChanged(ctx, "", "h2b", nil); err != nil || n != 0 {
		t.Errorf("a change while both wait: queued %d (%v), want 0", n, err)
	}
	if seen, err := s.DataSeen(ctx); err != nil || seen != "h2b" {
		t.Errorf("seen %q %v", seen, err)
	}
	// A change worked out device by device queues those named, of their
	// organisation alone; worked out since other data, it is refused.
	d, q, _ := s.CreateDevice(ctx, a, "c", []byte(model))
	if err := s.Finish(ctx, q, []byte("{}"), nil, ""); err != nil {
		t.Fatal(err)
	}
	if n, err := s.DataChanged(ctx, "h1", "h3", map[string][]string{a.Org: {d.ID}}); !errors.Is(err, ErrConflict) || n != 0 {
		t.Errorf("since stale data: %d %v", n, err)
	}
	if n, err := s.DataChanged(ctx, "h2b", "h3", map[string][]string{a.Org: {d.ID}, b.Org: {d.ID}}); err != nil || n != 1 {
		t.Errorf("device by device: %d %v", n, err)
	}
	if orgs, err := s.Orgs(ctx); err != nil || len(orgs) != 2 {
		t.Errorf("orgs %v %v", orgs, err)
	}
}

func testLatest(t *testing.T, s *Store) {
	ctx := context.Background()
	a, _ := actor(t, s, "A", Assessor)
	d1, q1, _ := s.CreateDevice(ctx, a, "one", []byte(model))
	s.CreateDevice(ctx, a, "never", []byte(model))
	r1, r2 := 40.0, 75.5
	s.FinishWith(ctx, q1, []byte(`{}`), &r1, Summary{Class: "IIa", Missed: []string{"X", "Y"}}, "")
	_, q2, _ := s.AddVersion(ctx, a, d1.ID, "model", []byte(model+"#\n"))
	s.FinishWith(ctx, q2, []byte(`{}`), &r2, Summary{Class: "IIb", Exploited: 2, Missed: []string{"Y"}}, "")
	ls, err := s.LatestDone(ctx, a.Org)
	if err != nil || len(ls) != 1 || ls[0].Readiness != r2 || ls[0].Class != "IIb" || ls[0].Exploited != 2 || len(ls[0].Missed) != 1 || ls[0].Name != "one" {
		t.Fatalf("latest: %+v %v", ls, err)
	}
	days, err := s.DailyReadiness(ctx, a.Org, s.Now().AddDate(0, 0, -1))
	if err != nil || len(days) != 1 || days[0].Assessments != 2 || days[0].Readiness != (r1+r2)/2 {
		t.Errorf("trend: %+v %v", days, err)
	}
	// An older assessment that finishes after a newer one of the same
	// device does not stand for it.
	d2, _, _ := s.CreateDevice(ctx, a, "two", []byte(model))
	_, older, _ := s.AddVersion(ctx, a, d2.ID, "model", []byte(model+"# 2\n"))
	_, newer, _ := s.AddVersion(ctx, a, d2.ID, "model", []byte(model+"# 3\n"))
	r3, r4 := 95.0, 5.0
	s.FinishWith(ctx, newer, []byte(`{}`), &r3, Summary{Class: "I"}, "")
	s.FinishWith(ctx, older, []byte(`{}`), &r4, Summary{Class: "III", Exploited: 1, Missed: []string{"Z"}}, "")
	// Another organisation's devices count for it alone.
	b, _ := actor(t, s, "B", Assessor)
	_, qb, _ := s.CreateDevice(ctx, b, "b", []byte(model))
	s.FinishWith(ctx, qb, []byte(`{}`), &r1, Summary{Class: "IIa", Missed: []string{"X"}}, "")
	// The tallies kept as assessments finished are a recount of every
	// device's newest done assessment.
	for _, org := range []string{a.Org, b.Org} {
		ls, err := s.LatestDone(ctx, org)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{}
		for _, l := range ls {
			l.tally(want, 1)
		}
		for k, n := range want {
			if n == 0 {
				delete(want, k)
			}
		}
		got, err := s.Tallies(ctx, org)
		if err != nil || !maps.Equal(got, want) {
			t.Errorf("tallies %v (%v), a recount %v", got, err, want)
		}
	}
	// The migration that brought the tallies counts an existing store's
	// the same way.
	before, _ := s.Tallies(ctx, a.Org)
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM tallies`); err != nil {
			return err
		}
		return migrationSteps[13](ctx, s, tx)
	})
	if after, _ := s.Tallies(ctx, a.Org); err != nil || !maps.Equal(before, after) {
		t.Errorf("the migration counts %v (%v), the store kept %v", after, err, before)
	}
	if ls, _ := s.MostExploited(ctx, a.Org, 10); len(ls) != 1 || ls[0].Device != d1.ID || ls[0].Exploited != 2 {
		t.Errorf("most exploited: %+v", ls)
	}
}
