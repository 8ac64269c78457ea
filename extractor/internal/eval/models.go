package eval

import (
	"strings"

	"github.com/flowplan/flowplan/extractor/diag"
	"github.com/flowplan/flowplan/extractor/internal/lift"
	"github.com/flowplan/flowplan/extractor/internal/pysyntax"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

const classBaseModel = "pydantic.BaseModel"

// modelDef is a data-only class defined in the project: a pydantic v1
// model or a simple dataclass.
type modelDef struct {
	cls       *value.Class
	bases     []*modelDef
	fields    []fieldDef
	dataclass bool
	// settings marks a BaseSettings model: fields not given come from the
	// environment.
	settings bool
	// scalarBase is the builtin type (str, int, float) of a class that
	// derives from it and adds nothing: its instances are kept as values
	// of that type.
	scalarBase *typeObj
	// broken says why using the class cannot be modeled (validators,
	// a custom __init__...); nil when it can.
	broken *diag.Diagnostic
	// methods are the functions the class body defines, by name: plain
	// methods, properties, classmethods and staticmethods.
	methods map[string]*method
	// validators are the @validator and @root_validator functions its body
	// defines, in order.
	validators []*validatorDef
	// privates are the private attributes (PrivateAttr) it declares, with
	// their defaults (nil: no default).
	privates  map[string]value.Value
	privOrder []string
	// config holds the settings of the model's Config class and its bases'.
	config map[string]value.Value
	// classAttrs are the class attributes that are not fields (ClassVar,
	// functions and classes bound in the body, a dataclass's un-annotated
	// names), with their values.
	classAttrs map[string]value.Value
	// ownAnnotated are the fields annotated in this class's own body, and
	// own every field its body defines.
	ownAnnotated map[string]bool
	own          map[string]bool
	// inferred collects, while the class body runs, the new fields declared
	// without an annotation: pydantic v1 puts them after every annotated
	// field of the class, whatever the order of the body.
	inferred []fieldDef
}

type fieldDef struct {
	name       string
	annotation pysyntax.Expr
	annSrc     string
	def        value.Value // nil when required
	factory    string      // "list", "dict" or "set" for default_factory
	// factoryFn is any other default_factory: a project function, a lambda
	// or a class, called each time an instance needs the default.
	factoryFn value.Value
	alias     string   // Field(alias=...): the name callers and by_alias use
	env       []string // Field(env=...): a settings field's variable names
	// strip is Config.anystr_strip_whitespace as the field's validators
	// were made with: by the class that defined the field, or by the
	// last subclass that gave it validators.
	strip bool
	// annValues are the values the annotation names (model classes,
	// Literal's values), evaluated in the class body as Python does.
	annValues map[pysyntax.Expr]value.Value
}

// key is the name the field has in a model's input: its alias, if any.
func (f *fieldDef) key() string {
	if f.alias != "" {
		return f.alias
	}
	return f.name
}

// hasDefault tells a field that is not required.
func (f *fieldDef) hasDefault() bool {
	return f.def != nil || f.factory != "" || f.factoryFn != nil
}

// defaultValue makes the field's default for a new instance, as pydantic
// v1 and dataclasses do: a fresh container, the factory's result, or a
// copy of the default. ok is false for a required field.
func (m *module) defaultValue(c *call, f fieldDef) (value.Value, bool) {
	switch {
	case f.factory == "list":
		return &value.List{}, true
	case f.factory == "dict":
		return &value.Dict{}, true
	case f.factory == "set":
		return &value.Set{}, true
	case f.factoryFn != nil:
		return m.callValue(&call{m: m, at: c.at, name: "default_factory"}, f.factoryFn), true
	case f.def != nil:
		v := m.s.copyValue(f.def, 0)
		m.s.copies = nil
		return v, true
	}
	return nil, false
}

func (d *modelDef) isSubclass(c *value.Class) bool {
	if d.cls == c || d.cls.ID == c.ID {
		return true
	}
	for _, b := range d.bases {
		if b.isSubclass(c) {
			return true
		}
	}
	return c.ID == classBaseModel && !d.dataclass
}

// fieldInfo is what pydantic.Field(...) or dataclasses.field(...) returns.
type fieldInfo struct {
	def       value.Value
	factory   string
	factoryFn value.Value
	alias     string
	env       []string
	err       *diag.Diagnostic
	required  bool // Field(...): required even when Optional
}

func (*fieldInfo) TypeName() string { return "FieldInfo" }

// ellipsis is Python's `...`.
type ellipsis struct{}

func (ellipsis) TypeName() string { return "ellipsis" }

func pydanticField(c *call) value.Value {
	fi := &fieldInfo{}
	if len(c.args) > 1 {
		panic(c.raise("TypeError", "Field() takes from 0 to 1 positional arguments but %d were given", len(c.args)))
	}
	if len(c.args) == 1 {
		fi.def = c.args[0]
	}
	for _, k := range c.kwargs {
		switch k.name {
		case "default":
			fi.def = k.v
		case "default_factory":
			fi.setFactory(k.v)
		case "alias":
			a, ok := k.v.(value.Str)
			if !ok {
				fi.err = c.m.unknown(k.node, "Field(alias=...) that is not a known string").Err
				continue
			}
			fi.alias = string(a)
		case "env":
			if names, err := fieldEnvNames(c, k); err != nil {
				fi.err = err
			} else {
				fi.env = names
			}
		case "const", "regex", "gt", "ge", "lt", "le", "min_length", "max_length", "min_items", "max_items",
			"multiple_of", "max_digits", "decimal_places", "allow_mutation", "unique_items":
			fi.err = c.m.unknown(k.node, "Field(%s=...) changes validation, which is not modeled", k.name).Err
		}
	}
	if _, ok := fi.def.(ellipsis); ok {
		fi.def, fi.required = nil, true
	}
	if fi.def != nil && (fi.factory != "" || fi.factoryFn != nil) {
		panic(c.raise("ValueError", "cannot specify both default and default_factory"))
	}
	return fi
}

func (fi *fieldInfo) setFactory(v value.Value) {
	if fi.factory = factoryName(v); fi.factory == "" {
		fi.factoryFn = v
	}
}

func dataclassField(c *call) value.Value {
	c.noPositional()
	fi := &fieldInfo{}
	for _, k := range c.kwargs {
		switch k.name {
		case "default":
			fi.def = k.v
		case "default_factory":
			fi.setFactory(k.v)
		case "init":
			fi.err = c.m.unknown(k.node, "field(init=...) is not supported").Err
		}
	}
	if fi.def != nil && (fi.factory != "" || fi.factoryFn != nil) {
		panic(c.raise("ValueError", "cannot specify both default and default_factory"))
	}
	return fi
}

func factoryName(v value.Value) string {
	if t, ok := v.(*typeObj); ok && (t.name == "list" || t.name == "dict" || t.name == "set") {
		return t.name
	}
	return ""
}

// defineClass executes a class statement. Data-only models become
// callable; any other class is bound but using it is an error.
func (m *module) defineClass(st *pysyntax.ClassStmt) value.Value {
	if m.isEnumClassStmt(st) {
		return m.defineEnum(st)
	}
	body := newNamespace()
	m.classNS = append(m.classNS, body)
	defer func() { m.classNS = m.classNS[:len(m.classNS)-1] }()
	cls := &value.Class{ID: "local:" + m.name + "." + st.Name, Name: st.Name, Module: m.name}
	def := &modelDef{cls: cls}
	m.s.models[cls] = def
	brk := func(n pysyntax.Node, format string, args ...any) {
		if def.broken == nil {
			def.broken = m.unknown(n, format, args...).Err
		}
	}
	for _, d := range st.Decorators {
		v := m.eval(d)
		if b, ok := v.(*builtin); ok && b.name == "dataclass" {
			def.dataclass = true
			continue
		}
		if c, ok := d.(*pysyntax.CallExpr); ok {
			if b, ok := m.eval(c.Fn).(*builtin); ok && b.name == "dataclass" {
				def.dataclass = true
				// Only the defaults are modeled: frozen instances refuse
				// assignment and hash, eq=False compares by identity.
				dflt := map[string]value.Bool{"frozen": false, "repr": true, "eq": true}
				for _, a := range c.Args {
					want, known := dflt[a.Name]
					if !known || a.Star != 0 {
						brk(&a, "dataclass(%s=...) is not supported", a.Name)
						continue
					}
					if got, ok := m.eval(a.Value).(value.Bool); !ok || got != want {
						brk(&a, "dataclass(%s=%s) is not supported", a.Name, m.f.Text(a.Value))
					}
				}
				continue
			}
		}
		brk(d, "class %s is decorated by %s, which the extractor does not model", st.Name, m.f.Text(d))
	}
	pydantic := false
	decorated := def.broken
	for _, b := range st.Bases {
		if b.Name != "" || b.Star != 0 {
			brk(&b, "class keyword arguments are not supported")
			continue
		}
		bv := m.eval(b.Value)
		switch x := bv.(type) {
		case *excClass:
			if len(st.Bases) == 1 {
				delete(m.s.models, cls)
				return m.defineExcClass(st, x, decorated)
			}
			brk(&b, "exception classes with several bases are not modeled")
		case *value.Class:
			if x.ID == classBaseModel {
				pydantic = true
				continue
			}
			bd := m.s.models[x]
			if bd == nil {
				bd = m.s.libraryModel(x)
			}
			if bd != nil {
				def.settings = def.settings || bd.settings
				if bd.broken != nil {
					brk(&b, "base class %s cannot be modeled: %s", x.Name, bd.broken.Msg)
				}
				pydantic = pydantic || !bd.dataclass
				def.bases = append(def.bases, bd)
				def.fields = append(def.fields, bd.fields...)
				continue
			}
			brk(&b, "base class %s is not a data model the extractor knows", x.Name)
		case *typeObj:
			if (x.name == "str" || x.name == "int" || x.name == "float") && len(st.Bases) == 1 && len(st.Decorators) == 0 {
				def.scalarBase = x
				return m.defineScalarSubclass(st, def, brk)
			}
			brk(&b, "base class %s is not a data model the extractor knows", m.f.Text(b.Value))
		case value.Unknown:
			brk(&b, "base class %s is not known: %s", m.f.Text(b.Value), x.Err.Msg)
		default:
			brk(&b, "base class %s is not a data model the extractor knows", m.f.Text(b.Value))
		}
	}
	def.inheritConfig()
	if !pydantic && !def.dataclass {
		brk(st, "class %s is neither a pydantic model nor a dataclass; its instances are not evaluated", st.Name)
	}
	if pydantic && def.dataclass {
		brk(st, "a dataclass deriving from a pydantic model is not supported")
	}
	for i, s := range st.Body {
		switch x := s.(type) {
		case *pysyntax.ExprStmt:
			if i == 0 {
				if _, ok := x.X.(*pysyntax.StrLit); ok {
					continue
				}
			}
			brk(s, "class bodies with expression statements are not supported")
		case *pysyntax.SimpleStmt:
			if x.Keyword != "pass" {
				brk(s, "unexpected statement in a class body")
			}
		case *pysyntax.AssignStmt:
			m.classField(def, x, brk)
		case *pysyntax.DefStmt:
			m.classMethod(def, x, brk)
		case *pysyntax.ClassStmt:
			if x.Name == "Config" && pydantic && !def.dataclass {
				m.modelConfig(def, x, brk)
				continue
			}
			brk(s, "nested class %s is not supported", x.Name)
		default:
			brk(s, "this statement in a class body is not supported")
		}
	}
	def.fields = append(def.fields, def.inferred...)
	def.inferred = nil
	def.settleTypeValidators()
	return cls
}

func (d *modelDef) fieldIndex(name string) int {
	for i := range d.fields {
		if d.fields[i].name == name {
			return i
		}
	}
	return -1
}

func (m *module) classField(def *modelDef, st *pysyntax.AssignStmt, brk func(pysyntax.Node, string, ...any)) {
	if len(st.Targets) != 1 {
		brk(st, "chained assignment in a class body is not supported")
		return
	}
	id, ok := st.Targets[0].(*pysyntax.Ident)
	if !ok {
		brk(st, "only simple field definitions are supported in a class body")
		return
	}
	// The class body runs top to bottom: the value is computed, and later
	// statements of the body see the name bound to it (a Field(...) stays a
	// FieldInfo there).
	var v value.Value
	if st.Value != nil {
		v = m.eval(st.Value)
		m.classNS[len(m.classNS)-1].set(id.Name, v)
	}
	if strings.HasPrefix(id.Name, "_") {
		if pa, ok := v.(*privateAttrInfo); ok && !def.dataclass {
			if def.privates == nil {
				def.privates = map[string]value.Value{}
			}
			if _, seen := def.privates[id.Name]; !seen {
				def.privOrder = append(def.privOrder, id.Name)
			}
			def.privates[id.Name] = pa.def
			return
		}
		brk(st, "private class attributes are not supported")
		return
	}
	f := fieldDef{name: id.Name, annotation: st.Annotation}
	if st.Annotation != nil {
		f.annValues = m.annotationValues(st.Annotation)
		f.annSrc = m.f.Text(st.Annotation)
		if strings.HasPrefix(f.annSrc, "ClassVar") || strings.HasPrefix(f.annSrc, "typing.ClassVar") {
			def.setClassAttr(id.Name, v)
			return
		}
	} else if def.dataclass || isUntouched(v) {
		// A plain class attribute, not a field: dataclasses take only
		// annotated names, and pydantic leaves functions and classes alone.
		def.setClassAttr(id.Name, v)
		return
	}
	if st.Value != nil {
		if fi, ok := v.(*fieldInfo); ok {
			if fi.err != nil {
				brk(st, "%s", fi.err.Msg)
			}
			f.def, f.factory, f.factoryFn, f.alias, f.env = fi.def, fi.factory, fi.factoryFn, fi.alias, fi.env
			if !f.hasDefault() && !fi.required && !def.dataclass && isOptional(st.Annotation) {
				f.def = value.None // Optional[X] = Field(): pydantic v1 makes it None
			}
		} else {
			f.def = v
		}
	} else if !def.dataclass && isOptional(st.Annotation) {
		f.def = value.None
	}
	if !f.hasDefault() && st.Annotation == nil {
		brk(st, "field %s has neither annotation nor default", id.Name)
	}
	if def.own == nil {
		def.own = map[string]bool{}
	}
	def.own[f.name] = true
	if st.Annotation != nil {
		// An annotation makes the name an annotated field of this class,
		// even when the body assigned it without one before.
		for i := range def.inferred {
			if def.inferred[i].name == f.name {
				def.inferred = append(def.inferred[:i], def.inferred[i+1:]...)
				break
			}
		}
	}
	if st.Annotation != nil && !def.dataclass {
		if def.ownAnnotated == nil {
			def.ownAnnotated = map[string]bool{}
		}
		def.ownAnnotated[f.name] = true
	}
	if i := def.fieldIndex(f.name); i >= 0 {
		if st.Annotation == nil && !def.dataclass {
			m.redefineField(def, i, f, v, st, brk)
			return
		}
		def.fields[i] = f
		return
	}
	if st.Annotation == nil && !def.dataclass {
		for i := range def.inferred {
			if def.inferred[i].name == f.name {
				def.inferred[i] = f
				return
			}
		}
		def.inferred = append(def.inferred, f)
		return
	}
	if def.dataclass && !f.hasDefault() {
		for _, prev := range def.fields {
			if prev.hasDefault() {
				panic(m.raise(st, "TypeError", "non-default argument '%s' follows default argument", f.name))
			}
		}
	}
	def.fields = append(def.fields, f)
}

// redefineField is `name = value` without an annotation for a field that
// already exists. pydantic v1 keeps the field's annotation; one inherited
// from a base must accept the new value's type, or the class statement
// raises TypeError. Only plain str/int/float/bool annotations are modeled.
func (m *module) redefineField(def *modelDef, i int, f fieldDef, v value.Value, st *pysyntax.AssignStmt, brk func(pysyntax.Node, string, ...any)) {
	prev := def.fields[i]
	if _, isFieldInfo := v.(*fieldInfo); isFieldInfo || prev.annotation == nil {
		brk(st, "redefining field %s without an annotation is not modeled", f.name)
		return
	}
	if !def.ownAnnotated[f.name] {
		parent, ok := prev.annotation.(*pysyntax.Ident)
		simple := ok && isScalarType(parent.Name)
		if !simple {
			brk(st, "redefining inherited field %s (%s) without an annotation is not modeled", f.name, prev.annSrc)
			return
		}
		got := typeName(f.def)
		if got != parent.Name && !(got == "bool" && parent.Name == "int") {
			if !isScalarType(got) {
				brk(st, "redefining inherited field %s with a %s value is not modeled", f.name, got)
				return
			}
			panic(m.raise(st, "TypeError", "The type of %s.%s differs from the new default value; if you wish to change the type of this field, please use a type annotation", def.cls.Name, f.name))
		}
	}
	f.annotation, f.annSrc, f.annValues = prev.annotation, prev.annSrc, prev.annValues
	def.fields[i] = f
}

// coerceScalarUnion is pydantic v1's Union (smart_union off): the first
// alternative that validates v wins, left to right. It is modeled only
// where every alternative is str, int, float, bool or None and v is such
// a scalar, so that a failed alternative is known to be invalid rather
// than merely not modeled.
func (m *module) coerceScalarUnion(at pysyntax.Node, args []pysyntax.Expr, annv map[pysyntax.Expr]value.Value, v value.Value) (value.Value, bool) {
	switch v.(type) {
	case value.Str, value.Int, value.Bool, value.Float, value.NoneType:
	default:
		return v, false
	}
	hasNone := false
	for _, a := range args {
		switch x := a.(type) {
		case *pysyntax.Const:
			if x.Name != "None" {
				return v, false
			}
			hasNone = true
		case *pysyntax.Ident:
			if !isScalarType(x.Name) {
				return v, false
			}
		default:
			return v, false
		}
	}
	if v == value.Value(value.None) {
		return v, hasNone
	}
	for _, a := range args {
		if _, isNone := a.(*pysyntax.Const); isNone {
			continue
		}
		if out, ok := m.coerceTo(at, a, annv, v); ok {
			return out, true
		}
	}
	return v, false
}

// isScalarType tells the scalar types whose pydantic v1 conversion is
// modeled exactly, so that a failure means invalid, not unmodeled.
func isScalarType(name string) bool {
	return name == "str" || name == "int" || name == "float" || name == "bool"
}

// isOptional tells Optional[X], Union[X, None] and X | None annotations.
func isOptional(e pysyntax.Expr) bool {
	switch x := e.(type) {
	case *pysyntax.IndexExpr:
		name := ""
		switch f := x.X.(type) {
		case *pysyntax.Ident:
			name = f.Name
		case *pysyntax.AttrExpr:
			name = f.Name
		}
		if name == "Optional" {
			return true
		}
		if name == "Union" {
			if t, ok := x.Index.(*pysyntax.TupleExpr); ok {
				for _, e := range t.Elems {
					if c, ok := e.(*pysyntax.Const); ok && c.Name == "None" {
						return true
					}
				}
			}
		}
	case *pysyntax.BinaryExpr:
		if x.Op == "|" {
			if c, ok := x.Y.(*pysyntax.Const); ok && c.Name == "None" {
				return true
			}
			if c, ok := x.X.(*pysyntax.Const); ok && c.Name == "None" {
				return true
			}
			return isOptional(x.X) || isOptional(x.Y)
		}
	case *pysyntax.Const:
		return x.Name == "None"
	}
	return false
}

// constructModel builds an instance of a local model with keyword (and,
// for dataclasses, positional) arguments.
func (m *module) constructModel(c *call, cls *value.Class, def *modelDef) value.Value {
	if def.broken != nil {
		return value.Unknown{Err: diag.Errorf(m.f.PosOf(c.at), m.f.Text(c.at), "cannot know statically: %s is not a data-only model: %s (at %s)", cls.Name, strings.TrimPrefix(def.broken.Msg, "cannot know statically: "), def.broken.Pos)}
	}
	if def.settings {
		return m.constructSettings(c, cls, def)
	}
	if def.scalarBase != nil {
		return def.scalarBase.ctor(c)
	}
	fields := &value.Dict{}
	given := map[string]value.Value{}
	if def.dataclass {
		if len(c.args) > len(def.fields) {
			panic(c.raise("TypeError", "%s.__init__() takes %d positional arguments but %d were given", cls.Name, len(def.fields)+1, len(c.args)+1))
		}
		for i, a := range c.args {
			given[def.fields[i].name] = a
		}
		for _, k := range c.kwargs {
			known := false
			for _, f := range def.fields {
				known = known || f.name == k.name
			}
			if !known {
				panic(c.raise("TypeError", "%s.__init__() got an unexpected keyword argument '%s'", cls.Name, k.name))
			}
			if _, dup := given[k.name]; dup {
				panic(c.raise("TypeError", "%s.__init__() got multiple values for argument '%s'", cls.Name, k.name))
			}
			given[k.name] = k.v
		}
	} else {
		if len(c.args) > 0 {
			panic(c.raise("TypeError", "__init__() takes exactly 1 positional argument (%d given)", len(c.args)+1))
		}
		for _, k := range c.kwargs {
			given[k.name] = k.v
		}
		if def.hasValidators() || def.config != nil {
			return m.constructValidated(c, cls, def, c.kwargs)
		}
	}
	var missing []string
	for _, f := range def.fields {
		v, ok := given[f.key()]
		switch {
		case ok:
			if !def.dataclass {
				var errs []fieldError
				if v, errs = m.coerceField(c, cls, def, f, v); errs != nil {
					// pydantic reports every field's errors: build it the
					// way that collects them.
					return m.constructValidated(c, cls, def, c.kwargs)
				}
			}
		default:
			if v, ok = m.defaultValue(c, f); !ok {
				missing = append(missing, f.key())
				continue
			}
		}
		fields.Keys = append(fields.Keys, value.Str(f.name))
		fields.Vals = append(fields.Vals, v)
	}
	if len(missing) > 0 {
		if def.dataclass {
			panic(c.raise("TypeError", "%s.__init__() missing %d required positional argument%s: %s", cls.Name, len(missing), plural(len(missing)), quoteJoin(missing)))
		}
		return m.constructValidated(c, cls, def, c.kwargs)
	}
	inst := &value.Instance{Class: cls, Pos: m.f.PosOf(c.at), Src: m.f.Text(c.at), Fields: fields, FieldsSet: map[string]bool{}}
	for _, f := range def.fields {
		if _, ok := given[f.key()]; ok {
			inst.FieldsSet[f.name] = true
		}
	}
	if !def.dataclass {
		m.initPrivate(c, inst, def)
	}
	return inst
}

func quoteJoin(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "'" + n + "'"
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

func (m *module) coerceTo(at pysyntax.Node, ann pysyntax.Expr, annv map[pysyntax.Expr]value.Value, v value.Value) (value.Value, bool) {
	if ann == nil {
		return v, true
	}
	if cls, ok := annv[ann].(*value.Class); ok {
		if ed := m.s.enums[cls]; ed != nil {
			return m.coerceEnum(at, ed, v, m.enumValues, false)
		}
		def := m.s.models[cls]
		if def != nil && def.scalarBase != nil {
			// pydantic validates a subclass of str, int or float with
			// its base's validators, which keep the base type.
			return m.coerceTo(at, &pysyntax.Ident{Name: def.scalarBase.name}, annv, v)
		}
		if def != nil && !def.dataclass {
			return m.coerceModel(at, cls, def, v)
		}
		return v, false
	}
	if t, ok := annv[ann].(*typeObj); ok {
		if out, ok, handled := m.coercePyDate(at, t, v); handled {
			return out, ok
		}
	}
	name := ""
	var args []pysyntax.Expr
	switch x := ann.(type) {
	case *pysyntax.Ident:
		name = x.Name
	case *pysyntax.AttrExpr:
		name = x.Name
	case *pysyntax.Const:
		if x.Name == "None" {
			_, ok := v.(value.NoneType)
			return v, ok
		}
	case *pysyntax.IndexExpr:
		switch f := x.X.(type) {
		case *pysyntax.Ident:
			name = f.Name
		case *pysyntax.AttrExpr:
			name = f.Name
		}
		if t, ok := x.Index.(*pysyntax.TupleExpr); ok {
			args = t.Elems
		} else {
			args = []pysyntax.Expr{x.Index}
		}
	case *pysyntax.BinaryExpr:
		if x.Op == "|" {
			args = []pysyntax.Expr{x.X, x.Y}
			name = "Union"
		}
	}
	switch name {
	case "str", "int", "float", "bool":
		var keep bool
		if v, keep = enumScalar(name, v); keep {
			return v, true
		}
	}
	switch name {
	case "Any":
		return v, true
	case "Literal":
		// pydantic v1's literal validator looks v up in the dict
		// {choice: choice for choice in permitted}: 1 matches True and
		// 1.0, and gives the value the dict holds for that key.
		switch v.(type) {
		case value.Str, value.Int, value.Float, value.Bool:
		default:
			return v, false // None is refused before the lookup
		}
		choices := &value.Dict{}
		for _, a := range args {
			lit, known := annv[a]
			switch lit.(type) {
			case value.Str, value.Int, value.Bool, value.NoneType:
			default:
				return v, false
			}
			if !known {
				return v, false
			}
			m.dictSet(at, choices, lit, lit)
		}
		if i := m.dictFind(at, choices, v); i >= 0 {
			return choices.Vals[i], true
		}
		return v, false
	case "str":
		return lift.Field{Kind: lift.KindStr}.Store(v, nil) // pydantic v1's str_validator
	case "int":
		return lift.Field{Kind: lift.KindInt}.Store(v, nil) // int_validator
	case "float":
		// float_validator: a float as is, else float(v).
		switch x := v.(type) {
		case value.Float:
			return v, true
		case value.Int, value.Bool:
			f, ok := m.toFloat(at, x)
			return value.Float(f), ok
		case value.Str:
			f, ok := parsePyFloat(string(x))
			return value.Float(f), ok
		}
		return v, false
	case "bool":
		return lift.Field{Kind: lift.KindBool}.Store(v, nil) // bool_validator
	case "Optional":
		if _, ok := v.(value.NoneType); ok {
			return v, true
		}
		if len(args) == 1 {
			return m.coerceTo(at, args[0], annv, v)
		}
	case "Union":
		if _, ok := v.(value.NoneType); ok && len(args) == 2 && isOptional(ann) {
			return v, true
		}
		if len(args) == 2 {
			for _, a := range args {
				if c, ok := a.(*pysyntax.Const); ok && c.Name == "None" {
					continue
				}
				if isOptional(ann) {
					return m.coerceTo(at, a, annv, v)
				}
			}
		}
		return m.coerceScalarUnion(at, args, annv, v)
	case "tuple":
		// Bare tuple: pydantic keeps a tuple and converts a list; other
		// shapes are left to an honest refusal.
		switch x := v.(type) {
		case *value.Tuple:
			if len(args) == 0 {
				return x, true
			}
		case *value.List:
			if len(args) == 0 {
				return &value.Tuple{Elems: append([]value.Value(nil), x.Elems...)}, true
			}
		}
		return v, false
	case "list", "List":
		l, ok := v.(*value.List)
		if !ok {
			return v, false
		}
		if name == "list" && len(args) == 0 {
			return l, true // pydantic's list validator keeps the very object
		}
		out := &value.List{Elems: make([]value.Value, len(l.Elems))}
		var rej rejected
		for i, e := range l.Elems {
			if len(args) == 1 {
				ce, ok := m.coerceTo(at, args[0], annv, e)
				if r, isRej := ce.(rejected); isRej && !ok {
					rej.errs = append(rej.errs, r.under(itoa(i))...)
					continue
				}
				if !ok {
					return v, false
				}
				e = ce
			}
			out.Elems[i] = e
		}
		if rej.errs != nil {
			return rej, false
		}
		return out, true
	case "dict", "Dict":
		d, ok := v.(*value.Dict)
		if !ok {
			return v, false
		}
		if name == "dict" && len(args) == 0 {
			return d, true // pydantic's dict validator keeps the very object
		}
		// A new dict of the converted keys and values, built as pydantic
		// builds it: keys that convert to the same key keep the first
		// place and the last value.
		out := &value.Dict{}
		var rej rejected
		for i, e := range d.Vals {
			k := d.Keys[i]
			if len(args) == 2 {
				ck, ok := m.coerceTo(at, args[0], annv, k)
				if r, isRej := ck.(rejected); isRej && !ok {
					// pydantic skips the value of a refused key
					rej.errs = append(rej.errs, r.under("__key__")...)
					continue
				} else if !ok {
					return v, false
				}
				ce, ok := m.coerceTo(at, args[1], annv, e)
				if r, isRej := ce.(rejected); isRej && !ok {
					loc, known := locName(k)
					if !known {
						return v, false
					}
					rej.errs = append(rej.errs, r.under(loc)...)
					continue
				} else if !ok {
					return v, false
				}
				k, e = ck, ce
			}
			m.dictSet(at, out, k, e)
		}
		if rej.errs != nil {
			return rej, false
		}
		return out, true
	}
	return v, false
}

func (m *module) modelAttr(at pysyntax.Node, x *value.Instance, def *modelDef, name string) value.Value {
	for i, k := range x.Fields.Keys {
		if string(k.(value.Str)) == name {
			return m.checkTaint(x.Fields.Vals[i])
		}
	}
	if x.Private != nil {
		for i, k := range x.Private.Keys {
			if string(k.(value.Str)) == name {
				return m.checkTaint(x.Private.Vals[i])
			}
		}
	}
	if v := m.boundMember(at, x, def, name); v != nil {
		return v
	}
	if !def.dataclass && name == "dict" {
		return &builtin{name: x.Class.Name + ".dict", typeName: "method", fn: func(c *call) value.Value { return c.m.modelDictCall(c, x) }}
	}
	if !def.dataclass && name == "json" {
		return &builtin{name: x.Class.Name + ".json", typeName: "method", fn: func(c *call) value.Value { return c.m.modelJSONCall(c, x) }}
	}
	if !def.dataclass && name == "copy" {
		return &builtin{name: x.Class.Name + ".copy", typeName: "method", fn: func(c *call) value.Value { return c.m.modelCopy(c, x) }}
	}
	if v, ok := def.classAttr(name); ok {
		return m.plainClassAttr(at, x.Class, name, v)
	}
	if strings.HasPrefix(name, "__") || (!def.dataclass && baseModelAttrs[name]) {
		// It exists in Python; its value is not modeled.
		return m.unknown(at, "%s.%s is not modeled", x.Class.Name, name)
	}
	panic(m.raise(at, "AttributeError", "'%s' object has no attribute '%s'", x.Class.Name, name))
}

// dictOptions are .dict()'s keyword arguments that pydantic v1 applies
// to nested models too (include and exclude apply at the top only).
type dictOptions struct {
	byAlias, unset, defaults, none bool
}

// modelDict is pydantic v1's .dict(): nested models become dicts too.
func (m *module) modelDict(at pysyntax.Node, x *value.Instance, opts dictOptions, include, exclude map[string]bool, depth int) value.Value {
	def := m.s.models[x.Class]
	out := &value.Dict{}
	for i, k := range x.Fields.Keys {
		name := string(k.(value.Str))
		v := x.Fields.Vals[i]
		switch {
		case include != nil && !include[name], exclude[name]:
			continue
		case opts.unset && !x.FieldsSet[name]:
			continue
		case opts.none && v == value.Value(value.None):
			continue
		case opts.defaults && def != nil && m.isFieldDefault(at, def, name, v):
			continue
		}
		if opts.byAlias && def != nil {
			if j := def.fieldIndex(name); j >= 0 {
				k = value.Str(def.fields[j].key())
			}
		}
		out.Keys = append(out.Keys, k)
		out.Vals = append(out.Vals, m.dictValue(at, v, opts, depth+1))
	}
	return out
}

func (m *module) dictValue(at pysyntax.Node, v value.Value, opts dictOptions, depth int) value.Value {
	if depth > maxCallDepth {
		return v
	}
	switch x := v.(type) {
	case *value.Instance:
		if def := m.s.models[x.Class]; def != nil && x.Fields != nil && !def.dataclass {
			return m.modelDict(at, x, opts, nil, nil, depth)
		}
	case *value.List:
		out := &value.List{}
		for _, e := range x.Elems {
			out.Elems = append(out.Elems, m.dictValue(at, e, opts, depth+1))
		}
		return out
	case *value.Tuple:
		out := &value.Tuple{}
		for _, e := range x.Elems {
			out.Elems = append(out.Elems, m.dictValue(at, e, opts, depth+1))
		}
		return out
	case *value.Dict:
		out := &value.Dict{Keys: append([]value.Value(nil), x.Keys...)}
		for _, e := range x.Vals {
			out.Vals = append(out.Vals, m.dictValue(at, e, opts, depth+1))
		}
		return out
	}
	return v
}

func (m *module) setModelField(at pysyntax.Node, x *value.Instance, def *modelDef, name string, v value.Value) {
	if def.dataclass {
		m.dictSet(at, x.Fields, value.Str(name), v)
		return
	}
	// pydantic v1's __setattr__, in its order: private attributes, unknown
	// names, immutability, then the assignment, which marks the field set.
	if def.hasPrivate(name) {
		if x.Private == nil {
			x.Private = &value.Dict{}
		}
		m.dictSet(at, x.Private, value.Str(name), v)
		return
	}
	if def.fieldIndex(name) < 0 && def.extra() != "allow" {
		panic(m.raise(at, "ValueError", "\"%s\" object has no field \"%s\"", x.Class.Name, name))
	}
	if def.immutable() {
		panic(m.raise(at, "TypeError", "\"%s\" is immutable and does not support item assignment", x.Class.Name))
	}
	if def.configBool("validate_assignment", false) {
		m.assignValidated(at, x, def, name, v)
		return
	}
	m.dictSet(at, x.Fields, value.Str(name), v)
	if x.FieldsSet == nil {
		x.FieldsSet = map[string]bool{}
	}
	x.FieldsSet[name] = true
}

func (m *module) modelClassAttr(at pysyntax.Node, cls *value.Class, def *modelDef, name string) value.Value {
	if mt := def.findMethod(name, nil); mt != nil {
		switch mt.kind {
		case classMethod:
			return boundMethod(mt.fn, cls)
		case propertyMethod:
			return m.unknown(at, "a property read from the class %s is not modeled", cls.Name)
		}
		return mt.fn
	}
	if def.dataclass {
		for _, f := range def.fields {
			if f.name == name && f.def != nil {
				return f.def
			}
		}
	}
	if v, ok := def.classAttr(name); ok {
		return m.plainClassAttr(at, cls, name, v)
	}
	return m.unknown(at, "class attribute %s.%s is not evaluated", cls.Name, name)
}

// baseModelAttrs are the other attributes pydantic v1's BaseModel gives
// every instance: reading one is not an AttributeError.
var baseModelAttrs = map[string]bool{
	"json": true, "parse_obj": true, "parse_raw": true, "parse_file": true, "from_orm": true,
	"construct": true, "schema": true, "schema_json": true, "validate": true, "update_forward_refs": true,
	"Config": true, "_iter": true, "_calculate_keys": true, "_copy_and_set_values": true, "_get_value": true,
	"_decompose_class": true, "_enforce_dict_if_root": true, "_init_private_attributes": true,
}

// plainClassAttr is a class attribute that is not a field, read from the
// class or an instance: its value, except a function, whose binding as a
// method is not modeled.
func (m *module) plainClassAttr(at pysyntax.Node, cls *value.Class, name string, v value.Value) value.Value {
	if _, isFn := v.(*value.Function); isFn {
		return m.unknown(at, "function %s.%s bound in the class body is not modeled as a method", cls.Name, name)
	}
	return v
}

// isUntouched tells the class-body values pydantic v1 never makes fields:
// functions (lambdas too) and classes.
func isUntouched(v value.Value) bool {
	switch v.(type) {
	case *value.Function, *value.Class, *typeObj:
		return true
	}
	return false
}

func (d *modelDef) setClassAttr(name string, v value.Value) {
	if v == nil {
		return // an annotation without a value binds nothing
	}
	if d.classAttrs == nil {
		d.classAttrs = map[string]value.Value{}
	}
	d.classAttrs[name] = v
}

// classAttr finds a plain class attribute in d or its bases.
func (d *modelDef) classAttr(name string) (value.Value, bool) {
	if v, ok := d.classAttrs[name]; ok {
		return v, true
	}
	for _, b := range d.bases {
		if v, ok := b.classAttr(name); ok {
			return v, true
		}
	}
	return nil, false
}

// modelRepr is the repr of a local model instance: `Name(a=1, b='x')`.
func (m *module) modelRepr(at pysyntax.Node, b *strings.Builder, def *modelDef, x *value.Instance, depth int) {
	b.WriteString(x.Class.Name + "(")
	for i, k := range x.Fields.Keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(k.(value.Str)) + "=")
		m.writeRepr(at, b, x.Fields.Vals[i], depth+1)
	}
	b.WriteString(")")
}

// modelStr is str() of a pydantic v1 model: `a=1 b='x'`.
func (m *module) modelStr(at pysyntax.Node, x *value.Instance) string {
	var b strings.Builder
	for i, k := range x.Fields.Keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(string(k.(value.Str)) + "=")
		m.writeRepr(at, &b, x.Fields.Vals[i], 1)
	}
	return b.String()
}

// defineScalarSubclass finishes `class Name(str): ...` whose body adds
// nothing (a docstring, pass): calling it gives a value of its base.
func (m *module) defineScalarSubclass(st *pysyntax.ClassStmt, def *modelDef, brk func(pysyntax.Node, string, ...any)) value.Value {
	for i, s := range st.Body {
		switch x := s.(type) {
		case *pysyntax.ExprStmt:
			if _, ok := x.X.(*pysyntax.StrLit); ok && i == 0 {
				continue
			}
		case *pysyntax.SimpleStmt:
			if x.Keyword == "pass" {
				continue
			}
		}
		brk(s, "a subclass of %s whose body defines something is not modeled", def.scalarBase.name)
		break
	}
	return def.cls
}
