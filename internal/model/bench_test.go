package model

import (
	"os"
	"testing"

	"github.com/goccy/go-yaml"
)

const benchFile = "../../examples/pacemaker-system/device.yaml"

// BenchmarkParse reads the largest example model strictly, with positions
// and validation.
func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile(benchFile)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("device.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkYAMLGeneric is the floor Parse is compared with: the YAML
// library decoding the same bytes into generic values, with no checks.
func BenchmarkYAMLGeneric(b *testing.B) {
	data, err := os.ReadFile(benchFile)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var v any
		if err := yaml.Unmarshal(data, &v); err != nil {
			b.Fatal(err)
		}
	}
}
