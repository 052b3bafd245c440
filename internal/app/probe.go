package app

import (
	"context"

	"github.com/mdcheck/mdcheck/internal/probe"
)

// ProbeOptions are a probe's inputs, as the operator gives them; see
// internal/probe.
type ProbeOptions = probe.Options

// ProbeResult is what a probe saw, and its transcript.
type ProbeResult = probe.Result

// Probe checks live units on the network, safely: only inside the
// scope, within the profile's limits, every byte sent in the
// transcript. Options it cannot read are an InputError, before anything
// is sent; an interrupted probe returns what it saw, marked partial,
// with ctx's error.
func (a *App) Probe(ctx context.Context, o ProbeOptions) (*ProbeResult, error) {
	res, err := probe.Run(ctx, o)
	if err != nil && res == nil {
		return nil, InputError{err}
	}
	return res, err
}
