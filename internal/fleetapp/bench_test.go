package fleetapp

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/fleet"
	"github.com/mdcheck/mdcheck/internal/testutil/pgtest"
	"github.com/mdcheck/mdcheck/internal/testutil/shareddata"
)

// BenchmarkReassess assesses again, one op at a time, 20 devices that
// each carry a real SBOM of 435 components (redis-commander's, from the
// shared data), unchanged since their last assessment: what a re-match
// after an advisory import costs per device reached; on SQLite, and on
// PostgreSQL when MDCHECK_TEST_POSTGRES names a server.
//
// The App keeps the SBOMs it parsed, by content: the devices share
// theirs, as the units of one model do. The uncached runs keep none: what
// a fleet of more distinct SBOMs than the App keeps costs.
func BenchmarkReassess(b *testing.B) {
	for _, cache := range []int64{0, -1} {
		name := ""
		if cache < 0 {
			name = "-uncached"
		}
		b.Run("sqlite"+name, func(b *testing.B) { benchReassess(b, "sqlite:"+filepath.Join(b.TempDir(), "f.db"), cache) })
		if os.Getenv("MDCHECK_TEST_POSTGRES") != "" {
			b.Run("postgres"+name, func(b *testing.B) { benchReassess(b, pgtest.Database(b), cache) })
		}
	}
}

func benchReassess(b *testing.B, dsn string, cache int64) {
	sb, err := os.ReadFile(filepath.Join(shareddata.Dir(b, "sbom"), "software", "redis-commander.cdx.json"))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	dir := b.TempDir()
	f, err := Open(ctx, app.New(app.Config{DB: filepath.Join(dir, "v.db"), Snapshot: true, SBOMCache: cache}), dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	by := actorOf(b, f, "A", RoleAssessor)
	var devices []string
	for i := range 20 {
		d, _, err := f.AddDevice(ctx, by, []byte(fmt.Sprintf("apiVersion: mdcheck.dev/v1\nkind: Device\nidentity: {manufacturer: A, product: P%d, model: M}\ncomponents:\n  - {id: a, name: App, kind: standalone-software, role: device, sbom: sbom/app.cdx.json}\n", i)))
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := f.UploadFile(ctx, by, d.ID, "sbom/app.cdx.json", sb); err != nil {
			b.Fatal(err)
		}
		devices = append(devices, d.ID)
	}
	if _, err := f.RunQueued(ctx, 100); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var last Assessment
	for i := 0; b.Loop(); i++ {
		if last, err = f.Reassess(ctx, by, devices[i%len(devices)]); err != nil {
			b.Fatal(err)
		}
		if n, err := f.RunQueued(ctx, 1); err != nil || n != 1 {
			b.Fatalf("ran %d: %v", n, err)
		}
	}
	b.StopTimer()
	// A failed check is quick: the runs measured must have succeeded.
	if a, err := f.Assessment(ctx, by, last.ID); err != nil || a.Status != fleet.Done || a.Error != "" {
		b.Fatalf("the last assessment: %s %q: %v", a.Status, a.Error, err)
	}
}
