package eval

import (
	"math"
	"math/big"
	"sort"
	"strings"

	"github.com/flowplan/flowplan/extractor/internal/pyfmt"
	"github.com/flowplan/flowplan/extractor/internal/pysyntax"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

// builtin returns the builtin named name, or nil.
func (s *session) builtin(name string) value.Value {
	if v := exceptionBuiltin(name); v != nil {
		return v
	}
	switch name {
	case "str", "int", "float", "bool", "list", "tuple", "dict", "set", "frozenset", "range", "bytes":
		return s.typeObj(name)
	}
	fn, ok := builtinFuncs[name]
	if !ok {
		return nil
	}
	return &builtin{name: name, fn: fn}
}

func (s *session) typeObj(name string) *typeObj {
	return &typeObj{name: name, ctor: typeCtors[name]}
}

var typeCtors map[string]func(c *call) value.Value

var builtinFuncs map[string]func(c *call) value.Value

func init() {
	typeCtors = map[string]func(c *call) value.Value{
		"str": func(c *call) value.Value {
			c.noKwargs()
			c.arity(0, 1)
			if len(c.args) == 0 {
				return value.Str("")
			}
			return value.Str(c.m.str(c.at, c.arg(0)))
		},
		"int":   plainArgs(ctorInt),
		"float": plainArgs(ctorFloat),
		"bool": func(c *call) value.Value {
			c.noKwargs()
			c.arity(0, 1)
			return value.Bool(len(c.args) == 1 && c.m.truth(c.at, c.arg(0)))
		},
		"list":      func(c *call) value.Value { return &value.List{Elems: ctorSeq(c)} },
		"tuple":     func(c *call) value.Value { return &value.Tuple{Elems: ctorSeq(c)} },
		"set":       func(c *call) value.Value { return c.m.newSet(c.at, ctorSeqUnordered(c), false) },
		"frozenset": func(c *call) value.Value { return c.m.newSet(c.at, ctorSeqUnordered(c), true) },
		"dict":      ctorDict,
		"range":     plainArgs(ctorRange),
		"bytes": func(c *call) value.Value {
			return c.m.unknown(c.at, "bytes() is not supported")
		},
	}
	builtinFuncs = map[string]func(c *call) value.Value{
		"len":  fnLen,
		"repr": func(c *call) value.Value { c.noKwargs(); c.arity(1, 1); return value.Str(c.m.repr(c.at, c.arg(0))) },
		"ascii": func(c *call) value.Value {
			c.noKwargs()
			c.arity(1, 1)
			return value.Str(pyfmt.BackslashReplace(c.m.repr(c.at, c.arg(0))))
		},
		"format":     fnFormat,
		"abs":        plainArgs(fnAbs), // a mixin enum member acts as its value
		"divmod":     plainArgs(fnDivmod),
		"round":      plainArgs(fnRound),
		"min":        func(c *call) value.Value { return fnMinMax(c, -1) },
		"max":        func(c *call) value.Value { return fnMinMax(c, 1) },
		"sum":        fnSum,
		"any":        func(c *call) value.Value { return fnAnyAll(c, true) },
		"all":        func(c *call) value.Value { return fnAnyAll(c, false) },
		"sorted":     fnSorted,
		"reversed":   fnReversed,
		"enumerate":  fnEnumerate,
		"zip":        fnZip,
		"isinstance": fnIsinstance,
		"type":       fnType,
		"getattr":    fnGetattr,
		"super":      fnSuper,
		"setattr":    fnSetattr,
		"print": func(c *call) value.Value {
			for _, a := range c.args {
				c.m.str(c.at, c.m.need(a))
			}
			return value.None
		},
		"map": fnMap,
		"chr": func(c *call) value.Value {
			c.noKwargs()
			c.arity(1, 1)
			i, ok := value.AsInt(value.Plain(c.arg(0)))
			if !ok {
				panic(c.raise("TypeError", "'%s' object cannot be interpreted as an integer", typeName(c.arg(0))))
			}
			if !i.IsInt64() || i.Int64() < 0 || i.Int64() > 0x10FFFF {
				panic(c.raise("ValueError", "chr() arg not in range(0x110000)"))
			}
			if i.Int64() >= 0xD800 && i.Int64() <= 0xDFFF {
				return c.m.unknown(c.at, "lone surrogates cannot be represented")
			}
			return value.Str(string(rune(i.Int64())))
		},
		"ord": func(c *call) value.Value {
			c.noKwargs()
			c.arity(1, 1)
			s, ok := value.Plain(c.arg(0)).(value.Str)
			rs := []rune(string(s))
			if !ok || len(rs) != 1 {
				panic(c.raise("TypeError", "ord() expected a character"))
			}
			return value.NewInt(int64(rs[0]))
		},
	}
}

func ctorInt(c *call) value.Value {
	c.onlyKwargs("base")
	c.arity(0, 2)
	if len(c.args) == 0 {
		return value.NewInt(0)
	}
	x := c.arg(0)
	baseV, hasBase := c.param(1, "base")
	base := int64(10)
	if hasBase {
		b, ok := value.AsInt(baseV)
		if !ok {
			panic(c.raise("TypeError", "'%s' object cannot be interpreted as an integer", typeName(baseV)))
		}
		if !b.IsInt64() || (b.Int64() != 0 && (b.Int64() < 2 || b.Int64() > 36)) {
			panic(c.raise("ValueError", "int() base must be >= 2 and <= 36, or 0"))
		}
		base = b.Int64()
	}
	switch v := x.(type) {
	case value.Int:
		if hasBase {
			panic(c.raise("TypeError", "int() can't convert non-string with explicit base"))
		}
		return v
	case value.Bool:
		if hasBase {
			panic(c.raise("TypeError", "int() can't convert non-string with explicit base"))
		}
		i, _ := value.AsInt(v)
		return value.Int{V: i}
	case value.Float:
		if hasBase {
			panic(c.raise("TypeError", "int() can't convert non-string with explicit base"))
		}
		i, err := pyfmt.TruncateFloat(float64(v))
		if err != nil {
			panic(c.m.fmtErr(c.at, err))
		}
		return value.Int{V: i}
	case value.Str:
		i, ok := parsePyInt(string(v), int(base))
		if !ok {
			panic(c.raise("ValueError", "invalid literal for int() with base %d: %s", base, reprTrunc(string(v))))
		}
		digits := len(strings.TrimLeft(i.String(), "-"))
		if digits > maxIntDigits && base == 10 {
			panic(c.raise("ValueError", "Exceeds the limit (4300 digits) for integer string conversion: value has %d digits; use sys.set_int_max_str_digits() to increase the limit", digits))
		}
		return value.Int{V: i}
	}
	panic(c.raise("TypeError", "int() argument must be a string, a bytes-like object or a real number, not '%s'", typeName(x)))
}

// parsePyInt parses int(s, base) text: surrounding whitespace, a sign,
// underscores between digits, and a prefix matching the base (or any prefix
// for base 0, where leading zeros are refused).
func parsePyInt(s string, base int) (*big.Int, bool) {
	s = strings.TrimFunc(s, pyIsSpace)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if len(s) >= 2 && s[0] == '0' {
		p := s[1] | 0x20
		pb := map[byte]int{'x': 16, 'o': 8, 'b': 2}[p]
		if pb != 0 && (base == 0 || base == pb) {
			s = s[2:]
			base = pb
			s = strings.TrimPrefix(s, "_")
		}
	}
	if base == 0 {
		if len(s) > 1 && s[0] == '0' && strings.Trim(s, "0_") != "" {
			return nil, false
		}
		base = 10
	}
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return nil, false
	}
	clean := strings.ReplaceAll(s, "_", "")
	for _, r := range clean {
		if r >= 0x80 {
			// Unicode digits are accepted by Python; map them to ASCII.
			clean = mapUnicodeDigits(clean)
			break
		}
	}
	i, ok := new(big.Int).SetString(clean, base)
	if !ok {
		return nil, false
	}
	if neg {
		i.Neg(i)
	}
	return i, true
}

func mapUnicodeDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if d := unicodeDigit(r); d >= 0 {
			b.WriteByte(byte('0' + d))
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func ctorFloat(c *call) value.Value {
	c.noKwargs()
	c.arity(0, 1)
	if len(c.args) == 0 {
		return value.Float(0)
	}
	switch v := c.arg(0).(type) {
	case value.Float:
		return v
	case value.Int, value.Bool:
		f, _ := c.m.toFloat(c.at, v)
		return value.Float(f)
	case value.Str:
		f, ok := parsePyFloat(string(v))
		if !ok {
			panic(c.raise("ValueError", "could not convert string to float: %s", pyfmt.ReprStr(string(v))))
		}
		return value.Float(f)
	}
	panic(c.raise("TypeError", "float() argument must be a string or a real number, not '%s'", typeName(c.arg(0))))
}

func ctorSeq(c *call) []value.Value {
	c.noKwargs()
	c.arity(0, 1)
	if len(c.args) == 0 {
		return nil
	}
	elems := c.m.iterate(c.at, c.arg(0))
	return append([]value.Value(nil), elems...)
}

func ctorSeqUnordered(c *call) []value.Value {
	c.noKwargs()
	c.arity(0, 1)
	if len(c.args) == 0 {
		return nil
	}
	return c.m.iterateUnordered(c.at, c.arg(0))
}

func ctorDict(c *call) value.Value {
	c.arity(0, 1)
	d := &value.Dict{}
	if len(c.args) == 1 {
		c.m.dictUpdate(c.at, d, c.arg(0))
	}
	for _, k := range c.kwargs {
		c.m.dictSet(c.at, d, value.Str(k.name), k.v)
	}
	return d
}

func ctorRange(c *call) value.Value {
	c.noKwargs()
	c.arity(1, 3)
	ints := make([]*big.Int, len(c.args))
	for i := range c.args {
		v, ok := value.AsInt(c.arg(i))
		if !ok {
			panic(c.raise("TypeError", "'%s' object cannot be interpreted as an integer", typeName(c.arg(i))))
		}
		ints[i] = v
	}
	r := &rangeObj{start: big.NewInt(0), step: big.NewInt(1)}
	switch len(ints) {
	case 1:
		r.stop = ints[0]
	case 2:
		r.start, r.stop = ints[0], ints[1]
	case 3:
		r.start, r.stop, r.step = ints[0], ints[1], ints[2]
		if r.step.Sign() == 0 {
			panic(c.raise("ValueError", "range() arg 3 must not be zero"))
		}
	}
	return r
}

func fnLen(c *call) value.Value {
	c.noKwargs()
	c.arity(1, 1)
	if n, ok := c.m.enumLen(c.arg(0)); ok {
		return value.NewInt(int64(n))
	}
	switch x := value.Plain(c.arg(0)).(type) {
	case value.Str:
		return value.NewInt(int64(pyfmt.RuneCount(string(x))))
	case value.Bytes:
		return value.NewInt(int64(len(x)))
	case *value.List:
		return value.NewInt(int64(len(x.Elems)))
	case *value.Tuple:
		return value.NewInt(int64(len(x.Elems)))
	case *value.Set:
		return value.NewInt(int64(len(x.Elems)))
	case *value.Dict:
		return value.NewInt(int64(x.Len()))
	case *dictView:
		return value.NewInt(int64(x.d.Len()))
	case *rangeObj:
		return value.Int{V: rangeLen(x)}
	}
	panic(c.raise("TypeError", "object of type '%s' has no len()", typeName(c.arg(0))))
}

func fnFormat(c *call) value.Value {
	c.noKwargs()
	c.arity(1, 2)
	spec := ""
	if len(c.args) == 2 {
		s, ok := c.arg(1).(value.Str)
		if !ok {
			panic(c.raise("TypeError", "format() argument 2 must be str, not %s", typeName(c.arg(1))))
		}
		spec = string(s)
	}
	return value.Str(c.m.format(c.at, c.arg(0), spec))
}

// fnDivmod is divmod(a, b): for numbers and timedeltas it is exactly
// (a // b, a % b), CPython computing both from the same divmod.
func fnDivmod(c *call) value.Value {
	c.noKwargs()
	c.arity(2, 2)
	a, b := c.arg(0), c.arg(1)
	_, td1 := a.(value.Timedelta)
	_, td2 := b.(value.Timedelta)
	if !(isNumber(a) && isNumber(b)) && !(td1 && td2) {
		panic(c.raise("TypeError", "unsupported operand type(s) for divmod(): '%s' and '%s'", typeName(a), typeName(b)))
	}
	_, f1 := a.(value.Float)
	_, f2 := b.(value.Float)
	if y, ok := c.m.toFloat(c.at, b); ok && (f1 || f2) && y == 0 {
		panic(c.raise("ZeroDivisionError", "float divmod()"))
	}
	return &value.Tuple{Elems: []value.Value{c.m.binary(c.at, "//", a, b), c.m.binary(c.at, "%", a, b)}}
}

func isNumber(v value.Value) bool {
	switch v.(type) {
	case value.Int, value.Bool, value.Float:
		return true
	}
	return false
}

// unsupportedBuiltins are the names of Python's builtins the extractor does
// not evaluate: using one gives an Unknown, not a NameError.
const unsupportedBuiltins = " aiter anext bin breakpoint bytearray callable classmethod compile complex copyright credits delattr dir eval exec exit filter globals hasattr hash help hex id input issubclass iter license locals memoryview next object oct open pow property quit slice staticmethod vars "

func fnAbs(c *call) value.Value {
	c.noKwargs()
	c.arity(1, 1)
	switch x := c.arg(0).(type) {
	case value.Int:
		return value.Int{V: new(big.Int).Abs(x.V)}
	case value.Bool:
		i, _ := value.AsInt(x)
		return value.Int{V: i}
	case value.Float:
		return value.Float(math.Abs(float64(x)))
	case value.Timedelta:
		if tdMicros(x) < 0 {
			return c.m.tdNeg(c.at, x)
		}
		return x
	}
	panic(c.raise("TypeError", "bad operand type for abs(): '%s'", typeName(c.arg(0))))
}

func fnRound(c *call) value.Value {
	c.onlyKwargs("ndigits")
	c.arity(1, 2)
	x := c.arg(0)
	nd, hasNd := c.param(1, "ndigits")
	if hasNd {
		if _, none := nd.(value.NoneType); none {
			hasNd = false
		}
	}
	switch v := x.(type) {
	case value.Int, value.Bool:
		i, _ := value.AsInt(v)
		if !hasNd {
			return value.Int{V: i}
		}
		n, ok := value.AsInt(nd)
		if !ok {
			panic(c.raise("TypeError", "'%s' object cannot be interpreted as an integer", typeName(nd)))
		}
		if n.Sign() >= 0 {
			return value.Int{V: i}
		}
		if !n.IsInt64() || -n.Int64() > 5000 {
			return value.NewInt(0)
		}
		// round half to even at 10**-n
		p := new(big.Int).Exp(big.NewInt(10), new(big.Int).Neg(n), nil)
		q, r := floorDivMod(i, p)
		twice := new(big.Int).Mul(r, big.NewInt(2))
		if cmp := twice.Cmp(p); cmp > 0 || cmp == 0 && q.Bit(0) == 1 {
			q.Add(q, big.NewInt(1))
		}
		return value.Int{V: q.Mul(q, p)}
	case value.Float:
		f := float64(v)
		if !hasNd {
			if math.IsInf(f, 0) {
				panic(c.raise("OverflowError", "cannot convert float infinity to integer"))
			}
			if math.IsNaN(f) {
				panic(c.raise("ValueError", "cannot convert float NaN to integer"))
			}
			i, err := pyfmt.TruncateFloat(math.RoundToEven(f))
			if err != nil {
				panic(c.m.fmtErr(c.at, err))
			}
			return value.Int{V: i}
		}
		n, ok := value.AsInt(nd)
		if !ok {
			panic(c.raise("TypeError", "'%s' object cannot be interpreted as an integer", typeName(nd)))
		}
		return value.Float(roundFloat(f, n))
	}
	panic(c.raise("TypeError", "type %s doesn't define __round__ method", typeName(x)))
}

// roundFloat is CPython's double_round: correctly rounded, half to even,
// on the exact decimal value of f.
func roundFloat(f float64, n *big.Int) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) || f == 0 {
		return f
	}
	if !n.IsInt64() || n.Int64() > 400 {
		return f
	}
	if n.Int64() < -400 {
		return math.Copysign(0, f)
	}
	nd := int(n.Int64())
	// exact decimal expansion of f, rounded half-even at nd digits
	r := new(big.Rat).SetFloat64(f)
	scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(nd))), nil))
	if nd >= 0 {
		r.Mul(r, scale)
	} else {
		r.Quo(r, scale)
	}
	res := new(big.Rat).SetInt(roundHalfEvenRat(r))
	if nd >= 0 {
		res.Quo(res, scale)
	} else {
		res.Mul(res, scale)
	}
	out, _ := res.Float64()
	if out == 0 {
		return math.Copysign(0, f)
	}
	return out
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

