package eval

import (
	"strings"

	"github.com/flowplan/flowplan/extractor/internal/pysyntax"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

// explainInvalid says what pydantic v1 reports for a value v that the
// annotation's conversion (coerceTo) did not accept: the errors, located
// under loc. known is false where the refusal may be the extractor's own
// (a conversion it does not model) rather than pydantic's; the caller
// then refuses the value instead of reporting an error CPython might not
// raise.
func (m *module) explainInvalid(at pysyntax.Node, ann pysyntax.Expr, annv map[pysyntax.Expr]value.Value, v value.Value, loc string) (errs []fieldError, known bool) {
	one := func(msg, typ string) ([]fieldError, bool) {
		return []fieldError{{loc: loc, msg: msg, typ: typ}}, true
	}
	if ann == nil {
		return nil, false
	}
	if out, ok := m.coerceTo(at, ann, annv, v); !ok {
		if r, isRej := out.(rejected); isRej {
			return r.under(loc), true
		}
	}
	if cls, ok := annv[ann].(*value.Class); ok {
		if ed := m.s.enums[cls]; ed != nil {
			if v == value.Value(value.None) {
				return []fieldError{{loc: loc, msg: "none is not an allowed value", typ: "type_error.none.not_allowed"}}, true
			}
			if e := enumFieldErr(func() { m.coerceEnum(at, ed, v, false, true) }); e != nil {
				return []fieldError{{loc: loc, msg: e.msg, typ: e.typ}}, true
			}
			return nil, false
		}
		def := m.s.models[cls]
		if def != nil && def.scalarBase != nil {
			return m.explainInvalid(at, &pysyntax.Ident{Name: def.scalarBase.name}, annv, v, loc)
		}
		if def == nil || def.dataclass {
			return nil, false
		}
		return m.explainModel(at, cls, def, v, loc)
	}
	if v == value.Value(value.None) {
		if isOptional(ann) || !m.knownAnnotation(ann, annv) {
			return nil, false
		}
		return one("none is not an allowed value", "type_error.none.not_allowed")
	}
	if inner := optionalInner(ann); isOptional(ann) && inner != nil {
		return m.explainInvalid(at, inner, annv, v, loc)
	}
	name, args := annotationHead(ann)
	switch name {
	case "str":
		// str_validator takes str, bytes and numbers; containers never.
		if isContainer(v) {
			return one("str type expected", "type_error.str")
		}
	case "int":
		switch x := v.(type) {
		case value.Float:
			return one("value is not a valid integer", "type_error.integer") // inf or nan
		case value.Str:
			// int(v) raised; CPython also reads non-ASCII digits, which
			// the conversion does not model.
			if isASCII(string(x)) {
				return one("value is not a valid integer", "type_error.integer")
			}
			return nil, false
		}
		if isContainer(v) {
			return one("value is not a valid integer", "type_error.integer")
		}
	case "float":
		if x, isStr := v.(value.Str); (isStr && isASCII(string(x))) || isContainer(v) {
			return one("value is not a valid float", "type_error.float")
		}
	case "bool":
		if x, isStr := v.(value.Str); isStr && !isASCII(string(x)) {
			return nil, false
		}
		switch v.(type) {
		case value.Str, value.Int, value.Float, *value.List, *value.Dict, *value.Tuple:
			return one("value could not be parsed to a boolean", "type_error.bool")
		}
	case "List", "list":
		switch x := v.(type) {
		case value.Str, value.Int, value.Float, value.Bool, *value.Dict:
			return one("value is not a valid list", "type_error.list")
		case *value.List:
			if len(args) != 1 {
				return nil, false
			}
			for i, e := range x.Elems {
				if _, ok := m.coerceTo(at, args[0], annv, e); ok {
					continue
				}
				ee, ok := m.explainInvalid(at, args[0], annv, e, loc+" -> "+itoa(i))
				if !ok {
					return nil, false
				}
				errs = append(errs, ee...)
			}
			return errs, errs != nil
		}
	case "Dict", "dict":
		switch x := v.(type) {
		case value.Int, value.Float, value.Bool, *value.Tuple:
			return one("value is not a valid dict", "type_error.dict")
		case *value.Dict:
			if len(args) != 2 {
				return nil, false
			}
			// pydantic validates each key, then its value (unless the key
			// failed), and reports them in that order.
			for i, k := range x.Keys {
				if _, ok := m.coerceTo(at, args[0], annv, k); !ok {
					ee, ok := m.explainInvalid(at, args[0], annv, k, loc+" -> __key__")
					if !ok {
						return nil, false
					}
					errs = append(errs, ee...)
					continue
				}
				if _, ok := m.coerceTo(at, args[1], annv, x.Vals[i]); ok {
					continue
				}
				name, known := locName(k)
				if !known {
					return nil, false
				}
				ee, ok := m.explainInvalid(at, args[1], annv, x.Vals[i], loc+" -> "+name)
				if !ok {
					return nil, false
				}
				errs = append(errs, ee...)
			}
			return errs, errs != nil
		}
	case "Literal":
		return m.explainLiteral(at, args, annv, v, loc)
	}
	return nil, false
}

// isContainer tells the values no scalar validator of pydantic accepts.
func isContainer(v value.Value) bool {
	switch v.(type) {
	case *value.List, *value.Dict, *value.Tuple, *value.Set:
		return true
	}
	return false
}

// knownAnnotation tells the annotations whose None check pydantic makes
// as explainInvalid models it: the scalars, lists and dicts, Literal, and
// project models.
func (m *module) knownAnnotation(ann pysyntax.Expr, annv map[pysyntax.Expr]value.Value) bool {
	if cls, ok := annv[ann].(*value.Class); ok {
		def := m.s.models[cls]
		return def != nil && !def.dataclass && def.broken == nil
	}
	name, _ := annotationHead(ann)
	switch name {
	case "str", "int", "float", "bool", "List", "list", "Dict", "dict", "Literal":
		_, isIdent := ann.(*pysyntax.Ident)
		_, isIndex := ann.(*pysyntax.IndexExpr)
		return isIdent || isIndex
	}
	return false
}

// explainLiteral is pydantic's literal validator refusing v: the
// permitted values are looked up as dict keys, so 1 and True match.
func (m *module) explainLiteral(at pysyntax.Node, args []pysyntax.Expr, annv map[pysyntax.Expr]value.Value, v value.Value, loc string) ([]fieldError, bool) {
	switch v.(type) {
	case value.Str, value.Int, value.Float, value.Bool, value.NoneType:
	default:
		return nil, false
	}
	permitted := &value.Tuple{}
	choices := &value.Dict{}
	for _, a := range args {
		lit, ok := annv[a]
		switch lit.(type) {
		case value.Str, value.Int, value.Bool, value.NoneType:
		default:
			return nil, false
		}
		if !ok {
			return nil, false
		}
		permitted.Elems = append(permitted.Elems, lit)
		m.dictSet(at, choices, lit, lit)
	}
	if m.dictFind(at, choices, v) >= 0 {
		return nil, false // valid in Python: the conversion is not modeled
	}
	reprs := make([]string, len(permitted.Elems))
	for i, p := range permitted.Elems {
		reprs[i] = m.repr(at, p)
	}
	typ := "value_error.const; given=" + m.str(at, v) + "; permitted=" + m.repr(at, permitted)
	return []fieldError{{loc: loc, msg: "unexpected value; permitted: " + strings.Join(reprs, ", "), typ: typ}}, true
}

// explainModel is pydantic's validation of v for a field whose type is a
// project model: a dict builds the model, and the errors of that build
// are nested under the field; numbers are not dicts.
func (m *module) explainModel(at pysyntax.Node, cls *value.Class, def *modelDef, v value.Value, loc string) ([]fieldError, bool) {
	switch x := v.(type) {
	case value.Int, value.Float, value.Bool, value.NoneType:
		if v == value.Value(value.None) {
			return []fieldError{{loc: loc, msg: "none is not an allowed value", typ: "type_error.none.not_allowed"}}, true
		}
		return []fieldError{{loc: loc, msg: "value is not a valid dict", typ: "type_error.dict"}}, true
	case *value.Dict:
		c := &call{m: m, at: at, name: cls.Name}
		for i, k := range x.Keys {
			ks, ok := k.(value.Str)
			if !ok {
				return nil, false
			}
			c.kwargs = append(c.kwargs, kwArg{name: string(ks), v: x.Vals[i], node: at})
		}
		exc := m.protect(func() { m.constructModel(c, cls, def) })
		if exc == nil || exc.validation == nil {
			return nil, false
		}
		errs := make([]fieldError, len(exc.validation))
		for i, e := range exc.validation {
			e.loc = loc + " -> " + e.loc
			errs[i] = e
		}
		return errs, true
	}
	return nil, false
}
