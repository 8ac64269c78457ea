package pysyntax

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/extractor/diag"
)

var update = flag.Bool("update", false, "rewrite golden files")

// parseFile parses one source with a parser of its own.
func parseFile(ctx context.Context, path string, src []byte) (*File, diag.List, error) {
	p, err := NewParser()
	if err != nil {
		return nil, nil, err
	}
	defer p.Close()
	return p.Parse(ctx, path, src)
}

func parse(t *testing.T, src string) (*File, []string) {
	t.Helper()
	f, diags, err := parseFile(context.Background(), "x.py", []byte(src))
	require.NoError(t, err)
	var msgs []string
	for _, d := range diags {
		msgs = append(msgs, d.Error())
	}
	return f, msgs
}

// TestStringLiterals compares decoded literals with what CPython computes
// (testdata/strings.golden.json, refreshed by -update with python3).
func TestStringLiterals(t *testing.T) {
	golden := filepath.Join("testdata", "strings.golden.json")
	if *update {
		out, err := exec.Command("python3", filepath.Join("testdata", "gen_strings.py"),
			filepath.Join("testdata", "strings.txt"), golden).CombinedOutput()
		require.NoError(t, err, string(out))
	}
	raw, err := os.ReadFile(golden)
	require.NoError(t, err)
	var want map[string]struct {
		Value *string `json:"value"`
		Bytes []int   `json:"bytes"`
		Error bool    `json:"error"`
	}
	require.NoError(t, json.Unmarshal(raw, &want))
	require.NotEmpty(t, want)
	for src, w := range want {
		t.Run(src, func(t *testing.T) {
			f, errs := parse(t, "x = "+src+"\n")
			if w.Error {
				require.NotEmpty(t, errs, "CPython rejects this literal")
				assert.Contains(t, errs[0], "x.py:1:")
				return
			}
			require.Empty(t, errs)
			lit, ok := f.Stmts[0].(*AssignStmt).Value.(*StrLit)
			require.True(t, ok)
			if w.Bytes != nil {
				require.True(t, lit.Bytes)
				got := make([]int, len(lit.Value))
				for i := range lit.Value {
					got[i] = int(lit.Value[i])
				}
				assert.Equal(t, w.Bytes, got)
				return
			}
			require.False(t, lit.Bytes)
			assert.Equal(t, *w.Value, lit.Value)
		})
	}
}

// dump renders a syntax tree compactly, for structural comparisons.
func dump(f *File, v any) string {
	var b strings.Builder
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Interface, reflect.Pointer:
			if v.IsNil() {
				b.WriteString("nil")
				return
			}
			if n, ok := v.Interface().(Node); ok && v.Kind() == reflect.Pointer {
				_ = n
			}
			walk(v.Elem())
		case reflect.Slice:
			b.WriteString("[")
			for i := 0; i < v.Len(); i++ {
				if i > 0 {
					b.WriteString(" ")
				}
				walk(v.Index(i))
			}
			b.WriteString("]")
		case reflect.Struct:
			if v.Type().String() == "big.Int" {
				bi := v.Addr().Interface()
				fmt.Fprint(&b, bi)
				return
			}
			b.WriteString(v.Type().Name())
			b.WriteString("{")
			first := true
			for i := 0; i < v.NumField(); i++ {
				fv := v.Field(i)
				name := v.Type().Field(i).Name
				if name == "Span" || name == "NameSpan" || fv.IsZero() {
					continue
				}
				if !first {
					b.WriteString(" ")
				}
				first = false
				b.WriteString(name + ":")
				walk(fv)
			}
			b.WriteString("}")
		case reflect.String:
			fmt.Fprintf(&b, "%q", v.String())
		default:
			fmt.Fprint(&b, v.Interface())
		}
	}
	walk(reflect.ValueOf(v))
	return b.String()
}

