// Package pysyntax parses Python source with tree-sitter-python and turns it
// into a small typed syntax tree with positions. It keeps what a static
// evaluator of module-level code needs: every statement kind at module and
// class level, full expressions, decoded string literals and f-strings, and
// the signatures (not the bodies) of functions.
package pysyntax

import (
	"math/big"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/flowplan/flowplan/extractor/diag"
)

// Span is the byte range [Start, End) of a node in its file's source.
type Span struct{ Start, End int32 }

// Node is any syntax tree node.
type Node interface {
	span() Span
}

func (s Span) span() Span { return s }

// SpanOf returns the byte range of n.
func SpanOf(n Node) Span { return n.span() }

// File is a parsed source file.
type File struct {
	Path  string // display path, used in positions
	Src   string // the source text
	Stmts []Stmt
	lines []int32 // byte offset of the start of each line
}

// Pos converts a byte offset into a 1-based line and character column.
func (f *File) Pos(off int32) diag.Pos {
	i := sort.Search(len(f.lines), func(i int) bool { return f.lines[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	start := f.lines[i]
	if off > int32(len(f.Src)) {
		off = int32(len(f.Src))
	}
	col := 1
	seg := f.Src[start:off]
	ascii := true
	for j := 0; j < len(seg); j++ {
		if seg[j] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		col += len(seg)
	} else {
		col += utf8.RuneCountInString(seg)
	}
	return diag.Pos{File: f.Path, Line: i + 1, Col: col}
}

// PosOf is the position of the start of n.
func (f *File) PosOf(n Node) diag.Pos { return f.Pos(n.span().Start) }

// Text is the source text of n.
func (f *File) Text(n Node) string {
	s := n.span()
	return f.Src[s.Start:s.End]
}

// Errorf builds an error diagnostic positioned at n and showing its source.
func (f *File) Errorf(n Node, format string, args ...any) *diag.Diagnostic {
	return diag.Errorf(f.PosOf(n), f.Text(n), format, args...)
}

func lineStarts(src string) []int32 {
	lines := make([]int32, 1, strings.Count(src, "\n")+1)
	for i := 0; ; {
		j := strings.IndexByte(src[i:], '\n')
		if j < 0 {
			return lines
		}
		i += j + 1
		lines = append(lines, int32(i))
	}
}

// ---- statements ----

// Stmt is a statement.
type Stmt interface {
	Node
	stmt()
}

// AssignStmt is `a = b = value`, `x: T = value` or `x: T` (Value nil).
type AssignStmt struct {
	Span
	Targets    []Expr
	Value      Expr // nil for a bare annotation
	Annotation Expr // nil unless annotated
}

// AugAssignStmt is `target op= value`; Op is the binary operator ("+", "//", ...).
type AugAssignStmt struct {
	Span
	Target Expr
	Op     string
	Value  Expr
}

// ImportName is one `dotted.name [as alias]` of an import.
type ImportName struct {
	Span
	Name  string // dotted name as written
	Alias string // "" when there is no `as`
}

// ImportStmt is `import a.b as c, d`.
type ImportStmt struct {
	Span
	Names []ImportName
}

// FromImportStmt is `from [.. ]module import a as b, c` or `import *`.
type FromImportStmt struct {
	Span
	Level  int    // number of leading dots
	Module string // dotted module name, "" for `from . import x`
	Names  []ImportName
	Star   bool
}

// Param is one parameter of a function definition.
type Param struct {
	Span
	Name       string
	Kind       string // positional_or_keyword, positional_only, keyword_only, var_positional, var_keyword
	Annotation Expr   // nil when absent
	Default    Expr   // nil when absent
}

// DefStmt is a function definition. Its body is not converted: only its
// docstring and the names it declares global are kept.
type DefStmt struct {
	Span
	Name       string
	NameSpan   Span
	Async      bool
	Decorators []Expr
	Params     []Param
	Returns    Expr
	// Docstring is the decoded first statement of the body when it is a
	// plain string literal.
	Docstring *string
	// Globals lists names a `global` statement anywhere in the body declares.
	Globals []string
	// BodyStmts is the number of statements in the body.
	BodyStmts int
	// Body holds the statements when the file was parsed with ParseFull
	// (Full is set then); a plain Parse leaves it out.
	Body []Stmt
	Full bool
}

// ClassStmt is a class definition.
type ClassStmt struct {
	Span
	Name       string
	Decorators []Expr
	Bases      []Arg
	Body       []Stmt
	Docstring  *string
}

// IfStmt is `if cond: Then else: Else`; an elif is an IfStmt alone in Else.
type IfStmt struct {
	Span
	Cond Expr
	Then []Stmt
	Else []Stmt
}

// ExceptClause is one `except T as name:` handler.
type ExceptClause struct {
	Span
	Type Expr   // nil for a bare except
	Name string // "" without `as`
	Body []Stmt
}

// TryStmt is try/except/else/finally.
type TryStmt struct {
	Span
	Body     []Stmt
	Handlers []ExceptClause
	Else     []Stmt
	Finally  []Stmt
}

// ForStmt is a for loop.
type ForStmt struct {
	Span
	Async  bool
	Target Expr
	Iter   Expr
	Body   []Stmt
	Else   []Stmt
}

// WhileStmt is a while loop.
type WhileStmt struct {
	Span
	Cond Expr
	Body []Stmt
	Else []Stmt
}

// WithItem is one `value as target` of a with statement.
type WithItem struct {
	Value  Expr
	Target Expr // nil without `as`
}

// WithStmt is a with statement.
type WithStmt struct {
	Span
	Async bool
	Items []WithItem
	Body  []Stmt
}

// ExprStmt is an expression used as a statement.
type ExprStmt struct {
	Span
	X Expr
}

// DelStmt is `del a, b[c]`.
type DelStmt struct {
	Span
	Targets []Expr
}

// GlobalStmt is `global a, b` (Nonlocal for `nonlocal`).
type GlobalStmt struct {
	Span
	Nonlocal bool
	Names    []string
}

// ReturnStmt is `return [value]`.
type ReturnStmt struct {
	Span
	Value Expr
}

// RaiseStmt is `raise [exc [from cause]]`.
type RaiseStmt struct {
	Span
	Exc   Expr
	Cause Expr
}

// AssertStmt is `assert cond[, msg]`.
type AssertStmt struct {
	Span
	Cond Expr
	Msg  Expr
}

// SimpleStmt is pass, break or continue (Keyword says which).
type SimpleStmt struct {
	Span
	Keyword string
}

// OtherStmt is a statement the evaluator treats as opaque (match, type alias).
type OtherStmt struct {
	Span
	Kind string
	// Binds lists the names it may bind, when known.
	Binds []string
}

func (*AssignStmt) stmt()     {}
func (*AugAssignStmt) stmt()  {}
func (*ImportStmt) stmt()     {}
func (*FromImportStmt) stmt() {}
func (*DefStmt) stmt()        {}
func (*ClassStmt) stmt()      {}
func (*IfStmt) stmt()         {}
func (*TryStmt) stmt()        {}
func (*ForStmt) stmt()        {}
func (*WhileStmt) stmt()      {}
func (*WithStmt) stmt()       {}
func (*ExprStmt) stmt()       {}
func (*DelStmt) stmt()        {}
func (*GlobalStmt) stmt()     {}
func (*ReturnStmt) stmt()     {}
func (*RaiseStmt) stmt()      {}
func (*AssertStmt) stmt()     {}
func (*SimpleStmt) stmt()     {}
func (*OtherStmt) stmt()      {}

// ---- expressions ----

// Expr is an expression.
type Expr interface {
	Node
	expr()
}

// Ident is a name.
type Ident struct {
	Span
	Name string
}

// IntLit is an integer literal.
type IntLit struct {
	Span
	Value *big.Int
}

// FloatLit is a float literal.
type FloatLit struct {
	Span
	Value float64
}

// ImagLit is an imaginary literal such as 2j.
type ImagLit struct {
	Span
}

// StrLit is a string or bytes literal (implicit concatenation folded).
type StrLit struct {
	Span
	Value string
	Bytes bool
}

// FString is an f-string, possibly concatenated with plain strings. Parts
// alternate freely between literal text and replacement fields.
type FString struct {
	Span
	Parts []FStringPart
}

// FStringPart is literal text (Field nil) or a replacement field.
type FStringPart struct {
	Lit   string
	Field *FField
}

// FField is one `{expr!conv:spec}` of an f-string.
type FField struct {
	Span
	X Expr
	// Debug holds the `expr=` text Python prints before the value for
	// self-documenting fields, "" otherwise.
	Debug string
	Conv  byte     // 0, 'r', 's' or 'a'
	Spec  *FString // nil without a format spec
}

// Const is True, False, None or ... (Ellipsis); Name says which.
type Const struct {
	Span
	Name string
}

// ListExpr is a list display.
type ListExpr struct {
	Span
	Elems []Expr
}

// TupleExpr is a tuple display (parenthesized or bare).
type TupleExpr struct {
	Span
	Elems []Expr
}

// SetExpr is a set display.
type SetExpr struct {
	Span
	Elems []Expr
}

// DictEntry is `key: value`, or `**value` when Key is nil.
type DictEntry struct {
	Key   Expr
	Value Expr
}

// DictExpr is a dict display.
type DictExpr struct {
	Span
	Entries []DictEntry
}

// Starred is `*x` in a display or call, or `**x` in a call (Double).
type Starred struct {
	Span
	X      Expr
	Double bool
}

// UnaryExpr is `-x`, `+x`, `~x` or `not x`.
type UnaryExpr struct {
	Span
	Op string
	X  Expr
}

// BinaryExpr is `x op y` for an arithmetic or bitwise operator.
type BinaryExpr struct {
	Span
	Op   string
	X, Y Expr
}

// BoolExpr is `x and y` or `x or y`.
type BoolExpr struct {
	Span
	Op   string
	X, Y Expr
}

// CompareExpr is a possibly chained comparison: Operands[0] Ops[0] Operands[1] ...
type CompareExpr struct {
	Span
	Ops      []string // "<", "==", "in", "not in", "is", "is not", ...
	Operands []Expr
}

// CondExpr is `then if cond else else_`.
type CondExpr struct {
	Span
	Cond, Then, Else Expr
}

// Arg is one argument of a call: positional (Name ""), keyword, *x or **x.
type Arg struct {
	Span
	Name  string
	Star  int // 0, 1 for *x, 2 for **x
	Value Expr
}

// CallExpr is a call.
type CallExpr struct {
	Span
	Fn   Expr
	Args []Arg
}

// AttrExpr is `x.name`.
type AttrExpr struct {
	Span
	X    Expr
	Name string
}

// IndexExpr is `x[index]`; several comma-separated subscripts form a TupleExpr.
type IndexExpr struct {
	Span
	X     Expr
	Index Expr
}

// SliceExpr is `lo:hi:step` inside a subscript; absent parts are nil.
type SliceExpr struct {
	Span
	Lo, Hi, Step Expr
}

// CompClause is one `for target in iter` (If nil) or `if cond` (Target nil).
type CompClause struct {
	Target Expr
	Iter   Expr
	If     Expr
	Async  bool
}

// Comprehension is a list, set, dict comprehension or generator expression
// (Kind "list", "set", "dict", "gen"). For dicts Key is set.
type Comprehension struct {
	Span
	Kind    string
	Key     Expr
	Body    Expr
	Clauses []CompClause
}

// LambdaExpr is a lambda. Its parameters and body are converted by
// ParseFull only.
type LambdaExpr struct {
	Span
	Params []Param
	Body   Expr
}

// NamedExpr is `name := value`.
type NamedExpr struct {
	Span
	Name  string
	Value Expr
}

// OtherExpr is an expression the evaluator cannot evaluate (await, yield, ...).
type OtherExpr struct {
	Span
	Kind string
}

func (*Ident) expr()         {}
func (*IntLit) expr()        {}
func (*FloatLit) expr()      {}
func (*ImagLit) expr()       {}
func (*StrLit) expr()        {}
func (*FString) expr()       {}
func (*Const) expr()         {}
func (*ListExpr) expr()      {}
func (*TupleExpr) expr()     {}
func (*SetExpr) expr()       {}
func (*DictExpr) expr()      {}
func (*Starred) expr()       {}
func (*UnaryExpr) expr()     {}
func (*BinaryExpr) expr()    {}
func (*BoolExpr) expr()      {}
func (*CompareExpr) expr()   {}
func (*CondExpr) expr()      {}
func (*CallExpr) expr()      {}
func (*AttrExpr) expr()      {}
func (*IndexExpr) expr()     {}
func (*SliceExpr) expr()     {}
func (*Comprehension) expr() {}
func (*LambdaExpr) expr()    {}
func (*NamedExpr) expr()     {}
func (*OtherExpr) expr()     {}
