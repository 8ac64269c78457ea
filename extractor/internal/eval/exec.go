package eval

import (
	"fmt"
	"strings"

	"github.com/flowplan/flowplan/extractor/diag"
	"github.com/flowplan/flowplan/extractor/internal/pysyntax"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

// module is one module being executed: the flow file or a local module.
type module struct {
	s    *session
	f    *pysyntax.File
	raw  []byte // the file's bytes, for parsing function bodies when they run
	name string // dotted module name; "__main__" for the flow file
	pkg  string // package relative imports resolve against
	ns   *namespace

	trackFlowSpec bool
	flowSpecPos   diag.Pos
	// starUnknown is set after `from <unknown module> import *`: a name
	// that is not bound may come from there.
	starUnknown *diag.Diagnostic
	defs        map[string]*pysyntax.DefStmt // functions defined here, by name
	// classNS is the namespace of each class body being executed, innermost
	// last: a name bound earlier in a class body is visible later in it
	// (Python's LOAD_NAME), but not in comprehensions or functions there.
	classNS []*namespace
	// compDepth counts the comprehensions being evaluated.
	compDepth int
	// enumValues is the Config.use_enum_values of the model whose field
	// is being validated (enums.go).
	enumValues bool
	// inFunction is set for the frame of a function call; loops counts the
	// loops being run; quietForget, when set, keeps forgetEffects from
	// unwinding at a break, continue or return.
	inFunction  bool
	loops       int
	quietForget int
	// fn is the function a call frame runs, and self its first argument
	// (for super()).
	fn   *funcImpl
	self value.Value
}

func (s *session) newModule(f *pysyntax.File, raw []byte, name, pkg string) *module {
	m := &module{s: s, f: f, raw: raw, name: name, pkg: pkg, ns: newNamespace(), defs: map[string]*pysyntax.DefStmt{}}
	m.ns.set("__name__", value.Str(name))
	m.ns.set("__file__", value.Str(f.Path))
	m.ns.set("__doc__", value.None)
	if len(f.Stmts) > 0 {
		if es, ok := f.Stmts[0].(*pysyntax.ExprStmt); ok {
			if lit, ok := es.X.(*pysyntax.StrLit); ok && !lit.Bytes {
				m.ns.set("__doc__", value.Str(lit.Value))
			}
		}
	}
	return m
}

// ctrl is how a block ended.
type ctrl int

const (
	ctrlNext ctrl = iota
	ctrlBreak
	ctrlContinue
)

// run executes the module's statements; it returns the exception that
// escaped the module, if any.
func (s *session) run(m *module) (exc *pyExc) {
	exc = m.protect(func() { m.execBlock(m.f.Stmts) })
	return exc
}

// protect runs fn and returns the Python exception it raised.
func (m *module) protect(fn func()) (exc *pyExc) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(*pyExc)
			if !ok {
				panic(r)
			}
			exc = e
		}
	}()
	fn()
	return nil
}

// raise builds a Python exception positioned at n.
func (m *module) raise(n pysyntax.Node, typ, format string, args ...any) *pyExc {
	msg := fmt.Sprintf(format, args...)
	if typ != "LimitExceeded" && typ != "Cancelled" {
		msg = typ + ": " + msg
	}
	exc := &pyExc{Type: typ, Diag: diag.Errorf(m.f.PosOf(n), m.f.Text(n), "%s", msg)}
	m.attachException(exc, format, fmt.Sprintf(format, args...))
	return exc
}

// unknown makes an Unknown positioned at n.
func (m *module) unknown(n pysyntax.Node, format string, args ...any) value.Unknown {
	m.s.unknown++
	return value.Unknown{Err: diag.Errorf(m.f.PosOf(n), m.f.Text(n), "cannot know statically: "+format, args...)}
}

func (m *module) execBlock(stmts []pysyntax.Stmt) ctrl {
	for _, st := range stmts {
		if c := m.exec(st); c != ctrlNext {
			return c
		}
	}
	return ctrlNext
}

// isSignal tells the panics the evaluator unwinds with on purpose: a
// Python exception, a return, an uncertain control flow, an Unknown.
// Handlers that pass one on let their own frame return first and raise it
// again from their caller (see rethrow), so that unwinding a deep
// recursion walks each frame once: a panic raised inside a deferred
// function starts above every frame that is still being unwound. Any
// other panic is a bug, raised again where it is to keep its stack.
func isSignal(r any) bool {
	switch r.(type) {
	case *pyExc, returnSignal, uncertainFlow, unknownSignal:
		return true
	}
	return false
}

