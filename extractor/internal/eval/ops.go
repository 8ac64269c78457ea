package eval

import (
	"math"
	"math/big"
	"strings"
	"unicode/utf8"

	"github.com/flowplan/flowplan/extractor/internal/pyfmt"
	"github.com/flowplan/flowplan/extractor/internal/pysyntax"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

// typeName is Python's type(v).__name__.
func typeName(v value.Value) string { return v.TypeName() }

// truth is Python's bool(v).
func (m *module) truth(at pysyntax.Node, v value.Value) bool {
	switch x := m.need(v).(type) {
	case value.NoneType:
		return false
	case value.Bool:
		return bool(x)
	case value.Int:
		return x.V.Sign() != 0
	case value.Float:
		return x != 0
	case value.Str:
		return x != ""
	case value.Bytes:
		return x != ""
	case *value.List:
		return len(x.Elems) > 0
	case *value.Tuple:
		return len(x.Elems) > 0
	case *value.Set:
		return len(x.Elems) > 0
	case *value.Dict:
		return x.Len() > 0
	case *rangeObj:
		return rangeLen(x).Sign() > 0
	case *dictView:
		return x.d.Len() > 0
	case value.Timedelta:
		return x != value.Timedelta{}
	case *value.EnumMember:
		return x.Mixin == "" || m.truth(at, x.Value)
	}
	return true
}

// asInt returns v as an int when it is an int or a bool.

func (m *module) toFloat(at pysyntax.Node, v value.Value) (float64, bool) {
	switch x := v.(type) {
	case value.Float:
		return float64(x), true
	case value.Int, value.Bool:
		i, _ := value.AsInt(x)
		f, err := pyfmt.IntToFloat(i)
		if err != nil {
			panic(m.raise(at, "OverflowError", "int too large to convert to float"))
		}
		return f, true
	}
	return 0, false
}

// binary is `a op b`.
func (m *module) binary(at pysyntax.Node, op string, a, b value.Value) value.Value {
	a, b = m.need(a), m.need(b)
	if x, ok := a.(*value.EnumMember); ok && x.Mixin == "str" && op == "%" {
		panic(unknownSignal{m.unknown(at, "%% formatting with an enum member as the format is not modeled")})
	}
	a = value.Plain(a)
	if _, fmt := a.(value.Str); !fmt || op != "%" {
		b = value.Plain(b) // but "%s" % member formats the member
	}
	// int and bool arithmetic
	if x, ok := value.AsInt(a); ok {
		if y, ok := value.AsInt(b); ok {
			if _, ab := a.(value.Bool); ab {
				if _, bb := b.(value.Bool); bb && (op == "&" || op == "|" || op == "^") {
					xa, ya := x.Sign() != 0, y.Sign() != 0
					switch op {
					case "&":
						return value.Bool(xa && ya)
					case "|":
						return value.Bool(xa || ya)
					default:
						return value.Bool(xa != ya)
					}
				}
			}
			return m.intOp(at, op, x, y)
		}
	}
	if _, ok := a.(value.Float); ok {
		if y, ok := m.toFloat(at, b); ok {
			return m.floatOp(at, op, float64(a.(value.Float)), y, a, b)
		}
	}
	if _, ok := b.(value.Float); ok {
		if x, ok := m.toFloat(at, a); ok {
			return m.floatOp(at, op, x, float64(b.(value.Float)), a, b)
		}
	}
	switch x := a.(type) {
	case value.Str:
		switch op {
		case "+":
			if y, ok := b.(value.Str); ok {
				m.checkStr(at, len(x)+len(y))
				return x + y
			}
			panic(m.raise(at, "TypeError", "can only concatenate str (not \"%s\") to str", typeName(b)))
		case "*":
			if n, ok := value.AsInt(b); ok {
				return value.Str(m.repeatStr(at, string(x), n))
			}
		case "%":
			return value.Str(m.percentFormat(at, string(x), b))
		}
	case value.Bytes:
		if y, ok := b.(value.Bytes); ok && op == "+" {
			m.checkStr(at, len(x)+len(y))
			return x + y
		}
		if n, ok := value.AsInt(b); ok && op == "*" {
			return value.Bytes(m.repeatStr(at, string(x), n))
		}
	case *value.List:
		switch op {
		case "+":
			if y, ok := b.(*value.List); ok {
				m.checkLen(at, len(x.Elems)+len(y.Elems))
				return &value.List{Elems: concat(x.Elems, y.Elems)}
			}
			panic(m.raise(at, "TypeError", "can only concatenate list (not \"%s\") to list", typeName(b)))
		case "*":
			if n, ok := value.AsInt(b); ok {
				return &value.List{Elems: m.repeatSeq(at, x.Elems, n)}
			}
		}
	case *value.Tuple:
		switch op {
		case "+":
			if y, ok := b.(*value.Tuple); ok {
				m.checkLen(at, len(x.Elems)+len(y.Elems))
				return &value.Tuple{Elems: concat(x.Elems, y.Elems)}
			}
			panic(m.raise(at, "TypeError", "can only concatenate tuple (not \"%s\") to tuple", typeName(b)))
		case "*":
			if n, ok := value.AsInt(b); ok {
				return &value.Tuple{Elems: m.repeatSeq(at, x.Elems, n)}
			}
		}
	case *value.Dict:
		if y, ok := b.(*value.Dict); ok && op == "|" {
			d := &value.Dict{Keys: append([]value.Value(nil), x.Keys...), Vals: append([]value.Value(nil), x.Vals...)}
			m.dictUpdate(at, d, y)
			return d
		}
	case *value.Set:
		if y, ok := b.(*value.Set); ok {
			if r := m.setOp(at, op, x, y); r != nil {
				return r
			}
		}
	case value.Timedelta, value.Datetime, value.Date:
		if r := m.dateOp(at, op, a, b); r != nil {
			return r
		}
	}
	// reflected operand: int * str, int * list
	if n, ok := value.AsInt(a); ok && op == "*" {
		switch y := b.(type) {
		case value.Str:
			return value.Str(m.repeatStr(at, string(y), n))
		case value.Bytes:
			return value.Bytes(m.repeatStr(at, string(y), n))
		case *value.List:
			return &value.List{Elems: m.repeatSeq(at, y.Elems, n)}
		case *value.Tuple:
			return &value.Tuple{Elems: m.repeatSeq(at, y.Elems, n)}
		}
	}
	if _, ok := b.(value.Timedelta); ok {
		if r := m.dateOp(at, op, a, b); r != nil {
			return r
		}
	}
	if op == "*" {
		switch a.(type) {
		case value.Str, *value.List, *value.Tuple, value.Bytes:
			panic(m.raise(at, "TypeError", "can't multiply sequence by non-int of type '%s'", typeName(b)))
		}
		switch b.(type) {
		case value.Str, *value.List, *value.Tuple, value.Bytes:
			panic(m.raise(at, "TypeError", "can't multiply sequence by non-int of type '%s'", typeName(a)))
		}
	}
	if op == "**" {
		panic(m.raise(at, "TypeError", "unsupported operand type(s) for ** or pow(): '%s' and '%s'", typeName(a), typeName(b)))
	}
	panic(m.raise(at, "TypeError", "unsupported operand type(s) for %s: '%s' and '%s'", op, typeName(a), typeName(b)))
}

func concat(a, b []value.Value) []value.Value {
	out := make([]value.Value, 0, len(a)+len(b))
	return append(append(out, a...), b...)
}

func (m *module) checkStr(at pysyntax.Node, n int) {
	if n > maxStrLen {
		panic(m.raise(at, "LimitExceeded", "a string of more than %d bytes is refused", maxStrLen))
	}
}

func (m *module) repeatStr(at pysyntax.Node, s string, n *big.Int) string {
	if n.Sign() <= 0 || s == "" {
		return ""
	}
	if !n.IsInt64() || n.Int64() > int64(maxStrLen) || int64(len(s))*n.Int64() > int64(maxStrLen) {
		panic(m.raise(at, "LimitExceeded", "a string of more than %d bytes is refused", maxStrLen))
	}
	return strings.Repeat(s, int(n.Int64()))
}

func (m *module) repeatSeq(at pysyntax.Node, elems []value.Value, n *big.Int) []value.Value {
	if n.Sign() <= 0 || len(elems) == 0 {
		return nil
	}
	if !n.IsInt64() || n.Int64() > maxSeqLen || int64(len(elems))*n.Int64() > maxSeqLen {
		panic(m.raise(at, "LimitExceeded", "a container of more than %d elements is refused", maxSeqLen))
	}
	out := make([]value.Value, 0, len(elems)*int(n.Int64()))
	for i := int64(0); i < n.Int64(); i++ {
		out = append(out, elems...)
	}
	return out
}

func (m *module) checkIntBits(at pysyntax.Node, bits int64) {
	if bits > maxIntBits {
		panic(m.raise(at, "LimitExceeded", "an int of more than %d bits is refused", maxIntBits))
	}
}

func (m *module) intOp(at pysyntax.Node, op string, x, y *big.Int) value.Value {
	switch op {
	case "+":
		return value.Int{V: new(big.Int).Add(x, y)}
	case "-":
		return value.Int{V: new(big.Int).Sub(x, y)}
	case "*":
		m.checkIntBits(at, int64(x.BitLen())+int64(y.BitLen()))
		return value.Int{V: new(big.Int).Mul(x, y)}
	case "/":
		if y.Sign() == 0 {
			panic(m.raise(at, "ZeroDivisionError", "division by zero"))
		}
		f, _ := new(big.Rat).SetFrac(x, y).Float64()
		if math.IsInf(f, 0) {
			panic(m.raise(at, "OverflowError", "integer division result too large for a float"))
		}
		if f == 0 {
			// CPython's long_true_divide: a zero (exact or underflowed)
			// takes the sign of the operands, a zero dividend counting as
			// positive, so 0 / -2 is -0.0.
			f = 0
			if (x.Sign() < 0) != (y.Sign() < 0) {
				f = math.Copysign(0, -1)
			}
		}
		return value.Float(f)
	case "//", "%":
		if y.Sign() == 0 {
			if op == "//" {
				panic(m.raise(at, "ZeroDivisionError", "integer division or modulo by zero"))
			}
			panic(m.raise(at, "ZeroDivisionError", "integer modulo by zero"))
		}
		q, r := floorDivMod(x, y)
		if op == "//" {
			return value.Int{V: q}
		}
		return value.Int{V: r}
	case "**":
		if y.Sign() < 0 {
			if x.Sign() == 0 {
				panic(m.raise(at, "ZeroDivisionError", "0.0 cannot be raised to a negative power"))
			}
			fx, ok := m.toFloat(at, value.Int{V: x})
			fy, ok2 := m.toFloat(at, value.Int{V: y})
			if !ok || !ok2 {
				break
			}
			return m.floatOp(at, "**", fx, fy, nil, nil)
		}
		if x.BitLen() > 1 || x.Sign() < 0 && x.BitLen() > 1 {
			if !y.IsInt64() || int64(x.BitLen())*y.Int64() > maxIntBits {
				panic(m.raise(at, "LimitExceeded", "an int of more than %d bits is refused", maxIntBits))
			}
		}
		if !y.IsInt64() {
			// x is -1, 0 or 1.
			if x.Sign() < 0 && y.Bit(0) == 1 {
				return value.NewInt(-1)
			} else if x.Sign() < 0 {
				return value.NewInt(1)
			}
			return value.Int{V: x}
		}
		return value.Int{V: new(big.Int).Exp(x, y, nil)}
	case "<<":
		if y.Sign() < 0 {
			panic(m.raise(at, "ValueError", "negative shift count"))
		}
		if x.Sign() == 0 {
			return value.NewInt(0)
		}
		if !y.IsInt64() || int64(x.BitLen())+y.Int64() > maxIntBits {
			panic(m.raise(at, "LimitExceeded", "an int of more than %d bits is refused", maxIntBits))
		}
		return value.Int{V: new(big.Int).Lsh(x, uint(y.Int64()))}
	case ">>":
		if y.Sign() < 0 {
			panic(m.raise(at, "ValueError", "negative shift count"))
		}
		if !y.IsInt64() || y.Int64() > int64(x.BitLen()) {
			if x.Sign() < 0 {
				return value.NewInt(-1)
			}
			return value.NewInt(0)
		}
		return value.Int{V: new(big.Int).Rsh(x, uint(y.Int64()))}
	case "&":
		return value.Int{V: new(big.Int).And(x, y)}
	case "|":
		return value.Int{V: new(big.Int).Or(x, y)}
	case "^":
		return value.Int{V: new(big.Int).Xor(x, y)}
	}
	panic(m.raise(at, "TypeError", "unsupported operand type(s) for %s: 'int' and 'int'", op))
}

// floorDivMod is Python's divmod for ints: the quotient rounds toward
// negative infinity and the remainder has the divisor's sign.
func floorDivMod(x, y *big.Int) (*big.Int, *big.Int) {
	q, r := new(big.Int).QuoRem(x, y, new(big.Int))
	if r.Sign() != 0 && (r.Sign() < 0) != (y.Sign() < 0) {
		q.Sub(q, big.NewInt(1))
		r.Add(r, y)
	}
	return q, r
}

func (m *module) floatOp(at pysyntax.Node, op string, x, y float64, a, b value.Value) value.Value {
	switch op {
	case "+":
		return value.Float(x + y)
	case "-":
		return value.Float(x - y)
	case "*":
		return value.Float(x * y)
	case "/":
		if y == 0 {
			panic(m.raise(at, "ZeroDivisionError", "float division by zero"))
		}
		return value.Float(x / y)
	case "//", "%":
		if y == 0 {
			if op == "//" {
				panic(m.raise(at, "ZeroDivisionError", "float floor division by zero"))
			}
			panic(m.raise(at, "ZeroDivisionError", "float modulo"))
		}
		div, mod := floatDivMod(x, y)
		if op == "//" {
			return value.Float(div)
		}
		return value.Float(mod)
	case "**":
		return m.floatPow(at, x, y)
	}
	if a == nil {
		a, b = value.Float(x), value.Float(y)
	}
	panic(m.raise(at, "TypeError", "unsupported operand type(s) for %s: '%s' and '%s'", op, typeName(a), typeName(b)))
}

// floatDivMod is CPython's float_divmod.
func floatDivMod(vx, wx float64) (float64, float64) {
	mod := math.Mod(vx, wx)
	div := (vx - mod) / wx
	if mod != 0 {
		if (wx < 0) != (mod < 0) {
			mod += wx
			div -= 1.0
		}
	} else {
		mod = math.Copysign(0, wx)
	}
	var floordiv float64
	if div != 0 {
		floordiv = math.Floor(div)
		if div-floordiv > 0.5 {
			floordiv += 1.0
		}
	} else {
		floordiv = math.Copysign(0, vx/wx)
	}
	return floordiv, mod
}

// floatPow is CPython's float_pow.
func (m *module) floatPow(at pysyntax.Node, x, y float64) value.Value {
	if y == 0 {
		return value.Float(1)
	}
	if math.IsNaN(x) {
		return value.Float(x)
	}
	if math.IsNaN(y) {
		if x == 1 {
			return value.Float(1)
		}
		return value.Float(y)
	}
	if x == 0 && y < 0 && !math.IsInf(y, 0) {
		panic(m.raise(at, "ZeroDivisionError", "0.0 cannot be raised to a negative power"))
	}
	if x < 0 && !math.IsInf(x, 0) && !math.IsInf(y, 0) && y != math.Floor(y) {
		return m.unknown(at, "a negative number raised to a fractional power is a complex number, which is not supported")
	}
	r := math.Pow(x, y)
	if math.IsInf(r, 0) && !math.IsInf(x, 0) && !math.IsInf(y, 0) {
		panic(m.raise(at, "OverflowError", "(34, 'Numerical result out of range')"))
	}
	return value.Float(r)
}

// ---- equality, ordering, hashing ----

// equal is Python's a == b for values the extractor models.
func (m *module) equal(at pysyntax.Node, a, b value.Value) bool {
	a, b = m.need(a), m.need(b)
	if _, ok := a.(*value.EnumMember); ok {
		return m.enumEqual(at, a, b)
	}
	if _, ok := b.(*value.EnumMember); ok {
		return m.enumEqual(at, a, b)
	}
	_, instA := a.(*value.Instance)
	_, instB := b.(*value.Instance)
	if instA || instB {
		if eq, ok := m.instanceEqual(at, a, b); ok {
			return eq
		}
	}
	if eq, ok := value.ScalarEqual(a, b); ok {
		return eq
	}
	switch x := a.(type) {
	case value.Int, value.Bool, value.Float, value.NoneType, value.Str, value.Bytes:
		return false // against a value of another kind
	case *value.List:
		y, ok := b.(*value.List)
		return ok && m.equalSeq(at, x.Elems, y.Elems)
	case *value.Tuple:
		y, ok := b.(*value.Tuple)
		return ok && m.equalSeq(at, x.Elems, y.Elems)
	case *value.Dict:
		y, ok := b.(*value.Dict)
		if !ok || x.Len() != y.Len() {
			return false
		}
		for i, k := range x.Keys {
			j := m.dictFind(at, y, k)
			if j < 0 || !m.equal(at, x.Vals[i], y.Vals[j]) {
				return false
			}
		}
		return true
	case *value.Set:
		y, ok := b.(*value.Set)
		if !ok || len(x.Elems) != len(y.Elems) {
			return false
		}
		for _, e := range x.Elems {
			if !m.setHas(at, y, e) {
				return false
			}
		}
		return true
	case value.Timedelta, value.Date:
		return a == b
	case value.Datetime:
		y, ok := b.(value.Datetime)
		if !ok {
			return false
		}
		if (x.TZ == "") != (y.TZ == "") {
			return false
		}
		return dtCompare(x, y) == 0
	case *rangeObj:
		y, ok := b.(*rangeObj)
		return ok && m.equalSeq(at, m.iterate(at, x), m.iterate(at, y))
	}
	return a == b
}

// instanceEqual is == when either side is a project model instance: a
// pydantic v1 model compares its .dict() with the other side (the other
// model's .dict()), from either side of ==; a dataclass equals an
// instance of its very class with equal fields; ok is false otherwise.
func (m *module) instanceEqual(at pysyntax.Node, a, b value.Value) (eq, ok bool) {
	asDict := func(v value.Value) (value.Value, bool) {
		x, isInst := v.(*value.Instance)
		if !isInst || x.Fields == nil {
			return nil, false
		}
		if def := m.s.models[x.Class]; def != nil && !def.dataclass {
			return m.modelDict(at, x, dictOptions{}, nil, nil, 0), true
		}
		return nil, false
	}
	if da, isModel := asDict(a); isModel {
		if db, ok := asDict(b); ok {
			b = db
		}
		return m.equal(at, da, b), true
	}
	if db, isModel := asDict(b); isModel {
		return m.equal(at, a, db), true
	}
	x, okA := a.(*value.Instance)
	y, okB := b.(*value.Instance)
	if !okA || !okB || x.Fields == nil || y.Fields == nil || x == y {
		return false, false
	}
	if dx := m.s.models[x.Class]; dx == nil || !dx.dataclass || x.Class != y.Class {
		return false, false
	}
	return m.equalSeq(at, x.Fields.Vals, y.Fields.Vals), true
}

func (m *module) equalSeq(at pysyntax.Node, a, b []value.Value) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !m.identical(a[i], b[i]) && !m.equal(at, a[i], b[i]) {
			return false
		}
	}
	return true
}

