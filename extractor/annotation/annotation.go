// Package annotation reads the source text of a flow function parameter's
// annotation as a type expression (spec.TypeExpr), for the planner's
// parameter schema. It accepts the subset of Python expressions
// annotations are made of: dotted names, subscripts, X | Y, and the
// literals of Literal[...] (strings, integers, True, False, None) and
// `...`; anything else is an error that says what it met.
package annotation

import (
	"fmt"
	"math/big"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/flowplan/flowplan/extractor/spec"
)

// Read gives a spec.Parameter's Type and TypeError for an annotation's
// source text: its type expression, or nil and why it cannot be read, or
// nil and "" when there is no annotation.
func Read(src string) (*spec.TypeExpr, string) {
	if src == "" {
		return nil, ""
	}
	t, err := Parse(src)
	if err != nil {
		return nil, err.Error()
	}
	return &t, ""
}

// Parse reads an annotation's source text as a type expression.
func Parse(src string) (spec.TypeExpr, error) {
	p := &annotParser{src: src}
	p.next()
	a, err := p.union()
	if err != nil {
		return spec.TypeExpr{}, err
	}
	if p.tok != "" {
		return spec.TypeExpr{}, fmt.Errorf("unexpected %q", p.tok)
	}
	return a, nil
}

type annotParser struct {
	src  string
	pos  int
	tok  string // current token ("" at end)
	kind byte   // 'n' name, 's' string, 'd' number, 'p' punctuation
	err  error
}

func (p *annotParser) next() {
	for p.pos < len(p.src) && strings.ContainsRune(" \t\r\n\\", rune(p.src[p.pos])) {
		p.pos++
	}
	if p.pos >= len(p.src) {
		p.tok, p.kind = "", 0
		return
	}
	start := p.pos
	r, _ := utf8.DecodeRuneInString(p.src[p.pos:])
	switch {
	case r == '_' || unicode.IsLetter(r):
		for p.pos < len(p.src) {
			r, size := utf8.DecodeRuneInString(p.src[p.pos:])
			if r != '_' && r != '.' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				break
			}
			p.pos += size
		}
		p.tok, p.kind = p.src[start:p.pos], 'n'
		if i := strings.IndexAny(p.tok, "'\""); i >= 0 {
			p.err = fmt.Errorf("string prefix in %q", p.tok)
		}
		if p.pos < len(p.src) && (p.src[p.pos] == '\'' || p.src[p.pos] == '"') {
			p.err = fmt.Errorf("prefixed string literal %s…", p.tok)
		}
	case r >= '0' && r <= '9':
		for p.pos < len(p.src) && (isAlnum(p.src[p.pos]) || p.src[p.pos] == '_' || p.src[p.pos] == '.') {
			p.pos++
		}
		p.tok, p.kind = p.src[start:p.pos], 'd'
	case r == '\'' || r == '"':
		q := p.src[p.pos]
		if strings.HasPrefix(p.src[p.pos:], strings.Repeat(string(q), 3)) {
			p.err = fmt.Errorf("triple-quoted string")
			p.tok, p.kind = "", 0
			return
		}
		p.pos++
		var b strings.Builder
		for {
			if p.pos >= len(p.src) || p.src[p.pos] == '\n' {
				p.err = fmt.Errorf("unterminated string")
				p.tok, p.kind = "", 0
				return
			}
			c := p.src[p.pos]
			if c == q {
				p.pos++
				break
			}
			if c == '\\' {
				if p.pos+1 >= len(p.src) {
					p.err = fmt.Errorf("unterminated string")
					return
				}
				switch e := p.src[p.pos+1]; e {
				case '\\', '\'', '"':
					b.WriteByte(e)
				case 'n':
					b.WriteByte('\n')
				case 't':
					b.WriteByte('\t')
				default:
					p.err = fmt.Errorf("string escape \\%c", e)
				}
				p.pos += 2
				continue
			}
			b.WriteByte(c)
			p.pos++
		}
		p.tok, p.kind = b.String(), 's'
	case strings.HasPrefix(p.src[p.pos:], "..."):
		p.pos += 3
		p.tok, p.kind = "...", 'p'
	default:
		p.pos += utf8.RuneLen(r)
		p.tok, p.kind = string(r), 'p'
	}
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func (p *annotParser) union() (spec.TypeExpr, error) {
	first, err := p.primary()
	if err != nil {
		return spec.TypeExpr{}, err
	}
	if !(p.kind == 'p' && p.tok == "|") {
		return first, nil
	}
	u := spec.TypeExpr{Union: []spec.TypeExpr{first}}
	for p.kind == 'p' && p.tok == "|" {
		p.next()
		m, err := p.primary()
		if err != nil {
			return spec.TypeExpr{}, err
		}
		u.Union = append(u.Union, m)
	}
	return u, nil
}

