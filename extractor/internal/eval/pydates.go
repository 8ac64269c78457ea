package eval

import (
	"math"
	"math/big"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/flowplan/flowplan/extractor/internal/pysyntax"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

// rejected is a value pydantic v1 refuses for a field's type: the errors
// its ValidationError lists, each located relative to the value ("" for
// the value itself, "0" for a list's first element). coerceTo returns it
// with ok false, so that a caller that does not know it still sees an
// unmodeled value; the model constructors turn it into a ValidationError.
type rejected struct{ errs []fieldError }

func (rejected) TypeName() string { return "<rejected>" }

// reject is one error for the value itself.
func reject(msg, typ string) rejected {
	return rejected{errs: []fieldError{{msg: msg, typ: typ}}}
}

// under locates r's errors inside an element or field named loc, as
// pydantic joins a location: "outer -> inner".
func (r rejected) under(loc string) []fieldError {
	out := make([]fieldError, len(r.errs))
	for i, e := range r.errs {
		e.loc = joinLoc(loc, e.loc)
		out[i] = e
	}
	return out
}

func joinLoc(outer, inner string) string {
	if inner == "" {
		return outer
	}
	return outer + " -> " + inner
}

// pydantic v1's datetime_parse: beyond this many seconds a number is taken
// as milliseconds (divided by 1000 until it is not); beyond maxNumber it
// is datetime.max (or min).
const (
	msWatershed = 2e10
	maxNumber   = 3e20
)

// coercePyDate is pydantic v1's validation of v for a field annotated
// datetime.date or datetime.datetime (t): parse_date and parse_datetime.
// handled is false when t is not one of those types; ok false with a
// rejected value is a validation error, ok false with v itself a value
// whose validation is not modeled.
func (m *module) coercePyDate(at pysyntax.Node, t *typeObj, v value.Value) (out value.Value, ok, handled bool) {
	if t.name != "date" && t.name != "datetime" {
		return v, false, false
	}
	wantDate := t.name == "date"
	invalid := reject("invalid datetime format", "value_error.datetime")
	if wantDate {
		invalid = reject("invalid date format", "value_error.date")
	}
	asDate := func(d value.Datetime) value.Value {
		if wantDate {
			return value.Date{Year: d.Year, Month: d.Month, Day: d.Day}
		}
		return d
	}
	switch x := v.(type) {
	case value.NoneType:
		return reject("none is not an allowed value", "type_error.none.not_allowed"), false, true
	case value.Datetime:
		if wantDate && x.Pendulum {
			return v, false, true // a pendulum Date, whose repr is not modeled
		}
		return asDate(x), true, true
	case value.Date:
		if wantDate {
			return x, true, true
		}
	case value.Bool, value.Int:
		n, _ := value.AsInt(x)
		d, r := m.fromUnixInt(at, n)
		if r != nil {
			return *r, false, true
		}
		return asDate(d), true, true
	case value.Float:
		d, r := m.fromUnixFloat(at, float64(x))
		if r != nil {
			return *r, false, true
		}
		return asDate(d), true, true
	case value.Str, value.Bytes:
		s := ""
		if b, isBytes := x.(value.Bytes); isBytes {
			// float() and the pattern read bytes as ASCII text; other
			// bytes (and ASCII controls, which str.isspace and bytes
			// whitespace treat differently) are not modeled.
			for i := 0; i < len(b); i++ {
				if c := b[i]; c >= 0x80 || c < 0x20 && !strings.ContainsRune("\t\n\v\f\r", rune(c)) {
					return v, false, true
				}
			}
			s = string(b)
		} else {
			s = string(x.(value.Str))
		}
		if hasNonASCIIDigit(s) {
			// Python's \d and float() take every Unicode decimal digit;
			// which ones depends on the Unicode version: not modeled.
			return v, false, true
		}
		if f, isNum := parsePyFloat(s); isNum {
			d, r := m.fromUnixFloat(at, f)
			if r != nil {
				return *r, false, true
			}
			return asDate(d), true, true
		}
		if wantDate {
			if d, ok := parsePydanticDate(s); ok {
				return d, true, true
			}
			return invalid, false, true
		}
		if d, ok := parsePydanticDatetime(s); ok {
			return d, true, true
		}
		return invalid, false, true
	case *value.List, *value.Tuple, *value.Dict, *value.Set, value.Timedelta, *typeObj:
	default:
		return v, false, true // float(v) may mean something: not modeled
	}
	// float(v) raised TypeError
	return reject("invalid type; expected "+t.name+", string, bytes, int or float", "type_error"), false, true
}

func hasNonASCIIDigit(s string) bool {
	for _, r := range s {
		if r >= utf8.RuneSelf && unicode.Is(unicode.Nd, r) {
			return true
		}
	}
	return false
}

var (
	pyDatetimeMax = value.Datetime{Year: 9999, Month: 12, Day: 31, Hour: 23, Minute: 59, Second: 59, Micro: 999999}
	pyDatetimeMin = value.Datetime{Year: 1, Month: 1, Day: 1}
)

func epochMicros() *big.Int {
	return big.NewInt(daysFromCivil(1970, 1, 1) * 86400_000_000)
}

// fromUnixInt is from_unix_seconds for an int.
func (m *module) fromUnixInt(at pysyntax.Node, n *big.Int) (value.Datetime, *rejected) {
	maxN, _ := new(big.Int).SetString("300000000000000000000", 10)
	switch {
	case n.Cmp(maxN) > 0:
		return pyDatetimeMax, nil
	case n.Cmp(new(big.Int).Neg(maxN)) < 0:
		return pyDatetimeMin, nil
	}
	if new(big.Int).Abs(n).Cmp(big.NewInt(msWatershed)) > 0 {
		// seconds /= 1000: int / int, correctly rounded, then floats
		f, _ := new(big.Rat).SetFrac(n, big.NewInt(1000)).Float64()
		return m.fromUnixFloat(at, f)
	}
	us := new(big.Int).Mul(n, big.NewInt(1_000_000))
	d := m.dtFromMicros(at, us.Add(us, epochMicros()), value.Datetime{})
	d.TZ = "UTC"
	return d, nil
}

// fromUnixFloat is from_unix_seconds for a float.
func (m *module) fromUnixFloat(at pysyntax.Node, f float64) (value.Datetime, *rejected) {
	switch {
	case f > maxNumber:
		return pyDatetimeMax, nil
	case f < -maxNumber:
		return pyDatetimeMin, nil
	}
	for math.Abs(f) > msWatershed {
		f /= 1000
	}
	if math.IsNaN(f) {
		// timedelta(seconds=nan) raises ValueError, which pydantic reports
		r := reject("cannot convert float NaN to integer", "value_error")
		return value.Datetime{}, &r
	}
	us := timedeltaFloatMicros(f, 1_000_000)
	d := m.dtFromMicros(at, us.Add(us, epochMicros()), value.Datetime{})
	d.TZ = "UTC"
	return d, nil
}

// timedeltaFloatMicros is the microseconds CPython's timedelta() makes of
// one float argument worth factor microseconds a unit: the whole part
// exactly, the fraction through a double product, and what remains
// rounded half to even.
func timedeltaFloatMicros(f float64, factor int64) *big.Int {
	ip, frac := math.Modf(f)
	whole, _ := new(big.Float).SetFloat64(ip).Int(nil)
	sum := whole.Mul(whole, big.NewInt(factor))
	if frac == 0 {
		return sum
	}
	ip2, leftover := math.Modf(float64(factor) * frac)
	sum.Add(sum, big.NewInt(int64(ip2)))
	if leftover != 0 {
		wholeUS := math.Round(leftover)
		if math.Abs(wholeUS-leftover) == 0.5 {
			odd := float64(new(big.Int).Abs(sum).Bit(0))
			wholeUS = 2*math.Round((leftover+odd)*0.5) - odd
		}
		sum.Add(sum, big.NewInt(int64(wholeUS)))
	}
	return sum
}

// pyText walks text the way pydantic's datetime patterns read it.
type pyText struct {
	s string
	i int
}

// digits reads between lo and hi ASCII digits, as many as there are.
func (p *pyText) digits(lo, hi int) (int, int, bool) {
	n, k := 0, 0
	for k < hi && p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		n = n*10 + int(p.s[p.i]-'0')
		p.i++
		k++
	}
	return n, k, k >= lo
}

