package eval

import (
	"strings"

	"github.com/flowplan/flowplan/extractor/internal/pysyntax"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

// The type part of a pydantic v1 field's validation: the annotation's
// conversion (coerceTo), the each_item validators around each item, the
// whitespace stripping of Config.anystr_strip_whitespace, and the errors
// pydantic reports when a value does not convert, with their locations.

// settleTypeValidators gives each field the config its type validators
// were made with. pydantic v1 makes them when a class defines the field,
// and again in a subclass only for a field that validators of the
// subclass (its own or inherited) apply to: an inherited field without
// validators keeps its base's whitespace stripping.
func (def *modelDef) settleTypeValidators() {
	strip := def.configBool("anystr_strip_whitespace", false)
	vals := def.allValidators()
	for i := range def.fields {
		f := &def.fields[i]
		if def.own[f.name] || len(fieldValidators(vals, f.name)) > 0 {
			f.strip = strip
		}
	}
}

// validateType is the type's validation of one field value: each_item
// validators, when the field has some, run around each item's conversion.
func (m *module) validateType(c *call, cls *value.Class, def *modelDef, f fieldDef, vds []*validatorDef, v value.Value, values *value.Dict) (value.Value, []fieldError) {
	var each []*validatorDef
	for _, vd := range vds {
		if vd.eachItem {
			each = append(each, vd)
		}
	}
	if len(each) == 0 {
		return m.coerceField(c, cls, def, f, v)
	}
	return m.validateEachItem(c, cls, def, f, each, v, values)
}

// coerceField converts v for field f of cls as pydantic v1 does. A value
// pydantic refuses gives its errors; one whose conversion is not modeled
// gives an Unknown.
func (m *module) coerceField(c *call, cls *value.Class, def *modelDef, f fieldDef, v value.Value) (value.Value, []fieldError) {
	if u, ok := v.(value.Unknown); ok {
		return u, nil
	}
	if v == value.Value(value.None) && f.def == value.Value(value.None) {
		return v, nil // a None default makes pydantic v1 allow None (allow_none)
	}
	if len(m.s.enums) > 0 {
		// Config.use_enum_values of this model, for the enum classes the
		// annotation names (Kind, List[Kind]).
		prev := m.enumValues
		m.enumValues = def.configBool("use_enum_values", false)
		defer func() { m.enumValues = prev }()
	}
	strip := f.strip
	if strip && !m.stripsWholeValue(f.annotation, f.annValues) && m.mentionsStr(f.annotation, f.annValues) {
		return m.unknown(c.at, "Config.anystr_strip_whitespace on %s.%s (%s): stripping strings inside other types is not modeled", cls.Name, f.name, f.annSrc), nil
	}
	out, ok := m.coerceTo(c.at, f.annotation, f.annValues, v)
	if !ok {
		if r, isRej := out.(rejected); isRej {
			return v, r.under(f.key())
		}
		if errs, known := m.explainInvalid(c.at, f.annotation, f.annValues, v, f.key()); known {
			return v, errs
		}
		return m.unknown(c.at, "pydantic's validation of %s.%s (%s) for a %s value is not modeled", cls.Name, f.name, f.annSrc, typeName(v)), nil
	}
	if s, isStr := out.(value.Str); isStr && strip && m.stripsWholeValue(f.annotation, f.annValues) {
		out = value.Str(strings.TrimFunc(string(s), pyIsSpace))
	}
	return out, nil
}

// stripsWholeValue tells the annotations whose string value
// anystr_strip_whitespace strips as a whole: str and Optional[str].
func (m *module) stripsWholeValue(ann pysyntax.Expr, annv map[pysyntax.Expr]value.Value) bool {
	if cls, ok := annv[ann].(*value.Class); ok {
		def := m.s.models[cls]
		return def != nil && def.scalarBase != nil && def.scalarBase.name == "str"
	}
	if id, ok := ann.(*pysyntax.Ident); ok {
		return id.Name == "str"
	}
	if isOptional(ann) {
		inner := optionalInner(ann)
		return inner != nil && m.stripsWholeValue(inner, annv)
	}
	return false
}

// optionalInner is X of Optional[X], Union[X, None] or X | None, or nil.
func optionalInner(ann pysyntax.Expr) pysyntax.Expr {
	var args []pysyntax.Expr
	switch x := ann.(type) {
	case *pysyntax.IndexExpr:
		if t, ok := x.Index.(*pysyntax.TupleExpr); ok {
			args = t.Elems
		} else {
			args = []pysyntax.Expr{x.Index}
		}
	case *pysyntax.BinaryExpr:
		args = []pysyntax.Expr{x.X, x.Y}
	}
	var inner pysyntax.Expr
	for _, a := range args {
		if c, ok := a.(*pysyntax.Const); ok && c.Name == "None" {
			continue
		}
		if inner != nil {
			return nil
		}
		inner = a
	}
	return inner
}

// mentionsStr tells an annotation that names str anywhere, or one the
// check cannot see into.
func (m *module) mentionsStr(ann pysyntax.Expr, annv map[pysyntax.Expr]value.Value) bool {
	mentionsStr := func(e pysyntax.Expr) bool { return m.mentionsStr(e, annv) }
	if cls, ok := annv[ann].(*value.Class); ok {
		if m.s.enums[cls] != nil {
			return false // pydantic validates enums with the enum's validator only
		}
		def := m.s.models[cls]
		return def == nil || def.dataclass || def.scalarBase != nil && def.scalarBase.name == "str"
	}
	switch x := ann.(type) {
	case nil:
		return false
	case *pysyntax.Ident:
		switch x.Name {
		case "int", "float", "bool", "None", "List", "Dict", "Optional", "Union", "Literal", "list", "dict", "Tuple", "tuple":
			return false
		}
		return true
	case *pysyntax.Const:
		return false
	case *pysyntax.AttrExpr:
		return mentionsStr(&pysyntax.Ident{Name: x.Name})
	case *pysyntax.IndexExpr:
		if mentionsStr(x.X) {
			return true
		}
		if t, ok := x.Index.(*pysyntax.TupleExpr); ok {
			for _, e := range t.Elems {
				if mentionsStr(e) {
					return true
				}
			}
			return false
		}
		return mentionsStr(x.Index)
	case *pysyntax.BinaryExpr:
		return mentionsStr(x.X) || mentionsStr(x.Y)
	case *pysyntax.StrLit:
		return false // a Literal's value
	}
	return true
}

// validateEachItem is the type validation of a field with each_item
// validators: pydantic hands them to the field's item type (list items,
// dict values), so they run around the conversion of each item, whose
// errors are located by index or key. A field without items runs them
// around its own conversion.
func (m *module) validateEachItem(c *call, cls *value.Class, def *modelDef, f fieldDef, each []*validatorDef, v value.Value, values *value.Dict) (value.Value, []fieldError) {
	if u, ok := v.(value.Unknown); ok {
		return u, nil
	}
	if f.strip && m.mentionsStr(f.annotation, f.annValues) {
		return m.unknown(c.at, "Config.anystr_strip_whitespace with each_item validators (%s.%s) is not modeled", cls.Name, f.name), nil
	}
	around := func(loc string, item value.Value, conv func(value.Value) (value.Value, []fieldError)) (value.Value, []fieldError) {
		for _, pre := range []bool{true, false} {
			if !pre {
				out, errs := conv(item)
				if errs != nil {
					return item, errs
				}
				item = out
			}
			for _, vd := range each {
				if vd.pre != pre {
					continue
				}
				out, err := m.runValidator(c, cls, vd, []value.Value{item}, values)
				if err != nil {
					err.loc = loc
					return item, []fieldError{*err}
				}
				item = out
			}
		}
		return item, nil
	}
	ann := f.annotation
	if v == value.Value(value.None) && (isOptional(ann) || f.def == value.Value(value.None)) {
		return v, nil // None skips the item type's validation
	}
	if inner := optionalInner(ann); isOptional(ann) && inner != nil {
		ann = inner
	}
	name, args := annotationHead(ann)
	itemConv := func(itemAnn pysyntax.Expr, loc string) func(value.Value) (value.Value, []fieldError) {
		return func(x value.Value) (value.Value, []fieldError) {
			if u, ok := x.(value.Unknown); ok {
				return u, nil
			}
			out, ok := m.coerceTo(c.at, itemAnn, f.annValues, x)
			if ok {
				return out, nil
			}
			if r, isRej := out.(rejected); isRej {
				return x, r.under(loc)
			}
			if errs, known := m.explainInvalid(c.at, itemAnn, f.annValues, x, loc); known {
				return x, errs
			}
			return m.unknown(c.at, "pydantic's validation of an item of %s.%s (%s) for a %s value is not modeled", cls.Name, f.name, f.annSrc, typeName(x)), nil
		}
	}
	switch {
	case (name == "List" || name == "list") && len(args) == 1:
		l, ok := v.(*value.List)
		if !ok {
			if errs, known := m.explainInvalid(c.at, ann, f.annValues, v, f.key()); known {
				return v, errs
			}
			return m.unknown(c.at, "pydantic's validation of %s.%s (%s) for a %s value is not modeled", cls.Name, f.name, f.annSrc, typeName(v)), nil
		}
		out := &value.List{Elems: make([]value.Value, len(l.Elems))}
		var errs []fieldError
		for i, e := range l.Elems {
			loc := f.key() + " -> " + itoa(i)
			r, ee := around(loc, e, itemConv(args[0], loc))
			errs = append(errs, ee...)
			out.Elems[i] = r
		}
		if errs != nil {
			return v, errs
		}
		return out, nil
	case (name == "Dict" || name == "dict") && len(args) == 2:
		d, ok := v.(*value.Dict)
		if !ok {
			return m.unknown(c.at, "pydantic's validation of %s.%s (%s) for a %s value is not modeled", cls.Name, f.name, f.annSrc, typeName(v)), nil
		}
		out := &value.Dict{}
		var errs []fieldError
		for i, e := range d.Vals {
			k := d.Keys[i]
			ck, ok := m.coerceTo(c.at, args[0], f.annValues, k)
			if !ok {
				return m.unknown(c.at, "pydantic's validation of a key of %s.%s (%s) is not modeled", cls.Name, f.name, f.annSrc), nil
			}
			ks, isStr := k.(value.Str)
			if !isStr {
				return m.unknown(c.at, "each_item validators of %s.%s over non-string keys are not modeled", cls.Name, f.name), nil
			}
			loc := f.key() + " -> " + string(ks)
			r, ee := around(loc, e, itemConv(args[1], loc))
			errs = append(errs, ee...)
			m.dictSet(c.at, out, ck, r)
		}
		if errs != nil {
			return v, errs
		}
		return out, nil
	case isScalarType(name) || name == "Literal" || name == "Any":
		// No item type: pydantic runs them around the field's conversion.
		// A union's members would each run them: not modeled.
		return around(f.key(), v, func(x value.Value) (value.Value, []fieldError) { return m.coerceField(c, cls, def, f, x) })
	}
	return m.unknown(c.at, "each_item validators on %s.%s (%s) are not modeled", cls.Name, f.name, f.annSrc), nil
}

// annotationHead splits an annotation into the name it subscripts (or
// names) and its arguments: List[int] is "List" and [int].
func annotationHead(ann pysyntax.Expr) (string, []pysyntax.Expr) {
	switch x := ann.(type) {
	case *pysyntax.Ident:
		return x.Name, nil
	case *pysyntax.AttrExpr:
		return x.Name, nil
	case *pysyntax.IndexExpr:
		name, _ := annotationHead(x.X)
		if t, ok := x.Index.(*pysyntax.TupleExpr); ok {
			return name, t.Elems
		}
		return name, []pysyntax.Expr{x.Index}
	}
	return "", nil
}
