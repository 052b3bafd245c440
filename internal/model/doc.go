// Package model is the device model: what a manufacturer declares about a
// medical device in one YAML file kept next to its firmware.
//
// A model names the device, its intended purpose, the facts MDR Annex VIII
// needs to classify each component, and the security-relevant design:
// interfaces, data assets and flows, access control (including emergency
// access), updates, logging and lifecycle. Every fact the author leaves out
// stays nil: later stages must treat it as unknown, never as a pass.
//
// Load reads a model strictly: unknown fields, wrong types, bad enum values,
// duplicate keys and dangling references are errors that name the file,
// line and column. Reads are bounded in size, nesting depth and alias
// expansion so that a hostile file cannot exhaust memory.
package model
