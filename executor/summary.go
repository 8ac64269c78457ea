package executor

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Kind is the kind of a resource the executor manages.
type Kind string

// The resource kinds, in the order an apply handles them.
const (
	KindImage          Kind = "image"
	KindTaskDefinition Kind = "task_definition"
	KindBlock          Kind = "block"
	KindFlow           Kind = "flow"
	KindDeployment     Kind = "deployment"
)

// Action is what an apply did (or, in a dry run, would do) to a resource.
type Action string

// The actions. Images are Built (with BuildOnly) or Pushed; every other
// resource is Created, Updated or Unchanged. Failed covers a resource whose
// reconciliation failed or could not start because one it needs failed.
const (
	Created   Action = "created"
	Updated   Action = "updated"
	Unchanged Action = "unchanged"
	Failed    Action = "failed"
	Built     Action = "built"
	Pushed    Action = "pushed"
)

// Result is the outcome for one resource.
type Result struct {
	Kind Kind   `json:"kind"`
	Name string `json:"name"`
	// Flow is the flow the resource belongs to ("" for images and the
	// task definitions of worker-era docker envs).
	Flow   string `json:"flow,omitempty"`
	Action Action `json:"action"`
	// Changes names the fields that differed from the live resource.
	Changes []string `json:"changes,omitempty"`
	// Detail adds what a reader needs, e.g. the task definition ARN.
	Detail string `json:"detail,omitempty"`
	Error  string `json:"error,omitempty"`

	order resultOrder
}

// resultOrder sorts results as the plan lists them: images, then docker
// env task definitions, then per flow its resources in apply order.
type resultOrder struct{ phase, index, step, sub int }

func (o resultOrder) compare(p resultOrder) int {
	return cmp.Or(cmp.Compare(o.phase, p.phase), cmp.Compare(o.index, p.index),
		cmp.Compare(o.step, p.step), cmp.Compare(o.sub, p.sub))
}

// Summary is the outcome of an Apply: every resource of the plan that the
// apply handled, in plan order.
type Summary struct {
	Digest    string        `json:"digest"`
	DryRun    bool          `json:"dry_run"`
	Resources []Result      `json:"resources"`
	Elapsed   time.Duration `json:"-"`
}

// Failed reports whether any resource failed.
func (s *Summary) Failed() bool {
	return slices.ContainsFunc(s.Resources, func(r Result) bool { return r.Action == Failed })
}

// Changed reports whether any resource was (or in a dry run would be)
// created or updated. Images are not counted: pushing an unchanged image
// uploads nothing.
func (s *Summary) Changed() bool {
	return slices.ContainsFunc(s.Resources, func(r Result) bool { return r.Action == Created || r.Action == Updated })
}

// Count returns how many resources had action a.
func (s *Summary) Count(a Action) int {
	n := 0
	for _, r := range s.Resources {
		if r.Action == a {
			n++
		}
	}
	return n
}

// Find returns the result for a resource, if the summary has it.
func (s *Summary) Find(kind Kind, name string) (Result, bool) {
	for _, r := range s.Resources {
		if r.Kind == kind && r.Name == name {
			return r, true
		}
	}
	return Result{}, false
}

func (s *Summary) sort() {
	slices.SortStableFunc(s.Resources, func(a, b Result) int { return a.order.compare(b.order) })
}

// verb renders an action for people, in the dry run's conditional.
func verb(a Action, dryRun bool) string {
	if !dryRun {
		return string(a)
	}
	switch a {
	case Created:
		return "would create"
	case Updated:
		return "would update"
	case Pushed:
		return "would build and push"
	case Built:
		return "would build"
	}
	return string(a)
}

// CountsLine says how many resources had each action, e.g. "1 created,
// 2 updated, 5 unchanged, 0 failed", or "no changes, 8 unchanged".
func (s *Summary) CountsLine() string {
	var parts []string
	if !s.Changed() && !s.Failed() {
		parts = append(parts, "no changes")
	} else {
		parts = append(parts,
			fmt.Sprintf("%d %s", s.Count(Created), verb(Created, s.DryRun)),
			fmt.Sprintf("%d %s", s.Count(Updated), verb(Updated, s.DryRun)))
	}
	parts = append(parts, fmt.Sprintf("%d unchanged", s.Count(Unchanged)))
	if n := s.Count(Pushed); n > 0 {
		parts = append(parts, fmt.Sprintf("%d images %s", n, verb(Pushed, s.DryRun)))
	}
	if n := s.Count(Built); n > 0 {
		parts = append(parts, fmt.Sprintf("%d images %s", n, verb(Built, s.DryRun)))
	}
	parts = append(parts, fmt.Sprintf("%d failed", s.Count(Failed)))
	return strings.Join(parts, ", ")
}

// WriteText writes the summary as an aligned table, one resource a line,
// followed by the counts.
func (s *Summary) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, r := range s.Resources {
		what := verb(r.Action, s.DryRun)
		if len(r.Changes) > 0 {
			what += " (" + strings.Join(r.Changes, ", ") + ")"
		}
		if r.Error != "" {
			what += ": " + r.Error
		} else if r.Detail != "" {
			what += ": " + r.Detail
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Kind, r.Name, what)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("writing summary: %w", err)
	}
	prefix := "Apply"
	if s.DryRun {
		prefix = "Dry run"
	}
	_, err := fmt.Fprintf(w, "%s of plan %s: %s.\n", prefix, s.Digest, s.CountsLine())
	if err != nil {
		return fmt.Errorf("writing summary: %w", err)
	}
	return nil
}
