package eval

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/flowplan/flowplan/extractor/internal/pyfmt"
	"github.com/flowplan/flowplan/extractor/internal/pysyntax"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

const maxTDDays = 999999999

var utc = &tzObj{name: "UTC", repr: "datetime.timezone.utc", offset: 0}

func tdMicros(t value.Timedelta) int64 {
	return (t.Days*86400+t.Seconds)*1_000_000 + t.Microseconds
}

// newTD normalizes microseconds into a timedelta, as Python does.
func (m *module) newTD(at pysyntax.Node, us *big.Int, pendulum bool) value.Timedelta {
	day := big.NewInt(86400 * 1_000_000)
	d, r := floorDivMod(us, day)
	if !d.IsInt64() || d.Int64() > maxTDDays || d.Int64() < -maxTDDays {
		panic(m.raise(at, "OverflowError", "days=%s; must have magnitude <= %d", d.String(), maxTDDays))
	}
	rr := r.Int64()
	return value.Timedelta{Days: d.Int64(), Seconds: rr / 1_000_000, Microseconds: rr % 1_000_000, Pendulum: pendulum}
}

func (m *module) tdNeg(at pysyntax.Node, t value.Timedelta) value.Timedelta {
	return m.newTD(at, new(big.Int).Neg(big.NewInt(tdMicros(t))), t.Pendulum)
}

// timedeltaCtor is datetime.timedelta(days, seconds, microseconds,
// milliseconds, minutes, hours, weeks), with Python's exact rounding of
// float components (round half to even on the total microseconds).
func timedeltaCtor(pendulum bool) func(c *call) value.Value {
	return func(c *call) value.Value {
		names := []string{"days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks"}
		if pendulum {
			names = []string{"days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks", "years", "months"}
			c.noPositional()
		}
		c.onlyKwargs(names...)
		c.arity(0, 7)
		scale := map[string]int64{"days": 86400e6, "seconds": 1e6, "microseconds": 1, "milliseconds": 1000, "minutes": 60e6, "hours": 3600e6, "weeks": 7 * 86400e6}
		total := new(big.Rat)
		for i, name := range names {
			v, ok := c.param(i, name)
			if !ok {
				continue
			}
			if name == "years" || name == "months" {
				if n, isInt := value.AsInt(v); isInt && n.Sign() == 0 {
					continue
				}
				return c.m.unknown(c.at, "pendulum durations with years or months are not supported")
			}
			var r *big.Rat
			switch x := v.(type) {
			case value.Int, value.Bool:
				i, _ := value.AsInt(x)
				r = new(big.Rat).SetInt(i)
			case value.Float:
				if math.IsInf(float64(x), 0) || math.IsNaN(float64(x)) {
					panic(c.raise("OverflowError", "cannot convert float %s to integer", pyfmt.ReprFloat(float64(x))))
				}
				r = new(big.Rat).SetFloat64(float64(x))
			default:
				panic(c.raise("TypeError", "unsupported type for timedelta %s component: %s", name, typeName(v)))
			}
			total.Add(total, r.Mul(r, new(big.Rat).SetInt64(scale[name])))
		}
		// whole microseconds, rounded half to even
		return c.m.newTD(c.at, roundHalfEvenRat(total), pendulum)
	}
}

func (c *call) noPositional() {
	if len(c.args) > 0 {
		panic(c.raise("TypeError", "%s() takes 0 positional arguments but %d were given", c.name, len(c.args)))
	}
}

func tdStr(t value.Timedelta) string {
	s := t.Seconds
	out := fmt.Sprintf("%d:%02d:%02d", s/3600, s%3600/60, s%60)
	if t.Microseconds != 0 {
		out += fmt.Sprintf(".%06d", t.Microseconds)
	}
	if t.Days != 0 {
		plural := "s"
		if t.Days == 1 || t.Days == -1 {
			plural = ""
		}
		out = fmt.Sprintf("%d day%s, %s", t.Days, plural, out)
	}
	return out
}

func tdRepr(t value.Timedelta) string {
	var parts []string
	if t.Days != 0 {
		parts = append(parts, fmt.Sprintf("days=%d", t.Days))
	}
	if t.Seconds != 0 {
		parts = append(parts, fmt.Sprintf("seconds=%d", t.Seconds))
	}
	if t.Microseconds != 0 {
		parts = append(parts, fmt.Sprintf("microseconds=%d", t.Microseconds))
	}
	if len(parts) == 0 {
		return "datetime.timedelta(0)"
	}
	return "datetime.timedelta(" + strings.Join(parts, ", ") + ")"
}

