package value

// EnumMember is a member of an enum.Enum class defined in the project (see
// the evaluator's enums.go). Members are singletons: one *EnumMember per
// member, shared by its aliases, so pointer identity is Python's `is`.
type EnumMember struct {
	Class *Class
	Name  string // the canonical name (_name_)
	Value Value  // _value_
	// Mixin is the data type the class mixes in ("str", "int" or "float";
	// IntEnum and StrEnum mix in int and str); "" for a plain Enum. A member
	// of a mixin class is also an instance of that type, equal to its value.
	Mixin string
	// Str is str(member): "Class.name", or the value's own str() for
	// IntEnum and StrEnum (and their subclasses).
	Str string
}

func (m *EnumMember) TypeName() string { return m.Class.Name }

// Plain returns v, or the value of a mixin enum member (which behaves as
// that value in every operation but repr, str, format, type and
// isinstance).
func Plain(v Value) Value {
	if e, ok := v.(*EnumMember); ok && e.Mixin != "" {
		return e.Value
	}
	return v
}
