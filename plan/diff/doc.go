// Package diff compares two deployment plans by resource identity and
// reports what was added, removed or changed, field by field.
package diff
