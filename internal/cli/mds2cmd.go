package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mdcheck/mdcheck/internal/mds2"
)

func newMDS2(stdout io.Writer) *cobra.Command {
	c := &cobra.Command{
		Use:   "mds2",
		Short: "Read the manufacturer disclosure statement (MDS2, HN 1-2019)",
	}
	var format string
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
			if format != "table" && format != "json" {
				return fmt.Errorf("%w: --format must be table or json, not %q", errUsage, format)
			}
			form, err := readMDS2(args[0])
			if err != nil {
				return err
			}
			for _, w := range form.Warnings {
				fmt.Fprintln(cmd.ErrOrStderr(), "mdcheck: warning: "+w)
			}
			if format == "json" {
				return encodeJSON(stdout, form)
			}
			return writeMDS2Table(stdout, form)
		},
	}
	imp.Flags().StringVarP(&format, "format", "f", "table", "output format: table or json")
	c.AddCommand(imp)
	return c
}

// readMDS2 reads an MDS2 workbook from a file, bounded.
func readMDS2(path string) (*mds2.Form, error) {
	data, err := readBounded(path, mds2.MaxFile)
	if err != nil {
		return nil, inputError{err}
	}
	form, err := mds2.Read(path, data)
	if err != nil {
		return nil, inputError{err}
	}
	return form, nil
}

func writeMDS2Table(w io.Writer, f *mds2.Form) error {
	out := &ew{w: w}
	out.printf("MDS2 (%s) %s, sheet %q\n", f.Edition, f.File, f.Sheet)
	for _, kv := range [][2]string{{"Manufacturer", f.Manufacturer}, {"Device", f.Description}, {"Model", f.Model}, {"Document", f.DocumentID}, {"Released", f.Date}} {
		if kv[1] != "" {
			out.printf("%-13s %s\n", kv[0]+":", kv[1])
		}
	}
	count := map[mds2.Answer]int{}
	n := 0
	for _, id := range f.IDs() {
		if !strings.HasPrefix(id, "DOC-") {
			count[f.Items[id].Answer]++
			n++
		}
	}
	out.printf("Answers:      %d questions: %d yes, %d no, %d n/a, %d see note, %d other, %d blank; %d warnings\n\n",
		n, count[mds2.Yes], count[mds2.No], count[mds2.NA], count[mds2.SeeNote], count[mds2.Other], count[mds2.Blank], len(f.Warnings))
	out.printf("  %-12s %-9s %s\n", "QUESTION", "ANSWER", "TEXT / NOTE")
	for _, id := range f.IDs() {
		it := f.Items[id]
		if strings.HasPrefix(id, "DOC-") {
			continue
		}
		more := it.Text
		if it.Note != "" {
			if more != "" {
				more += "; "
			}
			more += "note: " + it.Note
		}
		out.printf("  %-12s %-9s %s\n", id, it.Answer, more)
	}
	return out.err
}
