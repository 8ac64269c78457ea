package eval

import (
	"slices"
	"sort"

	"github.com/flowplan/flowplan/extractor/diag"
	"github.com/flowplan/flowplan/extractor/internal/pysyntax"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

// pydantic v1 validators of project models, run as pydantic runs them when
// a model is built: root validators with pre=True on the input, then each
// field in order (its pre validators, the type's coercion, its validators),
// each seeing the fields validated before it as `values`, then the other
// root validators on all the values. A validator that raises ValueError,
// TypeError or AssertionError makes the build a ValidationError.

// validatorDef is one @validator or @root_validator.
type validatorDef struct {
	fn            *value.Function
	root          bool
	fields        []string // the fields it validates; "*" is every field
	pre, always   bool
	skipOnFailure bool
	eachItem      bool            // each_item=True: runs on each item of the field
	wants         map[string]bool // which of values, field, config it takes
}

func (d *modelDef) hasValidators() bool {
	if len(d.validators) > 0 {
		return true
	}
	for _, b := range d.bases {
		if b.hasValidators() {
			return true
		}
	}
	return false
}

// allValidators lists the validators of d's bases, then d's own.
func (d *modelDef) allValidators() []*validatorDef {
	var out []*validatorDef
	for _, b := range d.bases {
		out = append(out, b.allValidators()...)
	}
	return append(out, d.validators...)
}

// checkInheritedValidators refuses the validator layouts whose order
// pydantic v1 decides by merging validators by function name across the
// class hierarchy (with a "*" validator's place depending on whether the
// field is inherited): a validator named like one of a base class, and
// "*" validators mixed with validators of another class. In the other
// layouts the bases' validators run first, then the class's own.
func checkInheritedValidators(def *modelDef, v *validatorDef, st *pysyntax.DefStmt, brk func(pysyntax.Node, string, ...any)) {
	var inherited []*validatorDef
	for _, b := range def.bases {
		inherited = append(inherited, b.allValidators()...)
	}
	if len(inherited) == 0 {
		return
	}
	star := slices.Contains(v.fields, "*")
	for _, iv := range inherited {
		if iv.fn.Name == v.fn.Name {
			brk(st, "validator %s replaces a base class's validator of the same name; the order pydantic then gives them is not modeled", v.fn.Name)
			return
		}
		star = star || slices.Contains(iv.fields, "*")
	}
	if star && !v.root {
		brk(st, "validators for \"*\" together with validators of another class in the hierarchy: the order pydantic gives them is not modeled")
	}
}

// validatorOf reads a def decorated by pydantic's validator or
// root_validator; ok is false for any other def. A form it cannot run
// (each_item, several decorators) breaks the model.
func (m *module) validatorOf(def *modelDef, st *pysyntax.DefStmt, brk func(pysyntax.Node, string, ...any)) (*validatorDef, bool) {
	var deco pysyntax.Expr
	var name string
	for _, d := range st.Decorators {
		fn := d
		if c, ok := d.(*pysyntax.CallExpr); ok {
			fn = c.Fn
		}
		if b, ok := m.eval(fn).(*builtin); ok && (b.name == "validator" || b.name == "root_validator") {
			deco, name = d, b.name
		}
	}
	if deco == nil {
		return nil, false
	}
	if len(st.Decorators) > 1 {
		brk(st, "class %s has a validator with more decorators than pydantic's, which the extractor does not run", def.cls.Name)
		return nil, true
	}
	v := &validatorDef{root: name == "root_validator", wants: map[string]bool{}}
	allowReuse := false
	if c, ok := deco.(*pysyntax.CallExpr); ok {
		for _, a := range c.Args {
			val := m.eval(a.Value)
			switch {
			case a.Star != 0:
				brk(&a, "a validator's arguments given with * or ** are not supported")
				return nil, true
			case a.Name == "" && !v.root:
				s, isStr := val.(value.Str)
				if !isStr {
					brk(&a, "a validator's field names must be strings")
					return nil, true
				}
				v.fields = append(v.fields, string(s))
			case a.Name == "pre" || a.Name == "always" || a.Name == "skip_on_failure" || a.Name == "check_fields" || a.Name == "allow_reuse":
				b, isBool := val.(value.Bool)
				if !isBool {
					brk(&a, "validator(%s=...) must be True or False here", a.Name)
					return nil, true
				}
				switch a.Name {
				case "pre":
					v.pre = bool(b)
				case "always":
					v.always = bool(b)
				case "skip_on_failure":
					v.skipOnFailure = bool(b)
				case "allow_reuse":
					allowReuse = bool(b)
				}
			case a.Name == "each_item" && !v.root:
				b, isBool := val.(value.Bool)
				if !isBool {
					brk(&a, "validator(each_item=...) must be True or False here")
					return nil, true
				}
				v.eachItem = bool(b)
			default:
				brk(&a, "this argument of %s is not supported", name)
				return nil, true
			}
		}
	}
	for _, p := range st.Params[min(len(st.Params), 2):] {
		v.wants[p.Name] = true
	}
	if !allowReuse {
		// pydantic registers every validator function by module and
		// qualified name, and refuses one defined twice: a class
		// statement run again, or two classes of the same name.
		qual := def.cls.Name + "." + st.Name
		if m.fn != nil && m.fn.def != nil {
			qual = m.fn.def.Name + ".<locals>." + qual
		}
		key := m.name + "." + qual
		if m.s.validatorNames[key] {
			panic(m.raise(st, "ConfigError", "duplicate validator function \"%s\"; if this is intended, set `allow_reuse=True`", key))
		}
		m.s.validatorNames[key] = true
	}
	fn := &value.Function{Name: st.Name, Pos: m.f.PosOf(st), Async: st.Async}
	fn.Impl = &funcImpl{def: st, mod: m, env: m.ns, params: m.params(st.Params), owner: def}
	v.fn = fn
	return v, true
}

// fieldError is one entry of a ValidationError: its location (the
// field's key, then " -> " and the inner keys or indexes), message and
// type (with pydantic's context, "; name=value", when the error is one the
// evaluator found; ctx when a validator raised it).
type fieldError struct {
	loc, msg, typ string
	ctx           *value.Dict      // the exception's attributes (pydantic's ctx), or nil
	inexact       *diag.Diagnostic // set when msg is not CPython's exact text
}

// runValidator calls one validator of cls as pydantic does: a ValueError,
// TypeError or AssertionError it raises becomes a field error (without its
// location); any other exception propagates.
func (m *module) runValidator(c *call, cls *value.Class, v *validatorDef, args []value.Value, values *value.Dict) (out value.Value, err *fieldError) {
	sub := &call{m: m, at: c.at, name: v.fn.Name, args: append([]value.Value{cls}, args...), argNodes: []pysyntax.Node{c.at, c.at}}
	if !v.root && v.wants["values"] {
		sub.kwargs = append(sub.kwargs, kwArg{name: "values", v: values, node: c.at})
	}
	for _, k := range []string{"field", "config"} {
		if !v.root && v.wants[k] {
			sub.kwargs = append(sub.kwargs, kwArg{name: k, v: m.unknown(c.at, "a validator's %s argument is not modeled", k), node: c.at})
		}
	}
	exc := m.protect(func() { out = m.callValue(sub, v.fn) })
	if exc == nil {
		return out, nil
	}
	if fe := m.validatorError(c.at, exc); fe != nil {
		return nil, fe
	}
	panic(exc)
}

// fieldValidators lists the @validator functions among vals that apply
// to field, in the order pydantic runs them.
func fieldValidators(vals []*validatorDef, field string) []*validatorDef {
	var out []*validatorDef
	for _, v := range vals {
		if !v.root && (slices.Contains(v.fields, field) || slices.Contains(v.fields, "*")) {
			out = append(out, v)
		}
	}
	return out
}

// validateAlways tells a field whose default pydantic validates too: one
// with an always=True validator.
func validateAlways(vds []*validatorDef) bool {
	for _, v := range vds {
		if v.always {
			return true
		}
	}
	return false
}

// validateField is pydantic v1's ModelField.validate for field f of cls:
// its pre validators, then the type's validation (which each_item
// validators wrap, item by item), then its other validators, stopping at
// the first error. values holds the fields validated before it.
func (m *module) validateField(c *call, cls *value.Class, def *modelDef, f fieldDef, vds []*validatorDef, v value.Value, values *value.Dict) (value.Value, []fieldError) {
	apply := func(pre bool, v value.Value) (value.Value, []fieldError) {
		for _, vd := range vds {
			if vd.pre != pre || vd.eachItem {
				continue
			}
			out, err := m.runValidator(c, cls, vd, []value.Value{v}, values)
			if err != nil {
				err.loc = f.key()
				return v, []fieldError{*err}
			}
			v = out
		}
		return v, nil
	}
	v, errs := apply(true, v)
	if errs != nil {
		return v, errs
	}
	if v, errs = m.validateType(c, cls, def, f, vds, v, values); errs != nil {
		return v, errs
	}
	return apply(false, v)
}

// constructValidated builds a project model as pydantic v1's
// validate_model does, for models with validators or a Config.
func (m *module) constructValidated(c *call, cls *value.Class, def *modelDef, kwargs []kwArg) value.Value {
	vals := def.allValidators()
	input := &value.Dict{}
	for _, k := range kwargs {
		m.dictSet(c.at, input, value.Str(k.name), k.v)
	}
	var errs []fieldError
	for _, v := range vals {
		if v.root && v.pre {
			out, err := m.runValidator(c, cls, v, []value.Value{input}, nil)
			if err != nil {
				err.loc = "__root__"
				errs = append(errs, *err)
				break
			}
			d, ok := m.need(out).(*value.Dict)
			if !ok {
				panic(c.raise("TypeError", "a root validator must return a dict, not %s", typeName(out)))
			}
			input = d
		}
	}
	values := &value.Dict{}
	set := map[string]bool{}
	used := map[string]bool{}
	populateByName := def.configBool("allow_population_by_field_name", false)
	validateAll := def.configBool("validate_all", false)
	preFailed := len(errs) > 0 // pydantic stops at a failed pre root validator
	if !preFailed {
		for _, f := range def.fields {
			i := m.dictFind(c.at, input, value.Str(f.key()))
			if i >= 0 {
				used[f.key()] = true
			} else if populateByName && f.alias != "" {
				if i = m.dictFind(c.at, input, value.Str(f.name)); i >= 0 {
					used[f.name] = true
				}
			}
			vds := fieldValidators(vals, f.name)
			var v value.Value
			if i >= 0 {
				v = input.Vals[i]
				set[f.name] = true
			} else {
				var ok bool
				if v, ok = m.defaultValue(c, f); !ok {
					errs = append(errs, fieldError{loc: f.key(), msg: "field required", typ: "value_error.missing"})
					continue
				}
				if !validateAll && !validateAlways(vds) {
					values.Keys = append(values.Keys, value.Str(f.name))
					values.Vals = append(values.Vals, v)
					continue
				}
			}
			v, ferrs := m.validateField(c, cls, def, f, vds, v, values)
			if ferrs != nil {
				errs = append(errs, ferrs...)
				continue
			}
			values.Keys = append(values.Keys, value.Str(f.name))
			values.Vals = append(values.Vals, v)
		}
	}
	if extra := def.extra(); extra != "ignore" && !preFailed {
		// Keys no field used; pydantic v1 reports them sorted (forbid) or
		// keeps them, in the order of a Python set (allow).
		var names []string
		var extraVals []value.Value
		for i, k := range input.Keys {
			if ks, ok := k.(value.Str); ok && !used[string(ks)] {
				names = append(names, string(ks))
				extraVals = append(extraVals, input.Vals[i])
			}
		}
		switch {
		case extra == "forbid":
			sort.Strings(names)
			for _, n := range names {
				errs = append(errs, fieldError{loc: n, msg: "extra fields not permitted", typ: "value_error.extra"})
			}
		case len(names) > 1:
			return m.unknown(c.at, "%s keeps %d extra fields (Config.extra = \"allow\") in the order of a Python set of strings, which changes from run to run", cls.Name, len(names))
		default:
			for i, n := range names {
				set[n] = true
				values.Keys = append(values.Keys, value.Str(n))
				values.Vals = append(values.Vals, extraVals[i])
			}
		}
	}
	values, errs = m.postRootValidators(c, cls, vals, values, errs)
	if len(errs) > 0 {
		if u := firstUnknown(values.Vals); u != nil {
			// A field whose validation is not modeled may have failed too:
			// the type of the exception is known, not its whole message.
			for i := range errs {
				if errs[i].inexact == nil {
					errs[i].inexact = u.Err
				}
			}
			exc := m.validationError(c.at, cls.Name, errs)
			exc.Diag.Msg += "\n(a field whose validation the extractor does not model may have errors too)"
			panic(exc)
		}
		panic(m.validationError(c.at, cls.Name, errs))
	}
	inst := &value.Instance{Class: cls, Pos: m.f.PosOf(c.at), Src: m.f.Text(c.at), Fields: values, FieldsSet: set}
	m.initPrivate(c, inst, def)
	return inst
}

// assignValidated is `x.name = v` on a model with
// Config.validate_assignment, as pydantic v1 runs it: the pre root
// validators on the new values, the field's own validation (seeing the
// other fields as values, its errors located by field name), then the
// post root validators; the instance then holds a new __dict__.
func (m *module) assignValidated(at pysyntax.Node, x *value.Instance, def *modelDef, name string, v value.Value) {
	c := &call{m: m, at: at, name: x.Class.Name}
	cls := x.Class
	vals := def.allValidators()
	newValues := &value.Dict{Keys: append([]value.Value(nil), x.Fields.Keys...), Vals: append([]value.Value(nil), x.Fields.Vals...)}
	m.dictSet(at, newValues, value.Str(name), v)
	for _, vd := range vals {
		if !vd.root || !vd.pre {
			continue
		}
		out, err := m.runValidator(c, cls, vd, []value.Value{newValues}, nil)
		if err != nil {
			err.loc = "__root__"
			panic(m.validationError(at, cls.Name, []fieldError{*err}))
		}
		d, ok := m.need(out).(*value.Dict)
		if !ok {
			panic(m.raise(at, "TypeError", "a root validator must return a dict, not %s", typeName(out)))
		}
		newValues = d
	}
	if i := def.fieldIndex(name); i >= 0 {
		f := def.fields[i]
		f.alias = "" // errors of an assignment are located by field name
		others := &value.Dict{}
		for j, k := range x.Fields.Keys {
			if ks, ok := k.(value.Str); ok && string(ks) == name {
				continue
			}
			others.Keys = append(others.Keys, k)
			others.Vals = append(others.Vals, x.Fields.Vals[j])
		}
		out, errs := m.validateField(c, cls, def, f, fieldValidators(vals, name), v, others)
		if errs != nil {
			panic(m.validationError(at, cls.Name, errs))
		}
		m.dictSet(at, newValues, value.Str(name), out)
	}
	newValues, errs := m.postRootValidators(c, cls, vals, newValues, nil)
	if errs != nil {
		panic(m.validationError(at, cls.Name, errs))
	}
	x.Fields = newValues
	if x.FieldsSet == nil {
		x.FieldsSet = map[string]bool{}
	}
	x.FieldsSet[name] = true
}

// postRootValidators runs the root validators that are not pre on values,
// as pydantic does after the fields: each gets the values the one before
// returned; one with skip_on_failure does not run after an error. errs
// are the errors so far, to which theirs are added.
func (m *module) postRootValidators(c *call, cls *value.Class, vals []*validatorDef, values *value.Dict, errs []fieldError) (*value.Dict, []fieldError) {
	for _, v := range vals {
		if !v.root || v.pre || (v.skipOnFailure && len(errs) > 0) {
			continue
		}
		out, err := m.runValidator(c, cls, v, []value.Value{values}, nil)
		if err != nil {
			err.loc = "__root__"
			errs = append(errs, *err)
			continue
		}
		d, ok := m.need(out).(*value.Dict)
		if !ok {
			panic(c.raise("TypeError", "a root validator must return a dict, not %s", typeName(out)))
		}
		values = d
	}
	return values, errs
}
