package pyfmt

import (
	"math"
	"math/big"
	"strings"
)

// PercentPiece is one piece of a printf-style format string: literal text
// (with "%%" already turned into "%") or one conversion.
type PercentPiece struct {
	Literal string
	// Conv is the conversion; nil for a literal piece.
	Conv *PercentConv
}

// PercentConv is one %-conversion: %[(key)][flags][width][.precision][hlL]verb.
//
// The caller applies it as CPython does, in this order: if HasKey, look the
// key up in the mapping (the value becomes the only argument); if StarWidth,
// take the next argument as an int and call SetWidth; if StarPrec, likewise
// SetPrec; take the next argument as the value; call VerbError; then
// convert: d i u with PercentInt (a float is truncated first, see
// TruncateFloat), o x X with PercentInt (ints only), e E f F g G with
// PercentFloat, c with PercentChar, s r a with PercentStr on str(), repr()
// or ascii() of the value.
type PercentConv struct {
	// MappingKey is the text between the parentheses of %(key)s.
	MappingKey string
	HasKey     bool
	// Flags.
	LeftAdjust bool // '-'
	Plus       bool // '+'
	Blank      bool // ' '
	Alternate  bool // '#'
	Zero       bool // '0'
	// Width is the minimum field width, -1 when not given.
	Width int
	// StarWidth reports that the width is '*', taken from the arguments.
	StarWidth bool
	// Prec is the precision, -1 when not given.
	Prec int
	// StarPrec reports that the precision is '*', taken from the arguments.
	StarPrec bool
	// Verb is the conversion character, not yet checked (see VerbError).
	Verb rune
	// Index is the code point index of Verb in the format string.
	Index int
}

// ParsePercent splits a printf-style format string into literal pieces and
// conversions. On a malformed conversion it returns the pieces before it
// together with CPython's error ("incomplete format", "incomplete format
// key", "width too big", "precision too big"); Python formats those earlier
// pieces first, so their own errors take precedence.
func ParsePercent(format string) ([]PercentPiece, error) {
	rs := make([]rune, 0, len(format))
	for i := 0; i < len(format); {
		r, w := decodeRune(format[i:])
		rs = append(rs, r)
		i += w
	}
	var pieces []PercentPiece
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			pieces = append(pieces, PercentPiece{Literal: lit.String()})
			lit.Reset()
		}
	}
	pos := 0
	for pos < len(rs) {
		if rs[pos] != '%' {
			writeRune(&lit, rs[pos])
			pos++
			continue
		}
		pos++
		if pos < len(rs) && rs[pos] == '%' {
			lit.WriteByte('%')
			pos++
			continue
		}
		flush()
		c, next, err := parseConv(rs, pos)
		if err != nil {
			return pieces, err
		}
		pieces = append(pieces, PercentPiece{Conv: c})
		pos = next
	}
	flush()
	return pieces, nil
}

// parseConv is CPython's unicode_format_arg_parse, starting just after '%'.
func parseConv(rs []rune, pos int) (*PercentConv, int, error) {
	c := &PercentConv{Width: -1, Prec: -1}
	if pos < len(rs) && rs[pos] == '(' {
		pos++
		start, depth := pos, 1
		for depth > 0 && pos < len(rs) {
			switch rs[pos] {
			case ')':
				depth--
			case '(':
				depth++
			}
			pos++
		}
		if depth > 0 {
			return nil, 0, valueError("incomplete format key")
		}
		c.MappingKey, c.HasKey = runesString(rs[start:pos-1]), true
	}
	at := func() rune {
		if pos < len(rs) {
			return rs[pos]
		}
		return -1
	}
flags:
	for {
		switch at() {
		case '-':
			c.LeftAdjust = true
		case '+':
			c.Plus = true
		case ' ':
			c.Blank = true
		case '#':
			c.Alternate = true
		case '0':
			c.Zero = true
		default:
			break flags
		}
		pos++
	}
	if at() == '*' {
		c.StarWidth = true
		pos++
	} else if ch := at(); ch >= '0' && ch <= '9' {
		w := 0
		for ch = at(); ch >= '0' && ch <= '9'; ch = at() {
			if w > (math.MaxInt64-int(ch-'0'))/10 {
				return nil, 0, valueError("width too big")
			}
			w = w*10 + int(ch-'0')
			pos++
		}
		c.Width = w
	}
	if at() == '.' {
		pos++
		c.Prec = 0
		if at() == '*' {
			c.StarPrec = true
			pos++
		} else if ch := at(); ch >= '0' && ch <= '9' {
			p := 0
			for ch = at(); ch >= '0' && ch <= '9'; ch = at() {
				if p > (math.MaxInt32-int(ch-'0'))/10 {
					return nil, 0, valueError("precision too big")
				}
				p = p*10 + int(ch-'0')
				pos++
			}
			c.Prec = p
		}
	}
	if ch := at(); ch == 'h' || ch == 'l' || ch == 'L' {
		pos++
	}
	if pos >= len(rs) {
		return nil, 0, valueError("incomplete format")
	}
	c.Verb, c.Index = rs[pos], pos
	return c, pos + 1, nil
}