func fnMinMax(c *call, sign int) value.Value {
	c.onlyKwargs("default", "key")
	if _, ok := c.kw("key"); ok {
		return c.m.unknown(c.at, "%s() with key= is not supported", c.name)
	}
	var elems []value.Value
	if len(c.args) == 1 {
		elems = c.m.iterateUnordered(c.at, c.arg(0))
	} else if len(c.args) == 0 {
		panic(c.raise("TypeError", "%s expected at least 1 argument, got 0", c.name))
	} else {
		if _, ok := c.kw("default"); ok {
			panic(c.raise("TypeError", "Cannot specify a default for %s() with multiple positional arguments", c.name))
		}
		elems = c.args
	}
	if len(elems) == 0 {
		if d, ok := c.kw("default"); ok {
			return d
		}
		panic(c.raise("ValueError", "%s() arg is an empty sequence", c.name))
	}
	best := c.m.need(elems[0])
	op := "<"
	if sign > 0 {
		op = ">"
	}
	for _, e := range elems[1:] {
		e = c.m.need(e)
		if r := c.m.order(c.at, op, e, best); r != 2 && r*sign > 0 {
			best = e
		}
	}
	// a set's elements come in insertion order: when two different
	// elements tie, Python's answer depends on hash order.
	if s, ok := c.m.need(c.args[0]).(*value.Set); ok && len(c.args) == 1 {
		for _, e := range s.Elems {
			if e != best && c.m.order(c.at, op, e, best) == 0 && typeName(e) != typeName(best) {
				return c.m.unknown(c.at, "%s() of a set with equal elements of different types depends on hash order", c.name)
			}
		}
	}
	return best
}

