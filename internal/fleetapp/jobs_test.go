package fleetapp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/fleet"
	"github.com/mdcheck/mdcheck/internal/testutil/pgtest"
	"github.com/mdcheck/mdcheck/internal/vuln/store"
)

// TestMain runs, when the environment says so, as the worker process
// the killed-worker test kills instead of the tests.
func TestMain(m *testing.M) {
	if dsn := os.Getenv("MDCHECK_TEST_JOB_WORKER"); dsn != "" {
		os.Exit(heldWorker(dsn, os.Getenv("MDCHECK_TEST_VULNDB"), os.Getenv("MDCHECK_TEST_HELD")))
	}
	os.Exit(m.Run())
}

// heldWorker works the jobs; with held, it stops each assessment after
// its check, before its record, writing the file held (the test kills
// it there); without, it rescues a stuck job after 2 s and delivers
// notifications.
func heldWorker(dsn, vulnDB, held string) int {
	ctx := context.Background()
	f, err := Open(ctx, app.New(app.Config{DB: vulnDB, Snapshot: true}), dsn)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	o := WorkOptions{Workers: 1, Deliver: 200 * time.Millisecond, AssessTimeout: time.Second, Rescue: 2 * time.Second}
	if held != "" {
		f.hold = func(context.Context) {
			os.WriteFile(held, []byte("held"), 0o600)
			select {}
		}
		o = WorkOptions{Workers: 1, AssessTimeout: time.Hour}
	}
	if err := f.Work(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// flip is a device model whose interface's authentication is unstated;
// with flipOpen it is stated false, which opens findings.
const (
	flip     = "apiVersion: mdcheck.dev/v1\nkind: Device\nidentity: {manufacturer: A, product: Pump, model: P1}\ncomponents:\n  - {id: a, name: a, kind: gateway, role: device, interfaces: [{id: net, kind: wifi, exposure: hospital-network, changesConfiguration: true"
	flipOpen = ", authentication: {required: false}"
)

func actorOf(t testing.TB, f *Fleet, org string, role Role) Actor {
	t.Helper()
	secret, _, err := f.CreateToken(context.Background(), Actor{Token: "test"}, org, role)
	if err != nil {
		t.Fatal(err)
	}
	a, err := f.Authenticate(context.Background(), secret)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// waitFor polls cond every 100 ms until it holds or limit passes.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(limit); !cond(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("%s: not within %v", what, limit)
		}
	}
}

