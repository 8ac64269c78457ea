// Package diag holds positioned diagnostics: every error the extractor reports
// names a file, a line and a column, the construct involved and why.
package diag

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Pos is a position in a source file. Line and Col are 1-based; Col counts
// characters (runes), as editors show them.
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"col"`
}

func (p Pos) String() string {
	switch {
	case p.File == "":
		return fmt.Sprintf("%d:%d", p.Line, p.Col)
	case p.Line == 0:
		return p.File
	default:
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
	}
}

// IsValid reports whether the position names a line.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Severity tells errors from warnings.
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Diagnostic is one positioned finding.
type Diagnostic struct {
	Pos       Pos      `json:"pos"`
	Severity  Severity `json:"severity"`
	Construct string   `json:"construct,omitempty"` // source text of the construct, shortened
	Msg       string   `json:"message"`
}

// Error makes Diagnostic an error: "file:line:col: msg (in `construct`)".
func (d *Diagnostic) Error() string {
	var b strings.Builder
	b.WriteString(d.Pos.String())
	b.WriteString(": ")
	if d.Severity == SeverityWarning {
		b.WriteString("warning: ")
	}
	b.WriteString(d.Msg)
	if d.Construct != "" {
		b.WriteString(" (in `")
		b.WriteString(d.Construct)
		b.WriteString("`)")
	}
	return b.String()
}

// Errorf builds an error diagnostic.
func Errorf(pos Pos, construct string, format string, args ...any) *Diagnostic {
	return &Diagnostic{Pos: pos, Severity: SeverityError, Construct: Shorten(construct), Msg: Printable(fmt.Sprintf(format, args...))}
}

// Warningf builds a warning diagnostic.
func Warningf(pos Pos, construct string, format string, args ...any) *Diagnostic {
	return &Diagnostic{Pos: pos, Severity: SeverityWarning, Construct: Shorten(construct), Msg: Printable(fmt.Sprintf(format, args...))}
}

// Shorten folds a construct's source text onto one line of at most 60
// characters, with control characters and stray bytes escaped (Printable).
func Shorten(src string) string {
	if plainLine(src) {
		return src // already one short line of printable ASCII
	}
	s := Printable(strings.Join(strings.Fields(src), " "))
	r := []rune(s)
	if len(r) > 60 {
		return string(r[:57]) + "..."
	}
	return s
}

// Printable escapes what a terminal or a log viewer would act on instead of
// show: control characters other than newline and tab (\x1b starts an
// escape sequence), Unicode's bidirectional controls (which can make
// source read differently from what it is) and bytes that are not UTF-8.
// Each becomes \xNN or \uNNNN, as Python's repr writes it.
func Printable(s string) string {
	clean := true
	for _, r := range s {
		if needsEscape(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, "\\x%02x", s[i])
		case needsEscape(r) && r < 0x100:
			fmt.Fprintf(&b, "\\x%02x", r)
		case needsEscape(r):
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func needsEscape(r rune) bool {
	if r == '\n' || r == '\t' {
		return false
	}
	return r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)
}

// List is a collection of diagnostics reported together.
type List []*Diagnostic

// Add appends d when it is not nil.
func (l *List) Add(d *Diagnostic) {
	if d != nil {
		*l = append(*l, d)
	}
}

// Errors returns only the error diagnostics.
func (l List) Errors() List { return l.filter(SeverityError) }

// Warnings returns only the warnings.
func (l List) Warnings() List { return l.filter(SeverityWarning) }

func (l List) filter(s Severity) List {
	var out List
	for _, d := range l {
		if d.Severity == s {
			out = append(out, d)
		}
	}
	return out
}

// HasErrors reports whether any diagnostic is an error.
func (l List) HasErrors() bool { return len(l.Errors()) > 0 }

// Sort orders diagnostics by file, line, column, then message.
func (l List) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.Pos.File != b.Pos.File {
			return a.Pos.File < b.Pos.File
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		if a.Pos.Col != b.Pos.Col {
			return a.Pos.Col < b.Pos.Col
		}
		return a.Msg < b.Msg
	})
}

// Err returns the list as an error when it holds errors, else nil.
func (l List) Err() error {
	if !l.HasErrors() {
		return nil
	}
	return l
}

func (l List) Error() string {
	msgs := make([]string, len(l))
	for i, d := range l {
		msgs[i] = d.Error()
	}
	return strings.Join(msgs, "\n")
}

// plainLine tells a text Shorten leaves as it is: at most 60 bytes of
// printable ASCII, with single spaces between words and none around them.
func plainLine(s string) bool {
	if len(s) > 60 || s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return len(s) == 0
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < ' ' || c > '~' || c == ' ' && s[i+1] == ' ' {
			return false
		}
	}
	return true
}
