package mds2

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"
)

func FuzzRead(f *testing.F) {
	for _, name := range []string{"testdata/synthetic-openpyxl.xlsx", "testdata/synthetic-openpyxl-full.xlsx"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(synthetic(f, layout{rows: standard}))
	var whole bytes.Buffer // the whole form, as mds2 export writes it
	if err := Write(&whole, "device.yaml", time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC), map[string]Item{"EMRG-1": {Answer: Yes, Note: "from the model"}}); err != nil {
		f.Fatal(err)
	}
	f.Add(whole.Bytes())
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
