package htmlreport

import (
	"fmt"
	"html"
	"sort"
	"strings"

	"github.com/mdcheck/mdcheck/internal/model"
)

// implantZone is the trust boundary of the patient's body: an implanted
// component sits inside it, whatever its interfaces reach.
const implantZone model.Exposure = "implant"

// Zones are the exposure zones of the diagram, most exposed first: a
// component sits in the zone of its most exposed interface, so that what
// the internet reaches is at the top; an implanted one inside the body.
var zones = []struct {
	exposure model.Exposure
	label    string
	color    string // marker and border: at least 4.5:1 on white
	fill     string // band background
}{
	{model.ExposureInternet, "Internet", "#b91c1c", "#fef2f2"},
	{model.ExposureHospitalNetwork, "Hospital network", "#c2410c", "#fff7ed"},
	{model.ExposureHomeNetwork, "Home network", "#854d0e", "#fefce8"},
	{model.ExposureProximity, "Proximity (radio)", "#1d4ed8", "#eff6ff"},
	{model.ExposurePhysical, "Physical access", "#374151", "#f9fafb"},
	{implantZone, "Implant (inside the body)", "#15803d", "#f0fdf4"},
	{"", "Exposure not stated", "#6b21a8", "#faf5ff"},
}

// Diagram geometry, in SVG user units.
const (
	dWidth   = 980
	dLabelW  = 150 // the zone label column
	dBoxW    = 200
	dPerRow  = 3
	dHeadH   = 40 // a box's name and kind lines
	dIfaceH  = 18 // one interface row
	dPad     = 16
	dTextMax = 28 // characters of an interface row before it is cut
	dNameMax = 21 // characters of a name, leaving room for a marker
)

type box struct {
	id, name, sub string
	external      bool
	ifaces        []model.Interface
	x, y, h       float64
}

// Diagram draws the device model's architecture as inline SVG: each
// component a box in the band of the exposure zone of its most exposed
// interface, its interfaces listed inside with their zone's marker, a
// line from each interface to every component or external device it
// connects to (solid when traffic is encrypted, dashed red when it is not
// or not stated), and the other manufacturers' devices in a band of
// their own. Every name is escaped; the SVG has a title and a description
// for readers who cannot see it, and the report lists the same facts in a
// table.
func Diagram(dev *model.Device) string { return DataFlowDiagram(dev, nil) }

// Marker is an open threat drawn on the diagram: on the component, or
// the interface (component/interface), it concerns.
type Marker struct {
	Element string
	Risk    string
	Title   string
}

// riskColors colour a threat marker by risk; the marker also says the
// risk in its text alternative.
var riskColors = map[string]string{"critical": "#7f1d1d", "high": "#b91c1c", "medium": "#c2410c", "low": "#1d4ed8"}

