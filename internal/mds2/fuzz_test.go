package mds2

import (
	"os"
	"strings"
	"testing"
)

func FuzzRead(f *testing.F) {
	data, err := os.ReadFile("testdata/synthetic-openpyxl.xlsx")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(synthetic(f, layout{rows: standard}))
	f.Fuzz(func(t *testing.T, data []byte) {
		form, err := Read("f.xlsx", data)
		if err != nil {
			if !strings.Contains(err.Error(), "f.xlsx") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for id, it := range form.Items {
			if it.ID != id || it.Cell == "" || it.Answer == "" {
				t.Fatalf("item %s = %+v", id, it)
			}
		}
	})
}
