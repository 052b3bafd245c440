package vuln

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// EPSS is FIRST's Exploit Prediction Scoring System score of a CVE: the
// probability of exploitation activity in the next 30 days, and its
// percentile among all scored CVEs, on the score date of the file.
type EPSS struct {
	CVE        string  `json:"cve"`
	Score      float64 `json:"score"`
	Percentile float64 `json:"percentile"`
}

// EPSSFile is one EPSS data file: its model and score date, and scores.
type EPSSFile struct {
	Model  string `json:"model"`
	Date   string `json:"date"`
	Scores []EPSS `json:"-"`
}

// MaxEPSS bounds an EPSS file after decompression: the full daily file
// is about 10 MB for some 300,000 CVEs.
const MaxEPSS = 64 << 20

// isEPSS tells an EPSS file by its gzip magic or its first line.
func isEPSS(data []byte) bool {
	return bytes.HasPrefix(data, []byte{0x1f, 0x8b}) || bytes.HasPrefix(data, []byte("#model_version")) || bytes.HasPrefix(data, []byte("cve,epss"))
}

// ParseEPSS reads an EPSS CSV file, plain or gzipped, in the layout FIRST
// publishes: a comment line "#model_version:...,score_date:...", the
// header "cve,epss,percentile", then one row per CVE. A fault is reported
// with its line.
func ParseEPSS(name string, data []byte) (*EPSSFile, error) {
	var scores []EPSS
	f, err := readEPSS(name, data, func(_ *EPSSFile, e EPSS) error {
		scores = append(scores, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	f.Scores = scores
	return f, nil
}

// CheckEPSS reads an EPSS file through, as ParseEPSS does, without
// keeping its scores.
func CheckEPSS(name string, data []byte) error {
	_, err := readEPSS(name, data, func(*EPSSFile, EPSS) error { return nil })
	return err
}

// readEPSS reads an EPSS file as a stream, calling fn for each row with
// the file's model and date as read so far (they come first).
func readEPSS(name string, data []byte, fn func(*EPSSFile, EPSS) error) (*EPSSFile, error) {
	var r io.Reader = bytes.NewReader(data)
	if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: gzip: %v", ErrInvalid, name, err)
		}
		r = zr
	}
	// Read as a stream, never decompressed in full, and counted.
	lr := &io.LimitedReader{R: r, N: MaxEPSS + 1}
	fail := func(line int, format string, a ...any) error {
		if lr.N <= 0 {
			return fmt.Errorf("%w: %s: expands past %d MiB (a gzip bomb?); an EPSS file may be at most that", ErrInvalid, name, MaxEPSS>>20)
		}
		return fmt.Errorf("%w: %s: line %d: %s", ErrInvalid, name, line, fmt.Sprintf(format, a...))
	}
	f := &EPSSFile{}
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
		if !cveID.MatchString(cols[0]) {
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
		if err := fn(f, EPSS{CVE: cols[0], Score: vals[0], Percentile: vals[1]}); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fail(line+1, "%v", err)
	}
	if lr.N <= 0 {
		return nil, fmt.Errorf("%w: %s: expands past %d MiB (a gzip bomb?); an EPSS file may be at most that", ErrInvalid, name, MaxEPSS>>20)
	}
	if !header {
		return nil, fmt.Errorf("%w: %s: no cve,epss,percentile header: not an EPSS file", ErrInvalid, name)
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