func TestStatements(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"annotated assignment", "x: int = 1", `[AssignStmt{Targets:[Ident{Name:"x"}] Value:IntLit{Value:1} Annotation:Ident{Name:"int"}}]`},
		{"bare annotation", "x: str", `[AssignStmt{Targets:[Ident{Name:"x"}] Annotation:Ident{Name:"str"}}]`},
		{"chained assignment", "a = b = 2, 3", `[AssignStmt{Targets:[Ident{Name:"a"} Ident{Name:"b"}] Value:TupleExpr{Elems:[IntLit{Value:2} IntLit{Value:3}]}}]`},
		{"tuple unpacking", "a, (b, *c) = x", `[AssignStmt{Targets:[TupleExpr{Elems:[Ident{Name:"a"} TupleExpr{Elems:[Ident{Name:"b"} Starred{X:Ident{Name:"c"}}]}]}] Value:Ident{Name:"x"}}]`},
		{"augmented", "x //= 2", `[AugAssignStmt{Target:Ident{Name:"x"} Op:"//" Value:IntLit{Value:2}}]`},
		{"import", "import a.b as c, d", `[ImportStmt{Names:[ImportName{Name:"a.b" Alias:"c"} ImportName{Name:"d"}]}]`},
		{"from import", "from x.y import a as b, c", `[FromImportStmt{Module:"x.y" Names:[ImportName{Name:"a" Alias:"b"} ImportName{Name:"c"}]}]`},
		{"relative import", "from ..pkg import m", `[FromImportStmt{Level:2 Module:"pkg" Names:[ImportName{Name:"m"}]}]`},
		{"relative import dot only", "from . import m", `[FromImportStmt{Level:1 Names:[ImportName{Name:"m"}]}]`},
		{"star import", "from m import *", `[FromImportStmt{Module:"m" Star:true}]`},
		{"parenthesized from import", "from m import (a,\n  b as c)", `[FromImportStmt{Module:"m" Names:[ImportName{Name:"a"} ImportName{Name:"b" Alias:"c"}]}]`},
		{"future import", "from __future__ import annotations", `[FromImportStmt{Module:"__future__" Names:[ImportName{Name:"annotations"}]}]`},
		{"def with everything", "@flow(name='x')\nasync def f(a, /, b: int = 3, *args, c, d=4, **kw) -> None:\n    '''Doc.'''\n    global G, H\n    return 1\n",
			`[DefStmt{Name:"f" Async:true Decorators:[CallExpr{Fn:Ident{Name:"flow"} Args:[Arg{Name:"name" Value:StrLit{Value:"x"}}]}] Params:[Param{Name:"a" Kind:"positional_only"} Param{Name:"b" Kind:"positional_or_keyword" Annotation:Ident{Name:"int"} Default:IntLit{Value:3}} Param{Name:"args" Kind:"var_positional"} Param{Name:"c" Kind:"keyword_only"} Param{Name:"d" Kind:"keyword_only" Default:IntLit{Value:4}} Param{Name:"kw" Kind:"var_keyword"}] Returns:Const{Name:"None"} Docstring:"Doc." Globals:["G" "H"] BodyStmts:3}]`},
		{"keyword only after bare star", "def f(*, a: str = 'x', **k: int): pass",
			`[DefStmt{Name:"f" Params:[Param{Name:"a" Kind:"keyword_only" Annotation:Ident{Name:"str"} Default:StrLit{Value:"x"}} Param{Name:"k" Kind:"var_keyword" Annotation:Ident{Name:"int"}}] BodyStmts:1}]`},
		{"typed star args", "def f(*a: int): pass", `[DefStmt{Name:"f" Params:[Param{Name:"a" Kind:"var_positional" Annotation:Ident{Name:"int"}}] BodyStmts:1}]`},
		{"f-string is not a docstring", "def f():\n    f'x'\n", `[DefStmt{Name:"f" BodyStmts:1}]`},
		{"docstring after a comment", "def f():\n    # c\n    'doc'\n    x = [1, (2, 3)]\n", `[DefStmt{Name:"f" Docstring:"doc" BodyStmts:2}]`},
		{"nested def first", "def f():\n    def g():\n        'inner'\n    return g\n", `[DefStmt{Name:"f" BodyStmts:2}]`},
		{"global in a nested block", "def f():\n    if x:\n        global G\n    return 1\n", `[DefStmt{Name:"f" Globals:["G"] BodyStmts:2}]`},
		{"class", "@dataclass\nclass A(B, metaclass=M):\n    '''D'''\n    x: int = 1\n    def m(self): pass\n",
			`[ClassStmt{Name:"A" Decorators:[Ident{Name:"dataclass"}] Bases:[Arg{Value:Ident{Name:"B"}} Arg{Name:"metaclass" Value:Ident{Name:"M"}}] Body:[ExprStmt{X:StrLit{Value:"D"}} AssignStmt{Targets:[Ident{Name:"x"}] Value:IntLit{Value:1} Annotation:Ident{Name:"int"}} DefStmt{Name:"m" Params:[Param{Name:"self" Kind:"positional_or_keyword"}] BodyStmts:1}] Docstring:"D"}]`},
		{"if elif else", "if a:\n    x = 1\nelif b:\n    x = 2\nelse:\n    x = 3\n",
			`[IfStmt{Cond:Ident{Name:"a"} Then:[AssignStmt{Targets:[Ident{Name:"x"}] Value:IntLit{Value:1}}] Else:[IfStmt{Cond:Ident{Name:"b"} Then:[AssignStmt{Targets:[Ident{Name:"x"}] Value:IntLit{Value:2}}] Else:[AssignStmt{Targets:[Ident{Name:"x"}] Value:IntLit{Value:3}}]}]}]`},
		{"try", "try:\n    import a\nexcept (A, B) as e:\n    a = None\nexcept C:\n    pass\nexcept:\n    raise\nelse:\n    b = 1\nfinally:\n    c = 2\n",
			`[TryStmt{Body:[ImportStmt{Names:[ImportName{Name:"a"}]}] Handlers:[ExceptClause{Type:TupleExpr{Elems:[Ident{Name:"A"} Ident{Name:"B"}]} Name:"e" Body:[AssignStmt{Targets:[Ident{Name:"a"}] Value:Const{Name:"None"}}]} ExceptClause{Type:Ident{Name:"C"} Body:[SimpleStmt{Keyword:"pass"}]} ExceptClause{Body:[RaiseStmt{}]}] Else:[AssignStmt{Targets:[Ident{Name:"b"}] Value:IntLit{Value:1}}] Finally:[AssignStmt{Targets:[Ident{Name:"c"}] Value:IntLit{Value:2}}]}]`},
		{"for while with", "for i, j in x:\n    break\nelse:\n    pass\nwhile c:\n    continue\nwith open(p) as f, g:\n    pass\n",
			`[ForStmt{Target:TupleExpr{Elems:[Ident{Name:"i"} Ident{Name:"j"}]} Iter:Ident{Name:"x"} Body:[SimpleStmt{Keyword:"break"}] Else:[SimpleStmt{Keyword:"pass"}]} WhileStmt{Cond:Ident{Name:"c"} Body:[SimpleStmt{Keyword:"continue"}]} WithStmt{Items:[WithItem{Value:CallExpr{Fn:Ident{Name:"open"} Args:[Arg{Value:Ident{Name:"p"}}]} Target:Ident{Name:"f"}} WithItem{Value:Ident{Name:"g"}}] Body:[SimpleStmt{Keyword:"pass"}]}]`},
		{"del global raise assert", "del a, b[0]\nglobal g\nraise E('x') from None\nassert a, 'm'\n",
			`[DelStmt{Targets:[Ident{Name:"a"} IndexExpr{X:Ident{Name:"b"} Index:IntLit{Value:0}}]} GlobalStmt{Names:["g"]} RaiseStmt{Exc:CallExpr{Fn:Ident{Name:"E"} Args:[Arg{Value:StrLit{Value:"x"}}]} Cause:Const{Name:"None"}} AssertStmt{Cond:Ident{Name:"a"} Msg:StrLit{Value:"m"}}]`},
		{"expression statement tuple", "a, b", `[ExprStmt{X:TupleExpr{Elems:[Ident{Name:"a"} Ident{Name:"b"}]}}]`},
		{"generic annotations", "x: Optional[str]\ny: Dict[str, int] | None = {}\nz: a.B",
			`[AssignStmt{Targets:[Ident{Name:"x"}] Annotation:IndexExpr{X:Ident{Name:"Optional"} Index:Ident{Name:"str"}}} AssignStmt{Targets:[Ident{Name:"y"}] Value:DictExpr{} Annotation:BinaryExpr{Op:"|" X:IndexExpr{X:Ident{Name:"Dict"} Index:TupleExpr{Elems:[Ident{Name:"str"} Ident{Name:"int"}]}} Y:Const{Name:"None"}}} AssignStmt{Targets:[Ident{Name:"z"}] Annotation:AttrExpr{X:Ident{Name:"a"} Name:"B"}}]`},
		{"comments ignored", "# c\nx = 1  # c\n", `[AssignStmt{Targets:[Ident{Name:"x"}] Value:IntLit{Value:1}}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, errs := parse(t, tt.src)
			require.Empty(t, errs)
			assert.Equal(t, tt.want, dump(f, f.Stmts))
		})
	}
}

func TestExpressions(t *testing.T) {
	tests := []struct {
		src, want string
	}{
		{"1 + 2 * 3", `BinaryExpr{Op:"+" X:IntLit{Value:1} Y:BinaryExpr{Op:"*" X:IntLit{Value:2} Y:IntLit{Value:3}}}`},
		{"-x ** 2", `UnaryExpr{Op:"-" X:BinaryExpr{Op:"**" X:Ident{Name:"x"} Y:IntLit{Value:2}}}`},
		{"not a and b or c", `BoolExpr{Op:"or" X:BoolExpr{Op:"and" X:UnaryExpr{Op:"not" X:Ident{Name:"a"}} Y:Ident{Name:"b"}} Y:Ident{Name:"c"}}`},
		{"a < b <= c", `CompareExpr{Ops:["<" "<="] Operands:[Ident{Name:"a"} Ident{Name:"b"} Ident{Name:"c"}]}`},
		{"a not  in b", `CompareExpr{Ops:["not in"] Operands:[Ident{Name:"a"} Ident{Name:"b"}]}`},
		{"a is not None", `CompareExpr{Ops:["is not"] Operands:[Ident{Name:"a"} Const{Name:"None"}]}`},
		{"x if c else y", `CondExpr{Cond:Ident{Name:"c"} Then:Ident{Name:"x"} Else:Ident{Name:"y"}}`},
		{"f(1, *a, k=2, **kw)", `CallExpr{Fn:Ident{Name:"f"} Args:[Arg{Value:IntLit{Value:1}} Arg{Star:1 Value:Ident{Name:"a"}} Arg{Name:"k" Value:IntLit{Value:2}} Arg{Star:2 Value:Ident{Name:"kw"}}]}`},
		{"f(x for x in y)", `CallExpr{Fn:Ident{Name:"f"} Args:[Arg{Value:Comprehension{Kind:"gen" Body:Ident{Name:"x"} Clauses:[CompClause{Target:Ident{Name:"x"} Iter:Ident{Name:"y"}}]}}]}`},
		{"a.b.c", `AttrExpr{X:AttrExpr{X:Ident{Name:"a"} Name:"b"} Name:"c"}`},
		{"x[1:2]", `IndexExpr{X:Ident{Name:"x"} Index:SliceExpr{Lo:IntLit{Value:1} Hi:IntLit{Value:2}}}`},
		{"x[::-1]", `IndexExpr{X:Ident{Name:"x"} Index:SliceExpr{Step:UnaryExpr{Op:"-" X:IntLit{Value:1}}}}`},
		{"x[:n]", `IndexExpr{X:Ident{Name:"x"} Index:SliceExpr{Hi:Ident{Name:"n"}}}`},
		{"x[a:]", `IndexExpr{X:Ident{Name:"x"} Index:SliceExpr{Lo:Ident{Name:"a"}}}`},
		{"x[1, 2]", `IndexExpr{X:Ident{Name:"x"} Index:TupleExpr{Elems:[IntLit{Value:1} IntLit{Value:2}]}}`},
		{"x[1,]", `IndexExpr{X:Ident{Name:"x"} Index:TupleExpr{Elems:[IntLit{Value:1}]}}`},
		{"[*a, 1]", `ListExpr{Elems:[Starred{X:Ident{Name:"a"}} IntLit{Value:1}]}`},
		{"(1,)", `TupleExpr{Elems:[IntLit{Value:1}]}`},
		{"()", `TupleExpr{}`},
		{"(1)", `IntLit{Value:1}`},
		{"{1, 2}", `SetExpr{Elems:[IntLit{Value:1} IntLit{Value:2}]}`},
		{"{'a': 1, **d}", `DictExpr{Entries:[DictEntry{Key:StrLit{Value:"a"} Value:IntLit{Value:1}} DictEntry{Value:Ident{Name:"d"}}]}`},
		{"[x*2 for x in y if x for z in w]", `Comprehension{Kind:"list" Body:BinaryExpr{Op:"*" X:Ident{Name:"x"} Y:IntLit{Value:2}} Clauses:[CompClause{Target:Ident{Name:"x"} Iter:Ident{Name:"y"}} CompClause{If:Ident{Name:"x"}} CompClause{Target:Ident{Name:"z"} Iter:Ident{Name:"w"}}]}`},
		{"{k: v for k, v in d.items()}", `Comprehension{Kind:"dict" Key:Ident{Name:"k"} Body:Ident{Name:"v"} Clauses:[CompClause{Target:TupleExpr{Elems:[Ident{Name:"k"} Ident{Name:"v"}]} Iter:CallExpr{Fn:AttrExpr{X:Ident{Name:"d"} Name:"items"}}}]}`},
		{"{x for x in y}", `Comprehension{Kind:"set" Body:Ident{Name:"x"} Clauses:[CompClause{Target:Ident{Name:"x"} Iter:Ident{Name:"y"}}]}`},
		{"0x_ff + 0o17 + 0b101 + 1_000", `BinaryExpr{Op:"+" X:BinaryExpr{Op:"+" X:BinaryExpr{Op:"+" X:IntLit{Value:255} Y:IntLit{Value:15}} Y:IntLit{Value:5}} Y:IntLit{Value:1000}}`},
		{"123456789012345678901234567890", `IntLit{Value:123456789012345678901234567890}`},
		{"1.5e3", `FloatLit{Value:1500}`},
		{"1e400", `FloatLit{Value:+Inf}`},
		{"2j", `ImagLit{}`},
		{"...", `Const{Name:"Ellipsis"}`},
		{"lambda q: q", `LambdaExpr{}`},
		{"(y := 3)", `NamedExpr{Name:"y" Value:IntLit{Value:3}}`},
		{`f"a{x!r:>{w}}b{{c}}" "p"`, `FString{Parts:[FStringPart{Lit:"a"} FStringPart{Field:FField{X:Ident{Name:"x"} Conv:114 Spec:FString{Parts:[FStringPart{Lit:">"} FStringPart{Field:FField{X:Ident{Name:"w"}}}]}}} FStringPart{Lit:"b{c}p"}]}`},
		{`f"{x = }"`, `FString{Parts:[FStringPart{Field:FField{X:Ident{Name:"x"} Debug:"x = "}}]}`},
		{`f"{a, b}"`, `FString{Parts:[FStringPart{Field:FField{X:TupleExpr{Elems:[Ident{Name:"a"} Ident{Name:"b"}]}}}]}`},
		{`f"{x:%Y-%m}\n"`, `FString{Parts:[FStringPart{Field:FField{X:Ident{Name:"x"} Spec:FString{Parts:[FStringPart{Lit:"%Y-%m"}]}}} FStringPart{Lit:"\n"}]}`},
		{`rf"\d{x}\n"`, `FString{Parts:[FStringPart{Lit:"\\d"} FStringPart{Field:FField{X:Ident{Name:"x"}}} FStringPart{Lit:"\\n"}]}`},
		{`"plain " f"{x}"`, `FString{Parts:[FStringPart{Lit:"plain "} FStringPart{Field:FField{X:Ident{Name:"x"}}}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			f, errs := parse(t, "_ = "+tt.src+"\n")
			require.Empty(t, errs)
			assert.Equal(t, tt.want, dump(f, f.Stmts[0].(*AssignStmt).Value))
		})
	}
}

