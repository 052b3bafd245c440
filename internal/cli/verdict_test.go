package cli

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mdcheck/mdcheck/internal/testutil/website"
	"github.com/spf13/cobra"
)

// The tests here run mdcheck as a child process: what they hold is its
// exit code, its output and the files it leaves.

// proc runs the binary with args and returns its exit code and output.
func proc(t *testing.T, bin string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return exit.ExitCode(), out.String(), errb.String()
	case err != nil:
		t.Fatal(err)
	}
	return 0, out.String(), errb.String()
}

// goodDB imports the curated records into a database of its own and
// returns it with its content.
func goodDB(t *testing.T, bin, dir string) (string, []byte) {
	t.Helper()
	db := filepath.Join(dir, "vuln.db")
	if code, _, errs := proc(t, bin, "db", "import", "--db", db, "internal/vuln/testdata/osv", "internal/vuln/testdata/kev/kev-subset.json"); code != ExitOK {
		t.Fatalf("db import: exit %d: %s", code, errs)
	}
	data, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	return db, data
}

func unchanged(t *testing.T, db string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(db)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("%s changed (%v)", db, err)
	}
}

// TestImportNeverWorse: an import that brings nothing, or less than the
// database has, leaves it as it was, and says why.
func TestImportNeverWorse(t *testing.T) {
	bin, dir := buildBinary(t)
	db, before := goodDB(t, bin, dir)
	empty := filepath.Join(dir, "empty")
	unrelated := filepath.Join(dir, "unrelated")
	for _, d := range []string{empty, unrelated} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, data := range map[string]string{"README.md": "# feeds\n", "notes.txt": "nothing", "logo.png": "\x89PNG\r\n"} {
		if err := os.WriteFile(filepath.Join(unrelated, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	emptyZip := filepath.Join(dir, "empty.zip")
	var buf bytes.Buffer
	if err := zip.NewWriter(&buf).Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(emptyZip, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{empty, unrelated, emptyZip} {
		code, _, errs := proc(t, bin, "db", "import", "--db", db, in)
		if code != ExitInput || !strings.Contains(errs, "no vulnerability data found in "+in) || !strings.Contains(errs, "--allow-shrink") {
			t.Errorf("import of %s: exit %d, %q", in, code, errs)
		}
		unchanged(t, db, before)
	}
	// Most of a source lost: the OSV records kept, the KEV catalog gone.
	code, _, errs := proc(t, bin, "db", "import", "--db", db, "internal/vuln/testdata/osv")
	if code != ExitInput || !strings.Contains(errs, "KEV entries: 5 now, 0 in the new one") {
		t.Errorf("an import losing KEV: exit %d, %q", code, errs)
	}
	unchanged(t, db, before)
	// With consent it goes through.
	if code, out, errs := proc(t, bin, "db", "import", "--allow-shrink", "--db", db, "internal/vuln/testdata/osv"); code != ExitOK || !strings.Contains(out, "records imported") {
		t.Errorf("--allow-shrink: exit %d, %s%s", code, out, errs)
	}
	// After all that, a vulnerable SBOM still fails the gate.
	code, _, errs = proc(t, bin, "scan", "--db", db, "--max-db-age", "0", "--fail-on", "low", "examples/pacemaker-system/sbom/portal-frontend.cdx.json")
	if code != ExitFindings {
		t.Errorf("scan --fail-on low of a vulnerable SBOM: exit %d, %q", code, errs)
	}
}

// TestImportLockAndLeftovers: a second import while one runs fails with
// a clear message and leaves the database alone; what a killed import
// left is removed by the next.
func TestImportLockAndLeftovers(t *testing.T) {
	bin, dir := buildBinary(t)
	db, before := goodDB(t, bin, dir)
	lock, err := os.OpenFile(db+".lock", os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	lock.WriteString("4242\n")
	code, _, errs := proc(t, bin, "db", "import", "--db", db, "internal/vuln/testdata/osv", "internal/vuln/testdata/kev/kev-subset.json")
	if code != ExitInput || !strings.Contains(errs, "another import into this database is running (process 4242)") {
		t.Errorf("a second import: exit %d, %q", code, errs)
	}
	unchanged(t, db, before)
	syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	lock.Close()

	stale := filepath.Join(dir, ".vuln.db.123456.tmp")
	for _, f := range []string{stale, stale + "-journal"} {
		if err := os.WriteFile(f, []byte("left by a killed import"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if code, _, errs := proc(t, bin, "db", "import", "--db", db, "internal/vuln/testdata/osv", "internal/vuln/testdata/kev/kev-subset.json"); code != ExitOK {
		t.Fatalf("import: exit %d, %s", code, errs)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the leftover of a killed import is still there: %v", err)
	}
}

// TestImportKilled kills imports at several points: the previous database
// stays byte-identical and usable, and the next import cleans up.
func TestImportKilled(t *testing.T) {
	bin, dir := buildBinary(t)
	db, before := goodDB(t, bin, dir)
	// A large enough input that the import is still running when killed.
	feed := filepath.Join(repoRoot, "..", "shared", "data", "osv", "go-vulndb")
	if _, err := os.Stat(feed); err != nil {
		feed = filepath.Join(repoRoot, "internal/vuln/testdata/osv")
	}
	killed := 0
	for _, after := range []time.Duration{20 * time.Millisecond, 150 * time.Millisecond, 600 * time.Millisecond} {
		for _, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGINT} {
			// What a SIGKILL before left: the next import removes it once
			// it runs, which a Ctrl-C at start-up may come before.
			earlier, _ := filepath.Glob(filepath.Join(dir, ".vuln.db.*.tmp"))
			cmd := exec.Command(bin, "db", "import", "--allow-shrink", "--db", db, feed)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(after)
			cmd.Process.Signal(sig)
			err := cmd.Wait()
			if err == nil {
				// Finished before the signal: start again from the
				// database it built.
				if before, err = os.ReadFile(db); err != nil {
					t.Fatal(err)
				}
				continue
			}
			killed++
			unchanged(t, db, before)
			left, _ := filepath.Glob(filepath.Join(dir, ".vuln.db.*.tmp"))
			left = slices.DeleteFunc(left, func(f string) bool { return slices.Contains(earlier, f) })
			if sig == syscall.SIGINT && len(left) > 0 {
				t.Errorf("Ctrl-C after %v left %v", after, left)
			}
			if code, out, errs := proc(t, bin, "db", "status", "--db", db); code != ExitOK || !strings.Contains(out, "Records:") {
				t.Errorf("after %v the database is not usable: exit %d %s", after, code, errs)
			}
		}
	}
	if killed == 0 {
		t.Error("every import finished before its signal: nothing was tested")
	}
	if code, _, errs := proc(t, bin, "db", "import", "--allow-shrink", "--db", db, "internal/vuln/testdata/osv"); code != ExitOK {
		t.Fatalf("import: exit %d, %s", code, errs)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".vuln.db.*.tmp*")); len(left) > 0 {
		t.Errorf("leftovers after the next import: %v", left)
	}
}

// TestDatabaseCauses: a database that cannot be used says why and how to
// get one, never that it is something it is not.
func TestDatabaseCauses(t *testing.T) {
	bin, dir := buildBinary(t)
	db, data := goodDB(t, bin, dir)
	cut := filepath.Join(dir, "cut.db")
	if err := os.WriteFile(cut, data[:len(data)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	flipped := filepath.Join(dir, "flipped.db")
	bad := append([]byte(nil), data...)
	for i := len(bad) / 2; i < len(bad)/2+4096 && i < len(bad); i++ {
		bad[i] ^= 0xff
	}
	if err := os.WriteFile(flipped, bad, 0o600); err != nil {
		t.Fatal(err)
	}
	unreadable := filepath.Join(dir, "unreadable.db")
	if err := os.WriteFile(unreadable, data, 0o000); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"db", "status", "--db", cut}, "is damaged"},
		{[]string{"db", "verify", "--db", flipped}, "damaged"},
		{[]string{"db", "status", "--db", dir}, "is a directory, not a vulnerability database file"},
		{[]string{"db", "status", "--db", filepath.Join(dir, "none.db")}, "mdcheck db update"},
	} {
		code, _, errs := proc(t, bin, tt.args...)
		if code != ExitInput || !strings.Contains(errs, tt.want) {
			t.Errorf("%v: exit %d, %q; want exit 2 saying %q", tt.args, code, errs, tt.want)
		}
	}
	if os.Geteuid() != 0 { // root reads any file
		if code, _, errs := proc(t, bin, "db", "status", "--db", unreadable); code != ExitInput || !strings.Contains(errs, "permission denied") {
			t.Errorf("unreadable: exit %d, %q", code, errs)
		}
	}
	if code, out, errs := proc(t, bin, "db", "verify", "--db", db); code != ExitOK || !strings.Contains(out, "sound") {
		t.Errorf("verify of a sound database: exit %d, %s%s", code, out, errs)
	}
}

// TestNewestOfZeroModified: records whose modified date is the zero time
// (the Go vulnerability database's) count by their publication.
func TestNewestOfZeroModified(t *testing.T) {
	bin, dir := buildBinary(t)
	rec := filepath.Join(dir, "GO-2020-0001.json")
	if err := os.WriteFile(rec, []byte(`{"schema_version":"1.3.1","id":"GO-2020-0001","modified":"0001-01-01T00:00:00Z","published":"2021-04-14T20:04:52Z",
"affected":[{"package":{"name":"github.com/gin-gonic/gin","ecosystem":"Go"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.6.0"}]}]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "go.db")
	if code, _, errs := proc(t, bin, "db", "import", "--db", db, rec); code != ExitOK {
		t.Fatalf("import: exit %d, %s", code, errs)
	}
	_, out, _ := proc(t, bin, "db", "status", "--db", db)
	if !strings.Contains(out, "Newest:   2021-04-14T20:04:52Z") {
		t.Errorf("status:\n%s", out)
	}
}

// TestFailOnOneMeaning: a vulnerability with no severity (no CVSS vector,
// no rating, as every Go record) trips --fail-on at high in scan as in
// check, and the run names what tripped it.
func TestFailOnOneMeaning(t *testing.T) {
	bin, dir := buildBinary(t)
	rec := filepath.Join(dir, "GO-2024-0001.json")
	if err := os.WriteFile(rec, []byte(`{"id":"GO-2024-0001","modified":"2024-01-01T00:00:00Z","summary":"A flaw without a rating",
"affected":[{"package":{"name":"example.com/lib","ecosystem":"Go"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.2.0"}]}]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	sbomFile := filepath.Join(dir, "app.cdx.json")
	if err := os.WriteFile(sbomFile, []byte(`{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,
"metadata":{"timestamp":"2024-01-01T00:00:00Z","authors":[{"name":"A"}],"component":{"type":"application","name":"app","version":"1"}},
"components":[{"type":"library","bom-ref":"lib","supplier":{"name":"Example"},"name":"example.com/lib","version":"1.1.0","purl":"pkg:golang/example.com/lib@1.1.0"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(dir, "device.yaml")
	if err := os.WriteFile(model, []byte("apiVersion: mdcheck.dev/v1\nkind: Device\nidentity: {manufacturer: Acme, product: Gateway}\ncomponents:\n  - {id: gw, name: Gateway, kind: gateway, role: device, sbom: app.cdx.json}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "go.db")
	if code, _, errs := proc(t, bin, "db", "import", "--db", db, rec); code != ExitOK {
		t.Fatalf("import: exit %d, %s", code, errs)
	}
	code, _, errs := proc(t, bin, "scan", "--db", db, "--max-db-age", "0", "--fail-on", "high", sbomFile)
	if code != ExitFindings || !strings.Contains(errs, "--fail-on high: 1 at or above it") || !strings.Contains(errs, "GO-2024-0001") || !strings.Contains(errs, "(high)") {
		t.Errorf("scan: exit %d, %q", code, errs)
	}
	if code, _, errs := proc(t, bin, "scan", "--db", db, "--max-db-age", "0", "--fail-on", "critical", sbomFile); code != ExitOK {
		t.Errorf("scan --fail-on critical: exit %d, %q", code, errs)
	}
	code, _, errs = proc(t, bin, "check", "--db", db, "--max-db-age", "0", "--fail-on", "high", model)
	if code != ExitFindings || !strings.Contains(errs, "vuln/known-vulnerabilities@gw/GO-2024-0001") {
		t.Errorf("check: exit %d, %q", code, errs)
	}
}

// TestCoverageTellsTheTruth: a component of an ecosystem the database
// holds nothing for is not counted as checked.
func TestCoverageTellsTheTruth(t *testing.T) {
	bin, dir := buildBinary(t)
	db, _ := goodDB(t, bin, dir) // npm, Maven, NuGet, ... but no Go
	sbomFile := filepath.Join(dir, "go.cdx.json")
	if err := os.WriteFile(sbomFile, []byte(`{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,
"components":[{"type":"library","bom-ref":"a","name":"example.com/lib","version":"1.1.0","purl":"pkg:golang/example.com/lib@1.1.0"},
{"type":"library","bom-ref":"b","name":"widget","version":"1.0"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := proc(t, bin, "scan", "--db", db, "--max-db-age", "0", sbomFile)
	if code != ExitOK || !strings.Contains(flat(out), "0 of 2 components checked, 1 not checkable, 1 no data in the database") ||
		!strings.Contains(flat(out), "no data in the database: 1 components: no advisory source for ecosystem Go in the database") {
		t.Errorf("scan: exit %d\n%s%s", code, out, errs)
	}
	_, out, _ = proc(t, bin, "scan", "--db", db, "--max-db-age", "0", "-f", "json", sbomFile)
	if !strings.Contains(out, `"status": "no-data"`) || !strings.Contains(out, `"status": "not-checkable"`) || strings.Contains(out, `"checked": true`) {
		t.Errorf("scan -f json:\n%s", out)
	}
}

// TestRealFoldersImport: a folder as a download lays it out, with its
// companions and one advisory that is not valid, imports; a VEX document
// none of whose products can be matched to SBOM components is a warning,
// not an abort.
func TestRealFoldersImport(t *testing.T) {
	bin, dir := buildBinary(t)
	feed := filepath.Join(dir, "feed")
	for name, from := range map[string]string{"kev/known_exploited_vulnerabilities.json": "internal/vuln/testdata/kev/kev-subset.json", "osv/GHSA-jfh8-c2jp-5v3q.json": "internal/vuln/testdata/osv/GHSA-jfh8-c2jp-5v3q.json"} {
		data, err := os.ReadFile(filepath.Join(repoRoot, from))
		if err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(feed, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(f), 0o755)
		if err := os.WriteFile(f, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for name, data := range map[string]string{
		"kev/known_exploited_vulnerabilities_schema.json": `{"$schema": "http://json-schema.org/draft-04/schema#", "properties": {"cveID": {}}}`,
		"changes.csv":       "\"a.json\",\"2024-01-01\"\n",
		"osv/GHSA-bad.json": `{"id": "GHSA-bad", "modified": "2024-01-01T00:00:00Z", "affected": 7}`,
	} {
		if err := os.WriteFile(filepath.Join(feed, filepath.FromSlash(name)), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	db := filepath.Join(dir, "real.db")
	code, out, errs := proc(t, bin, "db", "import", "--db", db, feed)
	if code != ExitOK || !strings.Contains(out, "1 records imported") || !strings.Contains(errs, "2 files passed over as not vulnerability data: 1 a CSV file that is not EPSS scores, 1 a JSON Schema") ||
		!strings.Contains(errs, "warning: passed over an advisory that is not valid (--strict stops at it):") || !strings.Contains(errs, "GHSA-bad.json") {
		t.Errorf("import: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs := proc(t, bin, "db", "import", "--strict", "--db", filepath.Join(dir, "strict.db"), feed); code != ExitInput || !strings.Contains(errs, "GHSA-bad.json") {
		t.Errorf("--strict: exit %d, %q", code, errs)
	}
	code, _, errs = proc(t, bin, "scan", "--db", db, "--max-db-age", "0", "--vex", "internal/vuln/testdata/vex/csaf-sec-vex-2022-0001.json", "examples/pacemaker-system/sbom/portal-frontend.cdx.json")
	if code != ExitOK || !strings.Contains(errs, "warning: no statement of this VEX document applies to SBOM components") {
		t.Errorf("scan --vex of a VEX naming products in words: exit %d, %q", code, errs)
	}
}

// TestUpdateFromHostileServers runs db update against a local server
// that sends what broken mirrors and hostile servers send: the database
// and the mirror keep what they had, and nothing holds the update long.
func TestUpdateFromHostileServers(t *testing.T) {
	bin, dir := buildBinary(t)
	s := website.New(t)
	good := osvZip(t, func(string) bool { return true })
	s.Put("/osv/npm/all.zip", good)
	db, mirror := filepath.Join(dir, "vuln.db"), filepath.Join(dir, "feeds")
	update := func(args ...string) (int, string, string) {
		return proc(t, bin, append([]string{"db", "update", "--db", db, "--mirror", mirror, "--osv", "npm", "--osv-url", s.URL + "/osv", "--kev-url", "", "--epss-url", ""}, args...)...)
	}
	if code, out, errs := update(); code != ExitOK {
		t.Fatalf("first update: exit %d\n%s%s", code, out, errs)
	}
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	var empty bytes.Buffer
	zip.NewWriter(&empty).Close()
	for name, data := range map[string][]byte{"empty": empty.Bytes(), "truncated": good[:len(good)/2]} {
		s.Put("/osv/npm/all.zip", data)
		code, _, errs := update()
		if code != ExitInput || !strings.Contains(errs, "the file was discarded") || !strings.Contains(errs, "the database was left as it was") {
			t.Errorf("%s archive: exit %d, %q", name, code, errs)
		}
		unchanged(t, db, before)
	}
	// The bad downloads never entered the mirror: with OSV off, the
	// update builds from what the mirror holds, as before.
	if code, _, errs := proc(t, bin, "db", "update", "--db", db, "--mirror", mirror, "--osv-url", "", "--kev-url", "", "--epss-url", ""); code != ExitOK {
		t.Errorf("update with OSV off: exit %d, %q", code, errs)
	}
	if before, err = os.ReadFile(db); err != nil {
		t.Fatal(err)
	}
	// A trickled body is dropped when it stalls; the whole update gives
	// up at its time limit.
	s.Put("/osv/npm/all.zip", good)
	s.Trickle("/osv/npm/all.zip", 100*time.Millisecond)
	start := time.Now()
	code, _, errs := update("--stall-timeout", "500ms")
	if code == ExitOK || !strings.Contains(errs, "stalled") {
		t.Errorf("trickled archive: exit %d, %q", code, errs)
	}
	code, _, errs = update("--stall-timeout", "1h", "--timeout", "1s")
	if code == ExitOK || !strings.Contains(errs, "took longer than its time limit of 1s") {
		t.Errorf("--timeout: exit %d, %q", code, errs)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("the trickling server held the updates for %v", d)
	}
	unchanged(t, db, before)
	// A redirect is followed.
	s.Put("/mirror/npm/all.zip", good)
	s.Redirect("/osv/npm/all.zip", "/mirror/npm/all.zip")
	if code, _, errs := update(); code != ExitOK {
		t.Errorf("redirected: exit %d, %q", code, errs)
	}
}

// TestOutputOntoDevicesAndLinks: -o writes through to a device and keeps
// a symbolic link one, and its errors name the user's path.
func TestOutputOntoDevicesAndLinks(t *testing.T) {
	bin, dir := buildBinary(t)
	if _, err := os.Stat("/dev/full"); err == nil {
		code, _, errs := proc(t, bin, "check", "--no-vulns", "-o", "/dev/full", "examples/insulin-pump/device.yaml")
		if code == ExitOK || !strings.Contains(errs, "write /dev/full: no space left on device") {
			t.Errorf("-o /dev/full: exit %d, %q", code, errs)
		}
		if st, err := os.Stat("/dev/full"); err != nil || st.Mode()&os.ModeCharDevice == 0 {
			t.Fatalf("/dev/full is no longer a device: %v", err)
		}
	}
	target := filepath.Join(dir, "report.md")
	link := filepath.Join(dir, "latest.md")
	if err := os.Symlink("report.md", link); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := proc(t, bin, "check", "--no-vulns", "-f", "md", "-o", link, "examples/insulin-pump/device.yaml"); code != ExitOK {
		t.Fatalf("-o link: exit %d, %q", code, errs)
	}
	if l, err := os.Lstat(link); err != nil || l.Mode()&os.ModeSymlink == 0 {
		t.Error("the link was replaced by a file")
	}
	if data, err := os.ReadFile(target); err != nil || !strings.Contains(string(data), "# ") {
		t.Errorf("the link's target holds %q, %v", data, err)
	}
	missing := filepath.Join(dir, "no", "such", "out.json")
	if code, _, errs := proc(t, bin, "check", "--no-vulns", "-o", missing, "examples/insulin-pump/device.yaml"); code == ExitOK || !strings.Contains(errs, missing) {
		t.Errorf("-o into a missing folder: exit %d, %q", code, errs)
	}
}

// TestDirectoryGivenAsFile: a directory where a file is expected is bad
// input (exit 2), saying so.
func TestDirectoryGivenAsFile(t *testing.T) {
	bin, _ := buildBinary(t)
	for _, args := range [][]string{{"check", "--no-vulns", "examples"}, {"classify", "examples"}, {"validate", "examples"}, {"sbom", "examples"}, {"scan", "examples"}} {
		if code, _, errs := proc(t, bin, args...); code != ExitInput || !strings.Contains(errs, "is a directory") {
			t.Errorf("%v: exit %d, %q", args, code, errs)
		}
	}
}

// TestOutputNameAgreesWithFormat: an output name whose ending belongs to
// another format is refused before anything is written.
func TestOutputNameAgreesWithFormat(t *testing.T) {
	bin, dir := buildBinary(t)
	for _, tt := range []struct {
		args []string
		file string
	}{
		{[]string{"check", "--no-vulns", "-f", "md", "-o"}, "report.json"},
		{[]string{"check", "--no-vulns", "-f", "json", "-o"}, "report.html"},
		{[]string{"mds2", "export", "-o"}, "mds2.csv"},
	} {
		out := filepath.Join(dir, tt.file)
		args := append(append([]string{}, tt.args...), out, "examples/insulin-pump/device.yaml")
		if code, _, errs := proc(t, bin, args...); code != ExitInput || !strings.Contains(errs, tt.file) {
			t.Errorf("%v: exit %d, %q", args, code, errs)
		}
		if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s was written", out)
		}
	}
	if code, _, errs := proc(t, bin, "check", "--no-vulns", "-f", "md", "-o", filepath.Join(dir, "report.md"), "examples/insulin-pump/device.yaml"); code != ExitOK {
		t.Errorf("a matching name: exit %d, %q", code, errs)
	}
}

// TestVersionSaysWhichBuild: mdcheck version names the commit it was
// built from: from the VCS information go build records, or from a
// release build's -ldflags.
func TestVersionSaysWhichBuild(t *testing.T) {
	t.Parallel() // a child process of its own: it overlaps the others
	head, err := exec.Command("git", "-C", repoRoot, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("no git checkout to build from: %v", err)
	}
	rev := strings.TrimSpace(string(head))
	dir := t.TempDir()
	for name, flags := range map[string][]string{
		"vcs":     {"-buildvcs=true"},
		"ldflags": {"-buildvcs=false", "-ldflags", "-X github.com/mdcheck/mdcheck/internal/cli.Version=v1.2.3 -X github.com/mdcheck/mdcheck/internal/cli.Commit=" + rev},
	} {
		bin := filepath.Join(dir, name)
		build := exec.Command("go", append(append([]string{"build"}, flags...), "-o", bin, "../../cmd/mdcheck")...)
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build %v: %v\n%s", flags, err, out)
		}
		if name == "vcs" {
			// go records VCS information only where it recognises the
			// checkout (not in every git worktree).
			if info, err := exec.Command("go", "version", "-m", bin).Output(); err != nil || !strings.Contains(string(info), "vcs.revision") {
				t.Logf("go build recorded no VCS information here: %v", err)
				continue
			}
		}
		code, out, errs := proc(t, bin, "version")
		if code != ExitOK || !strings.HasPrefix(out, "mdcheck ") || !strings.Contains(out, "commit  "+rev) {
			t.Errorf("%s build: version = %q (exit %d, %q), want commit %s", name, out, code, errs, rev)
		}
		if name == "ldflags" && !strings.HasPrefix(out, "mdcheck v1.2.3\n") {
			t.Errorf("release build: %q", out)
		}
		if name == "ldflags" {
			reportsStamped(t, bin, "v1.2.3", rev)
		}
	}
}

// reportsStamped checks that every report names the build, the catalog
// and the vulnerability data it was made with.
func reportsStamped(t *testing.T, bin, version, rev string) {
	t.Helper()
	_, js, errs := proc(t, bin, "check", "-f", "json", "examples/bp-monitor/device.yaml")
	var rep struct {
		Tool struct {
			Version, Commit, Catalog string
			Database                 *struct{ Hash, Newest string }
		}
	}
	if err := json.Unmarshal([]byte(js), &rep); err != nil {
		t.Fatalf("check -f json: %v (%s)", err, errs)
	}
	if rep.Tool.Version != version || rep.Tool.Commit != rev || rep.Tool.Catalog == "" || rep.Tool.Database == nil || !strings.HasPrefix(rep.Tool.Database.Hash, "sha256:") {
		t.Errorf("check -f json: tool = %+v, want version %s, commit %s, the catalog and the database hash", rep.Tool, version, rev)
	}
	for _, args := range [][]string{
		{"check", "-f", "md", "examples/bp-monitor/device.yaml"},
		{"check", "examples/bp-monitor/device.yaml"},
	} {
		_, out, _ := proc(t, bin, args...)
		if !strings.Contains(out, "mdcheck "+version+" (commit "+rev[:12]) || !strings.Contains(out, "catalog ") || !strings.Contains(out, rep.Tool.Database.Hash) {
			t.Errorf("mdcheck %s: no stamp of the build and data in:\n%s", strings.Join(args, " "), out)
		}
	}
	inv := writeIn(t, t.TempDir(), "inventory.csv", "vendor,product,version\nBD,Alaris PC Unit Model 8015,9.33.1\n")
	for _, args := range [][]string{
		{"scan", "-f", "json", "examples/pacemaker-system/sbom/portal-frontend.cdx.json"},
		{"inventory", "match", "-f", "json", inv},
	} {
		_, out, errs := proc(t, bin, args...)
		var doc struct {
			Tool     struct{ Version, Commit string }
			Database struct{ Hash string }
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.Tool.Version != version || doc.Tool.Commit != rev || doc.Database.Hash == "" {
			t.Errorf("mdcheck %s: tool %+v, database %+v (%v, %s)", strings.Join(args, " "), doc.Tool, doc.Database, err, errs)
		}
	}
}

// TestWaiverNamingNoRule: a waiver that can never apply (a misspelt rule,
// a requirement ID) is an error naming its line, not silently ignored.
func TestWaiverNamingNoRule(t *testing.T) {
	bin, dir := buildBinary(t)
	w := filepath.Join(dir, "waivers.yaml")
	if err := os.WriteFile(w, []byte("waivers:\n  - finding: \"net/no-cleartxt-protocols@pump/*\"\n    reason: segmented\n    owner: it@h.example\n    expires: 2027-01-31\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs := proc(t, bin, "check", "--no-vulns", "--waivers", w, "examples/infusion-pump/device.yaml")
	if code != ExitInput || !strings.Contains(errs, w+":2:14: finding") || !strings.Contains(errs, `did you mean "net/no-cleartext-protocols"?`) {
		t.Errorf("exit %d, %q", code, errs)
	}
}

// TestInputsCheckedAtLoad: waiver and policy files are checked when they
// are read, with file:line:column, and a policy rule that names no
// requirement still shows in the terminal and Markdown reports.
func TestInputsCheckedAtLoad(t *testing.T) {
	bin, dir := buildBinary(t)
	write := func(name, data string) string { return writeIn(t, dir, name, data) }
	w := write("waivers.yaml", "waivers:\n  - finding: \"net/*\"\n    reasons: segmented\n")
	code, out, errs := proc(t, bin, "check", "--no-vulns", "--waivers", w, "examples/infusion-pump/device.yaml")
	if code != ExitInput || out != "" || !strings.Contains(errs, w+`:3:5: unknown field "reasons"`) {
		t.Errorf("waiver with an unknown field: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	w = write("waivers2.yaml", "waivers:\n  - finding: \"net/*\"\n    reason: segmented\n    owner: it@h.example\n    expires: next year\n")
	code, _, errs = proc(t, bin, "check", "--no-vulns", "--waivers", w, "examples/infusion-pump/device.yaml")
	if code != ExitInput || !strings.Contains(errs, w+`:5:14: expires "next year" is not a date`) {
		t.Errorf("waiver with a bad date: exit %d, stderr %q", code, errs)
	}

	p := write("misspelt.yaml", "apiVersion: mdcheck.dev/v1\nkind: Policy\nname: x\nrules:\n  - id: house/x\n    title: X\n    severity: high\n    check: device.lifecycle.endOfSuport > now\n")
	code, out, errs = proc(t, bin, "check", "--no-vulns", "--policy", p, "examples/bp-monitor/device.yaml")
	if code != ExitInput || out != "" || !strings.Contains(errs, p+`:8:12: CEL: expression 1:18: the model has no field "endOfSuport" here (did you mean "endOfSupport"?)`) {
		t.Errorf("misspelt policy field: exit %d, stdout %q, stderr %q", code, out, errs)
	}

	p = write("house.yaml", "apiVersion: mdcheck.dev/v1\nkind: Policy\nname: house\nrules:\n  - id: house/versioned\n    title: Every component names a version\n    severity: medium\n    each: component\n    check: has(component.version)\n")
	code, out, errs = proc(t, bin, "check", "--no-vulns", "--policy", p, "examples/bp-monitor/device.yaml")
	if code != ExitOK || !strings.Contains(out, "FAIL    medium   house/versioned@backup\n") || !strings.Contains(out, "Every component names a version\n      under no requirement (a policy rule)") {
		t.Errorf("table output of a rule under no requirement: exit %d, stderr %q, stdout:\n%s", code, errs, out)
	}
	code, out, _ = proc(t, bin, "check", "--no-vulns", "--format", "md", "--policy", p, "examples/bp-monitor/device.yaml")
	if code != ExitOK || !strings.Contains(out, "| `house/versioned@backup` | fail |") || !strings.Contains(out, "| `house/versioned@app` | pass |") {
		t.Errorf("Markdown output of a rule under no requirement: exit %d:\n%s", code, out)
	}
}

// TestModelLinksChecked: validate refuses a data flow over an interface
// that does not reach its receiver and mutual authentication with nobody;
// check fails an open link interface that names no peer.
func TestModelLinksChecked(t *testing.T) {
	bin, dir := buildBinary(t)
	const base = "apiVersion: mdcheck.dev/v1\nkind: Device\nidentity: {manufacturer: Acme, product: Widget}\ncomponents:\n" +
		"  - id: main\n    name: Widget\n    kind: hardware-device\n    role: device\n"
	write := func(name, data string) string { return writeIn(t, dir, name, data) }
	flow := write("flow.yaml", base+"    interfaces: [{id: lan, kind: wired-network, connectsTo: [gw]}]\n"+
		"  - {id: gw, name: Gateway, kind: gateway, role: device}\n  - {id: app, name: App, kind: mobile-app, role: device}\n"+
		"dataAssets: [{id: d, kind: logs}]\ndataFlows: [{from: main, to: app, interface: lan, assets: [d]}]\n")
	code, out, errs := proc(t, bin, "validate", flow)
	if code != ExitInput || !strings.Contains(errs, flow+`:13:46: the flow from "main" to "app" goes over main/lan, which connects to gw`) {
		t.Errorf("validate, flow over the wrong interface: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	mutual := write("mutual.yaml", base+"    interfaces: [{id: lan, kind: wired-network, authentication: {required: true, mutual: true}}]\n")
	code, _, errs = proc(t, bin, "validate", mutual)
	if code != ExitInput || !strings.Contains(errs, mutual+`:9:90: interface main/lan claims mutual authentication but connects to nothing`) {
		t.Errorf("validate, mutual authentication with no peer: exit %d, stderr %q", code, errs)
	}
	open := write("open.yaml", base+"    interfaces: [{id: lan, kind: wired-network, exposure: hospital-network, authentication: {required: false}}]\n")
	code, out, errs = proc(t, bin, "check", "--no-vulns", "--format", "json", "--fail-on", "high", open)
	if code != ExitFindings || !strings.Contains(out, `"id": "auth/node-authentication@main/lan"`) || !strings.Contains(errs, "auth/node-authentication@main/lan") {
		t.Errorf("check, open interface with no peer: exit %d, stderr %q", code, errs)
	}
}

// writeIn writes data to dir/name and returns the path.
func writeIn(t *testing.T, dir, name, data string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestInvalidUTF8Refused: JSON that is not UTF-8 is refused with where,
// never read with its bytes replaced, in every JSON input.
func TestInvalidUTF8Refused(t *testing.T) {
	bin, dir := buildBinary(t)
	sbom := writeIn(t, dir, "bad.cdx.json", "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\",\n \"components\": [{\"type\": \"library\", \"name\": \"openss\xecl\", \"version\": \"1.0.1\", \"purl\": \"pkg:generic/openssl@1.0.1\"}]}")
	vex := writeIn(t, dir, "bad.openvex.json", "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"@id\": \"x\", \"author\": \"\xff\", \"timestamp\": \"2026-01-01T00:00:00Z\", \"version\": 1, \"statements\": []}")
	inv := writeIn(t, dir, "bad-inventory.json", "[{\"vendor\": \"Acme\", \"product\": \"Pump\xc0\", \"version\": \"1\"}]")
	osv := filepath.Join(dir, "osv")
	if err := os.MkdirAll(osv, 0o755); err != nil {
		t.Fatal(err)
	}
	writeIn(t, osv, "GHSA-bad.json", "{\"id\": \"GHSA-bad\", \"modified\": \"2026-01-01T00:00:00Z\", \"summary\": \"\xfe\", \"affected\": []}")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"sbom", sbom}, sbom + ": 2:52 (byte 100): invalid UTF-8 (byte 0xec)"},
		{[]string{"scan", sbom}, sbom + ": 2:52 (byte 100): invalid UTF-8"},
		{[]string{"scan", "--vex", vex, "examples/pacemaker-system/sbom/portal-frontend.cdx.json"}, vex + ":1:70 (byte 69): invalid UTF-8 (byte 0xff)"},
		{[]string{"inventory", "match", inv}, inv + ":1:37 (byte 36): invalid UTF-8 (byte 0xc0)"},
		{[]string{"db", "import", "--strict", "--db", filepath.Join(dir, "v.db"), osv}, "GHSA-bad.json:1:68 (byte 67): invalid UTF-8 (byte 0xfe)"},
	} {
		code, out, errs := proc(t, bin, tt.args...)
		if code != ExitInput || !strings.Contains(errs, tt.want) {
			t.Errorf("mdcheck %s: exit %d, stdout %q, stderr %q; want 2 and %q", strings.Join(tt.args, " "), code, out, errs, tt.want)
		}
	}
}

// TestExitCodeTable: docs/exit-codes.md has a row for every command, and
// exactly the commands with --fail-on say when they exit 1.
func TestExitCodeTable(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(repoRoot, "docs", "exit-codes.md"))
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string][]string{}
	for _, line := range strings.Split(string(doc), "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		rows[strings.Trim(cells[0], "`")] = cells
	}
	root := newRoot(io.Discard, io.Discard)
	root.InitDefaultCompletionCmd()
	var leaves []*cobra.Command
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" {
			return
		}
		if c.Runnable() && c != root && (!c.HasSubCommands() || c.Name() == "completion") {
			leaves = append(leaves, c)
			return
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
	if len(leaves) < 15 {
		t.Fatalf("found %d commands, want at least 15", len(leaves))
	}
	for _, c := range leaves {
		name := strings.TrimPrefix(c.CommandPath(), "mdcheck ")
		if strings.HasPrefix(name, "completion ") {
			name = "completion"
		}
		row, ok := rows[name]
		if !ok {
			t.Errorf("docs/exit-codes.md has no row for %q", name)
			continue
		}
		if len(row) != 5 {
			t.Errorf("row %q has %d cells, want 5", name, len(row))
			continue
		}
		// verify's and audit verify's threshold is any difference from
		// what was signed.
		hasThreshold := c.Flags().Lookup("fail-on") != nil || name == "verify" || name == "audit verify"
		if says := row[2] != "—"; says != hasThreshold {
			t.Errorf("%s: --fail-on %v, but the table's exit-1 cell is %q", name, hasThreshold, row[2])
		}
	}
}

// TestUnknownSubcommand: a word that names no command is a usage error at
// every level, not the help with exit 0.
func TestUnknownSubcommand(t *testing.T) {
	bin, _ := buildBinary(t)
	for _, args := range [][]string{{"frob"}, {"db", "frob"}, {"catalog", "frob"}, {"mds2", "frob"}, {"inventory", "frob"}, {"completion", "tcsh"}} {
		code, out, errs := proc(t, bin, args...)
		if code != ExitInput || out != "" || !strings.Contains(errs, `unknown command "`+args[len(args)-1]+`"`) {
			t.Errorf("mdcheck %s: exit %d, stdout %q, stderr %q", strings.Join(args, " "), code, out, errs)
		}
	}
	if code, out, _ := proc(t, bin, "db"); code != ExitOK || !strings.Contains(out, "Available Commands") {
		t.Errorf("mdcheck db: exit %d, %q; want the help and 0", code, out)
	}
}
