package sbom

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"testing"
)

// The largest SBOMs of the shared collection, per format and encoding.
var benchFiles = []string{
	"embedded-iot/balenalib-beaglebone-black-debian-node.syft.spdx.json",
	"software/juice-shop-14.1.1-npm.cdx-1.4.json",
	"software/apache-airflow-2.8.0.cdx.json",
	"software/juice-shop-11.1.2.cdx.xml",
	"software/istio-release.spdx",
}

func benchData(b *testing.B, rel string) []byte {
	data, err := os.ReadFile(filepath.Join(sharedData, rel))
	if err != nil {
		b.Skipf("shared SBOM collection not present: %v", err)
	}
	return data
}

// benchEach runs read on each of benchFiles in a sub-benchmark of its own.
func benchEach(b *testing.B, read func(b *testing.B, name string, data []byte)) {
	for _, f := range benchFiles {
		b.Run(filepath.Base(f), func(b *testing.B) {
			data := benchData(b, f)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				read(b, f, data)
			}
		})
	}
}

// BenchmarkParse reads each SBOM into the normalised inventory.
func BenchmarkParse(b *testing.B) {
	benchEach(b, func(b *testing.B, name string, data []byte) {
		if _, err := Parse(name, data); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkGenericDecode is the floor: the standard library decoding the
// same bytes into generic values (JSON), walking their tokens (XML), or
// cutting every line into a tag and a value as strings (tag-value).
func BenchmarkGenericDecode(b *testing.B) {
	benchEach(b, func(b *testing.B, _ string, data []byte) {
		if bytes.HasPrefix(bytes.TrimSpace(data), []byte("<")) {
			dec := xml.NewDecoder(bytes.NewReader(data))
			for {
				if _, err := dec.Token(); err != nil {
					break
				}
			}
			return
		}
		if !bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) {
			// Tag-value: every line cut into its tag and value.
			n := 0
			for rest := data; len(rest) > 0; {
				var line []byte
				line, rest, _ = bytes.Cut(rest, []byte("\n"))
				if tag, value, ok := bytes.Cut(line, []byte(":")); ok {
					n += len(string(tag)) + len(string(bytes.TrimSpace(value)))
				}
			}
			if n == 0 {
				b.Fatal("no tag-value pairs")
			}
			return
		}
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkLibraryRead reads the same SBOMs through the official
// libraries' full models, the reference the lean readers are held to.
func BenchmarkLibraryRead(b *testing.B) {
	benchEach(b, func(b *testing.B, _ string, data []byte) {
		if _, err := libraryRead(data); err != nil {
			b.Fatal(err)
		}
	})
}