func (p *pyText) lit(chars string) bool {
	if p.i < len(p.s) && strings.IndexByte(chars, p.s[p.i]) >= 0 {
		p.i++
		return true
	}
	return false
}

// end is the pattern's $: the end of the text or a last newline.
func (p *pyText) end() bool {
	return p.i == len(p.s) || p.i == len(p.s)-1 && p.s[p.i] == '\n'
}

// next is the byte at the cursor, or 0 at the end.
func (p *pyText) next() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

// datePart reads (\d{4})-(\d{1,2})-(\d{1,2}). Digit runs are read whole:
// a shorter match would leave a digit where the pattern wants a
// separator, so the regular expression cannot backtrack into them.
func (p *pyText) datePart() (y, mo, d int, ok bool) {
	var ok1, ok2, ok3 bool
	y, _, ok1 = p.digits(4, 4)
	if !ok1 || !p.lit("-") {
		return
	}
	mo, _, ok2 = p.digits(1, 2)
	if !ok2 || !p.lit("-") {
		return
	}
	d, _, ok3 = p.digits(1, 2)
	return y, mo, d, ok3
}

func validDate(y, mo, d int) bool {
	return y >= 1 && y <= 9999 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(y, mo)
}

// parsePydanticDate is parse_date's pattern and date() for text that is
// not a number.
func parsePydanticDate(s string) (value.Date, bool) {
	p := &pyText{s: s}
	y, mo, d, ok := p.datePart()
	if !ok || !p.end() || !validDate(y, mo, d) {
		return value.Date{}, false
	}
	return value.Date{Year: y, Month: mo, Day: d}, true
}

