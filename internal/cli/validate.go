package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

func newValidate(stdout, stderr io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check device models against the model schema",
		Long: `validate reads each device model strictly and reports every problem with
its file, line and column: unknown fields (with a did-you-mean), wrong
types, values outside an enumeration, duplicate keys, references to
components that do not exist, relation cycles and missing SBOM files.
It exits 0 when every file is valid and 2 otherwise.`,
		Args: minArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			var failed []error
			for _, file := range args {
				dev, err := loadModel(file, stderr)
				if err != nil {
					var printed printedError
					if !errors.As(err, &printed) {
						fmt.Fprintf(stderr, "%s: %v\n", file, err)
					}
					failed = append(failed, err)
					continue
				}
				n := len(dev.Components)
				plural := "s"
				if n == 1 {
					plural = ""
				}
				fmt.Fprintf(stdout, "%s: valid (%s, %d component%s)\n", file, dev.Identity.Product, n, plural)
			}
			if len(failed) > 0 {
				return printedError{fmt.Errorf("%d of %d files invalid: %w", len(failed), len(args), errors.Join(failed...))}
			}
			return nil
		},
	}
}