func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"unclosed paren", "x = (1,\ny = 2\n", "x.py:1:"},
		{"bad token", "x = = 1\n", "x.py:1:"},
		{"python 2 print", "print 'x'\n", "x.py:1:1: syntax error: Python 2 print statement"},
		{"leading zeros", "x = 0777\n", "x.py:1:5: syntax error: leading zeros in decimal integer literals"},
		{"bad underscore", "x = 1__0\n", "x.py:1:"},
		{"bad escape", "x = 1\ny = 'ab\\x4'\n", "x.py:2:5: syntax error: (unicode error) truncated \\xXX escape"},
		{"mixed bytes", "x = 'a' b'b'\n", "cannot mix bytes and nonbytes literals"},
		{"invalid prefix", "x = ur'a'\n", "x.py:1:"},
		{"bad conversion", "x = f'{a!x}'\n", "x.py:1:"},
		{"position counts characters", "s = 'é' + = 1\n", "x.py:1:"},
		{"in a function body", "def f():\n    'doc'\n    x = (1,\n    return\n", "x.py:3:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, errs := parse(t, tt.src)
			require.NotEmpty(t, errs)
			assert.Nil(t, f)
			assert.Contains(t, strings.Join(errs, "\n"), tt.want)
		})
	}
}

func TestPositions(t *testing.T) {
	src := "a = 1\nb = 'é' + xyz\n"
	f, errs := parse(t, src)
	require.Empty(t, errs)
	bin := f.Stmts[1].(*AssignStmt).Value.(*BinaryExpr)
	p := f.PosOf(bin.Y)
	assert.Equal(t, "x.py:2:11", p.String(), "columns count characters, not bytes")
	assert.Equal(t, "xyz", f.Text(bin.Y))
	d := f.Errorf(bin, "boom")
	assert.Equal(t, "x.py:2:5: boom (in `'é' + xyz`)", d.Error())
}

func TestCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	src := strings.Repeat("x = [1, 2, 3]\n", 200000)
	_, _, err := parseFile(ctx, "big.py", []byte(src))
	require.Error(t, err)
	assert.ErrorIs(t, err, context.Canceled)
}

// TestParserReuse parses with one Parser a file that needs more native
// memory than a parse keeps for the next one, then small files: each gives
// what a fresh Parser gives, and the big file's memory is let go.
func TestParserReuse(t *testing.T) {
	var big strings.Builder
	const defs = 6000
	for i := range defs {
		fmt.Fprintf(&big, "def f%d(a, b=[1, 2, {'k': (3, 4)}]):\n    '''Doc %d.'''\n    return [x * a for x in b if x]\n\n", i, i)
	}
	sources := []string{big.String(), "def g():\n    'g'\n    return 1\ny = g\n", "z = (1,\n", "", "w = 2\n"}

	p, err := NewParser()
	require.NoError(t, err)
	defer p.Close()
	for i, src := range sources {
		got, gotDiags, err := p.Parse(context.Background(), "x.py", []byte(src))
		require.NoError(t, err)
		if i == 0 {
			assert.Greater(t, p.arena.size(), keptBytes, "the big file should outgrow what an arena keeps")
		} else {
			assert.LessOrEqual(t, p.arena.size(), keptBytes, "source %d", i)
		}
		want, wantDiags, err := parseFile(context.Background(), "x.py", []byte(src))
		require.NoError(t, err)
		assert.Equal(t, wantDiags, gotDiags, "source %d", i)
		if want == nil {
			assert.Nil(t, got, "source %d", i)
			continue
		}
		require.NotNil(t, got, "source %d", i)
		assert.Equal(t, dump(want, want.Stmts), dump(got, got.Stmts), "source %d", i)
		if i == 0 {
			require.Len(t, got.Stmts, defs)
			d := got.Stmts[defs-1].(*DefStmt)
			assert.Equal(t, fmt.Sprintf("f%d", defs-1), d.Name)
			require.NotNil(t, d.Docstring)
			assert.Equal(t, fmt.Sprintf("Doc %d.", defs-1), *d.Docstring)
		}
	}
}

