package vuln

import (
	"fmt"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/mdcheck/mdcheck/internal/jsonsafe"
)

// checkDepth refuses JSON nested deeper than maxDepth, before any decoder
// sees it.
func checkDepth(name string, data []byte) error {
	if off := jsonsafe.TooDeep(data, maxDepth); off >= 0 {
		return fmt.Errorf("%w: %s: offset %d: nesting deeper than %d levels", ErrInvalid, name, off, maxDepth)
	}
	return nil
}

// lenient decodes JSON with encoding/json/v2 as leniently as encoding/json
// always has: a duplicated member keeps its last value, invalid UTF-8 is
// replaced.
var lenient = json.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
