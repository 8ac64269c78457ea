package spec

// TypeExpr is a parameter annotation read as a type expression: one of a
// (dotted) name with optional subscript arguments (str, list[str],
// typing.Optional[int], pd.DataFrame), a union (X | Y), a literal value
// (inside Literal[...], or None) or `...` (as in tuple[int, ...]).
type TypeExpr struct {
	// Name is the dotted name, "" for the other forms; Args are its
	// subscript arguments.
	Name string
	Args []TypeExpr
	// Union holds the members of X | Y (two or more).
	Union []TypeExpr
	// Literal says which kind of literal value the expression is, and Value
	// holds it: the string's value, the integer in decimal, or True/False.
	Literal LiteralKind
	Value   string
	// Ellipsis is `...`.
	Ellipsis bool
}

// LiteralKind is the kind of a literal value in an annotation.
type LiteralKind uint8

const (
	NotLiteral  LiteralKind = iota
	LiteralNone             // None
	LiteralBool             // True or False
	LiteralInt              // an integer, in any base, possibly negative
	LiteralStr              // a string, adjacent literals concatenated
)