func fnSum(c *call) value.Value {
	c.onlyKwargs("start")
	c.arity(1, 2)
	var acc value.Value = value.NewInt(0)
	if st, ok := c.param(1, "start"); ok {
		if _, isStr := st.(value.Str); isStr {
			panic(c.raise("TypeError", "sum() can't sum strings [use ''.join(seq) instead]"))
		}
		acc = st
	}
	elems := c.m.iterate(c.at, c.arg(0))
	for _, e := range elems {
		acc = c.m.binary(c.at, "+", acc, e)
	}
	return acc
}

func fnAnyAll(c *call, any bool) value.Value {
	c.noKwargs()
	c.arity(1, 1)
	for _, e := range c.m.iterateUnordered(c.at, c.arg(0)) {
		if c.m.truth(c.at, e) == any {
			return value.Bool(any)
		}
	}
	return value.Bool(!any)
}

func fnSorted(c *call) value.Value {
	c.onlyKwargs("key", "reverse")
	c.arity(1, 1)
	elems := append([]value.Value(nil), c.m.iterateUnordered(c.at, c.arg(0))...)
	rev := false
	if r, ok := c.kw("reverse"); ok {
		rev = c.m.truth(c.at, r)
	}
	key, _ := c.kw("key")
	c.m.sortByKey(c.at, elems, key, rev)
	if s, ok := c.arg(0).(*value.Set); ok && len(s.Elems) > 1 {
		// ties between different objects keep set (hash) order in Python
		for i := 1; i < len(elems); i++ {
			if c.m.order(c.at, "<", elems[i-1], elems[i]) == 0 && typeName(elems[i-1]) != typeName(elems[i]) {
				return c.m.unknown(c.at, "sorted() of a set with equal elements of different types depends on hash order")
			}
		}
	}
	return &value.List{Elems: elems}
}