// TestKilledWorkerJobRunsOnce: an imported advisory's re-match queues
// an assessment that a worker process takes and is killed in with
// SIGKILL, its job left running; a second worker process rescues the
// job and runs it again, with the vulnerability database both fetched
// from the store; the assessment is recorded once, and its notification
// queued and delivered once (signature checked), whatever runs it again.
func TestKilledWorkerJobRunsOnce(t *testing.T) {
	dsn := pgtest.Database(t)
	dir := t.TempDir()
	ctx := context.Background()
	// This process's vulnerability data is not the built-in snapshot the
	// worker processes start with: one record of its own.
	rec := filepath.Join(dir, "osv", "OSV-TEST-1.json")
	os.MkdirAll(filepath.Dir(rec), 0o700)
	os.WriteFile(rec, []byte(`{"id":"OSV-TEST-1","modified":"2026-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"right-pad"},"versions":["9.9.9"]}]}`), 0o600)
	a := app.New(app.Config{DB: filepath.Join(dir, "vuln.db"), Snapshot: true})
	if _, err := a.DBImport(ctx, app.ImportOptions{Paths: []string{rec}}); err != nil {
		t.Fatal(err)
	}
	hash, err := a.DataHash(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Open(ctx, a, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// As serve does at start: the first process publishes its data.
	if err := f.SyncData(ctx); err != nil {
		t.Fatal(err)
	}
	admin, by := actorOf(t, f, "A", RoleAdmin), actorOf(t, f, "A", RoleAssessor)
	var mu sync.Mutex
	var got []string
	var secret string
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if r.Header.Get("X-Mdcheck-Signature") != Sign(secret, r.Header.Get("X-Mdcheck-Timestamp"), body) {
			t.Errorf("a signature that does not verify")
		}
		got = append(got, string(body))
	}))
	defer recv.Close()
	hook, err := f.AddWebhook(ctx, admin, recv.URL+"/hook")
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	secret = hook.Secret
	mu.Unlock()
	received := func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), got...) }
	assessments := func(dev string) []Assessment {
		as, _, err := f.Assessments(ctx, by, dev, Page{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		return as
	}
	worker := func(name, held string) *exec.Cmd {
		c := exec.Command(os.Args[0], "-test.run=^$")
		c.Env = append(os.Environ(), "MDCHECK_TEST_JOB_WORKER="+dsn, "MDCHECK_TEST_VULNDB="+filepath.Join(dir, name, "vuln.db"), "MDCHECK_TEST_HELD="+held)
		log, err := os.Create(filepath.Join(dir, name+".log"))
		if err != nil {
			t.Fatal(err)
		}
		c.Stdout, c.Stderr = log, log
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Process.Kill(); c.Wait() })
		return c
	}

	// A device whose SBOM has left-pad 1.0.0, assessed in this process.
	dev, _, err := f.AddDevice(ctx, by, []byte("apiVersion: mdcheck.dev/v1\nkind: Device\nidentity: {manufacturer: A, product: App, model: M}\ncomponents:\n  - {id: a, name: App, kind: standalone-software, role: device, sbom: sbom/app.cdx.json}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.UploadFile(ctx, by, dev.ID, "sbom/app.cdx.json", []byte(`{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":[{"type":"library","name":"left-pad","version":"1.0.0","purl":"pkg:npm/left-pad@1.0.0"}]}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.RunQueued(ctx, 10); err != nil {
		t.Fatal(err)
	}
	before := len(assessments(dev.ID))

	// A worker process re-matches an advisory on left-pad, takes the
	// assessment it queues and is killed in it.
	held := filepath.Join(dir, "held")
	killed := worker("killed", held)
	if _, err := f.ImportAdvisory(ctx, by, []byte(`{"id":"OSV-TEST-LP","modified":"2026-01-01T00:00:00Z","summary":"left-pad test","affected":[{"package":{"ecosystem":"npm","name":"left-pad"},"versions":["1.0.0"]}]}`)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 60*time.Second, "the worker process holding the assessment", func() bool {
		_, err := os.Stat(held)
		return err == nil
	})
	if got, err := store.HashOf(filepath.Join(dir, "killed", "vuln.db")); err != nil || got != hash {
		t.Errorf("the worker process's vulnerability database is %q (%v), want the one published, %s", got, err, hash)
	}
	killed.Process.Kill()
	killed.Wait()
	as := assessments(dev.ID)
	second := as[len(as)-1]
	if len(as) != before+1 || second.Status != fleet.Running {
		t.Fatalf("after the kill: %d assessments, the newest %s; want %d, running", len(as), second.Status, before+1)
	}

	// Another worker process rescues the job and runs it again.
	worker("rescuer", "")
	waitFor(t, 150*time.Second, "the rescued assessment and its notification", func() bool {
		a, err := f.Assessment(ctx, by, second.ID)
		return err == nil && a.Status == fleet.Done && len(received()) > 0
	})
	// Running it once more (a duplicate delivery of the job) adds nothing.
	if err := f.RunAssessment(ctx, second.ID, 3); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second) // delivery ticks
	if r := received(); len(r) != 1 || !strings.Contains(r[0], second.ID) || !strings.Contains(r[0], "OSV-TEST-LP") {
		t.Errorf("received %d notifications, want one of assessment %s naming OSV-TEST-LP: %v", len(r), second.ID, r)
	}
	ns, _, err := f.Notifications(ctx, admin, Page{Limit: 50})
	if err != nil || len(ns) != 1 || ns[0].Status != fleet.Delivered {
		t.Errorf("notifications recorded: %+v %v", ns, err)
	}
	if as := assessments(dev.ID); len(as) != before+1 {
		t.Errorf("%d assessments, want %d", len(as), before+1)
	}
	st, err := f.JobStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rescued := false
	for _, e := range st.Errors {
		rescued = rescued || e.Kind == fleet.JobAssess && strings.Contains(e.Error, "rescued")
	}
	if b, _ := json.Marshal(st); !rescued {
		t.Errorf("the rescue is not among the jobs' errors: %s", b)
	}
	if got, err := store.HashOf(filepath.Join(dir, "rescuer", "vuln.db")); err != nil || got != hash {
		t.Errorf("the rescuing worker's vulnerability database is %q (%v), want the one published, %s", got, err, hash)
	}
}

