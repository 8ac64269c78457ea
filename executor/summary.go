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
	// Diff is, in a dry run, each changed field's live and planned value.
	Diff []FieldChange `json:"diff,omitempty"`
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
	// Interrupted says why the apply was stopped before it finished (e.g.
	// "interrupted by SIGINT"); "" when it ran to the end.
	Interrupted string `json:"interrupted,omitempty"`
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
	parts = append(parts, fmt.Sprintf("%d failed", s.Count(Failed)-s.notApplied()))
	return strings.Join(parts, ", ")
}

// WriteText writes the summary as an aligned table, one resource a line,
// followed by the counts. An interrupted apply is summed up in one line per
// image and per flow instead: what was done, what was not.
func (s *Summary) WriteText(w io.Writer) error {
	if s.Interrupted != "" {
		return s.writeInterrupted(w)
	}
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
	if err := s.writeDiffs(w); err != nil {
		return err
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

// notApplied counts the resources an interruption stopped (they are
// reported apart from the ones that failed).
func (s *Summary) notApplied() int {
	if s.Interrupted == "" {
		return 0
	}
	n := 0
	for _, r := range s.Resources {
		if stoppedByInterruption(r) || isCascade(r) {
			n++
		}
	}
	return n
}

// isCascade reports a resource not applied because one it needs was not:
// in an interrupted apply, it was stopped too.
func isCascade(r Result) bool {
	return r.Action == Failed && strings.HasPrefix(r.Error, "not applied: ")
}

// writeInterrupted writes one line per image, docker env task definition
// and flow, then the counts and what to do.
func (s *Summary) writeInterrupted(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	var flowOrder []string
	byFlow := map[string][]Result{}
	for _, r := range s.Resources {
		if r.Flow == "" {
			what := verb(r.Action, s.DryRun)
			if r.Error != "" {
				what += ": " + r.Error
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Kind, r.Name, what)
			continue
		}
		if _, seen := byFlow[r.Flow]; !seen {
			flowOrder = append(flowOrder, r.Flow)
		}
		byFlow[r.Flow] = append(byFlow[r.Flow], r)
	}
	for _, name := range flowOrder {
		fmt.Fprintf(tw, "flow\t%s\t%s\n", name, flowState(byFlow[name], s.DryRun))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("writing summary: %w", err)
	}
	notApplied := s.notApplied()
	prefix := "Apply"
	if s.DryRun {
		prefix = "Dry run"
	}
	_, err := fmt.Fprintf(w, "%s of plan %s %s: %s; %d not applied. Rerun it to finish: it converges.\n",
		prefix, s.Digest, s.Interrupted, s.CountsLine(), notApplied)
	if err != nil {
		return fmt.Errorf("writing summary: %w", err)
	}
	return nil
}

// flowState sums up a flow's results in a few words: "not started",
// "done: ...", "interrupted: ... done; N not applied", or "failed: ...".
func flowState(results []Result, dryRun bool) string {
	var done, stopped []Result
	var failures []string
	notStarted := true
	for _, r := range results {
		switch {
		case r.Action == Failed && r.Error == msgNotStarted:
			stopped = append(stopped, r)
		case stoppedByInterruption(r), isCascade(r):
			stopped = append(stopped, r)
			notStarted = false
		case r.Action == Failed:
			failures = append(failures, fmt.Sprintf("%s %s: %s", strings.ReplaceAll(string(r.Kind), "_", " "), r.Name, r.Error))
			notStarted = false
		default:
			done = append(done, r)
			notStarted = false
		}
	}
	switch {
	case notStarted:
		return "not started"
	case len(failures) > 0:
		return "failed: " + strings.Join(failures, "; ")
	case len(stopped) == 0:
		return "done: " + describe(done, dryRun)
	case len(done) == 0:
		return fmt.Sprintf("interrupted: %d not applied", len(stopped))
	}
	return fmt.Sprintf("interrupted: %s; %d not applied", describe(done, dryRun), len(stopped))
}

// writeDiffs writes, for a dry run, the value changes of every resource
// that would be updated: each field's live value, then the plan's.
func (s *Summary) writeDiffs(w io.Writer) error {
	if !s.DryRun {
		return nil
	}
	var b strings.Builder
	for _, r := range s.Resources {
		if len(r.Diff) == 0 || r.Error != "" {
			continue
		}
		fmt.Fprintf(&b, "  %s %s\n", r.Kind, r.Name)
		for _, c := range r.Diff {
			fmt.Fprintf(&b, "    %s: %s -> %s\n", c.Field, orAbsent(c.Live), orAbsent(c.Planned))
		}
	}
	if b.Len() == 0 {
		return nil
	}
	if _, err := fmt.Fprintf(w, "\nChanges (live -> planned):\n%s\n", b.String()); err != nil {
		return fmt.Errorf("writing summary: %w", err)
	}
	return nil
}

func orAbsent(v string) string {
	if v == "" {
		return "(absent)"
	}
	return v
}
