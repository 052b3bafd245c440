package rules

import (
	"testing"
	"time"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/classify"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/model"
)

// withSBOM is a model whose one component, main, references an SBOM.
func withSBOM(t *testing.T) (*model.Device, *classify.Classification) {
	t.Helper()
	dev, err := model.Parse("d.yaml", []byte(one("    sbom: fw.cdx.json\n")))
	if err != nil {
		t.Fatal(err)
	}
	cl, err := classify.Classify(dev)
	if err != nil {
		t.Fatal(err)
	}
	return dev, cl
}

// runSBOMRule evaluates r with the given SBOM evidence for component main.
func runSBOMRule(t *testing.T, r catalog.Rule, b *evidence.SBOM) catalog.Status {
	t.Helper()
	dev, cl := withSBOM(t)
	ev := evidence.NewSet()
	if b != nil {
		b.Component, b.Path = "main", "components[0].sbom"
		ev.AddSBOM(*b)
	}
	fs := catalog.Evaluate([]catalog.Rule{r}, &catalog.Input{Device: dev, Classification: cl, Evidence: ev, Now: time.Now()})
	if len(fs) != 1 {
		t.Fatalf("%d findings", len(fs))
	}
	f := fs[0]
	seenMu.Lock()
	if seen[r.ID] == nil {
		seen[r.ID] = map[catalog.Status]bool{}
	}
	seen[r.ID][f.Status] = true
	seenMu.Unlock()
	if f.Status == catalog.Pass || f.Status == catalog.Fail {
		if len(f.Evidence) == 0 || f.Evidence[0].Strength != evidence.Observed {
			t.Errorf("%s: evidence %+v, want observed", f.ID, f.Evidence)
		}
	}
	return f.Status
}

func TestSBOMQualityRules(t *testing.T) {
	full := map[string]float64{"supplier": 100, "name": 100, "version": 100, "unique identifier": 95, "dependency relationship": 92}
	good := evidence.SBOM{Format: "CycloneDX", SpecVersion: "1.5", Components: 10, Checkable: 10, Coverage: full, Author: true, Timestamp: true, Score: 98}
	poor := good
	poor.Coverage = map[string]float64{"supplier": 10, "name": 100, "version": 100, "unique identifier": 50, "dependency relationship": 0}
	poor.Checkable, poor.Author = 5, false
	broken := evidence.SBOM{Err: "1:5: JSON syntax"}
	supported := good
	supported.WithSupport, supported.EarliestEndOfSupport = 10, "2030-01-01"
	expired := supported
	expired.EarliestEndOfSupport = "2020-01-01"
	tests := []struct {
		rule catalog.Rule
		b    *evidence.SBOM
		want catalog.Status
	}{
		{sbomReadable, &good, catalog.Pass},
		{sbomReadable, &broken, catalog.Fail},
		{sbomReadable, nil, catalog.Unknown},
		{sbomNTIA, &good, catalog.Pass},
		{sbomNTIA, &poor, catalog.Fail},
		{sbomNTIA, &broken, catalog.Unknown},
		{sbomCheckable, &good, catalog.Pass},
		{sbomCheckable, &poor, catalog.Fail},
		{sbomCheckable, nil, catalog.Unknown},
		{sbomSupport, &supported, catalog.Pass},
		{sbomSupport, &good, catalog.Fail},
		{sbomSupport, &expired, catalog.Fail},
		{sbomSupport, &broken, catalog.Unknown},
	}
	for _, tt := range tests {
		var b *evidence.SBOM
		if tt.b != nil {
			c := *tt.b
			b = &c
		}
		if got := runSBOMRule(t, tt.rule, b); got != tt.want {
			t.Errorf("%s on %+v = %s, want %s", tt.rule.ID, tt.b, got, tt.want)
		}
	}
}
