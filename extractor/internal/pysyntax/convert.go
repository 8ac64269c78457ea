package pysyntax

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/flowplan/flowplan/extractor/diag"
)

// tnode is a node of the flat syntax tree with the facts conversion reads.
type tnode struct {
	start, end int32
	kind       uint16
	field      uint16
	idx        int32 // index in converter.nodes
}

func (t tnode) sp() Span { return Span{t.start, t.end} }

type converter struct {
	p     *Parser
	f     *File
	nodes []flatNode // the parse's tree, in native memory: read only during conversion
	slab  []tnode    // see alloc
	diags diag.List
	full  bool // convert function and lambda bodies too (ParseFull)
}

func (c *converter) node(i int32) tnode {
	n := &c.nodes[i]
	return tnode{start: int32(n.start), end: int32(n.end), kind: n.kind, field: n.field, idx: i}
}

// children lists the named children of t (comments and punctuation
// dropped, unless all is set).
func (c *converter) children(t tnode, all bool) []tnode {
	k := &c.p.k
	keep := func(n *flatNode) bool {
		return n.kind != k.comment && n.kind != k.lineContinuation && (all || int(n.kind) >= len(k.named) || k.named[n.kind])
	}
	if c.nodes[t.idx].flags&flagPruned != 0 {
		// The parse left these out because conversion never reads
		// them (see PSPrune): reading one is a bug here.
		panic(fmt.Sprintf("pysyntax: the children of a pruned %s at byte %d were read", c.p.lang.NodeKindForId(t.kind), t.start))
	}
	end := c.nodes[t.idx].next
	kept := 0
	for i := uint32(t.idx) + 1; i < end; i = c.nodes[i].next {
		if keep(&c.nodes[i]) {
			kept++
		}
	}
	out := c.alloc(kept)[:0]
	for i := uint32(t.idx) + 1; i < end; i = c.nodes[i].next {
		if keep(&c.nodes[i]) {
			out = append(out, c.node(int32(i)))
		}
	}
	return out
}

// alloc returns room for n nodes, carved from a slab shared by the child
// lists: no allocation per list. The capacity is exactly n, so appending
// to a list copies it instead of writing over its neighbour. The lists
// live only while a file is converted, so the Parser keeps the slab for
// the next file.
func (c *converter) alloc(n int) []tnode {
	if n > cap(c.slab)-len(c.slab) {
		c.slab = make([]tnode, 0, max(n, 1024))
	}
	start := len(c.slab)
	c.slab = c.slab[:start+n]
	return c.slab[start : start+n : start+n]
}

func field(ch []tnode, id uint16) (tnode, bool) {
	for _, t := range ch {
		if t.field == id {
			return t, true
		}
	}
	return tnode{}, false
}

func (c *converter) text(t tnode) string { return c.f.Src[t.start:t.end] }

func (c *converter) errorf(t tnode, format string, args ...any) {
	c.diags.Add(diag.Errorf(c.f.Pos(t.start), c.text(t), format, args...))
}

// errorfAt reports a syntax error at a converted node's span.
func (c *converter) errorfAt(sp Span, format string, args ...any) {
	c.diags.Add(diag.Errorf(c.f.Pos(sp.Start), c.f.Src[sp.Start:sp.End], format, args...))
}

// syntaxErrors reports every ERROR and MISSING node under root.
func (c *converter) syntaxErrors(root tnode) {
	var walk func(t tnode, depth int)
	walk = func(t tnode, depth int) {
		if len(c.diags) >= 20 || depth > 2*maxDepth {
			return
		}
		flags := c.nodes[t.idx].flags
		if flags&flagMissing != 0 {
			c.diags.Add(diag.Errorf(c.f.Pos(t.start), "", "syntax error: missing %q", c.p.lang.NodeKindForId(t.kind)))
			return
		}
		if flags&flagError != 0 {
			c.diags.Add(diag.Errorf(c.f.Pos(t.start), c.text(t), "syntax error: invalid syntax"))
			return
		}
		if flags&flagHasError == 0 {
			return
		}
		for _, ch := range c.children(t, true) {
			walk(ch, depth+1)
		}
	}
	walk(root, 0)
	if len(c.diags) == 0 {
		c.diags.Add(diag.Errorf(c.f.Pos(0), "", "syntax error"))
	}
	if line, cols := deepIndent(c.f.Src); line > 0 {
		c.diags.Add(diag.Errorf(diag.Pos{File: c.f.Path, Line: line, Col: 1}, "",
			"this line is indented %d columns; tree-sitter-python, the parser flowplan uses, cannot read indentation of %d columns or more (CPython can), so the syntax errors reported for this file may not be real: indent less deeply",
			cols, maxIndentColumns))
	}
}

// maxIndentColumns is where tree-sitter-python's scanner, which keeps each
// indentation level in a byte, stops reading indentation correctly.
const maxIndentColumns = 256