// rethrow raises again a signal a handler passed on, if any.
func rethrow(r any) {
	if r != nil {
		panic(r)
	}
}

func (m *module) exec(st pysyntax.Stmt) ctrl {
	c, pass := m.execStmt(st)
	rethrow(pass)
	return c
}

// execStmt runs one statement; pass is a signal to raise again.
func (m *module) execStmt(st pysyntax.Stmt) (c ctrl, pass any) {
	// A statement that needs a value the extractor does not know outside
	// any expression (a subscript assignment with an unknown index, a loop
	// over a set) has unknown effects: forget them, as for code that may or
	// may not run, instead of letting the signal escape the module.
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
			m.forgetEffects([]pysyntax.Stmt{st}, sig.u)
			c = ctrlNext
		}
	}()
	return m.execSwitch(st), nil
}

func (m *module) execSwitch(st pysyntax.Stmt) ctrl {
	m.s.step(m, st)
	switch st := st.(type) {
	case *pysyntax.AssignStmt:
		if st.Value == nil {
			return ctrlNext
		}
		v := m.eval(st.Value)
		for _, t := range st.Targets {
			m.assign(t, v, st)
		}
	case *pysyntax.AugAssignStmt:
		m.augAssign(st)
	case *pysyntax.ExprStmt:
		m.eval(st.X)
	case *pysyntax.ImportStmt:
		m.importStmt(st)
	case *pysyntax.FromImportStmt:
		m.fromImport(st)
	case *pysyntax.DefStmt:
		m.ns.set(st.Name, m.defineFunction(st))
		if !m.inFunction {
			m.defs[st.Name] = st
		}
	case *pysyntax.ClassStmt:
		m.ns.set(st.Name, m.defineClass(st))
	case *pysyntax.IfStmt:
		return m.execIf(st)
	case *pysyntax.TryStmt:
		return m.execTry(st)
	case *pysyntax.ForStmt:
		return m.execFor(st)
	case *pysyntax.WhileStmt:
		return m.execWhile(st)
	case *pysyntax.WithStmt:
		m.execWith(st)
	case *pysyntax.DelStmt:
		for _, t := range st.Targets {
			m.del(t)
		}
	case *pysyntax.GlobalStmt:
		if st.Nonlocal && !m.inFunction {
			panic(m.raise(st, "SyntaxError", "nonlocal declaration not allowed at module level"))
		}
	case *pysyntax.SimpleStmt:
		switch st.Keyword {
		case "break":
			return ctrlBreak
		case "continue":
			return ctrlContinue
		}
	case *pysyntax.ReturnStmt:
		if !m.inFunction {
			panic(m.raise(st, "SyntaxError", "'return' outside function"))
		}
		var v value.Value = value.None
		if st.Value != nil {
			v = m.eval(st.Value)
		}
		panic(returnSignal{v})
	case *pysyntax.RaiseStmt:
		m.execRaise(st)
	case *pysyntax.AssertStmt:
		c := m.eval(st.Cond)
		if _, ok := c.(value.Unknown); ok {
			return ctrlNext
		}
		if !m.truth(st.Cond, c) {
			m.failAssert(st)
		}
	case *pysyntax.OtherStmt:
		for _, name := range st.Binds {
			m.ns.set(name, m.unknown(st, "%s statements are not evaluated", st.Kind))
		}
		if st.Kind == "match" {
			m.forgetEffects([]pysyntax.Stmt{st}, m.unknown(st, "match statements are not evaluated"))
		}
	}
	return ctrlNext
}

// bind sets a module-level name.
func (m *module) bind(name string, v value.Value, at pysyntax.Node) {
	m.ns.set(name, v)
	if m.trackFlowSpec && name == "FLOW_SPEC" && m.ns.target(name).global == nil {
		m.flowSpecPos = m.f.PosOf(at)
	}
}

