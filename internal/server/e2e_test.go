package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/browser"
	"github.com/mdcheck/mdcheck/internal/fleetapp"
)

// needBrowser skips a test without Chromium, and fails it under CI.
func needBrowser(t *testing.T) {
	t.Helper()
	if _, err := browser.Path(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and %v", err)
		}
		t.Skipf("skipped: %v", err)
	}
}

// ui drives the dashboard in a real headless Chromium: each step's
// screen is kept as a test artifact.
type ui struct {
	t    *testing.T
	tab  *browser.Tab
	base string
	n    int
}

func (p *ui) run(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.tab.Context(), 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
}

// step fills in a form with the actions, then does act (sends the form,
// follows a link) and waits for the next page to show the element wait.
func (p *ui) step(what string, act chromedp.Action[chromedp.Void], wait string, fill ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	// The page being left is marked, so that the wait is for the next.
	mark := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool]("document.body.dataset.left = 'yes'; true")(ctx, t)
		return err
	})
	p.run(what, append(fill, mark, act, chromedp.WaitVisible("body:not([data-left]) "+wait))...)
	p.accessible(what)
}

// accessible checks the page a person reached: a language, one h1, a
// label for every control, a caption or heading for every table.
func (p *ui) accessible(what string) {
	p.t.Helper()
	problems, err := chromedp.Run(p.tab.Context(), chromedp.Evaluate[[]string](`(() => {
		const out = [];
		if (!document.documentElement.lang) out.push("no lang");
		if (document.querySelectorAll("h1").length !== 1) out.push(document.querySelectorAll("h1").length + " h1");
		for (const c of document.querySelectorAll("input:not([type=hidden]), select, textarea"))
			if (c.labels.length === 0 && !c.getAttribute("aria-label")) out.push("unlabelled " + (c.id || c.name));
		for (const t of document.querySelectorAll("table"))
			if (!t.querySelector("caption")) out.push("a table without caption");
		return out;
	})()`))
	if err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
	if len(problems) > 0 {
		p.t.Errorf("%s: %s: %q", what, p.base, problems)
	}
}

// submit sends the form holding the element form.
func (p *ui) submit(what, form, wait string, fill ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	p.step(what, chromedp.Submit(form), wait, fill...)
}

// text is the page's main content as text.
func (p *ui) text() string {
	p.t.Helper()
	s, err := chromedp.Run(p.tab.Context(), chromedp.Text("main"))
	if err != nil {
		p.t.Fatalf("reading the page: %v", err)
	}
	return s
}

