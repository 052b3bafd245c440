// Package store is the local vulnerability database: one SQLite file
// built by Import from the feeds (files, folders and zip archives, each
// file offered to every vuln.Feed in turn) and replaced atomically, with
// its Status, and the scan that matches packages against it by package
// URL, CPE and name, annotated with KEV and EPSS data.
package store
