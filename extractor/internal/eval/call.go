package eval

import (
	"github.com/flowplan/flowplan/extractor/internal/pysyntax"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

// kwArg is one keyword argument of a call.
type kwArg struct {
	name string
	v    value.Value
	node pysyntax.Node
}

// call is a call being made: the callee's arguments, evaluated.
type call struct {
	m        *module
	at       pysyntax.Node // the call expression
	name     string        // callee name for messages
	args     []value.Value
	argNodes []pysyntax.Node
	kwargs   []kwArg
}

func (c *call) raise(typ, format string, args ...any) *pyExc {
	return c.m.raise(c.at, typ, format, args...)
}

// arity checks the number of positional arguments.
func (c *call) arity(min, max int) {
	n := len(c.args)
	if n >= min && (max < 0 || n <= max) {
		return
	}
	switch {
	case min == max && min == 0:
		panic(c.raise("TypeError", "%s() takes no arguments (%d given)", c.name, n))
	case min == max && min == 1:
		panic(c.raise("TypeError", "%s() takes exactly one argument (%d given)", c.name, n))
	case n < min:
		panic(c.raise("TypeError", "%s expected at least %d argument%s, got %d", c.name, min, plural(min), n))
	default:
		panic(c.raise("TypeError", "%s expected at most %d argument%s, got %d", c.name, max, plural(max), n))
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// noKwargs refuses keyword arguments.
func (c *call) noKwargs() {
	if len(c.kwargs) > 0 {
		panic(c.raise("TypeError", "%s() takes no keyword arguments", c.name))
	}
}

// onlyKwargs refuses keyword arguments other than the named ones.
func (c *call) onlyKwargs(names ...string) {
	for _, k := range c.kwargs {
		ok := false
		for _, n := range names {
			if k.name == n {
				ok = true
			}
		}
		if !ok {
			panic(c.raise("TypeError", "%s() got an unexpected keyword argument '%s'", c.name, k.name))
		}
	}
}

// arg is positional argument i, known.
func (c *call) arg(i int) value.Value { return c.m.need(c.args[i]) }

// kw returns a keyword argument.
func (c *call) kw(name string) (value.Value, bool) {
	for _, k := range c.kwargs {
		if k.name == name {
			return k.v, true
		}
	}
	return nil, false
}

// param returns the argument given positionally at i or by name.
func (c *call) param(i int, name string) (value.Value, bool) {
	if i >= 0 && i < len(c.args) {
		if _, dup := c.kw(name); dup {
			panic(c.raise("TypeError", "%s() got multiple values for argument '%s'", c.name, name))
		}
		return c.m.need(c.args[i]), true
	}
	if v, ok := c.kw(name); ok {
		return c.m.need(v), true
	}
	return nil, false
}

// poisonBuiltins are the builtins that can change any name or object of
// the module (exec("..."), globals()["X"] = ...): calling one is an effect
// the extractor cannot follow.
var poisonBuiltins = map[string]bool{
	"exec": true, "eval": true, "globals": true, "locals": true, "vars": true,
	"compile": true, "__import__": true, "delattr": true, "breakpoint": true,
}

func (m *module) callExpr(e *pysyntax.CallExpr) value.Value {
	// A method of a known object that the extractor does not model may
	// change the object: keep the receiver to taint it.
	var fn, recv value.Value
	if a, ok := e.Fn.(*pysyntax.AttrExpr); ok {
		recv = m.ev(a.X)
		m.s.step(m, a)
		fn = m.getAttr(a, recv, a.Name)
	} else {
		fn = m.ev(e.Fn)
	}
	if id, ok := e.Fn.(*pysyntax.Ident); ok && poisonBuiltins[id.Name] {
		if _, bound := m.ns.get(id.Name); !bound {
			m.poison(e, "%s() can change any name or object of the module; the extractor cannot follow it", id.Name)
		}
	}
	c := &call{m: m, at: e, name: calleeName(e.Fn)}
	for _, a := range e.Args {
		switch {
		case a.Star == 1:
			v := m.need(m.ev(a.Value))
			for _, x := range m.iterate(&a, v) {
				c.args = append(c.args, x)
				c.argNodes = append(c.argNodes, &a)
			}
		case a.Star == 2:
			v := m.need(m.ev(a.Value))
			d, ok := v.(*value.Dict)
			if !ok {
				panic(m.raise(&a, "TypeError", "%s() argument after ** must be a mapping, not %s", c.name, typeName(v)))
			}
			for i, k := range d.Keys {
				ks, ok := m.need(k).(value.Str)
				if !ok {
					panic(m.raise(&a, "TypeError", "keywords must be strings"))
				}
				c.addKw(string(ks), d.Vals[i], &a)
			}
		case a.Name != "":
			c.addKw(a.Name, m.lazy(a.Value), a.Value)
		default:
			c.args = append(c.args, m.lazy(a.Value))
			c.argNodes = append(c.argNodes, a.Value)
		}
	}
	m.checkLen(e, len(c.args)+len(c.kwargs))
	if u, ok := fn.(value.Unknown); ok && recv != nil {
		m.taintObj(recv, u.Err)
	}
	v, pass := m.callTainting(c, fn, recv)
	rethrow(pass)
	return v
}

// callTainting calls fn. A call that an unknown value interrupts (a sort
// whose key function is unknown) may have changed its object or arguments
// part way: they are tainted. pass is a signal to raise again.
func (m *module) callTainting(c *call, fn, recv value.Value) (v value.Value, pass any) {
	defer func() {
		if r := recover(); r != nil {
			if sig, ok := r.(unknownSignal); ok {
				if recv != nil {
					m.taintObj(recv, sig.u.Err)
				}
				m.taintArgs(c, sig.u)
			}
			if !isSignal(r) {
				panic(r)
			}
			pass = r
		}
	}()
	return m.callValue(c, fn), nil
}

func (c *call) addKw(name string, v value.Value, node pysyntax.Node) {
	if _, dup := c.kw(name); dup {
		panic(c.raise("TypeError", "%s() got multiple values for keyword argument '%s'", c.name, name))
	}
	c.kwargs = append(c.kwargs, kwArg{name: name, v: v, node: node})
}

func calleeName(e pysyntax.Expr) string {
	switch x := e.(type) {
	case *pysyntax.Ident:
		return x.Name
	case *pysyntax.AttrExpr:
		return x.Name
	}
	return "object"
}

// callValue calls fn with the evaluated arguments.
func (m *module) callValue(c *call, fn value.Value) value.Value {
	switch f := fn.(type) {
	case value.Unknown:
		m.s.unknown++ // code the extractor does not run may raise: a try body is uncertain
		m.taintArgs(c, f)
		return f
	case *builtin:
		c.name = f.name
		return f.fn(c)
	case *typeObj:
		c.name = f.name
		return f.ctor(c)
	case *excClass:
		return m.newException(c, f)
	case *flowDecorator:
		return m.callFlowDecorator(c, f)
	case *value.Class:
		return m.construct(c, f)
	case *value.Function:
		if impl, ok := f.Impl.(*funcImpl); ok && f.Flow == nil {
			if why := notRun(f, impl); why != "" {
				u := m.unknown(c.at, "call of %s: %s", f.Name, why)
				m.taintArgs(c, u)
				return u
			}
			return m.callFunction(c, f, impl)
		}
		u := m.unknown(c.at, "call of function %s: function bodies are not executed", f.Name)
		m.taintArgs(c, u)
		if d := m.defs[f.Name]; d != nil && m.f.PosOf(d) == f.Pos {
			m.functionEffects(d, u, map[string]bool{})
		}
		return u
	}
	panic(c.raise("TypeError", "'%s' object is not callable", typeName(fn)))
}

// taintArgs taints the mutable arguments of a call the extractor does not
// run: the callee may change them.
func (m *module) taintArgs(c *call, u value.Unknown) {
	for _, a := range c.args {
		m.taintObj(a, u.Err)
	}
	for _, k := range c.kwargs {
		m.taintObj(k.v, u.Err)
	}
}

// construct calls a class: a known deployment model or schedule (an
// Instance with the arguments as written), or a local data model.
func (m *module) construct(c *call, cls *value.Class) value.Value {
	if def := m.s.enums[cls]; def != nil {
		return m.enumCall(c, def)
	}
	if def := m.s.models[cls]; def != nil {
		return m.constructModel(c, cls, def)
	}
	switch cls.ID {
	case value.ClassAgentFlowSpec, value.ClassAgentFlowDeployment, value.ClassAgentFlowEnvar, value.ClassAgentFlowSecret,
		value.ClassWorkerFlowSpec, value.ClassWorkerFlowDeployment,
		value.ClassCronSchedule, value.ClassIntervalSchedule, value.ClassRRuleSchedule:
		inst := &value.Instance{Class: cls, Pos: m.f.PosOf(c.at), Src: m.f.Text(c.at)}
		for i, a := range c.args {
			inst.Args = append(inst.Args, value.Arg{Value: m.checkTaint(a), Pos: m.f.PosOf(c.argNodes[i]), Src: m.f.Text(c.argNodes[i])})
		}
		for _, k := range c.kwargs {
			inst.Args = append(inst.Args, value.Arg{Name: k.name, Value: m.checkTaint(k.v), Pos: m.f.PosOf(k.node), Src: m.f.Text(k.node)})
		}
		if !m.buildState(inst) {
			exc := m.raise(c.at, "ValidationError", "pydantic refuses to build %s from these arguments", cls.Name)
			exc.Invalid = inst
			panic(exc)
		}
		return inst
	case classCommonSettings:
		return m.commonSettings(c)
	}
	return m.unknown(c.at, "instances of %s are not evaluated", cls.Name)
}