// sortValues is list.sort: stable, with Python's <; reverse=True is a
// stable descending sort, as Python's.
// sortByKey is list.sort(key=key, reverse=reverse): each element's key is
// computed once, in order, and the sort is stable; a key of None sorts the
// elements themselves.
func (m *module) sortByKey(at pysyntax.Node, elems []value.Value, key value.Value, reverse bool) {
	if key == nil || key == value.Value(value.None) {
		m.sortValues(at, elems, reverse)
		return
	}
	keys := make([]value.Value, len(elems))
	for i, e := range elems {
		c := &call{m: m, at: at, name: calleeNameOf(key), args: []value.Value{e}, argNodes: []pysyntax.Node{at}}
		keys[i] = m.need(m.callValue(c, m.need(key)))
	}
	idx := make([]int, len(elems))
	for i := range idx {
		idx[i] = i
	}
	less := func(a, b int) bool { return m.order(at, "<", keys[a], keys[b]) == -1 }
	if reverse {
		sort.SliceStable(idx, func(i, j int) bool { return less(idx[j], idx[i]) })
	} else {
		sort.SliceStable(idx, func(i, j int) bool { return less(idx[i], idx[j]) })
	}
	sorted := make([]value.Value, len(elems))
	for i, j := range idx {
		sorted[i] = elems[j]
	}
	copy(elems, sorted)
}

