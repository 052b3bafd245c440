package sbom

import (
	"path/filepath"
	"testing"

	"github.com/mdcheck/mdcheck/internal/testutil/shareddata"
)

// sharedData is the project's collection of real public SBOMs
// (shareddata.Find); tests that need it skip, or fail under CI, without.
var sharedData, _ = shareddata.Find("sbom")

// TestSharedSBOMs reads every real SBOM of the shared collection and
// checks the component count its README gives (nested components
// included for CycloneDX, packages for SPDX).
func TestSharedSBOMs(t *testing.T) {
	shareddata.Dir(t, "sbom")
	want := map[string]int{
		"medical/meddev-casestudy-narrow.cdx.json":                            55,
		"embedded-iot/balenalib-beaglebone-black-debian-node.syft.spdx.json":  373,
		"embedded-iot/balenalib-beaglebone-black-debian-node.trivy.spdx.json": 375,
		"embedded-iot/freertos-corepkcs11.spdx":                               2,
		"embedded-iot/freertos-kernel.spdx":                                   1,
		"embedded-iot/usbutils.spdx":                                          0,
		"software/apache-airflow-2.8.0.cdx.json":                              1749,
		"software/cern-lhc-vdm-editor.cdx.json":                               43,
		"software/constellation-2.2.2.spdx.json":                              1303,
		"software/dropwizard-1.3.15.cdx.json":                                 167,
		"software/ghidra-10.2.2.cdx.json":                                     109,
		"software/grype-0.32.0.spdx.json":                                     1160,
		"software/istio-release.spdx":                                         3461,
		// The collection's README gives 841 for this one file: it counts
		// every <component> element, the metadata component (what the SBOM
		// describes) included. Its JSON counts leave the metadata component
		// out, as this reader does everywhere: 840 components plus the
		// subject.
		"software/juice-shop-11.1.2.cdx.xml":          840,
		"software/juice-shop-14.1.1-npm.cdx-1.4.json": 1115,
		"software/julia.spdx.json":                    34,
		"software/laravel-7.12.0.cdx-1.4.json":        62,
		"software/powershell-7.2.1.spdx.json":         331,
		"software/proton-bridge-1.8.0.cdx.json":       201,
		"software/redis-commander.cdx.json":           514,
	}
	files, _ := filepath.Glob(filepath.Join(sharedData, "*", "*"))
	seen := 0
	for _, f := range files {
		rel, _ := filepath.Rel(sharedData, f)
		n, ok := want[rel]
		if !ok {
			continue
		}
		seen++
		t.Run(rel, func(t *testing.T) {
			doc, err := ReadFile(f)
			if err != nil {
				t.Fatalf("ReadFile: %v", err)
			}
			if len(doc.Components) != n {
				t.Errorf("%d components, want %d", len(doc.Components), n)
			}
			for _, w := range doc.Warnings {
				t.Logf("warning: %s", w)
			}
		})
	}
	if seen != len(want) {
		t.Errorf("found %d of the %d SBOMs of the collection", seen, len(want))
	}
}
