// Package advisory matches devices to medical-device advisories that name
// their products in words: CISA's ICSMA advisories and vendors' CSAF
// documents whose product trees carry no package URL or CPE. It reads
// the version text as written (constraints), repairs and compares vendor
// and product names, and answers each (device, advisory) pair with a
// confidence (high, medium, needs review) and the reason. What it cannot
// decide it says so, showing the advisory's text; it never drops it and
// never matches by guess.
package advisory
