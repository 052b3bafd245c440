package advisory

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mdcheck/mdcheck/internal/testutil/shareddata"
)

func loadICSMA(tb testing.TB) []*Advisory {
	tb.Helper()
	files, _ := filepath.Glob(filepath.Join(shareddata.Dir(tb, filepath.Join("csaf", "cisa-icsma")), "*", "*.json"))
	if len(files) == 0 {
		tb.Fatalf("no ICSMA advisory in the shared data collection")
	}
	var out []*Advisory
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		a, err := ReadCSAF(filepath.Base(f), data)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

type label struct {
	Device
	expected, review []string
	kind             string
	// forbidden, when set, are the only advisories the row must not
	// match; other matches are not scored (a row written to miss them).
	forbidden []string
}

func loadLabels(tb testing.TB) []label {
	tb.Helper()
	f, err := os.Open(filepath.Join("..", "..", "bench", "icsma", "labels.csv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	var out []label
	split := func(s string) []string {
		if s == "" {
			return nil
		}
		return strings.Split(s, ";")
	}
	for _, r := range rows[1:] {
		out = append(out, label{Device: Device{Vendor: r[0], Product: r[1], Version: r[2]}, expected: split(r[3]), review: split(r[4]), kind: r[5]})
	}
	return out
}

// score counts (row, advisory) pairs as bench/icsma/README.md defines.
type score struct {
	tp, fp, fn, review, answers int
	wrong                       []string
}

func (s score) precision() float64 { return ratio(s.tp, s.tp+s.fp) }
func (s score) recall() float64    { return ratio(s.tp, s.tp+s.fn) }
func (s score) reviewRate() float64 {
	return ratio(s.review, s.answers)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func evaluate(m *Matcher, labels []label, keep func(label) bool) score {
	var s score
	for _, l := range labels {
		if !keep(l) {
			continue
		}
		hits := m.Match(l.Device)
		named := map[string]bool{}
		for _, h := range hits {
			s.answers++
			if h.Confidence == ConfidenceReview {
				s.review++
				continue
			}
			named[h.Advisory] = true
			switch {
			case len(l.forbidden) > 0 && !slices.Contains(l.forbidden, h.Advisory):
				// not scored
			case slices.Contains(l.expected, h.Advisory):
				s.tp++
			case slices.Contains(l.review, h.Advisory):
				// not scored
			default:
				s.fp++
				s.wrong = append(s.wrong, fmt.Sprintf("false %s %s: %v -> %s (%s)", h.Confidence, l.kind, l.Device, h.Advisory, h.Reason))
			}
		}
		for _, e := range l.expected {
			if !named[e] {
				s.fn++
				s.wrong = append(s.wrong, fmt.Sprintf("missed %s: %v -> %s", l.kind, l.Device, e))
			}
		}
	}
	return s
}

// TestICSMALabels measures matching against the labelled inventory of
// bench/icsma: on clearly written advisories (rows whose labels the
// script decided), precision and recall at least 0.95 with at most 10%
// needs-review; on all rows, the figures are logged.
func TestICSMALabels(t *testing.T) {
	m := NewMatcher(loadICSMA(t))
	labels := loadLabels(t)
	clear := evaluate(m, labels, func(l label) bool { return len(l.review) == 0 && l.kind != "near-miss" })
	all := evaluate(m, labels, func(label) bool { return true })
	t.Logf("clear: precision %.3f recall %.3f needs-review %.3f (tp %d fp %d fn %d)", clear.precision(), clear.recall(), clear.reviewRate(), clear.tp, clear.fp, clear.fn)
	t.Logf("all:   precision %.3f recall %.3f needs-review %.3f (tp %d fp %d fn %d)", all.precision(), all.recall(), all.reviewRate(), all.tp, all.fp, all.fn)
	if clear.precision() < 0.95 || clear.recall() < 0.95 || clear.reviewRate() > 0.10 {
		t.Errorf("clear advisories: precision %.3f, recall %.3f, needs-review %.3f; want >= 0.95, >= 0.95, <= 0.10", clear.precision(), clear.recall(), clear.reviewRate())
	}
	for i, w := range all.wrong {
		if i == 40 {
			t.Logf("... %d more", len(all.wrong)-40)
			break
		}
		t.Log(w)
	}
}
