package planner

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// annot is a parsed parameter annotation: a (dotted) name with optional
// subscript arguments, a union (`X | Y`), or a literal value inside
// Literal[...] (string, int, bool, None) or `...`.
type annot struct {
	name  string  // dotted name; "" for unions and literals
	args  []annot // subscript arguments
	union []annot // X | Y members
	lit   any     // literal: string, bigint text (json number), bool, nil (with isLit)
	isLit bool
	isStr bool // lit is a string
	ellip bool // `...`
}

// parseAnnotation parses the annotation source text. It accepts the subset
// of Python expressions annotations are made of.
func parseAnnotation(src string) (annot, error) {
	p := &annotParser{src: src}
	p.next()
	a, err := p.union()
	if err != nil {
		return annot{}, err
	}
	if p.tok != "" {
		return annot{}, fmt.Errorf("unexpected %q", p.tok)
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

func (p *annotParser) union() (annot, error) {
	first, err := p.primary()
	if err != nil {
		return annot{}, err
	}
	if !(p.kind == 'p' && p.tok == "|") {
		return first, nil
	}
	u := annot{union: []annot{first}}
	for p.kind == 'p' && p.tok == "|" {
		p.next()
		m, err := p.primary()
		if err != nil {
			return annot{}, err
		}
		u.union = append(u.union, m)
	}
	return u, nil
}

func (p *annotParser) primary() (annot, error) {
	if p.err != nil {
		return annot{}, p.err
	}
	switch p.kind {
	case 'n':
		a := annot{name: p.tok}
		switch p.tok {
		case "None":
			a = annot{isLit: true}
		case "True", "False":
			a = annot{isLit: true, lit: p.tok == "True"}
		}
		p.next()
		if a.name != "" && p.kind == 'p' && p.tok == "[" {
			p.next()
			for {
				arg, err := p.union()
				if err != nil {
					return annot{}, err
				}
				a.args = append(a.args, arg)
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
				return annot{}, fmt.Errorf("expected ] in subscript, got %q", p.tok)
			}
			p.next()
		}
		return a, p.err
	case 's':
		a := annot{isLit: true, isStr: true, lit: p.tok}
		p.next()
		// adjacent string literals concatenate
		for p.kind == 's' {
			a.lit = a.lit.(string) + p.tok
			p.next()
		}
		return a, p.err
	case 'd':
		n, err := pyIntLiteral(p.tok)
		if err != nil {
			return annot{}, err
		}
		p.next()
		return annot{isLit: true, lit: n}, p.err
	case 'p':
		switch p.tok {
		case "...":
			p.next()
			return annot{ellip: true}, p.err
		case "-":
			p.next()
			if p.kind != 'd' {
				return annot{}, fmt.Errorf("unexpected - before %q", p.tok)
			}
			n, err := pyIntLiteral(p.tok)
			if err != nil {
				return annot{}, err
			}
			p.next()
			if n != "0" {
				n = "-" + n
			}
			return annot{isLit: true, lit: n}, p.err
		}
	}
	if p.tok == "" {
		return annot{}, fmt.Errorf("unexpected end of annotation")
	}
	return annot{}, fmt.Errorf("unexpected %q", p.tok)
}
