package pyfmt

import (
	"math"
	"math/big"
	"strings"
	"unicode/utf8"
)

// FormatStr is Python's format(s, spec) for a str: type 's' or none,
// precision truncates to that many code points, fill and alignment pad to
// the width (left-aligned by default).
func FormatStr(s, spec string) (string, error) {
	if spec == "" {
		return s, nil
	}
	sp, err := parseSpec(spec, strDefaults)
	if err != nil {
		return "", err
	}
	if sp.Type != 's' {
		return "", unknownCode(sp.Type, "str")
	}
	switch {
	case sp.Sign == ' ':
		return "", valueError("Space not allowed in string format specifier")
	case sp.Sign != 0:
		return "", valueError("Sign not allowed in string format specifier")
	case sp.NoNegZero:
		return "", valueError("Negative zero coercion (z) not allowed in string format specifier")
	case sp.Alternate:
		return "", valueError("Alternate form (#) not allowed in string format specifier")
	case sp.Align == '=':
		return "", valueError("'=' alignment not allowed in string format specifier")
	}
	if err := checkLimits(sp); err != nil {
		return "", err
	}
	n := RuneCount(s)
	if sp.Precision >= 0 && n > sp.Precision {
		cut := 0
		for i := 0; i < sp.Precision; i++ {
			_, w := decodeRune(s[cut:])
			cut += w
		}
		s, n = s[:cut], sp.Precision
	}
	return pad(s, n, sp.Width, sp.Align, sp.Fill), nil
}

// pad aligns s, which is n code points long, in a field of width code points.
func pad(s string, n, width int, align byte, fill rune) string {
	if width <= n {
		return s
	}
	total := width - n
	left := 0
	switch align {
	case '>':
		left = total
	case '^':
		left = total / 2
	}
	var b strings.Builder
	b.Grow(len(s) + total*utf8.RuneLen(fill))
	writeFill(&b, fill, left)
	b.WriteString(s)
	writeFill(&b, fill, total-left)
	return b.String()
}

func writeFill(b *strings.Builder, fill rune, n int) {
	for ; n > 0; n-- {
		writeRune(b, fill)
	}
}

// writeRune writes r, keeping a lone surrogate in generalized UTF-8 as
// decodeRune reads it back.
func writeRune(b *strings.Builder, r rune) {
	if r >= 0xD800 && r <= 0xDFFF {
		b.WriteByte(0xED)
		b.WriteByte(byte(0x80 | (r>>6)&0x3F))
		b.WriteByte(byte(0x80 | r&0x3F))
		return
	}
	b.WriteRune(r)
}

func unknownCode(code rune, typeName string) error {
	if code > 32 && code < 128 {
		return valueError("Unknown format code '%c' for object of type '%s'", code, typeName)
	}
	return valueError("Unknown format code '\\x%s' for object of type '%s'", hexLower(int64(code)), typeName)
}

func checkLimits(sp Spec) error {
	if sp.Width > MaxWidth {
		return limitError("width", int64(sp.Width))
	}
	if sp.Precision > MaxWidth {
		return limitError("precision", int64(sp.Precision))
	}
	return nil
}

// FormatInt is Python's format(i, spec) for an int: types b c d o x X n and
// none, and e E f F g G % after converting to float; sign, '#' prefixes,
// ',' and '_' grouping, '=' and zero padding.
func FormatInt(i *big.Int, spec string) (string, error) {
	if spec == "" {
		return i.String(), nil
	}
	return formatInt(i, spec, intDefaults)
}

// FormatBool is Python's format(b, spec) for a bool: "True"/"False" for an
// empty spec, otherwise the int 1 or 0 formatted with spec (so
// format(True, '>5') is '    1'), with 'bool' in error messages.
func FormatBool(b bool, spec string) (string, error) {
	if spec == "" {
		if b {
			return "True", nil
		}
		return "False", nil
	}
	i := big.NewInt(0)
	if b {
		i.SetInt64(1)
	}
	return formatInt(i, spec, boolDefaults)
}

func formatInt(i *big.Int, spec string, d typeDefaults) (string, error) {
	sp, err := parseSpec(spec, d)
	if err != nil {
		return "", err
	}
	switch sp.Type {
	case 'b', 'c', 'd', 'o', 'x', 'X', 'n':
		return formatIntSpec(i, sp)
	case 'e', 'E', 'f', 'F', 'g', 'G', '%':
		f, err := IntToFloat(i)
		if err != nil {
			return "", err
		}
		return formatFloatSpec(f, sp)
	default:
		return "", unknownCode(sp.Type, d.name)
	}
}