// assign binds target to v, as an assignment statement does.
func (m *module) assign(target pysyntax.Expr, v value.Value, stmt pysyntax.Node) {
	switch t := target.(type) {
	case *pysyntax.Ident:
		m.bind(t.Name, v, stmt)
	case *pysyntax.TupleExpr:
		m.unpack(t, t.Elems, v, stmt)
	case *pysyntax.ListExpr:
		m.unpack(t, t.Elems, v, stmt)
	case *pysyntax.IndexExpr:
		obj := m.eval(t.X)
		key := m.eval(t.Index)
		m.setItem(t, obj, key, v)
	case *pysyntax.AttrExpr:
		obj := m.eval(t.X)
		m.setAttr(t, obj, t.Name, v)
	case *pysyntax.Starred:
		panic(m.raise(t, "SyntaxError", "starred assignment target must be in a list or tuple"))
	default:
		panic(m.raise(target, "SyntaxError", "cannot assign to %s", describe(target)))
	}
}

func describe(e pysyntax.Expr) string {
	switch e.(type) {
	case *pysyntax.CallExpr:
		return "function call"
	case *pysyntax.StrLit, *pysyntax.IntLit, *pysyntax.FloatLit, *pysyntax.Const:
		return "literal"
	}
	return "expression"
}

// unpack assigns the elements of v to targets (with at most one *target).
func (m *module) unpack(at pysyntax.Node, targets []pysyntax.Expr, v value.Value, stmt pysyntax.Node) {
	if u, ok := v.(value.Unknown); ok {
		for _, t := range targets {
			if st, ok := t.(*pysyntax.Starred); ok {
				t = st.X
			}
			m.assign(t, u, stmt)
		}
		return
	}
	elems := m.iterate(at, v)
	star := -1
	for i, t := range targets {
		if _, ok := t.(*pysyntax.Starred); ok {
			if star >= 0 {
				panic(m.raise(t, "SyntaxError", "multiple starred expressions in assignment"))
			}
			star = i
		}
	}
	if star < 0 {
		if len(elems) != len(targets) {
			if len(elems) > len(targets) {
				panic(m.raise(at, "ValueError", "too many values to unpack (expected %d)", len(targets)))
			}
			panic(m.raise(at, "ValueError", "not enough values to unpack (expected %d, got %d)", len(targets), len(elems)))
		}
		for i, t := range targets {
			m.assign(t, elems[i], stmt)
		}
		return
	}
	after := len(targets) - star - 1
	if len(elems) < len(targets)-1 {
		panic(m.raise(at, "ValueError", "not enough values to unpack (expected at least %d, got %d)", len(targets)-1, len(elems)))
	}
	for i := 0; i < star; i++ {
		m.assign(targets[i], elems[i], stmt)
	}
	mid := append([]value.Value(nil), elems[star:len(elems)-after]...)
	m.assign(targets[star].(*pysyntax.Starred).X, &value.List{Elems: mid}, stmt)
	for i := 0; i < after; i++ {
		m.assign(targets[star+1+i], elems[len(elems)-after+i], stmt)
	}
}

// augAssign is `target op= value`, in Python's order: the target's current
// value, then the right-hand side, then the operation and the store. An
// Unknown operand makes the stored value that Unknown.
func (m *module) augAssign(st *pysyntax.AugAssignStmt) {
	switch t := st.Target.(type) {
	case *pysyntax.Ident:
		cur := m.lookup(t)
		rhs := m.eval(st.Value)
		m.bind(t.Name, guard(func() value.Value { return m.inplace(st, st.Op, cur, rhs) }), st)
	case *pysyntax.IndexExpr:
		obj := m.eval(t.X)
		key := m.eval(t.Index)
		cur := guard(func() value.Value { return m.getItem(t, obj, key) })
		rhs := m.eval(st.Value)
		m.setItem(t, obj, key, guard(func() value.Value { return m.inplace(st, st.Op, cur, rhs) }))
	case *pysyntax.AttrExpr:
		obj := m.eval(t.X)
		cur := guard(func() value.Value { return m.getAttr(t, obj, t.Name) })
		rhs := m.eval(st.Value)
		m.setAttr(t, obj, t.Name, guard(func() value.Value { return m.inplace(st, st.Op, cur, rhs) }))
	default:
		panic(m.raise(st.Target, "SyntaxError", "illegal expression for augmented assignment"))
	}
}