func (m *module) sortValues(at pysyntax.Node, elems []value.Value, reverse bool) {
	for _, e := range elems {
		m.need(e)
	}
	less := func(a, b value.Value) bool { return m.order(at, "<", a, b) == -1 }
	if reverse {
		sort.SliceStable(elems, func(i, j int) bool { return less(elems[j], elems[i]) })
		return
	}
	sort.SliceStable(elems, func(i, j int) bool { return less(elems[i], elems[j]) })
}

func fnReversed(c *call) value.Value {
	c.noKwargs()
	c.arity(1, 1)
	switch c.arg(0).(type) {
	case *value.List, *value.Tuple, value.Str, *rangeObj, *dictView, *value.Dict:
	default:
		panic(c.raise("TypeError", "'%s' object is not reversible", typeName(c.arg(0))))
	}
	elems := c.m.iterate(c.at, c.arg(0))
	out := make([]value.Value, len(elems))
	for i, e := range elems {
		out[len(elems)-1-i] = e
	}
	return &iterObj{kind: "reversed", elems: out}
}

func fnEnumerate(c *call) value.Value {
	c.onlyKwargs("start")
	c.arity(1, 2)
	start := big.NewInt(0)
	if s, ok := c.param(1, "start"); ok {
		i, ok := value.AsInt(s)
		if !ok {
			panic(c.raise("TypeError", "'%s' object cannot be interpreted as an integer", typeName(s)))
		}
		start = i
	}
	elems := c.m.iterate(c.at, c.arg(0))
	out := make([]value.Value, len(elems))
	for i, e := range elems {
		out[i] = &value.Tuple{Elems: []value.Value{value.Int{V: new(big.Int).Add(start, big.NewInt(int64(i)))}, e}}
	}
	return &iterObj{kind: "enumerate", elems: out}
}