// IntToFloat is Python's float(i): rounded half-even, OverflowError when
// the result does not fit a float.
func IntToFloat(i *big.Int) (float64, error) {
	f, _ := new(big.Float).SetInt(i).Float64()
	if math.IsInf(f, 0) {
		return 0, overflowError("int too large to convert to float")
	}
	return f, nil
}

// formatIntSpec is CPython's format_long_internal.
func formatIntSpec(i *big.Int, sp Spec) (string, error) {
	if sp.Precision != -1 {
		return "", valueError("Precision not allowed in integer format specifier")
	}
	if sp.NoNegZero {
		return "", valueError("Negative zero coercion (z) not allowed in integer format specifier")
	}
	var n numberParts
	if sp.Type == 'c' {
		if sp.Sign != 0 {
			return "", valueError("Sign not allowed with integer format specifier 'c'")
		}
		if sp.Alternate {
			return "", valueError("Alternate form (#) not allowed with integer format specifier 'c'")
		}
		if !i.IsInt64() {
			return "", overflowError("Python int too large to convert to C long")
		}
		x := i.Int64()
		if x < 0 || x > 0x10FFFF {
			return "", overflowError("%%c arg not in range(0x110000)")
		}
		var b strings.Builder
		writeRune(&b, rune(x))
		n.remainder, n.remainderLen = b.String(), 1
	} else {
		base := 10
		switch sp.Type {
		case 'b':
			base, n.prefix = 2, "0b"
		case 'o':
			base, n.prefix = 8, "0o"
		case 'x':
			base, n.prefix = 16, "0x"
		case 'X':
			base, n.prefix = 16, "0X"
		}
		if !sp.Alternate {
			n.prefix = ""
		}
		if i.Sign() < 0 {
			n.sign = '-'
		}
		n.digits = new(big.Int).Abs(i).Text(base)
		if sp.Type == 'X' {
			n.digits = strings.ToUpper(n.digits)
		}
	}
	if err := checkLimits(sp); err != nil {
		return "", err
	}
	return n.layout(sp), nil
}

// numberParts is a formatted number split as CPython's calc_number_widths
// sees it: sign, prefix ("0x"), the digits that get grouped, an optional
// decimal point, and the remainder (fraction digits, exponent, '%').
type numberParts struct {
	sign         byte // '-' or 0
	prefix       string
	digits       string
	decimal      bool
	remainder    string
	remainderLen int // in code points
}

// layout is CPython's calc_number_widths plus fill_number.
func (n numberParts) layout(sp Spec) string {
	var sign byte
	switch sp.Sign {
	case '+':
		sign = '+'
		if n.sign == '-' {
			sign = '-'
		}
	case ' ':
		sign = ' '
		if n.sign == '-' {
			sign = '-'
		}
	default:
		sign = n.sign
	}
	nonDigits := len(n.prefix) + n.remainderLen
	if sign != 0 {
		nonDigits++
	}
	if n.decimal {
		nonDigits++
	}
	minWidth := 0
	if sp.Fill == '0' && sp.Align == '=' {
		minWidth = sp.Width - nonDigits
	}
	group, sep := 0, byte(0)
	switch sp.Grouping {
	case ',':
		group, sep = 3, ','
	case '_':
		group, sep = 3, '_'
		switch sp.Type {
		case 'b', 'o', 'x', 'X':
			group = 4
		}
	}
	grouped := ""
	if n.digits != "" {
		grouped = groupDigits(n.digits, minWidth, group, sep)
	}
	var lpad, spad, rpad int
	if padding := sp.Width - (nonDigits + len(grouped)); padding > 0 {
		switch sp.Align {
		case '<':
			rpad = padding
		case '^':
			lpad = padding / 2
			rpad = padding - lpad
		case '=':
			spad = padding
		default:
			lpad = padding
		}
	}
	var b strings.Builder
	b.Grow(nonDigits + len(grouped) + len(n.remainder) + (lpad+spad+rpad)*utf8.RuneLen(sp.Fill))
	writeFill(&b, sp.Fill, lpad)
	if sign != 0 {
		b.WriteByte(sign)
	}
	b.WriteString(n.prefix)
	writeFill(&b, sp.Fill, spad)
	b.WriteString(grouped)
	if n.decimal {
		b.WriteByte('.')
	}
	b.WriteString(n.remainder)
	writeFill(&b, sp.Fill, rpad)
	return b.String()
}

