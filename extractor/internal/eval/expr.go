package eval

import (
	"math/big"
	"strings"

	"github.com/flowplan/flowplan/extractor/internal/pysyntax"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

// unknownSignal unwinds an expression that needs a value the extractor does
// not know; eval turns it back into that Unknown.
type unknownSignal struct{ u value.Unknown }

// need returns v, or unwinds the current expression when v is Unknown.
func (m *module) need(v value.Value) value.Value {
	if u, ok := v.(value.Unknown); ok {
		m.s.unknown++ // the operation might have raised: a try body is uncertain
		panic(unknownSignal{u})
	}
	return v
}

// eval evaluates e as a whole expression: an Unknown anywhere it needs a
// value makes the result that Unknown.
func (m *module) eval(e pysyntax.Expr) value.Value {
	return guard(func() value.Value { return m.ev(e) })
}

// guard runs fn, turning an Unknown it needs (an unknownSignal) into its
// result. Code outside an eval that may need a value (statements combining
// values they evaluated) runs under guard.
func guard(fn func() value.Value) value.Value {
	v, pass := guarded(fn)
	rethrow(pass)
	return v
}

// guarded is guard; pass is a signal to raise again.
func guarded(fn func() value.Value) (v value.Value, pass any) {
	defer func() {
		if r := recover(); r != nil {
			sig, ok := r.(unknownSignal)
			if !ok {
				if !isSignal(r) {
					panic(r)
				}
				pass = r
				return
			}
			v = sig.u
		}
	}()
	return fn(), nil
}

// ev evaluates e; Unknowns it needs unwind to the enclosing eval.
func (m *module) ev(e pysyntax.Expr) value.Value {
	m.s.depth++
	defer func() { m.s.depth-- }()
	if m.s.depth > maxCallDepth {
		panic(m.raise(e, "LimitExceeded", "expression nested deeper than %d levels", maxCallDepth))
	}
	m.s.step(m, e)
	switch e := e.(type) {
	case *pysyntax.Ident:
		return m.lookup(e)
	case *pysyntax.IntLit:
		return value.Int{V: e.Value}
	case *pysyntax.FloatLit:
		return value.Float(e.Value)
	case *pysyntax.StrLit:
		if e.Bytes {
			return value.Bytes(e.Value)
		}
		return value.Str(e.Value)
	case *pysyntax.ImagLit:
		return m.unknown(e, "complex numbers are not supported")
	case *pysyntax.FString:
		return value.Str(m.fstring(e))
	case *pysyntax.Const:
		switch e.Name {
		case "True":
			return value.Bool(true)
		case "False":
			return value.Bool(false)
		case "None":
			return value.None
		}
		return ellipsis{}
	case *pysyntax.ListExpr:
		return &value.List{Elems: m.elems(e.Elems)}
	case *pysyntax.TupleExpr:
		return &value.Tuple{Elems: m.elems(e.Elems)}
	case *pysyntax.SetExpr:
		return m.newSet(e, m.elems(e.Elems), false)
	case *pysyntax.DictExpr:
		return m.dictDisplay(e)
	case *pysyntax.Starred:
		panic(m.raise(e, "SyntaxError", "can't use starred expression here"))
	case *pysyntax.UnaryExpr:
		return m.unary(e)
	case *pysyntax.BinaryExpr:
		x := m.ev(e.X)
		y := m.ev(e.Y)
		return m.binary(e, e.Op, x, y)
	case *pysyntax.BoolExpr:
		x := m.ev(e.X)
		t := m.truth(e.X, x)
		if (e.Op == "and") != t {
			return x
		}
		return m.ev(e.Y)
	case *pysyntax.CompareExpr:
		left := m.ev(e.Operands[0])
		for i, op := range e.Ops {
			right := m.ev(e.Operands[i+1])
			r := m.compare(e, op, left, right)
			if i == len(e.Ops)-1 {
				return r
			}
			if !m.truth(e, r) {
				return r
			}
			left = right
		}
		return value.Bool(true)
	case *pysyntax.CondExpr:
		if m.truth(e.Cond, m.ev(e.Cond)) {
			return m.ev(e.Then)
		}
		return m.ev(e.Else)
	case *pysyntax.CallExpr:
		return m.callExpr(e)
	case *pysyntax.AttrExpr:
		return m.getAttr(e, m.ev(e.X), e.Name)
	case *pysyntax.IndexExpr:
		obj := m.ev(e.X)
		if sl, ok := e.Index.(*pysyntax.SliceExpr); ok {
			return m.slice(e, obj, sl)
		}
		return m.getItem(e, obj, m.ev(e.Index))
	case *pysyntax.SliceExpr:
		panic(m.raise(e, "SyntaxError", "slice outside a subscript"))
	case *pysyntax.Comprehension:
		return m.comprehension(e)
	case *pysyntax.LambdaExpr:
		return m.lambda(e)
	case *pysyntax.NamedExpr:
		v := m.ev(e.Value)
		m.bind(e.Name, v, e)
		return v
	case *pysyntax.OtherExpr:
		return m.unknown(e, "%s expressions are not evaluated", e.Kind)
	}
	return m.unknown(e, "unsupported expression")
}

// lazy evaluates e for storing: an Unknown becomes the value rather than
// unwinding, so that containers and arguments keep what is known.
func (m *module) lazy(e pysyntax.Expr) value.Value { return m.eval(e) }

// elems evaluates the elements of a display, expanding *x.
func (m *module) elems(es []pysyntax.Expr) []value.Value {
	out := make([]value.Value, 0, len(es))
	for _, e := range es {
		if st, ok := e.(*pysyntax.Starred); ok {
			if st.Double {
				panic(m.raise(st, "SyntaxError", "dict unpacking outside a dict display"))
			}
			v := m.need(m.ev(st.X))
			out = append(out, m.iterate(st, v)...)
			m.checkLen(st, len(out))
			continue
		}
		out = append(out, m.lazy(e))
	}
	return out
}

func (m *module) dictDisplay(e *pysyntax.DictExpr) value.Value {
	d := &value.Dict{}
	for _, en := range e.Entries {
		if en.Key == nil {
			m.dictUpdateMapping(en.Value, d, m.need(m.ev(en.Value)))
			continue
		}
		k := m.need(m.ev(en.Key))
		m.dictSet(en.Key, d, k, m.lazy(en.Value))
	}
	return d
}

// lookup resolves a name: module globals, then builtins.
func (m *module) lookup(id *pysyntax.Ident) value.Value {
	if n := len(m.classNS); n > 0 && m.compDepth == 0 {
		if v, ok := m.classNS[n-1].get(id.Name); ok {
			return m.checkTaint(v)
		}
	}
	if v, ok := m.ns.get(id.Name); ok {
		return m.checkTaint(v)
	}
	if b := m.s.builtin(id.Name); b != nil {
		return b
	}
	if strings.Contains(unsupportedBuiltins, " "+id.Name+" ") {
		return m.unknown(id, "builtin %s is not supported", id.Name)
	}
	if m.ns.unbound(id.Name) {
		panic(m.raise(id, "UnboundLocalError", "cannot access local variable '%s' where it is not associated with a value", id.Name))
	}
	if m.starUnknown != nil {
		return m.unknown(id, "name %s is not bound; it may come from a star import of a module the extractor does not know (%s)", id.Name, m.starUnknown.Error())
	}
	if d := m.boundOnlyInFunction(id.Name); d != "" {
		panic(m.raise(id, "NameError", "name '%s' is not defined (it is bound only inside function %s)", id.Name, d))
	}
	panic(m.raise(id, "NameError", "name '%s' is not defined", id.Name))
}

// boundOnlyInFunction names a module-level function whose text assigns
// name, to explain a NameError.
func (m *module) boundOnlyInFunction(name string) string {
	for fname, d := range m.defs {
		text := m.f.Text(d)
		if strings.Contains(text, name+" =") || strings.Contains(text, name+"=") && !strings.Contains(text, name+"==") {
			return fname
		}
	}
	return ""
}

func (m *module) unary(e *pysyntax.UnaryExpr) value.Value {
	x := m.ev(e.X)
	if e.Op == "not" {
		return value.Bool(!m.truth(e.X, x))
	}
	x = value.Plain(m.need(x))
	switch v := x.(type) {
	case value.Bool:
		i := int64(0)
		if v {
			i = 1
		}
		return m.unaryInt(e, e.Op, big.NewInt(i))
	case value.Int:
		return m.unaryInt(e, e.Op, v.V)
	case value.Float:
		switch e.Op {
		case "-":
			return -v
		case "+":
			return v
		}
	case value.Timedelta:
		switch e.Op {
		case "-":
			return m.tdNeg(e, v)
		case "+":
			return v
		}
	}
	panic(m.raise(e, "TypeError", "bad operand type for unary %s: '%s'", e.Op, typeName(x)))
}

func (m *module) unaryInt(e pysyntax.Node, op string, i *big.Int) value.Value {
	switch op {
	case "-":
		return value.Int{V: new(big.Int).Neg(i)}
	case "+":
		return value.Int{V: i}
	default:
		return value.Int{V: new(big.Int).Not(i)}
	}
}

// comprehension evaluates a list, set or dict comprehension or a generator
// expression; its loop variables live in their own scope.
func (m *module) comprehension(e *pysyntax.Comprehension) value.Value {
	scope := map[string]value.Value{}
	saved := map[string]value.Value{}
	had := map[string]bool{}
	var out []value.Value
	var keys []value.Value
	var first value.Value // the first iterable
	var rec func(i int)
	rec = func(i int) {
		if i == len(e.Clauses) {
			if e.Kind == "dict" {
				keys = append(keys, m.need(m.ev(e.Key)))
			}
			out = append(out, m.lazy(e.Body))
			m.checkLen(e, len(out))
			return
		}
		cl := e.Clauses[i]
		if cl.If != nil {
			if m.truth(cl.If, m.ev(cl.If)) {
				rec(i + 1)
			}
			return
		}
		it := first
		if i > 0 {
			it = m.need(m.ev(cl.Iter))
		}
		for _, v := range m.iterate(cl.Iter, it) {
			for _, name := range targetNames(cl.Target, nil) {
				if _, ok := scope[name]; !ok {
					scope[name] = nil
					saved[name], had[name] = m.ns.get(name)
				}
			}
			m.assign(cl.Target, v, e)
			rec(i + 1)
		}
	}
	// The first iterable is evaluated where the comprehension is written;
	// the rest of it runs in a scope of its own, which does not see a class
	// body's names.
	first = m.need(m.ev(e.Clauses[0].Iter))
	m.compDepth++
	defer func() { m.compDepth-- }()
	func() {
		defer func() {
			for name := range scope {
				if had[name] {
					m.ns.set(name, saved[name])
				} else {
					m.ns.del(name)
				}
			}
		}()
		rec(0)
	}()
	switch e.Kind {
	case "list":
		return &value.List{Elems: out}
	case "set":
		return m.newSet(e, out, false)
	case "dict":
		d := &value.Dict{}
		for i := range out {
			m.dictSet(e, d, keys[i], out[i])
		}
		return d
	}
	return &iterObj{kind: "generator", elems: out}
}

// checkLen refuses containers beyond maxSeqLen.
func (m *module) checkLen(at pysyntax.Node, n int) {
	if n > maxSeqLen {
		panic(m.raise(at, "LimitExceeded", "a container of more than %d elements is refused", maxSeqLen))
	}
}