// inplace is `a op= b`: lists extend in place, everything else rebinds.
func (m *module) inplace(at pysyntax.Node, op string, a, b value.Value) value.Value {
	if l, ok := a.(*value.List); ok && op == "+" {
		if _, ok := b.(value.Unknown); ok {
			m.taintObj(l, b.(value.Unknown).Err)
			return l
		}
		elems := m.iterate(at, b)
		m.checkLen(at, len(l.Elems)+len(elems))
		l.Elems = append(l.Elems, elems...)
		return l
	}
	if d, ok := a.(*value.Dict); ok && op == "|" {
		if u, ok := b.(value.Unknown); ok {
			m.taintObj(d, u.Err)
			return d
		}
		m.dictUpdate(at, d, b)
		return d
	}
	return m.binary(at, op, a, b)
}

func (m *module) del(t pysyntax.Expr) {
	switch t := t.(type) {
	case *pysyntax.Ident:
		if _, ok := m.ns.get(t.Name); !ok {
			if m.ns.unbound(t.Name) {
				panic(m.raise(t, "UnboundLocalError", "cannot access local variable '%s' where it is not associated with a value", t.Name))
			}
			panic(m.raise(t, "NameError", "name '%s' is not defined", t.Name))
		}
		m.ns.del(t.Name)
	case *pysyntax.TupleExpr:
		for _, e := range t.Elems {
			m.del(e)
		}
	case *pysyntax.ListExpr:
		for _, e := range t.Elems {
			m.del(e)
		}
	case *pysyntax.IndexExpr:
		m.delItem(t, m.eval(t.X), m.eval(t.Index))
	case *pysyntax.AttrExpr:
		obj := m.eval(t.X)
		if u, ok := obj.(value.Unknown); ok {
			_ = u
			return
		}
		m.taintObj(obj, m.unknown(t, "attribute deletion is not evaluated").Err)
	default:
		panic(m.raise(t, "SyntaxError", "cannot delete %s", describe(t)))
	}
}

func (m *module) execIf(st *pysyntax.IfStmt) ctrl {
	if isMainGuard(st.Cond) {
		// Code under `if __name__ == "__main__":` does not run on import.
		return m.execBlock(st.Else)
	}
	c := m.eval(st.Cond)
	if u, ok := c.(value.Unknown); ok {
		reason := diag.Errorf(u.Err.Pos, u.Err.Construct, "%s (it decides the `if` at line %d)", u.Err.Msg, m.f.PosOf(st).Line)
		m.forgetEffects(st.Then, value.Unknown{Err: reason})
		m.forgetEffects(st.Else, value.Unknown{Err: reason})
		return ctrlNext
	}
	if m.truth(st.Cond, c) {
		return m.execBlock(st.Then)
	}
	return m.execBlock(st.Else)
}

func isMainGuard(e pysyntax.Expr) bool {
	c, ok := e.(*pysyntax.CompareExpr)
	if !ok || len(c.Ops) != 1 || c.Ops[0] != "==" {
		return false
	}
	isName := func(e pysyntax.Expr) bool {
		id, ok := e.(*pysyntax.Ident)
		return ok && id.Name == "__name__"
	}
	isMain := func(e pysyntax.Expr) bool {
		s, ok := e.(*pysyntax.StrLit)
		return ok && !s.Bytes && s.Value == "__main__"
	}
	a, b := c.Operands[0], c.Operands[1]
	return isName(a) && isMain(b) || isMain(a) && isName(b)
}

func (m *module) execTry(st *pysyntax.TryStmt) (result ctrl) {
	before := m.s.unknown
	if len(st.Finally) > 0 {
		// The finally clause runs however the try statement ends: normally,
		// by break or continue, by a return or an exception of the body or
		// a handler. Its own break, continue, return or exception replaces
		// the way out it interrupted, as in Python.
		defer func() {
			r := recover()
			switch x := r.(type) {
			case nil, returnSignal, uncertainFlow:
			case *pyExc:
				if x.fatal() {
					panic(r)
				}
			case unknownSignal:
				m.forgetEffects(st.Finally, x.u)
				panic(r)
			default:
				panic(r)
			}
			pending, _ := r.(*pyExc)
			if c := m.runFinally(st.Finally, pending); c != ctrlNext {
				result = c
				return
			}
			if r != nil {
				panic(r)
			}
		}()
	}
	var body ctrl
	exc := m.protect(func() { body = m.execBlock(st.Body) })
	if exc != nil && exc.fatal() {
		panic(exc)
	}
	uncertain := m.s.unknown != before
	if exc == nil {
		if uncertain {
			// The body used values not known statically: it may raise, so
			// whatever a handler binds cannot be known.
			for _, h := range st.Handlers {
				reason := m.unknown(&h, "the except clause at line %d may run: its try body depends on values not known statically", m.f.PosOf(&h).Line)
				m.forgetEffects(h.Body, reason)
				if h.Name != "" {
					m.ns.set(h.Name, reason)
				}
			}
		}
		if body != ctrlNext {
			return body
		}
		return m.execBlock(st.Else)
	}
	if exc.unknowns != before {
		// Code the body ran before the raise used values not known
		// statically: it may have raised another exception first.
		if h := m.uncertainRaise(st, exc); h != nil {
			return ctrlNext
		}
		panic(exc)
	}
	for i := range st.Handlers {
		h := &st.Handlers[i]
		match, known := m.excMatches(h, exc)
		if !known {
			reason := m.unknown(h, "cannot tell whether this except clause catches %s", exc.Type)
			m.forgetEffects(h.Body, reason)
			if h.Name != "" {
				m.ns.set(h.Name, reason)
			}
			return ctrlNext
		}
		if match {
			return m.runHandler(h, exc)
		}
	}
	panic(exc)
}

