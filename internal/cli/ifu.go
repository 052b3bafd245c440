package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/render"
)

func newIFU(stdout io.Writer) *cobra.Command {
	return modelDocument(stdout, "ifu", "Draft the IFU security section: what it must state, and what the model already says",
		`ifu lists the security items the IFU must state (MDR Annex I 23.4(ab)): needed,
stated in ifu.states, and what the model knows. -f md drafts the section.`, "table, md or json",
		func(f *render.Format) bool { return f.IFU != nil },
		func(ctx context.Context, a *app.App, file string) (*app.IFUChecklist, error) { return a.IFU(ctx, file) },
		func(f *render.Format, w io.Writer, r *app.IFUChecklist) error { return f.IFU(w, r, render.Options{}) })
}

// modelDocument is a command that reads one device model, derives one
// result from it and writes it in the formats has selects.
func modelDocument[T any](stdout io.Writer, name, short, long, formats string, has func(*render.Format) bool,
	derive func(context.Context, *app.App, string) (T, error), write func(*render.Format, io.Writer, T) error) *cobra.Command {
	var fmtName, outFile string
	c := &cobra.Command{
		Use: name + " DEVICE", Short: short, Long: long,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			outs, err := render.Outputs(fmtName, outFile, name, has)
			if err != nil {
				return fmt.Errorf("%w: %v", errUsage, err)
			}
			res, err := derive(cmd.Context(), app.New(app.Config{Build: thisBuild()}), args[0])
			if err != nil {
				return modelError(err, cmd.ErrOrStderr())
			}
			return render.Write(outs, stdout, func(o render.Output, w io.Writer) error { return write(o.Format, w, res) })
		},
	}
	c.Flags().StringVarP(&fmtName, "format", "f", "table", "output format: "+formats)
	c.Flags().StringVarP(&outFile, "output", "o", "", "write to FILE (atomically) instead of standard output")
	return c
}
