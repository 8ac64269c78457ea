package pysyntax

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/runenames"
)

// strLit converts a string or an implicit concatenation of strings.
func (c *converter) strLit(t tnode, depth int) Expr {
	k := &c.p.k
	pieces := []tnode{t}
	if t.kind == k.concatStr {
		pieces = c.children(t, false)
	}
	var parts []FStringPart
	isF, isBytes, first := false, false, true
	for _, p := range pieces {
		ch := c.children(p, true)
		if len(ch) < 2 || ch[0].kind != k.stringStart || ch[len(ch)-1].kind != k.stringEnd {
			return c.bad(p, "syntax error: malformed string literal")
		}
		startTok := c.text(ch[0])
		prefix := strings.TrimRight(startTok, `"'`)
		lower := strings.ToLower(prefix)
		raw := strings.Contains(lower, "r")
		fstr := strings.Contains(lower, "f")
		byt := strings.Contains(lower, "b")
		if !validPrefix(lower) {
			return c.bad(p, "syntax error: invalid string prefix %q", prefix)
		}
		if !first && byt != isBytes {
			return c.bad(t, "syntax error: cannot mix bytes and nonbytes literals")
		}
		first = false
		isBytes = byt
		isF = isF || fstr
		bodyStart, bodyEnd := ch[0].end, ch[len(ch)-1].start
		if !fstr {
			s, err := decodeString(c.f.Src[bodyStart:bodyEnd], raw, byt, false)
			if err != "" {
				return c.bad(p, "syntax error: %s", err)
			}
			parts = appendLit(parts, s)
			continue
		}
		pos := bodyStart
		for _, x := range ch[1 : len(ch)-1] {
			if x.kind != k.interpolation {
				continue
			}
			s, err := decodeString(c.f.Src[pos:x.start], raw, false, true)
			if err != "" {
				return c.bad(p, "syntax error: %s", err)
			}
			parts = appendLit(parts, s)
			fld, ok := c.field(x, raw, depth)
			if !ok {
				return &OtherExpr{Span: t.sp(), Kind: "invalid"}
			}
			parts = append(parts, FStringPart{Field: fld})
			pos = x.end
		}
		s, err := decodeString(c.f.Src[pos:bodyEnd], raw, false, true)
		if err != "" {
			return c.bad(p, "syntax error: %s", err)
		}
		parts = appendLit(parts, s)
	}
	if !isF {
		v := ""
		if len(parts) == 1 {
			v = parts[0].Lit
		}
		return &StrLit{Span: t.sp(), Value: v, Bytes: isBytes}
	}
	if len(parts) == 0 {
		parts = []FStringPart{{Lit: ""}}
	}
	return &FString{Span: t.sp(), Parts: parts}
}

func appendLit(parts []FStringPart, s string) []FStringPart {
	if s == "" {
		return parts
	}
	if n := len(parts); n > 0 && parts[n-1].Field == nil {
		parts[n-1].Lit += s
		return parts
	}
	return append(parts, FStringPart{Lit: s})
}

func validPrefix(p string) bool {
	switch p {
	case "", "r", "u", "f", "b", "fr", "rf", "br", "rb":
		return true
	}
	return false
}

// field converts an interpolation or a nested format_expression.
func (c *converter) field(t tnode, raw bool, depth int) (*FField, bool) {
	k := &c.p.k
	f := &c.p.f
	fld := &FField{Span: t.sp()}
	ch := c.children(t, true)
	var open int32 = t.start + 1
	var debugEnd *string
	for _, x := range ch {
		if debugEnd != nil && x.kind != k.eqToken {
			*debugEnd = c.f.Src[open:x.start]
			debugEnd = nil
		}
		switch {
		case x.field == f.expression:
			if x.kind == k.exprList || x.kind == k.patternList {
				fld.X = &TupleExpr{Span: x.sp(), Elems: c.exprs(c.children(x, false), depth)}
			} else {
				fld.X = c.expr(x, depth)
			}
		case x.kind == k.eqToken:
			// The debug text runs to the next token: whitespace after
			// `=` is kept, as Python does.
			fld.Debug = c.f.Src[open:x.end]
			debugEnd = &fld.Debug
		case x.field == f.typeConversion:
			conv := strings.TrimPrefix(c.text(x), "!")
			if conv != "r" && conv != "s" && conv != "a" {
				c.errorf(x, "syntax error: f-string: invalid conversion character %q: expected 's', 'r', or 'a'", conv)
				return nil, false
			}
			fld.Conv = conv[0]
		case x.field == f.formatSpec:
			spec, ok := c.formatSpec(x, raw, depth)
			if !ok {
				return nil, false
			}
			fld.Spec = spec
		}
	}
	if fld.X == nil {
		c.errorf(t, "syntax error: f-string: empty expression not allowed")
		return nil, false
	}
	return fld, true
}

func (c *converter) formatSpec(t tnode, raw bool, depth int) (*FString, bool) {
	k := &c.p.k
	spec := &FString{Span: t.sp()}
	pos := t.start
	ch := c.children(t, true)
	if len(ch) > 0 && c.text(ch[0]) == ":" {
		pos = ch[0].end
	}
	for _, x := range ch {
		if x.kind != k.formatExpression {
			continue
		}
		s, err := decodeString(c.f.Src[pos:x.start], raw, false, true)
		if err != "" {
			c.errorf(t, "syntax error: %s", err)
			return nil, false
		}
		spec.Parts = appendLit(spec.Parts, s)
		fld, ok := c.field(x, raw, depth)
		if !ok {
			return nil, false
		}
		spec.Parts = append(spec.Parts, FStringPart{Field: fld})
		pos = x.end
	}
	s, err := decodeString(c.f.Src[pos:t.end], raw, false, true)
	if err != "" {
		c.errorf(t, "syntax error: %s", err)
		return nil, false
	}
	spec.Parts = appendLit(spec.Parts, s)
	return spec, true
}