func (m *module) execFor(st *pysyntax.ForStmt) ctrl {
	it := m.eval(st.Iter)
	if u, ok := it.(value.Unknown); ok {
		m.assignUnknown(st.Target, u)
		m.forgetLoop(st.Body, st.Else, u)
		return ctrlNext
	}
	return m.runLoop(st.Target, st.Body, st.Else, func() ctrl {
		for _, v := range m.iterate(st.Iter, it) {
			m.assign(st.Target, v, st)
			switch m.execBlock(st.Body) {
			case ctrlBreak:
				return ctrlNext
			}
		}
		return m.execBlock(st.Else)
	})
}

func (m *module) execWhile(st *pysyntax.WhileStmt) ctrl {
	return m.runLoop(nil, st.Body, st.Else, func() ctrl {
		for {
			c := m.eval(st.Cond)
			if u, ok := c.(value.Unknown); ok {
				m.forgetLoop(st.Body, st.Else, u)
				return ctrlNext
			}
			if !m.truth(st.Cond, c) {
				return m.execBlock(st.Else)
			}
			if m.execBlock(st.Body) == ctrlBreak {
				return ctrlNext
			}
		}
	})
}

// forgetLoop forgets a loop whose running is uncertain: its own break and
// continue stay inside it, but a return, or a break in its else clause,
// makes the enclosing call or loop uncertain too.
func (m *module) forgetLoop(body, els []pysyntax.Stmt, u value.Unknown) {
	if m.quietForget == 0 {
		exit, _ := controlIn(body, false)
		exitElse, loop := controlIn(els, m.loops > 0)
		if (exit || exitElse) && m.inFunction {
			panic(uncertainFlow{u: u, isExit: true})
		}
		if loop {
			panic(uncertainFlow{u: u})
		}
	}
	m.forgetQuietly(body, u)
	m.forgetQuietly(els, u)
}

func (m *module) execWith(st *pysyntax.WithStmt) {
	reason := m.unknown(st, "with statements (context managers) are not evaluated")
	for _, it := range st.Items {
		m.eval(it.Value)
		if it.Target != nil {
			m.assignUnknown(it.Target, reason)
		}
	}
	m.forgetEffects(st.Body, reason)
}

// assignUnknown binds every name in target to u.
func (m *module) assignUnknown(target pysyntax.Expr, u value.Unknown) {
	for _, name := range targetNames(target, nil) {
		m.ns.set(name, u)
	}
	m.taintTargets(target, u)
}

func targetNames(t pysyntax.Expr, out []string) []string {
	switch t := t.(type) {
	case *pysyntax.Ident:
		out = append(out, t.Name)
	case *pysyntax.TupleExpr:
		for _, e := range t.Elems {
			out = targetNames(e, out)
		}
	case *pysyntax.ListExpr:
		for _, e := range t.Elems {
			out = targetNames(e, out)
		}
	case *pysyntax.Starred:
		out = targetNames(t.X, out)
	}
	return out
}

