package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/render"
)

func newIFU(stdout io.Writer) *cobra.Command {
	var fmtName, outFile string
	c := &cobra.Command{
		Use:   "ifu DEVICE",
		Short: "Draft the IFU security section: what it must state, and what the model already says",
		Long: `ifu lists the security items the IFU must state (MDR Annex I 23.4(ab)): needed,
stated in ifu.states, and what the model knows. -f md drafts the section.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := format(fmtName, func(f *render.Format) bool { return f.IFU != nil })
			if err != nil {
				return err
			}
			if err := f.CheckExtension(outFile); outFile != "" && err != nil {
				return fmt.Errorf("%w: %v", errUsage, err)
			}
			res, err := app.New(app.Config{Build: thisBuild()}).IFU(cmd.Context(), args[0])
			if err != nil {
				return modelError(err, cmd.ErrOrStderr())
			}
			return output(outFile, stdout, func(w io.Writer) error { return f.IFU(w, res, render.Options{}) })
		},
	}
	c.Flags().StringVarP(&fmtName, "format", "f", "table", "output format: table, md or json")
	c.Flags().StringVarP(&outFile, "output", "o", "", "write to FILE (atomically) instead of standard output")
	return c
}
