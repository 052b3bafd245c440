package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	gocsaf "github.com/gocsaf/csaf/v3/csaf"

	"github.com/mdcheck/mdcheck/internal/browser"
	"github.com/mdcheck/mdcheck/internal/testutil/golden"
	"github.com/mdcheck/mdcheck/internal/testutil/schematest"
	"github.com/mdcheck/mdcheck/internal/vex"
)

// TestCheckHTMLGolden: the HTML report of two examples, one with its
// vulnerabilities matched against the built-in snapshot, one without.
func TestCheckHTMLGolden(t *testing.T) {
	for _, tc := range []struct{ name, golden string }{
		{"pacemaker-system", "html-pacemaker-system.html"},
		{"infusion-pump", "html-infusion-pump.html"},
	} {
		args := []string{"check", "--date", date, "-f", "html", "examples/" + tc.name + "/device.yaml"}
		if tc.name == "infusion-pump" {
			args = append(args, "--no-vulns")
		}
		code, out, errs := run(t, args...)
		if code != ExitOK && code != ExitFindings {
			t.Fatalf("%s: exit %d\n%s", tc.name, code, errs)
		}
		golden.Check(t, tc.golden, []byte(out))
	}
}

// TestSeveralFormats: --format a,b -o DIR writes each format to its own
// file in DIR, each the same bytes as the format written alone, and two
// runs give the same bytes.
func TestSeveralFormats(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "reports")
	model := "examples/pacemaker-system/device.yaml"
	if code, _, errs := run(t, "check", "--date", date, "-f", "html,sarif,json,openvex,csaf-vex,md,table,oscal", "-o", dir, model); code != ExitOK && code != ExitFindings {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	for format, file := range map[string]string{"html": "report.html", "sarif": "report.sarif", "json": "report.json", "openvex": "report.openvex.json",
		"csaf-vex": "report.csaf.json", "md": "report.md", "table": "report.txt", "oscal": "report.oscal.json"} {
		got, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Errorf("%s: %v", format, err)
			continue
		}
		_, alone, _ := run(t, "check", "--date", date, "-f", format, model)
		if !bytes.Equal(got, []byte(alone)) {
			t.Errorf("%s in the folder differs from -f %s alone", file, format)
		}
	}
}

// TestSeveralFormatsAllOrNothing: when one format fails (a PDF without
// Chromium), no file of the others is written.
func TestSeveralFormatsAllOrNothing(t *testing.T) {
	t.Setenv("MDCHECK_CHROMIUM", filepath.Join(t.TempDir(), "no-chromium"))
	dir := filepath.Join(t.TempDir(), "out")
	code, _, errs := run(t, "check", "--date", date, "--no-vulns", "-f", "html,pdf", "-o", dir, "examples/bp-monitor/device.yaml")
	if code != ExitInput || !strings.Contains(errs, "MDCHECK_CHROMIUM") {
		t.Errorf("exit %d %q, want %d naming MDCHECK_CHROMIUM", code, errs, ExitInput)
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("%d files written, want none", len(entries))
	}
}

// TestCheckPDF prints the pacemaker's report through headless Chromium,
// then reads it back as text (pdftotext) and as page images (pdftoppm):
// the PDF must carry the report's summary, requirements, findings and
// appendix, and render to pages.
func TestCheckPDF(t *testing.T) {
	needBrowser(t)
	for _, tool := range []string{"pdftotext", "pdftoppm"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("CI=true and %s is missing (poppler-utils)", tool)
			}
			t.Skipf("skipped: %s not installed (poppler-utils)", tool)
		}
	}
	dir := t.TempDir()
	pdf := filepath.Join(dir, "report.pdf")
	if code, _, errs := run(t, "check", "--date", date, "-f", "pdf", "-o", pdf, "examples/pacemaker-system/device.yaml"); code != ExitOK && code != ExitFindings {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	text, err := exec.Command("pdftotext", "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Corvita Pace DR CVP-200", "MDR class", "Readiness", "64.0%", "Fix first", "Architecture and exposure",
		"Requirements not met", "IEC81001.8", "Findings not passing, in full", "GHSA-xvch-5gv4-984h", "Coverage ledger", "Classification trace", "Rule 8",
		"Appendix: inputs and versions", "examples/pacemaker-system/device.yaml"} {
		if !bytes.Contains(text, []byte(want)) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	if out, err := exec.Command("pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "2", pdf, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	for _, p := range []string{"page-01.png", "page-02.png"} {
		b, err := os.ReadFile(filepath.Join(dir, p))
		if err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) || len(b) < 2000 {
			t.Errorf("%s: %d bytes, %v: want a rendered page", p, len(b), err)
		}
	}
	// The scan prints the same way.
	scanPDF := filepath.Join(dir, "scan.pdf")
	if code, _, errs := run(t, "scan", "-f", "pdf", "-o", scanPDF, "--device", "examples/pacemaker-system/device.yaml"); code != ExitOK {
		t.Fatalf("scan -f pdf: exit %d\n%s", code, errs)
	}
	text, err = exec.Command("pdftotext", "-layout", scanPDF, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Vulnerability scan", "Known exploited", "corePKCS11", "CVE-2024-5535"} {
		if !bytes.Contains(text, []byte(want)) {
			t.Errorf("scan PDF text lacks %q", want)
		}
	}
}

