package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestLargeScanMemory imports 200,000 OSV records and scans a
// 250,000-component SBOM against them (bench/large), each in
// a child process whose peak RSS stays under 256 MiB. The time of the
// scan against decoding the SBOM is a benchmark (bench/large.sh).
func TestLargeScanMemory(t *testing.T) {
	t.Parallel() // a child process of its own: it overlaps the others
	bin, dir := buildBinary(t)
	// Written by bench/large in a process of its own: under the race
	// detector this test binary would take minutes to write it.
	gen := exec.Command("go", "run", "./bench/large", "-records", "200000", "-components", "250000", "-out", dir)
	gen.Dir = repoRoot
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("bench/large: %v\n%s", err, out)
	}
	db := filepath.Join(dir, "vuln.db")
	measure(t, ExitOK, bin, "db", "import", "--db", db, filepath.Join(dir, "osv"))
	out := filepath.Join(dir, "scan.json")
	measure(t, ExitOK, bin, "scan", "--db", db, "--max-db-age", "0", "-f", "json", "-o", out, filepath.Join(dir, "large.cdx.json"))
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	// About one component in eight matches; every one is in the ledger.
	if n := bytes.Count(data, []byte(`"method":`)); n < 20_000 {
		t.Errorf("%d matches, want the workload's tens of thousands", n)
	}
	if n := bytes.Count(data, []byte(`"checked":`)); n != 250_000 {
		t.Errorf("%d ledger entries, want one per component (250000)", n)
	}
}
