package probe

import "github.com/mdcheck/mdcheck/internal/probe/ident"

// Service is what listens on a port, as far as the probe can tell
// (ident.Service).
type Service = ident.Service

// Confidence levels of a Service.
const (
	High = ident.High
	Low  = ident.Low
)