// parsePydanticDatetime is parse_datetime's pattern, its time zone
// (Z, ±HH, ±HHMM, ±HH:MM as a fixed offset under 24 hours) and datetime()
// for text that is not a number.
func parsePydanticDatetime(s string) (value.Datetime, bool) {
	var d value.Datetime
	p := &pyText{s: s}
	var ok bool
	if d.Year, d.Month, d.Day, ok = p.datePart(); !ok || !p.lit("T ") {
		return d, false
	}
	if d.Hour, _, ok = p.digits(1, 2); !ok || !p.lit(":") {
		return d, false
	}
	if d.Minute, _, ok = p.digits(1, 2); !ok {
		return d, false
	}
	if p.next() == ':' {
		p.i++
		if d.Second, _, ok = p.digits(1, 2); !ok {
			return d, false
		}
		if p.next() == '.' {
			p.i++
			start := p.i
			if _, _, ok = p.digits(1, 12); !ok {
				return d, false
			}
			frac := s[start:p.i]
			if len(frac) > 6 {
				frac = frac[:6]
			}
			for _, c := range frac + strings.Repeat("0", 6-len(frac)) {
				d.Micro = d.Micro*10 + int(c-'0')
			}
		}
	}
	switch c := p.next(); {
	case c == 'Z':
		p.i++
		d.TZ = "UTC"
	case c == '+' || c == '-':
		p.i++
		h, _, ok := p.digits(2, 2)
		if !ok {
			return d, false
		}
		mins := 0
		save := p.i
		p.lit(":")
		if mm, _, ok := p.digits(2, 2); ok {
			mins = mm
		} else {
			p.i = save // (?::?\d{2})? matched nothing
		}
		off := 60 * (60*h + mins)
		if c == '-' {
			off = -off
		}
		if off <= -86400 || off >= 86400 {
			return d, false // timezone() refuses the offset
		}
		d.UTCOffsetSeconds = off
		d.TZ = "UTC"
		if off != 0 {
			d.TZ += utcOffset(off, ":")
		}
	}
	if !p.end() || !validDate(d.Year, d.Month, d.Day) || d.Hour > 23 || d.Minute > 59 || d.Second > 59 {
		return d, false
	}
	return d, true
}

// locName is str(key) for a dict key in an error's location, for the
// keys whose str() is plain.
func locName(k value.Value) (string, bool) {
	switch x := k.(type) {
	case value.Str:
		return string(x), true
	case value.Int:
		return x.V.String(), true
	}
	return "", false
}

// firstUnknown is the first Unknown among vals, or nil: a field whose
// validation is not modeled, which may have failed too.
func firstUnknown(vals []value.Value) *value.Unknown {
	for _, v := range vals {
		if u, ok := v.(value.Unknown); ok {
			return &u
		}
	}
	return nil
}

// isISOSubset tells the text datetime.fromisoformat is modeled for:
// YYYY-MM-DD, optionally T or space, HH:MM, :SS, a fraction of one to six
// digits, and Z, ±HH:MM or ±HHMM, with nothing around it. CPython 3.11
// reads each such text as parseISO does.
func isISOSubset(s string) bool {
	p := &pyText{s: s}
	if _, k, ok := p.digits(4, 4); !ok || k != 4 || !p.lit("-") {
		return false
	}
	if _, k, _ := p.digits(2, 2); k != 2 || !p.lit("-") {
		return false
	}
	if _, k, _ := p.digits(2, 2); k != 2 {
		return false
	}
	if p.i == len(s) {
		return true
	}
	two := func() bool { _, k, _ := p.digits(2, 2); return k == 2 }
	if !p.lit("T ") || !two() || !p.lit(":") || !two() {
		return false
	}
	if p.lit(":") {
		if !two() {
			return false
		}
		if p.lit(".") {
			if _, _, ok := p.digits(1, 6); !ok {
				return false
			}
		}
	}
	switch {
	case p.lit("Z"):
	case p.lit("+-"):
		if !two() {
			return false
		}
		p.lit(":")
		if !two() {
			return false
		}
	}
	return p.i == len(s)
}
