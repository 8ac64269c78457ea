package eval

import (
	"math/big"
	"strings"

	"github.com/flowplan/flowplan/extractor/pyfmt"
	"github.com/flowplan/flowplan/extractor/pysyntax"
	"github.com/flowplan/flowplan/extractor/value"
)

// strFormat is str.format(*args, **kwargs).
func (m *module) strFormat(at pysyntax.Node, format string, args []value.Value, kwargs *value.Dict, depth int) string {
	if depth > 2 {
		panic(m.raise(at, "ValueError", "Max string recursion exceeded"))
	}
	var b strings.Builder
	auto := 0
	mode := 0 // 0 unset, 1 automatic, 2 manual
	s := format
	for i := 0; i < len(s); {
		c := s[i]
		if c == '}' {
			if i+1 < len(s) && s[i+1] == '}' {
				b.WriteByte('}')
				i += 2
				continue
			}
			panic(m.raise(at, "ValueError", "Single '}' encountered in format string"))
		}
		if c != '{' {
			b.WriteByte(c)
			i++
			continue
		}
		if i+1 < len(s) && s[i+1] == '{' {
			b.WriteByte('{')
			i += 2
			continue
		}
		// find the matching close brace, allowing one level of nesting
		j := i + 1
		nest := 1
		for ; j < len(s); j++ {
			if s[j] == '{' {
				nest++
			} else if s[j] == '}' {
				nest--
				if nest == 0 {
					break
				}
			}
		}
		if j >= len(s) {
			if nest > 1 {
				panic(m.raise(at, "ValueError", "unmatched '{' in format spec"))
			}
			panic(m.raise(at, "ValueError", "expected '}' before end of string"))
		}
		field := s[i+1 : j]
		i = j + 1
		// split name, conversion, spec
		name, conv, spec := field, "", ""
		if k := indexOutsideBrackets(name, ':'); k >= 0 {
			name, spec = name[:k], name[k+1:]
		}
		if k := indexOutsideBrackets(name, '!'); k >= 0 {
			name, conv = name[:k], name[k+1:]
			if len(conv) != 1 {
				if conv == "" {
					panic(m.raise(at, "ValueError", "end of string while looking for conversion specifier"))
				}
				panic(m.raise(at, "ValueError", "expected ':' after conversion specifier"))
			}
		}
		// first part of the name: index, keyword or empty
		first := name
		rest := ""
		if k := strings.IndexAny(name, ".["); k >= 0 {
			first, rest = name[:k], name[k:]
		}
		var v value.Value
		if first == "" {
			if mode == 2 {
				panic(m.raise(at, "ValueError", "cannot switch from manual field specification to automatic field numbering"))
			}
			mode = 1
			if auto >= len(args) {
				panic(m.raise(at, "IndexError", "Replacement index %d out of range for positional args tuple", auto))
			}
			v = args[auto]
			auto++
		} else if n, ok := decimal(first); ok {
			if mode == 1 {
				panic(m.raise(at, "ValueError", "cannot switch from automatic field numbering to manual field specification"))
			}
			mode = 2
			if n >= len(args) {
				panic(m.raise(at, "IndexError", "Replacement index %d out of range for positional args tuple", n))
			}
			v = args[n]
		} else {
			var i int = -1
			if kwargs != nil {
				i = m.dictFind(at, kwargs, value.Str(first))
			}
			if i < 0 {
				panic(m.keyError(at, value.Str(first), ""))
			}
			v = kwargs.Vals[i]
		}
		for rest != "" {
			if rest[0] == '.' {
				k := strings.IndexAny(rest[1:], ".[")
				attr := rest[1:]
				if k >= 0 {
					attr, rest = rest[1:k+1], rest[k+1:]
				} else {
					rest = ""
				}
				if attr == "" {
					panic(m.raise(at, "ValueError", "Empty attribute in format string"))
				}
				v = m.getAttr(at, m.need(v), attr)
				continue
			}
			k := strings.IndexByte(rest, ']')
			if k < 0 {
				panic(m.raise(at, "ValueError", "Missing ']' in format string"))
			}
			key := rest[1:k]
			rest = rest[k+1:]
			if key == "" {
				panic(m.raise(at, "ValueError", "Empty attribute in format string"))
			}
			if rest != "" && rest[0] != '.' && rest[0] != '[' {
				panic(m.raise(at, "ValueError", "Only '.' or '[' may follow ']' in format field specifier"))
			}
			if n, ok := decimal(key); ok {
				v = m.getItem(at, m.need(v), value.NewInt(int64(n)))
			} else {
				v = m.getItem(at, m.need(v), value.Str(key))
			}
		}
		if conv != "" {
			switch conv[0] {
			case 'r', 's', 'a':
				v = m.convert(at, v, conv[0])
			default:
				panic(m.raise(at, "ValueError", "Unknown conversion specifier %s", conv))
			}
		}
		if strings.ContainsAny(spec, "{}") {
			// nested fields share the automatic numbering
			sub := m.strFormatNested(at, spec, args, kwargs, &auto, &mode, depth+1)
			spec = sub
		}
		b.WriteString(m.format(at, v, spec))
		m.checkStr(at, b.Len())
	}
	return b.String()
}

// strFormatNested expands the replacement fields inside a format spec.
func (m *module) strFormatNested(at pysyntax.Node, spec string, args []value.Value, kwargs *value.Dict, auto, mode *int, depth int) string {
	var b strings.Builder
	for i := 0; i < len(spec); i++ {
		if spec[i] != '{' {
			b.WriteByte(spec[i])
			continue
		}
		j := strings.IndexByte(spec[i:], '}')
		if j < 0 {
			panic(m.raise(at, "ValueError", "unmatched '{' in format spec"))
		}
		inner := spec[i : i+j+1]
		// format the single field with the shared numbering
		name := inner[1 : len(inner)-1]
		if name == "" {
			if *mode == 2 {
				panic(m.raise(at, "ValueError", "cannot switch from manual field specification to automatic field numbering"))
			}
			*mode = 1
			if *auto >= len(args) {
				panic(m.raise(at, "IndexError", "Replacement index %d out of range for positional args tuple", *auto))
			}
			b.WriteString(m.format(at, args[*auto], ""))
			*auto++
		} else {
			if _, ok := decimal(name); ok {
				if *mode == 1 {
					panic(m.raise(at, "ValueError", "cannot switch from automatic field numbering to manual field specification"))
				}
				*mode = 2
			}
			b.WriteString(m.strFormat(at, inner, args, kwargs, depth))
		}
		i += j
	}
	return b.String()
}

func indexOutsideBrackets(s string, c byte) int {
	in := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[':
			in = true
		case ']':
			in = false
		case c:
			if !in {
				return i
			}
		}
	}
	return -1
}

func decimal(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
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
			w, ok := asInt(m.need(nextArg()))
			if !ok {
				panic(m.raise(at, "TypeError", "* wants int"))
			}
			if !w.IsInt64() {
				panic(m.raise(at, "OverflowError", "Python int too large to convert to C ssize_t"))
			}
			c.SetWidth(w.Int64())
		}
		if c.StarPrec {
			pr, ok := asInt(m.need(nextArg()))
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
		switch c.Verb {
		case 'd', 'i', 'u', 'o', 'x', 'X':
			var i *big.Int
			if n, ok := asInt(v); ok {
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
				n, ok := asInt(v)
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
			s, err = c.PercentStr(asciiEscape(m.repr(at, v)))
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
