package pysyntax

import (
	"bytes"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/flowplan/flowplan/extractor/diag"
)

// Source reading follows CPython 3.11's tokenizer, which runs before any
// parsing: the bytes are decoded (PEP 263: a UTF-8 byte order mark, or an
// encoding declaration on line 1 or 2, else UTF-8), line endings become
// "\n" (so "\r\n" and a lone "\r" both end a line), and bracket nesting and
// indentation depth are limited. Whatever CPython refuses here is a syntax
// error of the whole file.

// Limits of CPython 3.11's tokenizer (Parser/tokenizer.h).
const (
	maxBracketLevel = 200 // MAXLEVEL: "too many nested parentheses"
	maxIndentLevels = 100 // MAXINDENT: "too many levels of indentation"
)

// codingRE is PEP 263's declaration: a comment line whose text contains
// "coding:" or "coding=" followed by the encoding name.
var codingRE = regexp.MustCompile(`^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)`)

const utf8BOM = "\xef\xbb\xbf"

// PrepareSource turns a file's bytes into the text CPython tokenizes: decoded
// to UTF-8, without a byte order mark, with "\n" line endings. It returns
// the syntax errors CPython's tokenizer would raise before parsing.
//
// lineEnds are the offsets (in the returned text) of the newlines that end
// a logical line: outside brackets, strings and backslash continuations.
// tree-sitter-python sometimes reads on past one (`x = a %` then `0` on
// the next line is one statement to it), which CPython never does.
func PrepareSource(path string, raw []byte) (text string, lineEnds []int32, diags diag.List) {
	bom := bytes.HasPrefix(raw, []byte(utf8BOM))
	if bom {
		raw = raw[len(utf8BOM):]
	}
	text, err := decode(path, raw, bom)
	if err != nil {
		return "", nil, diag.List{err}
	}
	if strings.IndexByte(text, '\r') >= 0 {
		text = strings.ReplaceAll(text, "\r\n", "\n")
		text = strings.ReplaceAll(text, "\r", "\n")
	}
	if d := indentedStart(path, text); d != nil {
		return "", nil, diag.List{d}
	}
	sc := &nestScanner{path: path, text: text, line: 1, bad: -1}
	if d := sc.run(); d != nil {
		return "", nil, diag.List{d}
	}
	return text, sc.lineEnds, nil
}

// declaredEncoding finds a PEP 263 declaration: on line 1, or on line 2
// when line 1 holds only a comment or nothing. line is 0 without one.
func declaredEncoding(raw []byte) (name string, line int) {
	first, rest, _ := bytes.Cut(raw, []byte("\n"))
	if m := codingRE.FindSubmatch(first); m != nil {
		return string(m[1]), 1
	}
	trimmed := bytes.TrimLeft(first, " \t\f\r")
	if len(trimmed) > 0 && trimmed[0] != '#' {
		return "", 0
	}
	second, _, _ := bytes.Cut(rest, []byte("\n"))
	if m := codingRE.FindSubmatch(second); m != nil {
		return string(m[1]), 2
	}
	return "", 0
}

// normalEncoding maps an encoding name to the codec CPython uses for it, as
// its tokenizer and codecs.lookup normalize names ("UTF8", "utf_8" and
// "utf-8-sig" are one codec), or "" for a codec the extractor does not read.
func normalEncoding(name string) string {
	n := strings.ToLower(strings.ReplaceAll(strings.ReplaceAll(name, "_", "-"), " ", "-"))
	switch {
	case n == "utf-8" || strings.HasPrefix(n, "utf-8-") || n == "utf8" || n == "u8" || n == "utf" || n == "cp65001":
		return "utf-8"
	case n == "latin-1" || n == "iso-8859-1" || n == "iso-latin-1" || strings.HasPrefix(n, "latin-1-") ||
		strings.HasPrefix(n, "iso-8859-1-") || strings.HasPrefix(n, "iso-latin-1-") ||
		n == "latin1" || n == "iso8859-1" || n == "8859" || n == "cp819" || n == "l1" || n == "latin" || n == "iso-ir-100":
		return "iso-8859-1"
	case n == "ascii" || n == "us-ascii" || n == "646" || n == "us" || n == "ansi-x3.4-1968" || n == "iso646-us":
		return "ascii"
	case n == "cp1252" || n == "windows-1252":
		return "cp1252"
	case n == "iso-8859-15" || n == "iso8859-15" || n == "latin9" || n == "latin-9" || n == "l9":
		return "iso8859-15"
	}
	return ""
}