func fnZip(c *call) value.Value {
	c.onlyKwargs("strict")
	strict := false
	if s, ok := c.kw("strict"); ok {
		strict = c.m.truth(c.at, s)
	}
	if len(c.args) == 0 {
		return &iterObj{kind: "zip"}
	}
	lists := make([][]value.Value, len(c.args))
	n := -1
	for i := range c.args {
		lists[i] = c.m.iterate(c.at, c.arg(i))
		if n < 0 || len(lists[i]) < n {
			if strict && n >= 0 {
				panic(c.raise("ValueError", "zip() argument %d is shorter than argument%s 1", i+1, map[bool]string{true: "s", false: ""}[i > 1]))
			}
			n = len(lists[i])
		} else if strict && len(lists[i]) > n {
			panic(c.raise("ValueError", "zip() argument %d is longer than argument%s 1", i+1, map[bool]string{true: "s", false: ""}[i > 1]))
		}
	}
	out := make([]value.Value, n)
	for j := 0; j < n; j++ {
		t := make([]value.Value, len(lists))
		for i := range lists {
			t[i] = lists[i][j]
		}
		out[j] = &value.Tuple{Elems: t}
	}
	return &iterObj{kind: "zip", elems: out}
}

func fnMap(c *call) value.Value {
	c.noKwargs()
	if len(c.args) < 2 {
		panic(c.raise("TypeError", "map() must have at least two arguments."))
	}
	fn := c.m.need(c.args[0])
	lists := make([][]value.Value, len(c.args)-1)
	n := -1
	for i := range lists {
		lists[i] = c.m.iterate(c.at, c.arg(i+1))
		if n < 0 || len(lists[i]) < n {
			n = len(lists[i])
		}
	}
	out := make([]value.Value, n)
	for j := 0; j < n; j++ {
		sub := &call{m: c.m, at: c.at, name: calleeNameOf(fn)}
		for i := range lists {
			sub.args = append(sub.args, lists[i][j])
			sub.argNodes = append(sub.argNodes, c.at)
		}
		out[j] = c.m.need(c.m.callValue(sub, fn))
	}
	return &iterObj{kind: "map", elems: out}
}

func calleeNameOf(v value.Value) string {
	switch f := v.(type) {
	case *builtin:
		return f.name
	case *typeObj:
		return f.name
	}
	return typeName(v)
}

func fnIsinstance(c *call) value.Value {
	c.noKwargs()
	c.arity(2, 2)
	x := c.arg(0)
	var check func(t value.Value) bool
	check = func(t value.Value) bool {
		if em, ok := x.(*value.EnumMember); ok {
			switch tt := c.m.need(t).(type) {
			case *typeObj, *value.Class:
				return c.m.enumIsInstance(em, tt)
			}
		}
		switch tt := c.m.need(t).(type) {
		case *value.Tuple:
			for _, e := range tt.Elems {
				if check(e) {
					return true
				}
			}
			return false
		case *typeObj:
			name := typeName(x)
			switch tt.name {
			case "int":
				return name == "int" || name == "bool"
			case "set":
				return name == "set"
			}
			return name == tt.name
		case *value.Class:
			if inst, ok := x.(*value.Instance); ok {
				if inst.Class == tt || inst.Class.ID == tt.ID {
					return true
				}
				if def := c.m.s.models[inst.Class]; def != nil {
					return def.isSubclass(tt)
				}
			}
			if _, ok := x.(*value.Instance); ok {
				return false
			}
			if def := c.m.s.models[tt]; def != nil && def.scalarBase != nil && (typeName(x) == def.scalarBase.name || def.scalarBase.name == "int" && typeName(x) == "bool") {
				panic(unknownSignal{c.m.unknown(c.at, "instances of %s are kept as %s values: isinstance() against it is not modeled", tt.Name, def.scalarBase.name)})
			}
			switch x.(type) {
			case value.Str, value.Int, value.Float, value.Bool, value.NoneType, *value.List, *value.Tuple, *value.Dict, *value.Set:
				return false
			}
			panic(unknownSignal{c.m.unknown(c.at, "isinstance() against class %s is not known for a %s", tt.Name, typeName(x))})
		case *excClass:
			if e, ok := x.(*exceptionObj); ok {
				return e.class.isSubclassOf(tt)
			}
			return false
		}
		panic(unknownSignal{c.m.unknown(c.at, "isinstance() with a %s as class is not supported", typeName(t))})
	}
	return value.Bool(check(c.args[1]))
}
