package eval

import (
	"context"
	"fmt"
	"math/big"

	"github.com/flowplan/flowplan/extractor/internal/pysyntax"
	"github.com/flowplan/flowplan/extractor/internal/value"
	"github.com/flowplan/flowplan/extractor/spec"
)

// typeExpr reads a flow parameter's annotation, as the parser gave it, as
// the type expression the planner computes Prefect's parameter schema
// from: names (dotted), subscripts, X | Y unions, the literals Literal[...]
// holds, None and `...`. why says what else it met.
func typeExpr(e pysyntax.Expr) (t spec.TypeExpr, why string) {
	switch x := e.(type) {
	case *pysyntax.Ident:
		return spec.TypeExpr{Name: x.Name}, ""
	case *pysyntax.AttrExpr:
		name, ok := dottedName(x)
		if !ok {
			return t, "an attribute of something other than a name"
		}
		return spec.TypeExpr{Name: name}, ""
	case *pysyntax.IndexExpr:
		head, why := typeExpr(x.X)
		if why != "" {
			return t, why
		}
		if head.Name == "" {
			return t, "a subscript of something other than a name"
		}
		elems := []pysyntax.Expr{x.Index}
		if tup, ok := x.Index.(*pysyntax.TupleExpr); ok {
			elems = tup.Elems
		}
		for _, a := range elems {
			arg, why := typeExpr(a)
			if why != "" {
				return t, why
			}
			head.Args = append(head.Args, arg)
		}
		return head, ""
	case *pysyntax.BinaryExpr:
		if x.Op != "|" {
			return t, fmt.Sprintf("the operator %s", x.Op)
		}
		l, why := typeExpr(x.X)
		if why != "" {
			return t, why
		}
		r, why := typeExpr(x.Y)
		if why != "" {
			return t, why
		}
		// X | Y | Z is (X | Y) | Z: one union of its members.
		members := []spec.TypeExpr{l}
		if l.Union != nil {
			members = l.Union
		}
		return spec.TypeExpr{Union: append(members, r)}, ""
	case *pysyntax.Const:
		switch x.Name {
		case "None":
			return spec.TypeExpr{Literal: spec.LiteralNone}, ""
		case "True", "False":
			return spec.TypeExpr{Literal: spec.LiteralBool, Value: x.Name}, ""
		case "Ellipsis":
			return spec.TypeExpr{Ellipsis: true}, ""
		}
	case *pysyntax.IntLit:
		return spec.TypeExpr{Literal: spec.LiteralInt, Value: x.Value.String()}, ""
	case *pysyntax.UnaryExpr:
		if n, ok := x.X.(*pysyntax.IntLit); ok && x.Op == "-" {
			return spec.TypeExpr{Literal: spec.LiteralInt, Value: new(big.Int).Neg(n.Value).String()}, ""
		}
	case *pysyntax.StrLit:
		if x.Bytes {
			return t, "a bytes literal"
		}
		return spec.TypeExpr{Literal: spec.LiteralStr, Value: x.Value}, ""
	}
	return t, "an expression that is not a type"
}

// dottedName is a.b.c for attribute accesses on a name.
func dottedName(e pysyntax.Expr) (string, bool) {
	switch x := e.(type) {
	case *pysyntax.Ident:
		return x.Name, true
	case *pysyntax.AttrExpr:
		base, ok := dottedName(x.X)
		return base + "." + x.Name, ok
	}
	return "", false
}

// flowParamTypes gives each parameter of a flow function its annotation's
// type expression, or why it has none that the planner can read.
func flowParamTypes(st *pysyntax.DefStmt, params []value.Param) []value.Param {
	out := append([]value.Param(nil), params...)
	for i := range out {
		if st == nil || i >= len(st.Params) || st.Params[i].Annotation == nil {
			if out[i].Annotation != "" {
				out[i].TypeError = "the annotation's syntax tree is not known"
			}
			continue
		}
		t, why := typeExpr(st.Params[i].Annotation)
		if why != "" {
			out[i].TypeError = why
			continue
		}
		out[i].Type = &t
	}
	return out
}

// ReadAnnotation reads annotation source text as the extractor reads a
// flow parameter's annotation: parsed as Python, then as a type
// expression. It serves specs built by hand (the planner's tests), so that
// they hold what the extractor would lift.
func ReadAnnotation(src string) (*spec.TypeExpr, string) {
	if src == "" {
		return nil, ""
	}
	in := New(Options{})
	f, diags, err := in.parse(context.Background(), "annotation.py", []byte("def f(x: "+src+"): pass\n"))
	if err != nil {
		return nil, err.Error()
	}
	if len(diags) > 0 || len(f.Stmts) != 1 {
		return nil, "not a Python annotation"
	}
	def, ok := f.Stmts[0].(*pysyntax.DefStmt)
	if !ok || len(def.Params) != 1 || def.Params[0].Annotation == nil {
		return nil, "not a Python annotation"
	}
	t, why := typeExpr(def.Params[0].Annotation)
	if why != "" {
		return nil, why
	}
	return &t, ""
}
