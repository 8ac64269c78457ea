package eval

import (
	"math/big"
	"strings"

	"github.com/flowplan/flowplan/extractor/internal/pyfmt"
	"github.com/flowplan/flowplan/extractor/internal/pysyntax"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

// Python's enum module as CPython 3.11 runs it, for the enum classes
// projects define: `class Kind(str, Enum): a = "a"`, IntEnum, StrEnum,
// auto() and @unique. A class body holds members (name = value; a value
// equal to an earlier member's makes an alias) and methods; whatever else
// changes how EnumType builds the class (_sunder_ and __dunder__ names,
// _missing_, custom __new__, descriptors bound by assignment) is refused
// with its position, never guessed.

// The library classes enum classes derive from.
const (
	classEnum    = "enum.Enum"
	classIntEnum = "enum.IntEnum"
	classStrEnum = "enum.StrEnum"
)

// enumDef is a project enum class.
type enumDef struct {
	cls *value.Class
	// base is the project enum class it derives from (one without
	// members: Python refuses to extend an enum that has some), or nil.
	base *enumDef
	// libBase is the library class at the root: enum.Enum, IntEnum or StrEnum.
	libBase string
	mixin   string // "str", "int", "float", or "" for a plain Enum
	// reprEnum is set for IntEnum and StrEnum: str() and format() of a
	// member are its value's.
	reprEnum bool
	members  []*value.EnumMember          // canonical members, in definition order
	byName   map[string]*value.EnumMember // members and aliases
	aliases  [][2]string                  // alias name, canonical name, in order
	methods  map[string]*method
}

// enumAuto is enum.auto(): the member's value is generated.
type enumAuto struct{}

func (*enumAuto) TypeName() string { return "auto" }

// enumAttr is an attribute of the enum module.
func (s *session) enumAttr(a string) (value.Value, bool) {
	switch a {
	case "Enum":
		return s.class(classEnum, a, "enum"), true
	case "IntEnum":
		return s.class(classIntEnum, a, "enum"), true
	case "StrEnum":
		return s.class(classStrEnum, a, "enum"), true
	case "auto":
		return &builtin{name: "auto", fn: func(c *call) value.Value {
			c.noKwargs()
			c.arity(0, 0)
			return &enumAuto{}
		}}, true
	case "unique":
		return &builtin{name: "unique", fn: enumUnique}, true
	}
	return nil, false
}

// enumUnique is @enum.unique: an enum with aliases is a ValueError.
func enumUnique(c *call) value.Value {
	c.noKwargs()
	c.arity(1, 1)
	cls, ok := c.arg(0).(*value.Class)
	def := c.m.s.enums[cls]
	if !ok || def == nil {
		return c.m.unknown(c.at, "enum.unique() of a %s is not modeled", typeName(c.arg(0)))
	}
	if len(def.aliases) > 0 {
		parts := make([]string, len(def.aliases))
		for i, a := range def.aliases {
			parts[i] = a[0] + " -> " + a[1]
		}
		panic(c.raise("ValueError", "duplicate values found in <enum '%s'>: %s", cls.Name, strings.Join(parts, ", ")))
	}
	return cls
}

// enumBase is the enum class a base expression names, if any: a library
// base (def nil) or a project enum.
func (m *module) enumBase(v value.Value) (id string, def *enumDef, ok bool) {
	cls, isCls := v.(*value.Class)
	if !isCls {
		return "", nil, false
	}
	switch cls.ID {
	case classEnum, classIntEnum, classStrEnum:
		return cls.ID, nil, true
	}
	if d := m.s.enums[cls]; d != nil {
		return d.libBase, d, true
	}
	return "", nil, false
}

// isEnumClassStmt tells a class statement whose bases name an enum class.
// Only names and attributes are looked at (evaluating them again is
// harmless); one that raises is left to defineClass.
func (m *module) isEnumClassStmt(st *pysyntax.ClassStmt) bool {
	if len(st.Bases) == 0 || !m.s.enumUsed {
		return false
	}
	found := false
	for _, b := range st.Bases {
		switch b.Value.(type) {
		case *pysyntax.Ident, *pysyntax.AttrExpr:
		default:
			continue
		}
		_ = m.protect(func() {
			defer func() {
				if r := recover(); r != nil {
					if _, ok := r.(unknownSignal); !ok {
						panic(r)
					}
				}
			}()
			if _, _, ok := m.enumBase(m.eval(b.Value)); ok {
				found = true
			}
		})
	}
	return found
}

// defineEnum executes the class statement of an enum class: the class,
// or an Unknown saying why it is not modeled.
func (m *module) defineEnum(st *pysyntax.ClassStmt) value.Value {
	refuse := func(n pysyntax.Node, format string, args ...any) value.Value {
		return m.unknown(n, "enum class %s: "+format, append([]any{st.Name}, args...)...)
	}
	var unique []pysyntax.Expr
	for _, d := range st.Decorators {
		v := m.eval(d)
		if b, ok := v.(*builtin); ok && b.name == "unique" {
			unique = append(unique, d)
			continue
		}
		return refuse(d, "the decorator %s is not modeled", m.f.Text(d))
	}
	cls := &value.Class{ID: "local:" + m.name + "." + st.Name, Name: st.Name, Module: m.name}
	def := &enumDef{cls: cls, byName: map[string]*value.EnumMember{}}
	mixin := ""
	for i, b := range st.Bases {
		if b.Name != "" || b.Star != 0 {
			return refuse(&b, "class keyword arguments are not modeled")
		}
		bv := m.eval(b.Value)
		if id, bd, ok := m.enumBase(bv); ok {
			if i != len(st.Bases)-1 {
				panic(m.raise(st, "TypeError", "new enumerations should be created as `EnumName([mixin_type, ...] [data_type,] enum_type)`"))
			}
			def.libBase = id
			switch id {
			case classIntEnum:
				def.mixin, def.reprEnum = "int", true
			case classStrEnum:
				def.mixin, def.reprEnum = "str", true
			}
			if bd != nil {
				if len(bd.members) > 0 {
					panic(m.raise(st, "TypeError", "<enum '%s'> cannot extend <enum '%s'>", st.Name, bd.cls.Name))
				}
				def.base, def.mixin, def.reprEnum = bd, bd.mixin, bd.reprEnum
			}
			continue
		}
		t, ok := bv.(*typeObj)
		if !ok || (t.name != "str" && t.name != "int" && t.name != "float") || mixin != "" {
			if u, isU := bv.(value.Unknown); isU {
				return refuse(&b, "base %s is not known: %s", m.f.Text(b.Value), u.Err.Msg)
			}
			return refuse(&b, "the base %s is not modeled (only one of str, int or float, then the enum class)", m.f.Text(b.Value))
		}
		mixin = t.name
	}
	if mixin != "" {
		if def.mixin != "" && def.mixin != mixin {
			return refuse(st, "mixing %s into a %s enum is not modeled", mixin, def.mixin)
		}
		def.mixin = mixin
	}

	body := newNamespace()
	m.classNS = append(m.classNS, body)
	defer func() { m.classNS = m.classNS[:len(m.classNS)-1] }()
	raw := map[string]value.Value{} // what each member name was bound to, for messages
	var values []value.Value        // the values given so far, for auto()
	for i, s := range st.Body {
		switch x := s.(type) {
		case *pysyntax.ExprStmt:
			if _, ok := x.X.(*pysyntax.StrLit); ok && i == 0 {
				continue
			}
			return refuse(s, "expression statements in the class body are not modeled")
		case *pysyntax.SimpleStmt:
			if x.Keyword != "pass" {
				return refuse(s, "this statement in the class body is not modeled")
			}
		case *pysyntax.DefStmt:
			if u := m.enumMethod(def, x, refuse); u != nil {
				return u
			}
		case *pysyntax.AssignStmt:
			id, ok := x.Targets[0].(*pysyntax.Ident)
			if len(x.Targets) != 1 || !ok {
				return refuse(s, "only `name = value` members are modeled")
			}
			if x.Value == nil {
				continue // an annotation alone binds nothing
			}
			if strings.HasPrefix(id.Name, "_") {
				return refuse(s, "%s: names beginning with an underscore (_sunder_, __dunder__, private) change how the enum is built, which is not modeled", id.Name)
			}
			if def.methods[id.Name] != nil {
				return refuse(s, "%s rebinds a method name, which is not modeled", id.Name)
			}
			v := m.eval(x.Value)
			if u, isU := v.(value.Unknown); isU {
				return refuse(x.Value, "the value of member %s is not known: %s", id.Name, u.Err.Msg)
			}
			if prev, dup := raw[id.Name]; dup {
				panic(m.raise(s, "TypeError", "'%s' already defined as %s", id.Name, m.repr(s, prev)))
			}
			if _, isAuto := v.(*enumAuto); isAuto {
				if v = m.enumAutoValue(x.Value, def, id.Name, values); v == nil {
					return refuse(x.Value, "auto() after the values given here is not modeled")
				}
			}
			switch v.(type) {
			case *value.Function, *builtin, *value.Class, *typeObj, *excClass, *enumAuto:
				return refuse(x.Value, "binding a %s in the class body is not modeled", typeName(v))
			}
			raw[id.Name] = v
			values = append(values, v)
			body.set(id.Name, v)
			val, why := m.enumMemberValue(s, def, v)
			if why != "" {
				return refuse(x.Value, "member %s: %s", id.Name, why)
			}
			if alias := m.enumFind(s, def, val); alias != nil {
				def.byName[id.Name] = alias
				def.aliases = append(def.aliases, [2]string{id.Name, alias.Name})
				continue
			}
			mem := &value.EnumMember{Class: cls, Name: id.Name, Value: val, Mixin: def.mixin}
			mem.Str = cls.Name + "." + id.Name
			if def.reprEnum {
				mem.Str = m.str(s, val)
			}
			def.members = append(def.members, mem)
			def.byName[id.Name] = mem
		default:
			return refuse(s, "this statement in the class body is not modeled")
		}
	}
	if m.s.enums == nil {
		m.s.enums = map[*value.Class]*enumDef{}
	}
	m.s.enums[cls] = def
	for _, d := range unique {
		enumUnique(&call{m: m, at: d, name: "unique", args: []value.Value{cls}, argNodes: []pysyntax.Node{d}})
	}
	return cls
}

// enumMethod records a def of an enum class body; it returns an Unknown
// when the def is not modeled.
func (m *module) enumMethod(def *enumDef, st *pysyntax.DefStmt, refuse func(pysyntax.Node, string, ...any) value.Value) value.Value {
	if strings.HasPrefix(st.Name, "_") {
		return refuse(st, "the method %s changes how the enum behaves, which is not modeled", st.Name)
	}
	if def.byName[st.Name] != nil {
		return refuse(st, "the method %s rebinds a member name, which is not modeled", st.Name)
	}
	kind, bad := decoratedKind(st)
	if bad != nil {
		return refuse(bad, "a method decorated by %s is not modeled", m.f.Text(bad))
	}
	if len(st.Decorators) > 1 {
		return refuse(st, "a method with several decorators is not modeled")
	}
	fn := &value.Function{Name: st.Name, Pos: m.f.PosOf(st), Async: st.Async}
	fn.Impl = &funcImpl{def: st, mod: m, env: m.ns, params: m.params(st.Params)}
	if def.methods == nil {
		def.methods = map[string]*method{}
	}
	def.methods[st.Name] = &method{fn: fn, kind: kind}
	m.classNS[len(m.classNS)-1].set(st.Name, fn)
	return nil
}

// enumAutoValue is the value auto() gives member name: StrEnum's is the
// name in lower case; the others' is 1, or the greatest value so far
// plus one when every value so far is an int. nil when not modeled.
func (m *module) enumAutoValue(at pysyntax.Node, def *enumDef, name string, values []value.Value) value.Value {
	if def.libBase == classStrEnum {
		return value.Str(m.caseMap(at, name, caseLower))
	}
	if def.mixin == "str" {
		return nil
	}
	next := value.NewInt(1)
	for i, v := range values {
		n, ok := v.(value.Int)
		if !ok {
			return nil
		}
		if i == 0 || n.V.Cmp(next.V) >= 0 {
			next = value.Int{V: new(big.Int).Add(n.V, big.NewInt(1))}
		}
	}
	return next
}

// enumMemberValue is the _value_ of a member given v, or why it is not
// modeled; an impossible value raises as CPython does.
func (m *module) enumMemberValue(at pysyntax.Node, def *enumDef, v value.Value) (value.Value, string) {
	switch def.mixin {
	case "":
		return v, ""
	case "str":
		if s, ok := v.(value.Str); ok {
			return s, ""
		}
		if def.libBase == classStrEnum {
			panic(m.raise(at, "TypeError", "%s is not a string", m.repr(at, v)))
		}
	case "int":
		if i, ok := v.(value.Int); ok {
			return i, ""
		}
	case "float":
		switch x := v.(type) {
		case value.Float:
			return x, ""
		case value.Int:
			f, _ := m.toFloat(at, x)
			return value.Float(f), ""
		}
	}
	return nil, "a value of type " + typeName(v) + " in an enum of " + def.mixin + " members is not modeled"
}

// enumFind is the member whose value equals v (EnumType's lookup by
// value), or nil.
func (m *module) enumFind(at pysyntax.Node, def *enumDef, v value.Value) *value.EnumMember {
	for _, mem := range def.members {
		if m.identical(mem.Value, v) || m.equal(at, mem.Value, v) {
			return mem
		}
	}
	return nil
}

// enumCall is calling an enum class: the member with the given value.
func (m *module) enumCall(c *call, def *enumDef) value.Value {
	var v value.Value
	switch {
	case len(c.args) == 1 && len(c.kwargs) == 0:
		v = c.arg(0)
	case len(c.args) == 0 && len(c.kwargs) == 1 && c.kwargs[0].name == "value":
		v = m.need(c.kwargs[0].v)
	case len(c.args) == 0 && len(c.kwargs) == 0:
		panic(c.raise("TypeError", "EnumType.__call__() missing 1 required positional argument: 'value'"))
	default:
		return m.unknown(c.at, "the functional API of enum (%s(...) with several arguments) is not modeled", def.cls.Name)
	}
	if mem, ok := v.(*value.EnumMember); ok && mem.Class == def.cls {
		return mem
	}
	if mem := m.enumFind(c.at, def, v); mem != nil {
		return mem
	}
	panic(c.raise("ValueError", "%s is not a valid %s", m.repr(c.at, v), def.cls.Name))
}

// enumOf is the definition of a member's class. Members are made by
// defineEnum, which registers the class first; an empty definition stands
// in should one come from elsewhere.
func (m *module) enumOf(x *value.EnumMember) *enumDef {
	if def := m.s.enums[x.Class]; def != nil {
		return def
	}
	return &enumDef{cls: x.Class, mixin: x.Mixin}
}

// findMethod looks name up in the class and its enum bases.
func (d *enumDef) findMethod(name string) *method {
	for e := d; e != nil; e = e.base {
		if mt := e.methods[name]; mt != nil {
			return mt
		}
	}
	return nil
}

// enumClassAttr is EnumClass.name.
func (m *module) enumClassAttr(at pysyntax.Node, def *enumDef, name string) value.Value {
	if mem := def.byName[name]; mem != nil {
		return mem
	}
	if mt := def.findMethod(name); mt != nil {
		switch mt.kind {
		case classMethod:
			return boundMethod(mt.fn, def.cls)
		case propertyMethod:
			return m.unknown(at, "a property read from the enum class %s is not modeled", def.cls.Name)
		}
		return mt.fn
	}
	if strings.HasPrefix(name, "_") || (def.mixin != "" && isPyMethod(def.mixin, name)) {
		return m.unknown(at, "attribute %s of enum class %s is not modeled", name, def.cls.Name)
	}
	panic(m.raise(at, "AttributeError", "%s", name))
}

// enumMemberAttr is member.name.
func (m *module) enumMemberAttr(at pysyntax.Node, x *value.EnumMember, name string) value.Value {
	switch name {
	case "name", "_name_":
		return value.Str(x.Name)
	case "value", "_value_":
		return x.Value
	case "__class__":
		return x.Class
	}
	def := m.enumOf(x)
	if mt := def.findMethod(name); mt != nil {
		return m.bindMember(at, x, x.Class, mt)
	}
	if mem := def.byName[name]; mem != nil {
		return mem
	}
	if x.Mixin != "" {
		if name == "format" || name == "format_map" {
			// CPython returns the member itself when nothing is replaced
			return m.unknown(at, "%s.%s of an enum member is not modeled", x.Mixin, name)
		}
		if meth := m.method(at, x.Value, name); meth != nil {
			return meth
		}
		if isPyMethod(typeName(x.Value), name) {
			return m.unknown(at, "method %s.%s is not supported", typeName(x.Value), name)
		}
	}
	if strings.HasPrefix(name, "_") || x.Mixin == "int" || x.Mixin == "float" {
		return m.unknown(at, "attribute %s of an enum member is not modeled", name)
	}
	panic(m.raise(at, "AttributeError", "'%s' object has no attribute '%s'", x.Class.Name, name))
}

// setEnumAttr is an assignment to an attribute of an enum class or member.
func (m *module) setEnumAttr(at pysyntax.Node, obj value.Value, name string) bool {
	switch x := obj.(type) {
	case *value.Class:
		def := m.s.enums[x]
		if def == nil {
			return false
		}
		if def.byName[name] != nil {
			panic(m.raise(at, "AttributeError", "cannot reassign member '%s'", name))
		}
	case *value.EnumMember:
		if name == "name" || name == "value" {
			panic(m.raise(at, "AttributeError", "<enum 'Enum'> cannot set attribute '%s'", name))
		}
		m.poison(at, "an attribute of enum member %s.%s is assigned, which the extractor does not follow", x.Class.Name, x.Name)
		return true
	default:
		return false
	}
	return false
}

// enumIsInstance is isinstance(x, cls) for an enum member x.
func (m *module) enumIsInstance(x *value.EnumMember, cls value.Value) bool {
	switch t := cls.(type) {
	case *typeObj:
		return t.name == x.Mixin
	case *value.Class:
		def := m.enumOf(x)
		for e := def; e != nil; e = e.base {
			if e.cls == t {
				return true
			}
		}
		switch t.ID {
		case classEnum:
			return true
		case classIntEnum, classStrEnum:
			return def.libBase == t.ID
		}
	}
	return false
}

// enumRepr is repr() of an enum member or class; ok is false for other values.
func (m *module) enumRepr(at pysyntax.Node, b *strings.Builder, v value.Value, depth int) bool {
	switch x := v.(type) {
	case *value.EnumMember:
		b.WriteString("<" + x.Class.Name + "." + x.Name + ": ")
		m.writeRepr(at, b, x.Value, depth+1)
		b.WriteByte('>')
		return true
	case *value.Class:
		if m.s.enums[x] != nil {
			b.WriteString("<enum '" + x.Name + "'>")
			return true
		}
	}
	return false
}

// enumFormat is format(member, spec): IntEnum's and StrEnum's as their
// value's, the others' as their str()'s.
func (m *module) enumFormat(at pysyntax.Node, x *value.EnumMember, spec string) string {
	if m.enumOf(x).reprEnum {
		return m.format(at, x.Value, spec)
	}
	s, err := pyfmt.FormatStr(x.Str, spec)
	if err != nil {
		panic(m.fmtErr(at, err))
	}
	return s
}

// enumLen is len(EnumClass); ok is false for other values.
func (m *module) enumLen(v value.Value) (int, bool) {
	if cls, ok := v.(*value.Class); ok {
		if def := m.s.enums[cls]; def != nil {
			return len(def.members), true
		}
	}
	return 0, false
}

// enumMembers is iter(EnumClass): its members without aliases; ok is
// false for other values.
func (m *module) enumMembers(v value.Value) ([]value.Value, bool) {
	cls, ok := v.(*value.Class)
	if !ok {
		return nil, false
	}
	def := m.s.enums[cls]
	if def == nil {
		return nil, false
	}
	out := make([]value.Value, len(def.members))
	for i, mem := range def.members {
		out[i] = mem
	}
	return out, true
}

// enumContains is `x in EnumClass`.
func (m *module) enumContains(at pysyntax.Node, def *enumDef, x value.Value) bool {
	mem, ok := x.(*value.EnumMember)
	if !ok {
		panic(m.raise(at, "TypeError", "unsupported operand type(s) for 'in': '%s' and 'EnumType'", typeName(x)))
	}
	for e := def; e != nil; e = e.base {
		if mem.Class == e.cls {
			return true
		}
	}
	return false
}

// enumGetItem is EnumClass[name].
func (m *module) enumGetItem(at pysyntax.Node, def *enumDef, key value.Value) value.Value {
	if s, ok := key.(value.Str); ok {
		if mem := def.byName[string(s)]; mem != nil {
			return mem
		}
	}
	panic(m.raise(at, "KeyError", "%s", m.repr(at, key)))
}

// enumEqual is a == b when either is an enum member: a mixin member
// compares as its value; a plain member equals only itself.
func (m *module) enumEqual(at pysyntax.Node, a, b value.Value) bool {
	ea, okA := a.(*value.EnumMember)
	eb, okB := b.(*value.EnumMember)
	if (okA && ea.Mixin == "") || (okB && eb.Mixin == "") {
		return a == b
	}
	return m.equal(at, value.Plain(a), value.Plain(b))
}

// plainArgs wraps a builtin of a str or number so that mixin enum members
// given as arguments act as their values.
func plainArgs(fn func(c *call) value.Value) func(c *call) value.Value {
	if fn == nil {
		return nil
	}
	return func(c *call) value.Value {
		if !c.m.s.enumUsed {
			return fn(c)
		}
		for _, a := range c.args {
			if x, ok := a.(*value.EnumMember); ok && x.Mixin != "" {
				sub := *c
				sub.args = make([]value.Value, len(c.args))
				for j := range c.args {
					sub.args[j] = value.Plain(c.args[j])
				}
				return fn(&sub)
			}
		}
		return fn(c)
	}
}

// enumFieldError is a pydantic error raised by an enum field's validation,
// for the model's ValidationError.
type enumFieldError struct{ msg, typ string }

// coerceEnum is pydantic v1's enum_member_validator: the member whose
// value v is (v itself when a member), or its value with
// Config.use_enum_values. raise makes an invalid v an enumFieldError
// panic; otherwise ok is false.
func (m *module) coerceEnum(at pysyntax.Node, def *enumDef, v value.Value, useValues, raise bool) (value.Value, bool) {
	var mem *value.EnumMember
	if x, ok := v.(*value.EnumMember); ok && x.Class == def.cls {
		mem = x
	} else if _, isU := v.(value.Unknown); !isU {
		mem = m.enumFind(at, def, v)
	}
	if mem == nil {
		if !raise {
			return v, false
		}
		vals := make([]string, len(def.members))
		reprs := make([]string, len(def.members))
		for i, x := range def.members {
			vals[i] = m.repr(at, x.Value)
			reprs[i] = m.repr(at, x)
		}
		panic(enumFieldError{
			msg: "value is not a valid enumeration member; permitted: " + strings.Join(vals, ", "),
			typ: "type_error.enum; enum_values=[" + strings.Join(reprs, ", ") + "]",
		})
	}
	if useValues {
		return mem.Value, true
	}
	return mem, true
}

// enumFieldErr runs fn, returning the enum field error it raised, if any.
func enumFieldErr(fn func()) (err *enumFieldError) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(enumFieldError)
			if !ok {
				panic(r)
			}
			err = &e
		}
	}()
	fn()
	return nil
}

// enumHashKey writes the hash key of an enum member: a mixin member's is
// its value's; a plain member hashes by identity.
func (m *module) enumHashKey(at pysyntax.Node, b *strings.Builder, x *value.EnumMember, depth int) {
	if x.Mixin != "" {
		m.writeHashKey(at, b, x.Value, depth+1)
		return
	}
	b.WriteString("e" + x.Class.ID + "." + x.Name + "\x00")
}

// enumScalar is what pydantic v1's validator of a str, int, float or bool
// field receives for an enum member, or v itself: str_validator gives a
// str-mixin member's value and str() of an int or float one, int_validator
// and float_validator keep a member of their own type and convert the
// others' values. keep is set when the member is the validated value.
func enumScalar(typ string, v value.Value) (out value.Value, keep bool) {
	x, ok := v.(*value.EnumMember)
	if !ok || x.Mixin == "" {
		return v, false
	}
	switch {
	case typ == "str" && x.Mixin != "str":
		return value.Str(x.Str), false
	case (typ == "int" || typ == "float") && x.Mixin == typ:
		return v, true
	}
	return x.Value, false
}
