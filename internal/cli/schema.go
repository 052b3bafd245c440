package cli

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/mdcheck/mdcheck/internal/model"
)

func newSchema(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the device model",
		Long: `schema prints the JSON Schema (draft 2020-12) of the device model, the
same file as docs/device.schema.json. Point your editor's YAML language
server at it to validate and complete device.yaml while you type.`,
		Args: exactArgs(0),
		RunE: func(*cobra.Command, []string) error {
			_, err := stdout.Write(model.Schema())
			return err
		},
	}
}
