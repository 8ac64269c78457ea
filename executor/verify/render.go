package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Formats WriteTo writes.
const (
	FormatText     = "text"
	FormatMarkdown = "markdown"
	FormatJSON     = "json"
)

// Write writes the report in format (one of the Format* constants).
func (r *Report) Write(w io.Writer, format string) error {
	switch format {
	case FormatText:
		return r.writeText(w)
	case FormatMarkdown:
		return r.writeMarkdown(w)
	case FormatJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	return fmt.Errorf("unknown format %q: must be text, markdown or json", format)
}

func (r *Report) headline() string {
	if r.OK() {
		return fmt.Sprintf("Verify of plan %s: no findings (checked %s).", r.Digest, strings.Join(r.Checked, ", "))
	}
	n := "1 finding"
	if len(r.Findings) != 1 {
		n = fmt.Sprintf("%d findings", len(r.Findings))
	}
	return fmt.Sprintf("Verify of plan %s: %s (checked %s).", r.Digest, n, strings.Join(r.Checked, ", "))
}

func (r *Report) writeText(w io.Writer) error {
	var b strings.Builder
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "[%s] %s: %s\n", f.Check, f.Resource, f.Problem)
		fmt.Fprintf(&b, "  needed by: %s\n", strings.Join(f.NeededBy, "; "))
		fmt.Fprintf(&b, "  fix: %s\n", f.Fix)
	}
	b.WriteString(r.headline() + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// writeMarkdown writes a comment a CI job can post next to the plan's
// diff: a headline, then one table row per finding.
func (r *Report) writeMarkdown(w io.Writer) error {
	var b strings.Builder
	if r.OK() {
		b.WriteString("### ✅ deployer verify: this plan will work\n\n")
	} else {
		b.WriteString("### ❌ deployer verify: this plan will fail\n\n")
	}
	fmt.Fprintf(&b, "%s Target `%s`, region `%s`.\n", escapeCell(r.headline()), r.Target, r.Region)
	if !r.OK() {
		b.WriteString("\n| Check | Resource | Needed by | Problem | Fix |\n|---|---|---|---|---|\n")
		for _, f := range r.Findings {
			needed := make([]string, len(f.NeededBy))
			for i, n := range f.NeededBy {
				needed[i] = "`" + escapeCell(n) + "`"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", f.Check, escapeCell(f.Resource), strings.Join(needed, "<br>"), escapeCell(f.Problem), escapeCell(f.Fix))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// escapeCell keeps text inside one markdown table cell.
func escapeCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
