package eval

import (
	"errors"
	"math/big"
	"strings"

	"github.com/flowplan/flowplan/extractor/internal/pyfmt"
	"github.com/flowplan/flowplan/extractor/internal/pysyntax"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

// maxIntDigits is CPython 3.11's limit for int to str conversion.
const maxIntDigits = 4300

func (m *module) intStr(at pysyntax.Node, i *big.Int) string {
	if i.BitLen() > 14000 { // more than 4300 decimal digits for sure past ~14287 bits
		s := i.String()
		digits := len(s)
		if i.Sign() < 0 {
			digits--
		}
		if digits > maxIntDigits {
			panic(m.raise(at, "ValueError", "Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit"))
		}
		return s
	}
	return i.String()
}

// str is Python's str(v).
func (m *module) str(at pysyntax.Node, v value.Value) string {
	switch x := m.need(v).(type) {
	case value.Str:
		return string(x)
	case value.Float:
		return pyfmt.ReprFloat(float64(x))
	case value.Timedelta:
		if x.Pendulum {
			panic(unknownSignal{m.unknown(at, "str() of a pendulum Duration is not supported")})
		}
		return tdStr(x)
	case value.Datetime:
		if x.Pendulum {
			return isoDatetime(x, "T")
		}
		return isoDatetime(x, " ")
	case value.Date:
		return isoDate(x)
	case *tzObj:
		return x.name
	case *value.EnumMember:
		return x.Str
	case *exceptionObj:
		return m.excStr(at, x)
	case *value.Instance:
		if def := m.s.models[x.Class]; def != nil && x.Fields != nil && !def.dataclass {
			return m.modelStr(at, x)
		}
	}
	return m.repr(at, v)
}

// repr is Python's repr(v).
func (m *module) repr(at pysyntax.Node, v value.Value) string {
	var b strings.Builder
	m.writeRepr(at, &b, v, 0)
	return b.String()
}

func (m *module) writeRepr(at pysyntax.Node, b *strings.Builder, v value.Value, depth int) {
	if depth > maxCallDepth {
		panic(m.raise(at, "RecursionError", "maximum recursion depth exceeded while getting the repr of an object"))
	}
	if b.Len() > maxStrLen {
		panic(m.raise(at, "LimitExceeded", "a string of more than %d bytes is refused", maxStrLen))
	}
	v = m.need(m.checkTaint(v))
	switch x := v.(type) {
	case value.NoneType:
		b.WriteString("None")
	case value.Bool:
		if x {
			b.WriteString("True")
		} else {
			b.WriteString("False")
		}
	case value.Int:
		b.WriteString(m.intStr(at, x.V))
	case value.Float:
		b.WriteString(pyfmt.ReprFloat(float64(x)))
	case value.Str:
		b.WriteString(pyfmt.ReprStr(string(x)))
	case value.Bytes:
		b.WriteString(pyfmt.ReprBytes(string(x)))
	case *value.List:
		b.WriteByte('[')
		for i, e := range x.Elems {
			if i > 0 {
				b.WriteString(", ")
			}
			m.writeRepr(at, b, e, depth+1)
		}
		b.WriteByte(']')
	case *value.Tuple:
		b.WriteByte('(')
		for i, e := range x.Elems {
			if i > 0 {
				b.WriteString(", ")
			}
			m.writeRepr(at, b, e, depth+1)
		}
		if len(x.Elems) == 1 {
			b.WriteByte(',')
		}
		b.WriteByte(')')
	case *value.Dict:
		b.WriteByte('{')
		for i, k := range x.Keys {
			if i > 0 {
				b.WriteString(", ")
			}
			m.writeRepr(at, b, k, depth+1)
			b.WriteString(": ")
			m.writeRepr(at, b, x.Vals[i], depth+1)
		}
		b.WriteByte('}')
	case *value.Set:
		if len(x.Elems) > 1 {
			panic(unknownSignal{m.unknown(at, "the repr of a %s depends on CPython's hash order", typeName(x))})
		}
		if len(x.Elems) == 0 {
			b.WriteString(typeName(x) + "()")
			return
		}
		if x.Frozen {
			b.WriteString("frozenset(")
		}
		b.WriteByte('{')
		m.writeRepr(at, b, x.Elems[0], depth+1)
		b.WriteByte('}')
		if x.Frozen {
			b.WriteByte(')')
		}
	case *dictView:
		b.WriteString(x.kind + "(")
		m.writeRepr(at, b, &value.List{Elems: m.iterate(at, x)}, depth+1)
		b.WriteByte(')')
	case *rangeObj:
		b.WriteString("range(" + x.start.String() + ", " + x.stop.String())
		if x.step.Cmp(big.NewInt(1)) != 0 {
			b.WriteString(", " + x.step.String())
		}
		b.WriteByte(')')
	case value.Timedelta:
		if x.Pendulum {
			panic(unknownSignal{m.unknown(at, "repr() of a pendulum Duration is not supported")})
		}
		b.WriteString(tdRepr(x))
	case value.Datetime:
		if x.Pendulum {
			panic(unknownSignal{m.unknown(at, "repr() of a pendulum DateTime is not supported")})
		}
		b.WriteString(m.dtRepr(at, x))
	case value.Date:
		b.WriteString("datetime.date(" + itoa(x.Year) + ", " + itoa(x.Month) + ", " + itoa(x.Day) + ")")
	case *tzObj:
		b.WriteString(x.repr)
	case *typeObj:
		b.WriteString("<class '" + x.name + "'>")
	case *excClass:
		b.WriteString(m.excClassRepr(at, x))
	case *exceptionObj:
		b.WriteString(m.excRepr(at, x))
	case *value.EnumMember:
		m.enumRepr(at, b, x, depth)
	case *value.Class:
		if m.enumRepr(at, b, x, depth) {
			return
		}
		var mod string
		if strings.HasPrefix(x.ID, "local:") {
			mod = strings.TrimPrefix(x.ID, "local:")
			mod = mod[:strings.LastIndexByte(mod, '.')]
		} else {
			panic(unknownSignal{m.unknown(at, "the repr of class %s names its defining module, which is not known", x.Name)})
		}
		b.WriteString("<class '" + mod + "." + x.Name + "'>")
	case *value.Instance:
		if def := m.s.models[x.Class]; def != nil && x.Fields != nil {
			m.modelRepr(at, b, def, x, depth)
			return
		}
		panic(unknownSignal{m.unknown(at, "the repr of a %s instance is not known statically", x.Class.Name)})
	default:
		panic(unknownSignal{m.unknown(at, "the repr of a %s object (it shows a memory address) is not known statically", typeName(v))})
	}
}

func itoa(i int) string { return big.NewInt(int64(i)).String() }

// format is Python's format(v, spec).
func (m *module) format(at pysyntax.Node, v value.Value, spec string) string {
	v = m.need(v)
	var s string
	var err error
	switch x := v.(type) {
	case value.Str:
		s, err = pyfmt.FormatStr(string(x), spec)
	case value.Bool:
		s, err = pyfmt.FormatBool(bool(x), spec)
	case value.Int:
		s, err = pyfmt.FormatInt(x.V, spec)
	case value.Float:
		s, err = pyfmt.FormatFloat(float64(x), spec)
	case *value.EnumMember:
		return m.enumFormat(at, x, spec)
	case value.Datetime:
		if spec == "" {
			return m.str(at, x)
		}
		return m.strftime(at, x, spec)
	case value.Date:
		if spec == "" {
			return m.str(at, x)
		}
		return m.strftime(at, value.Datetime{Year: x.Year, Month: x.Month, Day: x.Day}, spec)
	default:
		if spec != "" {
			panic(m.raise(at, "TypeError", "unsupported format string passed to %s.__format__", typeName(v)))
		}
		return m.str(at, v)
	}
	if err != nil {
		panic(m.fmtErr(at, err))
	}
	return s
}

// fmtErr turns a pyfmt error into the Python exception.
func (m *module) fmtErr(at pysyntax.Node, err error) *pyExc {
	var pe *pyfmt.Error
	if errors.As(err, &pe) {
		if pe.Type == pyfmt.LimitExceeded {
			return m.raise(at, "LimitExceeded", "%s", pe.Msg)
		}
		return m.raise(at, pe.Type, "%s", pe.Msg)
	}
	return m.raise(at, "ValueError", "%v", err)
}

// convert applies !r, !s or !a.
func (m *module) convert(at pysyntax.Node, v value.Value, conv byte) value.Value {
	switch conv {
	case 'r':
		return value.Str(m.repr(at, v))
	case 's':
		return value.Str(m.str(at, v))
	case 'a':
		return value.Str(pyfmt.BackslashReplace(m.repr(at, v)))
	}
	return v
}

func (m *module) fstring(e *pysyntax.FString) string {
	var b strings.Builder
	for _, p := range e.Parts {
		if p.Field == nil {
			b.WriteString(p.Lit)
			continue
		}
		f := p.Field
		v := m.need(m.ev(f.X))
		conv := f.Conv
		if f.Debug != "" {
			b.WriteString(f.Debug)
			if conv == 0 && f.Spec == nil {
				conv = 'r'
			}
		}
		v = m.convert(f, v, conv)
		spec := ""
		if f.Spec != nil {
			spec = m.fstring(f.Spec)
		}
		b.WriteString(m.format(f, v, spec))
		m.checkStr(e, b.Len())
	}
	return b.String()
}
