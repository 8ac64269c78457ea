package eval

import (
	"math/big"
	"strings"

	"github.com/flowplan/flowplan/extractor/internal/pyfmt"
	"github.com/flowplan/flowplan/extractor/internal/pysyntax"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

// strFormat is str.format(*args, **kwargs) (or format_map, with args
// nil), rendered from pyfmt's parse of the template as CPython's
// unicode_format.h renders it: pieces in order, each field looked up,
// accessed, converted, and formatted with its spec (itself rendered first
// when it holds fields, at most two levels deep).
func (m *module) strFormat(at pysyntax.Node, format string, args []value.Value, kwargs *value.Dict) string {
	return m.renderTemplate(at, format, args, kwargs, false, &pyfmt.AutoNumber{}, 2)
}

// strFormatMap is str.format_map(mapping).
func (m *module) strFormatMap(at pysyntax.Node, format string, mapping *value.Dict) string {
	return m.renderTemplate(at, format, nil, mapping, true, &pyfmt.AutoNumber{}, 2)
}

func (m *module) renderTemplate(at pysyntax.Node, tmpl string, args []value.Value, kwargs *value.Dict, mapOnly bool, auto *pyfmt.AutoNumber, recursion int) string {
	if recursion <= 0 {
		panic(m.fmtErr(at, pyfmt.RecursionError()))
	}
	pieces, perr := pyfmt.ParseTemplate(tmpl)
	var b strings.Builder
	for _, p := range pieces {
		if p.Field == nil {
			b.WriteString(p.Literal)
			continue
		}
		f := p.Field
		ref, err := auto.SplitFieldName(f.Name)
		if err != nil {
			panic(m.fmtErr(at, err))
		}
		var v value.Value
		if ref.Index >= 0 {
			if mapOnly {
				panic(m.raise(at, "ValueError", "Format string contains positional fields"))
			}
			if ref.Index >= len(args) {
				panic(m.raise(at, "IndexError", "Replacement index %d out of range for positional args tuple", ref.Index))
			}
			v = args[ref.Index]
		} else {
			i := -1
			if kwargs != nil {
				i = m.dictFind(at, kwargs, value.Str(ref.First))
			}
			if i < 0 {
				panic(m.keyError(at, value.Str(ref.First), ""))
			}
			v = kwargs.Vals[i]
		}
		for _, acc := range ref.Rest {
			switch {
			case acc.Attr:
				v = m.getAttr(at, m.need(v), acc.Name)
			case acc.Index >= 0:
				v = m.getItem(at, m.need(v), value.NewInt(int64(acc.Index)))
			default:
				v = m.getItem(at, m.need(v), value.Str(acc.Name))
			}
		}
		if ref.RestErr != nil {
			panic(m.fmtErr(at, ref.RestErr))
		}
		if f.Conversion != 0 {
			if err := pyfmt.ConversionError(f.Conversion); err != nil {
				panic(m.fmtErr(at, err))
			}
			v = m.convert(at, v, byte(f.Conversion))
		}
		spec := f.Spec
		if f.SpecHasFields {
			spec = m.renderTemplate(at, spec, args, kwargs, mapOnly, auto, recursion-1)
		}
		b.WriteString(m.format(at, v, spec))
		m.checkStr(at, b.Len())
	}
	if perr != nil {
		panic(m.fmtErr(at, perr))
	}
	return b.String()
}

// percentFormat is `format % args`.
func (m *module) percentFormat(at pysyntax.Node, format string, args value.Value) string {
	args = m.need(args)
	pieces, perr := pyfmt.ParsePercent(format)
	var positional []value.Value
	if x, ok := args.(*value.Tuple); ok {
		positional = x.Elems
	} else {
		positional = []value.Value{args}
	}
	var mapping *value.Dict
	isMapping := false // CPython's PyMapping_Check: dicts, but lists too
	switch d := args.(type) {
	case *value.Dict:
		mapping, isMapping = d, true
	case *value.List:
		isMapping = true
	}
	next := 0
	nextArg := func() value.Value {
		if next >= len(positional) {
			panic(m.raise(at, "TypeError", "not enough arguments for format string"))
		}
		v := positional[next]
		next++
		return v
	}
	var b strings.Builder
	for _, p := range pieces {
		if p.Conv == nil {
			b.WriteString(p.Literal)
			continue
		}
		c := *p.Conv
		var v value.Value
		if c.HasKey {
			if mapping == nil {
				panic(m.raise(at, "TypeError", "format requires a mapping"))
			}
			i := m.dictFind(at, mapping, value.Str(c.MappingKey))
			if i < 0 {
				panic(m.keyError(at, value.Str(c.MappingKey), ""))
			}
			v = mapping.Vals[i]
			// with a key, the mapping is not consumed positionally
			positional = nil
		}
		if c.StarWidth {
			w, ok := value.AsInt(m.need(nextArg()))
			if !ok {
				panic(m.raise(at, "TypeError", "* wants int"))
			}
			if !w.IsInt64() {
				panic(m.raise(at, "OverflowError", "Python int too large to convert to C ssize_t"))
			}
			c.SetWidth(w.Int64())
		}
		if c.StarPrec {
			pr, ok := value.AsInt(m.need(nextArg()))
			if !ok {
				panic(m.raise(at, "TypeError", "* wants int"))
			}
			if err := c.SetPrec(pr); err != nil {
				panic(m.fmtErr(at, err))
			}
		}
		if v == nil {
			v = nextArg()
		}
		v = m.need(v)
		if err := c.VerbError(); err != nil {
			panic(m.fmtErr(at, err))
		}
		var s string
		var err error
		if c.Verb != 's' && c.Verb != 'r' && c.Verb != 'a' {
			v = value.Plain(v) // a mixin enum member formats as its value
		}
		switch c.Verb {
		case 'd', 'i', 'u', 'o', 'x', 'X':
			var i *big.Int
			if n, ok := value.AsInt(v); ok {
				i = n
			} else if f, ok := v.(value.Float); ok && (c.Verb == 'd' || c.Verb == 'i' || c.Verb == 'u') {
				i, err = pyfmt.TruncateFloat(float64(f))
				if err != nil {
					panic(m.fmtErr(at, err))
				}
			} else if c.Verb == 'd' || c.Verb == 'i' || c.Verb == 'u' {
				panic(m.raise(at, "TypeError", "%%%c format: a real number is required, not %s", c.Verb, typeName(v)))
			} else {
				panic(m.raise(at, "TypeError", "%%%c format: an integer is required, not %s", c.Verb, typeName(v)))
			}
			s, err = c.PercentInt(i)
		case 'e', 'E', 'f', 'F', 'g', 'G':
			f, ok := m.toFloat(at, v)
			if !ok {
				panic(m.raise(at, "TypeError", "must be real number, not %s", typeName(v)))
			}
			s, err = c.PercentFloat(f)
		case 'c':
			switch x := v.(type) {
			case value.Str:
				rs := []rune(string(x))
				if len(rs) != 1 {
					panic(m.raise(at, "TypeError", "%%c requires int or char"))
				}
				s, err = c.PercentChar(rs[0])
			default:
				n, ok := value.AsInt(v)
				if !ok {
					panic(m.raise(at, "TypeError", "%%c requires int or char"))
				}
				if !n.IsInt64() || n.Int64() < 0 || n.Int64() > 0x10FFFF {
					panic(m.raise(at, "OverflowError", "%%c arg not in range(0x110000)"))
				}
				s, err = c.PercentChar(rune(n.Int64()))
			}
		case 's':
			s, err = c.PercentStr(m.str(at, v))
		case 'r':
			s, err = c.PercentStr(m.repr(at, v))
		case 'a':
			s, err = c.PercentStr(pyfmt.BackslashReplace(m.repr(at, v)))
		}
		if err != nil {
			panic(m.fmtErr(at, err))
		}
		b.WriteString(s)
		m.checkStr(at, b.Len())
	}
	if perr != nil {
		panic(m.fmtErr(at, perr))
	}
	if next < len(positional) && !isMapping {
		panic(m.raise(at, "TypeError", "not all arguments converted during string formatting"))
	}
	return b.String()
}
