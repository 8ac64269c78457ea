package eval

import (
	"regexp"

	"github.com/flowplan/flowplan/extractor/diag"
	"github.com/flowplan/flowplan/extractor/internal/pysyntax"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

// A mutable object that code the extractor does not run may have changed
// (an argument of an unknown function, a container mutated in an `if` whose
// condition is not known) is tainted: reading it yields an Unknown with the
// reason, instead of a value that might be wrong.

// mutable reports whether v is an object whose content code can change.
func mutable(v value.Value) bool {
	switch x := v.(type) {
	case *value.List, *value.Dict, *moduleObj:
		return true
	case *value.Set:
		return !x.Frozen
	case *value.Instance:
		return x.Fields != nil || x.State != nil
	case *value.Function:
		return true // its attributes (a flow's name, description) can be assigned
	case *exceptionObj:
		return true
	case *excClass:
		return x.user != nil
	}
	return false
}

// taintObj taints v and every mutable object reachable from it.
func (m *module) taintObj(v value.Value, err *diag.Diagnostic) {
	m.taintDeep(v, err, 0)
}

func (m *module) taintDeep(v value.Value, err *diag.Diagnostic, depth int) {
	if depth > maxCallDepth || v == nil {
		return
	}
	if !mutable(v) {
		if t, ok := v.(*value.Tuple); ok {
			for _, e := range t.Elems {
				m.taintDeep(e, err, depth+1)
			}
		}
		return
	}
	if _, done := m.s.taint[v]; done {
		return
	}
	if mo, ok := v.(*moduleObj); ok && mo.ns == nil {
		return // library modules hold no state the flow file could see
	}
	m.s.taint[v] = err
	switch x := v.(type) {
	case *value.List:
		for _, e := range x.Elems {
			m.taintDeep(e, err, depth+1)
		}
	case *value.Dict:
		for _, e := range x.Vals {
			m.taintDeep(e, err, depth+1)
		}
	case *value.Instance:
		if x.Fields != nil {
			for _, e := range x.Fields.Vals {
				m.taintDeep(e, err, depth+1)
			}
		}
		if x.State != nil {
			for _, e := range x.State.Values {
				m.taintDeep(e, err, depth+1)
			}
		}
		if x.Private != nil {
			for _, e := range x.Private.Vals {
				m.taintDeep(e, err, depth+1)
			}
		}
	case *moduleObj:
		for _, e := range x.ns.vals {
			m.taintDeep(e, err, depth+1)
		}
	case *exceptionObj:
		m.taintException(x, err, depth)
	}
}

// checkTaint turns a tainted object into the Unknown that explains it.
func (m *module) checkTaint(v value.Value) value.Value {
	if len(m.s.taint) == 0 || !mutable(v) {
		return v
	}
	if err, ok := m.s.taint[v]; ok {
		if _, isMod := v.(*moduleObj); isMod {
			return v
		}
		return value.Unknown{Err: err}
	}
	return v
}

// resolveTaint replaces tainted objects inside v by Unknowns, for values
// handed out of the evaluator.
func (s *session) resolveTaint(v value.Value, depth int) value.Value {
	if len(s.taint) == 0 || depth > maxCallDepth {
		return v
	}
	if mutable(v) {
		if err, ok := s.taint[v]; ok {
			if _, isMod := v.(*moduleObj); !isMod {
				return value.Unknown{Err: err}
			}
		}
	}
	switch x := v.(type) {
	case *value.List:
		for i, e := range x.Elems {
			x.Elems[i] = s.resolveTaint(e, depth+1)
		}
	case *value.Tuple:
		for i, e := range x.Elems {
			x.Elems[i] = s.resolveTaint(e, depth+1)
		}
	case *value.Dict:
		for i, e := range x.Vals {
			x.Vals[i] = s.resolveTaint(e, depth+1)
		}
	case *value.Instance:
		for i := range x.Args {
			x.Args[i].Value = s.resolveTaint(x.Args[i].Value, depth+1)
		}
		if x.Fields != nil {
			for i, e := range x.Fields.Vals {
				x.Fields.Vals[i] = s.resolveTaint(e, depth+1)
			}
		}
		if x.State != nil {
			for k, e := range x.State.Values {
				x.State.Values[k] = s.resolveTaint(e, depth+1)
			}
		}
	}
	return v
}

// functionEffects accounts for a call of a module-level function whose body
// is not run: the names it declares global may be rebound, and every
// mutable global its text mentions (directly or through other module-level
// functions it mentions) may be changed.
func (m *module) functionEffects(d *pysyntax.DefStmt, u value.Unknown, seen map[string]bool) {
	if seen[d.Name] {
		return
	}
	seen[d.Name] = true
	for _, g := range d.Globals {
		m.ns.set(g, u)
	}
	text := m.f.Text(d)
	if loc := poisonCallRE.FindStringSubmatchIndex(text); loc != nil {
		if w := text[loc[2]:loc[3]]; !m.ns.has(w) {
			m.poison(d, "function %s calls %s(), which can change any name or object of the module; the extractor cannot follow it", d.Name, w)
		}
	}
	forEachWord(text, func(w string) {
		v, ok := m.ns.get(w)
		if !ok {
			return
		}
		if other := m.defs[w]; other != nil {
			m.functionEffects(other, u, seen)
			return
		}
		if mutable(v) {
			m.taintObj(v, u.Err)
		}
	})
}

// forEachWord calls fn for every identifier-like word of text.
func forEachWord(text string, fn func(string)) {
	start := -1
	for i := 0; i <= len(text); i++ {
		isWord := i < len(text) && (text[i] == '_' || text[i] >= 'a' && text[i] <= 'z' ||
			text[i] >= 'A' && text[i] <= 'Z' || text[i] >= '0' && text[i] <= '9' || text[i] >= 0x80)
		switch {
		case isWord && start < 0:
			start = i
		case !isWord && start >= 0:
			fn(text[start:i])
			start = -1
		}
	}
}

// poisonCallRE finds a call of one of poisonBuiltins in source text (not a
// method: re.compile is fine).
var poisonCallRE = regexp.MustCompile(`(?:^|[^.\w])(exec|eval|globals|locals|vars|compile|__import__|delattr|breakpoint)\s*\(`)

// poison records an effect the extractor cannot follow and whose reach it
// cannot bound (exec, globals(), a patched class or builtin): every
// FLOW_SPEC of the file is then an error naming it.
func (m *module) poison(at pysyntax.Node, format string, args ...any) {
	m.s.poisoned.Add(m.unknown(at, format, args...).Err)
}

// patchModule is `module.name = v` on a library module the extractor
// models: later reads of that name see v, as in Python, but the module's
// own functions may read what was replaced, so every other attribute of it
// becomes unknown.
func (m *module) patchModule(at pysyntax.Node, mo *moduleObj, name string, v value.Value) {
	if m.s.patched == nil {
		m.s.patched = map[string]*modulePatch{}
	}
	p := m.s.patched[mo.name]
	if p == nil {
		p = &modulePatch{set: map[string]value.Value{}, why: m.unknown(at, "module %s was changed at line %d (%s), which can change what its functions do", mo.name, m.f.PosOf(at).Line, m.f.Text(at))}
		m.s.patched[mo.name] = p
	}
	p.set[name] = v
}

// modulePatch is what assignments to a library module's attributes did.
type modulePatch struct {
	set map[string]value.Value
	why value.Unknown
}
