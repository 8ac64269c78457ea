package eval

import (
	"github.com/flowplan/flowplan/extractor/internal/pysyntax"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

// The methods of project models run as project functions do: a method read
// from an instance is bound to it, a property runs its getter, a
// classmethod gets the class. pydantic v1 runs _init_private_attributes
// when it builds a model (after the fields), which sets the private
// attributes (PrivateAttr) to their defaults; a model may override it, and
// super() reaches the base class's. Private attributes never reach .dict().
// Validators and a custom __init__ are not run yet: such a model stays
// unknown.

// methodKind says how a class body's function is bound.
type methodKind int

const (
	plainMethod methodKind = iota
	propertyMethod
	classMethod
	staticMethod
)

// method is a function a model's class body defines.
type method struct {
	fn   *value.Function
	kind methodKind
}

// privateAttrInfo is what pydantic.PrivateAttr(...) returns.
type privateAttrInfo struct{ def value.Value }

func (*privateAttrInfo) TypeName() string { return "ModelPrivateAttr" }

// privateAttr is pydantic.PrivateAttr(default=..., default_factory=...).
func privateAttr(c *call) value.Value {
	if len(c.args) > 1 {
		panic(c.raise("TypeError", "PrivateAttr() takes from 0 to 1 positional arguments but %d were given", len(c.args)))
	}
	pa := &privateAttrInfo{}
	if len(c.args) == 1 {
		pa.def = c.args[0]
	}
	for _, k := range c.kwargs {
		switch k.name {
		case "default":
			pa.def = k.v
		case "default_factory":
			if f := factoryName(k.v); f != "" {
				pa.def = &factoryDefault{kind: f}
			} else {
				pa.def = c.m.unknown(k.node, "PrivateAttr(default_factory=...) other than list, dict or set is not supported")
			}
		default:
			panic(c.raise("TypeError", "PrivateAttr() got an unexpected keyword argument '%s'", k.name))
		}
	}
	if _, ok := pa.def.(ellipsis); ok {
		pa.def = nil
	}
	return pa
}

// factoryDefault is a private attribute's default_factory of list, dict or set.
type factoryDefault struct{ kind string }

func (*factoryDefault) TypeName() string { return "factory" }

// classMethod records a def in a model's class body.
func (m *module) classMethod(def *modelDef, st *pysyntax.DefStmt, brk func(pysyntax.Node, string, ...any)) {
	switch st.Name {
	case "__init__", "__setattr__", "__getattr__", "__getattribute__", "__post_init__", "__init_subclass__",
		"__get_validators__", "__new__", "__eq__", "__hash__", "__repr__", "__str__", "dict", "json", "copy":
		brk(st, "class %s defines %s, which the extractor does not run", def.cls.Name, st.Name)
		return
	}
	if v, ok := m.validatorOf(def, st, brk); ok {
		if v != nil {
			checkInheritedValidators(def, v, st, brk)
			def.validators = append(def.validators, v)
		}
		return
	}
	kind, bad := decoratedKind(st)
	if bad != nil {
		brk(bad, "class %s has a method decorated by %s (validators among them), which the extractor does not run", def.cls.Name, m.f.Text(bad))
		return
	}
	if len(st.Decorators) > 1 {
		brk(st, "class %s has a method with several decorators, which the extractor does not run", def.cls.Name)
		return
	}
	fn := &value.Function{Name: st.Name, Pos: m.f.PosOf(st), Async: st.Async}
	fn.Impl = &funcImpl{def: st, mod: m, env: m.ns, params: m.params(st.Params), owner: def}
	if def.methods == nil {
		def.methods = map[string]*method{}
	}
	def.methods[st.Name] = &method{fn: fn, kind: kind}
}

// findMethod looks name up in def and its bases, in Python's order for the
// single-inheritance chains models use; after is the class whose bases the
// search starts from (for super()), nil to search def itself first.
func (d *modelDef) findMethod(name string, after *modelDef) *method {
	if after == nil {
		if mt := d.methods[name]; mt != nil {
			return mt
		}
	}
	for _, b := range d.bases {
		if after != nil && b != after && !b.derivesFrom(after) && d != after {
			continue
		}
		if mt := b.findMethod(name, nil); mt != nil {
			return mt
		}
	}
	return nil
}

// derivesFrom reports whether d is other or inherits from it.
func (d *modelDef) derivesFrom(other *modelDef) bool {
	if d == other {
		return true
	}
	for _, b := range d.bases {
		if b.derivesFrom(other) {
			return true
		}
	}
	return false
}

// hasPrivate reports whether d or a base declares private attribute name.
func (d *modelDef) hasPrivate(name string) bool {
	if _, ok := d.privates[name]; ok {
		return true
	}
	for _, b := range d.bases {
		if b.hasPrivate(name) {
			return true
		}
	}
	return false
}

// bindMember makes the value of a method read through obj: a bound method, the
// result of a property's getter, or the function itself.
func (m *module) bindMember(at pysyntax.Node, obj value.Value, cls *value.Class, mt *method) value.Value {
	switch mt.kind {
	case propertyMethod:
		c := &call{m: m, at: at, name: mt.fn.Name, args: []value.Value{obj}, argNodes: []pysyntax.Node{at}}
		return m.callValue(c, mt.fn)
	case classMethod:
		return boundMethod(mt.fn, cls)
	case staticMethod:
		return mt.fn
	}
	return boundMethod(mt.fn, obj)
}

// boundMethod is fn with self (or cls) given.
func boundMethod(fn *value.Function, self value.Value) value.Value {
	return &builtin{name: fn.Name, typeName: "method", fn: func(c *call) value.Value {
		sub := *c
		sub.args = append([]value.Value{self}, c.args...)
		sub.argNodes = append([]pysyntax.Node{c.at}, c.argNodes...)
		sub.name = fn.Name
		return c.m.callValue(&sub, fn)
	}}
}

// boundMember is a method or property of a model instance, or nil.
func (m *module) boundMember(at pysyntax.Node, x *value.Instance, def *modelDef, name string) value.Value {
	mt := def.findMethod(name, nil)
	if mt == nil {
		return nil
	}
	return m.bindMember(at, x, x.Class, mt)
}

// initPrivate is what pydantic's __init__ does after the fields: private
// attributes get their defaults (BaseModel._init_private_attributes), or
// the model's own override of _init_private_attributes runs.
func (m *module) initPrivate(c *call, x *value.Instance, def *modelDef) {
	if mt := def.findMethod("_init_private_attributes", nil); mt != nil && mt.kind == plainMethod {
		sub := &call{m: m, at: c.at, name: "_init_private_attributes"}
		m.callValue(sub, boundMethod(mt.fn, x))
		return
	}
	m.setPrivateDefaults(c.at, x, def)
}

// setPrivateDefaults gives an instance the defaults of the private
// attributes its class and bases declare, bases first.
func (m *module) setPrivateDefaults(at pysyntax.Node, x *value.Instance, def *modelDef) {
	for _, b := range def.bases {
		m.setPrivateDefaults(at, x, b)
	}
	for _, name := range def.privOrder {
		d := def.privates[name]
		if d == nil {
			continue
		}
		if x.Private == nil {
			x.Private = &value.Dict{}
		}
		var v value.Value
		switch f := d.(type) {
		case *factoryDefault:
			switch f.kind {
			case "list":
				v = &value.List{}
			case "dict":
				v = &value.Dict{}
			default:
				v = &value.Set{}
			}
		default:
			v = m.s.copyValue(d, 0)
			m.s.copies = nil
		}
		m.dictSet(at, x.Private, value.Str(name), v)
	}
}

// superObj is super() in a method: attribute lookups start after the class
// that defines the method.
type superObj struct {
	owner *modelDef
	self  value.Value
}

func (*superObj) TypeName() string { return "super" }

// superAttr is super().name.
func (m *module) superAttr(at pysyntax.Node, s *superObj, name string) value.Value {
	inst, _ := s.self.(*value.Instance)
	for _, b := range s.owner.bases {
		if mt := b.findMethod(name, nil); mt != nil {
			return m.bindMember(at, s.self, s.owner.cls, mt)
		}
	}
	if name == "_init_private_attributes" && inst != nil {
		// pydantic.BaseModel's: the private attributes' defaults.
		return &builtin{name: name, typeName: "method", fn: func(c *call) value.Value {
			c.arity(0, 0)
			c.m.setPrivateDefaults(c.at, inst, s.owner)
			return value.None
		}}
	}
	return m.unknown(at, "super().%s is not modeled", name)
}

// fnSuper is super() with no arguments, in a method of a project model.
func fnSuper(c *call) value.Value {
	if s := excSuperCall(c); s != nil {
		return s
	}
	if len(c.args) > 0 || len(c.kwargs) > 0 {
		return c.m.unknown(c.at, "super() with arguments is not supported")
	}
	impl := c.m.fn
	if impl != nil && impl.excOwner != nil && c.m.self != nil {
		return &excSuper{owner: impl.excOwner, self: c.m.self}
	}
	if impl == nil || impl.owner == nil || c.m.self == nil {
		panic(c.raise("RuntimeError", "super(): no arguments"))
	}
	return &superObj{owner: impl.owner, self: c.m.self}
}

// modelDictCall is pydantic v1's model.dict(include=None, exclude=None,
// by_alias=False, skip_defaults=None, exclude_unset=False,
// exclude_defaults=False, exclude_none=False), for the field names given
// as a set, list, tuple or dict (whose values are `...` or True); nested
// include/exclude specifications are not modeled.
func (m *module) modelDictCall(c *call, x *value.Instance) value.Value {
	if len(c.args) > 0 {
		panic(c.raise("TypeError", "dict() takes 1 positional argument but %d were given", len(c.args)+1))
	}
	c.onlyKwargs("include", "exclude", "by_alias", "skip_defaults", "exclude_unset", "exclude_defaults", "exclude_none")
	names := func(kw string) (map[string]bool, bool) {
		v, ok := c.kw(kw)
		if !ok || v == value.Value(value.None) {
			return nil, true
		}
		out := map[string]bool{}
		switch s := m.need(v).(type) {
		case *value.Dict:
			for i, k := range s.Keys {
				if _, ell := s.Vals[i].(ellipsis); !ell && s.Vals[i] != value.Value(value.Bool(true)) {
					return nil, false
				}
				if ks, isStr := k.(value.Str); isStr {
					out[string(ks)] = true
				}
			}
		default:
			for _, e := range m.iterateUnordered(c.at, s) {
				if ks, isStr := e.(value.Str); isStr {
					out[string(ks)] = true
				}
			}
		}
		return out, true
	}
	include, ok1 := names("include")
	exclude, ok2 := names("exclude")
	if !ok1 || !ok2 {
		return m.unknown(c.at, ".dict() with nested include/exclude is not supported")
	}
	flag := func(kw string) bool {
		v, ok := c.kw(kw)
		return ok && m.truth(c.at, v)
	}
	opts := dictOptions{
		byAlias:  flag("by_alias"),
		unset:    flag("exclude_unset") || flag("skip_defaults"),
		defaults: flag("exclude_defaults"),
		none:     flag("exclude_none"),
	}
	return m.modelDict(c.at, x, opts, include, exclude, 0)
}

// isFieldDefault reports whether v equals field name's default, as
// pydantic v1 compares it: a field with a default_factory has None there.
func (m *module) isFieldDefault(at pysyntax.Node, def *modelDef, name string, v value.Value) bool {
	for _, f := range def.fields {
		if f.name != name {
			continue
		}
		if f.def != nil {
			return m.equal(at, f.def, v)
		}
		return v == value.Value(value.None)
	}
	return false
}

// modelCopy is pydantic v1's model.copy(update=None, deep=False): a new
// instance with the same fields (not validated again), the update's applied.
func (m *module) modelCopy(c *call, x *value.Instance) value.Value {
	if len(c.args) > 0 {
		panic(c.raise("TypeError", "copy() takes 1 positional argument but %d were given", len(c.args)+1))
	}
	c.onlyKwargs("include", "exclude", "update", "deep")
	if _, ok := c.kw("include"); ok {
		return m.unknown(c.at, ".copy(include=...) is not supported")
	}
	if _, ok := c.kw("exclude"); ok {
		return m.unknown(c.at, ".copy(exclude=...) is not supported")
	}
	out := shallowModelCopy(x)
	if deep, ok := c.kw("deep"); ok && m.truth(c.at, deep) {
		out.Fields = m.s.copyValue(out.Fields, 0).(*value.Dict)
		m.s.copies = nil
	}
	if upd, ok := c.kw("update"); ok && upd != value.Value(value.None) {
		d, isDict := m.need(upd).(*value.Dict)
		if !isDict {
			panic(c.raise("TypeError", "'%s' object is not iterable as a mapping", typeName(upd)))
		}
		for i, k := range d.Keys {
			m.dictSet(c.at, out.Fields, k, d.Vals[i])
			if ks, isStr := k.(value.Str); isStr {
				out.FieldsSet[string(ks)] = true
			}
		}
	}
	return out
}

// decoratedKind reads a method's decorators: property, classmethod or
// staticmethod make it that kind; bad is the first other decorator, which
// a class the extractor models does not run.
func decoratedKind(st *pysyntax.DefStmt) (kind methodKind, bad pysyntax.Expr) {
	kind = plainMethod
	for _, d := range st.Decorators {
		id, ok := d.(*pysyntax.Ident)
		switch {
		case ok && id.Name == "property":
			kind = propertyMethod
		case ok && id.Name == "classmethod":
			kind = classMethod
		case ok && id.Name == "staticmethod":
			kind = staticMethod
		default:
			return kind, d
		}
	}
	return kind, nil
}
