package bundle

import (
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzVerify feeds Verify arbitrary archives, seeded with a real bundle
// (testdata/sample.zip, written by TestSeed): it must never panic, and
// must never call a bundle verified that does not carry the test key's
// signature over its manifest.
func FuzzVerify(f *testing.F) {
	seed, err := os.ReadFile("testdata/sample.zip")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte("PK\x05\x06" + string(make([]byte, 18))))
	pub := testKey().Public().(ed25519.PublicKey)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "b.zip")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := Verify(p, pub)
		if err == nil && (res == nil || res.Manifest.Format != Format) {
			t.Fatalf("verified without a manifest: %+v", res)
		}
		if errors.Is(err, ErrTampered) && res == nil {
			t.Fatal("tampered without the problems")
		}
	})
}

// TestSeed keeps testdata/sample.zip what sample writes today (run with
// MDCHECK_UPDATE_SEED=1 to rewrite it), so the fuzz seed is a real
// bundle that verifies.
func TestSeed(t *testing.T) {
	if os.Getenv("MDCHECK_UPDATE_SEED") != "" {
		if err := os.WriteFile("testdata/sample.zip", sample(t, t.TempDir()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Verify("testdata/sample.zip", testKey().Public().(ed25519.PublicKey)); err != nil {
		t.Errorf("the fuzz seed does not verify: %v", err)
	}
}