// identical is Python's `is` for the values where identity is observable.
func (m *module) identical(a, b value.Value) bool {
	switch x := a.(type) {
	case value.NoneType, value.Bool:
		return a == b
	case *value.List, *value.Dict, *value.Set, *value.Tuple, *value.Instance, *value.Class, *value.Function,
		*moduleObj, *builtin, *typeObj, *excClass, *value.EnumMember:
		return a == b
	case value.Float:
		y, ok := b.(value.Float)
		return ok && math.Float64bits(float64(x)) == math.Float64bits(float64(y)) && !math.IsNaN(float64(x))
	}
	return false
}

// order compares a and b for <, <=, >, >=: -1, 0, 1, or 2 when unordered
// (NaN). It raises TypeError for types Python does not order.
func (m *module) order(at pysyntax.Node, op string, a, b value.Value) int {
	a, b = value.Plain(m.need(a)), value.Plain(m.need(b))
	if x, ok := value.AsInt(a); ok {
		if y, ok := value.AsInt(b); ok {
			return x.Cmp(y)
		}
		if y, ok := b.(value.Float); ok {
			return value.CompareIntFloat(x, float64(y))
		}
	}
	if x, ok := a.(value.Float); ok {
		if y, ok := value.AsInt(b); ok {
			c := value.CompareIntFloat(y, float64(x))
			if c == 2 {
				return 2
			}
			return -c
		}
		if y, ok := b.(value.Float); ok {
			switch {
			case math.IsNaN(float64(x)) || math.IsNaN(float64(y)):
				return 2
			case x < y:
				return -1
			case x > y:
				return 1
			}
			return 0
		}
	}
	switch x := a.(type) {
	case value.Str:
		if y, ok := b.(value.Str); ok {
			return strings.Compare(string(x), string(y))
		}
	case value.Bytes:
		if y, ok := b.(value.Bytes); ok {
			return strings.Compare(string(x), string(y))
		}
	case *value.List:
		if y, ok := b.(*value.List); ok {
			return m.orderSeq(at, op, x.Elems, y.Elems)
		}
	case *value.Tuple:
		if y, ok := b.(*value.Tuple); ok {
			return m.orderSeq(at, op, x.Elems, y.Elems)
		}
	case value.Timedelta:
		if y, ok := b.(value.Timedelta); ok {
			return cmpInt64(tdMicros(x), tdMicros(y))
		}
	case value.Date:
		if y, ok := b.(value.Date); ok {
			return cmpInt64(int64(x.Year*10000+x.Month*100+x.Day), int64(y.Year*10000+y.Month*100+y.Day))
		}
	case value.Datetime:
		if y, ok := b.(value.Datetime); ok {
			if (x.TZ == "") != (y.TZ == "") {
				panic(m.raise(at, "TypeError", "can't compare offset-naive and offset-aware datetimes"))
			}
			return dtCompare(x, y)
		}
	case *value.Set:
		if y, ok := b.(*value.Set); ok {
			sub := func(p, q *value.Set) bool {
				for _, e := range p.Elems {
					if !m.setHas(at, q, e) {
						return false
					}
				}
				return true
			}
			switch {
			case len(x.Elems) == len(y.Elems) && sub(x, y):
				return 0
			case len(x.Elems) < len(y.Elems) && sub(x, y):
				return -1
			case len(x.Elems) > len(y.Elems) && sub(y, x):
				return 1
			}
			return 2
		}
	}
	panic(m.raise(at, "TypeError", "'%s' not supported between instances of '%s' and '%s'", op, typeName(a), typeName(b)))
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (m *module) orderSeq(at pysyntax.Node, op string, a, b []value.Value) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if m.identical(a[i], b[i]) || m.equal(at, a[i], b[i]) {
			continue
		}
		return m.order(at, op, a[i], b[i])
	}
	return cmpInt64(int64(len(a)), int64(len(b)))
}

