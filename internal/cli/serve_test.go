package cli

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/mdcheck/mdcheck/internal/testutil/hostile"
	"github.com/mdcheck/mdcheck/internal/testutil/pgtest"
)

// child is a running mdcheck serve child process.
type child struct {
	cmd *exec.Cmd
	url string
}

// startServer starts bin serve with env and waits for its address.
func startServer(t *testing.T, bin string, env []string) *child {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = env
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("serve printed no address: %v", err)
	}
	_, rest, ok := strings.Cut(line, "listening on ")
	if !ok {
		t.Fatalf("serve said %q", line)
	}
	go io.Copy(io.Discard, out)
	return &child{cmd: cmd, url: strings.Fields(rest)[0]}
}

func (s *child) get(t *testing.T, path, token string) (int, string) {
	t.Helper()
	return s.do(t, "GET", path, token, "", nil)
}

// do sends a request with token and body of type ctype.
func (s *child) do(t *testing.T, method, path, token, ctype string, body []byte) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, s.url+path, bytes.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// freshMachine builds mdcheck, gives it a home of its own and an
// assessor token of org from token create (the last word of its last
// line), and returns them.
func freshMachine(t *testing.T, org string) (bin, dir string, env []string, token string) {
	t.Helper()
	bin, dir = buildBinary(t)
	env = append(os.Environ(), "HOME="+dir, "XDG_DATA_HOME="+filepath.Join(dir, "data"), "XDG_CACHE_HOME="+filepath.Join(dir, "cache"), "MDCHECK_ADDR=127.0.0.1:0")
	c := exec.Command(bin, "token", "create", "--org", org, "--role", "assessor")
	c.Env = env
	out, err := c.Output()
	if err != nil {
		t.Fatalf("token create: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	words := strings.Fields(lines[len(lines)-1])
	return bin, dir, env, words[len(words)-1]
}

// TestServeFromAFreshMachine: with nothing set up, serve starts, answers
// 401 without a token and 200 with one from token create; an upload
// acknowledged before kill -9 is there after a restart and its
// assessment runs; audit verify passes, then names the record a direct
// change to the database rewrote.
func TestServeFromAFreshMachine(t *testing.T) {
	bin, dir, env, token := freshMachine(t, "St Elsewhere")
	s := startServer(t, bin, env)
	if code, body := s.get(t, "/api/v1/devices", ""); code != 401 {
		t.Fatalf("no token: %d %s", code, body)
	}
	if code, body := s.get(t, "/api/v1/devices", token); code != 200 {
		t.Fatalf("with the token: %d %s", code, body)
	}
	model, err := os.ReadFile(filepath.Join(repoRoot, "examples/radiology-viewer/device.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if code, body := s.do(t, "POST", "/api/v1/devices", token, "application/yaml", model); code != 201 {
		t.Fatalf("upload: %d %s", code, body)
	}
	// Killed at once: what was acknowledged must be there.
	s.cmd.Process.Signal(syscall.SIGKILL)
	s.cmd.Wait()

	s = startServer(t, bin, env)
	deadline := time.Now().Add(2 * time.Minute)
	for {
		code, body := s.get(t, "/api/v1/devices", token)
		if code != 200 || !strings.Contains(body, `"modelVersion": 1`) {
			t.Fatalf("after kill -9 the upload is gone: %d %s", code, body)
		}
		id := body[strings.Index(body, `"id": "`)+7:]
		id = id[:strings.Index(id, `"`)]
		if _, list := s.get(t, "/api/v1/devices/"+id+"/assessments", token); strings.Contains(list, `"status": "done"`) || strings.Contains(list, `"status": "failed"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the assessment left queued by the killed server never ran")
		}
		time.Sleep(100 * time.Millisecond)
	}
	// A graceful stop signs the head.
	s.cmd.Process.Signal(syscall.SIGTERM)
	if err := s.cmd.Wait(); err != nil {
		t.Fatalf("serve after SIGTERM: %v", err)
	}
	verify := func() (int, string) {
		c := exec.Command(bin, "audit", "verify")
		c.Env = env
		b, err := c.Output()
		if e, ok := err.(*exec.ExitError); ok {
			return e.ExitCode(), string(b)
		}
		return 0, string(b)
	}
	if code, out := verify(); code != 0 || !strings.Contains(out, "intact") || strings.Contains(out, " 0 signed") {
		t.Fatalf("audit verify: %d %s", code, out)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "data", "mdcheck", "fleet.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE audit SET actor = 'someone-else' WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if code, out := verify(); code != ExitFindings || !strings.Contains(out, "record 3 (") {
		t.Errorf("audit verify after a change: %d %s", code, out)
	}
}

// TestServeHostileUploads: hostile models, SBOMs and a zip-bomb MDS2
// workbook, against a child server: each refused with problem details,
// the store unchanged by each refusal, the server under 256 MiB.
func TestServeHostileUploads(t *testing.T) {
	t.Parallel() // a child process of its own: it overlaps the others
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("peak memory is read from /proc")
	}
	bin, _, env, token := freshMachine(t, "A")
	s := startServer(t, bin, env)
	send := func(method, path, ctype string, body []byte) (int, string) {
		return s.do(t, method, path, token, ctype, body)
	}
	code, body := send("POST", "/api/v1/devices", "application/yaml", []byte(hostile.Minimal+"    sbom: sbom/main.cdx.json\n"))
	if code != 201 {
		t.Fatalf("the good model: %d %s", code, body)
	}
	var created struct{ ID string }
	if err := json.Unmarshal([]byte(body), &created); err != nil || created.ID == "" {
		t.Fatalf("201 without an id: %s", body)
	}
	id := created.ID
	state := func() string {
		_, d := s.get(t, "/api/v1/devices", token)
		_, v := s.get(t, "/api/v1/devices/"+id+"/versions", token)
		return d + v
	}
	before := state()
	try := func(name, method, path, ctype string, body []byte) {
		code, answer := send(method, path, ctype, body)
		switch {
		case code == 201:
			before = state() // accepted: a valid, if large, input
		case code != 413 && code != 422 || !strings.Contains(answer, `"detail"`):
			t.Errorf("%s: %d %.300s", name, code, answer)
		case state() != before:
			t.Errorf("%s: refused with %d but the store changed", name, code)
		}
	}
	for name, m := range hostile.Models() {
		try("model "+name, "POST", "/api/v1/devices", "application/yaml", m)
	}
	for name, b := range hostile.SBOMs() {
		try("SBOM "+name, "PUT", "/api/v1/devices/"+id+"/files/sbom/main.cdx.json", "application/json", b)
	}
	try("zip-bomb workbook", "PUT", "/api/v1/devices/"+id+"/files/mds2.xlsx", "application/octet-stream", zipBomb(t))
	try("oversized", "PUT", "/api/v1/devices/"+id+"/files/big.bin", "application/octet-stream", make([]byte, 33<<20))
	// The assessments the accepted uploads queued run to the end first:
	// their memory counts too.
	for deadline := time.Now().Add(2 * time.Minute); ; {
		_, list := s.get(t, "/api/v1/devices/"+id+"/assessments", token)
		if !strings.Contains(list, `"status": "queued"`) && !strings.Contains(list, `"status": "running"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("assessments still pending: %.500s", list)
		}
		time.Sleep(50 * time.Millisecond)
	}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(status), "\n") {
		if f := strings.Fields(l); len(f) == 3 && f[0] == "VmHWM:" {
			kb, _ := strconv.Atoi(f[1])
			t.Logf("server peak RSS %d MiB", kb>>10)
			if kb > 256<<10 {
				t.Errorf("server peak RSS %d MiB, over 256", kb>>10)
			}
		}
	}
}

// zipBomb is a workbook whose sheet inflates to 1 GiB of zeros.
func zipBomb(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	z.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	for _, name := range []string{"[Content_Types].xml", "xl/workbook.xml"} {
		w, _ := z.Create(name)
		w.Write([]byte("<x/>"))
	}
	w, err := z.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for range 1024 {
		w.Write(zeros)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestServeRoles: against one PostgreSQL store, an api process takes an
// upload and a worker process (which serves health alone) assesses it;
// with SQLite a role other than all is refused with the reason.
func TestServeRoles(t *testing.T) {
	bin, dir, env, _ := freshMachine(t, "St Elsewhere")
	c := exec.Command(bin, "serve", "--role", "worker")
	c.Env = env
	out, err := c.CombinedOutput()
	if e, ok := err.(*exec.ExitError); !ok || e.ExitCode() != ExitInput || !strings.Contains(string(out), "--role worker needs a PostgreSQL store") {
		t.Errorf("--role worker on SQLite: %v %s", err, out)
	}
	dsn := pgtest.Database(t)
	env = append(env, "MDCHECK_FLEET_DB="+dsn)
	c = exec.Command(bin, "serve", "--migrate-only")
	c.Env = env
	if out, err := c.CombinedOutput(); err != nil || !strings.Contains(string(out), "migrated") || strings.Contains(string(out), "listening") {
		t.Fatalf("serve --migrate-only: %v %s", err, out)
	}
	c = exec.Command(bin, "token", "create", "--org", "St Elsewhere", "--role", "assessor")
	c.Env = env
	b, err := c.Output()
	if err != nil {
		t.Fatalf("token create: %v", err)
	}
	words := strings.Fields(strings.TrimSpace(string(b)))
	token := words[len(words)-1]
	api := startServer(t, bin, append(env, "MDCHECK_ROLE=api"))
	worker := startServer(t, bin, append(env, "MDCHECK_ROLE=worker", "XDG_DATA_HOME="+filepath.Join(dir, "worker")))
	if code, body := worker.get(t, "/api/v1/devices", token); code != 404 {
		t.Errorf("the worker serves the API: %d %s", code, body)
	}
	if code, body := worker.get(t, "/readyz", ""); code != 200 {
		t.Errorf("the worker's readiness: %d %s", code, body)
	}
	model, err := os.ReadFile(filepath.Join(repoRoot, "examples/radiology-viewer/device.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	code, body := api.do(t, "POST", "/api/v1/devices", token, "application/yaml", model)
	if code != 201 {
		t.Fatalf("upload: %d %s", code, body)
	}
	var dev struct {
		Device struct{ ID string } `json:"device"`
	}
	json.Unmarshal([]byte(body), &dev)
	deadline := time.Now().Add(2 * time.Minute)
	for {
		_, list := api.get(t, "/api/v1/devices/"+dev.Device.ID+"/assessments", token)
		if strings.Contains(list, `"status": "done"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the worker process did not assess the upload: %s", list)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