func isoDate(d value.Date) string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

func isoDatetime(d value.Datetime, sep string) string {
	s := fmt.Sprintf("%04d-%02d-%02d%s%02d:%02d:%02d", d.Year, d.Month, d.Day, sep, d.Hour, d.Minute, d.Second)
	if d.Micro != 0 {
		s += fmt.Sprintf(".%06d", d.Micro)
	}
	if d.TZ != "" {
		s += utcOffset(d.UTCOffsetSeconds, ":")
	}
	return s
}

func utcOffset(off int, sep string) string {
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	s := fmt.Sprintf("%s%02d%s%02d", sign, off/3600, sep, off%3600/60)
	if off%60 != 0 {
		s += fmt.Sprintf("%s%02d", sep, off%60)
	}
	return s
}

func (m *module) dtRepr(at pysyntax.Node, d value.Datetime) string {
	s := fmt.Sprintf("datetime.datetime(%d, %d, %d, %d, %d", d.Year, d.Month, d.Day, d.Hour, d.Minute)
	if d.Second != 0 || d.Micro != 0 {
		s += fmt.Sprintf(", %d", d.Second)
	}
	if d.Micro != 0 {
		s += fmt.Sprintf(", %d", d.Micro)
	}
	if d.TZ != "" {
		switch d.TZ {
		case "UTC":
			s += ", tzinfo=datetime.timezone.utc"
		case "tzutc()":
			s += ", tzinfo=tzutc()"
		default:
			if strings.HasPrefix(d.TZ, "tzoffset") {
				s += ", tzinfo=" + d.TZ
			} else if strings.HasPrefix(d.TZ, "UTC+") || strings.HasPrefix(d.TZ, "UTC-") {
				// a fixed offset: datetime.timezone(timedelta(...))
				off := int64(d.UTCOffsetSeconds)
				days := off / 86400
				if off%86400 < 0 {
					days--
				}
				s += ", tzinfo=datetime.timezone(" + tdRepr(value.Timedelta{Days: days, Seconds: off - days*86400}) + ")"
			} else {
				panic(unknownSignal{m.unknown(at, "the repr of a datetime in time zone %s is not supported", d.TZ)})
			}
		}
	}
	return s + ")"
}

// dtMicros converts a datetime to microseconds since 0001-01-01 (UTC for
// aware datetimes).
func dtMicros(d value.Datetime) *big.Int {
	days := daysFromCivil(d.Year, d.Month, d.Day)
	us := new(big.Int).Mul(big.NewInt(days), big.NewInt(86400_000_000))
	us.Add(us, big.NewInt(int64(d.Hour*3600+d.Minute*60+d.Second)*1_000_000+int64(d.Micro)))
	if d.TZ != "" {
		us.Sub(us, big.NewInt(int64(d.UTCOffsetSeconds)*1_000_000))
	}
	return us
}

// daysFromCivil counts days from 0001-01-01 (proleptic Gregorian).
func daysFromCivil(y, mo, d int) int64 {
	yy := int64(y)
	if mo <= 2 {
		yy--
	}
	era := yy / 400
	if yy < 0 && yy%400 != 0 {
		era--
	}
	yoe := yy - era*400
	mp := int64((mo + 9) % 12)
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468 + 719162 // days since 1970-01-01 shifted to 0001-01-01
}

func civilFromDays(z int64) (int, int, int) {
	z -= 719162
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	mo := mp + 3
	if mo > 12 {
		mo -= 12
	}
	if mo <= 2 {
		y++
	}
	return int(y), int(mo), int(d)
}

func dtCompare(a, b value.Datetime) int {
	return dtMicros(a).Cmp(dtMicros(b))
}

// dtFromMicros builds a datetime from local microseconds since 0001-01-01.
func (m *module) dtFromMicros(at pysyntax.Node, us *big.Int, like value.Datetime) value.Datetime {
	day := big.NewInt(86400_000_000)
	d, r := floorDivMod(us, day)
	if !d.IsInt64() || d.Int64() < 0 || d.Int64() > 3652058 {
		panic(m.raise(at, "OverflowError", "date value out of range"))
	}
	y, mo, dd := civilFromDays(d.Int64())
	rem := r.Int64()
	out := like
	out.Year, out.Month, out.Day = y, mo, dd
	out.Hour = int(rem / 3600_000_000)
	out.Minute = int(rem / 60_000_000 % 60)
	out.Second = int(rem / 1_000_000 % 60)
	out.Micro = int(rem % 1_000_000)
	return out
}

