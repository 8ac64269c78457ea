package eval

import (
	"context"
	"fmt"
	"strings"

	"github.com/flowplan/flowplan/extractor/diag"
	"github.com/flowplan/flowplan/extractor/internal/pysyntax"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

// Functions defined in the project run when code the extractor evaluates
// calls them: their bodies execute in a scope of their own, over values
// it can know, with the same rules as module-level code (an Unknown is an
// error only where FLOW_SPEC uses it). Bodies are parsed when first run.

// maxCallNesting bounds nested calls of project functions, as CPython's
// default recursion limit does.
const maxCallNesting = 1000

// funcImpl is what running a project function needs.
type funcImpl struct {
	def    *pysyntax.DefStmt    // the def as parsed without its body, or nil for a lambda
	lambda *pysyntax.LambdaExpr // a lambda, as parsed without its body
	mod    *module              // the file (and session) it was defined in
	env    *namespace           // the scope its free names resolve in
	params []value.Param        // with the defaults evaluated when it was defined
	owner  *modelDef            // the model whose class body defines it, for super()
	// excOwner is the exception class whose body defines it, for super().
	excOwner *excClass
}

// returnSignal unwinds a function's body at a return statement.
type returnSignal struct{ v value.Value }

// uncertainFlow unwinds a loop or a call whose control flow depends on a
// value the extractor does not know: a break, continue or return in code
// that may or may not run. The whole loop or call is then forgotten.
type uncertainFlow struct {
	u      value.Unknown
	isExit bool // a return: it ends the call, not a loop
}

// fullFile is a file parsed with its function bodies, and where each def
// and lambda starts.
type fullFile struct {
	file    *pysyntax.File
	defs    map[int32]*pysyntax.DefStmt
	lambdas map[int32]*pysyntax.LambdaExpr
	diags   diag.List
	err     error
}

// full parses the module's file with function bodies, once per session.
func (m *module) full() *fullFile {
	if ff := m.s.fullFiles[m.f.Path]; ff != nil {
		return ff
	}
	ff := &fullFile{defs: map[int32]*pysyntax.DefStmt{}, lambdas: map[int32]*pysyntax.LambdaExpr{}}
	if m.raw == nil {
		ff.err = fmt.Errorf("the source of %s is not at hand", m.f.Path)
	} else {
		ff.file, ff.diags, ff.err = m.s.in.parseFull(m.s.ctx, m.f.Path, m.raw)
	}
	if ff.file != nil {
		indexFull(ff, ff.file.Stmts)
	}
	if m.s.fullFiles == nil {
		m.s.fullFiles = map[string]*fullFile{}
	}
	m.s.fullFiles[m.f.Path] = ff
	return ff
}

// indexFull records every def and lambda of stmts, at any depth.
func indexFull(ff *fullFile, stmts []pysyntax.Stmt) {
	var walkStmts func([]pysyntax.Stmt)
	walkE := func(e pysyntax.Expr) {
		walkExpr(e, func(x pysyntax.Expr) {
			if l, ok := x.(*pysyntax.LambdaExpr); ok {
				ff.lambdas[pysyntax.SpanOf(l).Start] = l
			}
		})
	}
	walkStmts = func(list []pysyntax.Stmt) {
		for _, st := range list {
			forEachExpr(st, walkE)
			switch x := st.(type) {
			case *pysyntax.DefStmt:
				ff.defs[pysyntax.SpanOf(x).Start] = x
				walkStmts(x.Body)
			case *pysyntax.ClassStmt:
				walkStmts(x.Body)
			case *pysyntax.IfStmt:
				walkStmts(x.Then)
				walkStmts(x.Else)
			case *pysyntax.ForStmt:
				walkStmts(x.Body)
				walkStmts(x.Else)
			case *pysyntax.WhileStmt:
				walkStmts(x.Body)
				walkStmts(x.Else)
			case *pysyntax.WithStmt:
				walkStmts(x.Body)
			case *pysyntax.TryStmt:
				walkStmts(x.Body)
				for _, h := range x.Handlers {
					walkStmts(h.Body)
				}
				walkStmts(x.Else)
				walkStmts(x.Finally)
			}
		}
	}
	walkStmts(stmts)
}

// forEachExpr calls fn on the expressions a statement holds itself (not
// those of nested blocks).
func forEachExpr(st pysyntax.Stmt, fn func(pysyntax.Expr)) {
	switch x := st.(type) {
	case *pysyntax.AssignStmt:
		for _, t := range x.Targets {
			fn(t)
		}
		fn(x.Value)
		fn(x.Annotation)
	case *pysyntax.AugAssignStmt:
		fn(x.Target)
		fn(x.Value)
	case *pysyntax.ExprStmt:
		fn(x.X)
	case *pysyntax.ReturnStmt:
		fn(x.Value)
	case *pysyntax.IfStmt:
		fn(x.Cond)
	case *pysyntax.WhileStmt:
		fn(x.Cond)
	case *pysyntax.ForStmt:
		fn(x.Target)
		fn(x.Iter)
	case *pysyntax.DefStmt:
		for _, d := range x.Decorators {
			fn(d)
		}
		for _, p := range x.Params {
			fn(p.Default)
		}
	case *pysyntax.ClassStmt:
		for _, d := range x.Decorators {
			fn(d)
		}
		for _, b := range x.Bases {
			fn(b.Value)
		}
	case *pysyntax.WithStmt:
		for _, it := range x.Items {
			fn(it.Value)
		}
	case *pysyntax.RaiseStmt:
		fn(x.Exc)
	case *pysyntax.AssertStmt:
		fn(x.Cond)
		fn(x.Msg)
	case *pysyntax.DelStmt:
		for _, t := range x.Targets {
			fn(t)
		}
	}
}

// parseFull parses a file with its function bodies.
func (in *Interpreter) parseFull(ctx context.Context, path string, src []byte) (*pysyntax.File, diag.List, error) {
	p, _ := in.parsers.Get().(*pysyntax.Parser)
	if p == nil {
		var err error
		if p, err = pysyntax.NewParser(); err != nil {
			return nil, nil, err
		}
	}
	f, diags, err := p.ParseFull(ctx, path, src)
	in.parsers.Put(p)
	return f, diags, err
}

// localNames lists the names a function body binds: Python makes them
// local to the call unless declared global or nonlocal.
func localNames(params []pysyntax.Param, body []pysyntax.Stmt) (locals, globals, nonlocals map[string]bool) {
	locals, globals, nonlocals = map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, p := range params {
		locals[p.Name] = true
	}
	target := func(e pysyntax.Expr) {
		for _, n := range targetNames(e, nil) {
			locals[n] = true
		}
	}
	var walk func([]pysyntax.Stmt)
	walk = func(list []pysyntax.Stmt) {
		for _, st := range list {
			forEachExpr(st, func(e pysyntax.Expr) {
				walkExpr(e, func(x pysyntax.Expr) {
					if ne, ok := x.(*pysyntax.NamedExpr); ok {
						locals[ne.Name] = true
					}
				})
			})
			switch x := st.(type) {
			case *pysyntax.AssignStmt:
				for _, t := range x.Targets {
					target(t)
				}
			case *pysyntax.AugAssignStmt:
				target(x.Target)
			case *pysyntax.ForStmt:
				target(x.Target)
				walk(x.Body)
				walk(x.Else)
			case *pysyntax.WithStmt:
				for _, it := range x.Items {
					if it.Target != nil {
						target(it.Target)
					}
				}
				walk(x.Body)
			case *pysyntax.ImportStmt:
				for _, n := range x.Names {
					name := n.Alias
					if name == "" {
						name = strings.SplitN(n.Name, ".", 2)[0]
					}
					locals[name] = true
				}
			case *pysyntax.FromImportStmt:
				for _, n := range x.Names {
					name := n.Alias
					if name == "" {
						name = n.Name
					}
					locals[name] = true
				}
			case *pysyntax.DefStmt:
				locals[x.Name] = true
			case *pysyntax.ClassStmt:
				locals[x.Name] = true
			case *pysyntax.DelStmt:
				for _, t := range x.Targets {
					target(t)
				}
			case *pysyntax.GlobalStmt:
				for _, n := range x.Names {
					if x.Nonlocal {
						nonlocals[n] = true
					} else {
						globals[n] = true
					}
				}
			case *pysyntax.IfStmt:
				walk(x.Then)
				walk(x.Else)
			case *pysyntax.WhileStmt:
				walk(x.Body)
				walk(x.Else)
			case *pysyntax.TryStmt:
				walk(x.Body)
				for _, h := range x.Handlers {
					if h.Name != "" {
						locals[h.Name] = true
					}
					walk(h.Body)
				}
				walk(x.Else)
				walk(x.Finally)
			case *pysyntax.OtherStmt:
				for _, n := range x.Binds {
					locals[n] = true
				}
			}
		}
	}
	walk(body)
	for n := range globals {
		delete(locals, n)
	}
	for n := range nonlocals {
		delete(locals, n)
	}
	return locals, globals, nonlocals
}

// callFunction runs a project function with the call's arguments.
func (m *module) callFunction(c *call, f *value.Function, impl *funcImpl) value.Value {
	ff := impl.mod.full()
	var params []pysyntax.Param
	var body []pysyntax.Stmt
	var lambdaBody pysyntax.Expr
	switch {
	case ff.err != nil || ff.file == nil:
		why := "its file could not be parsed again"
		if len(ff.diags) > 0 {
			why = ff.diags[0].Error()
		}
		return m.unknown(c.at, "call of %s: %s", f.Name, why)
	case impl.def != nil:
		def := ff.defs[pysyntax.SpanOf(impl.def).Start]
		if def == nil || !def.Full {
			return m.unknown(c.at, "call of %s: its body was not found", f.Name)
		}
		params, body = def.Params, def.Body
	default:
		l := ff.lambdas[pysyntax.SpanOf(impl.lambda).Start]
		if l == nil || l.Body == nil {
			return m.unknown(c.at, "call of a lambda: its body was not found")
		}
		params, lambdaBody = l.Params, l.Body
	}
	m.s.calls++
	depth := m.s.depth // expression nesting is bounded per frame
	m.s.depth = 0
	defer func() { m.s.calls--; m.s.depth = depth }()
	if m.s.calls > maxCallNesting {
		panic(m.raise(c.at, "RecursionError", "maximum recursion depth exceeded: calls of project functions nest deeper than %d", maxCallNesting))
	}
	locals, globals, nonlocals := localNames(params, body)
	global := impl.env
	if impl.env.global != nil {
		global = impl.env.global
	}
	frame := &namespace{vals: map[string]value.Value{}, parent: impl.env, global: global,
		locals: locals, globals: globals, nonlocal: nonlocals}
	m.bindArguments(c, f.Name, impl.params, frame)
	fm := *impl.mod
	fm.ns = frame
	fm.classNS, fm.compDepth, fm.loops, fm.quietForget = nil, 0, 0, 0
	fm.inFunction = true
	fm.fn, fm.self = impl, nil
	if len(impl.params) > 0 && impl.params[0].Kind != "var_positional" && impl.params[0].Kind != "keyword_only" {
		fm.self = frame.vals[impl.params[0].Name]
	}
	if lambdaBody != nil {
		return fm.eval(lambdaBody)
	}
	return fm.runBody(body)
}

// runBody executes a function body and gives its return value.
func (m *module) runBody(body []pysyntax.Stmt) value.Value {
	v, pass := m.runBodyCaught(body)
	rethrow(pass)
	return v
}

// runBodyCaught is runBody; pass is a signal to raise again.
func (m *module) runBodyCaught(body []pysyntax.Stmt) (result value.Value, pass any) {
	result = value.None
	defer func() {
		if r := recover(); r != nil {
			switch sig := r.(type) {
			case returnSignal:
				result = sig.v
			case uncertainFlow:
				// It may have returned anywhere: what the rest of the body
				// does is unknown, and so is the result.
				m.forgetQuietly(body, sig.u)
				result = sig.u
			default:
				if !isSignal(r) {
					panic(r)
				}
				pass = r
			}
		}
	}()
	if c := m.execBlock(body); c != ctrlNext {
		panic(m.raise(body[0], "SyntaxError", "'break' or 'continue' outside loop"))
	}
	return value.None, nil
}

// forgetQuietly is forgetEffects for code that is already known to be
// uncertain: its control statements do not unwind again.
func (m *module) forgetQuietly(stmts []pysyntax.Stmt, u value.Unknown) {
	m.quietForget++
	defer func() { m.quietForget-- }()
	m.forgetEffects(stmts, u)
}

// bindArguments binds a call's arguments to the parameters, as Python does.
func (m *module) bindArguments(c *call, name string, params []value.Param, frame *namespace) {
	var varPos, varKw string
	positional := 0
	for _, p := range params {
		switch p.Kind {
		case "var_positional":
			varPos = p.Name
		case "var_keyword":
			varKw = p.Name
		case "positional_only", "positional_or_keyword":
			positional++
		}
	}
	bound := map[string]bool{}
	i := 0
	for _, p := range params {
		if p.Kind != "positional_only" && p.Kind != "positional_or_keyword" {
			continue
		}
		if i >= len(c.args) {
			break
		}
		frame.vals[p.Name] = c.args[i]
		bound[p.Name] = true
		i++
	}
	if i < len(c.args) {
		if varPos == "" {
			panic(c.raise("TypeError", "%s() takes %d positional argument%s but %d %s given", name, positional, plural(positional), len(c.args), wereWas(len(c.args))))
		}
		frame.vals[varPos] = &value.Tuple{Elems: append([]value.Value(nil), c.args[i:]...)}
	} else if varPos != "" {
		frame.vals[varPos] = &value.Tuple{}
	}
	extra := &value.Dict{}
	for _, k := range c.kwargs {
		var target *value.Param
		for j := range params {
			if params[j].Name == k.name && (params[j].Kind == "positional_or_keyword" || params[j].Kind == "keyword_only") {
				target = &params[j]
			}
		}
		switch {
		case target != nil && bound[k.name]:
			panic(c.raise("TypeError", "%s() got multiple values for argument '%s'", name, k.name))
		case target != nil:
			frame.vals[k.name] = k.v
			bound[k.name] = true
		case varKw != "":
			extra.Keys = append(extra.Keys, value.Str(k.name))
			extra.Vals = append(extra.Vals, k.v)
		case isPositionalOnly(params, k.name):
			panic(c.raise("TypeError", "%s() got some positional-only arguments passed as keyword arguments: '%s'", name, k.name))
		default:
			panic(c.raise("TypeError", "%s() got an unexpected keyword argument '%s'", name, k.name))
		}
	}
	if varKw != "" {
		frame.vals[varKw] = extra
	}
	var missing, missingKw []string
	for _, p := range params {
		if bound[p.Name] || p.Kind == "var_positional" || p.Kind == "var_keyword" {
			continue
		}
		switch {
		case p.DefaultErr != nil:
			frame.vals[p.Name] = value.Unknown{Err: p.DefaultErr}
		case p.Default != nil:
			frame.vals[p.Name] = p.Default
		case p.Kind == "keyword_only":
			missingKw = append(missingKw, p.Name)
		default:
			missing = append(missing, p.Name)
		}
	}
	if len(missing) > 0 {
		panic(c.raise("TypeError", "%s() missing %d required positional argument%s: %s", name, len(missing), plural(len(missing)), quoteJoin(missing)))
	}
	if len(missingKw) > 0 {
		panic(c.raise("TypeError", "%s() missing %d required keyword-only argument%s: %s", name, len(missingKw), plural(len(missingKw)), quoteJoin(missingKw)))
	}
}

func wereWas(n int) string {
	if n == 1 {
		return "was"
	}
	return "were"
}

// controlIn reports whether stmts hold a return (for a function) or a
// break or continue of the loop they are in.
func controlIn(stmts []pysyntax.Stmt, inLoop bool) (exit, loop bool) {
	for _, st := range stmts {
		switch x := st.(type) {
		case *pysyntax.ReturnStmt:
			exit = true
		case *pysyntax.SimpleStmt:
			if x.Keyword == "break" || x.Keyword == "continue" {
				loop = loop || inLoop
			}
		case *pysyntax.IfStmt:
			e1, l1 := controlIn(x.Then, inLoop)
			e2, l2 := controlIn(x.Else, inLoop)
			exit, loop = exit || e1 || e2, loop || l1 || l2
		case *pysyntax.ForStmt:
			e1, _ := controlIn(x.Body, false)
			e2, l2 := controlIn(x.Else, inLoop)
			exit, loop = exit || e1 || e2, loop || l2
		case *pysyntax.WhileStmt:
			e1, _ := controlIn(x.Body, false)
			e2, l2 := controlIn(x.Else, inLoop)
			exit, loop = exit || e1 || e2, loop || l2
		case *pysyntax.WithStmt:
			e1, l1 := controlIn(x.Body, inLoop)
			exit, loop = exit || e1, loop || l1
		case *pysyntax.TryStmt:
			for _, b := range [][]pysyntax.Stmt{x.Body, x.Else, x.Finally} {
				e1, l1 := controlIn(b, inLoop)
				exit, loop = exit || e1, loop || l1
			}
			for _, h := range x.Handlers {
				e1, l1 := controlIn(h.Body, inLoop)
				exit, loop = exit || e1, loop || l1
			}
		}
	}
	return exit, loop
}

// notRun says why calling a project function does not run it here ("" when
// it does): a coroutine or generator would only be created by the call.
func notRun(f *value.Function, impl *funcImpl) string {
	if f.Async {
		return "calling an async function makes a coroutine, which is not run"
	}
	if impl.def != nil {
		ff := impl.mod.full()
		if def := ff.defs[pysyntax.SpanOf(impl.def).Start]; def != nil && hasYield(def.Body) {
			return "calling a generator function makes a generator, which is not run"
		}
	}
	return ""
}

// hasYield reports whether a function body holds a yield (of its own, not
// of a nested function).
func hasYield(body []pysyntax.Stmt) bool {
	found := false
	var walk func([]pysyntax.Stmt)
	walk = func(list []pysyntax.Stmt) {
		for _, st := range list {
			forEachExpr(st, func(e pysyntax.Expr) {
				walkExpr(e, func(x pysyntax.Expr) {
					if o, ok := x.(*pysyntax.OtherExpr); ok && o.Kind == "yield" {
						found = true
					}
				})
			})
			switch x := st.(type) {
			case *pysyntax.IfStmt:
				walk(x.Then)
				walk(x.Else)
			case *pysyntax.ForStmt:
				walk(x.Body)
				walk(x.Else)
			case *pysyntax.WhileStmt:
				walk(x.Body)
				walk(x.Else)
			case *pysyntax.WithStmt:
				walk(x.Body)
			case *pysyntax.TryStmt:
				walk(x.Body)
				for _, h := range x.Handlers {
					walk(h.Body)
				}
				walk(x.Else)
				walk(x.Finally)
			}
		}
	}
	walk(body)
	return found
}

// lambda makes the function a lambda expression denotes; its parameters'
// defaults are evaluated now.
func (m *module) lambda(e *pysyntax.LambdaExpr) value.Value {
	ff := m.full()
	l := ff.lambdas[pysyntax.SpanOf(e).Start]
	if l == nil {
		return m.unknown(e, "lambda: its body was not found")
	}
	return &value.Function{Name: "<lambda>", Pos: m.f.PosOf(e), Impl: &funcImpl{lambda: e, mod: m, env: m.ns, params: m.params(l.Params)}}
}

func isPositionalOnly(params []value.Param, name string) bool {
	for _, p := range params {
		if p.Name == name && p.Kind == "positional_only" {
			return true
		}
	}
	return false
}
