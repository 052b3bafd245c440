package advisory

import (
	"fmt"
	"testing"
)

// BenchmarkMatchInventory matches an inventory of 10,000 devices (the
// labelled rows, repeated with other versions) against every ICSMA
// advisory of the shared data collection; one op is the whole inventory.
func BenchmarkMatchInventory(b *testing.B) {
	advs := loadICSMA(b)
	labels := loadLabels(b)
	rows := make([]Device, 0, 10_000)
	for i := 0; len(rows) < 10_000; i++ {
		l := labels[i%len(labels)]
		d := l.Device
		if i >= len(labels) {
			d.Version = fmt.Sprintf("%d.%d", i%13, i%7)
		}
		rows = append(rows, d)
	}
	b.ReportAllocs()
	for b.Loop() {
		m := NewMatcher(advs)
		n := 0
		for _, d := range rows {
			n += len(m.Match(d))
		}
		if n == 0 {
			b.Fatal("no matches")
		}
	}
}

// BenchmarkMatchDistinct is BenchmarkMatchInventory with every row's
// product name made distinct (a site code appended), so nothing is
// remembered from one row to the next.
func BenchmarkMatchDistinct(b *testing.B) {
	advs := loadICSMA(b)
	labels := loadLabels(b)
	rows := make([]Device, 0, 10_000)
	for i := 0; len(rows) < 10_000; i++ {
		d := labels[i%len(labels)].Device
		d.Product = fmt.Sprintf("%s site%d", d.Product, i)
		rows = append(rows, d)
	}
	b.ReportAllocs()
	for b.Loop() {
		m := NewMatcher(advs)
		for _, d := range rows {
			m.Match(d)
		}
	}
}
