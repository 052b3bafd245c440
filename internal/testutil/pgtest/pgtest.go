// Package pgtest gives a test a PostgreSQL database of its own on the
// server MDCHECK_TEST_POSTGRES names (.ci/run starts one with
// scripts/test-postgres.sh).
package pgtest

import (
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the PostgreSQL driver
)

// Database creates a new database for t, dropped when t ends, and
// returns its URL. Without MDCHECK_TEST_POSTGRES it skips t, or fails it
// under CI=true.
func Database(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("MDCHECK_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true and MDCHECK_TEST_POSTGRES is not set: this test needs PostgreSQL (.ci/run starts one)")
		}
		t.Skip("PostgreSQL skipped: MDCHECK_TEST_POSTGRES is not set (scripts/test-postgres.sh starts one; .ci/run sets it)")
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var b [6]byte
	rand.Read(b[:])
	name := fmt.Sprintf("mdcheck_test_%x", b)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if a, err := sql.Open("pgx", dsn); err == nil {
			a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			a.Close()
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}
