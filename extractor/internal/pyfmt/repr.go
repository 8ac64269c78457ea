package pyfmt

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// decodeRune decodes one code point like utf8.DecodeRuneInString, and also
// accepts the generalized UTF-8 encoding of a lone surrogate (ED A0..BF xx),
// which is how a Python str holding "\ud800" is stored in a Go string.
// Bytes that are not UTF-8 decode as U+FFFD, one byte at a time.
func decodeRune(s string) (rune, int) {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && n == 1 && len(s) >= 3 && s[0] == 0xED &&
		s[1] >= 0xA0 && s[1] <= 0xBF && s[2] >= 0x80 && s[2] <= 0xBF {
		return 0xD000 | rune(s[1]&0x3F)<<6 | rune(s[2]&0x3F), 3
	}
	return r, n
}

// RuneCount is len() of a Python str held in a Go string: the number of code
// points, counting a lone surrogate as one.
func RuneCount(s string) int {
	n := 0
	for i := 0; i < len(s); {
		_, w := decodeRune(s[i:])
		i += w
		n++
	}
	return n
}

// IsPrintable is Python's str.isprintable() for one code point: false for
// the Unicode categories Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs other than the
// ASCII space.
func IsPrintable(r rune) bool {
	if r >= 0xD800 && r <= 0xDFFF {
		return false
	}
	return unicode.IsPrint(r)
}

// ReprStr is Python's repr() of a str: single quotes unless the text holds a
// single quote and no double quote, backslash escapes for the quote, the
// backslash, \t \n \r, other control characters, and every non-printable
// code point (\xhh, \uhhhh or \Uhhhhhhhh).
func ReprStr(s string) string {
	return reprStr(s, false)
}

// ASCII is Python's ascii() of a str: repr() with every non-ASCII code point
// escaped as \xhh, \uhhhh or \Uhhhhhhhh.
func ASCII(s string) string {
	return BackslashReplace(ReprStr(s))
}

// BackslashReplace is what ascii() does to any object's repr: every
// non-ASCII code point (a lone surrogate too) escaped as \xhh, \uhhhh or
// \Uhhhhhhhh, as the "backslashreplace" error handler writes it.
func BackslashReplace(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, w := decodeRune(s[i:])
		i += w
		switch {
		case r < 0x80:
			b.WriteRune(r)
		case r <= 0xff:
			fmt.Fprintf(&b, "\\x%02x", r)
		case r <= 0xffff:
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			fmt.Fprintf(&b, "\\U%08x", r)
		}
	}
	return b.String()
}

func reprStr(s string, asciiOnly bool) string {
	quote := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		quote = '"'
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte(quote)
	for i := 0; i < len(s); {
		r, w := decodeRune(s[i:])
		i += w
		switch {
		case r == rune(quote) || r == '\\':
			b.WriteByte('\\')
			b.WriteByte(byte(r))
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < ' ' || r == 0x7F:
			writeHexEscape(&b, r)
		case r < 0x7F:
			b.WriteByte(byte(r))
		case !asciiOnly && IsPrintable(r):
			b.WriteRune(r)
		default:
			writeHexEscape(&b, r)
		}
	}
	b.WriteByte(quote)
	return b.String()
}

// writeHexEscape writes \xhh, \uhhhh or \Uhhhhhhhh, the shortest form that
// holds r, as Python's repr does.
func writeHexEscape(b *strings.Builder, r rune) {
	var digits int
	switch {
	case r <= 0xFF:
		b.WriteString(`\x`)
		digits = 2
	case r <= 0xFFFF:
		b.WriteString(`\u`)
		digits = 4
	default:
		b.WriteString(`\U`)
		digits = 8
	}
	for shift := (digits - 1) * 4; shift >= 0; shift -= 4 {
		b.WriteByte(hexDigits[(r>>uint(shift))&0xF])
	}
}

// ReprBytes is Python's repr() of a bytes value: b'...' with the same quote
// choice as str, \t \n \r \\ and the quote escaped, and every byte outside
// printable ASCII as \xhh.
func ReprBytes(s string) string {
	quote := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		quote = '"'
	}
	var b strings.Builder
	b.Grow(len(s) + 3)
	b.WriteByte('b')
	b.WriteByte(quote)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == quote || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c < ' ' || c >= 0x7F:
			writeHexEscape(&b, rune(c))
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte(quote)
	return b.String()
}

// ReprFloat is Python's repr() (and str()) of a float: the shortest string
// that round-trips, in positional notation for 1e-4 <= |f| < 1e16 with at
// least one digit after the point, otherwise in exponent notation ("1e+16",
// "1e-05"); "inf", "-inf", "nan" and "-0.0" as Python spells them.
func ReprFloat(f float64) string {
	return string(floatToString(f, 'r', 0, floatFlags{addDot0: true}))
}

// floatFlags are the Py_DTSF_* options of PyOS_double_to_string.
type floatFlags struct {
	alt      bool // '#': keep the decimal point and trailing zeros
	addDot0  bool // repr-style: an integral value gets ".0"
	noNeg0   bool // 'z': a value that rounds to zero loses its minus sign
	upper    bool // E, F, G: upper-case "E", "INF", "NAN"
	plusSign bool // always write a sign
}

