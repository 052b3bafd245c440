package fleetapp

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/mdcheck/mdcheck/internal/fleet"
)

// Count is how many devices (or failures) one value has.
type Count struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// Exposed is a device with open findings on known-exploited
// vulnerabilities.
type Exposed struct {
	Device    string `json:"device"`
	Name      string `json:"name"`
	Site      string `json:"site"`
	Exploited int    `json:"exploited"`
}

// Overview is the fleet at a glance, from each device's newest done
// assessment: readiness in tenths, devices by MDR class and by site, the
// requirements missed most, the devices with known-exploited
// vulnerabilities (how many, and the MostExploited with most), and the
// mean readiness per day over 30 days.
type Overview struct {
	Devices          int                  `json:"devices"`
	Assessed         int                  `json:"assessed"`
	Readiness        []Count              `json:"readiness"`
	Classes          []Count              `json:"classes"`
	Sites            []Count              `json:"sites"`
	Missed           []Count              `json:"missed"`
	ExploitedDevices int                  `json:"exploitedDevices"`
	Exploited        []Exposed            `json:"exploited"`
	Trend            []fleet.DayReadiness `json:"trend"`
}

// MostExploited is how many devices with known-exploited
// vulnerabilities the overview lists.
const MostExploited = 100

// Overview is the actor's organisation's fleet at a glance. Its counts
// are kept up to date as assessments finish, so that it costs the same
// for ten devices or a hundred thousand.
func (f *Fleet) Overview(ctx context.Context, by Actor) (Overview, error) {
	tallies, err := f.store.Tallies(ctx, by.Org)
	if err != nil {
		return Overview{}, err
	}
	sites, err := f.store.Sites(ctx, by.Org)
	if err != nil {
		return Overview{}, err
	}
	o := Overview{Assessed: tallies["assessed"], ExploitedDevices: tallies["exploited"], Readiness: make([]Count, 10), Sites: []Count{}, Exploited: []Exposed{}}
	for _, s := range sites {
		o.Devices += s.Devices
		o.Sites = append(o.Sites, Count{s.Name, s.Devices})
	}
	for i := range o.Readiness {
		o.Readiness[i] = Count{fmt.Sprintf("%d-%d%%", i*10, i*10+10), tallies[fmt.Sprintf("readiness:%d", i)]}
	}
	classes, missed := map[string]int{}, map[string]int{}
	for k, n := range tallies {
		if c, ok := strings.CutPrefix(k, "class:"); ok {
			classes[c] = n
		} else if m, ok := strings.CutPrefix(k, "missed:"); ok {
			missed[m] = n
		}
	}
	o.Classes, o.Missed = counts(classes, 0), counts(missed, 10)
	ls, err := f.store.MostExploited(ctx, by.Org, MostExploited)
	if err != nil {
		return Overview{}, err
	}
	for _, l := range ls {
		o.Exploited = append(o.Exploited, Exposed{l.Device, l.Name, l.Site, l.Exploited})
	}
	if o.Trend, err = f.store.DailyReadiness(ctx, by.Org, f.store.Now().AddDate(0, 0, -30)); err != nil {
		return Overview{}, err
	}
	return o, nil
}

// counts orders a tally by count, then name; top > 0 keeps that many.
func counts(m map[string]int, top int) []Count {
	out := make([]Count, 0, len(m))
	for k, v := range m {
		out = append(out, Count{k, v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Name < out[j].Name
	})
	if top > 0 && len(out) > top {
		out = out[:top]
	}
	return out
}

// summary is what an overview needs of a check report.
func summary(rep reportView) fleet.Summary {
	s := fleet.Summary{Class: rep.Classification.Class}
	for _, r := range rep.Requirements {
		if r.Status == "missed" {
			s.Missed = append(s.Missed, r.ID)
		}
	}
	for _, f := range rep.Findings {
		if f.Exploited && f.Status == "fail" && f.open() {
			s.Exploited++
		}
	}
	return s
}