func (m *module) compare(at pysyntax.Node, op string, a, b value.Value) value.Value {
	switch op {
	case "==":
		return value.Bool(m.identical(a, b) || m.equal(at, a, b))
	case "!=", "<>":
		return value.Bool(!(m.identical(a, b) || m.equal(at, a, b)))
	case "is":
		return value.Bool(m.is(at, a, b))
	case "is not":
		return value.Bool(!m.is(at, a, b))
	case "in":
		return value.Bool(m.contains(at, b, a))
	case "not in":
		return value.Bool(!m.contains(at, b, a))
	}
	c := m.order(at, op, a, b)
	if c == 2 {
		return value.Bool(false)
	}
	switch op {
	case "<":
		return value.Bool(c < 0)
	case "<=":
		return value.Bool(c <= 0)
	case ">":
		return value.Bool(c > 0)
	}
	return value.Bool(c >= 0)
}

// is is Python's identity test where it is well defined for the values the
// extractor models (None, booleans, objects); for ints and strings the
// answer depends on CPython's caching, so it cannot be known.
func (m *module) is(at pysyntax.Node, a, b value.Value) bool {
	a, b = m.need(a), m.need(b)
	switch a.(type) {
	case value.NoneType, value.Bool:
		return a == b
	}
	switch b.(type) {
	case value.NoneType, value.Bool:
		return a == b
	}
	if mutable(a) || mutable(b) {
		return a == b
	}
	switch x := a.(type) {
	case *value.Class, *value.Function, *builtin, *typeObj, *excClass, *moduleObj, *value.EnumMember:
		return a == b
	case *value.Tuple:
		if y, ok := b.(*value.Tuple); ok {
			return x == y
		}
	}
	if typeName(a) != typeName(b) {
		return false
	}
	panic(unknownSignal{m.unknown(at, "`is` between two %s values depends on CPython's object caching", typeName(a))})
}

