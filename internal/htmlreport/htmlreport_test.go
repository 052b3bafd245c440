package htmlreport_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/browser"
	"github.com/mdcheck/mdcheck/internal/htmlreport"
)

var day = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)

func check(t *testing.T, model string, vulns bool) *app.CheckResult {
	t.Helper()
	a := app.New(app.Config{DB: filepath.Join(t.TempDir(), "none.db"), Snapshot: true})
	t.Cleanup(func() { a.Close() })
	res, err := a.Check(context.Background(), app.CheckOptions{Model: model, Date: day, NoVulns: !vulns})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func page(t *testing.T, res *app.CheckResult) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := htmlreport.Write(&b, htmlreport.Input{Report: res.Report, Model: res.Model, Classification: res.Classification, Vulnerabilities: res.Vulnerabilities}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// external finds what would make a browser fetch something: an element
// attribute that loads (src, srcset, data, poster, a stylesheet or
// preload link, xlink:href or href on SVG elements other than a
// fragment), a script, a frame, a base, or a CSS url() or @import that is
// not a fragment of this page.
func external(t *testing.T, doc []byte) []string {
	t.Helper()
	var bad []string
	cssURL := regexp.MustCompile(`url\(\s*['"]?([^)'"]*)`)
	z := html.NewTokenizer(bytes.NewReader(doc))
	inStyle := false
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				t.Fatal(z.Err())
			}
			return bad
		case html.TextToken:
			if inStyle {
				css := string(z.Text())
				if strings.Contains(css, "@import") {
					bad = append(bad, "@import")
				}
				for _, m := range cssURL.FindAllStringSubmatch(css, -1) {
					if !strings.HasPrefix(m[1], "#") {
						bad = append(bad, "css url("+m[1]+")")
					}
				}
			}
		case html.EndTagToken:
			inStyle = false
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			switch tok.Data {
			case "script", "iframe", "frame", "object", "embed", "base", "img", "video", "audio", "source", "picture", "link":
				bad = append(bad, "<"+tok.Data+">")
			case "style":
				inStyle = tt == html.StartTagToken
			}
			for _, a := range tok.Attr {
				switch a.Key {
				case "src", "srcset", "data", "poster", "background", "xlink:href", "action", "formaction":
					bad = append(bad, tok.Data+" "+a.Key+"="+a.Val)
				case "href":
					if tok.Data != "a" && !strings.HasPrefix(a.Val, "#") {
						bad = append(bad, tok.Data+" href="+a.Val)
					}
				case "style":
					for _, m := range cssURL.FindAllStringSubmatch(a.Val, -1) {
						if !strings.HasPrefix(m[1], "#") {
							bad = append(bad, "style url("+m[1]+")")
						}
					}
				}
			}
		}
	}
}

// TestSelfContained: the page names nothing outside itself that a
// browser would load, for models with and without vulnerabilities; and
// the detector itself finds each kind of external resource.
func TestSelfContained(t *testing.T) {
	for _, tc := range []struct {
		model string
		vulns bool
	}{{"../../examples/pacemaker-system/device.yaml", true}, {"../../examples/infusion-pump/device.yaml", false}} {
		doc := page(t, check(t, tc.model, tc.vulns))
		if bad := external(t, doc); len(bad) > 0 {
			t.Errorf("%s: external resources %q", tc.model, bad)
		}
	}
	for _, hostile := range []string{`<img src="http://x/a.png">`, `<link rel="stylesheet" href="x.css">`, `<style>body{background:url(http://x/b.png)}</style>`,
		`<style>@import "x.css";</style>`, `<script>1</script>`, `<div style="background:url('x.png')"></div>`, `<svg><image href="x.png"/></svg>`} {
		if len(external(t, []byte(hostile))) == 0 {
			t.Errorf("the detector misses %s", hostile)
		}
	}
}

// TestContent: the page carries each section the report needs, in order.
func TestContent(t *testing.T) {
	doc := string(page(t, check(t, "../../examples/pacemaker-system/device.yaml", true)))
	last := -1
	for _, want := range []string{`<h1>Corvita Pace DR CVP-200</h1>`, `id="summary"`, `<b>III</b>`, `<b>64.0%</b>`, `id="fix-first"`, `vuln/known-vulnerabilities@portal/GHSA-xvch-5gv4-984h`,
		`id="architecture"`, `<svg`, `Pulse generator CVP-200`, `id="threats"`, `therapy-command-tampering@implant/wand`, `<g class="threat">`, `id="requirements"`, `id="met"`, `id="findings"`, `id="vulnerabilities"`, `Known vulnerabilities by severity for patients`,
		`id="ledger"`, `id="classification"`, `Rule 8`, `id="inputs"`, `examples/pacemaker-system/sbom/portal-frontend.cdx.json`, `catalog 2026`} {
		i := strings.Index(doc, want)
		if i < 0 {
			t.Errorf("page lacks %q", want)
			continue
		}
		if strings.HasPrefix(want, `id="`) {
			if i < last {
				t.Errorf("%s is out of order", want)
			}
			last = i
		}
	}
	// Not assessed is said, never shown as nothing found.
	off := string(page(t, check(t, "../../examples/pacemaker-system/device.yaml", false)))
	if !strings.Contains(off, "<strong>Not assessed:</strong>") || strings.Contains(off, "No known vulnerability was found") {
		t.Error("with vulnerabilities not assessed, the page must say so and not claim none were found")
	}
}