// groupDigits is CPython's _PyUnicode_InsertThousandsGrouping: it inserts
// sep every group digits from the right (group 0 means no grouping) and pads
// with '0' digits, themselves grouped, up to minWidth characters.
func groupDigits(digits string, minWidth, group int, sep byte) string {
	minWidth = max(minWidth, 0)
	if group == 0 && minWidth <= len(digits) {
		return digits
	}
	sepLen := 0
	if group > 0 {
		sepLen = 1
	}
	// Built right to left, then reversed.
	out := make([]byte, 0, max(len(digits)+len(digits)/3+1, minWidth+1))
	remaining := len(digits)
	useSep := false
	emit := func(nZeros, nChars int) {
		if useSep {
			out = append(out, sep)
		}
		for k := 0; k < nChars; k++ {
			out = append(out, digits[remaining-1-k])
		}
		for k := 0; k < nZeros; k++ {
			out = append(out, '0')
		}
	}
	broken := false
	if group > 0 {
		for {
			l := min(group, max(remaining, minWidth, 1))
			nZeros := max(0, l-remaining)
			nChars := max(0, min(remaining, l))
			emit(nZeros, nChars)
			useSep = true
			remaining -= nChars
			minWidth -= l
			if remaining <= 0 && minWidth <= 0 {
				broken = true
				break
			}
			minWidth -= sepLen
		}
	}
	if !broken {
		l := max(remaining, minWidth, 1)
		nZeros := max(0, l-remaining)
		nChars := max(0, min(remaining, l))
		emit(nZeros, nChars)
	}
	for a, z := 0, len(out)-1; a < z; a, z = a+1, z-1 {
		out[a], out[z] = out[z], out[a]
	}
	return string(out)
}

// FormatFloat is Python's format(f, spec) for a float: types e E f F g G n %
// and none (repr-like, or 'g' with at least one digit after the point when a
// precision is given), with sign, 'z', '#', grouping, fill and alignment.
// Rounding is half-even on the exact binary value, as CPython's dtoa does.
func FormatFloat(f float64, spec string) (string, error) {
	if spec == "" {
		return ReprFloat(f), nil
	}
	sp, err := parseSpec(spec, floatDefaults)
	if err != nil {
		return "", err
	}
	switch sp.Type {
	case 0, 'e', 'E', 'f', 'F', 'g', 'G', 'n', '%':
		return formatFloatSpec(f, sp)
	default:
		return "", unknownCode(sp.Type, "float")
	}
}

// formatFloatSpec is CPython's format_float_internal.
func formatFloatSpec(f float64, sp Spec) (string, error) {
	if err := checkLimits(sp); err != nil {
		return "", err
	}
	fl := floatFlags{alt: sp.Alternate, noNeg0: sp.NoNegZero}
	code := byte(sp.Type)
	prec := sp.Precision
	defaultPrec := 6
	switch sp.Type {
	case 0:
		fl.addDot0 = true
		code = 'r'
		defaultPrec = 0
	case 'n':
		code = 'g'
	case 'E', 'F', 'G':
		fl.upper = true
		code = byte(sp.Type) + ('a' - 'A')
	}
	pct := false
	if code == '%' {
		code = 'f'
		f *= 100
		pct = true
	}
	if prec < 0 {
		prec = defaultPrec
	} else if code == 'r' {
		code = 'g'
	}
	s := string(floatToString(f, code, prec, fl))
	if pct {
		s += "%"
	}
	var n numberParts
	if s[0] == '-' {
		n.sign = '-'
		s = s[1:]
	}
	k := 0
	for k < len(s) && s[k] >= '0' && s[k] <= '9' {
		k++
	}
	n.digits = s[:k]
	rest := s[k:]
	if rest != "" && rest[0] == '.' {
		n.decimal = true
		rest = rest[1:]
	}
	n.remainder, n.remainderLen = rest, len(rest)
	return n.layout(sp), nil
}
