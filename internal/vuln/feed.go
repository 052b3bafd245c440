package vuln

import (
	"errors"

	"github.com/mdcheck/mdcheck/internal/advisory"
)

// Feed reads one format of vulnerability data (OSV, CVE JSON 5, NVD,
// CSAF, KEV, EPSS: one package each under feed/). The database's import
// offers every file to each feed in turn; the first that detects it and
// does not answer ErrOtherFormat reads it.
type Feed interface {
	// Name names the format; records keep it as their kind.
	Name() string
	// Detect reports, cheaply, whether data may be in this format.
	Detect(data []byte) bool
	// Read reads data, named name in errors, and hands what it holds to
	// y.
	Read(name string, data []byte, y Yield) error
}

// ErrOtherFormat is what Read answers for a file it detected but that
// turns out, once decoded, to be of another format.
var ErrOtherFormat = errors.New("not this format")

// Yield receives what a feed reads; each format calls the members that
// fit it, and a nil member is not called.
type Yield struct {
	// Record is one vulnerability with the CPE applicability it states.
	Record func(r *Record, apps []Applicability) error
	// KEV is a catalog of known exploited vulnerabilities.
	KEV func(c *KEVCatalog) error
	// EPSS is one score of a file of scores.
	EPSS func(f *EPSSFile, e EPSS) error
	// Advisory is a CSAF document's products as device-level matching
	// reads them.
	Advisory func(a *advisory.Advisory) error
}
