package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
	"github.com/spf13/cobra"

	"github.com/mdcheck/mdcheck/internal/advisory"
	"github.com/mdcheck/mdcheck/internal/boundedio"
	"github.com/mdcheck/mdcheck/internal/vuln"
)

// inventoryMatch is one hit of an inventory row, with the KEV-listed
// CVEs among the advisory's.
type inventoryMatch struct {
	advisory.Hit
	KEV []string `json:"kev"`
}

// inventoryResult is one inventory row and what it matched.
type inventoryResult struct {
	advisory.Row
	Matches []inventoryMatch `json:"matches"`
}

func newInventory(stdout io.Writer) *cobra.Command {
	c := &cobra.Command{
		Use:   "inventory",
		Short: "Match a fleet of devices against medical-device advisories",
	}
	var dbPath, format string
	maxAge := age(7 * 24 * time.Hour)
	m := &cobra.Command{
		Use:   "match FILE",
		Short: "List for each device of an inventory the advisories that may concern it",
		Long: `match reads an inventory, CSV with the columns vendor,product,version
(optionally site, serial, id) or a JSON array of objects with those
members, and answers for each row which advisories of the database name
its product: CSAF advisories whose products are named in words, such as
CISA's ICSMA advisories. Each match has a confidence:

  high          same vendor and product, the version inside the advisory's
                versions by number
  medium        a vendor alias or acquisition, an abbreviated or longer
                product name, a model inside a named range, or versions
                with letters
  needs-review  the advisory's text cannot be decided (a model, option,
                shipping window or date condition; a family with
                exclusions): the reason shows the text

with the reason, the advisory's CVEs and which of them CISA lists as
known exploited. JSON is an array in input order, one object per row.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "table" && format != "json" {
				return fmt.Errorf("%w: --format must be table or json, not %q", errUsage, format)
			}
			data, err := boundedio.ReadFile(args[0], advisory.MaxInventory)
			if err != nil {
				return inputError{err}
			}
			rows, err := advisory.ReadInventory(args[0], data)
			if err != nil {
				return inputError{err}
			}
			db, st, builtin, err := openChosenDB(cmd, dbPath)
			if err != nil {
				return err
			}
			defer db.Close()
			announce(cmd, st, builtin, maxAge)
			if format == "json" {
				enc := jsontext.NewEncoder(stdout, jsontext.WithIndent("  "), jsontext.EscapeForHTML(false))
				if err := enc.WriteToken(jsontext.BeginArray); err != nil {
					return err
				}
				err := eachInventoryMatch(cmd, db, rows, func(r inventoryResult) error {
					return jsonv2.MarshalEncode(enc, r, jsonv1.DefaultOptionsV1(), jsontext.EscapeForHTML(false))
				})
				if err != nil {
					return err
				}
				if err := enc.WriteToken(jsontext.EndArray); err != nil {
					return err
				}
				_, err = io.WriteString(stdout, "\n")
				return err
			}
			t := newInventoryTable(stdout)
			if err := eachInventoryMatch(cmd, db, rows, t.row); err != nil {
				return err
			}
			return t.end(st)
		},
	}
	m.Flags().StringVar(&dbPath, "db", defaultDB(), "vulnerability database file (or MDCHECK_DB); when it does not exist, the built-in snapshot")
	m.Flags().StringVarP(&format, "format", "f", "table", "output format: table or json")
	m.Flags().Var(&maxAge, "max-db-age", "warn when the newest record is older than this: 7d, 36h, 2w (0 turns the warning off)")
	c.AddCommand(m)
	return c
}

// eachInventoryMatch matches the rows one by one and hands each, with its
// matches and their KEV-listed CVEs, to emit: nothing grows with the
// inventory but what emit keeps.
func eachInventoryMatch(cmd *cobra.Command, db *vuln.DB, rows []advisory.Row, emit func(inventoryResult) error) error {
	advs, err := db.Advisories(cmd.Context())
	if err != nil {
		return err
	}
	m := advisory.NewMatcher(advs)
	kev := db.KEVListed()
	// Fleets hold many identical devices: their matches are worked out
	// once (a bounded memory of the last few thousand).
	memo := map[advisory.Device][]inventoryMatch{}
	for _, r := range rows {
		if err := cmd.Context().Err(); err != nil {
			return err
		}
		ms, ok := memo[r.Device]
		if !ok {
			ms = []inventoryMatch{}
			for _, h := range m.Match(r.Device) {
				listed, err := kev.Of(cmd.Context(), h.CVEs)
				if err != nil {
					return err
				}
				ms = append(ms, inventoryMatch{Hit: h, KEV: listed})
			}
			if len(memo) >= 4096 {
				clear(memo)
			}
			memo[r.Device] = ms
		}
		if err := emit(inventoryResult{Row: r, Matches: ms}); err != nil {
			return err
		}
	}
	return nil
}

// inventoryTable writes the table as rows come.
type inventoryTable struct {
	out        *ew
	count      map[string]int
	rows, none int
}

func newInventoryTable(w io.Writer) *inventoryTable {
	return &inventoryTable{out: &ew{w: w}, count: map[string]int{}}
}

func (t *inventoryTable) row(r inventoryResult) error {
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
		t.out.printf("  %-12s %s  %s (%d CVEs%s)\n", strings.ToUpper(h.Confidence), h.Advisory, h.Title, len(h.CVEs), kev)
		t.out.printf("               %s\n", h.Reason)
	}
	return t.out.err
}

func (t *inventoryTable) end(st vuln.Status) error {
	t.out.printf("\n%d devices: %d high, %d medium, %d needs-review matches; %d devices with none (database %s, newest record %s)\n",
		t.rows, t.count[advisory.ConfidenceHigh], t.count[advisory.ConfidenceMedium], t.count[advisory.ConfidenceReview], t.none, st.Path, st.Newest)
	return t.out.err
}
