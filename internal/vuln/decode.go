package vuln

import (
	"fmt"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/go-json-experiment/json"
	"github.com/mdcheck/mdcheck/internal/jsonsafe"
)

// CheckJSON refuses JSON nested deeper than MaxDepth or that is not
// UTF-8, before any decoder sees it.
func CheckJSON(name string, data []byte) error {
	if err := jsonsafe.Check(data, MaxDepth); err != nil {
		return fmt.Errorf("%w: %s:%w", ErrInvalid, name, err)
	}
	return nil
}

// Lenient decodes JSON with encoding/json/v2 as leniently as encoding/json
// always has: a duplicated member keeps its last value. Invalid UTF-8 is
// refused before decoding (CheckJSON), so allowing it here only keeps the
// decoder from checking twice.
var Lenient = json.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))

// MaxCollection bounds one file that holds many records: an NVD CVE API
// 2.0 response page (up to 2,000 CVEs) or a feed file.
const MaxCollection = 64 << 20