// contains is Python's `x in container`.
func (m *module) contains(at pysyntax.Node, container, x value.Value) bool {
	container = value.Plain(m.need(container))
	switch c := container.(type) {
	case value.Str:
		s, ok := value.Plain(m.need(x)).(value.Str)
		if !ok {
			panic(m.raise(at, "TypeError", "'in <string>' requires string as left operand, not %s", typeName(x)))
		}
		return strings.Contains(string(c), string(s))
	case value.Bytes:
		s, ok := m.need(x).(value.Bytes)
		if !ok {
			panic(m.raise(at, "TypeError", "a bytes-like object is required, not '%s'", typeName(x)))
		}
		return strings.Contains(string(c), string(s))
	case *value.Dict:
		return m.dictFind(at, c, x) >= 0
	case *dictView:
		if c.kind == "dict_keys" {
			return m.dictFind(at, c.d, x) >= 0
		}
		return m.containsSeq(at, m.iterate(at, c), x)
	case *value.Set:
		return m.setHas(at, c, x)
	case *value.List:
		return m.containsSeq(at, c.Elems, x)
	case *value.Tuple:
		return m.containsSeq(at, c.Elems, x)
	case *rangeObj:
		i, ok := value.AsInt(m.need(x))
		if !ok {
			return m.containsSeq(at, m.iterate(at, c), x)
		}
		return rangeContains(c, i)
	case *value.Class:
		if def := m.s.enums[c]; def != nil {
			return m.enumContains(at, def, m.need(x))
		}
	case *iterObj:
		for c.pos < len(c.elems) {
			e := c.elems[c.pos]
			c.pos++
			if m.identical(e, x) || m.equal(at, e, x) {
				return true
			}
		}
		return false
	}
	panic(m.raise(at, "TypeError", "argument of type '%s' is not iterable", typeName(container)))
}