func (p *annotParser) primary() (spec.TypeExpr, error) {
	if p.err != nil {
		return spec.TypeExpr{}, p.err
	}
	switch p.kind {
	case 'n':
		a := spec.TypeExpr{Name: p.tok}
		switch p.tok {
		case "None":
			a = spec.TypeExpr{Literal: spec.LiteralNone}
		case "True", "False":
			a = spec.TypeExpr{Literal: spec.LiteralBool, Value: p.tok}
		}
		p.next()
		if a.Name != "" && p.kind == 'p' && p.tok == "[" {
			p.next()
			for {
				arg, err := p.union()
				if err != nil {
					return spec.TypeExpr{}, err
				}
				a.Args = append(a.Args, arg)
				if p.kind == 'p' && p.tok == "," {
					p.next()
					if p.kind == 'p' && p.tok == "]" {
						break
					}
					continue
				}
				break
			}
			if !(p.kind == 'p' && p.tok == "]") {
				return spec.TypeExpr{}, fmt.Errorf("expected ] in subscript, got %q", p.tok)
			}
			p.next()
		}
		return a, p.err
	case 's':
		a := spec.TypeExpr{Literal: spec.LiteralStr, Value: p.tok}
		p.next()
		// adjacent string literals concatenate
		for p.kind == 's' {
			a.Value += p.tok
			p.next()
		}
		return a, p.err
	case 'd':
		n, err := pyIntLiteral(p.tok)
		if err != nil {
			return spec.TypeExpr{}, err
		}
		p.next()
		return spec.TypeExpr{Literal: spec.LiteralInt, Value: n}, p.err
	case 'p':
		switch p.tok {
		case "...":
			p.next()
			return spec.TypeExpr{Ellipsis: true}, p.err
		case "-":
			p.next()
			if p.kind != 'd' {
				return spec.TypeExpr{}, fmt.Errorf("unexpected - before %q", p.tok)
			}
			n, err := pyIntLiteral(p.tok)
			if err != nil {
				return spec.TypeExpr{}, err
			}
			p.next()
			if n != "0" {
				n = "-" + n
			}
			return spec.TypeExpr{Literal: spec.LiteralInt, Value: n}, p.err
		}
	}
	if p.tok == "" {
		return spec.TypeExpr{}, fmt.Errorf("unexpected end of annotation")
	}
	return spec.TypeExpr{}, fmt.Errorf("unexpected %q", p.tok)
}

// pyIntLiteral converts a Python integer literal to decimal text.
func pyIntLiteral(s string) (string, error) {
	if strings.ContainsAny(s, ".eEjJ") && !strings.HasPrefix(strings.ToLower(s), "0x") {
		return "", fmt.Errorf("number %s in an annotation is not an integer", s)
	}
	if len(s) > 1 && s[0] == '0' && s[1] >= '0' && s[1] <= '9' || strings.HasSuffix(s, "_") || strings.Contains(s, "__") {
		return "", fmt.Errorf("invalid integer literal %s", s)
	}
	n, ok := new(big.Int).SetString(s, 0)
	if !ok {
		return "", fmt.Errorf("invalid integer literal %s", s)
	}
	return n.String(), nil
}
