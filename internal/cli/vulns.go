package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/render"
)

func newSBOM(stdout io.Writer) *cobra.Command {
	var fmtName string
	var all bool
	c := &cobra.Command{
		Use:   "sbom FILE...",
		Short: "Read SBOMs: inventory, NTIA quality and what can be checked for vulnerabilities",
		Long: `sbom reads CycloneDX (1.2 to 1.6, JSON or XML) and SPDX (2.1 to 2.3, JSON or
tag-value) SBOMs, detected by content, and shows for each: its metadata, how
far it meets the NTIA minimum elements (supplier, name, version, unique
identifier, dependency relationship, author, timestamp) with the worst
components, and a ledger saying for every component whether it can be
matched against advisories and, if not, why. Deviations from the
specification that were repaired are listed as warnings with their location.`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := format(fmtName, func(f *render.Format) bool { return f.SBOM != nil })
			if err != nil {
				return err
			}
			rs, err := app.New(app.Config{Build: thisBuild()}).ReadSBOMs(cmd.Context(), args)
			if err != nil {
				return err
			}
			return f.SBOM(stdout, rs, render.Options{All: all})
		},
	}
	c.Flags().StringVarP(&fmtName, "format", "f", "table", "output format: table or json")
	c.Flags().BoolVar(&all, "all", false, "table: list every component, not only those that cannot be checked")
	return c
}