// TestRematchInShards: with the work as jobs, advisories imported
// within one window are matched against the fleet together, in one job
// per range of devices, and only the devices they reach are assessed
// again, each once.
func TestRematchInShards(t *testing.T) {
	dsn := pgtest.Database(t)
	ctx := context.Background()
	f, err := Open(ctx, app.New(app.Config{DB: filepath.Join(t.TempDir(), "vuln.db"), Snapshot: true}), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	defer func(n int) { ShardSize = n }(ShardSize)
	ShardSize = 2
	by := actorOf(t, f, "A", RoleAssessor)
	model := "apiVersion: mdcheck.dev/v1\nkind: Device\nidentity: {manufacturer: A, product: App %d, model: M}\ncomponents:\n  - {id: a, name: App, kind: standalone-software, role: device, sbom: sbom/app.cdx.json}\n"
	sbom := `{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":[{"type":"library","name":"%s","version":"1.0.0","purl":"pkg:npm/%s@1.0.0"}]}`
	hit := map[string]bool{}
	var devices []string
	for i := range 5 {
		pkg := "right-pad"
		if i%2 == 0 {
			pkg = "left-pad"
		}
		d, _, err := f.AddDevice(ctx, by, []byte(fmt.Sprintf(model, i)))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.UploadFile(ctx, by, d.ID, "sbom/app.cdx.json", []byte(fmt.Sprintf(sbom, pkg, pkg))); err != nil {
			t.Fatal(err)
		}
		devices = append(devices, d.ID)
		hit[d.ID] = pkg == "left-pad"
	}
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := f.Work(wctx, WorkOptions{Workers: 2}); err != nil {
			t.Errorf("work: %v", err)
		}
	}()
	defer func() { cancel(); <-done }()
	count := func(kind, state string) int64 {
		st, err := f.JobStates(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range st.Counts {
			if c.Kind == kind && c.State == state {
				return c.Count
			}
		}
		return 0
	}
	idle := func() bool {
		n, err := f.Pending(ctx)
		return err == nil && n == 0 && count(fleet.JobAssess, "available") == 0 && count(fleet.JobAssess, "running") == 0 &&
			count(fleet.JobMonitor, "available") == 0 && count(fleet.JobMonitor, "running") == 0 && count(fleet.JobRematch, "available") == 0 && count(fleet.JobRematch, "running") == 0
	}
	waitFor(t, 60*time.Second, "the first assessments", idle)
	before := map[string]int{}
	for _, d := range devices {
		as, _, _ := f.Assessments(ctx, by, d, Page{Limit: 50})
		before[d] = len(as)
	}
	// Two imports in one window (the store's clock held where the
	// window ends at least two seconds from now, so that both commit
	// before it does).
	at := time.Now().Add(2 * time.Second)
	f.store.Now = func() time.Time { return at }
	for _, id := range []string{"OSV-TEST-LP", "OSV-TEST-LP2"} {
		osv := `{"id":"` + id + `","modified":"2026-01-01T00:00:00Z","summary":"left-pad test","affected":[{"package":{"ecosystem":"npm","name":"left-pad"},"versions":["1.0.0"]}]}`
		if _, err := f.ImportAdvisory(ctx, by, []byte(osv)); err != nil {
			t.Fatal(err)
		}
	}
	f.store.Now = func() time.Time { return time.Now().UTC() }
	waitFor(t, 60*time.Second, "the re-match", func() bool {
		return count(fleet.JobMonitor, "completed") == 2 && count(fleet.JobRematch, "completed") >= 3 && idle()
	})
	if n := count(fleet.JobRematch, "completed"); n != 3 {
		t.Errorf("%d re-match jobs ran, want 3: the two imports of a window matched together, in three ranges of two devices", n)
	}
	for _, d := range devices {
		as, _, _ := f.Assessments(ctx, by, d, Page{Limit: 50})
		added := len(as) - before[d]
		switch {
		case hit[d] && added != 1:
			t.Errorf("device %s, reached, assessed %d more times", d, added)
		case !hit[d] && added != 0:
			t.Errorf("device %s, not reached, assessed %d more times", d, added)
		case hit[d]:
			a, err := f.Assessment(ctx, by, as[len(as)-1].ID)
			if err != nil || a.Status != fleet.Done || !strings.Contains(string(a.Report), `OSV-TEST-LP"`) || !strings.Contains(string(a.Report), `OSV-TEST-LP2"`) {
				t.Errorf("device %s: %s without both advisories' findings (%v)", d, a.Status, err)
			}
		}
	}
}

// TestPostgresRestart: a worker rides out a restart of its PostgreSQL
// server: an upload after the restart is assessed by the same worker.
func TestPostgresRestart(t *testing.T) {
	if os.Getenv("MDCHECK_TEST_POSTGRES") == "" && os.Getenv("CI") != "true" {
		t.Skip("PostgreSQL skipped: MDCHECK_TEST_POSTGRES is not set (.ci/run sets it); this test starts a server of its own")
	}
	script, err := filepath.Abs("../../scripts/test-postgres.sh")
	if err != nil {
		t.Fatal(err)
	}
	parent, err := os.MkdirTemp("", "mdcheck-pg-restart-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(parent, 0o755) // the server runs as postgres when the test runs as root
	dir := filepath.Join(parent, "cluster")
	out, err := exec.Command(script, "start", dir).Output()
	if err != nil {
		t.Fatalf("starting PostgreSQL: %v", err)
	}
	t.Cleanup(func() { exec.Command(script, "stop", dir).Run(); os.RemoveAll(parent) })
	dsn := strings.TrimSpace(string(out))
	ctx := context.Background()
	f, err := Open(ctx, app.New(app.Config{DB: filepath.Join(t.TempDir(), "vuln.db"), Snapshot: true}), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	by := actorOf(t, f, "A", RoleAssessor)
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); f.Work(wctx, WorkOptions{Workers: 1, Monitor: time.Second}) }()
	defer func() { cancel(); <-done }()
	status := func(id string) string {
		a, err := f.Assessment(ctx, by, id)
		if err != nil {
			return "unread: " + err.Error()
		}
		return a.Status
	}
	_, first, err := f.AddDevice(ctx, by, []byte(flip+"}]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 60*time.Second, "the assessment before the restart", func() bool { return status(first.ID) == fleet.Done })
	if out, err := exec.Command(script, "restart", dir).CombinedOutput(); err != nil {
		t.Fatalf("restarting PostgreSQL: %v %s", err, out)
	}
	var second Assessment
	waitFor(t, 60*time.Second, "an upload after the restart", func() bool {
		_, second, err = f.AddDevice(ctx, by, []byte(flip+flipOpen+"}]}\n"))
		return err == nil
	})
	waitFor(t, 90*time.Second, "the assessment after the restart", func() bool { return status(second.ID) == fleet.Done })
}
