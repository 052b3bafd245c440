package certs

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzReadCertificate: no certificate chain, however malformed, makes
// the certificate reader panic, and what it reads it judges.
func FuzzRead(f *testing.F) {
	for _, name := range []string{"selfsigned-rsa1024.der", "ecdsa-p256.der"} {
		der, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(der, der)
	}
	f.Fuzz(func(t *testing.T, leaf, issuer []byte) {
		c := Read([][]byte{leaf, issuer}, "device.test", time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC))
		if c == nil || c.Chain != 2 {
			t.Fatalf("%+v", c)
		}
	})
}
