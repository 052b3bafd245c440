// Command gen rebuilds the built-in vulnerability snapshot from the shared
// data folder:
//
//	go run ./internal/vuln/snapshot/gen -data ../shared/data -built 2026-11-30
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/mdcheck/mdcheck/internal/vuln/snapshot"
)

func main() {
	data := flag.String("data", "../shared/data", "shared data folder")
	out := flag.String("out", "internal/vuln/snapshot", "folder to write vuln.db.gz and SOURCES.md to")
	built := flag.String("built", time.Now().UTC().Format(time.DateOnly), "build date stamped into the snapshot (YYYY-MM-DD)")
	flag.Parse()
	d, err := time.Parse(time.DateOnly, *built)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen: -built must be YYYY-MM-DD")
		os.Exit(2)
	}
	st, err := snapshot.Build(context.Background(), *data, *out, d)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	fmt.Printf("%d records, newest %s, KEV %s, %s\n", st.Records, st.Newest, st.KEVVersion, st.Hash)
}