// needBrowser skips a test without Chromium, and fails it under CI=true,
// whose run installs it (.ci/run).
func needBrowser(t *testing.T) {
	t.Helper()
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if _, err := exec.LookPath(n); err == nil {
			return
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("CI=true and no Chromium installed (apt-get install chromium)")
	}
	t.Skip("skipped: no Chromium installed (apt-get install chromium)")
}

// TestScanSeveralFormats: scan writes several formats into a folder too,
// and a format that describes one SBOM is refused beside several SBOMs.
func TestScanSeveralFormats(t *testing.T) {
	dir := t.TempDir()
	sboms := []string{"examples/pacemaker-system/sbom/portal-frontend.cdx.json", "examples/pacemaker-system/sbom/home-monitor.spdx.json"}
	if code, _, errs := run(t, append([]string{"scan", "-f", "json,sarif,openvex,html", "-o", dir}, sboms...)...); code != ExitOK {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	for _, f := range []string{"scan.json", "scan.sarif", "scan.openvex.json", "scan.html"} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	code, _, errs := run(t, append([]string{"scan", "-f", "json,cyclonedx", "-o", t.TempDir()}, sboms...)...)
	if code != ExitInput || !strings.Contains(errs, "describes one SBOM") {
		t.Errorf("cyclonedx beside two SBOMs: exit %d %q", code, errs)
	}
}

// TestProgressCleared runs mdcheck on a terminal (script(1) gives it
// one): every progress line it draws is cleared before anything else is
// written, and what follows starts on a clean line.
func TestProgressCleared(t *testing.T) {
	bin, _ := buildBinary(t)
	if _, err := exec.LookPath("script"); err != nil {
		t.Skip("skipped: script(1) not installed (util-linux)")
	}
	for _, args := range []string{
		"scan examples/pacemaker-system/sbom/home-monitor.spdx.json examples/pacemaker-system/sbom/portal-frontend.cdx.json",
		"scan --device examples/pacemaker-system/device.yaml",
		"check --date " + date + " examples/pacemaker-system/device.yaml",
	} {
		cmd := exec.Command("script", "-qfec", bin+" "+args, "/dev/null")
		cmd.Dir = repoRoot
		cmd.Env = append(os.Environ(), "TERM=xterm")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: %v\n%s", args, err, out)
		}
		drawn := 0
		for _, seg := range strings.Split(string(out), "\r\x1b[K") {
			if strings.HasPrefix(seg, "scanning ") || strings.HasPrefix(seg, "downloading ") {
				drawn++
				if strings.ContainsAny(seg, "\n") {
					t.Errorf("%s: a progress line was not cleared before output: %q", args, seg[:min(len(seg), 200)])
				}
			}
		}
		if strings.HasPrefix(args, "scan") && drawn == 0 {
			t.Errorf("%s: no progress line drawn on a terminal: the test would not see one left", args)
		}
	}
}

// TestTableFitsAndShowsEachFindingOnce: on every example, with and
// without --all, every line of the terminal table fits 80 columns and
// each finding is shown once, whatever number of requirements it affects.
func TestTableFitsAndShowsEachFindingOnce(t *testing.T) {
	for _, name := range exampleNames(t) {
		for _, all := range []bool{false, true} {
			args := []string{"check", "--date", date, "examples/" + name + "/device.yaml"}
			if all {
				args = append(args, "--all")
			}
			code, out, errs := run(t, args...)
			if code != ExitOK {
				t.Fatalf("%v: exit %d\n%s", args, code, errs)
			}
			seen := map[string]int{}
			for i, l := range strings.Split(out, "\n") {
				if n := utf8.RuneCountInString(l); n > 80 {
					t.Errorf("%s --all=%v line %d has %d columns: %q", name, all, i+1, n, l)
				}
				f := strings.Fields(l)
				if len(f) == 3 && strings.Contains(f[2], "@") && (f[0] == "FAIL" || f[0] == "UNKNOWN" || f[0] == "WAIVED" || f[0] == "PASS" || f[0] == "ERROR") {
					seen[f[2]]++
				}
			}
			if all && len(seen) == 0 {
				t.Errorf("%s --all=%v: no finding line found; the test reads nothing", name, all)
			}
			for id, n := range seen {
				if n > 1 {
					t.Errorf("%s --all=%v: %s shown %d times", name, all, id, n)
				}
			}
		}
	}
}

