// Package rules holds mdcheck's built-in rules: one file per rule, each
// with its test. A rule reads the device model and its evidence and gives a
// status per subject (the device, a component, or one interface of a
// component); see docs/adding-a-rule.md.
package rules