func (m *module) containsSeq(at pysyntax.Node, elems []value.Value, x value.Value) bool {
	for _, e := range elems {
		if m.identical(e, x) || m.equal(at, e, x) {
			return true
		}
	}
	return false
}

// hashKey is a string that equal hashable values share (1, 1.0 and True
// have one key). It raises TypeError for unhashable values.
func (m *module) hashKey(at pysyntax.Node, v value.Value) string {
	var b strings.Builder
	m.writeHashKey(at, &b, m.need(v), 0)
	return b.String()
}

func (m *module) writeHashKey(at pysyntax.Node, b *strings.Builder, v value.Value, depth int) {
	if depth > maxCallDepth {
		panic(m.raise(at, "LimitExceeded", "value nested deeper than %d levels", maxCallDepth))
	}
	switch x := m.need(v).(type) {
	case value.NoneType:
		b.WriteString("N")
	case value.Bool, value.Int:
		i, _ := value.AsInt(x)
		b.WriteString("i")
		b.WriteString(i.String())
	case value.Float:
		f := float64(x)
		if f == math.Trunc(f) && !math.IsInf(f, 0) {
			bf := new(big.Float).SetFloat64(f)
			i, _ := bf.Int(nil)
			b.WriteString("i")
			b.WriteString(i.String())
			return
		}
		b.WriteString("f")
		b.WriteString(pyfmt.ReprFloat(f))
	case value.Str:
		b.WriteString("s")
		b.WriteString(string(x))
		b.WriteByte(0)
	case value.Bytes:
		b.WriteString("b")
		b.WriteString(string(x))
		b.WriteByte(0)
	case *value.Tuple:
		b.WriteString("(")
		for _, e := range x.Elems {
			m.writeHashKey(at, b, e, depth+1)
			b.WriteByte(',')
		}
		b.WriteString(")")
	case *value.Set:
		if !x.Frozen {
			panic(m.raise(at, "TypeError", "unhashable type: 'set'"))
		}
		panic(unknownSignal{m.unknown(at, "frozensets as keys are not supported")})
	case value.Timedelta:
		b.WriteString("td")
		b.WriteString(big.NewInt(tdMicros(x)).String())
	case value.Date:
		b.WriteString("d")
		b.WriteString(isoDate(x))
	case value.Datetime:
		b.WriteString("dt")
		b.WriteString(isoDatetime(x, "T"))
	case *value.List, *value.Dict:
		panic(m.raise(at, "TypeError", "unhashable type: '%s'", typeName(x)))
	case *value.EnumMember:
		m.enumHashKey(at, b, x, depth)
	case *value.Instance:
		if x.Fields != nil {
			panic(m.raise(at, "TypeError", "unhashable type: '%s'", typeName(x)))
		}
		panic(unknownSignal{m.unknown(at, "%s instances as keys are not supported", typeName(x))})
	default:
		if id, ok := identityKey(x); ok {
			b.WriteString(id)
			return
		}
		panic(unknownSignal{m.unknown(at, "%s values as keys are not supported", typeName(x))})
	}
}

