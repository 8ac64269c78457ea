package lift

import (
	"math/big"

	"github.com/flowplan/flowplan/extractor/diag"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

const testFile = "flows/x_flow.py"

func at(line, col int) diag.Pos { return diag.Pos{File: testFile, Line: line, Col: col} }

func class(id string) *value.Class { return value.KnownClass(id) }

// call builds a model call written at line:col.
func call(id string, line, col int, args ...value.Arg) *value.Instance {
	c := class(id)
	return &value.Instance{Class: c, Args: args, Pos: at(line, col), Src: c.Name + "(...)"}
}

// kw is a keyword argument written at line:col.
func kw(name string, v value.Value, line, col int) value.Arg {
	return value.Arg{Name: name, Value: v, Pos: at(line, col), Src: name + "=..."}
}

// pos is a positional argument written at line:col.
func pos(v value.Value, line, col int) value.Arg {
	return value.Arg{Value: v, Pos: at(line, col), Src: "..."}
}

func str(s string) value.Str              { return value.Str(s) }
func i64(i int64) value.Int               { return value.NewInt(i) }
func fl(f float64) value.Float            { return value.Float(f) }
func list(v ...value.Value) *value.List   { return &value.List{Elems: v} }
func tuple(v ...value.Value) *value.Tuple { return &value.Tuple{Elems: v} }

func bigInt(s string) value.Int {
	i, _ := new(big.Int).SetString(s, 10)
	return value.Int{V: i}
}

// dict builds a dict from alternating keys and values.
func dict(kv ...value.Value) *value.Dict {
	d := &value.Dict{}
	for i := 0; i < len(kv); i += 2 {
		d.Keys = append(d.Keys, kv[i])
		d.Vals = append(d.Vals, kv[i+1])
	}
	return d
}

func strp(s string) *string { return &s }

// flowFn is `@flow def my_flow(a: int = 1, *, b=None)`.
func flowFn() *value.Function {
	return &value.Function{Name: "my_flow", Pos: at(3, 1), Flow: &value.FlowInfo{
		FunctionName: "my_flow", Name: "my-flow", Description: strp("Says hello."),
		DecoratorPos: at(2, 1),
		Parameters: []value.Param{
			{Name: "a", Kind: "positional_or_keyword", Annotation: "int", Default: i64(1), DefaultSrc: "1"},
			{Name: "b", Kind: "keyword_only", Default: value.None, DefaultSrc: "None"},
			{Name: "c", Kind: "positional_or_keyword", Annotation: "list[str]"},
		},
	}}
}

var testCtx = Context{
	AgentEnvs:  map[string]bool{"base": true, "other": true},
	WorkerEnvs: map[string]bool{"main": true},
}

type bigIntT = big.Int

func bigTen() *big.Int     { return big.NewInt(10) }
func bigTen4300() *big.Int { return big.NewInt(4300) }