func localMicros(d value.Datetime) *big.Int {
	naive := d
	naive.TZ = ""
	return dtMicros(naive)
}

// dateOp is arithmetic between datetimes, dates and timedeltas.
func (m *module) dateOp(at pysyntax.Node, op string, a, b value.Value) value.Value {
	switch x := a.(type) {
	case value.Timedelta:
		switch y := b.(type) {
		case value.Timedelta:
			switch op {
			case "+":
				return m.newTD(at, new(big.Int).Add(big.NewInt(tdMicros(x)), big.NewInt(tdMicros(y))), false)
			case "-":
				return m.newTD(at, new(big.Int).Sub(big.NewInt(tdMicros(x)), big.NewInt(tdMicros(y))), false)
			case "/":
				if tdMicros(y) == 0 {
					panic(m.raise(at, "ZeroDivisionError", "division by zero"))
				}
				f, _ := new(big.Rat).SetFrac(big.NewInt(tdMicros(x)), big.NewInt(tdMicros(y))).Float64()
				return value.Float(f)
			case "//":
				if tdMicros(y) == 0 {
					panic(m.raise(at, "ZeroDivisionError", "integer division or modulo by zero"))
				}
				q, _ := floorDivMod(big.NewInt(tdMicros(x)), big.NewInt(tdMicros(y)))
				return value.Int{V: q}
			case "%":
				if tdMicros(y) == 0 {
					panic(m.raise(at, "ZeroDivisionError", "integer modulo by zero"))
				}
				_, r := floorDivMod(big.NewInt(tdMicros(x)), big.NewInt(tdMicros(y)))
				return m.newTD(at, r, false)
			}
		case value.Int, value.Bool:
			n, _ := value.AsInt(y)
			switch op {
			case "*":
				return m.newTD(at, new(big.Int).Mul(big.NewInt(tdMicros(x)), n), false)
			case "//":
				if n.Sign() == 0 {
					panic(m.raise(at, "ZeroDivisionError", "integer division or modulo by zero"))
				}
				q, _ := floorDivMod(big.NewInt(tdMicros(x)), n)
				return m.newTD(at, q, false)
			case "/":
				if n.Sign() == 0 {
					panic(m.raise(at, "ZeroDivisionError", "integer division or modulo by zero"))
				}
				return m.newTD(at, roundHalfEvenRat(new(big.Rat).SetFrac(big.NewInt(tdMicros(x)), n)), false)
			}
		case value.Float:
			switch op {
			case "*", "/":
				if op == "/" && y == 0 {
					panic(m.raise(at, "ZeroDivisionError", "integer division or modulo by zero"))
				}
				if math.IsInf(float64(y), 0) || math.IsNaN(float64(y)) {
					panic(m.raise(at, "ValueError", "cannot convert float %s to integer ratio", pyfmt.ReprFloat(float64(y))))
				}
				r := new(big.Rat).SetInt64(tdMicros(x))
				f := new(big.Rat).SetFloat64(float64(y))
				if op == "*" {
					r.Mul(r, f)
				} else {
					r.Quo(r, f)
				}
				return m.newTD(at, roundHalfEvenRat(r), false)
			}
		case value.Datetime:
			if op == "+" {
				return m.dateOp(at, "+", b, a)
			}
		case value.Date:
			if op == "+" {
				return m.dateOp(at, "+", b, a)
			}
		}
	case value.Int, value.Bool:
		if y, ok := b.(value.Timedelta); ok && op == "*" {
			return m.dateOp(at, "*", y, a)
		}
	case value.Float:
		if y, ok := b.(value.Timedelta); ok && op == "*" {
			return m.dateOp(at, "*", y, a)
		}
	case value.Datetime:
		switch y := b.(type) {
		case value.Timedelta:
			us := localMicros(x)
			switch op {
			case "+":
				us.Add(us, big.NewInt(tdMicros(y)))
			case "-":
				us.Sub(us, big.NewInt(tdMicros(y)))
			default:
				return nil
			}
			return m.dtFromMicros(at, us, x)
		case value.Datetime:
			if op != "-" {
				return nil
			}
			if (x.TZ == "") != (y.TZ == "") {
				panic(m.raise(at, "TypeError", "can't subtract offset-naive and offset-aware datetimes"))
			}
			return m.newTD(at, new(big.Int).Sub(dtMicros(x), dtMicros(y)), false)
		}
	case value.Date:
		switch y := b.(type) {
		case value.Timedelta:
			days := daysFromCivil(x.Year, x.Month, x.Day)
			switch op {
			case "+":
				days += y.Days
			case "-":
				days -= y.Days
			default:
				return nil
			}
			if days < 0 || days > 3652058 {
				panic(m.raise(at, "OverflowError", "date value out of range"))
			}
			yy, mo, d := civilFromDays(days)
			return value.Date{Year: yy, Month: mo, Day: d}
		case value.Date:
			if op != "-" {
				return nil
			}
			days := daysFromCivil(x.Year, x.Month, x.Day) - daysFromCivil(y.Year, y.Month, y.Day)
			return value.Timedelta{Days: days}
		}
	}
	return nil
}