// forgetEffects handles code that may or may not run: every name it may
// bind becomes u, and every object it may mutate is tainted with u's reason.
func (m *module) forgetEffects(stmts []pysyntax.Stmt, u value.Unknown) {
	if m.quietForget == 0 {
		// A return, break or continue in code that may or may not run
		// makes the rest of the call or loop uncertain too.
		exit, loop := controlIn(stmts, m.loops > 0)
		if exit && m.inFunction {
			panic(uncertainFlow{u: u, isExit: true})
		}
		if loop {
			panic(uncertainFlow{u: u})
		}
	}
	for _, st := range stmts {
		switch st := st.(type) {
		case *pysyntax.AssignStmt:
			for _, t := range st.Targets {
				m.assignUnknown(t, u)
			}
		case *pysyntax.AugAssignStmt:
			m.assignUnknown(st.Target, u)
		case *pysyntax.ImportStmt:
			for _, n := range st.Names {
				name := n.Alias
				if name == "" {
					name = strings.SplitN(n.Name, ".", 2)[0]
				}
				m.ns.set(name, u)
			}
		case *pysyntax.FromImportStmt:
			for _, n := range st.Names {
				name := n.Alias
				if name == "" {
					name = n.Name
				}
				m.ns.set(name, u)
			}
			if st.Star {
				m.starUnknown = u.Err
			}
		case *pysyntax.DefStmt:
			m.ns.set(st.Name, u)
		case *pysyntax.ClassStmt:
			m.ns.set(st.Name, u)
		case *pysyntax.IfStmt:
			m.forgetEffects(st.Then, u)
			m.forgetEffects(st.Else, u)
		case *pysyntax.TryStmt:
			m.forgetEffects(st.Body, u)
			for _, h := range st.Handlers {
				if h.Name != "" {
					m.ns.set(h.Name, u)
				}
				m.forgetEffects(h.Body, u)
			}
			m.forgetEffects(st.Else, u)
			m.forgetEffects(st.Finally, u)
		case *pysyntax.ForStmt:
			m.assignUnknown(st.Target, u)
			m.forgetEffects(st.Body, u)
			m.forgetEffects(st.Else, u)
		case *pysyntax.WhileStmt:
			m.forgetEffects(st.Body, u)
			m.forgetEffects(st.Else, u)
		case *pysyntax.WithStmt:
			for _, it := range st.Items {
				if it.Target != nil {
					m.assignUnknown(it.Target, u)
				}
				m.taintCalls(it.Value, u)
			}
			m.forgetEffects(st.Body, u)
		case *pysyntax.DelStmt:
			for _, t := range st.Targets {
				m.assignUnknown(t, u)
			}
		case *pysyntax.ExprStmt:
			m.taintCalls(st.X, u)
		case *pysyntax.GlobalStmt, *pysyntax.SimpleStmt, *pysyntax.ReturnStmt, *pysyntax.RaiseStmt, *pysyntax.AssertStmt:
		case *pysyntax.OtherStmt:
			for _, name := range st.Binds {
				m.ns.set(name, u)
			}
			// A match statement's case bodies are not converted: anything
			// could be bound there, so every global is in doubt.
			if st.Kind == "match" {
				for name := range m.ns.vals {
					if !strings.HasPrefix(name, "__") {
						m.ns.set(name, u)
					}
				}
			}
		}
	}
}

// taintTargets taints the objects a subscript or attribute target mutates.
func (m *module) taintTargets(t pysyntax.Expr, u value.Unknown) {
	switch t := t.(type) {
	case *pysyntax.IndexExpr:
		m.taintRoot(t.X, u)
	case *pysyntax.AttrExpr:
		m.taintRoot(t.X, u)
	case *pysyntax.TupleExpr:
		for _, e := range t.Elems {
			m.taintTargets(e, u)
		}
	case *pysyntax.ListExpr:
		for _, e := range t.Elems {
			m.taintTargets(e, u)
		}
	case *pysyntax.Starred:
		m.taintTargets(t.X, u)
	}
}

// taintCalls taints whatever a call in code that may run could mutate: the
// receivers of method calls and the arguments, and any name a called
// module-level function may touch.
func (m *module) taintCalls(e pysyntax.Expr, u value.Unknown) {
	walkExpr(e, func(x pysyntax.Expr) {
		switch c := x.(type) {
		case *pysyntax.CallExpr:
			if a, ok := c.Fn.(*pysyntax.AttrExpr); ok {
				m.taintRoot(a.X, u)
			}
			if id, ok := c.Fn.(*pysyntax.Ident); ok {
				if d := m.defs[id.Name]; d != nil {
					m.functionEffects(d, u, map[string]bool{})
				}
			}
			for _, a := range c.Args {
				m.taintRoot(a.Value, u)
			}
		case *pysyntax.NamedExpr:
			m.ns.set(c.Name, u)
		}
	})
}