// decimalDigits returns the digits of |f| as dtoa does, without leading or
// trailing zeros (a zero value gives "0"), and decpt, the position of the
// decimal point relative to the first digit. mode 0 gives the shortest
// round-trip digits; mode 2 gives prec significant digits; mode 3 gives
// prec digits after the point. Rounding is half-even on the exact binary
// value, which is what CPython's dtoa does.
func decimalDigits(f float64, mode, prec int) (digits []byte, decpt int) {
	f = math.Abs(f)
	if f == 0 {
		return []byte{'0'}, 1
	}
	var buf [32]byte
	switch mode {
	case 0, 2:
		p := -1
		if mode == 2 {
			p = prec - 1
		}
		s := strconv.AppendFloat(buf[:0], f, 'e', p, 64)
		// s is d[.ddd]e±XX
		e := bytes.IndexByte(s, 'e')
		mant, exp := s[:e], exponent(s[e+1:])
		digits = make([]byte, 0, len(mant))
		for _, c := range mant {
			if c != '.' {
				digits = append(digits, c)
			}
		}
		decpt = exp + 1
	default:
		s := strconv.AppendFloat(buf[:0], f, 'f', prec, 64)
		dot := bytes.IndexByte(s, '.')
		if dot < 0 {
			dot = len(s)
		}
		digits = make([]byte, 0, len(s))
		for _, c := range s {
			if c != '.' {
				digits = append(digits, c)
			}
		}
		decpt = dot
		lead := 0
		for lead < len(digits) && digits[lead] == '0' {
			lead++
		}
		digits = digits[lead:]
		decpt -= lead
	}
	end := len(digits)
	for end > 0 && digits[end-1] == '0' {
		end--
	}
	digits = digits[:end]
	if len(digits) == 0 {
		return []byte{'0'}, 1
	}
	return digits, decpt
}

// floatToString is CPython's PyOS_double_to_string: code is 'e', 'f', 'g'
// or 'r' (repr); upper case is asked for with flags.upper.
func floatToString(f float64, code byte, prec int, fl floatFlags) []byte {
	neg := math.Signbit(f)
	var out []byte
	if math.IsInf(f, 0) || math.IsNaN(f) {
		if math.IsNaN(f) {
			neg = false
		}
		if neg {
			out = append(out, '-')
		} else if fl.plusSign {
			out = append(out, '+')
		}
		word := "inf"
		if math.IsNaN(f) {
			word = "nan"
		}
		if fl.upper {
			word = strings.ToUpper(word)
		}
		return append(out, word...)
	}

	var mode int
	switch code {
	case 'e':
		mode = 2
		prec++
	case 'f':
		mode = 3
	case 'g':
		mode = 2
		if prec == 0 {
			prec = 1
		}
	default: // 'r'
		mode = 0
	}
	digits, decpt := decimalDigits(f, mode, prec)
	if fl.noNeg0 && neg && len(digits) == 1 && digits[0] == '0' {
		neg = false
	}

	ndigits := len(digits)
	vEnd := ndigits
	useExp := false
	switch code {
	case 'e':
		useExp = true
		vEnd = prec
	case 'f':
		vEnd = decpt + prec
	case 'g':
		limit := prec
		if fl.addDot0 {
			limit = prec - 1
		}
		if decpt <= -4 || decpt > limit {
			useExp = true
		}
		if fl.alt {
			vEnd = prec
		}
	default:
		if decpt <= -4 || decpt > 16 {
			useExp = true
		}
	}
	exp := 0
	if useExp {
		exp = decpt - 1
		decpt = 1
	}
	vStart := 0
	if decpt <= 0 {
		vStart = decpt - 1
	}
	if !useExp && fl.addDot0 {
		vEnd = max(vEnd, decpt+1)
	} else {
		vEnd = max(vEnd, decpt)
	}

	out = make([]byte, 0, 8+vEnd-vStart)
	if neg {
		out = append(out, '-')
	} else if fl.plusSign {
		out = append(out, '+')
	}
	if decpt <= 0 {
		out = appendZeros(out, decpt-vStart)
		out = append(out, '.')
		out = appendZeros(out, -decpt)
	} else {
		out = appendZeros(out, -vStart)
	}
	if 0 < decpt && decpt <= ndigits {
		out = append(out, digits[:decpt]...)
		out = append(out, '.')
		out = append(out, digits[decpt:]...)
	} else {
		out = append(out, digits...)
	}
	if ndigits < decpt {
		out = appendZeros(out, decpt-ndigits)
		out = append(out, '.')
		out = appendZeros(out, vEnd-decpt)
	} else {
		out = appendZeros(out, vEnd-ndigits)
	}
	if out[len(out)-1] == '.' && !fl.alt {
		out = out[:len(out)-1]
	}
	if useExp {
		if fl.upper {
			out = append(out, 'E')
		} else {
			out = append(out, 'e')
		}
		if exp < 0 {
			out = append(out, '-')
			exp = -exp
		} else {
			out = append(out, '+')
		}
		if exp < 10 {
			out = append(out, '0')
		}
		out = strconv.AppendInt(out, int64(exp), 10)
	}
	return out
}

func appendZeros(b []byte, n int) []byte {
	for ; n > 0; n-- {
		b = append(b, '0')
	}
	return b
}

// exponent parses the exponent strconv writes after 'e' ("+05", "-123").
func exponent(b []byte) int {
	n := 0
	for _, c := range b[1:] {
		n = n*10 + int(c-'0')
	}
	if b[0] == '-' {
		return -n
	}
	return n
}
