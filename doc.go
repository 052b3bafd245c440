// Package mdcheck is the root of the mdcheck module: a cybersecurity health
// check for medical devices against the EU Medical Device Regulation.
//
// The command is in cmd/mdcheck; the packages are under internal/. This
// package holds only the repository-wide tests that keep the layout
// honest: every package documented, imports pointing one way.
package mdcheck