func newScan(stdout io.Writer) *cobra.Command {
	var fmtName, threshold, outFile, date string
	var o app.ScanOptions
	var db dbFlags
	c := &cobra.Command{
		Use:   "scan [SBOM...]",
		Short: "Match SBOM components against known vulnerabilities",
		Long: `scan reads each SBOM (CycloneDX or SPDX) and matches its components: by
package URL against the OSV records of the local database with each
ecosystem's own version rules, by CPE against the version ranges of its CVE
records, and by name where a component has neither. Every match says how it was made; every
component that could not be checked is listed with the reason, so a scan
that matched nothing is "not assessed", not "clean". Exit codes: 0 ok, 1 a
match at or above --fail-on (not counting matches a VEX statement marks
not affected or fixed; with --device, the severity for patients counts),
2 input error.

With --device, each match of a component's SBOM is weighed for patients:
how the component can be reached and what it does for the patient, from
the device model (docs/vulnerabilities.md, "Severity for patients"), and
scan reads every SBOM the model names when no SBOM is given.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			outs, err := render.Outputs(fmtName, outFile, "scan", func(f *render.Format) bool { return f.Scan != nil })
			if err != nil {
				return fmt.Errorf("%w: %v", errUsage, err)
			}
			single := ""
			for _, o := range outs {
				if o.Format.Single {
					single = o.Format.Name
				}
			}
			if single != "" && len(args) > 1 {
				return fmt.Errorf("%w: --format %s describes one SBOM; got %d", errUsage, single, len(args))
			}
			sev, err := failOn(threshold, "low, medium, high, critical")
			if err != nil {
				return err
			}
			day, err := reportTime(date)
			if err != nil {
				return err
			}
			ev, done := events(cmd.ErrOrStderr())
			defer done()
			o.SBOMs, o.Freshness, o.Events = args, db.freshness(cmd), ev
			a := newApp(cmd, db.path)
			defer a.Close()
			res, err := a.Scan(cmd.Context(), o)
			done()
			if errors.Is(err, app.ErrNoSBOM) {
				return fmt.Errorf("%w: %v", errUsage, err)
			}
			if err != nil {
				return err
			}
			if single != "" && len(res.SBOMs) != 1 {
				return fmt.Errorf("%w: --format %s describes one SBOM; got %d", errUsage, single, len(res.SBOMs))
			}
			ro := render.Options{Build: thisBuild(), Now: day, Context: cmd.Context()}
			if err := render.Write(outs, stdout, func(o render.Output, w io.Writer) error { ro.Path = o.Path; return o.Format.Scan(w, res, ro) }); err != nil {
				return err
			}
			return tripped(cmd.ErrOrStderr(), threshold, res.Tripped(sev))
		},
	}
	db.add(c, "vulnerability database file (or MDCHECK_DB)", true)
	c.Flags().StringVarP(&fmtName, "format", "f", "table", "output format: table, json, cyclonedx (a CycloneDX 1.6 vulnerability report of one SBOM), openvex, csaf-vex, sarif, html or pdf; several, comma-separated, with -o FOLDER")
	c.Flags().StringVar(&threshold, "fail-on", "none", "exit 1 on a match of this severity or higher: low, medium, high, critical or none")
	c.Flags().StringVarP(&outFile, "output", "o", "", "write the report to this file instead of standard output")
	c.Flags().StringVar(&date, "date", "", "date the reports carry, YYYY-MM-DD (default today, UTC), for reproducible VEX, SARIF and HTML")
	c.Flags().StringVar(&o.Device, "device", "", "device model: weigh each match for patients by the component whose SBOM carries it (and scan its components' SBOMs when no SBOM is given)")
	c.Flags().StringArrayVar(&o.VEX, "vex", nil, "VEX document (OpenVEX, CycloneDX or CSAF) whose statements mark matches; repeatable")
	return c
}

func newInventory(stdout io.Writer) *cobra.Command {
	c := &cobra.Command{
		Use:   "inventory",
		Short: "Match a fleet of devices against medical-device advisories",
	}
	var fmtName, outFile, columns, sheet string
	var db dbFlags
	m := &cobra.Command{
		Use:   "match FILE",
		Short: "List for each device of an inventory the advisories that may concern it",
		Long: `match reads an inventory as asset-management systems export it (CSV in
any delimiter and encoding, XLSX, JSON), finds its columns by the usual
header names (Manufacturer, Model, Software version, Asset tag, ...) or by
--columns, and answers for each row which advisories of the database name
its product: CSAF advisories whose products are named in words, such as
CISA's ICSMA advisories. Each match has a confidence:

  high          same vendor and product, the version inside the advisory's
                versions by number
  medium        a vendor alias or acquisition, an abbreviated or longer
                product name, a model in a named range, versions with letters
  needs-review  the advisory's text cannot be decided (a model, option,
                shipping window or date condition; a family with
                exclusions): the reason shows the text

with the reason, the CVEs and those CISA lists as known exploited
(docs/advisories.md).`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := format(fmtName, func(f *render.Format) bool { return f.Inventory != nil })
			if err != nil {
				return err
			}
			if err := f.CheckExtension(outFile); outFile != "" && err != nil {
				return fmt.Errorf("%w: %v", errUsage, err)
			}
			ev, done := events(cmd.ErrOrStderr())
			defer done()
			a := newApp(cmd, db.path)
			defer a.Close()
			return output(outFile, stdout, func(w io.Writer) error {
				rows := f.Inventory(w, render.Options{Build: thisBuild()})
				row := func(r app.InventoryRow) error { done(); return rows.Row(r) }
				st, err := a.MatchInventory(cmd.Context(), app.InventoryOptions{File: args[0], Columns: columns, Sheet: sheet, Freshness: db.freshness(cmd), Events: ev}, row)
				if err != nil {
					return err
				}
				return rows.End(st)
			})
		},
	}
	db.add(m, "vulnerability database file (or MDCHECK_DB); when it does not exist, the built-in snapshot", true)
	m.Flags().StringVarP(&fmtName, "format", "f", "table", "output format: table or json")
	m.Flags().StringVarP(&outFile, "output", "o", "", "write the results to this file instead of standard output")
	m.Flags().StringVar(&columns, "columns", "", "headers of the fields: vendor=Manufacturer,product=Model,version=SW Version")
	m.Flags().StringVar(&sheet, "sheet", "", "XLSX sheet to read (default: the first with a header row)")
	c.AddCommand(m)
	return c
}
