package render

import (
	"io"
	"strings"

	"github.com/mdcheck/mdcheck/internal/advisory"
	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/vuln/store"
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
	if len(r.Matches) == 0 {
		t.none++
		return t.out.err
	}
	where := ""
	if r.Site != "" {
		where = " at " + r.Site
	}
	if r.Serial != "" {
		where += ", serial " + r.Serial
	}
	t.out.printf("%s %s %s%s\n", r.Vendor, r.Product, r.Version, where)
	for _, h := range r.Matches {
		t.count[h.Confidence]++
		kev := ""
		if len(h.KEV) > 0 {
			kev = ", known exploited: " + strings.Join(h.KEV, " ")
		}
		t.out.printf("  %-12s %s  %s (%d CVEs%s)\n", strings.ToUpper(string(h.Confidence)), h.Advisory, h.Title, len(h.CVEs), kev)
		t.out.printf("               %s\n", h.Reason)
	}
	return t.out.err
}

func (t *inventoryTable) End(st store.Status) error {
	t.out.printf("\n%d devices: %d high, %d medium, %d needs-review matches; %d devices with none (database %s, newest record %s)\n",
		t.rows, t.count[advisory.ConfidenceHigh], t.count[advisory.ConfidenceMedium], t.count[advisory.ConfidenceReview], t.none, st.Path, st.Newest)
	return t.out.err
}