// decodeString decodes the body of a string literal exactly as Python does.
// For bytes the result holds one byte per value. In f-string literal text
// `{{` and `}}` stand for single braces. The second result is a syntax
// error message, "" when decoding succeeded.
func decodeString(body string, raw, bytes, fstr bool) (string, string) {
	if bytes {
		for i := 0; i < len(body); i++ {
			if body[i] >= utf8.RuneSelf {
				return "", "bytes can only contain ASCII literal characters"
			}
		}
	}
	if !strings.ContainsAny(body, "\\{}\r") {
		return body, ""
	}
	var b strings.Builder
	b.Grow(len(body))
	for i := 0; i < len(body); i++ {
		ch := body[i]
		switch {
		case ch == '\r':
			// Python reads source with universal newlines.
			b.WriteByte('\n')
			if i+1 < len(body) && body[i+1] == '\n' {
				i++
			}
			continue
		case fstr && (ch == '{' || ch == '}'):
			if i+1 < len(body) && body[i+1] == ch {
				i++
			}
			b.WriteByte(ch)
			continue
		case ch != '\\':
			b.WriteByte(ch)
			continue
		}
		if i+1 >= len(body) {
			b.WriteByte('\\')
			continue
		}
		if raw {
			b.WriteByte('\\')
			next := body[i+1]
			if next == '\r' || (fstr && (next == '{' || next == '}')) {
				continue
			}
			b.WriteByte(next)
			i++
			continue
		}
		i++
		e := body[i]
		switch e {
		case '\n':
		case '\r':
			if i+1 < len(body) && body[i+1] == '\n' {
				i++
			}
		case '\\', '\'', '"':
			b.WriteByte(e)
		case 'a':
			b.WriteByte(7)
		case 'b':
			b.WriteByte(8)
		case 'f':
			b.WriteByte(12)
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte(11)
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := int(e - '0')
			j := i + 1
			for ; j < len(body) && j < i+3 && body[j] >= '0' && body[j] <= '7'; j++ {
				v = v*8 + int(body[j]-'0')
			}
			i = j - 1
			if bytes {
				b.WriteByte(byte(v & 0xFF))
			} else {
				b.WriteRune(rune(v))
			}
		case 'x':
			v, ok := hexDigits(body, i+1, 2)
			if !ok {
				return "", fmt.Sprintf("(%s error) truncated \\xXX escape", codec(bytes))
			}
			i += 2
			if bytes {
				b.WriteByte(byte(v))
			} else {
				b.WriteRune(rune(v))
			}
		case 'u', 'U', 'N':
			if bytes {
				b.WriteByte('\\')
				b.WriteByte(e)
				continue
			}
			if e == 'N' {
				end := strings.IndexByte(body[i:], '}')
				if i+1 >= len(body) || body[i+1] != '{' || end < 0 {
					return "", "(unicode error) malformed \\N character escape"
				}
				name := body[i+2 : i+end]
				r, ok := lookupRuneName(name)
				if !ok {
					return "", fmt.Sprintf("(unicode error) unknown Unicode character name %q (or a name alias the extractor's Unicode table lacks)", name)
				}
				b.WriteRune(r)
				i += end
				continue
			}
			n := 4
			if e == 'U' {
				n = 8
			}
			v, ok := hexDigits(body, i+1, n)
			if !ok {
				return "", fmt.Sprintf("(unicode error) truncated \\%cXXXX escape", e)
			}
			if v > 0x10FFFF {
				return "", "(unicode error) illegal Unicode character"
			}
			if v >= 0xD800 && v <= 0xDFFF {
				return "", fmt.Sprintf("lone surrogate \\%c%0*x cannot be represented by the extractor", e, n, v)
			}
			i += n
			b.WriteRune(rune(v))
		default:
			// Unknown escapes are kept as written (Python warns).
			b.WriteByte('\\')
			b.WriteByte(e)
		}
	}
	return b.String(), ""
}

func codec(bytes bool) string {
	if bytes {
		return "value"
	}
	return "unicode"
}

func hexDigits(s string, at, n int) (int, bool) {
	if at+n > len(s) {
		return 0, false
	}
	v := 0
	for _, ch := range []byte(s[at : at+n]) {
		var d int
		switch {
		case ch >= '0' && ch <= '9':
			d = int(ch - '0')
		case ch >= 'a' && ch <= 'f':
			d = int(ch-'a') + 10
		case ch >= 'A' && ch <= 'F':
			d = int(ch-'A') + 10
		default:
			return 0, false
		}
		v = v*16 + d
	}
	return v, true
}

// lookupRuneName finds a character by its Unicode name, ignoring case as
// Python's \N{...} does. Names are rare in flow files, so a scan is fine.
func lookupRuneName(name string) (rune, bool) {
	want := strings.ToUpper(strings.TrimSpace(name))
	if want == "" {
		return 0, false
	}
	for r := rune(0); r <= 0x10FFFF; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		if n := runenames.Name(r); n == want && !strings.HasPrefix(n, "<") {
			return r, true
		}
	}
	return 0, false
}