func runesString(rs []rune) string {
	var b strings.Builder
	for _, r := range rs {
		writeRune(&b, r)
	}
	return b.String()
}

// SetWidth applies a '*' width taken from the arguments: a negative width
// means left adjustment, as in CPython.
func (c *PercentConv) SetWidth(w int64) {
	if w < 0 {
		c.LeftAdjust = true
		w = -w
	}
	c.Width = int(min(w, math.MaxInt64))
}

// SetPrec applies a '*' precision taken from the arguments: negative means
// 0; beyond a C int it is CPython's OverflowError.
func (c *PercentConv) SetPrec(p *big.Int) error {
	if !p.IsInt64() || p.Int64() > math.MaxInt32 || p.Int64() < math.MinInt32 {
		return overflowError("Python int too large to convert to C int")
	}
	c.Prec = int(max(p.Int64(), 0))
	return nil
}

// VerbError is CPython's error for a conversion character it does not know,
// nil for the known ones (s r a d i u o x X e E f F g G c).
func (c *PercentConv) VerbError() error {
	switch c.Verb {
	case 's', 'r', 'a', 'd', 'i', 'u', 'o', 'x', 'X', 'e', 'E', 'f', 'F', 'g', 'G', 'c':
		return nil
	}
	shown := '?'
	if c.Verb >= 31 && c.Verb <= 126 {
		shown = c.Verb
	}
	return valueError("unsupported format character '%c' (0x%s) at index %d", shown, hexLower(int64(c.Verb)), c.Index)
}

// TruncateFloat is Python's int(f), which %d, %i and %u apply to a float.
func TruncateFloat(f float64) (*big.Int, error) {
	switch {
	case math.IsInf(f, 0):
		return nil, overflowError("cannot convert float infinity to integer")
	case math.IsNaN(f):
		return nil, valueError("cannot convert float NaN to integer")
	}
	i, _ := big.NewFloat(math.Trunc(f)).Int(nil)
	return i, nil
}

func (c *PercentConv) checkLimits() error {
	if c.Width > MaxWidth {
		return limitError("width", int64(c.Width))
	}
	if c.Prec > MaxWidth {
		return limitError("precision", int64(c.Prec))
	}
	return nil
}

// PercentInt formats an int with verb d, i, u, o, x or X: the precision is a
// minimum digit count, '#' adds 0o/0x/0X, then sign, zero padding and width
// apply as in CPython's %-formatting.
func (c *PercentConv) PercentInt(i *big.Int) (string, error) {
	if err := c.checkLimits(); err != nil {
		return "", err
	}
	base, prefix := 10, ""
	switch c.Verb {
	case 'o':
		base, prefix = 8, "0o"
	case 'x':
		base, prefix = 16, "0x"
	case 'X':
		base, prefix = 16, "0X"
	case 'd', 'i', 'u':
	default:
		return "", typeError("%%%c format is not an integer conversion", c.Verb)
	}
	digits := new(big.Int).Abs(i).Text(base)
	if c.Verb == 'X' {
		digits = strings.ToUpper(digits)
	}
	if c.Prec > len(digits) {
		digits = strings.Repeat("0", c.Prec-len(digits)) + digits
	}
	var b strings.Builder
	if i.Sign() < 0 {
		b.WriteByte('-')
	}
	if c.Alternate {
		b.WriteString(prefix)
	}
	b.WriteString(digits)
	return c.output(b.String(), true), nil
}