func TestDeepNestingRefused(t *testing.T) {
	src := "x = " + strings.Repeat("(", 1000) + "1" + strings.Repeat(")", 1000) + "\n"
	_, errs := parse(t, src)
	require.NotEmpty(t, errs)
}

func TestDeepIndent(t *testing.T) {
	tests := []struct {
		name       string
		src        string
		line, cols int
	}{
		{"shallow", "def f():\n    pass\n", 0, 0},
		{"255 spaces", strings.Repeat(" ", 255) + "x\n", 0, 0},
		{"256 spaces on line 2", "a\n" + strings.Repeat(" ", 256) + "x\n", 2, 256},
		{"tabs count to the next multiple of 8", "a\n\n" + strings.Repeat("\t", 32) + "x\n", 3, 256},
		{"a form feed starts again", strings.Repeat(" ", 300) + "\fx\n", 0, 0},
		{"comment lines are not indentation", strings.Repeat(" ", 300) + "# c\n", 0, 0},
		{"blank lines are not indentation", strings.Repeat(" ", 300) + "\r\n", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line, cols := deepIndent(tt.src)
			assert.Equal(t, tt.line, line)
			assert.Equal(t, tt.cols, cols)
		})
	}
}

// TestDeepIndentExplained: tree-sitter-python misreads indentation of 256
// columns or more, which CPython accepts; the errors say so.
func TestDeepIndentExplained(t *testing.T) {
	var b strings.Builder
	b.WriteString("def f():\n")
	for i := 1; i <= 64; i++ {
		fmt.Fprintf(&b, "%sif x:\n", strings.Repeat("    ", i))
	}
	fmt.Fprintf(&b, "%spass\n", strings.Repeat("    ", 65))
	f, errs := parse(t, b.String())
	assert.Nil(t, f)
	assert.Contains(t, strings.Join(errs, "\n"), "x.py:65:1: this line is indented 256 columns; tree-sitter-python")

	// Deeply indented continuation lines are not indentation: no error.
	f, errs = parse(t, "x = [\n"+strings.Repeat(" ", 300)+"1]\n")
	assert.Empty(t, errs)
	assert.NotNil(t, f)
}
