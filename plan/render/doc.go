// Package render writes a reviewer's summary of a deployment plan as
// aligned text, Markdown or a stable JSON document.
package render
