package dashboard

import (
	"fmt"
	"html/template"
	"math"
	"strings"
	"time"

	"github.com/mdcheck/mdcheck/internal/fleetapp"
)

// funcs are the templates' helpers: formatting only, no decisions.
var funcs = template.FuncMap{
	"when":   when,
	"inZone": inZone,
	// An ID's time-ordered head is alike among its neighbours: its
	// random tail tells them apart. A hash is known by its head.
	"short":     func(id string) string { return id[max(0, len(id)-8):] },
	"hash":      func(h string) string { return h[:min(12, len(h))] },
	"dots":      dots,
	"pct":       pct,
	"remaining": remaining,
	"trend":     trend,
	"local":     local,
	"first":     func(fs []fleetapp.FindingRef, n int) []fleetapp.FindingRef { return fs[:min(n, len(fs))] },
	"hasKind": func(ks []fleetapp.EventKind, k fleetapp.EventKind) bool {
		for _, x := range ks {
			if x == k {
				return true
			}
		}
		return false
	},
	"most": func(cs []fleetapp.Count) int {
		m := 1
		for _, c := range cs {
			m = max(m, c.Count)
		}
		return m
	},
	"size": func(n int) string {
		switch {
		case n >= 1<<20:
			return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
		case n >= 1<<10:
			return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
		}
		return fmt.Sprintf("%d B", n)
	},
	"editable": func(path string) bool {
		p := strings.ToLower(path)
		return strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")
	},
}

// when writes a time in UTC to the minute; a nil or zero one as a dash.
func when(t any) string {
	var v time.Time
	switch x := t.(type) {
	case time.Time:
		v = x
	case *time.Time:
		if x != nil {
			v = *x
		}
	}
	if v.IsZero() {
		return "—"
	}
	return v.UTC().Format("2006-01-02 15:04 UTC")
}

// inZone writes a time in a time zone, with the zone's abbreviation.
func inZone(t time.Time, zone *time.Location) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(zone).Format("Mon 2006-01-02 15:04 MST")
}

// local is a time as a datetime-local field's value in zone.
func local(t *time.Time, zone *time.Location) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.In(zone).Format("2006-01-02T15:04")
}

// pct writes a readiness (0-100); nil as a dash.
func pct(r any) string {
	switch x := r.(type) {
	case float64:
		return fmt.Sprintf("%.1f%%", x)
	case *float64:
		if x != nil {
			return fmt.Sprintf("%.1f%%", *x)
		}
	}
	return "—"
}

// remaining says how long until due, or how long past it.
func remaining(due, now time.Time) string {
	if due.IsZero() {
		return "not started"
	}
	d := due.Sub(now)
	word := "due in "
	if d < 0 {
		word, d = "overdue by ", -d
	}
	h := int(math.Round(d.Hours()))
	switch {
	case h >= 48:
		return fmt.Sprintf("%s%d days %d h", word, h/24, h%24)
	case d >= time.Hour:
		return fmt.Sprintf("%s%d h", word, h)
	}
	return fmt.Sprintf("%s%d min", word, int(d.Minutes()))
}

// dot is a day of the readiness trend in its 600x160 box.
type dot struct {
	X, Y  float64
	Label string
}

// dots places each day of the trend: x by day, y by readiness 0-100.
func dots(days []fleetapp.DayReadiness) []dot {
	out := make([]dot, len(days))
	for i, d := range days {
		x := 40.0
		if len(days) > 1 {
			x += float64(i) * 540 / float64(len(days)-1)
		}
		out[i] = dot{x, 150 - d.Readiness*1.4, fmt.Sprintf("%s: %.1f%%", d.Day, d.Readiness)}
	}
	return out
}

// trend is the points of the readiness trend's line.
func trend(days []fleetapp.DayReadiness) string {
	var b strings.Builder
	for _, d := range dots(days) {
		fmt.Fprintf(&b, "%.1f,%.1f ", d.X, d.Y)
	}
	return strings.TrimSpace(b.String())
}
