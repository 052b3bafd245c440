package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/mdcheck/mdcheck/internal/app"
)

// progress draws one self-rewriting status line on a terminal during a
// scan or a download; on anything else it draws nothing.
type progress struct {
	w    io.Writer
	on   bool
	last time.Time
	drew bool
}

func newProgress(w io.Writer) *progress {
	f, ok := w.(*os.File)
	return &progress{w: w, on: ok && isatty.IsTerminal(f.Fd())}
}

// update redraws the line, at most ten times a second and always at the
// end of a step.
func (p *progress) update(s app.Progress) {
	if !p.on {
		return
	}
	now := time.Now()
	if s.Done != s.Total && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	switch {
	case !s.Bytes:
		fmt.Fprintf(p.w, "\r\x1b[Kscanning %s: %d/%d components", filepath.Base(s.What), s.Done, s.Total)
	case s.Total > 0:
		fmt.Fprintf(p.w, "\r\x1b[Kdownloading %s: %.1f of %.1f MB (%d%%)", s.What, float64(s.Done)/1e6, float64(s.Total)/1e6, s.Done*100/s.Total)
	default:
		fmt.Fprintf(p.w, "\r\x1b[Kdownloading %s: %.1f MB", s.What, float64(s.Done)/1e6)
	}
	p.drew = true
}

// done clears the line.
func (p *progress) done() {
	if p.drew {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drew = false
	}
}