// TestScanGolden: each format of the pacemaker's scan with --device and a
// fixed --date, byte for byte.
func TestScanGolden(t *testing.T) {
	for format, file := range map[string]string{"table": "scan-pacemaker-system.txt", "json": "scan-pacemaker-system.json", "sarif": "scan-pacemaker-system.sarif",
		"openvex": "scan-pacemaker-system.openvex.json", "csaf-vex": "scan-pacemaker-system.csaf.json", "html": "scan-pacemaker-system.html"} {
		code, out, errs := run(t, "scan", "--date", date, "-f", format, "--device", "examples/pacemaker-system/device.yaml")
		if code != ExitOK {
			t.Fatalf("%s: exit %d\n%s", format, code, errs)
		}
		golden.Check(t, file, []byte(out))
		validateScanOutput(t, format, []byte(out))
		if format == "table" {
			for i, l := range strings.Split(out, "\n") {
				if n := utf8.RuneCountInString(l); n > 80 {
					t.Errorf("scan table line %d has %d columns: %q", i+1, n, l)
				}
			}
		}
	}
	// CycloneDX describes one SBOM; its serial number comes from its
	// content, so the same scan gives the same bytes.
	args := []string{"scan", "--date", date, "-f", "cyclonedx", "examples/pacemaker-system/sbom/portal-frontend.cdx.json"}
	code, out, errs := run(t, args...)
	if code != ExitOK {
		t.Fatalf("cyclonedx: exit %d\n%s", code, errs)
	}
	golden.Check(t, "scan-portal.cdx.json", []byte(out))
}

// validateScanOutput checks a scan output against its format's rules:
// SARIF against the OASIS schema, CSAF with gocsaf, OpenVEX read back.
func validateScanOutput(t *testing.T, format string, out []byte) {
	t.Helper()
	switch format {
	case "sarif":
		data, err := os.ReadFile(filepath.Join(repoRoot, "internal/sarif/testdata/sarif-schema-2.1.0.json"))
		if err != nil {
			t.Fatal(err)
		}
		schematest.Check(t, schematest.Compile(t, "sarif-2.1.0", data), "scan SARIF", out)
	case "csaf-vex":
		var generic any
		if err := json.Unmarshal(out, &generic); err != nil {
			t.Fatal(err)
		}
		if problems, err := gocsaf.ValidateCSAF(generic); err != nil || len(problems) > 0 {
			t.Errorf("scan CSAF: %v %v", err, problems)
		}
	case "openvex":
		f := filepath.Join(t.TempDir(), "scan.openvex.json")
		if err := os.WriteFile(f, out, 0o600); err != nil {
			t.Fatal(err)
		}
		if stmts, err := vex.ReadFile(f); err != nil || len(stmts) == 0 {
			t.Errorf("scan OpenVEX reads back as %d statements, %v", len(stmts), err)
		}
	}
}