// PercentFloat formats a float with verb e, E, f, F, g or G (precision 6 by
// default, '#' keeps the point and trailing zeros), then sign, zero padding
// and width.
func (c *PercentConv) PercentFloat(f float64) (string, error) {
	if err := c.checkLimits(); err != nil {
		return "", err
	}
	fl := floatFlags{alt: c.Alternate}
	var code byte
	switch c.Verb {
	case 'e', 'f', 'g':
		code = byte(c.Verb)
	case 'E', 'F', 'G':
		code = byte(c.Verb) + ('a' - 'A')
		fl.upper = true
	default:
		return "", typeError("%%%c format is not a float conversion", c.Verb)
	}
	prec := c.Prec
	if prec < 0 {
		prec = 6
	}
	return c.output(string(floatToString(f, code, prec, fl)), true), nil
}

// PercentChar formats one code point with verb c: only the width applies.
// The caller checks the argument (an int in range(0x110000) or a str of
// length 1) with CPython's messages.
func (c *PercentConv) PercentChar(r rune) (string, error) {
	if err := c.checkLimits(); err != nil {
		return "", err
	}
	var b strings.Builder
	writeRune(&b, r)
	return c.output(b.String(), false), nil
}

// PercentStr formats text with verb s, r or a, after the caller has turned
// the value into str(), repr() or ascii(): the precision truncates to that
// many code points and the width pads with spaces.
func (c *PercentConv) PercentStr(s string) (string, error) {
	if err := c.checkLimits(); err != nil {
		return "", err
	}
	return c.output(s, false), nil
}

// output is CPython's unicode_format_arg_output. numeric is its arg->sign:
// the verb is a number conversion, so '+', ' ' and '0' apply.
func (c *PercentConv) output(s string, numeric bool) string {
	fill := byte(' ')
	if numeric && c.Zero {
		fill = '0'
	}
	n := RuneCount(s)
	width := c.Width
	if (width == -1 || width <= n) && (c.Prec == -1 || c.Prec >= n) && !c.Plus && !c.Blank {
		return s
	}
	if c.Verb == 's' || c.Verb == 'r' || c.Verb == 'a' {
		if c.Prec >= 0 && n > c.Prec {
			cut := 0
			for k := 0; k < c.Prec; k++ {
				_, w := decodeRune(s[cut:])
				cut += w
			}
			s, n = s[:cut], c.Prec
		}
	}
	var sign byte
	if numeric {
		switch {
		case s[0] == '-' || s[0] == '+':
			sign = s[0]
			s = s[1:]
			n--
		case c.Plus:
			sign = '+'
		case c.Blank:
			sign = ' '
		default:
			numeric = false
		}
	}
	width = max(width, n)
	var b strings.Builder
	b.Grow(len(s) + width + 2)
	if numeric {
		if fill != ' ' {
			b.WriteByte(sign)
		}
		if width > n {
			width--
		}
	}
	alt := c.Alternate && (c.Verb == 'x' || c.Verb == 'X' || c.Verb == 'o')
	if alt {
		if fill != ' ' {
			b.WriteString(s[:2])
			s = s[2:]
		}
		width = max(width-2, 0)
		n -= 2
	}
	if width > n && !c.LeftAdjust {
		for k := width - n; k > 0; k-- {
			b.WriteByte(fill)
		}
		width = n
	}
	if fill == ' ' {
		if numeric {
			b.WriteByte(sign)
		}
		if alt {
			b.WriteString(s[:2])
			s = s[2:]
		}
	}
	b.WriteString(s)
	for k := width - n; k > 0; k-- {
		b.WriteByte(' ')
	}
	return b.String()
}
