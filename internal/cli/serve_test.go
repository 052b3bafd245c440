package cli

import (
	"bufio"
	"database/sql"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"
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
	req, _ := http.NewRequest("GET", s.url+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestServeFromAFreshMachine: with nothing set up, serve starts, answers
// 401 without a token and 200 with one from token create; an upload
// acknowledged before kill -9 is there after a restart and its
// assessment runs; audit verify passes, then names the record a direct
// change to the database rewrote.
func TestServeFromAFreshMachine(t *testing.T) {
	bin, dir := buildBinary(t)
	env := append(os.Environ(), "HOME="+dir, "XDG_DATA_HOME="+filepath.Join(dir, "data"), "XDG_CACHE_HOME="+filepath.Join(dir, "cache"), "MDCHECK_ADDR=127.0.0.1:0")
	tokenCmd := exec.Command(bin, "token", "create", "--org", "St Elsewhere", "--role", "assessor")
	tokenCmd.Env = env
	out, err := tokenCmd.Output()
	if err != nil {
		t.Fatalf("token create: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	words := strings.Fields(lines[len(lines)-1])
	token := words[len(words)-1]

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
	req, _ := http.NewRequest("POST", s.url+"/api/v1/devices", strings.NewReader(string(model)))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/yaml")
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 201 {
		t.Fatalf("upload: %v %v", res.StatusCode, err)
	}
	res.Body.Close()
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