// tokenizerName is the name CPython's tokenizer gives a declared encoding
// before any codec lookup (get_normal_name): the spellings of UTF-8 and
// Latin-1 it knows, else the name as written. A file with a byte order mark
// must declare one of UTF-8's.
func tokenizerName(name string) string {
	n := strings.ReplaceAll(strings.ToLower(name), "_", "-")
	switch {
	case n == "utf-8" || strings.HasPrefix(n, "utf-8-"):
		return "utf-8"
	case n == "latin-1" || n == "iso-8859-1" || n == "iso-latin-1" ||
		strings.HasPrefix(n, "latin-1-") || strings.HasPrefix(n, "iso-8859-1-") || strings.HasPrefix(n, "iso-latin-1-"):
		return "iso-8859-1"
	}
	return name
}

// decode reads raw as CPython would: with the declared encoding, else as
// UTF-8.
func decode(path string, raw []byte, bom bool) (string, *diag.Diagnostic) {
	name, line := declaredEncoding(raw)
	at := diag.Pos{File: path, Line: line, Col: 1}
	codec := "utf-8"
	if line > 0 {
		codec = normalEncoding(name)
		if codec == "" {
			return "", diag.Errorf(at, "", "syntax error: the file declares encoding %q, which the extractor does not read (it reads utf-8, ascii, latin-1, cp1252 and iso-8859-15); save the file as UTF-8", name)
		}
		if bom && tokenizerName(name) != "utf-8" {
			return "", diag.Errorf(at, "", "syntax error: encoding problem: %s with BOM (the file starts with a UTF-8 byte order mark but declares %q)", tokenizerName(name), name)
		}
	}
	switch codec {
	case "utf-8":
		if utf8.Valid(raw) {
			return string(raw), nil
		}
		if line > 0 {
			off := invalidUTF8(raw)
			return "", diag.Errorf(bytePos(path, raw, off), "", "syntax error: 'utf-8' codec can't decode byte 0x%02x: invalid UTF-8 in a file that declares %q", raw[off], name)
		}
		// Without a declaration, importing a module (as the original did)
		// decodes only its tokens: bytes that are not UTF-8 pass in a
		// comment and fail anywhere else.
		sc := &nestScanner{text: string(raw), line: 1, checkUTF8: true, bad: -1}
		sc.run()
		if sc.bad < 0 {
			return string(raw), nil
		}
		off := sc.bad
		p := bytePos(path, raw, off)
		return "", diag.Errorf(p, "", "syntax error: Non-UTF-8 code starting with '\\x%02x' on line %d, but no encoding declared; see https://peps.python.org/pep-0263/ for details", raw[off], p.Line)
	case "ascii":
		for i, b := range raw {
			if b >= 0x80 {
				return "", diag.Errorf(bytePos(path, raw, i), "", "syntax error: 'ascii' codec can't decode byte 0x%02x: ordinal not in range(128) (the file declares %q)", b, name)
			}
		}
		return string(raw), nil
	case "cp1252":
		// Python's cp1252 leaves five bytes undefined, where the WHATWG
		// table behind charmap.Windows1252 maps them to C1 controls.
		for i, b := range raw {
			switch b {
			case 0x81, 0x8d, 0x8f, 0x90, 0x9d:
				return "", diag.Errorf(bytePos(path, raw, i), "", "syntax error: 'charmap' codec can't decode byte 0x%02x: character maps to <undefined> (the file declares %q)", b, name)
			}
		}
		return charmapDecode(charmap.Windows1252, raw), nil
	case "iso8859-15":
		return charmapDecode(charmap.ISO8859_15, raw), nil
	default: // iso-8859-1
		return charmapDecode(charmap.ISO8859_1, raw), nil
	}
}

