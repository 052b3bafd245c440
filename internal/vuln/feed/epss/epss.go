// Package epss reads FIRST's EPSS scores (CSV, plain or gzipped).
package epss

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/mdcheck/mdcheck/internal/vuln"
)

// isEPSS tells an EPSS file by its gzip magic or its first line.
func isEPSS(data []byte) bool {
	return bytes.HasPrefix(data, []byte{0x1f, 0x8b}) || bytes.HasPrefix(data, []byte("#model_version")) || bytes.HasPrefix(data, []byte("cve,epss"))
}

// Parse reads an EPSS CSV file, plain or gzipped, in the layout FIRST
// publishes: a comment line "#model_version:...,score_date:...", the
// header "cve,epss,percentile", then one row per CVE. A fault is reported
// with its line.
func Parse(name string, data []byte) (*vuln.EPSSFile, error) {
	var scores []vuln.EPSS
	f, err := readEPSS(name, data, func(_ *vuln.EPSSFile, e vuln.EPSS) error {
		scores = append(scores, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	f.Scores = scores
	return f, nil
}

// Check reads an EPSS file through, as Parse does, without
// keeping its scores.
func Check(name string, data []byte) error {
	_, err := readEPSS(name, data, func(*vuln.EPSSFile, vuln.EPSS) error { return nil })
	return err
}

// readEPSS reads an EPSS file as a stream, calling fn for each row with
// the file's model and date as read so far (they come first).
func readEPSS(name string, data []byte, fn func(*vuln.EPSSFile, vuln.EPSS) error) (*vuln.EPSSFile, error) {
	var r io.Reader = bytes.NewReader(data)
	if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: gzip: %v", vuln.ErrInvalid, name, err)
		}
		r = zr
	}
	// Read as a stream, never decompressed in full, and counted.
	lr := &io.LimitedReader{R: r, N: vuln.MaxEPSS + 1}
	fail := func(line int, format string, a ...any) error {
		if lr.N <= 0 {
			return fmt.Errorf("%w: %s: expands past %d MiB (a gzip bomb?); an EPSS file may be at most that", vuln.ErrInvalid, name, vuln.MaxEPSS>>20)
		}
		return fmt.Errorf("%w: %s: line %d: %s", vuln.ErrInvalid, name, line, fmt.Sprintf(format, a...))
	}
	f := &vuln.EPSSFile{}
	sc := bufio.NewScanner(lr)
	sc.Buffer(nil, 1<<20)
	line, header := 0, false
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		switch {
		case text == "":
			continue
		case strings.HasPrefix(text, "#"):
			for _, kv := range strings.Split(strings.TrimPrefix(text, "#"), ",") {
				k, v, _ := strings.Cut(kv, ":")
				switch strings.TrimSpace(k) {
				case "model_version":
					f.Model = strings.TrimSpace(v)
				case "score_date":
					f.Date = strings.TrimSpace(v)
				}
			}
			continue
		case !header:
			if cols := strings.Split(text, ","); len(cols) < 3 || cols[0] != "cve" || cols[1] != "epss" || cols[2] != "percentile" {
				return nil, fail(line, "header %q is not cve,epss,percentile", clipText(text))
			}
			header = true
			continue
		}
		cols := strings.Split(text, ",")
		if len(cols) < 3 {
			return nil, fail(line, "%q has %d columns, not cve,epss,percentile", clipText(text), len(cols))
		}
		if !vuln.CVEID.MatchString(cols[0]) {
			return nil, fail(line, "%q is not a CVE ID", clipText(cols[0]))
		}
		var vals [2]float64
		for i, c := range cols[1:3] {
			v, err := strconv.ParseFloat(c, 64)
			if err != nil || v < 0 || v > 1 {
				return nil, fail(line, "%s %q is not a number from 0 to 1", []string{"epss", "percentile"}[i], clipText(c))
			}
			vals[i] = v
		}
		if err := fn(f, vuln.EPSS{CVE: cols[0], Score: vals[0], Percentile: vals[1]}); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fail(line+1, "%v", err)
	}
	if lr.N <= 0 {
		return nil, fmt.Errorf("%w: %s: expands past %d MiB (a gzip bomb?); an EPSS file may be at most that", vuln.ErrInvalid, name, vuln.MaxEPSS>>20)
	}
	if !header {
		return nil, fmt.Errorf("%w: %s: no cve,epss,percentile header: not an EPSS file", vuln.ErrInvalid, name)
	}
	return f, nil
}

// clipText shortens a value quoted in a message.
func clipText(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}

// Feed reads EPSS files, handing each score on as it is read.
var Feed vuln.Feed = feed{}

type feed struct{}

func (feed) Name() string            { return "epss" }
func (feed) Detect(data []byte) bool { return isEPSS(data) }

func (feed) Read(name string, data []byte, y vuln.Yield) error {
	fn := y.EPSS
	if fn == nil {
		fn = func(*vuln.EPSSFile, vuln.EPSS) error { return nil }
	}
	_, err := readEPSS(name, data, fn)
	return err
}