// TestGSPRGolden: the GSPR checklist of every example as CSV, and as a
// workbook when -o ends in .xlsx.
func TestGSPRGolden(t *testing.T) {
	for _, name := range exampleNames(t) {
		code, out, errs := run(t, "check", "--date", date, "-f", "gspr", "examples/"+name+"/device.yaml")
		if code != ExitOK {
			t.Fatalf("%s: exit %d\n%s", name, code, errs)
		}
		golden.Check(t, "gspr-"+name+".csv", []byte(out))
	}
	x := filepath.Join(t.TempDir(), "gspr.xlsx")
	if code, _, errs := run(t, "check", "--date", date, "-f", "gspr", "-o", x, "examples/pacemaker-system/device.yaml"); code != ExitOK {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	if b, err := os.ReadFile(x); err != nil || !bytes.HasPrefix(b, []byte("PK\x03\x04")) {
		t.Errorf("-o gspr.xlsx wrote no workbook (%v)", err)
	}
}

// TestClinicianPage: the clinician page of every example, byte for byte,
// and printed it is one A4 page carrying its sections.
func TestClinicianPage(t *testing.T) {
	names := exampleNames(t)
	for _, name := range names {
		code, out, errs := run(t, "check", "--date", date, "-f", "clinician", "examples/"+name+"/device.yaml")
		if code != ExitOK {
			t.Fatalf("%s: exit %d\n%s", name, code, errs)
		}
		golden.Check(t, "clinician-"+name+".html", []byte(out))
	}
	needBrowser(t)
	if _, err := exec.LookPath("pdfinfo"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true and pdfinfo is missing (poppler-utils)")
		}
		t.Skip("skipped: pdfinfo not installed (poppler-utils)")
	}
	dir := t.TempDir()
	for _, name := range names {
		pdf := filepath.Join(dir, name+".pdf")
		if code, _, errs := run(t, "check", "--date", date, "-f", "clinician", "-o", pdf, "examples/"+name+"/device.yaml"); code != ExitOK {
			t.Fatalf("%s: exit %d\n%s", name, code, errs)
		}
		info, err := exec.Command("pdfinfo", pdf).Output()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(info, []byte("Pages:           1\n")) || !bytes.Contains(info, []byte("(A4)")) {
			t.Errorf("%s: the clinician page is not one A4 page:\n%s", name, info)
		}
		text, err := exec.Command("pdftotext", pdf, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"security at a glance", "Before you use it", "What to watch for", "In an emergency", "Who to call"} {
			if !bytes.Contains(text, []byte(want)) {
				t.Errorf("%s: the printed page lacks %q", name, want)
			}
		}
	}
}

// TestIFUSection: the IFU security section of every example, in Markdown
// and HTML, byte for byte; each carries one numbered heading for every
// item the IFU checklist (mdcheck ifu) says the device needs.
func TestIFUSection(t *testing.T) {
	dir := t.TempDir()
	for _, name := range exampleNames(t) {
		model := "examples/" + name + "/device.yaml"
		code, md, errs := run(t, "check", "--date", date, "-f", "ifu", model)
		if code != ExitOK {
			t.Fatalf("%s: exit %d\n%s", name, code, errs)
		}
		golden.Check(t, "ifu-"+name+".md", []byte(md))
		page := filepath.Join(dir, name+".html")
		if code, _, errs := run(t, "check", "--date", date, "-f", "ifu", "-o", page, model); code != ExitOK {
			t.Fatalf("%s: exit %d\n%s", name, code, errs)
		}
		html, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		golden.Check(t, "ifu-"+name+".html", html)
		_, out, _ := run(t, "ifu", "-f", "json", model)
		var list struct {
			Items []struct {
				ID     string `json:"id"`
				Needed bool   `json:"needed"`
			} `json:"items"`
		}
		if err := json.Unmarshal([]byte(out), &list); err != nil {
			t.Fatal(err)
		}
		needed := 0
		for _, it := range list.Items {
			if it.Needed {
				needed++
				if !strings.Contains(string(html), `<section id="`+it.ID+`"`) {
					t.Errorf("%s: the HTML section lacks %s", name, it.ID)
				}
			}
		}
		if got := strings.Count(md, "\n## "); needed == 0 || got != needed {
			t.Errorf("%s: %d headings in the Markdown, %d items needed", name, got, needed)
		}
	}
}

