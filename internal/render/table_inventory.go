package render

import (
	"io"
	"strings"

	"github.com/mdcheck/mdcheck/internal/advisory"
	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/inventory"
)

// inventoryTable writes the table as rows come.
type inventoryTable struct {
	out        *ew
	count      map[advisory.Confidence]int
	rows, none int
}

func newInventoryTable(w io.Writer) *inventoryTable {
	return &inventoryTable{out: &ew{w: w}, count: map[advisory.Confidence]int{}}
}

func (t *inventoryTable) Row(r app.InventoryRow) error {
	t.rows++
	ended := r.PlatformSupport != nil && r.PlatformSupport.Ended
	if len(r.Matches) == 0 {
		t.none++
		if !ended {
			return t.out.err
		}
	}
	var where []string
	if r.AssetTag != "" {
		where = append(where, "asset "+r.AssetTag)
	}
	if r.Location != "" {
		where = append(where, "at "+r.Location)
	}
	if r.Serial != "" {
		where = append(where, "serial "+r.Serial)
	}
	at := ""
	if len(where) > 0 {
		at = " (" + strings.Join(where, ", ") + ")"
	}
	t.out.printf("row %d: %s %s %s%s\n", r.Row.Row, r.Vendor, r.Product, r.Version, at)
	for _, h := range r.Matches {
		t.count[h.Confidence]++
		kev := ""
		if len(h.KEV) > 0 {
			kev = ", known exploited: " + strings.Join(h.KEV, " ")
		}
		t.out.printf("  %-12s %s  %s (%d CVEs%s)\n", strings.ToUpper(string(h.Confidence)), h.Advisory, h.Title, len(h.CVEs), kev)
		t.out.printf("               %s\n", h.Reason)
	}
	if ended {
		p := r.PlatformSupport
		t.out.printf("  %-12s %s: vendor support ended %s (%s, from the %s)\n", "PLATFORM", p.Name, p.EndOfSupport, p.Source, p.From)
	}
	return t.out.err
}

func (t *inventoryTable) End(sum app.InventorySummary) error {
	st := sum.Database
	t.out.printf("\n%d devices: %d high, %d medium, %d needs-review matches; %d devices with none (database %s, newest record %s)\n",
		t.rows, t.count[advisory.ConfidenceHigh], t.count[advisory.ConfidenceMedium], t.count[advisory.ConfidenceReview], t.none, st.Path, st.Newest)
	t.out.printf("Read %s; columns %s\n", sum.Source, columnsText(sum.Columns))
	if sum.UnsupportedPlatforms > 0 {
		t.out.printf("%d devices on a platform past its vendor's end of support\n", sum.UnsupportedPlatforms)
	}
	if sum.SkippedRows > 0 {
		t.out.printf("%d rows skipped (listed on standard error and in -f json)\n", sum.SkippedRows)
	}
	return t.out.err
}

// columnsText lists which header each field was read from.
func columnsText(cols map[string]string) string {
	var parts []string
	for _, f := range inventory.Fields {
		if h, ok := cols[string(f)]; ok {
			parts = append(parts, string(f)+"="+h)
		}
	}
	return strings.Join(parts, ", ")
}
