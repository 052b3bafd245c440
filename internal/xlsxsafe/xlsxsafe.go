// Package xlsxsafe looks at a workbook's container before a spreadsheet
// library unpacks it: what kind of file it really is (an .xls, an
// encrypted workbook, an OpenDocument file, a PDF), and whether its zip
// entries stay within bounds (a zip bomb is refused before anything is
// inflated).
package xlsxsafe

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// Limits bound a workbook's container.
type Limits struct {
	Entries   int    // zip entries
	Sheets    int    // sheets
	InMemory  int64  // a sheet's XML kept in memory; a larger one goes to a temporary file
	Unzipped  uint64 // all entries, uncompressed, as declared
	MaxRatio  uint64 // compression ratio of one entry larger than 1 MiB
	WhatFor   string // what the workbook is read for, for messages: "MDS2 workbook"
	AskSource string // what to ask for when the file is a PDF: "ask the manufacturer for the workbook"
}

// Check refuses data that is not an .xlsx workbook within lim, saying what
// it is instead where it can tell. Messages start with name.
func Check(name string, data []byte, lim Limits) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		if bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}) {
			// An encrypted .xlsx is wrapped in the same container as an
			// .xls, with an EncryptionInfo stream.
			if bytes.Contains(data, utf16le("EncryptionInfo")) {
				return fmt.Errorf("%s: a password-protected (encrypted) workbook; save a copy without a password to open it as .xlsx", name)
			}
			return fmt.Errorf("%s: an .xls (Excel 97-2003) workbook; save it as .xlsx", name)
		}
		if bytes.HasPrefix(data, []byte("%PDF")) {
			msg := fmt.Sprintf("%s: a PDF; mdcheck reads the %s (.xlsx)", name, lim.WhatFor)
			if lim.AskSource != "" {
				msg += ", " + lim.AskSource
			}
			return fmt.Errorf("%s", msg)
		}
		return fmt.Errorf("%s: not an .xlsx workbook (zip): %v", name, err)
	}
	if len(zr.File) > 0 && zr.File[0].Name == "mimetype" && zr.File[0].UncompressedSize64 < 128 {
		if r, err := zr.File[0].Open(); err == nil {
			m, _ := io.ReadAll(io.LimitReader(r, 128))
			r.Close()
			if bytes.HasPrefix(m, []byte("application/vnd.oasis.opendocument")) {
				return fmt.Errorf("%s: an OpenDocument file (%s); save it as .xlsx", name, m)
			}
		}
	}
	if len(zr.File) > lim.Entries {
		return fmt.Errorf("%s: %d parts; a workbook may have at most %d", name, len(zr.File), lim.Entries)
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > lim.Unzipped {
			return fmt.Errorf("%s: unpacks to more than %d MiB (a zip bomb?)", name, lim.Unzipped>>20)
		}
		if f.CompressedSize64 > 0 && f.UncompressedSize64/f.CompressedSize64 > lim.MaxRatio && f.UncompressedSize64 > 1<<20 {
			return fmt.Errorf("%s: part %s compresses %d to 1 (a zip bomb?)", name, f.Name, f.UncompressedSize64/f.CompressedSize64)
		}
	}
	return nil
}

func utf16le(s string) []byte {
	b := make([]byte, 0, 2*len(s))
	for _, c := range []byte(s) {
		b = append(b, c, 0)
	}
	return b
}

// IsZip reports whether data starts like a zip container (an .xlsx).
func IsZip(data []byte) bool { return bytes.HasPrefix(data, []byte("PK\x03\x04")) }

// Open checks data (Check) and opens it as a workbook with the limits
// applied, returning its sheets; the caller closes the file. raw asks for
// cell values as stored rather than as displayed.
func Open(name string, data []byte, lim Limits, raw bool) (*excelize.File, []string, error) {
	if err := Check(name, data, lim); err != nil {
		return nil, nil, err
	}
	x, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: raw, UnzipSizeLimit: int64(lim.Unzipped), UnzipXMLSizeLimit: lim.InMemory})
	if err != nil {
		return nil, nil, fmt.Errorf("%s: not a readable .xlsx workbook: %v", name, err)
	}
	sheets := x.GetSheetList()
	if len(sheets) > lim.Sheets {
		x.Close()
		return nil, nil, fmt.Errorf("%s: %d sheets; at most %d are read", name, len(sheets), lim.Sheets)
	}
	return x, sheets, nil
}
