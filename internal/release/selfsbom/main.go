// Command selfsbom writes the CycloneDX SBOM of a built mdcheck binary,
// read from the Go build information inside it. make release runs it for
// every binary it builds:
//
//	go run ./internal/release/selfsbom -version v1.2.3 -date 2026-12-01T10:00:00Z dist/mdcheck_linux_amd64 > dist/mdcheck_linux_amd64.cdx.json
package main

import (
	"crypto/sha256"
	"debug/buildinfo"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/mdcheck/mdcheck/internal/release"
)

func main() {
	version := flag.String("version", "", "release version the binary reports (default: its module version)")
	date := flag.String("date", "", "SBOM timestamp, RFC 3339 (default: the binary's commit time, else now)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: selfsbom [-version V] [-date T] BINARY")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *version, *date); err != nil {
		fmt.Fprintln(os.Stderr, "selfsbom:", err)
		os.Exit(1)
	}
}

func run(path, version, date string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	info, err := buildinfo.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	when := time.Now()
	if date == "" {
		for _, s := range info.Settings {
			if s.Key == "vcs.time" {
				date = s.Value
			}
		}
	}
	if date != "" {
		if when, err = time.Parse(time.RFC3339, date); err != nil {
			return fmt.Errorf("-date: %w", err)
		}
	}
	bom, err := release.BOM(release.Binary{Name: filepath.Base(path), SHA256: sha256.Sum256(data), Info: info}, version, when)
	if err != nil {
		return err
	}
	return release.Write(os.Stdout, bom)
}
