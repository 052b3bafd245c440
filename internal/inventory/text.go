package inventory

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// decodeText turns the bytes of a text export into UTF-8, and says which
// encoding it read: UTF-8 (with or without a byte order mark), UTF-16
// little or big endian (by its byte order mark, or by the NUL bytes every
// ASCII character of it carries), otherwise Windows-1252, the superset of
// Latin-1 that spreadsheet programs write. The result is bounded by max
// bytes: a file whose text would be larger is refused.
func decodeText(data []byte, max int) ([]byte, string, error) {
	var enc encoding.Encoding
	var name string
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data, name = data[3:], "UTF-8 with BOM"
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		enc, name = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), "UTF-16LE"
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		enc, name = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), "UTF-16BE"
	default:
		switch utf16Order(data) {
		case 1:
			enc, name = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "UTF-16LE"
		case 2:
			enc, name = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "UTF-16BE"
		default:
			if utf8.Valid(data) {
				return data, "UTF-8", nil
			}
			enc, name = charmap.Windows1252, "Windows-1252"
		}
	}
	if enc == nil {
		return data, name, nil
	}
	r := transform.NewReader(bytes.NewReader(data), enc.NewDecoder())
	out, err := io.ReadAll(io.LimitReader(r, int64(max)+1))
	if err != nil {
		return nil, name, fmt.Errorf("not readable as %s: %v", name, err)
	}
	if len(out) > max {
		return nil, name, fmt.Errorf("its text, read as %s, is larger than %d bytes", name, max)
	}
	return out, name, nil
}

// utf16Order guesses UTF-16 without a byte order mark from the first
// bytes: 1 when NUL bytes sit at odd offsets (little endian ASCII), 2 at
// even ones (big endian), 0 when the text is not UTF-16.
func utf16Order(data []byte) int {
	n := min(len(data), 512) &^ 1
	if n < 4 {
		return 0
	}
	even, odd, evenText, oddText := 0, 0, 0, 0
	for i := 0; i < n; i += 2 {
		if data[i] == 0 {
			even++
		} else if textByte(data[i]) {
			evenText++
		}
		if data[i+1] == 0 {
			odd++
		} else if textByte(data[i+1]) {
			oddText++
		}
	}
	// The other half of each pair is mostly text: ASCII letters, digits,
	// punctuation and line breaks.
	switch half := n / 2; {
	case odd*10 >= half*7 && even*10 < half && evenText*10 >= half*7:
		return 1
	case even*10 >= half*7 && odd*10 < half && oddText*10 >= half*7:
		return 2
	}
	return 0
}

func textByte(c byte) bool {
	return c == '\t' || c == '\n' || c == '\r' || c >= 0x20 && c < 0x7F || c >= 0xA0
}

// errNotText is a file with NUL bytes that is not UTF-16 either.
var errNotText = errors.New("not a text file (it contains NUL bytes)")