// identityKey names objects hashed by identity.
func identityKey(v value.Value) (string, bool) {
	switch x := v.(type) {
	case *value.Class:
		return "C" + x.ID, true
	case *typeObj:
		return "T" + x.name, true
	case *excClass:
		return x.identity(), true
	case *value.Function:
		return "F" + x.Name + x.Pos.String(), true
	case *moduleObj:
		return "M" + x.name, true
	}
	return "", false
}

// ---- dicts and sets ----

// smallContainer is the size up to which lookups scan instead of using
// an index.
const smallContainer = 16

// keyIndex maps the hash keys of a dict's keys or a set's elements to
// their positions; it is rebuilt when it no longer matches.
type keyIndex struct {
	pos map[string]int
	n   int
}

func (m *module) indexFor(owner any, keys []value.Value, at pysyntax.Node) map[string]int {
	if m.s.indexes == nil {
		m.s.indexes = map[any]*keyIndex{}
	}
	ix := m.s.indexes[owner]
	if ix == nil || ix.n > len(keys) {
		ix = &keyIndex{pos: make(map[string]int, len(keys))}
		m.s.indexes[owner] = ix
	}
	for ; ix.n < len(keys); ix.n++ {
		ix.pos[m.hashKey(at, keys[ix.n])] = ix.n
	}
	return ix.pos
}

func (m *module) dictFind(at pysyntax.Node, d *value.Dict, k value.Value) int {
	k = m.need(k)
	if len(d.Keys) > smallContainer {
		pos := m.indexFor(d, d.Keys, at)
		if i, ok := pos[m.hashKey(at, k)]; ok {
			return i
		}
		return -1
	}
	if s, ok := k.(value.Str); ok && !m.s.enumUsed { // a str enum member key equals a str too
		for i, key := range d.Keys {
			if ks, ok := key.(value.Str); ok && ks == s {
				return i
			}
		}
		return -1
	}
	h := m.hashKey(at, k)
	for i, key := range d.Keys {
		if m.hashKey(at, key) == h {
			return i
		}
	}
	return -1
}

func (m *module) dictSet(at pysyntax.Node, d *value.Dict, k, v value.Value) {
	k = m.need(k)
	m.hashKey(at, k)
	if i := m.dictFind(at, d, k); i >= 0 {
		d.Vals[i] = v
		return
	}
	m.checkLen(at, len(d.Keys)+1)
	d.Keys = append(d.Keys, k)
	d.Vals = append(d.Vals, v)
}

func (m *module) dictDelete(d *value.Dict, i int) {
	delete(m.s.indexes, d)
	d.Keys = append(d.Keys[:i:i], d.Keys[i+1:]...)
	d.Vals = append(d.Vals[:i:i], d.Vals[i+1:]...)
}

// dictUpdateMapping merges a `**mapping` into d.
func (m *module) dictUpdateMapping(at pysyntax.Node, d *value.Dict, src value.Value) {
	switch x := src.(type) {
	case *value.Dict:
		for i, k := range x.Keys {
			m.dictSet(at, d, k, x.Vals[i])
		}
	case *value.Instance:
		panic(m.raise(at, "TypeError", "'%s' object is not a mapping", typeName(x)))
	default:
		panic(m.raise(at, "TypeError", "'%s' object is not a mapping", typeName(src)))
	}
}

// dictUpdate is d.update(src) for a mapping or an iterable of pairs.
func (m *module) dictUpdate(at pysyntax.Node, d *value.Dict, src value.Value) {
	src = m.need(src)
	if x, ok := src.(*value.Dict); ok {
		for i, k := range x.Keys {
			m.dictSet(at, d, k, x.Vals[i])
		}
		return
	}
	for i, item := range m.iterate(at, src) {
		pair := m.iterate(at, m.need(item))
		if len(pair) != 2 {
			panic(m.raise(at, "ValueError", "dictionary update sequence element #%d has length %d; 2 is required", i, len(pair)))
		}
		m.dictSet(at, d, pair[0], pair[1])
	}
}

func (m *module) newSet(at pysyntax.Node, elems []value.Value, frozen bool) *value.Set {
	s := &value.Set{Frozen: frozen}
	seen := make(map[string]bool, len(elems))
	for _, e := range elems {
		k := m.hashKey(at, e)
		if !seen[k] {
			seen[k] = true
			s.Elems = append(s.Elems, e)
		}
	}
	return s
}

func (m *module) setHas(at pysyntax.Node, s *value.Set, x value.Value) bool {
	h := m.hashKey(at, x)
	if len(s.Elems) > smallContainer {
		_, ok := m.indexFor(s, s.Elems, at)[h]
		return ok
	}
	for _, e := range s.Elems {
		if m.hashKey(at, e) == h {
			return true
		}
	}
	return false
}

func (m *module) setOp(at pysyntax.Node, op string, x, y *value.Set) value.Value {
	var out []value.Value
	switch op {
	case "|":
		out = concat(x.Elems, y.Elems)
	case "&":
		for _, e := range x.Elems {
			if m.setHas(at, y, e) {
				out = append(out, e)
			}
		}
	case "-":
		for _, e := range x.Elems {
			if !m.setHas(at, y, e) {
				out = append(out, e)
			}
		}
	case "^":
		for _, e := range x.Elems {
			if !m.setHas(at, y, e) {
				out = append(out, e)
			}
		}
		for _, e := range y.Elems {
			if !m.setHas(at, x, e) {
				out = append(out, e)
			}
		}
	default:
		return nil
	}
	return m.newSet(at, out, x.Frozen)
}

// ---- iteration, subscripts ----