// shot keeps a screenshot of the whole page.
func (p *ui) shot(name string) {
	p.t.Helper()
	b, err := chromedp.Run(p.tab.Context(), chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatalf("screenshot: %v", err)
	}
	p.n++
	if err := os.WriteFile(filepath.Join(p.t.ArtifactDir(), fmt.Sprintf("%02d-%s.png", p.n, name)), b, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// until reloads path until its text holds want.
func (p *ui) until(path, want string) string {
	p.t.Helper()
	var s string
	for range 100 {
		p.run("open "+path, chromedp.Navigate(p.base+path))
		if s = p.text(); strings.Contains(s, want) {
			p.accessible(path)
			return s
		}
		time.Sleep(100 * time.Millisecond)
	}
	p.t.Fatalf("%s never showed %q; it shows:\n%s", path, want, s)
	return ""
}

// TestDashboardEndToEnd: a person signs in, uploads a device with its
// SBOM and sees its assessment; imports an advisory that hits it and
// sees the impact page; within one re-match the device's newest
// assessment has the new finding, the webhook receives the signed
// notification and the notifications page shows it; a case records an
// event and shows its clocks. No request leaves loopback, the console
// stays clean, and every step's screen is kept.
func TestDashboardEndToEnd(t *testing.T) {
	needBrowser(t)
	e := newEnv(t)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	// The server's database lacks the record the advisory brings.
	if _, err := e.app.DBImport(ctx, app.ImportOptions{Paths: []string{"../vuln/testdata/osv/GHSA-jfh8-c2jp-5v3q.json"}}); err != nil {
		t.Fatal(err)
	}
	admin, _ := e.token("St Elsewhere", fleetapp.RoleAdmin)
	assessor, _ := e.token("St Elsewhere", fleetapp.RoleAssessor)
	received := e.receiver(admin)
	// The server's own loops: workers, monitor, delivery.
	d := fleetapp.DefaultDelivery()
	e.loops(t, func(ctx context.Context) { e.s.Work(ctx, 50*time.Millisecond) },
		func(ctx context.Context) { e.s.Monitor(ctx, time.Hour) }, // woken by the import alone: one re-match
		func(ctx context.Context) { e.s.Send(ctx, d, 50*time.Millisecond) })

	tab, err := browser.NewTab(ctx, 1366, 900)
	if err != nil {
		t.Fatal(err)
	}
	defer tab.Close()
	p := &ui{t: t, tab: tab, base: e.srv.URL}

	// Signing in.
	p.run("login page", chromedp.Navigate(e.srv.URL+"/devices"), chromedp.WaitVisible("#token"))
	p.shot("login")
	p.submit("sign in", "#token", "#add-h", chromedp.SendKeys("#token", assessor))
	if s := p.text(); !strings.Contains(s, "Devices") || !strings.Contains(s, "No device matches") {
		t.Fatalf("after signing in: %s", s)
	}
	// Uploading a device and its SBOM.
	model, err := os.ReadFile("../../examples/infusion-pump/device.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p.submit("add a device", "#model", "#files-h", chromedp.SetValue("#model", string(model)), chromedp.SendKeys("#newsite", "Ward 3"))
	devURL, err := chromedp.Run(tab.Context(), chromedp.Evaluate[string]("location.pathname"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"sbom/drug-library-server.cdx.json", "sbom/pump-firmware.spdx"} {
		abs, _ := filepath.Abs("../../examples/infusion-pump/" + f)
		p.submit("upload "+f, "#upfile", "#files-h", chromedp.SendKeys("#path", f), chromedp.SetUploadFiles("#upfile", []string{abs}))
	}
	s := p.until(devURL, "Open findings")
	if !strings.Contains(s, "sbom/drug-library-server.cdx.json") || !strings.Contains(s, "Ward 3") || !strings.Contains(s, "Readiness") || strings.Contains(s, "GHSA-5crp-9r3c-p9vr") {
		t.Fatalf("the device page before the advisory: %s", s)
	}
	p.shot("device")
	// Importing the advisory: its impact page.
	osv, _ := filepath.Abs("../vuln/testdata/osv/GHSA-5crp-9r3c-p9vr.json")
	p.run("advisories", chromedp.Navigate(e.srv.URL+"/advisories"))
	p.submit("import the advisory", "#file", "table.impact", chromedp.SetUploadFiles("#file", []string{osv}))
	s = p.text()
	if !strings.Contains(s, "Which of our devices does GHSA-5crp-9r3c-p9vr hit?") || !strings.Contains(s, "Ward 3") || !strings.Contains(s, "drug-library/GHSA-5crp-9r3c-p9vr") {
		t.Fatalf("the impact page: %s", s)
	}
	p.shot("impact")
	// One re-match: the device's newest assessment opened the finding.
	s = p.until(devURL, "What changed since the previous assessment")
	if !strings.Contains(s, "drug-library/GHSA-5crp-9r3c-p9vr") {
		t.Fatalf("the device page after the advisory: %s", s)
	}
	p.shot("device-after")
	s = p.until("/notifications", "delivered")
	if !strings.Contains(s, "findings.opened") {
		t.Fatalf("the notifications page: %s", s)
	}
	p.shot("notifications")
	if got := received(); len(got) != 1 || !strings.Contains(got[0], "GHSA-5crp-9r3c-p9vr") || !strings.Contains(got[0], "Ward 3") {
		t.Errorf("the receiver got: %v", got)
	}
	// An event with its clocks: NIS2 in Berlin on a Friday evening.
	p.run("the device", chromedp.Navigate(e.srv.URL+devURL))
	p.step("follow the link", chromedp.Click("a[href^='/cases?device=']"), "#title")
	p.submit("record an event", "#title", "table.clocks",
		chromedp.SendKeys("#title", "Ransomware on the pump VLAN"), chromedp.Click("#k-nis2-significant-incident"),
		chromedp.SetValue("#aware", "2026-10-23T18:30"), chromedp.SetValue("#zone", "Europe/Berlin"), chromedp.SendKeys("#owner", "CISO"))
	s = p.text()
	for _, want := range []string{"NIS2 Art. 23(4)(a)", "Sat 2026-10-24 18:30 CEST", "NIS2 Art. 23(4)(b)", "Mon 2026-10-26 17:30 CET", "record it"} {
		if !strings.Contains(s, want) {
			t.Errorf("the case page lacks %q:\n%s", want, s)
		}
	}
	p.shot("case")
	p.run("the overview", chromedp.Navigate(e.srv.URL+"/"), chromedp.WaitVisible("#ready-h"))
	p.accessible("the overview")
	p.shot("overview")
	// In print the navigation and the forms are left out.
	p.run("print the device", chromedp.Navigate(e.srv.URL+devURL), chromedp.WaitVisible("#files-h"), chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}))
	if hidden, err := chromedp.Run(tab.Context(), chromedp.Evaluate[bool](`[".top nav", ".logout", "form[enctype]"].every(s => getComputedStyle(document.querySelector(s)).display === "none")`)); err != nil || !hidden {
		t.Errorf("in print the navigation or a form shows (%v)", err)
	}
	p.shot("device-print")
	if off := tab.Offsite(); len(off) > 0 {
		t.Errorf("requests left loopback: %q", off)
	}
	if c := tab.Console(); len(c) > 0 {
		t.Errorf("console: %q", c)
	}
}

// TestDocumentPDF: an assessment renders its PDF report in a headless
// Chromium, as check -f pdf does, and the clinician's page beside it.
func TestDocumentPDF(t *testing.T) {
	needBrowser(t)
	e := newEnv(t)
	tok, _ := e.token("A", fleetapp.RoleAssessor)
	dev, _ := e.device(tok)
	res, b := e.do("POST", "/api/v1/devices/"+dev+"/documents", tok, "application/json", `{"formats": ["pdf", "html"]}`)
	var out struct{ Assessment fleetapp.Assessment }
	if json.Unmarshal(b, &out); res.StatusCode != 202 {
		t.Fatalf("queue: %d %s", res.StatusCode, b)
	}
	e.fleet.RunQueued(context.Background(), 10)
	res, pdf := e.do("GET", "/api/v1/assessments/"+out.Assessment.ID+"/documents/pdf", tok, "", "")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Errorf("pdf: %d %q %.20q", res.StatusCode, res.Header.Get("Content-Type"), pdf)
	}
	res, html := e.do("GET", "/api/v1/assessments/"+out.Assessment.ID+"/documents/html", tok, "", "")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || !bytes.Contains(html, []byte("<html")) {
		t.Errorf("html: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
}