// TestThreatsGolden: the threat model of every example as JSON, and the
// pacemaker's table, byte for byte; the table fits 80 columns.
func TestThreatsGolden(t *testing.T) {
	names := exampleNames(t)
	for _, name := range names {
		code, out, errs := run(t, "threats", "-f", "json", "examples/"+name+"/device.yaml")
		if code != ExitOK {
			t.Fatalf("%s: exit %d\n%s", name, code, errs)
		}
		golden.Check(t, "threats-"+name+".json", []byte(out))
	}
	code, out, errs := run(t, "threats", "examples/pacemaker-system/device.yaml")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	golden.Check(t, "threats-pacemaker-system.txt", []byte(out))
	if code, md, errs := run(t, "threats", "-f", "md", "examples/pacemaker-system/device.yaml"); code != ExitOK {
		t.Fatalf("md: exit %d\n%s", code, errs)
	} else {
		golden.Check(t, "threats-pacemaker-system.md", []byte(md))
	}
	for i, l := range strings.Split(out, "\n") {
		if n := utf8.RuneCountInString(l); n > 80 {
			t.Errorf("line %d has %d columns: %q", i+1, n, l)
		}
	}
	// The data-flow diagram of every example: well-formed SVG, byte for
	// byte, and shown in headless Chromium without a request or an error.
	for _, name := range names {
		code, svg, errs := run(t, "threats", "-f", "svg", "examples/"+name+"/device.yaml")
		if code != ExitOK {
			t.Fatalf("%s svg: exit %d\n%s", name, code, errs)
		}
		golden.Check(t, "threats-"+name+".svg", []byte(svg))
		if err := xml.Unmarshal([]byte(svg), new(struct{})); err != nil {
			t.Errorf("%s: not well-formed: %v", name, err)
		}
		if name != "pacemaker-system" {
			continue
		}
		if !strings.Contains(svg, `<g class="threat">`) {
			t.Error("the pacemaker's diagram marks no open threat")
		}
		if _, err := browser.Path(); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("CI=true and %v", err)
			}
			continue
		}
		page := "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>diagram</title></head><body>" + svg[strings.Index(svg, "<svg"):] + "</body></html>"
		v, err := browser.Open(context.Background(), []byte(page), 1000, 600)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Requests)+len(v.Console) > 0 {
			t.Errorf("the diagram made requests %q or console messages %q", v.Requests, v.Console)
		}
		if err := os.WriteFile(filepath.Join(t.ArtifactDir(), "threats-pacemaker-system.png"), v.Screenshot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The pacemaker shows the medical threats a security engineer expects.
	for _, want := range []string{"therapy-command-tampering@implant/wand", "emergency-access-abuse@implant", "battery-drain@implant/mics", "pivot-from-internet@home-monitor/cellular->implant"} {
		if !strings.Contains(out, want) {
			t.Errorf("the pacemaker's threat model lacks %s", want)
		}
	}
}

// TestThreatsWaivers: a waiver on threat/ID accepts the threat in threats
// and in check until the day after it expires; a bad date or a misspelt
// threat rule is an input error.
func TestThreatsWaivers(t *testing.T) {
	dir := t.TempDir()
	w := filepath.Join(dir, "waivers.yaml")
	if err := os.WriteFile(w, []byte(`waivers:
  - finding: threat/therapy-command-tampering@implant/wand
    reason: The wand needs contact with the skin; residual risk weighed in RM-4.
    owner: Risk board
    expires: 2027-01-31
`), 0o644); err != nil {
		t.Fatal(err)
	}
	status := func(out, path string) (string, bool) {
		var doc map[string]any
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		var ts []any
		if path == "threatModel" {
			ts = doc["threatModel"].(map[string]any)["threats"].([]any)
		} else {
			ts = doc["threats"].([]any)
		}
		for _, x := range ts {
			th := x.(map[string]any)
			if th["id"] == "therapy-command-tampering@implant/wand" {
				a, _ := th["acceptance"].(map[string]any)
				return th["status"].(string), a != nil && a["expired"] == true
			}
		}
		t.Fatal("threat not found")
		return "", false
	}
	for _, tc := range []struct {
		date, want string
		expired    bool
	}{{"2027-01-31", "accepted", false}, {"2027-02-01", "open", true}} {
		code, out, errs := run(t, "threats", "-f", "json", "--waivers", w, "--date", tc.date, "examples/pacemaker-system/device.yaml")
		if code != ExitOK {
			t.Fatalf("exit %d\n%s", code, errs)
		}
		if got, expired := status(out, "threats"); got != tc.want || expired != tc.expired {
			t.Errorf("threats on %s: %s (expired %v), want %s", tc.date, got, expired, tc.want)
		}
		code, out, errs = run(t, "check", "-f", "json", "--no-vulns", "--waivers", w, "--date", tc.date, "examples/pacemaker-system/device.yaml")
		if code != ExitOK {
			t.Fatalf("check: exit %d\n%s", code, errs)
		}
		if got, _ := status(out, "threatModel"); got != tc.want {
			t.Errorf("check on %s: %s, want %s", tc.date, got, tc.want)
		}
	}
	if code, _, errs := run(t, "threats", "--date", "31.1.2027", "examples/pacemaker-system/device.yaml"); code != ExitInput || !strings.Contains(errs, "--date") {
		t.Errorf("bad date: exit %d, %s", code, errs)
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("waivers:\n  - {finding: threat/therapy-tampering@implant/wand, reason: r, owner: o, expires: 2027-01-31}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := run(t, "threats", "--waivers", bad, "examples/pacemaker-system/device.yaml"); code != ExitInput || !strings.Contains(errs, "bad.yaml:2:") {
		t.Errorf("misspelt threat rule: exit %d, %s", code, errs)
	}
}
