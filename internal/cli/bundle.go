package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/atomicfile"
	"github.com/mdcheck/mdcheck/internal/render"
)

// writeBundle writes the evidence bundle of a check, when --bundle asks.
func writeBundle(cmd *cobra.Command, a *app.App, res *app.CheckResult, ro render.Options, file, key string) error {
	if file == "" {
		return nil
	}
	opts, note, err := render.Bundle(cmd.Context(), res, ro)
	if err != nil {
		return err
	}
	if note != "" {
		fmt.Fprintf(cmd.ErrOrStderr(), "mdcheck: note: %s\n", note)
	}
	opts.Key = key
	return atomicfile.WriteFunc(file, 0o644, func(w io.Writer) error { return a.WriteBundle(cmd.Context(), w, res, opts) })
}

func newKeygen(stdout io.Writer) *cobra.Command {
	var out string
	c := &cobra.Command{
		Use:   "keygen -o NAME",
		Short: "Make an Ed25519 key pair to sign evidence bundles",
		Long: `keygen writes a new Ed25519 key pair: the private key to NAME (PKCS #8
PEM, mode 0600: keep it secret) and the public key to NAME.pub (PKIX PEM:
give it to whoever verifies your bundles). It never replaces a file.

Exit codes: 0 written, 2 usage error or a file exists, 3 failure.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return fmt.Errorf("%w: -o NAME is needed", errUsage)
			}
			if err := app.New(app.Config{}).Keygen(out); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "wrote %s (private, keep it secret) and %s.pub (public)\n", out, out)
			return nil
		},
	}
	c.Flags().StringVarP(&out, "output", "o", "", "file name of the private key; the public key gets .pub appended")
	return c
}

func newVerify(stdout io.Writer) *cobra.Command {
	var key string
	c := &cobra.Command{
		Use:   "verify BUNDLE.zip --key NAME.pub",
		Short: "Check that an evidence bundle is as it was signed",
		Long: `verify checks an evidence bundle made by check --bundle against the
signer's public key: the manifest's signature, every entry's SHA-256 and
size, that no entry was added or removed, and that a PDF is bound to the
HTML report it was printed from. It names each entry changed, added or
removed.

Exit codes: 0 the bundle is as signed, 1 it is not (changed, added or
removed entries, or a signature that does not verify with this key),
2 usage error or an unreadable bundle or key, 3 failure.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if key == "" {
				return fmt.Errorf("%w: --key NAME.pub is needed", errUsage)
			}
			res, err := app.New(app.Config{}).VerifyBundle(cmd.Context(), args[0], key)
			if errors.Is(err, app.ErrTampered) {
				for _, p := range res.Problems {
					fmt.Fprintf(cmd.ErrOrStderr(), "mdcheck: %s: %s\n", args[0], p)
				}
				return errFindings
			}
			if err != nil {
				return err
			}
			return render.WriteVerified(stdout, args[0], res)
		},
	}
	c.Flags().StringVar(&key, "key", "", "the signer's public key (NAME.pub from mdcheck keygen)")
	return c
}
