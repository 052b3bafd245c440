package classify

import (
	"testing"

	"github.com/mdcheck/mdcheck/internal/model"
)

// BenchmarkClassify classifies the four-component pacemaker system.
func BenchmarkClassify(b *testing.B) {
	dev, err := model.Load("../../examples/pacemaker-system/device.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Classify(dev); err != nil {
			b.Fatal(err)
		}
	}
}
