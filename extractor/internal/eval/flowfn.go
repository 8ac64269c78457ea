package eval

import (
	"strings"

	"github.com/flowplan/flowplan/extractor/diag"
	"github.com/flowplan/flowplan/extractor/internal/pysyntax"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

// defineFunction executes a def statement: defaults are evaluated now, as
// Python does; the body is never run. Prefect's flow decorator turns the
// function into a flow with its FlowInfo.
func (m *module) defineFunction(st *pysyntax.DefStmt) value.Value {
	fn := &value.Function{Name: st.Name, Pos: m.f.PosOf(st), Async: st.Async}
	decos := make([]value.Value, len(st.Decorators))
	for i, d := range st.Decorators {
		decos[i] = m.eval(d)
	}
	params := m.params(st.Params)
	fn.Impl = &funcImpl{def: st, mod: m, env: m.ns, params: params}
	var result value.Value = fn
	for i := len(decos) - 1; i >= 0; i-- {
		result = m.applyDecorator(st, st.Decorators[i], decos[i], result, params)
	}
	return result
}

func (m *module) applyDecorator(st *pysyntax.DefStmt, node pysyntax.Expr, deco, target value.Value, params []value.Param) value.Value {
	switch d := deco.(type) {
	case value.Unknown:
		return value.Unknown{Err: diag.Errorf(m.f.PosOf(node), m.f.Text(node), "cannot know statically: function %s is decorated by %s, which the extractor does not know (%s)", st.Name, m.f.Text(node), d.Err.Msg)}
	case *flowDecorator:
		f, ok := target.(*value.Function)
		if !ok {
			return target
		}
		if f.Flow != nil {
			return m.unknown(node, "a flow decorated again is not supported")
		}
		if d.task {
			return f
		}
		return m.flowFunction(st, node, f, d.kwargs, params)
	case *builtin:
		if d.name == "validator-decorator" {
			return target
		}
	case *value.Function:
		if _, runs := d.Impl.(*funcImpl); runs && d.Flow == nil {
			c := &call{m: m, at: node, name: d.Name, args: []value.Value{target}, argNodes: []pysyntax.Node{node}}
			return m.callValue(c, d)
		}
	}
	return m.unknown(node, "function %s is decorated by %s, which the extractor does not model", st.Name, m.f.Text(node))
}

// params reads a def's or lambda's parameters, evaluating defaults.
func (m *module) params(list []pysyntax.Param) []value.Param {
	out := make([]value.Param, len(list))
	for i, p := range list {
		vp := value.Param{Name: p.Name, Kind: p.Kind}
		if p.Annotation != nil {
			vp.Annotation = m.f.Text(p.Annotation)
		}
		if p.Default != nil {
			vp.DefaultSrc = m.f.Text(p.Default)
			v := m.eval(p.Default)
			if u, ok := v.(value.Unknown); ok {
				vp.DefaultErr = u.Err
			} else {
				vp.Default = m.s.resolveTaint(v, 0)
				if u, ok := vp.Default.(value.Unknown); ok {
					vp.Default, vp.DefaultErr = nil, u.Err
				}
			}
		}
		out[i] = vp
	}
	return out
}

// flowFunction builds what Prefect's Flow object tells: its name
// (`name or fn.__name__.replace("_", "-")`) and description
// (`description or inspect.getdoc(fn)`).
func (m *module) flowFunction(st *pysyntax.DefStmt, node pysyntax.Node, f *value.Function, kwargs []kwArg, params []value.Param) value.Value {
	info := &value.FlowInfo{FunctionName: f.Name, Parameters: flowParamTypes(st, params), DecoratorPos: m.f.PosOf(node)}
	info.Name = strings.ReplaceAll(f.Name, "_", "-")
	for _, k := range kwargs {
		if k.name == "name" || k.name == "description" {
			if u := m.setFlowOption(info, k); u != nil {
				return u
			}
		}
	}
	if info.Description == nil && st != nil && st.Docstring != nil {
		d := cleandoc(*st.Docstring)
		info.Description = &d
	}
	out := *f
	out.Flow = info
	return &out
}

// cleandoc is inspect.cleandoc.
func cleandoc(doc string) string {
	lines := strings.Split(expandTabs(doc, 8), "\n")
	margin := -1
	for _, l := range lines[1:] {
		content := strings.TrimLeft(l, " ")
		if content == "" {
			continue
		}
		indent := len(l) - len(content)
		if margin < 0 || indent < margin {
			margin = indent
		}
	}
	lines[0] = strings.TrimLeft(lines[0], " ")
	if margin >= 0 {
		for i := 1; i < len(lines); i++ {
			if len(lines[i]) >= margin {
				lines[i] = lines[i][margin:]
			} else {
				lines[i] = strings.TrimLeft(lines[i], " ")
			}
		}
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for len(lines) > 0 && lines[0] == "" {
		lines = lines[1:]
	}
	return strings.Join(lines, "\n")
}

// expandTabs is str.expandtabs(n).
func expandTabs(s string, n int) string {
	if !strings.Contains(s, "\t") {
		return s
	}
	var b strings.Builder
	col := 0
	for _, r := range s {
		switch r {
		case '\t':
			sp := n - col%n
			b.WriteString(strings.Repeat(" ", sp))
			col += sp
		case '\n', '\r':
			b.WriteRune(r)
			col = 0
		default:
			b.WriteRune(r)
			col++
		}
	}
	return b.String()
}

// setFlowOption applies name= or description= as Prefect's Flow takes
// them: a non-empty str sets it, None or "" leaves the default, a name of
// another type is its TypeError. It returns the value when it is unknown.
func (m *module) setFlowOption(info *value.FlowInfo, k kwArg) value.Value {
	switch x := k.v.(type) {
	case value.Unknown:
		return x
	case value.NoneType:
	case value.Str:
		if x == "" {
			return nil
		}
		s := string(x)
		if k.name == "name" {
			info.Name = s
		} else {
			info.Description = &s
		}
	default:
		if k.name == "name" {
			panic(m.raise(k.node, "TypeError", "Expected string for flow parameter 'name'; got %s instead.", typeName(x)))
		}
		return m.unknown(k.node, "a flow description that is a %s is not supported", typeName(x))
	}
	return nil
}

// flowOptions are the keyword arguments of Prefect 2's Flow.with_options.
var flowOptions = map[string]bool{
	"name": true, "version": true, "retries": true, "retry_delay_seconds": true, "description": true,
	"flow_run_name": true, "task_runner": true, "timeout_seconds": true, "validate_parameters": true,
	"persist_result": true, "result_storage": true, "result_serializer": true, "cache_result_in_memory": true,
	"log_prints": true, "on_completion": true, "on_failure": true, "on_cancellation": true, "on_crashed": true,
}

// withOptions is flow.with_options(...): a new flow of the same function,
// whose name and description are the given ones when they are truthy
// (Prefect writes `name or self.name`); the other options do not reach a
// deployment's spec.
func withOptions(c *call, f *value.Function) value.Value {
	if len(c.args) > 0 {
		panic(c.raise("TypeError", "Flow.with_options() takes 1 positional argument but %d were given", len(c.args)+1))
	}
	info := *f.Flow
	for _, k := range c.kwargs {
		if !flowOptions[k.name] {
			panic(c.raise("TypeError", "Flow.with_options() got an unexpected keyword argument '%s'", k.name))
		}
		if k.name != "name" && k.name != "description" {
			continue
		}
		if _, unknown := k.v.(value.Unknown); !unknown && !c.m.truth(c.at, k.v) {
			continue // `name or self.name`
		}
		if u := c.m.setFlowOption(&info, k); u != nil {
			return u
		}
	}
	out := *f
	out.Flow = &info
	return &out
}

// callFlowDecorator is `flow(...)`: with only keyword arguments it returns
// the configured decorator; with a function it makes the flow.
func (m *module) callFlowDecorator(c *call, d *flowDecorator) value.Value {
	if len(c.args) == 0 {
		return &flowDecorator{kwargs: append(append([]kwArg(nil), d.kwargs...), c.kwargs...), called: true, task: d.task}
	}
	if len(c.args) > 1 {
		panic(c.raise("TypeError", "flow() takes 1 positional argument but %d were given", len(c.args)))
	}
	f, ok := c.arg(0).(*value.Function)
	if !ok {
		return c.m.unknown(c.at, "flow() of a %s is not supported", typeName(c.arg(0)))
	}
	if d.task {
		return f
	}
	st := m.defs[f.Name]
	if st == nil || m.f.PosOf(st) != f.Pos {
		return c.m.unknown(c.at, "flow() of a function not defined in this module is not supported")
	}
	kwargs := append(append([]kwArg(nil), d.kwargs...), c.kwargs...)
	return m.flowFunction(st, c.at, f, kwargs, m.params(st.Params))
}
