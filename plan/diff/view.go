package diff

import (
	"fmt"
	"io"
	"strings"

	"github.com/flowplan/flowplan/plan/render"
)

// View writes a diff Result in one format.
type View interface {
	Show(w io.Writer, r *Result) error
}

// NewView returns the view for a format (render.FormatText, FormatMarkdown
// or FormatJSON).
func NewView(f render.Format, opts render.Options) (View, error) {
	switch f {
	case render.FormatText:
		return TextView{Color: opts.Color}, nil
	case render.FormatMarkdown:
		return MarkdownView{}, nil
	case render.FormatJSON:
		return JSONView{}, nil
	}
	return nil, fmt.Errorf("output format %q: want text, markdown or json", f)
}

// Write writes the result in the given format: what `deployer diff OLD NEW
// --format F` prints. The exit code is the caller's: 0 when r.Empty(), 2
// otherwise (with --exit-code), 1 on error.
func Write(w io.Writer, r *Result, f render.Format, opts render.Options) error {
	v, err := NewView(f, opts)
	if err != nil {
		return err
	}
	if err := v.Show(w, r); err != nil {
		return fmt.Errorf("writing the plan diff: %w", err)
	}
	return nil
}

// section is a group of resources shown together: the plan's settings,
// images, one flow, skipped files.
type section struct {
	title     string
	flow      string
	resources []resourceChanges
}

// resourceChanges are the consecutive changes of one resource.
type resourceChanges struct {
	rt      ResourceType
	id      string
	oldID   string
	kind    Kind // Added or Removed for a whole resource, otherwise Changed
	whole   *Change
	fields  []Change // shown
	renamed int      // field changes that differ only by the deployment type
}

func sections(r *Result) []section {
	var out []section
	index := map[string]int{}
	for _, c := range r.Changes {
		if c.Provenance {
			continue // listed apart, see provenanceLines
		}
		title, flow := sectionOf(c)
		i, ok := index[title]
		if !ok {
			i = len(out)
			index[title] = i
			out = append(out, section{title: title, flow: flow})
		}
		s := &out[i]
		n := len(s.resources)
		if n == 0 || s.resources[n-1].rt != c.ResourceType || s.resources[n-1].id != c.ID || s.resources[n-1].whole != nil || c.Path == "" {
			s.resources = append(s.resources, resourceChanges{rt: c.ResourceType, id: c.ID, oldID: c.OldID, kind: Changed})
			n++
		}
		rc := &s.resources[n-1]
		switch {
		case c.Path == "":
			c := c
			rc.whole, rc.kind = &c, c.Kind
		case c.TypeOnly:
			rc.renamed++
		default:
			rc.fields = append(rc.fields, c)
		}
	}
	return out
}

func sectionOf(c Change) (title, flow string) {
	switch {
	case c.ResourceType == ResourcePlan:
		return "Plan settings", ""
	case c.ResourceType == ResourceSkipped:
		return "Skipped files", ""
	case c.Flow != "":
		return "Flow " + c.Flow, c.Flow
	}
	return "Images", ""
}

// resourceLabel names a resource for people: "task definition NAME".
func resourceLabel(rc resourceChanges, flow string) string {
	name := rc.id
	if rc.rt == ResourceDeployment {
		name = strings.TrimPrefix(name, flow+"/")
	}
	label := strings.ReplaceAll(string(rc.rt), "_", " ") + " " + name
	if rc.oldID != "" {
		old := rc.oldID
		if rc.rt == ResourceDeployment {
			old = strings.TrimPrefix(old, flow+"/")
		}
		label += " (was " + old + ")"
	}
	return label
}

// headline is the one-line summary: "2 to add, 1 to remove, 3 to change".
func headline(r *Result) string {
	c := r.Counts()
	renamed := 0
	for _, ch := range r.Changes {
		if ch.TypeOnly {
			renamed++
		}
	}
	s := fmt.Sprintf("%d to add, %d to remove, %d to change (%s", c.Added, c.Removed, c.Changed, render.Count(c.FieldChanges, "field change"))
	if renamed > 0 {
		s += fmt.Sprintf(", %d of them only by %s -> %s", renamed, r.Old.DeploymentType, r.New.DeploymentType)
	}
	return s + ")"
}

func describePlan(p PlanInfo) string {
	return fmt.Sprintf("%s %s %s (%s)", p.Project, p.Version, p.DeploymentType, p.Target)
}

// fieldLine is "~ path: old -> new", "+ path: new" or "- path: old". A
// skipped file's reason is shown summarized.
func fieldLine(c Change) string {
	if c.ResourceType == ResourceSkipped && c.Path == "reason" && c.Note != "" {
		return "~ " + c.Note
	}
	switch c.Kind {
	case Added:
		return "+ " + c.Path + ": " + string(c.New)
	case Removed:
		return "- " + c.Path + ": " + string(c.Old)
	}
	return "~ " + c.Path + ": " + string(c.Old) + " -> " + string(c.New)
}

// provenanceLines sums up the provenance-only changes, one line per
// resource: "flow X: sha256 0d1e2f3a… -> 9a8b7c6d…, flow_spec_line 17 -> 19".
func provenanceLines(r *Result) []string {
	var out []string
	var cur string
	var parts []string
	flush := func() {
		if cur != "" {
			out = append(out, cur+": "+strings.Join(parts, ", "))
		}
	}
	for _, c := range r.ProvenanceChanges() {
		label := strings.ReplaceAll(string(c.ResourceType), "_", " ") + " " + c.ID
		if label != cur {
			flush()
			cur, parts = label, nil
		}
		parts = append(parts, c.Path+" "+shortValue(c.Old)+" -> "+shortValue(c.New))
	}
	flush()
	return out
}

// shortValue shows a JSON value, a long hash cut to its first 12 digits.
func shortValue(raw []byte) string {
	if len(raw) == 0 {
		return "(none)"
	}
	s := string(raw)
	if len(s) > 20 && strings.Trim(s, `"0123456789abcdef`) == "" {
		return s[:13] + `…"`
	}
	return s
}

// provenanceTitle introduces the provenance-only changes.
const provenanceTitle = "Provenance only (where the plan came from; nothing to deploy)"
