package diff

import (
	"encoding/json"
	"io"
)

// JSONView writes the Result as indented JSON:
//
//	{"old": PlanInfo, "new": PlanInfo, "notes": [string],
//	 "counts": {"added", "removed", "changed", "field_changes"},
//	 "empty": bool,
//	 "changes": [{"kind": "added"|"removed"|"changed", "resource_type",
//	              "id", "old_id"?, "flow"?, "path", "old"?, "new"?,
//	              "type_only"?, "note"?}]}
//
// Every change is listed, including those marked type_only.
type JSONView struct{}

// Show writes r as JSON.
func (JSONView) Show(w io.Writer, r *Result) error {
	doc := struct {
		Old     PlanInfo `json:"old"`
		New     PlanInfo `json:"new"`
		Notes   []string `json:"notes"`
		Counts  Counts   `json:"counts"`
		Empty   bool     `json:"empty"`
		Changes []Change `json:"changes"`
	}{r.Old, r.New, r.Notes, r.Counts(), r.Empty(), r.Changes}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
