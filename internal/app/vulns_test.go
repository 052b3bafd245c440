package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/model"
	"github.com/mdcheck/mdcheck/internal/report"
	"github.com/mdcheck/mdcheck/internal/vex"
	"github.com/mdcheck/mdcheck/internal/vuln/store"
)

// vulnModel writes a device with a networked server (log4j-core 2.14.1,
// listed in the KEV subset, and minimist 0.0.8), an app whose only
// package has no vulnerability, and a sensor whose SBOM names nothing
// that can be matched.
func vulnModel(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"device.yaml": `apiVersion: mdcheck.dev/v1
kind: Device
identity: {manufacturer: A, product: B}
components:
  - id: server
    name: Therapy server
    kind: cloud-service
    role: device
    sbom: server.cdx.json
    interfaces:
      - {id: api, kind: wired-network, exposure: internet}
  - {id: app, name: App, kind: mobile-app, role: device, sbom: app.cdx.json}
  - {id: sensor, name: Sensor, kind: hardware-device, role: device, sbom: sensor.cdx.json}
  - {id: hub, name: Hub, kind: gateway, role: device}
`,
		"server.cdx.json": `{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":[
 {"type":"library","bom-ref":"log4j","name":"log4j-core","version":"2.14.1","purl":"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"},
 {"type":"library","bom-ref":"mm","name":"minimist","version":"0.0.8","purl":"pkg:npm/minimist@0.0.8"}]}`,
		"app.cdx.json":    `{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":[{"type":"library","name":"left-pad","version":"1.3.0","purl":"pkg:npm/left-pad@1.3.0"}]}`,
		"sensor.cdx.json": `{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":[{"type":"firmware","name":"sensor-fw","version":"4.2"}]}`,
		"vex.json": `{"@context":"https://openvex.dev/ns/v0.2.0","@id":"https://a.example/vex/1","author":"A","timestamp":"2026-11-01T00:00:00Z","version":1,
 "statements":[{"vulnerability":{"name":"CVE-2021-44906"},"products":[{"@id":"pkg:npm/minimist"}],"status":"not_affected",
 "justification":"vulnerable_code_not_in_execute_path","impact_statement":"Only the build uses minimist."}]}`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func testVulnDB(t *testing.T) *store.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "vuln.db")
	if _, err := store.Import(context.Background(), path, []string{"../vuln/testdata/osv", "../vuln/testdata/kev/kev-subset.json"}, time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func findingsByID(r *report.Report) map[string]catalog.Finding {
	out := map[string]catalog.Finding{}
	for _, f := range r.Findings {
		out[f.ID] = f
	}
	return out
}

func TestVulnerabilityFindings(t *testing.T) {
	dir := vulnModel(t)
	stmts, err := vex.ReadFile(filepath.Join(dir, "vex.json"))
	if err != nil {
		t.Fatal(err)
	}
	opts := runOptions{Now: time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC), Vulns: &Vulns{DB: testVulnDB(t), VEX: stmts}}
	r, err := run(context.Background(), filepath.Join(dir, "device.yaml"), opts)
	if err != nil {
		t.Fatal(err)
	}
	fs := findingsByID(r)
	const rule = "vuln/known-vulnerabilities@"
	log4j, ok := fs[rule+"server/GHSA-jfh8-c2jp-5v3q"]
	if !ok {
		t.Fatalf("no Log4Shell finding; findings: %v", keys(fs))
	}
	if log4j.Status != catalog.Fail || !log4j.Exploited || log4j.Severity != catalog.Critical || log4j.Suppressed() ||
		!strings.Contains(log4j.Detail, "Known exploited (CISA KEV, added 2021-12-10)") {
		t.Errorf("Log4Shell = %s %s exploited=%v waived=%v: %s", log4j.Status, log4j.Severity, log4j.Exploited, log4j.Suppressed(), log4j.Detail)
	}
	minimist := fs[rule+"server/GHSA-xvch-5gv4-984h"]
	if s := minimist.Suppression; minimist.Status != catalog.Fail || !minimist.Suppressed() || s.By != catalog.ByVEX || s.Status != "not_affected" ||
		s.Justification != "vulnerable_code_not_in_execute_path" || !strings.Contains(s.Impact, "Only the build uses minimist.") ||
		!strings.HasSuffix(s.Source, "vex.json") {
		t.Errorf("minimist = %s, suppression %+v; want failing, set aside by the VEX statement with its justification", minimist.Status, s)
	}
	if f := fs[rule+"app"]; f.Status != catalog.Pass || !strings.Contains(f.Detail, "1 of 1 package") {
		t.Errorf("app = %s: %s, want pass", f.Status, f.Detail)
	}
	if f := fs[rule+"sensor"]; f.Status != catalog.Unknown {
		t.Errorf("sensor = %s: %s, want unknown (nothing could be matched)", f.Status, f.Detail)
	}
	if _, ok := fs[rule+"hub"]; ok {
		t.Error("a component without an SBOM got a vulnerability finding")
	}
	// Known exploited first in the fix-first list; the waived finding is
	// not there at all.
	if len(r.FixFirst) == 0 || r.FixFirst[0].Finding != log4j.ID || !r.FixFirst[0].Exploited {
		t.Errorf("fix first starts with %+v, want the Log4Shell finding", r.FixFirst[:min(1, len(r.FixFirst))])
	}
	for _, fx := range r.FixFirst {
		if fx.Finding == minimist.ID {
			t.Error("the VEX-waived finding is in the fix-first list")
		}
	}
	for _, rr := range r.Requirements {
		if rr.ID == "MDR.AI.17.2" && rr.Status != report.Missed {
			t.Errorf("MDR.AI.17.2 = %s with an exploited vulnerability open, want missed", rr.Status)
		}
	}

	// Without a database nothing is assessed, and nothing passes.
	r, err = run(context.Background(), filepath.Join(dir, "device.yaml"), runOptions{Now: opts.Now})
	if err != nil {
		t.Fatal(err)
	}
	for id, f := range findingsByID(r) {
		if strings.HasPrefix(id, rule) && (f.Status != catalog.Unknown || !strings.Contains(f.Detail, "no vulnerability database")) {
			t.Errorf("without a database %s = %s: %s", id, f.Status, f.Detail)
		}
	}
}