// iterate returns the elements of an iterable. Iterating a set with more
// than one element is refused: Python's order depends on hashing.
func (m *module) iterate(at pysyntax.Node, v value.Value) []value.Value {
	switch x := value.Plain(m.need(v)).(type) {
	case *value.Class:
		if out, ok := m.enumMembers(x); ok {
			return out
		}
	case *value.List:
		return append([]value.Value(nil), x.Elems...)
	case *value.Tuple:
		return x.Elems
	case value.Str:
		out := make([]value.Value, 0, len(x))
		for _, r := range string(x) {
			out = append(out, value.Str(string(r)))
		}
		return out
	case value.Bytes:
		out := make([]value.Value, len(x))
		for i := 0; i < len(x); i++ {
			out[i] = value.NewInt(int64(x[i]))
		}
		return out
	case *value.Dict:
		return append([]value.Value(nil), x.Keys...)
	case *dictView:
		switch x.kind {
		case "dict_keys":
			return append([]value.Value(nil), x.d.Keys...)
		case "dict_values":
			return append([]value.Value(nil), x.d.Vals...)
		}
		out := make([]value.Value, len(x.d.Keys))
		for i := range x.d.Keys {
			out[i] = &value.Tuple{Elems: []value.Value{x.d.Keys[i], x.d.Vals[i]}}
		}
		return out
	case *value.Set:
		if len(x.Elems) > 1 {
			panic(unknownSignal{m.unknown(at, "the iteration order of a %s depends on hashing in CPython", typeName(x))})
		}
		return x.Elems
	case *rangeObj:
		n := rangeLen(x)
		if !n.IsInt64() || n.Int64() > maxSeqLen {
			panic(m.raise(at, "LimitExceeded", "a range of more than %d elements is refused", maxSeqLen))
		}
		out := make([]value.Value, 0, n.Int64())
		cur := new(big.Int).Set(x.start)
		for i := int64(0); i < n.Int64(); i++ {
			out = append(out, value.Int{V: new(big.Int).Set(cur)})
			cur.Add(cur, x.step)
		}
		return out
	case *iterObj:
		out := x.elems[x.pos:]
		x.pos = len(x.elems)
		return out
	case *value.Instance:
		if x.Fields != nil {
			if def := m.s.models[x.Class]; def != nil && !def.dataclass {
				out := make([]value.Value, len(x.Fields.Keys))
				for i := range x.Fields.Keys {
					out[i] = &value.Tuple{Elems: []value.Value{x.Fields.Keys[i], x.Fields.Vals[i]}}
				}
				return out
			}
		}
	}
	panic(m.raise(at, "TypeError", "'%s' object is not iterable", typeName(v)))
}

// iterateUnordered is iterate for consumers whose result does not depend
// on the order (sorted, min, max, set, len...): sets are allowed.
func (m *module) iterateUnordered(at pysyntax.Node, v value.Value) []value.Value {
	if s, ok := m.need(v).(*value.Set); ok {
		return s.Elems
	}
	return m.iterate(at, v)
}

func rangeLen(r *rangeObj) *big.Int {
	// len = max(0, ceil((stop - start) / step))
	d := new(big.Int).Sub(r.stop, r.start)
	step := r.step
	if step.Sign() < 0 {
		d.Neg(d)
		step = new(big.Int).Neg(step)
	}
	if d.Sign() <= 0 {
		return big.NewInt(0)
	}
	d.Add(d, step)
	d.Sub(d, big.NewInt(1))
	return d.Quo(d, step)
}

func rangeContains(r *rangeObj, i *big.Int) bool {
	if r.step.Sign() > 0 {
		if i.Cmp(r.start) < 0 || i.Cmp(r.stop) >= 0 {
			return false
		}
	} else if i.Cmp(r.start) > 0 || i.Cmp(r.stop) <= 0 {
		return false
	}
	d := new(big.Int).Sub(i, r.start)
	return new(big.Int).Rem(d, r.step).Sign() == 0
}

// index normalizes a Python index against length n.
func (m *module) index(at pysyntax.Node, key value.Value, n int, what string) int {
	i, ok := value.AsInt(value.Plain(m.need(key)))
	if !ok {
		if what == "string" {
			panic(m.raise(at, "TypeError", "string indices must be integers, not '%s'", typeName(key)))
		}
		panic(m.raise(at, "TypeError", "%s indices must be integers or slices, not %s", what, typeName(key)))
	}
	if !i.IsInt64() {
		panic(m.raise(at, "IndexError", "cannot fit 'int' into an index-sized integer"))
	}
	j := i.Int64()
	if j < 0 {
		j += int64(n)
	}
	if j < 0 || j >= int64(n) {
		panic(m.raise(at, "IndexError", "%s index out of range", what))
	}
	return int(j)
}

