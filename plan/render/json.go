package render

import (
	"encoding/json"
	"io"
)

// JSONView writes the Summary as indented JSON followed by a newline: a
// stable machine summary whose shape is the Summary type's (see
// SummaryVersion).
type JSONView struct{}

// Show writes s as JSON.
func (JSONView) Show(w io.Writer, s *Summary) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}
