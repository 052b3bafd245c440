package htmlreport

import (
	"fmt"
	"strings"

	"github.com/mdcheck/mdcheck/internal/severity"
)

// bar is one severity's count in the chart: open findings, and those set
// aside by a VEX statement, a disposition or a waiver.
type bar struct {
	Label      string
	Color      string
	Open, Kept int
}

// bars are the severities the charts count, most severe first; the last
// is "not rated".
type bars []bar

func severityBars() bars {
	return bars{{"Critical", "#7f1d1d", 0, 0}, {"High", "#b91c1c", 0, 0}, {"Medium", "#c2410c", 0, 0}, {"Low", "#1d4ed8", 0, 0}, {"Not rated", "#6b21a8", 0, 0}}
}

// count adds one vulnerability of level, open or set aside; info counts
// as low, no level as not rated.
func (bs bars) count(level severity.Level, open bool) {
	i := len(bs) - 1
	switch level {
	case severity.Critical:
		i = 0
	case severity.High:
		i = 1
	case severity.Medium:
		i = 2
	case severity.Low, severity.Info:
		i = 3
	}
	if open {
		bs[i].Open++
	} else {
		bs[i].Kept++
	}
}

// Chart geometry.
const (
	cWidth  = 640
	cLabelW = 150
	cBarH   = 22
	cGap    = 10
)

// chart draws the vulnerabilities by severity for patients as a
// horizontal bar chart: the open part solid, the part set aside hatched,
// each bar labelled with its numbers so that nothing rests on colour
// alone; its title and description state every count.
func chart(bs bars) string {
	// "Not rated" shows only when it counts something.
	if n := len(bs) - 1; bs[n].Open+bs[n].Kept == 0 {
		bs = bs[:n]
	}
	bars := bs
	most := 1
	for _, b := range bars {
		most = max(most, b.Open+b.Kept)
	}
	scale := float64(cWidth-cLabelW-180) / float64(most)
	height := len(bars)*(cBarH+cGap) + 30
	var desc []string
	var body strings.Builder
	for i, b := range bars {
		y := 8 + i*(cBarH+cGap)
		desc = append(desc, fmt.Sprintf("%s: %d open, %d set aside", b.Label, b.Open, b.Kept))
		fmt.Fprintf(&body, `<text x="%d" y="%d" text-anchor="end">%s</text>`, cLabelW-10, y+16, esc(b.Label))
		wo, wk := float64(b.Open)*scale, float64(b.Kept)*scale
		if b.Open > 0 {
			fmt.Fprintf(&body, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>`, cLabelW, y, wo, cBarH, b.Color)
		}
		if b.Kept > 0 {
			fmt.Fprintf(&body, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="url(#kept)" stroke="%s"/>`, float64(cLabelW)+wo, y, wk, cBarH, b.Color)
		}
		fmt.Fprintf(&body, `<text x="%.1f" y="%d">%d open, %d set aside</text>`, float64(cLabelW)+wo+wk+8, y+16, b.Open, b.Kept)
	}
	ly := height - 14
	fmt.Fprintf(&body, `<rect x="%d" y="%d" width="14" height="12" fill="#374151"/><text x="%d" y="%d" font-size="11">open</text>`, cLabelW, ly, cLabelW+20, ly+10)
	fmt.Fprintf(&body, `<rect x="%d" y="%d" width="14" height="12" fill="url(#kept)" stroke="#374151"/><text x="%d" y="%d" font-size="11">set aside (VEX, disposition or waiver)</text>`, cLabelW+70, ly, cLabelW+90, ly+10)
	var svg strings.Builder
	fmt.Fprintf(&svg, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="100%%" style="max-width:%dpx" role="img" aria-labelledby="chart-title chart-desc" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="13">`, cWidth, height, cWidth)
	fmt.Fprintf(&svg, `<title id="chart-title">Known vulnerabilities by severity for patients</title><desc id="chart-desc">%s.</desc>`, esc(strings.Join(desc, "; ")))
	svg.WriteString(`<defs><pattern id="kept" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#6b7280" stroke-width="2"/></pattern></defs>`)
	svg.WriteString(body.String())
	svg.WriteString(`</svg>`)
	return svg.String()
}
