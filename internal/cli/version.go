package cli

import (
	"fmt"
	"io"
	"runtime/debug"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/spf13/cobra"
)

// Commit and BuildDate are set by a release build (-ldflags "-X
// ...cli.Commit=... -X ...cli.BuildDate=..."); otherwise they come from
// the VCS information go build records, when it does.
var Commit, BuildDate string

// buildVersion is the version, commit and build time of this binary: the
// release version set with -ldflags, else the module version go install
// stamps, and the VCS revision and time go build records.
func buildVersion() (version, commit, date string) {
	version, commit, date = Version, Commit, BuildDate
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return version, "", ""
	}
	if version == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		version = info.Main.Version
	}
	dirty := false
	for _, s := range info.Settings {
		switch {
		case s.Key == "vcs.revision" && commit == "":
			commit = s.Value
		case s.Key == "vcs.time" && date == "":
			date = s.Value
		case s.Key == "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if dirty && commit != "" {
		commit += " (modified)"
	}
	return version, commit, date
}

func newVersion(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Show which mdcheck this is: version, commit and build date",
		Args:  exactArgs(0),
		RunE: func(*cobra.Command, []string) error {
			v, commit, date := buildVersion()
			fmt.Fprintf(stdout, "mdcheck %s\n", v)
			if commit != "" {
				fmt.Fprintf(stdout, "commit  %s\n", commit)
			}
			if date != "" {
				fmt.Fprintf(stdout, "built   %s\n", date)
			}
			return nil
		},
	}
}

// thisBuild is this binary's identity, as the core stamps it on reports.
func thisBuild() app.BuildInfo {
	v, commit, date := buildVersion()
	return app.BuildInfo{Version: v, Commit: commit, Date: date}
}