func keys(m map[string]catalog.Finding) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestDeviceAdvisoryFindings checks a device that a real ICSMA advisory
// names: its identity matches, findings carry the advisory.
func TestDeviceAdvisoryFindings(t *testing.T) {
	dir := t.TempDir()
	model := `apiVersion: mdcheck.dev/v1
kind: Device
identity: {manufacturer: Spacelabs Healthcare, product: Xhibit Telemetry Receiver, model: "96280", version: "1.0.2"}
components:
  - {id: xtr, name: Xhibit Telemetry Receiver (XTR) Model number 96280, kind: hardware-device, role: device, version: "1.0.3"}
  - {id: gw, name: Gateway, kind: gateway, role: device}
`
	file := filepath.Join(dir, "device.yaml")
	if err := os.WriteFile(file, []byte(model), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "vuln.db")
	if _, err := store.Import(context.Background(), path, []string{"../vuln/testdata/csaf/icsma-20-049-01.json"}, time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, err := run(context.Background(), file, runOptions{Now: time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC), Vulns: &Vulns{DB: db}})
	if err != nil {
		t.Fatal(err)
	}
	fs := findingsByID(r)
	const rule = "vuln/device-advisories@"
	if f := fs[rule+"device/ICSMA-20-049-01"]; f.Status != catalog.Fail || !strings.Contains(f.Detail, "CVE") || !strings.Contains(f.Detail, "Spacelabs Healthcare is Spacelabs") {
		t.Errorf("device = %s: %s", f.Status, f.Detail)
	}
	// Version 1.0.3 is after the advisory's 1.0.2.
	if f := fs[rule+"xtr"]; f.Status != catalog.Pass {
		t.Errorf("xtr 1.0.3 = %s: %s; want pass", f.Status, f.Detail)
	}
	if f := fs[rule+"gw"]; f.Status != catalog.Pass || !strings.Contains(f.Detail, "1 advisory checked") {
		t.Errorf("gateway = %s: %s", f.Status, f.Detail)
	}
}

// TestUnmatchedDispositions: a disposition whose vulnerability matching
// did not find (by ID or alias) in the components it concerns is named;
// one for a component whose SBOM was not matched is not.
func TestUnmatchedDispositions(t *testing.T) {
	dev, err := model.Parse("d.yaml", []byte(`apiVersion: mdcheck.dev/v1
kind: Device
identity: {manufacturer: A, product: B}
components:
  - {id: a, name: A, kind: gateway, role: device}
  - {id: b, name: B, kind: gateway, role: device}
dispositions:
  - {vulnerability: CVE-2024-0001, decision: fix}
  - {vulnerability: cve-2024-0002, components: [a], decision: fix}
  - {vulnerability: CVE-2024-9999, components: [a], decision: fix}
  - {vulnerability: CVE-2024-8888, components: [b], decision: fix}
`))
	if err != nil {
		t.Fatal(err)
	}
	ev := evidence.NewSet()
	ev.AddVulnerabilities(evidence.Vulnerabilities{Component: "a", Found: []evidence.VulnFound{
		{ID: "CVE-2024-0001"}, {ID: "GHSA-xxxx-yyyy-zzzz", Aliases: []string{"CVE-2024-0002"}},
	}})
	got := unmatchedDispositions(dev, ev)
	if len(got) != 1 || !strings.HasPrefix(got[0], "d.yaml:10:") || !strings.Contains(got[0], "CVE-2024-9999 matches no vulnerability found in a") {
		t.Errorf("unmatched = %q, want only CVE-2024-9999 at d.yaml:10", got)
	}
}
