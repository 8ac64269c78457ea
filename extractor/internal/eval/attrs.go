package eval

import (
	"github.com/flowplan/flowplan/extractor/internal/pysyntax"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

// getAttr is obj.name.
func (m *module) getAttr(at pysyntax.Node, obj value.Value, name string) value.Value {
	switch x := obj.(type) {
	case value.Unknown:
		m.s.unknown++ // it may have no such attribute
		return x
	case *moduleObj:
		return m.moduleAttr(at, x, name)
	case *value.Instance:
		return m.instanceAttr(at, x, name)
	case *value.Function:
		return m.functionAttr(at, x, name)
	case *value.EnumMember:
		return m.enumMemberAttr(at, x, name)
	case *value.Class:
		if name == "__name__" {
			return value.Str(x.Name)
		}
		if def := m.s.enums[x]; def != nil {
			return m.enumClassAttr(at, def, name)
		}
		if def := m.s.models[x]; def != nil {
			return m.modelClassAttr(at, x, def, name)
		}
		return m.unknown(at, "attribute %s of class %s is not known", name, x.Name)
	case value.Timedelta, value.Datetime, value.Date:
		return m.dateAttr(at, obj, name)
	case *environ:
		return m.environAttr(at, x, name)
	case *typeObj:
		if name == "__name__" {
			return value.Str(x.name)
		}
		if x.name == "datetime" || x.name == "date" || x.name == "timedelta" || x.name == "timezone" {
			return m.dateClassAttr(at, x, name)
		}
		if x.name == "dict" && name == "fromkeys" {
			return &builtin{name: "dict.fromkeys", fn: func(c *call) value.Value {
				c.noKwargs()
				c.arity(1, 2)
				var v value.Value = value.None
				if len(c.args) == 2 {
					v = c.args[1]
				}
				d := &value.Dict{}
				for _, k := range c.m.iterate(c.at, c.arg(0)) {
					c.m.dictSet(c.at, d, k, v)
				}
				return d
			}}
		}
		return m.unknown(at, "attribute %s of type %s is not supported", name, x.name)
	case *builtin:
		if name == "__name__" {
			return value.Str(x.name)
		}
		return m.unknown(at, "attributes of %s are not known", x.name)
	case *superObj:
		return m.superAttr(at, x, name)
	case *exceptionObj:
		return m.excAttr(at, x, name)
	case *excClass:
		return m.excClassAttr(at, x, name)
	case *excSuper:
		return m.excSuperAttr(at, x, name)
	case *tzObj:
		return m.unknown(at, "attributes of time zones are not supported")
	}
	obj = m.need(obj)
	if meth := m.method(at, obj, name); meth != nil {
		return meth
	}
	typ := typeName(obj)
	if (typ == "frozenset" && isPyMethod("set", name) && name != "add" && name != "update" && name != "discard" && name != "remove" && name != "pop" && name != "clear") ||
		isPyMethod(typ, name) {
		return m.unknown(at, "method %s.%s is not supported", typ, name)
	}
	switch obj.(type) {
	case value.Int, value.Float, value.Bool:
		switch name {
		case "real", "imag", "numerator", "denominator", "conjugate", "bit_length", "is_integer", "as_integer_ratio", "hex", "to_bytes", "bit_count":
			return m.unknown(at, "%s.%s is not supported", typ, name)
		}
	}
	panic(m.raise(at, "AttributeError", "'%s' object has no attribute '%s'", typ, name))
}

// setAttr is obj.name = v.
func (m *module) setAttr(at pysyntax.Node, obj value.Value, name string, v value.Value) {
	switch x := obj.(type) {
	case value.Unknown:
		return
	case *moduleObj:
		if x.ns != nil {
			x.ns.set(name, v)
			return
		}
		if x.unknown != nil {
			return
		}
		m.patchModule(at, x, name, v)
		return
	case *value.Instance:
		if x.State != nil {
			m.setStateField(at, x, name, v)
			return
		}
		if def := m.s.models[x.Class]; def != nil && x.Fields != nil {
			m.setModelField(at, x, def, name, v)
			return
		}
		m.taintObj(x, m.unknown(at, "assignment to an attribute of a %s is not evaluated", x.Class.Name).Err)
		return
	case *value.EnumMember:
		m.setEnumAttr(at, x, name)
		return
	case *value.Class:
		m.setEnumAttr(at, x, name)
		if def := m.s.models[x]; def != nil {
			// the definition may be shared with other flow files: change a copy
			changed := *def
			changed.broken = m.unknown(at, "class %s is modified after its definition", x.Name).Err
			m.s.models[x] = &changed
			return
		}
		m.poison(at, "class %s is changed after its definition (%s.%s = ...), which can change every instance; the extractor cannot follow it", x.Name, x.Name, name)
		return
	case *value.Function:
		m.taintObj(x, m.unknown(at, "assignment to attribute %s of function %s is not modeled", name, x.Name).Err)
		return
	case *exceptionObj:
		m.setExcAttr(at, x, name, v)
		return
	case *excClass:
		if x.user != nil {
			m.setExcClassAttr(at, x, name, v)
			return
		}
		m.poison(at, "a builtin is changed (%s = ...); the extractor cannot follow it", m.f.Text(at))
		return
	case *typeObj, *builtin:
		m.poison(at, "a builtin is changed (%s = ...); the extractor cannot follow it", m.f.Text(at))
		return
	}
	obj = m.need(obj)
	if isPyMethod(typeName(obj), name) {
		panic(m.raise(at, "AttributeError", "'%s' object attribute '%s' is read-only", typeName(obj), name))
	}
	panic(m.raise(at, "AttributeError", "'%s' object has no attribute '%s'", typeName(obj), name))
}

func (m *module) functionAttr(at pysyntax.Node, f *value.Function, name string) value.Value {
	switch name {
	case "__name__":
		return value.Str(f.Name)
	}
	if f.Flow != nil {
		switch name {
		case "with_options":
			return &builtin{name: "with_options", typeName: "method", fn: func(c *call) value.Value { return withOptions(c, f) }}
		case "name":
			return value.Str(f.Flow.Name)
		case "description":
			if f.Flow.Description == nil {
				return value.None
			}
			return value.Str(*f.Flow.Description)
		case "fn":
			plain := *f
			plain.Flow = nil
			return &plain
		}
	}
	return m.unknown(at, "attribute %s of function %s is not known", name, f.Name)
}
