package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mdcheck/mdcheck/internal/feeds"
	"github.com/mdcheck/mdcheck/internal/vuln"
)

// defaultMirror is where db update keeps the downloaded feeds.
func defaultMirror() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "mdcheck", "feeds")
}

func newDBUpdate(stdout io.Writer, dbPath *string) *cobra.Command {
	var mirror, osvURL, kevURL, epssURL string
	var ecosystems, providers []string
	c := &cobra.Command{
		Use:   "update [PATH...]",
		Short: "Download the vulnerability feeds (OSV, KEV, EPSS, CSAF providers) and rebuild the database",
		Long: `update downloads the public feeds into a mirror folder and rebuilds the
database from them (and from any PATH given, as db import reads them):

  - OSV's all.zip of each ecosystem (--osv, --osv-url);
  - CISA's Known Exploited Vulnerabilities catalog (--kev-url);
  - FIRST's EPSS scores (--epss-url);
  - the TLP:WHITE advisories of each CSAF provider (--csaf-provider, the URL
    of its provider-metadata.json), through its ROLIE feeds or its
    directory, each checked against the hash the provider publishes and,
    when the provider publishes an OpenPGP key, its signature.

Only what changed is downloaded again; a download cut short is resumed on
the next run. A file that fails its check is discarded with an error, and
any error leaves the database as it was. An empty URL turns a feed off.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := feeds.Open(mirror, nil)
			if err != nil {
				return err
			}
			bar := newProgress(cmd.ErrOrStderr())
			m.Progress = bar.bytes()
			m.Note = func(s string) { bar.done(); fmt.Fprintln(cmd.ErrOrStderr(), "mdcheck: note: "+s) }
			ctx := cmd.Context()
			report := func(r feeds.Result, err error) error {
				bar.done()
				if err != nil {
					return err
				}
				fmt.Fprintln(stdout, r)
				return nil
			}
			if osvURL != "" {
				for _, eco := range ecosystems {
					if err := report(m.OSV(ctx, osvURL, strings.TrimSpace(eco))); err != nil {
						return updateError(err)
					}
				}
			}
			if kevURL != "" {
				if err := report(m.KEV(ctx, kevURL)); err != nil {
					return updateError(err)
				}
			}
			if epssURL != "" {
				if err := report(m.EPSS(ctx, epssURL)); err != nil {
					return updateError(err)
				}
			}
			for _, p := range providers {
				if err := report(m.CSAF(ctx, p)); err != nil {
					return updateError(err)
				}
			}
			inputs := append(m.Inputs(), args...)
			if len(inputs) == 0 {
				return fmt.Errorf("%w: every feed is off and no PATH is given: nothing to build the database from", errUsage)
			}
			st, err := vuln.Import(ctx, *dbPath, inputs, time.Now())
			if err != nil {
				return updateError(err)
			}
			fmt.Fprintf(stdout, "%s: %d records imported (%d duplicates skipped)\n", *dbPath, st.Records, st.Skipped)
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&mirror, "mirror", defaultMirror(), "folder the downloaded feeds are kept in")
	f.StringSliceVar(&ecosystems, "osv", feeds.DefaultEcosystems, "OSV ecosystems to download (comma-separated)")
	f.StringVar(&osvURL, "osv-url", feeds.DefaultOSV, "base URL of the OSV archives (<url>/<ecosystem>/all.zip); empty: no OSV")
	f.StringVar(&kevURL, "kev-url", feeds.DefaultKEV, "URL of CISA's KEV catalog (JSON); empty: no KEV")
	f.StringVar(&epssURL, "epss-url", feeds.DefaultEPSS, "URL of FIRST's EPSS scores (CSV, plain or gzipped); empty: no EPSS")
	f.StringArrayVar(&providers, "csaf-provider", nil, "URL of a CSAF provider's provider-metadata.json (repeatable)")
	return c
}

// updateError says that the database was left as it was. A feed file
// that fails its checks is an input error (exit 2); a network failure a
// run failure (exit 3).
func updateError(err error) error {
	return fmt.Errorf("%w; the database was left as it was", err)
}
