package feeds

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

func FuzzProviderMetadata(f *testing.F) {
	data, err := os.ReadFile("testdata/provider-metadata.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`{"distributions": [{"rolie": null}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		meta, err := parseProviderMetadata("p.json", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "p.json: ") {
				t.Errorf("error does not name the document: %v", err)
			}
			return
		}
		for _, d := range meta.Distributions {
			if d.ROLIE != nil {
				_ = len(d.ROLIE.Feeds)
			}
		}
	})
}

func FuzzROLIE(f *testing.F) {
	data, err := os.ReadFile("testdata/feed-tlp-white.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`{"feed": {"entry": []}}`))
	f.Add([]byte(`{"feed": {"entry": [{"link": [{"rel": "self", "href": "../../a.json"}]}`))
	const base = "https://csaf.example.test/.well-known/csaf/feed.json"
	f.Fuzz(func(t *testing.T, data []byte) {
		n := 0
		err := readROLIE(bytes.NewReader(data), base, func(a advisory) error {
			n++
			if a.url == "" {
				t.Error("an advisory without a URL")
			}
			return nil
		})
		if err != nil && !strings.Contains(err.Error(), base) {
			t.Errorf("error does not name the feed: %v", err)
		}
	})
}

func FuzzHashFile(f *testing.F) {
	f.Add([]byte("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  a.json\n"), 32)
	f.Add([]byte("not a hash"), 64)
	f.Fuzz(func(t *testing.T, data []byte, size int) {
		if size < 0 || size > 128 {
			return
		}
		d, err := parseHashFile(data, size)
		if err == nil && len(d) != 2*size {
			t.Errorf("digest %q for size %d", d, size)
		}
	})
}

func TestReadROLIETestdata(t *testing.T) {
	data, err := os.ReadFile("testdata/feed-tlp-white.json")
	if err != nil {
		t.Fatal(err)
	}
	var got []advisory
	if err := readROLIE(bytes.NewReader(data), "https://csaf.example.test/.well-known/csaf/feed-tlp-white.json", func(a advisory) error {
		got = append(got, a)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].url != "https://csaf.example.test/.well-known/csaf/white/2026/exm-2026-001.json" || got[0].updated != "2026-10-15T00:00:00Z" ||
		len(got[0].hashURLs) != 1 || !strings.HasSuffix(got[0].signatureURL, ".json.asc") {
		t.Errorf("advisories = %+v", got)
	}
	meta, err := parseProviderMetadata("p", mustRead(t, "testdata/provider-metadata.json"))
	if err != nil || len(meta.Distributions) != 2 || len(meta.Keys) != 1 || meta.Publisher.Name != "Example Medical" {
		t.Errorf("metadata = %+v, %v", meta, err)
	}
	for _, bad := range []string{`[]`, `{"feed": []}`, `{"feed": {"entry": {}}}`, `{"feed": {"entry": [{"id": "x"}]}}`, `{"feed": {"entry": [`} {
		if err := readROLIE(strings.NewReader(bad), "f.json", func(advisory) error { return nil }); err == nil {
			t.Errorf("feed %s read", bad)
		}
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
