package rules

import (
	"sort"

	"github.com/mdcheck/mdcheck/internal/catalog"
)

var registry = map[string]catalog.Rule{}

// register adds r to the built-in rules and returns it. A duplicate ID is a
// programming error that every test run catches.
func register(r catalog.Rule) catalog.Rule {
	if _, dup := registry[r.ID]; dup {
		panic("rules: duplicate rule ID " + r.ID)
	}
	registry[r.ID] = r
	return r
}

// All returns the built-in rules sorted by ID.
func All() []catalog.Rule {
	out := make([]catalog.Rule, 0, len(registry))
	for _, r := range registry {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