func (m *module) getItem(at pysyntax.Node, obj, key value.Value) value.Value {
	obj = value.Plain(m.need(obj))
	if cls, ok := obj.(*value.Class); ok && m.s.enums[cls] != nil {
		return m.enumGetItem(at, m.s.enums[cls], m.need(key))
	}
	switch x := obj.(type) {
	case *value.List:
		return m.checkTaint(x.Elems[m.index(at, key, len(x.Elems), "list")])
	case *value.Tuple:
		return m.checkTaint(x.Elems[m.index(at, key, len(x.Elems), "tuple")])
	case value.Str:
		if isASCII(string(x)) {
			i := m.index(at, key, len(x), "string")
			return x[i : i+1]
		}
		rs := []rune(string(x))
		return value.Str(string(rs[m.index(at, key, len(rs), "string")]))
	case value.Bytes:
		i := m.index(at, key, len(x), "index")
		return value.NewInt(int64(x[i]))
	case *value.Dict:
		i := m.dictFind(at, x, key)
		if i < 0 {
			panic(m.keyError(at, key, ""))
		}
		return m.checkTaint(x.Vals[i])
	case *rangeObj:
		elems := m.iterate(at, x)
		return elems[m.index(at, key, len(elems), "range object")]
	case *environ:
		name, ok := value.Plain(m.need(key)).(value.Str)
		if !ok {
			panic(m.raise(at, "TypeError", "str expected, not %s", typeName(key)))
		}
		v, found := x.get(m, string(name))
		if !found {
			panic(m.environKeyError(at, name))
		}
		return value.Str(v)
	case *value.Class, *typeObj:
		// typing-style subscripts such as list[str] or Optional[int]
		return m.unknown(at, "type subscripts are not evaluated")
	}
	panic(m.raise(at, "TypeError", "'%s' object is not subscriptable", typeName(obj)))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func (m *module) setItem(at pysyntax.Node, obj, key, v value.Value) {
	if u, ok := obj.(value.Unknown); ok {
		_ = u
		return
	}
	switch x := obj.(type) {
	case *value.List:
		if u, ok := key.(value.Unknown); ok {
			m.taintObj(x, u.Err)
			return
		}
		x.Elems[m.index(at, key, len(x.Elems), "list assignment")] = v
		return
	case *value.Dict:
		if u, ok := key.(value.Unknown); ok {
			m.taintObj(x, u.Err)
			return
		}
		m.dictSet(at, x, key, v)
		return
	case *environ:
		name, ok := value.Plain(m.need(key)).(value.Str)
		val, ok2 := value.Plain(m.need(v)).(value.Str)
		if !ok || !ok2 {
			panic(m.raise(at, "TypeError", "str expected, not %s", typeName(v)))
		}
		x.set(m, string(name), string(val))
		return
	}
	panic(m.raise(at, "TypeError", "'%s' object does not support item assignment", typeName(obj)))
}

func (m *module) delItem(at pysyntax.Node, obj, key value.Value) {
	if _, ok := obj.(value.Unknown); ok {
		return
	}
	switch x := obj.(type) {
	case *value.List:
		if u, ok := key.(value.Unknown); ok {
			m.taintObj(x, u.Err)
			return
		}
		i := m.index(at, key, len(x.Elems), "list assignment")
		x.Elems = append(x.Elems[:i:i], x.Elems[i+1:]...)
		return
	case *value.Dict:
		if u, ok := key.(value.Unknown); ok {
			m.taintObj(x, u.Err)
			return
		}
		i := m.dictFind(at, x, key)
		if i < 0 {
			panic(m.keyError(at, key, ""))
		}
		m.dictDelete(x, i)
		return
	}
	panic(m.raise(at, "TypeError", "'%s' object doesn't support item deletion", typeName(obj)))
}

// slice is obj[lo:hi:step].
func (m *module) slice(at pysyntax.Node, obj value.Value, sl *pysyntax.SliceExpr) value.Value {
	obj = m.need(obj)
	var lo, hi, step value.Value = value.None, value.None, value.None
	if sl.Lo != nil {
		lo = m.need(m.ev(sl.Lo))
	}
	if sl.Hi != nil {
		hi = m.need(m.ev(sl.Hi))
	}
	if sl.Step != nil {
		step = m.need(m.ev(sl.Step))
	}
	var n int
	var runes []rune
	switch x := obj.(type) {
	case *value.List:
		n = len(x.Elems)
	case *value.Tuple:
		n = len(x.Elems)
	case value.Str:
		runes = []rune(string(x))
		n = len(runes)
	case value.Bytes:
		n = len(x)
	default:
		if _, ok := obj.(*rangeObj); ok {
			elems := m.iterate(at, obj)
			return &value.List{Elems: m.sliceElems(at, elems, lo, hi, step)}
		}
		panic(m.raise(at, "TypeError", "'%s' object is not subscriptable", typeName(obj)))
	}
	idx := m.sliceIndices(at, n, lo, hi, step)
	switch x := obj.(type) {
	case *value.List:
		return &value.List{Elems: pick(x.Elems, idx)}
	case *value.Tuple:
		return &value.Tuple{Elems: pick(x.Elems, idx)}
	case value.Str:
		var b strings.Builder
		for _, i := range idx {
			b.WriteRune(runes[i])
		}
		return value.Str(b.String())
	case value.Bytes:
		b := make([]byte, len(idx))
		for j, i := range idx {
			b[j] = x[i]
		}
		return value.Bytes(b)
	}
	return nil
}

func (m *module) sliceElems(at pysyntax.Node, elems []value.Value, lo, hi, step value.Value) []value.Value {
	return pick(elems, m.sliceIndices(at, len(elems), lo, hi, step))
}

func pick(elems []value.Value, idx []int) []value.Value {
	out := make([]value.Value, len(idx))
	for j, i := range idx {
		out[j] = elems[i]
	}
	return out
}

// sliceIndices is CPython's PySlice_GetIndicesEx, returning the indices.
func (m *module) sliceIndices(at pysyntax.Node, n int, lo, hi, step value.Value) []int {
	get := func(v value.Value) (int64, bool) {
		if _, ok := v.(value.NoneType); ok {
			return 0, false
		}
		i, ok := value.AsInt(value.Plain(v))
		if !ok {
			panic(m.raise(at, "TypeError", "slice indices must be integers or None or have an __index__ method"))
		}
		if !i.IsInt64() {
			if i.Sign() < 0 {
				return math.MinInt64 / 2, true
			}
			return math.MaxInt64 / 2, true
		}
		return i.Int64(), true
	}
	st, ok := get(step)
	if !ok {
		st = 1
	}
	if st == 0 {
		panic(m.raise(at, "ValueError", "slice step cannot be zero"))
	}
	ln := int64(n)
	// Omitted bounds default to the ends the step walks from and to;
	// given ones are clamped as CPython's PySlice_AdjustIndices does.
	start, stop := int64(0), ln
	if st < 0 {
		start, stop = ln-1, -1
	}
	if v, ok := get(lo); ok {
		start = adjustSliceIndex(v, ln, st)
	}
	if v, ok := get(hi); ok {
		stop = adjustSliceIndex(v, ln, st)
	}
	var out []int
	if st > 0 {
		for i := start; i < stop; i += st {
			out = append(out, int(i))
		}
	} else {
		for i := start; i > stop; i += st {
			out = append(out, int(i))
		}
	}
	return out
}

// adjustSliceIndex clamps one given slice bound into the sequence of length
// ln for a slice stepping by st: negative bounds count from the end, and
// bounds past either end stop there (one before the start for a negative
// step).
func adjustSliceIndex(v, ln, st int64) int64 {
	if v < 0 {
		v += ln
		if v < 0 {
			if st < 0 {
				return -1
			}
			return 0
		}
		return v
	}
	if v >= ln {
		if st < 0 {
			return ln - 1
		}
		return ln
	}
	return v
}