// deepIndent finds the first line (1-based) indented by maxIndentColumns
// or more, measured as CPython's tokenizer does (a tab moves to the next
// multiple of 8, a form feed back to 0), and its indentation. Blank and
// comment-only lines are not indentation. It returns 0 when there is none.
func deepIndent(src string) (line, cols int) {
	line = 1
	for start := 0; start < len(src); line++ {
		end := strings.IndexByte(src[start:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += start
		}
		col, i := 0, start
	indent:
		for ; i < end; i++ {
			switch src[i] {
			case ' ':
				col++
			case '\t':
				col = (col/8 + 1) * 8
			case '\f':
				col = 0
			default:
				break indent
			}
		}
		if col >= maxIndentColumns && i < end && src[i] != '#' && src[i] != '\r' {
			return line, col
		}
		start = end + 1
	}
	return 0, 0
}

func (c *converter) tooDeep(t tnode, depth int) bool {
	if depth > c.p.limit {
		c.errorf(t, "nesting deeper than %d levels is not supported", c.p.limit)
		return true
	}
	return false
}

// ---- statements ----

func (c *converter) block(n tnode, depth int) []Stmt {
	ch := c.children(n, false)
	out := make([]Stmt, 0, len(ch))
	for _, t := range ch {
		if s := c.stmt(t, depth+1); s != nil {
			out = append(out, s)
		}
	}
	// tree-sitter accepts a compound statement whose body is missing at
	// the end of a file (`if x:`); CPython does not. A module may be empty.
	if len(out) == 0 && depth > 0 && len(c.diags) == 0 {
		c.errorf(n, "syntax error: expected an indented block (IndentationError)")
	}
	return out
}

func (c *converter) blockField(ch []tnode, id uint16, depth int) []Stmt {
	if b, ok := field(ch, id); ok {
		return c.block(b, depth)
	}
	return nil
}

func (c *converter) firstOfKind(ch []tnode, kind uint16) (tnode, bool) {
	for _, t := range ch {
		if t.kind == kind {
			return t, true
		}
	}
	return tnode{}, false
}

func (c *converter) stmt(t tnode, depth int) Stmt {
	if c.tooDeep(t, depth) {
		return nil
	}
	k := &c.p.k
	sp := t.sp()
	switch t.kind {
	case k.exprStmt:
		ch := c.children(t, false)
		if len(ch) == 1 {
			switch ch[0].kind {
			case k.assignment:
				return c.assign(ch[0], depth)
			case k.augAssignment:
				return c.augAssign(ch[0], depth)
			}
			return &ExprStmt{Span: sp, X: c.expr(ch[0], depth)}
		}
		return &ExprStmt{Span: sp, X: &TupleExpr{Span: sp, Elems: c.exprs(ch, depth)}}
	case k.importStmt:
		return &ImportStmt{Span: sp, Names: c.importNames(c.children(t, false))}
	case k.importFrom:
		return c.fromImport(t)
	case k.futureImport:
		s := &FromImportStmt{Span: sp, Module: "__future__"}
		s.Names = c.importNames(c.children(t, false))
		return s
	case k.funcDef:
		return c.def(t, nil, depth)
	case k.classDef:
		return c.class(t, nil, depth)
	case k.decoratedDef:
		return c.decorated(t, depth)
	case k.ifStmt:
		return c.ifStmt(t, depth)
	case k.tryStmt:
		return c.try(t, depth)
	case k.forStmt:
		ch := c.children(t, true)
		s := &ForStmt{Span: sp}
		for _, x := range ch {
			switch {
			case x.kind == k.keywordAsync:
				s.Async = true
			case x.field == c.p.f.left:
				s.Target = c.expr(x, depth)
			case x.field == c.p.f.right:
				s.Iter = c.expr(x, depth)
			case x.field == c.p.f.body:
				s.Body = c.block(x, depth)
			case x.field == c.p.f.alternative:
				s.Else = c.elseBody(x, depth)
			}
		}
		return s
	case k.whileStmt:
		ch := c.children(t, false)
		s := &WhileStmt{Span: sp, Body: c.blockField(ch, c.p.f.body, depth)}
		if x, ok := field(ch, c.p.f.condition); ok {
			s.Cond = c.expr(x, depth)
		}
		if x, ok := field(ch, c.p.f.alternative); ok {
			s.Else = c.elseBody(x, depth)
		}
		return s
	case k.withStmt:
		return c.with(t, depth)
	case k.deleteStmt:
		ch := c.children(t, false)
		var targets []Expr
		for _, x := range ch {
			if x.kind == k.exprList {
				targets = append(targets, c.exprs(c.children(x, false), depth)...)
			} else {
				targets = append(targets, c.expr(x, depth))
			}
		}
		return &DelStmt{Span: sp, Targets: targets}
	case k.globalStmt, k.nonlocalStmt:
		s := &GlobalStmt{Span: sp, Nonlocal: t.kind == k.nonlocalStmt}
		for _, x := range c.children(t, false) {
			s.Names = append(s.Names, c.text(x))
		}
		return s
	case k.passStmt:
		return &SimpleStmt{Span: sp, Keyword: "pass"}
	case k.breakStmt:
		return &SimpleStmt{Span: sp, Keyword: "break"}
	case k.continueStmt:
		return &SimpleStmt{Span: sp, Keyword: "continue"}
	case k.returnStmt:
		s := &ReturnStmt{Span: sp}
		if ch := c.children(t, false); len(ch) > 0 {
			s.Value = c.expr(ch[0], depth)
		}
		return s
	case k.raiseStmt:
		s := &RaiseStmt{Span: sp}
		for _, x := range c.children(t, false) {
			if x.field == c.p.f.cause {
				s.Cause = c.expr(x, depth)
			} else if s.Exc == nil {
				s.Exc = c.expr(x, depth)
			}
		}
		return s
	case k.assertStmt:
		ch := c.exprs(c.children(t, false), depth)
		s := &AssertStmt{Span: sp}
		if len(ch) > 0 {
			s.Cond = ch[0]
		}
		if len(ch) > 1 {
			s.Msg = ch[1]
		}
		return s
	case k.matchStmt:
		return &OtherStmt{Span: sp, Kind: "match"}
	case k.typeAliasStmt:
		s := &OtherStmt{Span: sp, Kind: "type alias"}
		if ch := c.children(t, false); len(ch) > 0 {
			name := c.text(ch[0])
			if i := strings.IndexByte(name, '['); i >= 0 {
				name = name[:i]
			}
			s.Binds = []string{strings.TrimSpace(name)}
		}
		return s
	case k.printStmt, k.execStmt:
		c.errorf(t, "syntax error: Python 2 %s statement", strings.TrimSuffix(c.p.lang.NodeKindForId(t.kind), "_statement"))
		return nil
	}
	c.errorf(t, "syntax error: unexpected %s", c.p.lang.NodeKindForId(t.kind))
	return nil
}

func (c *converter) elseBody(t tnode, depth int) []Stmt {
	ch := c.children(t, false)
	if b, ok := field(ch, c.p.f.body); ok {
		return c.block(b, depth)
	}
	if b, ok := c.firstOfKind(ch, c.p.k.block); ok {
		return c.block(b, depth)
	}
	return nil
}

func (c *converter) assign(t tnode, depth int) Stmt {
	s := &AssignStmt{Span: t.sp()}
	k := &c.p.k
	for {
		ch := c.children(t, false)
		var right tnode
		hasRight := false
		for _, x := range ch {
			switch x.field {
			case c.p.f.left:
				s.Targets = append(s.Targets, c.target(x, depth))
			case c.p.f.typ:
				s.Annotation = c.typeExpr(x, depth)
			case c.p.f.right:
				right, hasRight = x, true
			}
		}
		if !hasRight {
			return s
		}
		if right.kind == k.assignment {
			t = right
			continue
		}
		if right.kind == k.augAssignment {
			c.errorf(right, "syntax error: augmented assignment inside an assignment")
			return s
		}
		s.Value = c.expr(right, depth)
		return s
	}
}

// typeExpr converts an annotation: a `type` node around an expression, or
// the grammar's generic_type (X[A, B]), union_type, member_type forms.
func (c *converter) typeExpr(t tnode, depth int) Expr {
	k := &c.p.k
	depth++
	if c.tooDeep(t, depth) {
		return &OtherExpr{Span: t.sp(), Kind: "too deep"}
	}
	switch t.kind {
	case k.typeK:
		ch := c.children(t, false)
		if len(ch) == 1 {
			return c.typeExpr(ch[0], depth)
		}
		return &OtherExpr{Span: t.sp(), Kind: "type"}
	case k.genericType:
		ch := c.children(t, false)
		if len(ch) != 2 {
			return &OtherExpr{Span: t.sp(), Kind: "type"}
		}
		var params []Expr
		for _, p := range c.children(ch[1], false) {
			params = append(params, c.typeExpr(p, depth))
		}
		ie := &IndexExpr{Span: t.sp(), X: c.typeExpr(ch[0], depth)}
		if len(params) == 1 {
			ie.Index = params[0]
		} else {
			ie.Index = &TupleExpr{Span: ch[1].sp(), Elems: params}
		}
		return ie
	case k.unionType:
		ch := c.children(t, false)
		if len(ch) != 2 {
			return &OtherExpr{Span: t.sp(), Kind: "type"}
		}
		return &BinaryExpr{Span: t.sp(), Op: "|", X: c.typeExpr(ch[0], depth), Y: c.typeExpr(ch[1], depth)}
	case k.memberType:
		ch := c.children(t, false)
		if len(ch) != 2 {
			return &OtherExpr{Span: t.sp(), Kind: "type"}
		}
		return &AttrExpr{Span: t.sp(), X: c.typeExpr(ch[0], depth), Name: c.text(ch[1])}
	case k.constrainedType:
		// `T: bound` belongs to a type parameter list, never to an annotation.
		return c.bad(t, "syntax error: invalid syntax in an annotation")
	case k.splatType:
		return &OtherExpr{Span: t.sp(), Kind: "type"}
	}
	return c.expr(t, depth)
}

func (c *converter) target(t tnode, depth int) Expr {
	return c.expr(t, depth)
}

func (c *converter) augAssign(t tnode, depth int) Stmt {
	s := &AugAssignStmt{Span: t.sp()}
	for _, x := range c.children(t, true) {
		switch x.field {
		case c.p.f.left:
			s.Target = c.target(x, depth)
		case c.p.f.operator:
			s.Op = strings.TrimSuffix(c.text(x), "=")
		case c.p.f.right:
			s.Value = c.expr(x, depth)
		}
	}
	return s
}

func (c *converter) importNames(ch []tnode) []ImportName {
	k := &c.p.k
	var out []ImportName
	for _, x := range ch {
		switch x.kind {
		case k.dottedName:
			out = append(out, ImportName{Span: x.sp(), Name: dotted(c.text(x))})
		case k.aliasedImport:
			in := ImportName{Span: x.sp()}
			for _, y := range c.children(x, false) {
				switch y.field {
				case c.p.f.name:
					in.Name = dotted(c.text(y))
				case c.p.f.alias:
					in.Alias = c.text(y)
				}
			}
			out = append(out, in)
		}
	}
	return out
}

// dotted removes whitespace inside a dotted name ("a . b" is legal Python).
func dotted(s string) string {
	if !strings.ContainsAny(s, " \t\\\n\r") {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r != ' ' && r != '\t' && r != '\\' && r != '\n' && r != '\r' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (c *converter) fromImport(t tnode) Stmt {
	k := &c.p.k
	s := &FromImportStmt{Span: t.sp()}
	var names []tnode
	for _, x := range c.children(t, false) {
		switch {
		case x.field == c.p.f.moduleName && x.kind == k.dottedName:
			s.Module = dotted(c.text(x))
		case x.field == c.p.f.moduleName && x.kind == k.relativeImport:
			for _, y := range c.children(x, false) {
				if y.kind == k.importPrefix {
					s.Level = int(y.end - y.start)
				} else if y.kind == k.dottedName {
					s.Module = dotted(c.text(y))
				}
			}
		case x.kind == k.wildcardImport:
			s.Star = true
		case x.field == c.p.f.name:
			names = append(names, x)
		}
	}
	s.Names = c.importNames(names)
	return s
}

func (c *converter) decorated(t tnode, depth int) Stmt {
	k := &c.p.k
	var decos []Expr
	for _, x := range c.children(t, false) {
		switch {
		case x.kind == k.decorator:
			if ch := c.children(x, false); len(ch) > 0 {
				decos = append(decos, c.expr(ch[0], depth))
			}
		case x.kind == k.funcDef:
			s := c.def(x, decos, depth)
			s.Span = t.sp()
			return s
		case x.kind == k.classDef:
			s := c.class(x, decos, depth)
			s.Span = t.sp()
			return s
		}
	}
	c.errorf(t, "syntax error: decorator without a definition")
	return nil
}

func (c *converter) def(t tnode, decos []Expr, depth int) *DefStmt {
	k := &c.p.k
	s := &DefStmt{Span: t.sp(), Decorators: decos}
	for _, x := range c.children(t, true) {
		switch {
		case x.kind == k.keywordAsync:
			s.Async = true
		case x.field == c.p.f.name:
			s.Name, s.NameSpan = c.text(x), x.sp()
		case x.field == c.p.f.parameters:
			s.Params = c.params(x, depth)
		case x.field == c.p.f.returnType:
			s.Returns = c.typeExpr(x, depth)
		case x.field == c.p.f.body:
			c.defBody(s, x)
			if c.full {
				s.Body = c.block(x, depth)
				s.Full = true
			}
		}
	}
	return s
}

// defBody reads only what a function body tells statically: its docstring,
// its size and the names it declares global.
func (c *converter) defBody(s *DefStmt, body tnode) {
	ch := c.children(body, false)
	s.BodyStmts = len(ch)
	if len(ch) > 0 {
		s.Docstring = c.docstring(ch[0])
	}
	if strings.Contains(c.text(body), "global") {
		var walk func(t tnode, depth int)
		walk = func(t tnode, depth int) {
			if depth > 2*maxDepth {
				return
			}
			if t.kind == c.p.k.globalStmt {
				for _, x := range c.children(t, false) {
					s.Globals = append(s.Globals, c.text(x))
				}
				return
			}
			for _, x := range c.children(t, false) {
				walk(x, depth+1)
			}
		}
		walk(body, 0)
	}
}

func (c *converter) docstring(t tnode) *string {
	k := &c.p.k
	if t.kind != k.exprStmt {
		return nil
	}
	ch := c.children(t, false)
	if len(ch) != 1 || (ch[0].kind != k.str && ch[0].kind != k.concatStr) {
		return nil
	}
	e := c.expr(ch[0], 0)
	if lit, ok := e.(*StrLit); ok && !lit.Bytes {
		return &lit.Value
	}
	return nil
}

func (c *converter) params(t tnode, depth int) []Param {
	k := &c.p.k
	f := &c.p.f
	var out []Param
	kind := "positional_or_keyword"
	for _, x := range c.children(t, false) {
		p := Param{Span: x.sp(), Kind: kind}
		switch x.kind {
		case k.identifier:
			p.Name = c.text(x)
		case k.defaultParam, k.typedDefaultParam:
			for _, y := range c.children(x, false) {
				switch y.field {
				case f.name:
					p.Name = c.text(y)
				case f.typ:
					p.Annotation = c.typeExpr(y, depth)
				case f.value:
					p.Default = c.expr(y, depth)
				}
			}
		case k.typedParam:
			for _, y := range c.children(x, false) {
				switch {
				case y.field == f.typ:
					p.Annotation = c.typeExpr(y, depth)
				case y.kind == k.identifier:
					p.Name = c.text(y)
				case y.kind == k.listSplatPattern:
					p.Name, p.Kind = c.splatName(y), "var_positional"
					kind = "keyword_only"
				case y.kind == k.dictSplatPattern:
					p.Name, p.Kind = c.splatName(y), "var_keyword"
				}
			}
		case k.listSplatPattern:
			p.Name, p.Kind = c.splatName(x), "var_positional"
			kind = "keyword_only"
		case k.dictSplatPattern:
			p.Name, p.Kind = c.splatName(x), "var_keyword"
		case k.keywordSeparator:
			kind = "keyword_only"
			continue
		case k.positionalSeparator:
			for i := range out {
				if out[i].Kind == "positional_or_keyword" {
					out[i].Kind = "positional_only"
				}
			}
			continue
		default:
			c.errorf(x, "syntax error: unsupported parameter")
			continue
		}
		out = append(out, p)
	}
	return out
}

func (c *converter) splatName(t tnode) string {
	for _, y := range c.children(t, false) {
		if y.kind == c.p.k.identifier {
			return c.text(y)
		}
	}
	return strings.TrimLeft(c.text(t), "*")
}

func (c *converter) class(t tnode, decos []Expr, depth int) *ClassStmt {
	s := &ClassStmt{Span: t.sp(), Decorators: decos}
	for _, x := range c.children(t, false) {
		switch x.field {
		case c.p.f.name:
			s.Name = c.text(x)
		case c.p.f.superclasses:
			s.Bases = c.args(x, depth)
		case c.p.f.body:
			if ch := c.children(x, false); len(ch) > 0 {
				s.Docstring = c.docstring(ch[0])
			}
			s.Body = c.block(x, depth)
		}
	}
	return s
}

func (c *converter) ifStmt(t tnode, depth int) Stmt {
	k := &c.p.k
	f := &c.p.f
	ch := c.children(t, false)
	s := &IfStmt{Span: t.sp()}
	last := s
	for _, x := range ch {
		switch {
		case x.field == f.condition:
			s.Cond = c.expr(x, depth)
		case x.field == f.consequence:
			s.Then = c.block(x, depth)
		case x.kind == k.elifClause:
			e := &IfStmt{Span: Span{x.start, t.end}}
			for _, y := range c.children(x, false) {
				switch y.field {
				case f.condition:
					e.Cond = c.expr(y, depth)
				case f.consequence:
					e.Then = c.block(y, depth)
				}
			}
			last.Else = []Stmt{e}
			last = e
		case x.kind == k.elseClause:
			last.Else = c.elseBody(x, depth)
		}
	}
	return s
}

func (c *converter) try(t tnode, depth int) Stmt {
	k := &c.p.k
	s := &TryStmt{Span: t.sp()}
	for _, x := range c.children(t, false) {
		switch {
		case x.field == c.p.f.body:
			s.Body = c.block(x, depth)
		case x.kind == k.exceptClause || x.kind == k.exceptGroupClause:
			h := ExceptClause{Span: x.sp()}
			for _, y := range c.children(x, false) {
				switch {
				case y.kind == k.block:
					h.Body = c.block(y, depth)
				case y.kind == k.asPattern:
					for _, z := range c.children(y, false) {
						if z.field == c.p.f.alias {
							h.Name = strings.TrimSpace(c.text(z))
						} else if h.Type == nil {
							h.Type = c.expr(z, depth)
						}
					}
				case h.Type == nil:
					h.Type = c.expr(y, depth)
				case y.kind == k.identifier:
					h.Name = c.text(y)
				}
			}
			s.Handlers = append(s.Handlers, h)
		case x.kind == k.elseClause:
			s.Else = c.elseBody(x, depth)
		case x.kind == k.finallyClause:
			if b, ok := c.firstOfKind(c.children(x, false), k.block); ok {
				s.Finally = c.block(b, depth)
			}
		}
	}
	return s
}

func (c *converter) with(t tnode, depth int) Stmt {
	k := &c.p.k
	s := &WithStmt{Span: t.sp()}
	for _, x := range c.children(t, true) {
		switch {
		case x.kind == k.keywordAsync:
			s.Async = true
		case x.kind == k.withClause:
			for _, it := range c.children(x, false) {
				if it.kind != k.withItem {
					continue
				}
				for _, v := range c.children(it, false) {
					if v.kind == k.asPattern {
						var item WithItem
						for _, z := range c.children(v, false) {
							if z.field == c.p.f.alias {
								if zz := c.children(z, false); len(zz) > 0 {
									item.Target = c.expr(zz[0], depth)
								}
							} else if item.Value == nil {
								item.Value = c.expr(z, depth)
							}
						}
						s.Items = append(s.Items, item)
					} else {
						s.Items = append(s.Items, WithItem{Value: c.expr(v, depth)})
					}
				}
			}
		case x.field == c.p.f.body:
			s.Body = c.block(x, depth)
		}
	}
	return s
}

// ---- expressions ----

func (c *converter) exprs(ch []tnode, depth int) []Expr {
	if len(ch) == 0 {
		return nil
	}
	out := make([]Expr, 0, len(ch))
	for _, x := range ch {
		out = append(out, c.expr(x, depth))
	}
	return out
}

func (c *converter) bad(t tnode, format string, args ...any) Expr {
	c.errorf(t, format, args...)
	return &OtherExpr{Span: t.sp(), Kind: "invalid"}
}

func (c *converter) expr(t tnode, depth int) Expr {
	depth++
	if c.tooDeep(t, depth) {
		return &OtherExpr{Span: t.sp(), Kind: "too deep"}
	}
	k := &c.p.k
	f := &c.p.f
	sp := t.sp()
	switch t.kind {
	case k.identifier:
		name := c.text(t)
		if hardKeywords[name] {
			return c.bad(t, "syntax error: invalid syntax: %q is a keyword", name)
		}
		return &Ident{Span: sp, Name: name}
	case k.integer:
		return c.intLit(t)
	case k.float:
		return c.floatLit(t)
	case k.str, k.concatStr:
		return c.strLit(t, depth)
	case k.trueK:
		return &Const{Span: sp, Name: "True"}
	case k.falseK:
		return &Const{Span: sp, Name: "False"}
	case k.noneK:
		return &Const{Span: sp, Name: "None"}
	case k.ellipsis:
		return &Const{Span: sp, Name: "Ellipsis"}
	case k.list, k.listPattern:
		return &ListExpr{Span: sp, Elems: c.exprs(c.children(t, false), depth)}
	case k.tuple, k.tuplePattern, k.exprList, k.patternList:
		return &TupleExpr{Span: sp, Elems: c.exprs(c.children(t, false), depth)}
	case k.set:
		return &SetExpr{Span: sp, Elems: c.exprs(c.children(t, false), depth)}
	case k.dictionary:
		d := &DictExpr{Span: sp}
		for _, x := range c.children(t, false) {
			switch x.kind {
			case k.pair:
				var e DictEntry
				for _, y := range c.children(x, false) {
					switch y.field {
					case f.key:
						e.Key = c.expr(y, depth)
					case f.value:
						e.Value = c.expr(y, depth)
					}
				}
				d.Entries = append(d.Entries, e)
			case k.dictSplat:
				if ch := c.children(x, false); len(ch) > 0 {
					d.Entries = append(d.Entries, DictEntry{Value: c.expr(ch[0], depth)})
				}
			}
		}
		return d
	case k.listSplat, k.listSplatPattern, k.dictSplat, k.dictSplatPattern:
		ch := c.children(t, false)
		if len(ch) == 0 {
			return c.bad(t, "syntax error: star without an operand")
		}
		return &Starred{Span: sp, X: c.expr(ch[0], depth), Double: t.kind == k.dictSplat || t.kind == k.dictSplatPattern}
	case k.parenListSplat, k.parenExpr:
		ch := c.children(t, false)
		if len(ch) != 1 {
			return c.bad(t, "syntax error: unexpected parenthesized expression")
		}
		return c.expr(ch[0], depth)
	case k.unaryOp:
		u := &UnaryExpr{Span: sp}
		for _, x := range c.children(t, true) {
			switch x.field {
			case f.operator:
				u.Op = c.text(x)
			case f.argument:
				u.X = c.expr(x, depth)
			}
		}
		return u
	case k.notOp:
		u := &UnaryExpr{Span: sp, Op: "not"}
		if x, ok := field(c.children(t, false), f.argument); ok {
			u.X = c.expr(x, depth)
		}
		return u
	case k.binaryOp, k.boolOp:
		var op string
		var l, r Expr
		for _, x := range c.children(t, true) {
			switch x.field {
			case f.operator:
				op = c.text(x)
			case f.left:
				l = c.expr(x, depth)
			case f.right:
				r = c.expr(x, depth)
			}
		}
		if l == nil || r == nil {
			return c.bad(t, "syntax error: incomplete operator expression")
		}
		if t.kind == k.boolOp {
			return &BoolExpr{Span: sp, Op: op, X: l, Y: r}
		}
		return &BinaryExpr{Span: sp, Op: op, X: l, Y: r}
	case k.compareOp:
		ce := &CompareExpr{Span: sp}
		for _, x := range c.children(t, true) {
			if x.field == f.operators {
				ce.Ops = append(ce.Ops, strings.Join(strings.Fields(c.text(x)), " "))
			} else if k.named[x.kind] {
				ce.Operands = append(ce.Operands, c.expr(x, depth))
			}
		}
		if len(ce.Ops) == 0 || len(ce.Operands) != len(ce.Ops)+1 {
			return c.bad(t, "syntax error: malformed comparison")
		}
		return ce
	case k.condExpr:
		ch := c.children(t, false)
		if len(ch) != 3 {
			return c.bad(t, "syntax error: malformed conditional expression")
		}
		return &CondExpr{Span: sp, Then: c.expr(ch[0], depth), Cond: c.expr(ch[1], depth), Else: c.expr(ch[2], depth)}
	case k.call:
		ce := &CallExpr{Span: sp}
		for _, x := range c.children(t, false) {
			switch x.field {
			case f.function:
				ce.Fn = c.expr(x, depth)
			case f.arguments:
				if x.kind == k.genExpr {
					ce.Args = []Arg{{Span: x.sp(), Value: c.expr(x, depth)}}
				} else {
					ce.Args = c.args(x, depth)
				}
			}
		}
		return ce
	case k.attribute:
		a := &AttrExpr{Span: sp}
		for _, x := range c.children(t, false) {
			switch x.field {
			case f.object:
				a.X = c.expr(x, depth)
			case f.attribute:
				a.Name = c.text(x)
			}
		}
		return a
	case k.subscript:
		ie := &IndexExpr{Span: sp}
		var subs []Expr
		for _, x := range c.children(t, false) {
			switch x.field {
			case f.value:
				ie.X = c.expr(x, depth)
			case f.subscript:
				subs = append(subs, c.expr(x, depth))
			}
		}
		if len(subs) == 1 && !c.trailingComma(t) {
			ie.Index = subs[0]
		} else {
			ie.Index = &TupleExpr{Span: sp, Elems: subs}
		}
		return ie
	case k.slice:
		return c.slice(t, depth)
	case k.listComp, k.setComp, k.dictComp, k.genExpr:
		return c.comprehension(t, depth)
	case k.lambda:
		l := &LambdaExpr{Span: sp}
		if c.full {
			for _, x := range c.children(t, false) {
				switch x.field {
				case f.parameters:
					l.Params = c.params(x, depth)
				case f.body:
					l.Body = c.expr(x, depth)
				}
			}
		}
		return l
	case k.namedExpr:
		ne := &NamedExpr{Span: sp}
		for _, x := range c.children(t, false) {
			switch x.field {
			case f.name:
				ne.Name = c.text(x)
			case f.value:
				ne.Value = c.expr(x, depth)
			}
		}
		return ne
	case k.await:
		return &OtherExpr{Span: sp, Kind: "await"}
	case k.yield:
		return &OtherExpr{Span: sp, Kind: "yield"}
	case k.keywordArgument:
		return c.bad(t, "syntax error: keyword argument outside a call")
	case k.asPattern:
		return c.bad(t, "syntax error: unexpected `as`")
	}
	return c.bad(t, "syntax error: unexpected %s", c.p.lang.NodeKindForId(t.kind))
}

// trailingComma tells `x[a,]` (a tuple index) from `x[a]`.
func (c *converter) trailingComma(t tnode) bool {
	src := strings.TrimRight(c.text(t), " \t\r\n\\")
	src = strings.TrimSuffix(src, "]")
	src = strings.TrimRight(src, " \t\r\n\\")
	return strings.HasSuffix(src, ",")
}

func (c *converter) args(t tnode, depth int) []Arg {
	k := &c.p.k
	ch := c.children(t, false)
	if len(ch) == 0 {
		return nil
	}
	out := make([]Arg, 0, len(ch))
	for _, x := range ch {
		switch x.kind {
		case k.keywordArgument:
			a := Arg{Span: x.sp()}
			for _, y := range c.children(x, false) {
				switch y.field {
				case c.p.f.name:
					a.Name = c.text(y)
				case c.p.f.value:
					a.Value = c.expr(y, depth)
				}
			}
			if a.Value == nil {
				c.errorf(x, "syntax error: keyword argument without a value")
				continue
			}
			out = append(out, a)
		case k.listSplat, k.dictSplat:
			e := c.expr(x, depth)
			st, ok := e.(*Starred)
			if !ok {
				continue
			}
			star := 1
			if st.Double {
				star = 2
			}
			out = append(out, Arg{Span: x.sp(), Star: star, Value: st.X})
		default:
			out = append(out, Arg{Span: x.sp(), Value: c.expr(x, depth)})
		}
	}
	return out
}

func (c *converter) slice(t tnode, depth int) Expr {
	s := &SliceExpr{Span: t.sp()}
	part := 0
	for _, x := range c.children(t, true) {
		if x.kind < uint16(len(c.p.k.named)) && !c.p.k.named[x.kind] {
			if c.text(x) == ":" {
				part++
			}
			continue
		}
		if x.kind == c.p.k.comment {
			continue
		}
		e := c.expr(x, depth)
		switch part {
		case 0:
			s.Lo = e
		case 1:
			s.Hi = e
		default:
			s.Step = e
		}
	}
	return s
}

func (c *converter) comprehension(t tnode, depth int) Expr {
	k := &c.p.k
	cp := &Comprehension{Span: t.sp()}
	switch t.kind {
	case k.listComp:
		cp.Kind = "list"
	case k.setComp:
		cp.Kind = "set"
	case k.dictComp:
		cp.Kind = "dict"
	default:
		cp.Kind = "gen"
	}
	for _, x := range c.children(t, false) {
		switch {
		case x.field == c.p.f.body && x.kind == k.pair:
			for _, y := range c.children(x, false) {
				switch y.field {
				case c.p.f.key:
					cp.Key = c.expr(y, depth)
				case c.p.f.value:
					cp.Body = c.expr(y, depth)
				}
			}
		case x.field == c.p.f.body:
			cp.Body = c.expr(x, depth)
		case x.kind == k.forInClause:
			cl := CompClause{}
			var iters []Expr
			for _, y := range c.children(x, true) {
				switch {
				case y.kind == k.keywordAsync:
					cl.Async = true
				case y.field == c.p.f.left:
					cl.Target = c.expr(y, depth)
				case y.field == c.p.f.right && k.named[y.kind]:
					iters = append(iters, c.expr(y, depth))
				}
			}
			if len(iters) == 1 {
				cl.Iter = iters[0]
			} else {
				cl.Iter = &TupleExpr{Span: x.sp(), Elems: iters}
			}
			cp.Clauses = append(cp.Clauses, cl)
		case x.kind == k.ifClause:
			if ch := c.children(x, false); len(ch) > 0 {
				cp.Clauses = append(cp.Clauses, CompClause{If: c.expr(ch[0], depth)})
			}
		}
	}
	if cp.Body == nil {
		return c.bad(t, "syntax error: comprehension without a body")
	}
	return cp
}

func (c *converter) intLit(t tnode) Expr {
	s := c.text(t)
	if strings.HasSuffix(s, "j") || strings.HasSuffix(s, "J") {
		return &ImagLit{Span: t.sp()}
	}
	if strings.HasSuffix(s, "l") || strings.HasSuffix(s, "L") {
		return c.bad(t, "syntax error: Python 2 long literal")
	}
	if !validUnderscores(s) {
		return c.bad(t, "syntax error: invalid decimal literal")
	}
	clean := strings.ReplaceAll(s, "_", "")
	base := 10
	digits := clean
	if len(clean) > 1 && clean[0] == '0' {
		switch clean[1] {
		case 'x', 'X':
			base, digits = 16, clean[2:]
		case 'o', 'O':
			base, digits = 8, clean[2:]
		case 'b', 'B':
			base, digits = 2, clean[2:]
		default:
			if strings.Trim(clean, "0") != "" {
				return c.bad(t, "syntax error: leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers")
			}
		}
	}
	v, ok := new(big.Int).SetString(digits, base)
	if !ok || digits == "" {
		return c.bad(t, "syntax error: invalid integer literal")
	}
	return &IntLit{Span: t.sp(), Value: v}
}

// validUnderscores checks Python's rule: an underscore only between digits
// (or right after a base prefix).
func validUnderscores(s string) bool {
	if !strings.Contains(s, "_") {
		return true
	}
	isDigit := func(b byte) bool {
		return b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F'
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '_' {
			continue
		}
		if i == 0 || i == len(s)-1 || !isDigit(s[i+1]) {
			return false
		}
		prev := s[i-1]
		if !isDigit(prev) && !(i == 2 && s[0] == '0' && strings.ContainsRune("xXoObB", rune(prev))) {
			return false
		}
		if (prev == 'e' || prev == 'E') && !strings.ContainsAny(s, "xX") {
			return false
		}
	}
	return true
}

func (c *converter) floatLit(t tnode) Expr {
	s := c.text(t)
	if strings.HasSuffix(s, "j") || strings.HasSuffix(s, "J") {
		return &ImagLit{Span: t.sp()}
	}
	if !validUnderscores(s) {
		return c.bad(t, "syntax error: invalid decimal literal")
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
	if err != nil {
		var ne *strconv.NumError
		if !(asNumErr(err, &ne) && ne.Err == strconv.ErrRange) {
			return c.bad(t, "syntax error: invalid float literal")
		}
	}
	return &FloatLit{Span: t.sp(), Value: v}
}

func asNumErr(err error, out **strconv.NumError) bool {
	ne, ok := err.(*strconv.NumError)
	if ok {
		*out = ne
	}
	return ok
}

// hardKeywords are the words CPython never reads as names; tree-sitter's
// error recovery sometimes makes identifiers of them.
var hardKeywords = map[string]bool{
	"False": true, "None": true, "True": true, "and": true, "as": true, "assert": true, "async": true,
	"await": true, "break": true, "class": true, "continue": true, "def": true, "del": true, "elif": true,
	"else": true, "except": true, "finally": true, "for": true, "from": true, "global": true, "if": true,
	"import": true, "in": true, "is": true, "lambda": true, "nonlocal": true, "not": true, "or": true,
	"pass": true, "raise": true, "return": true, "try": true, "while": true, "with": true, "yield": true,
}
