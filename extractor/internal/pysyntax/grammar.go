package pysyntax

import (
	"sort"

	"github.com/flowplan/flowplan/extractor/diag"
)

// grammarChecker finds what tree-sitter-python accepts and CPython's grammar
// refuses, which CPython reports when it compiles the file:
//   - a starred expression (`*x`, `**x`) anywhere but where it unpacks: an
//     element of a list, tuple or set display or of a subscript tuple, a call
//     argument (handled by the converter), a `**` entry of a dict display,
//     and assignment and for targets ("can't use starred expression here");
//   - a statement that runs on past the end of its logical line (`x = a %`
//     then `0` on the next line, which tree-sitter joins into one).

type grammarChecker struct {
	c        *converter
	lineEnds []int32 // sorted offsets of the newlines ending logical lines
}

// oneLine refuses a simple statement or a compound statement's header
// part that spans the end of a logical line.
func (s grammarChecker) oneLine(n Node) {
	if n == nil {
		return
	}
	sp := n.span()
	i := sort.Search(len(s.lineEnds), func(i int) bool { return s.lineEnds[i] >= sp.Start })
	if i < len(s.lineEnds) && s.lineEnds[i] < sp.End {
		s.c.diags.Add(diag.Errorf(s.c.f.Pos(s.lineEnds[i]), s.c.f.Src[sp.Start:sp.End], "syntax error: invalid syntax: the statement ends at this line break (CPython ends a logical line at a newline outside brackets)"))
	}
}

func (s grammarChecker) bad(e *Starred) {
	if e.Double {
		s.c.errorfAt(e.Span, "syntax error: '**' unpacking is only allowed in a call or a dict display")
		return
	}
	s.c.errorfAt(e.Span, "syntax error: can't use starred expression here")
}

// stmts checks a block.
func (s grammarChecker) stmts(list []Stmt) {
	for _, st := range list {
		s.stmt(st)
	}
}

func (s grammarChecker) stmt(st Stmt) {
	switch x := st.(type) {
	case *AssignStmt, *AugAssignStmt, *ExprStmt, *DelStmt, *ReturnStmt, *RaiseStmt, *AssertStmt, *ImportStmt, *FromImportStmt, *GlobalStmt:
		s.oneLine(st)
	case *IfStmt:
		s.oneLine(x.Cond)
	case *WhileStmt:
		s.oneLine(x.Cond)
	case *ForStmt:
		s.oneLine(x.Target)
		s.oneLine(x.Iter)
	case *WithStmt:
		for _, it := range x.Items {
			s.oneLine(it.Value)
			s.oneLine(it.Target)
		}
	case *DefStmt:
		for _, d := range x.Decorators {
			s.oneLine(d)
		}
		for i := range x.Params {
			s.oneLine(&x.Params[i])
		}
		s.oneLine(x.Returns)
	case *ClassStmt:
		for _, d := range x.Decorators {
			s.oneLine(d)
		}
		for i := range x.Bases {
			s.oneLine(&x.Bases[i])
		}
	case *TryStmt:
		for _, h := range x.Handlers {
			s.oneLine(h.Type)
		}
	}
	switch x := st.(type) {
	case *AssignStmt:
		if x.Annotation != nil && len(x.Targets) == 1 {
			switch x.Targets[0].(type) {
			case *Ident, *AttrExpr, *IndexExpr:
			default:
				s.c.errorfAt(x.Targets[0].span(), "syntax error: only single target (not tuple) can be annotated")
			}
		}
		for _, t := range x.Targets {
			s.target(t)
		}
		s.value(x.Value)
		s.expr(x.Annotation)
	case *AugAssignStmt:
		switch x.Target.(type) {
		case *Ident, *AttrExpr, *IndexExpr:
		default:
			s.c.errorfAt(x.Target.span(), "syntax error: illegal expression for augmented assignment")
		}
		s.expr(x.Target)
		s.expr(x.Value)
	case *ExprStmt:
		s.value(x.X)
	case *DefStmt:
		for _, d := range x.Decorators {
			s.expr(d)
		}
		for _, p := range x.Params {
			s.expr(p.Annotation)
			s.expr(p.Default)
		}
		s.expr(x.Returns)
	case *ClassStmt:
		for _, d := range x.Decorators {
			s.expr(d)
		}
		for _, b := range x.Bases {
			s.expr(b.Value)
		}
		s.stmts(x.Body)
	case *IfStmt:
		s.expr(x.Cond)
		s.stmts(x.Then)
		s.stmts(x.Else)
	case *TryStmt:
		s.stmts(x.Body)
		for _, h := range x.Handlers {
			s.expr(h.Type)
			s.stmts(h.Body)
		}
		s.stmts(x.Else)
		s.stmts(x.Finally)
	case *ForStmt:
		s.target(x.Target)
		s.value(x.Iter)
		s.stmts(x.Body)
		s.stmts(x.Else)
	case *WhileStmt:
		s.expr(x.Cond)
		s.stmts(x.Body)
		s.stmts(x.Else)
	case *WithStmt:
		for _, it := range x.Items {
			s.expr(it.Value)
			s.target(it.Target)
		}
		s.stmts(x.Body)
	case *DelStmt:
		for _, t := range x.Targets {
			s.expr(t)
		}
	case *ReturnStmt:
		s.value(x.Value)
	case *RaiseStmt:
		s.expr(x.Exc)
		s.expr(x.Cause)
	case *AssertStmt:
		s.expr(x.Cond)
		s.expr(x.Msg)
	}
}

