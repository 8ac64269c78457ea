package eval

import (
	"math/big"

	"github.com/flowplan/flowplan/extractor/diag"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

// namespace is a module's globals, or the local scope of a function call.
// A function's scope follows Python's rules: the names its body binds are
// its locals (reading one before it is bound is UnboundLocalError, not a
// read of the global), names declared global or nonlocal go to the module
// or to the enclosing function, and every other name is read from the
// enclosing scopes, then the module.
type namespace struct {
	vals map[string]value.Value
	// For a function call:
	parent   *namespace      // the scope the function was defined in
	global   *namespace      // the module's namespace
	locals   map[string]bool // names the body binds
	globals  map[string]bool // declared global
	nonlocal map[string]bool // declared nonlocal
}

func newNamespace() *namespace { return &namespace{vals: map[string]value.Value{}} }

// target is the namespace a binding of name goes to.
func (n *namespace) target(name string) *namespace {
	switch {
	case n.global == nil:
		return n
	case n.globals[name]:
		return n.global
	case n.nonlocal[name]:
		for p := n.parent; p != nil && p.global != nil; p = p.parent {
			if p.locals[name] {
				return p.target(name)
			}
		}
	}
	return n
}

func (n *namespace) get(name string) (value.Value, bool) {
	t := n.target(name)
	if v, ok := t.vals[name]; ok {
		return v, true
	}
	if t != n || n.global == nil || n.locals[name] {
		return nil, false
	}
	return n.parent.get(name)
}

// unbound reports whether name is a local of a function call that has no
// value yet (reading it is UnboundLocalError).
func (n *namespace) unbound(name string) bool {
	t := n.target(name)
	_, ok := t.vals[name]
	return !ok && t.global != nil && t.locals[name]
}

func (n *namespace) set(name string, v value.Value) { n.target(name).vals[name] = v }

func (n *namespace) has(name string) bool {
	_, ok := n.get(name)
	return ok
}

func (n *namespace) del(name string) { delete(n.target(name).vals, name) }

// moduleObj is an imported module: a known library module (attrs computed
// by attr), a project-local module (ns), or a module the extractor does not
// know (unknown set: every attribute is Unknown).
type moduleObj struct {
	name    string
	path    string // a project module's display path
	ns      *namespace
	attr    func(name string) (value.Value, bool)
	unknown *diag.Diagnostic
}

func (*moduleObj) TypeName() string { return "module" }

// builtin is a callable implemented in Go: a builtin function, a bound
// method of a value, or a constructor of a known library class.
type builtin struct {
	name string // qualified name for messages, e.g. "str.upper" or "len"
	fn   func(c *call) value.Value
	// typeName overrides TypeName, e.g. "method" for a bound method.
	typeName string
}

func (b *builtin) TypeName() string {
	if b.typeName != "" {
		return b.typeName
	}
	return "builtin_function_or_method"
}

// typeObj is a builtin type used as a value: str, int, list, ... and the
// datetime types. Calling it constructs; isinstance checks against it.
type typeObj struct {
	name string
	ctor func(c *call) value.Value
}

func (*typeObj) TypeName() string { return "type" }

// rangeObj is range(start, stop, step).
type rangeObj struct{ start, stop, step *big.Int }

func (*rangeObj) TypeName() string { return "range" }

// iterObj is a one-shot iterator (generator expression, zip, enumerate,
// map, reversed, dict views are lists): its elements are computed eagerly.
type iterObj struct {
	kind  string // Python's type name: generator, zip, enumerate, ...
	elems []value.Value
	pos   int
}

func (i *iterObj) TypeName() string { return i.kind }

// dictView is dict.keys(), .values() or .items().
type dictView struct {
	kind string // dict_keys, dict_values, dict_items
	d    *value.Dict
}

func (v *dictView) TypeName() string { return v.kind }

// tzObj is a fixed-offset tzinfo: datetime.timezone.utc and friends.
type tzObj struct {
	name   string // str(tz)
	repr   string
	offset int // seconds east of UTC
}

func (*tzObj) TypeName() string { return "timezone" }