// taintRoot evaluates a side-effect-free access path (names, attributes,
// constant subscripts) and taints the object it reaches.
func (m *module) taintRoot(e pysyntax.Expr, u value.Unknown) {
	var v value.Value
	if !pureExpr(e) {
		return
	}
	if exc := m.protect(func() { v = m.eval(e) }); exc != nil {
		return
	}
	m.taintObj(v, u.Err)
}

func pureExpr(e pysyntax.Expr) bool {
	switch e := e.(type) {
	case *pysyntax.Ident, *pysyntax.StrLit, *pysyntax.IntLit, *pysyntax.Const:
		return true
	case *pysyntax.AttrExpr:
		return pureExpr(e.X)
	case *pysyntax.IndexExpr:
		return pureExpr(e.X) && pureExpr(e.Index)
	}
	return false
}

// walkExpr calls fn on e and every expression inside it.
func walkExpr(e pysyntax.Expr, fn func(pysyntax.Expr)) {
	if e == nil {
		return
	}
	fn(e)
	switch x := e.(type) {
	case *pysyntax.ListExpr:
		for _, y := range x.Elems {
			walkExpr(y, fn)
		}
	case *pysyntax.TupleExpr:
		for _, y := range x.Elems {
			walkExpr(y, fn)
		}
	case *pysyntax.SetExpr:
		for _, y := range x.Elems {
			walkExpr(y, fn)
		}
	case *pysyntax.DictExpr:
		for _, en := range x.Entries {
			walkExpr(en.Key, fn)
			walkExpr(en.Value, fn)
		}
	case *pysyntax.Starred:
		walkExpr(x.X, fn)
	case *pysyntax.UnaryExpr:
		walkExpr(x.X, fn)
	case *pysyntax.BinaryExpr:
		walkExpr(x.X, fn)
		walkExpr(x.Y, fn)
	case *pysyntax.BoolExpr:
		walkExpr(x.X, fn)
		walkExpr(x.Y, fn)
	case *pysyntax.CompareExpr:
		for _, y := range x.Operands {
			walkExpr(y, fn)
		}
	case *pysyntax.CondExpr:
		walkExpr(x.Cond, fn)
		walkExpr(x.Then, fn)
		walkExpr(x.Else, fn)
	case *pysyntax.CallExpr:
		walkExpr(x.Fn, fn)
		for _, a := range x.Args {
			walkExpr(a.Value, fn)
		}
	case *pysyntax.AttrExpr:
		walkExpr(x.X, fn)
	case *pysyntax.IndexExpr:
		walkExpr(x.X, fn)
		walkExpr(x.Index, fn)
	case *pysyntax.SliceExpr:
		walkExpr(x.Lo, fn)
		walkExpr(x.Hi, fn)
		walkExpr(x.Step, fn)
	case *pysyntax.Comprehension:
		walkExpr(x.Key, fn)
		walkExpr(x.Body, fn)
		for _, c := range x.Clauses {
			walkExpr(c.Target, fn)
			walkExpr(c.Iter, fn)
			walkExpr(c.If, fn)
		}
	case *pysyntax.NamedExpr:
		walkExpr(x.Value, fn)
	case *pysyntax.LambdaExpr:
		for _, p := range x.Params {
			walkExpr(p.Default, fn)
		}
		walkExpr(x.Body, fn)
	case *pysyntax.FString:
		for _, p := range x.Parts {
			if p.Field != nil {
				walkExpr(p.Field.X, fn)
				if p.Field.Spec != nil {
					walkExpr(p.Field.Spec, fn)
				}
			}
		}
	}
}

// runLoop runs a loop's iterations; a break or continue whose running is
// uncertain makes the whole loop forgotten.
func (m *module) runLoop(target pysyntax.Expr, body, els []pysyntax.Stmt, run func() ctrl) (c ctrl) {
	m.loops++
	defer func() {
		m.loops--
		if r := recover(); r != nil {
			sig, ok := r.(uncertainFlow)
			if !ok || sig.isExit {
				panic(r)
			}
			if target != nil {
				m.assignUnknown(target, sig.u)
			}
			m.forgetQuietly(body, sig.u)
			m.forgetQuietly(els, sig.u)
			c = ctrlNext
		}
	}()
	return run()
}
