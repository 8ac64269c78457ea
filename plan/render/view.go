package render

import (
	"fmt"
	"io"

	"github.com/flowplan/flowplan/plan"
)

// Format names an output format of `deployer show` and `deployer diff`.
type Format string

// The output formats.
const (
	FormatText     Format = "text"
	FormatMarkdown Format = "markdown"
	FormatJSON     Format = "json"
)

// Formats lists the output formats, for flag help.
func Formats() []Format { return []Format{FormatText, FormatMarkdown, FormatJSON} }

// ParseFormat reads a --format value.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats() {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("output format %q: want text, markdown or json", s)
}

// Options tune the views.
type Options struct {
	// Color adds ANSI colour and bold to the text view (never by default).
	Color bool
}

// View writes a plan summary in one format.
type View interface {
	Show(w io.Writer, s *Summary) error
}

// NewView returns the view for a format.
func NewView(f Format, opts Options) (View, error) {
	switch f {
	case FormatText:
		return TextView(opts), nil
	case FormatMarkdown:
		return MarkdownView{}, nil
	case FormatJSON:
		return JSONView{}, nil
	}
	return nil, fmt.Errorf("output format %q: want text, markdown or json", f)
}

// Show summarizes the plan and writes it to w in the given format: what
// `deployer show PLAN --format F` prints.
func Show(w io.Writer, p *plan.Plan, f Format, opts Options) error {
	v, err := NewView(f, opts)
	if err != nil {
		return err
	}
	s, err := Summarize(p)
	if err != nil {
		return err
	}
	if err := v.Show(w, s); err != nil {
		return fmt.Errorf("writing the plan summary: %w", err)
	}
	return nil
}
