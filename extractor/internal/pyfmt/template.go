package pyfmt

import "math"

// TemplatePiece is one piece of a str.format template: literal text (with
// "{{" and "}}" already turned into "{" and "}") or one replacement field.
type TemplatePiece struct {
	Literal string
	// Field is the replacement field; nil for a literal piece.
	Field *TemplateField
}

// TemplateField is a replacement field {name!conversion:spec} as written.
//
// The caller renders it as CPython's str.format does: split Name with
// AutoNumber.SplitFieldName, look up First (a positional index or a keyword),
// apply Rest in order and only then report RestErr; apply the conversion
// (ConversionError rejects unknown ones); if SpecHasFields, render Spec
// itself as a template with the same AutoNumber (one level deep only: a
// field inside that nested spec whose own spec has fields is
// RecursionError); finally format the value with the spec.
type TemplateField struct {
	Name string
	// Conversion is the character after '!', 0 when there is none.
	Conversion rune
	// Spec is the text after ':', which may hold nested fields.
	Spec string
	// SpecHasFields reports that Spec contains '{' and must be rendered first.
	SpecHasFields bool
}

// ParseTemplate splits a str.format template into pieces, with CPython's
// messages for malformed text ("Single '}' encountered in format string",
// "expected '}' before end of string", ...). On an error it returns the
// pieces before it as well: Python renders those first, so their errors
// take precedence.
func ParseTemplate(s string) ([]TemplatePiece, error) {
	rs := make([]rune, 0, len(s))
	for i := 0; i < len(s); {
		r, w := decodeRune(s[i:])
		rs = append(rs, r)
		i += w
	}
	var pieces []TemplatePiece
	pos := 0
	for pos < len(rs) {
		start := pos
		var c rune
		markup := false
		for pos < len(rs) {
			c = rs[pos]
			pos++
			if c == '{' || c == '}' {
				markup = true
				break
			}
		}
		atEnd := pos >= len(rs)
		n := pos - start
		if c == '}' && markup && (atEnd || rs[pos] != '}') {
			return mergeLiterals(pieces), valueError("Single '}' encountered in format string")
		}
		if atEnd && c == '{' && markup {
			return mergeLiterals(pieces), valueError("Single '{' encountered in format string")
		}
		if markup && !atEnd {
			if rs[pos] == c {
				pos++ // an escaped brace: literal text only
				markup = false
			} else {
				n--
			}
		}
		if n > 0 {
			pieces = append(pieces, TemplatePiece{Literal: runesString(rs[start : start+n])})
		}
		if !markup {
			continue
		}
		f, next, err := parseField(rs, pos)
		if err != nil {
			return mergeLiterals(pieces), err
		}
		pieces = append(pieces, TemplatePiece{Field: f})
		pos = next
	}
	return mergeLiterals(pieces), nil
}

// mergeLiterals joins adjacent literal pieces ("a{{b" parses as "a{" + "b").
func mergeLiterals(pieces []TemplatePiece) []TemplatePiece {
	out := pieces[:0]
	for _, p := range pieces {
		if p.Field == nil && len(out) > 0 && out[len(out)-1].Field == nil {
			out[len(out)-1].Literal += p.Literal
			continue
		}
		out = append(out, p)
	}
	return out
}

// parseField is CPython's parse_field, starting just after '{'.
func parseField(rs []rune, pos int) (*TemplateField, int, error) {
	f := &TemplateField{}
	start := pos
	var c rune
scan:
	for pos < len(rs) {
		c = rs[pos]
		pos++
		switch c {
		case '{':
			return nil, 0, valueError("unexpected '{' in field name")
		case '[':
			for pos < len(rs) && rs[pos] != ']' {
				pos++
			}
		case '}', ':', '!':
			break scan
		}
	}
	f.Name = runesString(rs[start : pos-1])
	if c != '!' && c != ':' {
		if c != '}' {
			return nil, 0, valueError("expected '}' before end of string")
		}
		return f, pos, nil
	}
	if c == '!' {
		if pos >= len(rs) {
			return nil, 0, valueError("end of string while looking for conversion specifier")
		}
		f.Conversion = rs[pos]
		pos++
		if pos < len(rs) {
			c = rs[pos]
			pos++
			if c == '}' {
				return f, pos, nil
			}
			if c != ':' {
				return nil, 0, valueError("expected ':' after conversion specifier")
			}
		}
	}
	specStart, depth := pos, 1
	for pos < len(rs) {
		c = rs[pos]
		pos++
		switch c {
		case '{':
			f.SpecHasFields = true
			depth++
		case '}':
			depth--
			if depth == 0 {
				f.Spec = runesString(rs[specStart : pos-1])
				return f, pos, nil
			}
		}
	}
	return nil, 0, valueError("unmatched '{' in format spec")
}

