package diff

import (
	"fmt"
	"io"

	"github.com/flowplan/flowplan/plan/render"
)

// TextView writes the Result as +/-/~ lines grouped per flow, for a
// terminal.
type TextView struct {
	// Color marks additions green, removals red and changes yellow (ANSI);
	// off unless asked for.
	Color bool
}

// Show writes r as text.
func (v TextView) Show(w io.Writer, r *Result) error {
	out := &render.Printer{W: w}
	out.Printf("flowplan diff: %s -> %s\n", describePlan(r.Old), describePlan(r.New))
	out.Printf("  old digest %s\n  new digest %s\n", orNone(r.Old.Digest), orNone(r.New.Digest))
	for _, n := range r.Notes {
		out.Printf("note: %s\n", n)
	}
	if r.Identical() {
		out.Printf("\nNo changes: the plans have the same content.\n")
		return out.Err
	}
	if r.Empty() {
		out.Printf("\nNo changes to deploy: the plans differ only in provenance.\n")
	} else {
		out.Printf("\nPlan: %s.\n", headline(r))
	}
	for _, s := range sections(r) {
		out.Printf("\n%s\n", s.title)
		for _, rc := range s.resources {
			sym := rc.kind.Symbol()
			out.Printf("  %s %s\n", v.paint(rc.kind, sym), resourceLabel(rc, s.flow))
			if rc.whole != nil && rc.whole.Note != "" {
				out.Printf("      %s\n", rc.whole.Note)
			}
			for _, c := range rc.fields {
				out.Printf("      %s\n", v.paint(c.Kind, fieldLine(c)))
				if c.Note != "" && !(c.ResourceType == ResourceSkipped && c.Path == "reason") {
					out.Printf("          %s\n", c.Note)
				}
			}
			if rc.renamed > 0 {
				out.Printf("      (%s only by %s -> %s)\n", valuesDiffer(rc.renamed), r.Old.DeploymentType, r.New.DeploymentType)
			}
		}
	}
	if lines := provenanceLines(r); len(lines) > 0 {
		out.Printf("\n%s\n", provenanceTitle)
		for _, l := range lines {
			out.Printf("  %s\n", l)
		}
	}
	return out.Err
}

func (v TextView) paint(k Kind, s string) string {
	if !v.Color {
		return s
	}
	code := map[Kind]string{Added: "32", Removed: "31", Changed: "33"}[k]
	return fmt.Sprintf("\x1b[%sm%s\x1b[0m", code, s)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
