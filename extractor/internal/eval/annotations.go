package eval

import (
	"github.com/flowplan/flowplan/extractor/internal/pysyntax"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

// typingNames are the annotation names coerceTo reads by name.
var typingNames = map[string]bool{
	"Any": true, "Literal": true, "str": true, "int": true, "float": true, "bool": true,
	"Optional": true, "Union": true, "list": true, "List": true, "dict": true, "Dict": true, "tuple": true,
}

// annotationValues evaluates, where the class body stands, the parts of a
// field annotation that name values: classes (a nested model) and
// Literal's values. A part that raises is left out, and a value it would
// have validated is then refused as not modeled.
func (m *module) annotationValues(ann pysyntax.Expr) map[pysyntax.Expr]value.Value {
	out := map[pysyntax.Expr]value.Value{}
	eval := func(e pysyntax.Expr) {
		_ = m.protect(func() { out[e] = m.eval(e) })
	}
	var walk func(e pysyntax.Expr)
	walk = func(e pysyntax.Expr) {
		switch x := e.(type) {
		case *pysyntax.Ident:
			if !typingNames[x.Name] {
				eval(e)
			}
		case *pysyntax.AttrExpr:
			if !typingNames[x.Name] {
				eval(e)
			}
		case *pysyntax.IndexExpr:
			args := []pysyntax.Expr{x.Index}
			if t, ok := x.Index.(*pysyntax.TupleExpr); ok {
				args = t.Elems
			}
			literal := false
			switch h := x.X.(type) {
			case *pysyntax.Ident:
				literal = h.Name == "Literal"
			case *pysyntax.AttrExpr:
				literal = h.Name == "Literal"
			}
			for _, a := range args {
				if literal {
					eval(a)
				} else {
					walk(a)
				}
			}
		case *pysyntax.BinaryExpr:
			walk(x.X)
			walk(x.Y)
		}
	}
	walk(ann)
	return out
}

// coerceModel is pydantic v1's validation of a value for a field whose
// type is a project model: an instance of it (or of a subclass) becomes
// its validation copy (Config.copy_on_model_validation's default), a dict of str
// keys builds one; anything else, or a dict that fails, is not modeled.
func (m *module) coerceModel(at pysyntax.Node, cls *value.Class, def *modelDef, v value.Value) (value.Value, bool) {
	switch x := v.(type) {
	case *value.Instance:
		if xd := m.s.models[x.Class]; xd != nil && !xd.dataclass && x.Fields != nil && xd.isSubclass(cls) {
			return validationCopy(x), true
		}
	case *value.Dict:
		c := &call{m: m, at: at, name: cls.Name}
		for i, k := range x.Keys {
			ks, ok := k.(value.Str)
			if !ok {
				return v, false
			}
			c.kwargs = append(c.kwargs, kwArg{name: string(ks), v: x.Vals[i], node: at})
		}
		var out value.Value
		if exc := m.protect(func() { out = m.constructModel(c, cls, def) }); exc != nil {
			return v, false // pydantic nests the error's location: not modeled
		}
		return out, true
	}
	return v, false
}

// validationCopy is what pydantic v1 (1.10) returns when it validates an
// instance for a model field, with copy_on_model_validation = 'shallow':
// a new object that shares the original's __dict__ and __fields_set__
// (so assigning a field of either shows in both) and holds its own
// private attributes.
func validationCopy(x *value.Instance) *value.Instance {
	out := *x
	if x.Private != nil {
		out.Private = &value.Dict{Keys: append([]value.Value(nil), x.Private.Keys...), Vals: append([]value.Value(nil), x.Private.Vals...)}
	}
	return &out
}

// shallowModelCopy is pydantic v1's .copy(): a new instance with its own
// field dict and fields set, holding the same values.
func shallowModelCopy(x *value.Instance) *value.Instance {
	out := validationCopy(x)
	out.Fields = &value.Dict{Keys: append([]value.Value(nil), x.Fields.Keys...), Vals: append([]value.Value(nil), x.Fields.Vals...)}
	out.FieldsSet = make(map[string]bool, len(x.FieldsSet))
	for k := range x.FieldsSet {
		out.FieldsSet[k] = true
	}
	return out
}
