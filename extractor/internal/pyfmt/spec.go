package pyfmt

import (
	"math"
	"unicode"
)

// Spec is a parsed format specification, the text after ':' in a replacement
// field: [[fill]align][sign]["z"]["#"]["0"][width][grouping]["." precision][type].
type Spec struct {
	// Fill is the padding character; ' ' unless given, '0' after the "0" flag.
	Fill rune
	// FillSet reports whether a fill character was written before the align.
	FillSet bool
	// Align is one of '<', '>', '=', '^': as written, or the type's default
	// ('<' for str, '>' for numbers), or '=' implied by the "0" flag.
	Align byte
	// AlignSet reports whether an alignment was written.
	AlignSet bool
	// Sign is '+', '-', ' ', or 0 when not written.
	Sign byte
	// NoNegZero is the "z" option: negative zero after rounding prints as zero.
	NoNegZero bool
	// Alternate is the "#" option.
	Alternate bool
	// Width is the minimum field width in code points, -1 when not written.
	Width int
	// Grouping is ',' or '_' when a thousands separator was asked for, else 0.
	Grouping byte
	// Precision is the number after '.', -1 when not written.
	Precision int
	// Type is the presentation type; when not written it is the type's
	// default ('s' for str, 'd' for int and bool, 0 for float).
	Type rune
}

// typeDefaults are CPython's per-type arguments to its spec parser.
type typeDefaults struct {
	name  string
	typ   rune
	align byte
}

var (
	intDefaults   = typeDefaults{name: "int", typ: 'd', align: '>'}
	boolDefaults  = typeDefaults{name: "bool", typ: 'd', align: '>'}
	floatDefaults = typeDefaults{name: "float", typ: 0, align: '>'}
	strDefaults   = typeDefaults{name: "str", typ: 's', align: '<'}
)

// ParseSpec parses a non-empty format spec the way CPython's int, bool,
// float or str __format__ does (typeName is one of those four names; it
// decides the default type and alignment and appears in error messages).
// It reports the errors CPython's parser reports, such as "Invalid format
// specifier", "Format specifier missing precision" and "Cannot specify ','
// with 's'."; errors that depend on the value's type (unknown format code,
// sign on a str, precision on an int) are reported by the Format functions.
func ParseSpec(spec, typeName string) (Spec, error) {
	var d typeDefaults
	switch typeName {
	case "int":
		d = intDefaults
	case "bool":
		d = boolDefaults
	case "float":
		d = floatDefaults
	case "str":
		d = strDefaults
	default:
		return Spec{}, typeError("pyfmt has no format defaults for type '%s'", typeName)
	}
	return parseSpec(spec, d)
}

func isAlign(r rune) bool { return r == '<' || r == '>' || r == '=' || r == '^' }

// parseSpec is CPython's parse_internal_render_format_spec.
func parseSpec(spec string, d typeDefaults) (Spec, error) {
	rs := make([]rune, 0, len(spec))
	for i := 0; i < len(spec); {
		r, w := decodeRune(spec[i:])
		rs = append(rs, r)
		i += w
	}
	s := Spec{Fill: ' ', Align: d.align, Width: -1, Precision: -1, Type: d.typ}
	pos, end := 0, len(rs)

	if end-pos >= 2 && isAlign(rs[pos+1]) {
		s.Align = byte(rs[pos+1])
		s.Fill = rs[pos]
		s.FillSet, s.AlignSet = true, true
		pos += 2
	} else if end-pos >= 1 && isAlign(rs[pos]) {
		s.Align = byte(rs[pos])
		s.AlignSet = true
		pos++
	}
	if end-pos >= 1 && (rs[pos] == ' ' || rs[pos] == '+' || rs[pos] == '-') {
		s.Sign = byte(rs[pos])
		pos++
	}
	if end-pos >= 1 && rs[pos] == 'z' {
		s.NoNegZero = true
		pos++
	}
	if end-pos >= 1 && rs[pos] == '#' {
		s.Alternate = true
		pos++
	}
	if !s.FillSet && end-pos >= 1 && rs[pos] == '0' {
		s.Fill = '0'
		if !s.AlignSet && d.align == '>' {
			s.Align = '='
		}
		pos++
	}
	width, n, err := specInteger(rs, &pos)
	if err != nil {
		return Spec{}, err
	}
	if n > 0 {
		s.Width = width
	}
	if end-pos >= 1 && rs[pos] == ',' {
		s.Grouping = ','
		pos++
	}
	if end-pos >= 1 && rs[pos] == '_' {
		if s.Grouping != 0 {
			return Spec{}, valueError("Cannot specify both ',' and '_'.")
		}
		s.Grouping = '_'
		pos++
	}
	if end-pos >= 1 && rs[pos] == ',' && s.Grouping == '_' {
		return Spec{}, valueError("Cannot specify both ',' and '_'.")
	}
	if end-pos >= 1 && rs[pos] == '.' {
		pos++
		prec, n, err := specInteger(rs, &pos)
		if err != nil {
			return Spec{}, err
		}
		if n == 0 {
			return Spec{}, valueError("Format specifier missing precision")
		}
		s.Precision = prec
	}
	if end-pos > 1 {
		return Spec{}, valueError("Invalid format specifier '%s' for object of type '%s'", spec, d.name)
	}
	if end-pos == 1 {
		s.Type = rs[pos]
	}
	if s.Grouping != 0 {
		switch s.Type {
		case 'd', 'e', 'f', 'g', 'E', 'G', '%', 'F', 0:
		case 'b', 'o', 'x', 'X':
			if s.Grouping == ',' {
				return Spec{}, codeError("Cannot specify ',' with %s.", s.Type)
			}
		default:
			return Spec{}, codeError("Cannot specify '"+string(rune(s.Grouping))+"' with %s.", s.Type)
		}
	}
	return s, nil
}

// codeError formats a presentation type the way CPython's messages do:
// 'c' for printable ASCII, '\x..' otherwise.
func codeError(format string, code rune) error {
	if code > 32 && code < 128 {
		return valueError(format, "'"+string(code)+"'")
	}
	return valueError(format, "'\\x"+hexLower(int64(code))+"'")
}

func hexLower(n int64) string {
	if n == 0 {
		return "0"
	}
	var buf [16]byte
	i := len(buf)
	for n > 0 {
		i--
		buf[i] = hexDigits[n&0xF]
		n >>= 4
	}
	return string(buf[i:])
}

// specInteger is CPython's get_integer: a run of Unicode decimal digits.
// It returns the value and how many digits it consumed.
func specInteger(rs []rune, pos *int) (int, int, error) {
	n, consumed := 0, 0
	for *pos < len(rs) {
		digit, ok := decimalValue(rs[*pos])
		if !ok {
			break
		}
		if n > (math.MaxInt64-digit)/10 {
			return 0, 0, valueError("Too many decimal digits in format string")
		}
		n = n*10 + digit
		*pos++
		consumed++
	}
	return n, consumed, nil
}

// decimalValue is Py_UNICODE_TODECIMAL: the value of a code point of
// category Nd. Unicode assigns decimal digits in contiguous runs 0..9, so the
// value is the distance from the start of the run, modulo 10.
func decimalValue(r rune) (int, bool) {
	if r >= '0' && r <= '9' {
		return int(r - '0'), true
	}
	if r < 0x80 || !unicode.Is(unicode.Nd, r) {
		return 0, false
	}
	start := r
	for unicode.Is(unicode.Nd, start-1) {
		start--
	}
	return int(r-start) % 10, true
}