// ConversionError is CPython's error for a conversion other than !r, !s
// and !a; nil for those three.
func ConversionError(conv rune) error {
	switch conv {
	case 'r', 's', 'a':
		return nil
	}
	if conv > 32 && conv < 127 {
		return valueError("Unknown conversion specifier %c", conv)
	}
	return valueError("Unknown conversion specifier \\x%s", hexLower(int64(conv)))
}

// RecursionError is CPython's error for a replacement field nested two
// levels deep in format specs, such as "{:{:{}}}".
func RecursionError() error {
	return valueError("Max string recursion exceeded")
}

// FieldRef is a split field name: "0.name[key]" is First "0" with Index 0,
// then an attribute access and an item access.
type FieldRef struct {
	// First is the text before the first '.' or '['.
	First string
	// Index is the positional argument index: First as an integer, or the
	// automatic number for an empty First; -1 when First is a keyword.
	Index int
	// Rest are the accesses that follow, in order, up to RestErr.
	Rest []FieldAccess
	// RestErr is the error in the accesses, which Python reports only after
	// looking First up and applying Rest.
	RestErr error
}

// FieldAccess is one '.attr' or '[key]' after the first part of a name.
type FieldAccess struct {
	// Attr is true for '.name', false for '[key]'.
	Attr bool
	Name string
	// Index is the key as an integer when it is all digits ([0]), else -1;
	// a non-digit key is looked up as a str.
	Index int
}

// AutoNumber is the automatic field numbering state of one str.format
// call: "{}" fields count up, and mixing them with "{0}" is an error.
type AutoNumber struct {
	state int // 0 unset, 1 automatic, 2 manual
	next  int
}

// SplitFieldName is CPython's field_name_split with auto numbering.
func (a *AutoNumber) SplitFieldName(name string) (FieldRef, error) {
	rs := runesOf(name)
	i := 0
	for i < len(rs) && rs[i] != '.' && rs[i] != '[' {
		i++
	}
	ref := FieldRef{First: runesString(rs[:i])}
	idx, err := fieldInteger(rs[:i])
	if err != nil {
		return FieldRef{}, err
	}
	ref.Index = idx
	empty := i == 0
	if empty || idx != -1 {
		if a.state == 0 {
			a.state = 2
			if empty {
				a.state = 1
			}
		}
		switch {
		case a.state == 2 && empty:
			return FieldRef{}, valueError("cannot switch from manual field specification to automatic field numbering")
		case a.state == 1 && !empty:
			return FieldRef{}, valueError("cannot switch from automatic field numbering to manual field specification")
		}
		if empty {
			ref.Index = a.next
			a.next++
		}
	}
	ref.Rest, ref.RestErr = splitAccesses(rs[i:])
	return ref, nil
}

// runesOf returns s with lone surrogates kept, for conversion to []rune
// through decodeRune.
func runesOf(s string) []rune {
	rs := make([]rune, 0, len(s))
	for i := 0; i < len(s); {
		r, w := decodeRune(s[i:])
		rs = append(rs, r)
		i += w
	}
	return rs
}

// fieldInteger is get_integer of unicode_format.h: the value of an all-digit
// name, -1 otherwise.
func fieldInteger(rs []rune) (int, error) {
	if len(rs) == 0 {
		return -1, nil
	}
	n := 0
	for _, r := range rs {
		d, ok := decimalValue(r)
		if !ok {
			return -1, nil
		}
		if n > (math.MaxInt64-d)/10 {
			return 0, valueError("Too many decimal digits in format string")
		}
		n = n*10 + d
	}
	return n, nil
}

// splitAccesses is CPython's FieldNameIterator over the text after First.
func splitAccesses(rs []rune) ([]FieldAccess, error) {
	var out []FieldAccess
	pos := 0
	for pos < len(rs) {
		c := rs[pos]
		pos++
		var acc FieldAccess
		start := pos
		switch c {
		case '.':
			acc.Attr, acc.Index = true, -1
			for pos < len(rs) && rs[pos] != '.' && rs[pos] != '[' {
				pos++
			}
			acc.Name = runesString(rs[start:pos])
		case '[':
			for pos < len(rs) && rs[pos] != ']' {
				pos++
			}
			if pos >= len(rs) {
				return out, valueError("Missing ']' in format string")
			}
			acc.Name = runesString(rs[start:pos])
			pos++
			idx, err := fieldInteger(rs[start : pos-1])
			if err != nil {
				return out, err
			}
			acc.Index = idx
		default:
			return out, valueError("Only '.' or '[' may follow ']' in format field specifier")
		}
		if acc.Name == "" {
			return out, valueError("Empty attribute in format string")
		}
		out = append(out, acc)
	}
	return out, nil
}