func charmapDecode(cm *charmap.Charmap, raw []byte) string {
	var b strings.Builder
	b.Grow(len(raw) + len(raw)/8)
	for _, c := range raw {
		if c < utf8.RuneSelf {
			b.WriteByte(c)
			continue
		}
		r := cm.DecodeByte(c)
		if r == utf8.RuneError && c >= 0x80 && c <= 0x9f {
			// ISO 8859 leaves 0x80-0x9f to the C1 controls, which
			// Python's codecs decode as U+0080-U+009F.
			r = rune(c)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// invalidUTF8 is the offset of the first byte of raw that is not UTF-8.
func invalidUTF8(raw []byte) int {
	for i := 0; i < len(raw); {
		r, n := utf8.DecodeRune(raw[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(raw)
}

// bytePos is the line and column of offset off of raw, counting the
// characters before it on its line (a stray byte counts as one).
func bytePos(path string, raw []byte, off int) diag.Pos {
	start := bytes.LastIndexByte(raw[:off], '\n') + 1
	line := bytes.Count(raw[:start], []byte("\n")) + 1
	col := 1
	for i := start; i < off; {
		_, n := utf8.DecodeRune(raw[i:off])
		i += n
		col++
	}
	return diag.Pos{File: path, Line: line, Col: col}
}

// nestScanner reads text as CPython's tokenizer does, as far as the limits
// on bracket nesting and indentation and the ends of logical lines go:
// brackets and indentation count outside strings and comments, and the
// replacement fields of an f-string are their own expressions, whose
// brackets CPython 3.11 counts apart from the line's.
type nestScanner struct {
	path       string
	text       string
	i          int
	line       int
	lineStart  int
	level      int   // open brackets on the logical line
	indents    []int // the tokenizer's indentation stack, without level 0
	altIndents []int // the same, counting a tab as one column
	lastSig    byte  // the last character of the previous logical line that is not blank or a comment
	err        *diag.Diagnostic
	// checkUTF8 makes the scan look for bytes that are not UTF-8 outside
	// comments, and stop at the first (its offset in bad).
	checkUTF8 bool
	bad       int
	lineEnds  []int32 // newlines that end a logical line
}

// badByte records an invalid UTF-8 sequence at i, when the scan looks for
// one; it reports whether the scan must stop.
func (s *nestScanner) badByte(i int) bool {
	if !s.checkUTF8 || s.text[i] < utf8.RuneSelf {
		return false
	}
	if r, n := utf8.DecodeRuneInString(s.text[i:]); r != utf8.RuneError || n > 1 {
		return false
	}
	s.bad = i
	return true
}

func (s *nestScanner) pos(off int) diag.Pos {
	return diag.Pos{File: s.path, Line: s.line, Col: utf8.RuneCountInString(s.text[s.lineStart:off]) + 1}
}

func (s *nestScanner) newline(at int) {
	s.line++
	s.lineStart = at + 1
}

// plainByte marks the bytes the scan passes over: printable ASCII that
// opens no bracket, string, comment or continuation.
var plainByte = func() (t [256]bool) {
	for c := ' '; c < 0x7f; c++ {
		t[c] = true
	}
	for _, c := range "#\\()[]{}'\"" {
		t[c] = false
	}
	return t
}()

// skipByte marks the plain bytes that start no identifier, and identByte
// the bytes of an identifier (or of a number after its first digit): one
// table lookup a byte in the scan's two tightest loops.
var skipByte, identByte = func() (skip, ident [256]bool) {
	for c := 0; c < 256; c++ {
		skip[c] = plainByte[c] && !isIdentStart(byte(c))
		ident[c] = isIdentByte(byte(c))
	}
	return skip, ident
}()

func (s *nestScanner) run() *diag.Diagnostic {
	atLineStart := true
	comment := -1 // where a comment on the current line starts
	for s.i < len(s.text) && s.err == nil && s.bad < 0 {
		if atLineStart && s.level == 0 {
			s.indentation()
			atLineStart = false
			continue
		}
		c := s.text[s.i]
		if skipByte[c] {
			for s.i++; s.i < len(s.text) && skipByte[s.text[s.i]]; s.i++ {
			}
			continue
		}
		switch {
		case c == '#':
			comment = s.i
			if j := strings.IndexByte(s.text[s.i:], '\n'); j >= 0 {
				s.i += j
			} else {
				s.i = len(s.text)
			}
		case c == '\n':
			if s.level == 0 {
				s.lineEnds = append(s.lineEnds, int32(s.i))
				end := s.i
				if comment >= s.lineStart {
					end = comment
				}
				if c := lastSignificant(s.text, s.lineStart, end); c != 0 {
					s.lastSig = c // a blank or comment-only line leaves it
				}
			}
			comment = -1
			s.newline(s.i)
			s.i++
			atLineStart = s.level == 0 // inside brackets a line goes on
		case c == '\\' && s.i+1 < len(s.text) && s.text[s.i+1] == '\n':
			s.newline(s.i + 1)
			s.i += 2
		case c == '\\' && !s.checkUTF8:
			if s.i+1 >= len(s.text) {
				return diag.Errorf(s.pos(s.i), "", "syntax error: unexpected EOF while parsing (a line continuation character ends the file)")
			}
			return diag.Errorf(s.pos(s.i), "", "syntax error: unexpected character after line continuation character")
		case c == '(' || c == '[' || c == '{':
			s.level++
			if s.level > maxBracketLevel {
				return diag.Errorf(s.pos(s.i), "", "syntax error: too many nested parentheses (CPython allows %d levels)", maxBracketLevel)
			}
			s.i++
		case c == ')' || c == ']' || c == '}':
			if s.level > 0 {
				s.level--
			}
			s.i++
		case c == '\'' || c == '"':
			s.str(false)
		case isIdentStart(c):
			j := s.i
			for j < len(s.text) && identByte[s.text[j]] {
				if s.text[j] >= utf8.RuneSelf && s.badByte(j) {
					return nil
				}
				j++
			}
			word := s.text[s.i:j]
			if j < len(s.text) && (s.text[j] == '\'' || s.text[j] == '"') && isStringPrefix(word) {
				s.i = j
				s.str(strings.ContainsAny(word, "fF"))
				continue
			}
			s.i = j
		default:
			if s.badByte(s.i) {
				return nil
			}
			if (c < ' ' && c != '\t' && c != '\f') || c == 0x7f {
				if s.checkUTF8 {
					s.i++
					continue
				}
				if c == 0 {
					return diag.Errorf(s.pos(s.i), "", "syntax error: source code cannot contain null bytes")
				}
				return diag.Errorf(s.pos(s.i), "", "syntax error: invalid non-printable character U+%04X", c)
			}
			s.i++
		}
	}
	return s.err
}

// indentation reads the indentation of a line and applies MAXINDENT; blank
// and comment-only lines do not count.
func (s *nestScanner) indentation() {
	col, alt := 0, 0 // alt counts a tab as one column, to find ambiguous tabs
	j := s.i
loop:
	for ; j < len(s.text); j++ {
		switch s.text[j] {
		case ' ':
			col++
			alt++
		case '\t':
			col = (col/8 + 1) * 8
			alt++
		case '\f':
			col, alt = 0, 0
		default:
			break loop
		}
	}
	s.i = j
	if j >= len(s.text) || s.text[j] == '\n' || s.text[j] == '#' || s.text[j] == '\\' || s.checkUTF8 {
		return
	}
	at := diag.Pos{File: s.path, Line: s.line, Col: 1}
	opened := s.lastSig == ':'
	top, altTop := s.top()
	switch {
	case col > top:
		if !opened {
			s.err = diag.Errorf(at, "", "syntax error: unexpected indent (IndentationError)")
			return
		}
		if alt <= altTop {
			s.err = diag.Errorf(at, "", "syntax error: inconsistent use of tabs and spaces in indentation (TabError)")
			return
		}
		if len(s.indents)+1 >= maxIndentLevels {
			s.err = diag.Errorf(at, "", "syntax error: too many levels of indentation (CPython allows %d)", maxIndentLevels-1)
			return
		}
		s.indents = append(s.indents, col)
		s.altIndents = append(s.altIndents, alt)
		return
	case col < top:
		for len(s.indents) > 0 && s.indents[len(s.indents)-1] > col {
			s.indents = s.indents[:len(s.indents)-1]
			s.altIndents = s.altIndents[:len(s.altIndents)-1]
		}
		if top, _ = s.top(); top != col {
			s.err = diag.Errorf(at, "", "syntax error: unindent does not match any outer indentation level (IndentationError)")
			return
		}
	}
	if _, altTop = s.top(); alt != altTop {
		s.err = diag.Errorf(at, "", "syntax error: inconsistent use of tabs and spaces in indentation (TabError)")
		return
	}
	if opened {
		s.err = diag.Errorf(at, "", "syntax error: expected an indented block (IndentationError)")
	}
}

// top is the innermost indentation, in columns and in alternate columns.
func (s *nestScanner) top() (int, int) {
	if n := len(s.indents); n > 0 {
		return s.indents[n-1], s.altIndents[n-1]
	}
	return 0, 0
}

// str skips a string literal whose quote is at s.i; prefix is its
// lower-cased prefix. The replacement fields of an f-string are scanned
// for bracket nesting with a count of their own.
// stopBytes are the bytes that end or change a string literal, by quote
// (0 for ", 1 for ') and whether it is an f-string: a backslash, a
// newline, the quote, and in an f-string the brackets.
var stopBytes = func() (t [2][2][256]bool) {
	for qi, q := range []byte{'"', '\''} {
		for fi := range 2 {
			for _, c := range []byte{'\\', '\n', q} {
				t[qi][fi][c] = true
			}
			if fi == 1 {
				for _, c := range []byte("{}()[]") {
					t[qi][fi][c] = true
				}
			}
		}
	}
	return t
}()

func (s *nestScanner) str(fstr bool) {
	q := s.text[s.i]
	quote3 := `"""`
	qi, fi := 0, 0
	if q == '\'' {
		quote3, qi = "'''", 1
	}
	if fstr {
		fi = 1
	}
	stop := &stopBytes[qi][fi]
	triple := strings.HasPrefix(s.text[s.i:], quote3)
	n := 1
	if triple {
		n = 3
	}
	s.i += n
	depth := 0 // open brackets inside the current replacement field
	inField := false
	for s.i < len(s.text) {
		if !s.checkUTF8 {
			// Skip to the next character that matters.
			for s.i < len(s.text) && !stop[s.text[s.i]] {
				s.i++
			}
			if s.i == len(s.text) {
				return
			}
		}
		c := s.text[s.i]
		if s.badByte(s.i) {
			return
		}
		switch {
		case c == '\\' && s.i+1 < len(s.text):
			if s.text[s.i+1] == '\n' {
				s.newline(s.i + 1)
			}
			s.i += 2 // even in a raw string, a backslash keeps the quote after it
			continue
		case c == '\n':
			if !triple {
				return // an unterminated string: the parser reports it
			}
			s.newline(s.i)
		case c == q && (!triple || strings.HasPrefix(s.text[s.i:], quote3)):
			s.i += n
			return
		case fstr && c == '{':
			if !inField && s.i+1 < len(s.text) && s.text[s.i+1] == '{' {
				s.i += 2
				continue
			}
			if inField {
				depth++
			}
			inField = true
		case fstr && inField && (c == '(' || c == '['):
			depth++
		case fstr && inField && (c == ')' || c == ']' || c == '}'):
			if c == '}' && depth == 0 {
				inField = false
				break
			}
			if depth > 0 {
				depth--
			}
		}
		if depth > maxBracketLevel {
			s.err = diag.Errorf(s.pos(s.i), "", "syntax error: f-string: too many nested parenthesis (CPython allows %d levels)", maxBracketLevel)
			return
		}
		s.i++
	}
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isIdentByte(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

func isStringPrefix(w string) bool {
	if len(w) > 2 {
		return false
	}
	switch strings.ToLower(w) {
	case "r", "u", "b", "f", "br", "rb", "fr", "rf":
		return true
	}
	return false
}

// indentedStart refuses a file whose first statement is indented, as
// CPython's tokenizer does ("unexpected indent"); tree-sitter accepts it.
func indentedStart(path string, text string) *diag.Diagnostic {
	n := -1
	for line := range strings.Lines(text) {
		n++
		body := strings.TrimLeft(line, " \t\f")
		if body == "" || body == "\n" || body[0] == '#' {
			continue
		}
		if len(body) < len(line) {
			return diag.Errorf(diag.Pos{File: path, Line: n + 1, Col: 1}, "", "syntax error: unexpected indent (IndentationError): the first statement of a file must start at column 1")
		}
		return nil
	}
	return nil
}

// lastSignificant is the last character of text[from:to] that is not a
// space, a tab or a form feed (0 when there is none): a logical line ending
// in ':' opens a block. Continuation lines end before from, so a line
// continued with a backslash is read back to its own start only, which is
// what the block check needs.
func lastSignificant(text string, from, to int) byte {
	for i := to - 1; i >= from && i >= 0; i-- {
		switch text[i] {
		case ' ', '\t', '\f':
			continue
		}
		return text[i]
	}
	return 0
}
