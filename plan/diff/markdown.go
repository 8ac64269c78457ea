package diff

import (
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/flowplan/flowplan/plan/render"
)

// MarkdownView writes the Result for a pull-request comment: a heading,
// the counts, any notes, then one collapsible <details> section per flow
// (and for the plan's settings, images and skipped files) holding a
// ```diff block of +/-/~ lines.
type MarkdownView struct{}

// Show writes r as Markdown.
func (MarkdownView) Show(w io.Writer, r *Result) error {
	out := &render.Printer{W: w}
	out.Printf("### flowplan diff: %s %s → %s\n\n", render.MDCode(r.New.Project),
		render.MDText(r.Old.DeploymentType+" ("+r.Old.Target+")"), render.MDText(r.New.DeploymentType+" ("+r.New.Target+")"))
	out.Printf("Old digest %s, new digest %s.\n\n", render.MDCode(orNone(r.Old.Digest)), render.MDCode(orNone(r.New.Digest)))
	for _, n := range r.Notes {
		out.Printf("> **Note:** %s\n\n", render.MDText(n))
	}
	if r.Identical() {
		out.Printf("**No changes**: the plans have the same content.\n")
		return out.Err
	}
	if r.Empty() {
		out.Printf("**No changes to deploy**: the plans differ only in provenance.\n")
	} else {
		out.Printf("**Plan: %s.**\n", render.MDText(headline(r)))
	}
	for _, s := range sections(r) {
		var lines []string
		var c Counts
		for _, rc := range s.resources {
			switch {
			case rc.kind == Added:
				c.Added++
			case rc.kind == Removed:
				c.Removed++
			default:
				c.Changed++
			}
			// GitHub colours a diff block's lines by their first
			// character: + green, - red, ! (a changed resource) as a
			// change; it has no ~, so a changed field is its old value
			// removed and its new value added.
			mark := rc.kind.Symbol()
			if rc.kind == Changed {
				mark = "!"
			}
			lines = append(lines, mark+" "+resourceLabel(rc, s.flow))
			if rc.whole != nil && rc.whole.Note != "" {
				lines = append(lines, "      "+rc.whole.Note)
			}
			for _, f := range rc.fields {
				lines = append(lines, markdownFieldLines(f)...)
				if f.Note != "" && !(f.ResourceType == ResourceSkipped && f.Path == "reason") {
					lines = append(lines, "          "+f.Note)
				}
			}
			if rc.renamed > 0 {
				lines = append(lines, fmt.Sprintf("      (%s only by %s -> %s)", valuesDiffer(rc.renamed), r.Old.DeploymentType, r.New.DeploymentType))
			}
		}
		title := html.EscapeString(s.title)
		if s.flow != "" {
			title = "Flow <code>" + html.EscapeString(s.flow) + "</code>"
		}
		body := strings.Join(lines, "\n")
		fence := strings.Repeat("`", max(3, longestRun(body, '`')+1))
		out.Printf("\n<details><summary><b>%s</b>: %s</summary>\n\n%sdiff\n%s\n%s\n\n</details>\n",
			title, html.EscapeString(countsText(c)), fence, body, fence)
	}
	if lines := provenanceLines(r); len(lines) > 0 {
		out.Printf("\n<details><summary><b>%s</b>: %s</summary>\n\n", html.EscapeString(provenanceTitle), html.EscapeString(render.Count(len(lines), "resource")))
		for _, l := range lines {
			out.Printf("- %s\n", render.MDText(l))
		}
		out.Printf("\n</details>\n")
	}
	return out.Err
}

// markdownFieldLines are a field change's lines for a diff block: "+",
// "-", or for a changed value both, the mark in the first column.
func markdownFieldLines(c Change) []string {
	if c.ResourceType == ResourceSkipped && c.Path == "reason" {
		return []string{
			"-    reason: " + summarizeReason(stringOf(decode(c.Old))),
			"+    reason: " + summarizeReason(stringOf(decode(c.New))),
		}
	}
	switch c.Kind {
	case Added:
		return []string{"+    " + c.Path + ": " + string(c.New)}
	case Removed:
		return []string{"-    " + c.Path + ": " + string(c.Old)}
	}
	return []string{"-    " + c.Path + ": " + string(c.Old), "+    " + c.Path + ": " + string(c.New)}
}

func countsText(c Counts) string {
	var parts []string
	if c.Added > 0 {
		parts = append(parts, fmt.Sprintf("%d to add", c.Added))
	}
	if c.Removed > 0 {
		parts = append(parts, fmt.Sprintf("%d to remove", c.Removed))
	}
	if c.Changed > 0 {
		parts = append(parts, fmt.Sprintf("%d to change", c.Changed))
	}
	return strings.Join(parts, ", ")
}

func longestRun(s string, r rune) int {
	longest, run := 0, 0
	for _, c := range s {
		if c == r {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}

// valuesDiffer is "1 value differs" or "N values differ".
func valuesDiffer(n int) string {
	if n == 1 {
		return "1 value differs"
	}
	return fmt.Sprintf("%d values differ", n)
}