// roundHalfEvenRat is r rounded to an integer, halves to the even one, as
// Python rounds (round(), timedelta to whole microseconds).
func roundHalfEvenRat(r *big.Rat) *big.Int {
	num, den := r.Num(), r.Denom()
	q, rem := new(big.Int).QuoRem(num, den, new(big.Int))
	twice := new(big.Int).Mul(new(big.Int).Abs(rem), big.NewInt(2))
	if cmp := twice.Cmp(den); cmp > 0 || cmp == 0 && q.Bit(0) == 1 {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}

func daysIn(y, mo int) int {
	switch mo {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// datetimeCtor is datetime.datetime(year, month, day, hour, minute,
// second, microsecond, tzinfo).
func datetimeCtor(pendulum bool) func(c *call) value.Value {
	return func(c *call) value.Value {
		names := []string{"year", "month", "day", "hour", "minute", "second", "microsecond", "tzinfo"}
		if pendulum {
			names = []string{"year", "month", "day", "hour", "minute", "second", "microsecond", "tz"}
		}
		c.onlyKwargs(append(names, "fold")...)
		c.arity(0, 8)
		vals := make([]int, 7)
		for i := 0; i < 7; i++ {
			v, ok := c.param(i, names[i])
			if !ok {
				if i < 3 {
					panic(c.raise("TypeError", "function missing required argument '%s' (pos %d)", names[i], i+1))
				}
				continue
			}
			n, isInt := value.AsInt(v)
			if !isInt {
				panic(c.raise("TypeError", "'%s' object cannot be interpreted as an integer", typeName(v)))
			}
			if !n.IsInt64() || n.Int64() > math.MaxInt32 || n.Int64() < math.MinInt32 {
				panic(c.raise("OverflowError", "signed integer is greater than maximum"))
			}
			vals[i] = int(n.Int64())
		}
		d := value.Datetime{Year: vals[0], Month: vals[1], Day: vals[2], Hour: vals[3], Minute: vals[4], Second: vals[5], Micro: vals[6], Pendulum: pendulum}
		c.m.checkDate(c.at, d.Year, d.Month, d.Day)
		switch {
		case d.Hour < 0 || d.Hour > 23:
			panic(c.raise("ValueError", "hour must be in 0..23"))
		case d.Minute < 0 || d.Minute > 59:
			panic(c.raise("ValueError", "minute must be in 0..59"))
		case d.Second < 0 || d.Second > 59:
			panic(c.raise("ValueError", "second must be in 0..59"))
		case d.Micro < 0 || d.Micro > 999999:
			panic(c.raise("ValueError", "microsecond must be in 0..999999"))
		}
		tz, hasTZ := c.param(7, names[7])
		if pendulum && !hasTZ {
			tz, hasTZ = value.Str("UTC"), true
		}
		if hasTZ {
			switch t := tz.(type) {
			case value.NoneType:
			case *tzObj:
				d.TZ, d.UTCOffsetSeconds = t.name, t.offset
			case value.Str:
				if !pendulum || (t != "UTC" && t != "utc") {
					return c.m.unknown(c.at, "time zone %s is not supported (only UTC)", pyfmt.ReprStr(string(t)))
				}
				d.TZ = "UTC"
			default:
				panic(c.raise("TypeError", "tzinfo argument must be None or of a tzinfo subclass, not type '%s'", typeName(tz)))
			}
		}
		return d
	}
}

func (m *module) checkDate(at pysyntax.Node, y, mo, d int) {
	switch {
	case y < 1 || y > 9999:
		panic(m.raise(at, "ValueError", "year %d is out of range", y))
	case mo < 1 || mo > 12:
		panic(m.raise(at, "ValueError", "month must be in 1..12"))
	case d < 1 || d > daysIn(y, mo):
		panic(m.raise(at, "ValueError", "day is out of range for month"))
	}
}

func dateCtor(c *call) value.Value {
	c.onlyKwargs("year", "month", "day")
	c.arity(0, 3)
	vals := make([]int, 3)
	for i, name := range []string{"year", "month", "day"} {
		v, ok := c.param(i, name)
		if !ok {
			panic(c.raise("TypeError", "function missing required argument '%s' (pos %d)", name, i+1))
		}
		n, isInt := value.AsInt(v)
		if !isInt {
			panic(c.raise("TypeError", "'%s' object cannot be interpreted as an integer", typeName(v)))
		}
		if !n.IsInt64() || n.Int64() > math.MaxInt32 || n.Int64() < math.MinInt32 {
			panic(c.raise("OverflowError", "signed integer is greater than maximum"))
		}
		vals[i] = int(n.Int64())
	}
	c.m.checkDate(c.at, vals[0], vals[1], vals[2])
	return value.Date{Year: vals[0], Month: vals[1], Day: vals[2]}
}

func timeDependent(what string) func(c *call) value.Value {
	return func(c *call) value.Value {
		return c.m.unknown(c.at, "%s depends on the time the flow file is imported", what)
	}
}

func (s *session) datetimeAttr(a string) (value.Value, bool) {
	switch a {
	case "timedelta":
		return &typeObj{name: "timedelta", ctor: timedeltaCtor(false)}, true
	case "datetime":
		return &typeObj{name: "datetime", ctor: datetimeCtor(false)}, true
	case "date":
		return &typeObj{name: "date", ctor: dateCtor}, true
	case "timezone":
		return &typeObj{name: "timezone", ctor: func(c *call) value.Value {
			return c.m.unknown(c.at, "timezone() objects other than timezone.utc are not supported")
		}}, true
	}
	return nil, false
}

func (m *module) dateClassAttr(at pysyntax.Node, t *typeObj, name string) value.Value {
	switch {
	case t.name == "timezone" && name == "utc":
		return utc
	case name == "now" || name == "utcnow" || name == "today":
		return &builtin{name: t.name + "." + name, fn: timeDependent(t.name + "." + name + "()")}
	case name == "fromisoformat":
		return &builtin{name: name, fn: func(c *call) value.Value {
			c.noKwargs()
			c.arity(1, 1)
			s, ok := c.arg(0).(value.Str)
			if !ok {
				panic(c.raise("TypeError", "fromisoformat: argument must be str"))
			}
			d, ok := parseISO(string(s), false)
			if !ok || !isISOSubset(string(s)) {
				// Python 3.11 also reads basic (20230102T1000), week
				// (2023-W01-2) and hour-only forms, and its errors name
				// the bad field: neither is modeled.
				return c.m.unknown(c.at, "%s.fromisoformat(%s): only valid YYYY-MM-DD[(T| )HH:MM[:SS[.f]]][Z|±HH:MM|±HHMM] text is modeled", t.name, pyfmt.ReprStr(string(s)))
			}
			if t.name == "date" {
				if d.Hour != 0 || strings.ContainsAny(string(s), "T ") {
					panic(c.raise("ValueError", "Invalid isoformat string: %s", pyfmt.ReprStr(string(s))))
				}
				return value.Date{Year: d.Year, Month: d.Month, Day: d.Day}
			}
			return d
		}}
	}
	if t.name == "timezone" {
		return m.unknown(at, "timezone.%s is not supported", name)
	}
	return m.unknown(at, "%s.%s is not supported", t.name, name)
}

func (s *session) pendulumAttr(a string) (value.Value, bool) {
	switch a {
	case "duration":
		return &builtin{name: "duration", fn: timedeltaCtor(true)}, true
	case "datetime":
		return &builtin{name: "datetime", fn: datetimeCtor(true)}, true
	case "now", "today", "tomorrow", "yesterday":
		return &builtin{name: a, fn: timeDependent("pendulum." + a + "()")}, true
	case "UTC":
		return utc, true
	case "parse":
		return &builtin{name: "parse", fn: pendulumParse}, true
	}
	return nil, false
}

// pendulumParse is pendulum.parse(text) (also pendulum.parser.parse) for
// ISO 8601 text: a DateTime, in UTC when the text names no offset. Other
// text, offsets other than UTC and keyword arguments (tz=, strict=) are not
// modeled.
func pendulumParse(c *call) value.Value {
	if len(c.kwargs) > 0 {
		return c.m.unknown(c.at, "pendulum.parse() with keyword arguments is not supported")
	}
	c.arity(1, 1)
	s, ok := c.arg(0).(value.Str)
	if !ok {
		return c.m.unknown(c.at, "pendulum.parse() of a %s is not supported", typeName(c.arg(0)))
	}
	d, ok := parseISO(string(s), false)
	if !ok || (d.TZ != "" && d.UTCOffsetSeconds != 0) {
		return c.m.unknown(c.at, "pendulum.parse(%s): only ISO 8601 date/time text without an offset other than UTC is supported", pyfmt.ReprStr(string(s)))
	}
	d.TZ, d.UTCOffsetSeconds, d.Pendulum = "UTC", 0, true
	return d
}

// parseISO reads the ISO-like date/time text dateutil and fromisoformat
// accept in flow files: YYYY-MM-DD[(T| )HH:MM[:SS[.ffffff]]][Z|±HH[:]MM].
func parseISO(s string, dateutil bool) (value.Datetime, bool) {
	var d value.Datetime
	s = strings.TrimSpace(s)
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return d, false
	}
	num := func(t string) (int, bool) {
		for i := 0; i < len(t); i++ {
			if t[i] < '0' || t[i] > '9' {
				return 0, false
			}
		}
		n, err := strconv.Atoi(t)
		return n, err == nil && t != ""
	}
	var ok1, ok2, ok3 bool
	d.Year, ok1 = num(s[:4])
	d.Month, ok2 = num(s[5:7])
	d.Day, ok3 = num(s[8:10])
	if !ok1 || !ok2 || !ok3 || d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > daysIn(d.Year, d.Month) || d.Year < 1 {
		return d, false
	}
	rest := s[10:]
	if rest == "" {
		return d, true
	}
	if rest[0] != 'T' && rest[0] != ' ' {
		return d, false
	}
	rest = rest[1:]
	// time zone suffix
	tz := ""
	if strings.HasSuffix(rest, "Z") {
		tz, rest = "Z", rest[:len(rest)-1]
	} else if i := strings.LastIndexAny(rest, "+-"); i > 0 {
		tz, rest = rest[i:], rest[:i]
	}
	parts := strings.Split(rest, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return d, false
	}
	var ok bool
	if d.Hour, ok = num(parts[0]); !ok || len(parts[0]) != 2 || d.Hour > 23 {
		return d, false
	}
	if d.Minute, ok = num(parts[1]); !ok || len(parts[1]) != 2 || d.Minute > 59 {
		return d, false
	}
	if len(parts) == 3 {
		sec := parts[2]
		frac := ""
		if i := strings.IndexByte(sec, '.'); i >= 0 {
			sec, frac = sec[:i], sec[i+1:]
			if frac == "" || len(frac) > 6 {
				return d, false
			}
		}
		if d.Second, ok = num(sec); !ok || len(sec) != 2 || d.Second > 59 {
			return d, false
		}
		if frac != "" {
			f, ok := num(frac)
			if !ok {
				return d, false
			}
			for i := len(frac); i < 6; i++ {
				f *= 10
			}
			d.Micro = f
		}
	}
	switch {
	case tz == "":
	case tz == "Z":
		d.TZ = "UTC"
		if dateutil {
			d.TZ = "tzutc()"
		}
	default:
		sign := 1
		if tz[0] == '-' {
			sign = -1
		}
		t := strings.ReplaceAll(tz[1:], ":", "")
		if len(t) != 4 {
			return d, false
		}
		h, ok1 := num(t[:2])
		mm, ok2 := num(t[2:])
		if !ok1 || !ok2 || h > 23 || mm > 59 {
			return d, false
		}
		d.UTCOffsetSeconds = sign * (h*3600 + mm*60)
		if dateutil {
			if d.UTCOffsetSeconds == 0 {
				d.TZ = "tzutc()"
			} else {
				d.TZ = fmt.Sprintf("tzoffset(None, %d)", d.UTCOffsetSeconds)
			}
		} else if d.UTCOffsetSeconds == 0 {
			d.TZ = "UTC"
		} else {
			d.TZ = "UTC" + utcOffset(d.UTCOffsetSeconds, ":")
		}
	}
	return d, true
}

func dateutilParse(c *call) value.Value {
	if len(c.kwargs) > 0 {
		return c.m.unknown(c.at, "dateutil.parser.parse() with keyword arguments is not supported")
	}
	c.arity(1, 1)
	s, ok := c.arg(0).(value.Str)
	if !ok {
		panic(c.raise("TypeError", "Parser must be a string or character stream, not %s", typeName(c.arg(0))))
	}
	d, ok := parseISO(string(s), true)
	if !ok {
		return c.m.unknown(c.at, "dateutil.parser.parse(%s): only ISO 8601 date/time text is supported", pyfmt.ReprStr(string(s)))
	}
	return d
}

// dateAttr is an attribute or method of a timedelta, datetime or date.
func (m *module) dateAttr(at pysyntax.Node, v value.Value, name string) value.Value {
	meth := func(fn func(c *call) value.Value) value.Value {
		return &builtin{name: typeName(v) + "." + name, fn: fn}
	}
	switch x := v.(type) {
	case value.Timedelta:
		switch name {
		case "days":
			return value.NewInt(x.Days)
		case "seconds":
			return value.NewInt(x.Seconds)
		case "microseconds":
			return value.NewInt(x.Microseconds)
		case "total_seconds":
			return meth(func(c *call) value.Value {
				c.arity(0, 0)
				f, _ := new(big.Rat).SetFrac(big.NewInt(tdMicros(x)), big.NewInt(1_000_000)).Float64()
				return value.Float(f)
			})
		}
	case value.Datetime:
		switch name {
		case "year":
			return value.NewInt(int64(x.Year))
		case "month":
			return value.NewInt(int64(x.Month))
		case "day":
			return value.NewInt(int64(x.Day))
		case "hour":
			return value.NewInt(int64(x.Hour))
		case "minute":
			return value.NewInt(int64(x.Minute))
		case "second":
			return value.NewInt(int64(x.Second))
		case "microsecond":
			return value.NewInt(int64(x.Micro))
		case "isoformat":
			return meth(func(c *call) value.Value {
				c.onlyKwargs("sep")
				c.arity(0, 1)
				sep := "T"
				if s, ok := c.param(0, "sep"); ok {
					ss, ok := s.(value.Str)
					if !ok || pyfmt.RuneCount(string(ss)) != 1 {
						panic(c.raise("TypeError", "isoformat() argument 1 must be a unicode character, not %s", typeName(s)))
					}
					sep = string(ss)
				}
				return value.Str(isoDatetime(x, sep))
			})
		case "date":
			return meth(func(c *call) value.Value { c.arity(0, 0); return value.Date{Year: x.Year, Month: x.Month, Day: x.Day} })
		case "strftime":
			return meth(func(c *call) value.Value {
				c.noKwargs()
				c.arity(1, 1)
				f, ok := c.arg(0).(value.Str)
				if !ok {
					panic(c.raise("TypeError", "strftime() argument 1 must be str, not %s", typeName(c.arg(0))))
				}
				return value.Str(c.m.strftime(c.at, x, string(f)))
			})
		case "timestamp":
			if x.TZ != "" {
				return meth(func(c *call) value.Value {
					us := new(big.Int).Sub(dtMicros(x), big.NewInt(daysFromCivil(1970, 1, 1)*86400_000_000))
					f, _ := new(big.Rat).SetFrac(us, big.NewInt(1_000_000)).Float64()
					return value.Float(f)
				})
			}
			return m.unknown(at, "timestamp() of a naive datetime depends on the local time zone")
		case "replace":
			return meth(func(c *call) value.Value {
				c.noPositional()
				out := x
				fields := map[string]*int{"year": &out.Year, "month": &out.Month, "day": &out.Day, "hour": &out.Hour, "minute": &out.Minute, "second": &out.Second, "microsecond": &out.Micro}
				for _, k := range c.kwargs {
					if p, ok := fields[k.name]; ok {
						n, isInt := value.AsInt(c.m.need(k.v))
						if !isInt || !n.IsInt64() {
							panic(c.raise("TypeError", "'%s' object cannot be interpreted as an integer", typeName(k.v)))
						}
						*p = int(n.Int64())
						continue
					}
					if k.name == "tzinfo" {
						switch t := c.m.need(k.v).(type) {
						case value.NoneType:
							out.TZ, out.UTCOffsetSeconds = "", 0
						case *tzObj:
							out.TZ, out.UTCOffsetSeconds = t.name, t.offset
						default:
							panic(c.raise("TypeError", "tzinfo argument must be None or of a tzinfo subclass, not type '%s'", typeName(t)))
						}
						continue
					}
					panic(c.raise("TypeError", "'%s' is an invalid keyword argument for replace()", k.name))
				}
				c.m.checkDate(c.at, out.Year, out.Month, out.Day)
				return out
			})
		}
	case value.Date:
		switch name {
		case "year":
			return value.NewInt(int64(x.Year))
		case "month":
			return value.NewInt(int64(x.Month))
		case "day":
			return value.NewInt(int64(x.Day))
		case "isoformat":
			return meth(func(c *call) value.Value { c.arity(0, 0); return value.Str(isoDate(x)) })
		case "strftime":
			return meth(func(c *call) value.Value {
				c.noKwargs()
				c.arity(1, 1)
				f, ok := c.arg(0).(value.Str)
				if !ok {
					panic(c.raise("TypeError", "strftime() argument 1 must be str, not %s", typeName(c.arg(0))))
				}
				return value.Str(c.m.strftime(c.at, value.Datetime{Year: x.Year, Month: x.Month, Day: x.Day}, string(f)))
			})
		}
	}
	return m.unknown(at, "%s.%s is not supported", typeName(v), name)
}

var (
	weekdays = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
	months   = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
)

// strftime formats with the C library's directives in the C locale.
func (m *module) strftime(at pysyntax.Node, d value.Datetime, f string) string {
	var b strings.Builder
	days := daysFromCivil(d.Year, d.Month, d.Day)
	wd := int((days%7 + 7) % 7) // 0001-01-01 is a Monday
	yday := int(days-daysFromCivil(d.Year, 1, 1)) + 1
	for i := 0; i < len(f); i++ {
		if f[i] != '%' || i+1 >= len(f) {
			b.WriteByte(f[i])
			continue
		}
		i++
		switch f[i] {
		case 'Y':
			b.WriteString(fmt.Sprintf("%d", d.Year))
		case 'y':
			b.WriteString(fmt.Sprintf("%02d", d.Year%100))
		case 'm':
			b.WriteString(fmt.Sprintf("%02d", d.Month))
		case 'd':
			b.WriteString(fmt.Sprintf("%02d", d.Day))
		case 'H':
			b.WriteString(fmt.Sprintf("%02d", d.Hour))
		case 'I':
			h := d.Hour % 12
			if h == 0 {
				h = 12
			}
			b.WriteString(fmt.Sprintf("%02d", h))
		case 'p':
			if d.Hour < 12 {
				b.WriteString("AM")
			} else {
				b.WriteString("PM")
			}
		case 'M':
			b.WriteString(fmt.Sprintf("%02d", d.Minute))
		case 'S':
			b.WriteString(fmt.Sprintf("%02d", d.Second))
		case 'f':
			b.WriteString(fmt.Sprintf("%06d", d.Micro))
		case 'j':
			b.WriteString(fmt.Sprintf("%03d", yday))
		case 'a':
			b.WriteString(weekdays[wd][:3])
		case 'A':
			b.WriteString(weekdays[wd])
		case 'w':
			b.WriteString(fmt.Sprintf("%d", (wd+1)%7))
		case 'u':
			b.WriteString(fmt.Sprintf("%d", wd+1))
		case 'b', 'h':
			b.WriteString(months[d.Month-1][:3])
		case 'B':
			b.WriteString(months[d.Month-1])
		case 'z':
			if d.TZ != "" {
				b.WriteString(utcOffset(d.UTCOffsetSeconds, ""))
			}
		case 'Z':
			if d.TZ == "UTC" {
				b.WriteString("UTC")
			} else if d.TZ != "" {
				panic(unknownSignal{m.unknown(at, "%%Z of time zone %s is not supported", d.TZ)})
			}
		case 'F':
			b.WriteString(fmt.Sprintf("%d-%02d-%02d", d.Year, d.Month, d.Day))
		case 'T':
			b.WriteString(fmt.Sprintf("%02d:%02d:%02d", d.Hour, d.Minute, d.Second))
		case '%':
			b.WriteByte('%')
		default:
			panic(unknownSignal{m.unknown(at, "strftime directive %%%c is not supported", f[i])})
		}
	}
	return b.String()
}