// TestDiagram: the architecture is well-formed SVG naming every
// component and interface, and names that are markup stay text.
func TestDiagram(t *testing.T) {
	res := check(t, "../../examples/pacemaker-system/device.yaml", false)
	dev := res.Model
	dev.Components[0].Name = `</text><script>alert(1)</script>&amp;`
	svg := htmlreport.Diagram(dev)
	if err := xml.Unmarshal([]byte(svg), new(struct{})); err != nil {
		t.Fatalf("not well-formed XML: %v", err)
	}
	if strings.Contains(svg, "<script") {
		t.Error("a component's name became markup")
	}
	for _, c := range dev.Components {
		if !strings.Contains(svg, "("+c.ID+")") {
			t.Errorf("component %s missing", c.ID)
		}
		for _, itf := range c.Interfaces {
			if !strings.Contains(svg, itf.ID+": ") {
				t.Errorf("interface %s.%s missing", c.ID, itf.ID)
			}
		}
	}
	if !strings.Contains(svg, `<title id="arch-title">`) || !strings.Contains(svg, `<desc id="arch-desc">`) {
		t.Error("no text alternative")
	}
	// The implant sits inside the body's trust boundary, though its radio
	// is reachable from proximity; the programmer does not.
	for id, zone := range map[string]string{"implant": "Implant (inside the body)", "programmer": "Proximity (radio)"} {
		if !strings.Contains(svg, "("+id+") in zone "+zone) {
			t.Errorf("%s is not in zone %s", id, zone)
		}
	}
}

// TestReproducible: the same inputs give the same bytes.
func TestReproducible(t *testing.T) {
	model := "../../examples/pacemaker-system/device.yaml"
	if !bytes.Equal(page(t, check(t, model, true)), page(t, check(t, model, true))) {
		t.Error("two runs differ")
	}
}

// TestInBrowser opens the pacemaker's page in headless Chromium: no
// request leaves it and the console stays clean. The screenshot is kept
// as a test artifact (go test -artifacts).
func TestInBrowser(t *testing.T) {
	if _, err := browser.Path(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and %v", err)
		}
		t.Skipf("skipped: %v", err)
	}
	v, err := browser.Open(context.Background(), page(t, check(t, "../../examples/pacemaker-system/device.yaml", true)), 1200, 1800)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Requests) > 0 {
		t.Errorf("the page made requests: %q", v.Requests)
	}
	if len(v.Console) > 0 {
		t.Errorf("console: %q", v.Console)
	}
	if err := os.WriteFile(filepath.Join(t.ArtifactDir(), "pacemaker-system.png"), v.Screenshot, 0o644); err != nil {
		t.Fatal(err)
	}
}

func scanPage(t *testing.T) []byte {
	t.Helper()
	a := app.New(app.Config{DB: filepath.Join(t.TempDir(), "none.db"), Snapshot: true})
	t.Cleanup(func() { a.Close() })
	res, err := a.Scan(context.Background(), app.ScanOptions{Device: "../../examples/pacemaker-system/device.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	in := htmlreport.ScanInput{Date: "2026-11-29", Tool: "mdcheck test", Database: res.Database.Hash, Model: res.Device}
	for _, s := range res.SBOMs {
		in.SBOMs = append(in.SBOMs, htmlreport.ScanSBOM{File: s.File, Subject: s.Document.Subject, Component: s.Component.ID, Matches: s.Matches, Coverage: s.Coverage})
	}
	var b bytes.Buffer
	if err := htmlreport.WriteScan(&b, in); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestScanPage: the scan's page is self-contained, reproducible and
// carries the summary, the chart, the architecture, each SBOM's matches
// and what could not be checked.
func TestScanPage(t *testing.T) {
	doc := scanPage(t)
	if bad := external(t, doc); len(bad) > 0 {
		t.Errorf("external resources %q", bad)
	}
	if !bytes.Equal(doc, scanPage(t)) {
		t.Error("two runs differ")
	}
	for _, want := range []string{"<h1>Vulnerability scan</h1>", "Known exploited", `aria-labelledby="chart-title chart-desc"`, `<title id="arch-title">`,
		"corePKCS11", "not-checkable", "no package URL", "CVE-2024-5535", "for patients"} {
		if !bytes.Contains(doc, []byte(want)) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func clinicianPage(t *testing.T, res *app.CheckResult) string {
	t.Helper()
	var b bytes.Buffer
	if err := htmlreport.WriteClinician(&b, htmlreport.Input{Report: res.Report, Model: res.Model, Classification: res.Classification, Vulnerabilities: res.Vulnerabilities}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestClinicianNeverSaysMoreThanKnown: the plain-language verdict is
// "no open issue" only when nothing fails, nothing is unknown and the
// software's known weaknesses were checked; an implant without stated
// emergency access says so.
func TestClinicianNeverSaysMoreThanKnown(t *testing.T) {
	res := check(t, "../../examples/early-warning/device.yaml", true)
	page := clinicianPage(t, res)
	if bad := external(t, []byte(page)); len(bad) > 0 {
		t.Errorf("external resources %q", bad)
	}
	ok := strings.Contains(page, `class="verdict ok"`)
	open := res.Report.Summary.Findings["fail"] + res.Report.Summary.Findings["unknown"] + res.Report.Summary.Findings["error"]
	if ok != (open == 0) {
		t.Errorf("verdict ok = %v with %d open or unknown findings", ok, open)
	}
	off := clinicianPage(t, check(t, "../../examples/early-warning/device.yaml", false))
	if strings.Contains(off, `class="verdict ok"`) || !strings.Contains(off, "Known software weaknesses were not checked.") {
		t.Error("with vulnerabilities not checked, the page must not give the all-clear")
	}
	pm := check(t, "../../examples/pacemaker-system/device.yaml", true)
	pm.Model.Components[0].AccessControl.EmergencyAccess = nil
	if p := clinicianPage(t, pm); !strings.Contains(p, "Emergency access is not stated by the manufacturer") {
		t.Error("an implant without stated emergency access must say so")
	}
}