// value checks an expression that may be a bare tuple display, whose
// elements may be starred (`x = *a, *b`); a lone `*a` may not.
func (s grammarChecker) value(e Expr) {
	s.expr(e)
}

// target checks an assignment or for target: starred names are allowed
// inside a tuple or list target.
func (s grammarChecker) target(e Expr) {
	switch x := e.(type) {
	case *TupleExpr:
		for _, el := range x.Elems {
			s.targetElem(el)
		}
	case *ListExpr:
		for _, el := range x.Elems {
			s.targetElem(el)
		}
	case nil, *Ident, *AttrExpr, *IndexExpr:
		s.expr(e)
	default:
		s.c.errorfAt(e.span(), "syntax error: cannot assign to %s", describeTarget(e))
	}
}

func describeTarget(e Expr) string {
	switch e.(type) {
	case *CallExpr:
		return "function call"
	case *StrLit, *IntLit, *FloatLit, *ImagLit, *Const, *FString:
		return "literal"
	case *Comprehension:
		return "comprehension"
	case *Starred:
		return "starred expression outside a tuple or list"
	}
	return "expression"
}

func (s grammarChecker) targetElem(e Expr) {
	if st, ok := e.(*Starred); ok && !st.Double {
		s.target(st.X)
		return
	}
	s.target(e)
}

// elems checks the elements of a display, where `*x` unpacks.
func (s grammarChecker) elems(list []Expr) {
	for _, el := range list {
		if st, ok := el.(*Starred); ok && !st.Double {
			s.expr(st.X)
			continue
		}
		s.expr(el)
	}
}

// expr checks an expression in a place where a starred expression is not
// allowed at its top.
func (s grammarChecker) expr(e Expr) {
	switch x := e.(type) {
	case nil:
	case *Starred:
		s.bad(x)
		s.expr(x.X)
	case *ListExpr:
		s.elems(x.Elems)
	case *TupleExpr:
		s.elems(x.Elems)
	case *SetExpr:
		s.elems(x.Elems)
	case *DictExpr:
		for _, en := range x.Entries {
			s.expr(en.Key)
			s.expr(en.Value)
		}
	case *UnaryExpr:
		s.expr(x.X)
	case *BinaryExpr:
		s.expr(x.X)
		s.expr(x.Y)
	case *BoolExpr:
		s.expr(x.X)
		s.expr(x.Y)
	case *CompareExpr:
		for _, o := range x.Operands {
			s.expr(o)
		}
	case *CondExpr:
		s.expr(x.Cond)
		s.expr(x.Then)
		s.expr(x.Else)
	case *CallExpr:
		s.expr(x.Fn)
		for _, a := range x.Args {
			s.expr(a.Value)
		}
	case *AttrExpr:
		s.expr(x.X)
	case *IndexExpr:
		s.expr(x.X)
		if t, ok := x.Index.(*TupleExpr); ok {
			s.elems(t.Elems) // a[*b] and a[1, *b] unpack (Python 3.11)
		} else if st, ok := x.Index.(*Starred); ok && !st.Double {
			s.expr(st.X)
		} else {
			s.expr(x.Index)
		}
	case *SliceExpr:
		s.expr(x.Lo)
		s.expr(x.Hi)
		s.expr(x.Step)
	case *Comprehension:
		s.expr(x.Key)
		s.expr(x.Body)
		for _, cl := range x.Clauses {
			s.target(cl.Target)
			s.expr(cl.Iter)
			s.expr(cl.If)
		}
	case *NamedExpr:
		s.expr(x.Value)
	case *FString:
		for _, p := range x.Parts {
			if p.Field != nil {
				s.expr(p.Field.X)
				if p.Field.Spec != nil {
					s.expr(p.Field.Spec)
				}
			}
		}
	}
}
