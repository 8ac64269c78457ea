package diff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// JSONView writes the Result as one JSON document, one change per line:
//
//	{"old": PlanInfo, "new": PlanInfo, "notes": [string],
//	 "counts": {"added", "removed", "changed", "field_changes"},
//	 "empty": bool,
//	 "changes": [{"kind": "added"|"removed"|"changed", "resource_type",
//	              "id", "old_id"?, "flow"?, "path", "old"?, "new"?,
//	              "type_only"?, "note"?, "provenance"?}]}
//
// PlanInfo is {"project", "version", "deployment_type", "target",
// "digest"}. Every change is listed, including those marked type_only and
// provenance; counts and empty leave provenance out (empty: nothing to
// deploy differs).
type JSONView struct{}

// Show writes r as JSON.
func (JSONView) Show(w io.Writer, r *Result) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	field := func(name string, v any, last bool) error {
		fmt.Fprintf(&buf, "  %q: ", name)
		if err := enc.Encode(v); err != nil {
			return fmt.Errorf("encoding %s: %w", name, err)
		}
		if !last {
			buf.Truncate(buf.Len() - 1)
			buf.WriteString(",\n")
		}
		return nil
	}
	buf.WriteString("{\n")
	for _, f := range []struct {
		name string
		v    any
	}{{"old", r.Old}, {"new", r.New}, {"notes", r.Notes}, {"counts", r.Counts()}, {"empty", r.Empty()}} {
		if err := field(f.name, f.v, false); err != nil {
			return err
		}
	}
	buf.WriteString("  \"changes\": [")
	for i, c := range r.Changes {
		if i > 0 {
			buf.WriteString(",")
		}
		buf.WriteString("\n    ")
		if err := enc.Encode(c); err != nil {
			return fmt.Errorf("encoding change %d: %w", i, err)
		}
		buf.Truncate(buf.Len() - 1)
	}
	if len(r.Changes) > 0 {
		buf.WriteString("\n  ")
	}
	buf.WriteString("]\n}\n")
	_, err := w.Write(buf.Bytes())
	return err
}
