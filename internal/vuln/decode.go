package vuln

import (
	"fmt"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/go-json-experiment/json"
	"github.com/mdcheck/mdcheck/internal/jsonsafe"
)

// CheckDepth refuses JSON nested deeper than MaxDepth, before any decoder
// sees it.
func CheckDepth(name string, data []byte) error {
	if off := jsonsafe.TooDeep(data, MaxDepth); off >= 0 {
		return fmt.Errorf("%w: %s: offset %d: nesting deeper than %d levels", ErrInvalid, name, off, MaxDepth)
	}
	return nil
}

// Lenient decodes JSON with encoding/json/v2 as leniently as encoding/json
// always has: a duplicated member keeps its last value, invalid UTF-8 is
// replaced.
var Lenient = json.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))

// MaxCollection bounds one file that holds many records: an NVD CVE API
// 2.0 response page (up to 2,000 CVEs) or a feed file.
const MaxCollection = 64 << 20
