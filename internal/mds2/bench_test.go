package mds2

import (
	"bytes"
	"os"
	"testing"

	"github.com/xuri/excelize/v2"
)

// BenchmarkRead reads the complete synthetic form (240 questions on the
// second of two sheets) through Read: container checks, every sheet, the
// form's columns, answers, notes, description rows.
func BenchmarkRead(b *testing.B) {
	data := fullForm(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Read("full.xlsx", data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExcelizeRows is the floor: excelize alone opening the same
// workbook and reading every row of every sheet.
func BenchmarkExcelizeRows(b *testing.B) {
	data := fullForm(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		x, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true})
		if err != nil {
			b.Fatal(err)
		}
		for _, s := range x.GetSheetList() {
			if _, err := x.GetRows(s, excelize.Options{RawCellValue: true}); err != nil {
				b.Fatal(err)
			}
		}
		x.Close()
	}
}

func fullForm(b *testing.B) []byte {
	data, err := os.ReadFile("testdata/synthetic-openpyxl-full.xlsx")
	if err != nil {
		b.Fatal(err)
	}
	return data
}
