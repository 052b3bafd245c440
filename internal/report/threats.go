package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/mdcheck/mdcheck/internal/model"
	"github.com/mdcheck/mdcheck/internal/threat"
)

// ThreatModel is the threat model derived from the device model
// (docs/threats.md): each threat with its risk, its status (mitigated,
// open or accepted) and the findings that assess it, and the attack
// surface per exposure zone.
type ThreatModel struct {
	Formula string          `json:"formula"`
	Threats []threat.Threat `json:"threats"`
	Surface []threat.Zone   `json:"surface"`
}

// NewThreatModel is the threat model of dev with its threats.
func NewThreatModel(dev *model.Device, ts []threat.Threat) ThreatModel {
	if ts == nil {
		ts = []threat.Threat{}
	}
	zs := threat.Surface(dev, ts)
	if zs == nil {
		zs = []threat.Zone{}
	}
	return ThreatModel{Formula: threat.Formula, Threats: ts, Surface: zs}
}

// Count is how many threats have status.
func (m ThreatModel) Count(status string) int {
	n := 0
	for _, t := range m.Threats {
		if t.Status == status {
			n++
		}
	}
	return n
}

// Line sums the threat model up in one sentence.
func (m ThreatModel) Line() string {
	return fmt.Sprintf("%d threats: %d open, %d accepted, %d mitigated by declared controls", len(m.Threats),
		m.Count(threat.StatusOpen), m.Count(threat.StatusAccepted), m.Count(threat.StatusMitigated))
}

// State says a threat's status in words, with its acceptance.
func State(t threat.Threat) string {
	a := t.Acceptance
	if a == nil {
		return t.Status
	}
	until := ""
	if a.Expires != "" {
		until = " until " + a.Expires
	}
	who := ""
	if a.Owner != "" {
		who = " by " + a.Owner
	}
	if a.Expired {
		return fmt.Sprintf("%s (acceptance%s expired%s: %s)", t.Status, who, until, a.Reason)
	}
	return fmt.Sprintf("%s%s%s: %s", t.Status, who, until, a.Reason)
}

// Assessment says which findings assess a threat, or that none does and
// the threat is a finding of its own.
func Assessment(t threat.Threat) string {
	if t.Covered {
		return strings.Join(t.Findings, ", ")
	}
	return "no finding of " + strings.Join(t.Rules, ", ") + " on this element; decided as " + threat.FindingPrefix + t.ID
}

// ThreatsMarkdown writes the attack surface and the threats as Markdown
// sections under headings of level (such as "##").
func ThreatsMarkdown(w io.Writer, m ThreatModel, level string) error {
	p := &printer{w: w}
	p.f("%s Attack surface\n\n| zone | interfaces | threats | open | highest risk |\n| --- | --- | --- | --- | --- |\n", level)
	for _, z := range m.Surface {
		p.f("| %s | %s | %d | %d | %s |\n", z.Zone, md(strings.Join(z.Interfaces, ", ")), z.Threats, z.Open, z.Highest)
	}
	p.f("\n%s Threats\n\n%s. %s.\n\n", level, m.Line(), m.Formula)
	if len(m.Threats) == 0 {
		p.f("None: the model gives no cause for any threat rule.\n")
		return p.err
	}
	p.f("| risk | status | threat | STRIDE | consequence | likelihood x severity | declared controls | missing controls | assessed by |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, t := range m.Threats {
		p.f("| %s | %s | `%s`: %s | %s | %s | %d x %d | %s | %s | %s |\n", t.Risk, md(State(t)), t.ID, md(t.Title), strings.Join(t.STRIDE, ", "), t.Consequence,
			t.Likelihood, t.Severity, md(orNone(t.Mitigations)), md(orNone(t.Missing)), md(Assessment(t)))
	}
	return p.err
}

func orNone(ss []string) string {
	if len(ss) == 0 {
		return "none"
	}
	return strings.Join(ss, "; ")
}
