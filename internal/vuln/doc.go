// Package vuln is the vocabulary of known vulnerabilities and the rules
// that match software against them: records (OSV's shape, which every
// feed is read into), CPE applicability with its version ranges, KEV and
// EPSS data, the matches a scan finds with how each was made, and their
// VEX and patient-safety annotations; matching by package URL with each
// ecosystem's own version rules and name normalisation, and by CPE.
//
// Around it: one package per feed format under feed/ (each a Feed that
// yields what it reads), the database that stores and scans in store/,
// VEX documents in internal/vex, the weighing for patients in
// internal/safety, and the built-in snapshot in snapshot/.
package vuln
