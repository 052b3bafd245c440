package browser

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
)

// need skips a test without Chromium, and fails it under CI=true, whose
// run installs Chromium (.ci/run).
func need(t *testing.T) {
	t.Helper()
	if _, err := Path(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and %v", err)
		}
		t.Skipf("skipped: %v", err)
	}
}

func TestPDF(t *testing.T) {
	need(t)
	out, err := PDF(context.Background(), []byte(`<!DOCTYPE html><html><head><title>t</title></head><body><h1>Printed here</h1></body></html>`))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", out[:min(len(out), 16)])
	}
}

// TestOpenRecords: what a page asks of the network is blocked and
// recorded, and console errors and exceptions are reported, so that a
// test of a self-contained page can fail.
func TestOpenRecords(t *testing.T) {
	need(t)
	page := `<!DOCTYPE html><html><head><title>t</title><link rel="stylesheet" href="http://127.0.0.1:9/x.css"></head>
<body><img src="http://127.0.0.1:9/a.png" alt="a"><script>console.error("broken"); throw new Error("thrown")</script></body></html>`
	v, err := Open(context.Background(), []byte(page), 800, 600)
	if err != nil {
		t.Fatal(err)
	}
	req := strings.Join(v.Requests, " ")
	if !strings.Contains(req, "127.0.0.1:9/x.css") || !strings.Contains(req, "127.0.0.1:9/a.png") {
		t.Errorf("requests = %q, want the stylesheet and the image", v.Requests)
	}
	con := strings.Join(v.Console, "\n")
	if !strings.Contains(con, "broken") || !strings.Contains(con, "exception") {
		t.Errorf("console = %q, want the error and the exception", v.Console)
	}
	if !bytes.HasPrefix(v.Screenshot, []byte("\x89PNG")) {
		t.Error("no PNG screenshot")
	}
}

func TestPathNamesEnv(t *testing.T) {
	t.Setenv(Env, "/nonexistent/chromium")
	if _, err := Path(); err == nil || !strings.Contains(err.Error(), Env) {
		t.Errorf("Path() = %v, want an error naming %s", err, Env)
	}
	t.Setenv(Env, "")
	t.Setenv("PATH", t.TempDir())
	if _, err := Path(); !errors.Is(err, ErrNotFound) {
		t.Errorf("Path() with an empty PATH = %v, want ErrNotFound", err)
	}
}
