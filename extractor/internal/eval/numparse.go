package eval

import (
	"math"
	"strconv"
	"strings"
	"unicode"
)

// unicodeDigit is the decimal value of a Unicode decimal digit (category
// Nd), or -1.
func unicodeDigit(r rune) int {
	if !unicode.Is(unicode.Nd, r) {
		return -1
	}
	// Nd digits come in contiguous runs of ten starting at a zero.
	n := 0
	for z := r - 1; n < 100 && unicode.Is(unicode.Nd, z); z-- {
		n++
	}
	return n % 10
}

// parsePyFloat is float(text): surrounding whitespace, a sign, digits with
// underscores between them, a point, an exponent; "inf", "infinity" and
// "nan" in any case.
func parsePyFloat(s string) (float64, bool) {
	s = strings.TrimFunc(s, pyIsSpace)
	if strings.ContainsFunc(s, func(r rune) bool { return r >= 0x80 }) {
		s = mapUnicodeDigits(s)
	}
	body := strings.TrimLeft(s, "+-")
	if len(s)-len(body) > 1 {
		return 0, false
	}
	neg := strings.HasPrefix(s, "-")
	switch strings.ToLower(body) {
	case "inf", "infinity":
		if neg {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	case "nan":
		return math.NaN(), true
	}
	if body == "" {
		return 0, false
	}
	prevDigit := false
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c >= '0' && c <= '9':
			prevDigit = true
		case c == '_':
			if !prevDigit || i+1 >= len(body) || body[i+1] < '0' || body[i+1] > '9' {
				return 0, false
			}
			prevDigit = false
		case c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-':
			prevDigit = false
		default:
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, true
		}
		return 0, false
	}
	return f, true
}
