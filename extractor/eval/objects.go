package eval

import (
	"math/big"

	"github.com/flowplan/flowplan/extractor/diag"
	"github.com/flowplan/flowplan/extractor/value"
)

// namespace is a module's globals.
type namespace struct {
	vals map[string]value.Value
}

func newNamespace() *namespace { return &namespace{vals: map[string]value.Value{}} }

func (n *namespace) get(name string) (value.Value, bool) {
	v, ok := n.vals[name]
	return v, ok
}

func (n *namespace) set(name string, v value.Value) { n.vals[name] = v }

func (n *namespace) has(name string) bool {
	_, ok := n.vals[name]
	return ok
}

func (n *namespace) del(name string) { delete(n.vals, name) }

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

// excClass is a builtin exception class (for except clauses and raise).
type excClass struct {
	name   string
	parent *excClass
}

func (*excClass) TypeName() string { return "type" }

func (e *excClass) isSubclassOf(other *excClass) bool {
	for c := e; c != nil; c = c.parent {
		if c == other || c.name == other.name {
			return true
		}
	}
	return false
}

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

// exceptionObj is an exception instance bound by `except E as e`.
type exceptionObj struct{ class *excClass }

func (e *exceptionObj) TypeName() string { return e.class.name }