// DataFlowDiagram is Diagram with the model's data flows named on the
// interfaces that carry them and a marker on each element an open threat
// concerns (the threat model's data-flow diagram).
func DataFlowDiagram(dev *model.Device, markers []Marker) string {
	flows := map[string][]string{} // component/interface: "from->to: assets"
	for _, fl := range dev.DataFlows {
		key := fl.Carrier(dev) + "/" + fl.Interface
		flows[key] = append(flows[key], fl.From+" to "+fl.To+": "+strings.Join(fl.Assets, ", "))
	}
	marks := map[string][]Marker{}
	for _, m := range markers {
		marks[m.Element] = append(marks[m.Element], m)
	}
	bands := make([][]*box, len(zones)+1)
	byID := map[string]*box{}
	for _, c := range dev.Components {
		b := &box{id: c.ID, name: c.Name, sub: string(c.Kind) + ", " + string(c.Role), ifaces: c.Interfaces}
		if c.Version != "" {
			b.sub += " " + c.Version
		}
		bands[zoneOf(c)] = append(bands[zoneOf(c)], b)
		byID[c.ID] = b
	}
	for _, e := range dev.ExternalDevices {
		b := &box{id: e.ID, name: e.Name, sub: "other manufacturer's device", external: true}
		bands[len(zones)] = append(bands[len(zones)], b)
		byID[e.ID] = b
	}
	var body strings.Builder
	var layout strings.Builder
	y := 8.0
	for zi, bs := range bands {
		if len(bs) == 0 {
			continue
		}
		label, color, fill := "Other manufacturers' devices", "#374151", "#f3f4f6"
		if zi < len(zones) {
			label, color, fill = zones[zi].label, zones[zi].color, zones[zi].fill
		}
		top := y
		y += dPad
		// Boxes spread over the band's width, so that lines between
		// neighbours have room.
		slot := float64(dWidth-dLabelW-16) / float64(min(len(bs), dPerRow))
		for row := 0; row*dPerRow < len(bs); row++ {
			rowH := 0.0
			for i := row * dPerRow; i < min(len(bs), (row+1)*dPerRow); i++ {
				b := bs[i]
				b.h = dHeadH + float64(len(b.ifaces))*dIfaceH + 8
				b.x = dLabelW + float64(i-row*dPerRow)*slot + (slot-dBoxW)/2
				b.y = y
				rowH = max(rowH, b.h)
			}
			y += rowH + dPad
		}
		fmt.Fprintf(&layout, `<g class="zone"><rect x="4" y="%.0f" width="%d" height="%.0f" rx="8" fill="%s" stroke="%s" stroke-dasharray="6 4"/>`, top, dWidth-8, y-top, fill, color)
		fmt.Fprintf(&layout, `<text x="16" y="%.0f" font-weight="700" fill="%s">%s</text></g>`, top+26, color, esc(label))
		y += 8
	}
	// Lines first, so that boxes are drawn over them.
	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, c := range dev.Components {
		from := byID[c.ID]
		for k, itf := range c.Interfaces {
			y1 := from.y + dHeadH + float64(k)*dIfaceH + dIfaceH/2 - 4
			for _, t := range itf.ConnectsTo {
				to, ok := byID[t]
				if !ok || to == from {
					continue
				}
				x1, x2 := from.x+dBoxW, to.x
				if to.x+dBoxW/2 < from.x+dBoxW/2 {
					x1, x2 = from.x, to.x+dBoxW
				} else if to.x == from.x {
					x1, x2 = from.x+dBoxW, to.x+dBoxW
				}
				y2 := to.y + to.h/2
				enc := itf.Encryption != nil && itf.Encryption.InTransit != nil && *itf.Encryption.InTransit
				style := `stroke="#1f2937" stroke-width="1.5"`
				state := "encrypted"
				if !enc {
					style = `stroke="#b91c1c" stroke-width="1.5" stroke-dasharray="5 4"`
					state = "not encrypted or not stated"
					if itf.Encryption != nil && itf.Encryption.InTransit != nil {
						state = "not encrypted"
					}
				}
				mid := (x1 + x2) / 2
				if to.x == from.x {
					mid = x1 + 40
				}
				fmt.Fprintf(&body, `<path d="M%.0f %.0f C%.0f %.0f %.0f %.0f %.0f %.0f" fill="none" %s marker-end="url(#arrow)"><title>%s</title></path>`,
					x1, y1, mid, y1, mid, y2, x2, y2, style, esc(fmt.Sprintf("%s.%s to %s: %s", c.ID, itf.ID, t, state)))
			}
		}
	}
	for _, id := range ids {
		b := byID[id]
		dash := ""
		if b.external {
			dash = ` stroke-dasharray="4 3"`
		}
		fmt.Fprintf(&body, `<g class="component"><rect x="%.0f" y="%.0f" width="%d" height="%.0f" rx="6" fill="#ffffff" stroke="#1f2937"%s/>`, b.x, b.y, dBoxW, b.h, dash)
		fmt.Fprintf(&body, `<text x="%.0f" y="%.0f" font-weight="700">%s<title>%s</title></text>`, b.x+8, b.y+17, esc(cut(b.name, dNameMax)), esc(b.name+" ("+b.id+")"))
		fmt.Fprintf(&body, `<text x="%.0f" y="%.0f" font-size="11" fill="#4b5563">%s</text>`, b.x+8, b.y+32, esc(cut(b.sub, 32)))
		marker(&body, marks[b.id], b.x+dBoxW-14, b.y+12)
		for k, itf := range b.ifaces {
			iy := b.y + dHeadH + float64(k)*dIfaceH
			color := zones[zoneIndex(itf.Exposure)].color
			fmt.Fprintf(&body, `<circle cx="%.0f" cy="%.0f" r="4" fill="%s"/>`, b.x+12, iy+4, color)
			full := ifaceText(itf)
			tip := full + "; exposure: " + exposureLabel(itf.Exposure)
			if fs := flows[b.id+"/"+itf.ID]; len(fs) > 0 {
				tip += "; carries " + strings.Join(fs, "; ")
			}
			fmt.Fprintf(&body, `<text x="%.0f" y="%.0f" font-size="11">%s<title>%s</title></text>`, b.x+22, iy+8, esc(cut(full, dTextMax)), esc(tip))
			var ms []Marker
			for el, m := range marks {
				if strings.HasPrefix(el, b.id+"/"+itf.ID) && (len(el) == len(b.id+"/"+itf.ID) || el[len(b.id+"/"+itf.ID)] == '-') {
					ms = append(ms, m...)
				}
			}
			marker(&body, ms, b.x+dBoxW-10, iy+4)
		}
		body.WriteString(`</g>`)
	}
	legendY := y + 8
	var legend strings.Builder
	x := 16.0
	for _, z := range zones {
		if z.exposure == implantZone {
			continue // a band, not an interface's exposure
		}
		fmt.Fprintf(&legend, `<circle cx="%.0f" cy="%.0f" r="4" fill="%s"/><text x="%.0f" y="%.0f" font-size="11">%s</text>`, x, legendY, z.color, x+8, legendY+4, esc(z.label))
		x += 8 + float64(len(z.label))*6.2 + 18
	}
	legendY += 20
	fmt.Fprintf(&legend, `<path d="M16 %.0f h40" stroke="#1f2937" stroke-width="1.5"/><text x="62" y="%.0f" font-size="11">encrypted in transit</text>`, legendY, legendY+4)
	fmt.Fprintf(&legend, `<path d="M200 %.0f h40" stroke="#b91c1c" stroke-width="1.5" stroke-dasharray="5 4"/><text x="246" y="%.0f" font-size="11">not encrypted, or not stated</text>`, legendY, legendY+4)
	if len(markers) > 0 {
		legendY += 20
		marker(&legend, []Marker{{Risk: "high", Title: "open threat"}}, 20, legendY)
		fmt.Fprintf(&legend, `<text x="30" y="%.0f" font-size="11">open threat, coloured by its highest risk (its title names each)</text>`, legendY+4)
	}
	height := legendY + 16
	var svg strings.Builder
	fmt.Fprintf(&svg, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %.0f" width="100%%" role="img" aria-labelledby="arch-title arch-desc" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="13">`, dWidth, height)
	fmt.Fprintf(&svg, `<title id="arch-title">Architecture of %s</title><desc id="arch-desc">%s</desc>`, esc(dev.Identity.Product), esc(describe(dev)))
	svg.WriteString(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#374151"/></marker></defs>`)
	svg.WriteString(layout.String())
	svg.WriteString(body.String())
	svg.WriteString(legend.String())
	svg.WriteString(`</svg>`)
	return svg.String()
}

// zoneOf is the band of a component: inside the body for an implanted
// one, else the zone of its most exposed interface; a component without
// interfaces has no exposure to state.
func zoneOf(c model.Component) int {
	if c.Implanted() {
		return zoneIndex(implantZone)
	}
	best := len(zones) - 1
	for _, itf := range c.Interfaces {
		best = min(best, zoneIndex(itf.Exposure))
	}
	return best
}

func zoneIndex(e model.Exposure) int {
	for i, z := range zones {
		if z.exposure == e {
			return i
		}
	}
	return len(zones) - 1
}

func exposureLabel(e model.Exposure) string { return zones[zoneIndex(e)].label }

// ifaceText is an interface in a line: "id: kind, protocols :port".
func ifaceText(itf model.Interface) string {
	s := itf.ID + ": " + string(itf.Kind)
	var ps []string
	for _, p := range itf.Protocols {
		ps = append(ps, string(p))
	}
	if len(ps) > 0 {
		s += ", " + strings.Join(ps, "/")
	}
	if itf.Port != nil {
		s += fmt.Sprintf(" :%d", *itf.Port)
	}
	return s
}

// describe is the diagram in sentences, its text alternative.
func describe(dev *model.Device) string {
	var parts []string
	for _, c := range dev.Components {
		s := fmt.Sprintf("%s (%s) in zone %s", c.Name, c.ID, zones[zoneOf(c)].label)
		var its []string
		for _, itf := range c.Interfaces {
			t := ifaceText(itf)
			if len(itf.ConnectsTo) > 0 {
				t += " to " + strings.Join(itf.ConnectsTo, ", ")
			}
			its = append(its, t)
		}
		if len(its) > 0 {
			s += ", interfaces " + strings.Join(its, "; ")
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ". ") + "."
}

// cut shortens s to n runes, marking the cut.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func esc(s string) string { return html.EscapeString(s) }

// marker draws one mark for the open threats of an element, coloured by
// the highest risk, with every threat named in its title.
func marker(b *strings.Builder, ms []Marker, x, y float64) {
	if len(ms) == 0 {
		return
	}
	rank := map[string]int{"low": 1, "medium": 2, "high": 3, "critical": 4}
	top := ms[0].Risk
	var titles []string
	for _, m := range ms {
		if rank[m.Risk] > rank[top] {
			top = m.Risk
		}
		titles = append(titles, m.Risk+": "+m.Title)
	}
	sort.Strings(titles)
	fmt.Fprintf(b, `<g class="threat"><path d="M%.0f %.0f l6 -11 l6 11 z" fill="%s"/><text x="%.0f" y="%.0f" font-size="9" font-weight="700" fill="#ffffff" text-anchor="middle">!</text><title>%s</title></g>`,
		x-6, y+5, riskColors[top], x, y+4, esc(fmt.Sprintf("%d open threat(s): %s", len(ms), strings.Join(titles, "; "))))
}
