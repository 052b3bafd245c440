package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/render"
)

func newMDS2(stdout io.Writer) *cobra.Command {
	c := &cobra.Command{
		Use:   "mds2",
		Short: "Read the manufacturer disclosure statement (MDS2, HN 1-2019)",
	}
	c.AddCommand(newMDS2Import(stdout), newMDS2Export(stdout))
	return c
}

func newMDS2Import(stdout io.Writer) *cobra.Command {
	var fmtName string
	imp := &cobra.Command{
		Use:   "import FILE.xlsx",
		Short: "Read an MDS2 workbook: device description, every answer with its note, and warnings naming cells",
		Long: `import reads an MDS2 form (ANSI/NEMA HN 1-2019) as manufacturers send it:
the question IDs are found by pattern on whichever sheet holds them, the
answers (Yes, No, N/A, See Note) with the notes they refer to, and the
description rows (manufacturer, model, document ID, release date). What
vendors vary (extra or renamed sheets, moved columns, merged cells,
blank rows, stray spaces, text beside the answer) is read with a warning
naming the cell. The 2013 edition, .xls files and PDFs are refused with
the reason. Formats: table (default) or json.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := format(fmtName, func(f *render.Format) bool { return f.MDS2 != nil })
			if err != nil {
				return err
			}
			ev, done := events(cmd.ErrOrStderr())
			defer done()
			form, err := app.New(app.Config{Build: thisBuild()}).MDS2Import(cmd.Context(), args[0], ev)
			done()
			if err != nil {
				return err
			}
			return f.MDS2(stdout, form, render.Options{})
		},
	}
	imp.Flags().StringVarP(&fmtName, "format", "f", "table", "output format: table or json")
	return imp
}

func newMDS2Export(stdout io.Writer) *cobra.Command {
	var out, date string
	var o app.MDS2ExportOptions
	exp := &cobra.Command{
		Use:   "export DEVICE.yaml -o FILE.xlsx",
		Short: "Write an MDS2 workbook (HN 1-2019 structure) with the answers the device model decides",
		Long: `export writes a workbook structured like the MDS2 form (HN 1-2019): every
section and every one of its 240 questions, by ID with mdcheck's own
wording (the form's texts are NEMA's). The description rows hold the
manufacturer, device, model and release date; the questions the device
model decides are answered Yes, No or N/A with a note naming the model
fact; every other question is left blank with a note saying why (not
stated in the model, or not something a device model covers), for the
manufacturer to complete. mds2 import reads it back to the same answers.

With --base, an earlier MDS2 of the device (the manufacturer's completed
form) supplies every answer, text and note the model does not decide, so
the hand-written answers survive a re-export; where the model decides,
its answer is written, and each one that differs from the earlier form is
listed on standard error with both sources. The file is written
atomically.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			xlsx, _ := render.Lookup("xlsx")
			if out == "" {
				return fmt.Errorf("%w: mds2 export needs -o FILE.xlsx", errUsage)
			}
			if !strings.HasSuffix(strings.ToLower(out), ".xlsx") {
				return fmt.Errorf("%w: %s: mds2 export writes an Excel workbook; name it .xlsx", errUsage, out)
			}
			if date != "" {
				d, err := parseDate(date)
				if err != nil {
					return err
				}
				o.Date = d
			}
			ev, done := events(cmd.ErrOrStderr())
			defer done()
			o.Model, o.Events = args[0], ev
			ex, err := app.New(app.Config{Build: thisBuild()}).MDS2Export(cmd.Context(), o)
			done()
			if err != nil {
				return modelError(err, cmd.ErrOrStderr())
			}
			if err := output(out, stdout, func(w io.Writer) error { return xlsx.MDS2Export(w, ex, render.Options{}) }); err != nil {
				return err
			}
			msg := fmt.Sprintf("%s: %d of %d questions answered from the model", out, ex.Model, ex.Questions)
			if ex.Base != "" {
				msg += fmt.Sprintf(" (%d of them differ from %s, listed above), %d kept from %s", ex.Changed, ex.Base, ex.Kept, ex.Base)
			}
			fmt.Fprintf(stdout, "%s; blank: %d the model could answer but does not state, %d it does not cover\n", msg, ex.Unstated, ex.Uncovered)
			return nil
		},
	}
	exp.Flags().StringVarP(&out, "output", "o", "", "workbook to write (.xlsx)")
	exp.Flags().StringVar(&date, "date", "", "release date written in DOC-7, YYYY-MM-DD (default today, UTC)")
	exp.Flags().StringVar(&o.Base, "base", "", "an earlier MDS2 of the device whose answers are kept where the model does not decide")
	return exp
}

func newCatalog(stdout io.Writer) *cobra.Command {
	c := &cobra.Command{
		Use:   "catalog",
		Short: "List, show and export the requirements catalog",
		Long: `catalog shows the requirements mdcheck assesses (MDR Annex I, MDCG 2019-16,
IEC 81001-5-1, IEC TR 60601-4-5, GDPR, NIS2) and the rules that decide them,
and exports the catalog as OSCAL.`,
	}
	a := app.New(app.Config{Build: thisBuild()})
	var listFormat, showFormat string
	list := &cobra.Command{
		Use:   "list",
		Short: "List every requirement with how it is decided",
		Args:  exactArgs(0),
		RunE: func(*cobra.Command, []string) error {
			f, err := format(listFormat, func(f *render.Format) bool { return f.CatalogList != nil })
			if err != nil {
				return err
			}
			return f.CatalogList(stdout, a.ListCatalog(), render.Options{})
		},
	}
	list.Flags().StringVarP(&listFormat, "format", "f", "table", "output format: table or json")
	show := &cobra.Command{
		Use:   "show ID",
		Short: "Show one requirement, or one rule, in full",
		Args:  exactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			f, err := format(showFormat, func(f *render.Format) bool { return f.CatalogShow != nil })
			if err != nil {
				return err
			}
			e, err := a.ShowCatalog(args[0])
			if err != nil {
				return fmt.Errorf("%w: no requirement or rule %q (see 'mdcheck catalog list')", errUsage, args[0])
			}
			return f.CatalogShow(stdout, e, render.Options{})
		},
	}
	show.Flags().StringVarP(&showFormat, "format", "f", "table", "output format: table or json")
	var exportFormat, date string
	export := &cobra.Command{
		Use:   "export",
		Short: "Export the catalog (OSCAL 1.1.3 catalog)",
		Args:  exactArgs(0),
		RunE: func(*cobra.Command, []string) error {
			f, err := format(exportFormat, func(f *render.Format) bool { return f.CatalogExport != nil })
			if err != nil {
				return err
			}
			d, err := parseDate(date)
			if err != nil {
				return err
			}
			return f.CatalogExport(stdout, render.Options{Now: d})
		},
	}
	export.Flags().StringVarP(&exportFormat, "format", "f", "oscal", "export format: oscal")
	export.Flags().StringVar(&date, "date", "", "last-modified date YYYY-MM-DD written in the document (default today, UTC)")
	c.AddCommand(list, show, export)
	return c
}
