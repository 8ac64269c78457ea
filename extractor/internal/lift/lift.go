// Package lift turns an evaluated FLOW_SPEC into a spec.Spec with every
// default filled in, validating it the way the original pydantic v1 models
// (common.deployment and common.deployment.worker in Pocket/data-flows) and
// Prefect 2's schedule models would, and reporting every problem at the
// argument that causes it.
package lift

import (
	"fmt"
	"sort"
	"strings"

	"github.com/flowplan/flowplan/extractor/diag"
	"github.com/flowplan/flowplan/extractor/internal/value"
	"github.com/flowplan/flowplan/extractor/spec"
)

// DefaultWorkPoolFallback is the work pool the worker-era models use when
// DF_CONFIG_DEFAULT_WORK_POOL is not set (os.getenv's default in the original).
const DefaultWorkPoolFallback = "mozilla-aws-ecs-fargate"

// Context is what the lift stage knows about the project.
type Context struct {
	AgentEnvs  map[string]bool // keys of [tool.prefect.envs]
	WorkerEnvs map[string]bool // keys of [tool.prefect.docker]
	// DefaultWorkPool is env DF_CONFIG_DEFAULT_WORK_POOL; empty means unset,
	// and DefaultWorkPoolFallback is used.
	DefaultWorkPool string
	// Timezones caches time zone checks across the flow files of a run;
	// nil checks each time.
	Timezones *Timezones
}

// Lift validates the evaluated FLOW_SPEC (assigned at pos) and returns the
// lifted spec. Errors and warnings are positioned at the offending argument
// and sorted by position; the spec is nil when there is any error.
func Lift(v value.Value, pos diag.Pos, ctx Context) (*spec.Spec, diag.List) {
	l := &lifter{ctx: ctx}
	var s *spec.Spec
	switch x := v.(type) {
	case value.Unknown:
		l.diags.Add(x.Err)
	case *value.Instance:
		switch x.Class.ID {
		case value.ClassAgentFlowSpec:
			if a := l.agentSpec(x); a != nil {
				s = &spec.Spec{Agent: a}
			}
		case value.ClassWorkerFlowSpec:
			if w := l.workerSpec(x); w != nil {
				s = &spec.Spec{Worker: w}
			}
		}
	}
	if s == nil && len(l.diags) == 0 {
		l.diags.Add(diag.Errorf(pos, "FLOW_SPEC", "FLOW_SPEC must be a FlowSpec(...) instance, got %s", typeName(v)))
	}
	l.diags.Sort()
	if l.diags.HasErrors() {
		return nil, l.diags
	}
	return s, l.diags
}

// LiftModel validates one deployment model instance that pydantic refused
// to build (a positional or repeated argument, a required field missing, or
// a value its field refuses): the errors say why, at its arguments. Only the
// instance's own fields are checked, as its constructor would.
func LiftModel(x *value.Instance, ctx Context) diag.List {
	l := &lifter{ctx: ctx}
	at := arg{val: x, pos: x.Pos, src: x.Src}
	switch x.Class.ID {
	case value.ClassAgentFlowSpec, value.ClassWorkerFlowSpec:
		_, diags := Lift(x, x.Pos, ctx)
		return diags
	case value.ClassAgentFlowDeployment:
		l.agentDeployment(at, nil)
	case value.ClassWorkerFlowDeployment:
		l.workerDeployment(at)
	case value.ClassAgentFlowEnvar, value.ClassAgentFlowSecret:
		l.envars(agentFlowSpec, map[string]arg{"secrets": {name: "secrets", val: &value.List{Elems: []value.Value{x}}, pos: x.Pos, src: x.Src}}, "secrets", true)
	}
	l.diags.Sort()
	return l.diags
}

// typeName names v's type, with the module of a model class.
func typeName(v value.Value) string {
	if i, ok := v.(*value.Instance); ok && i.Class.Module != "" {
		return i.Class.Name + " (from " + i.Class.Module + ")"
	}
	return v.TypeName()
}

type lifter struct {
	ctx   Context
	diags diag.List
}

// arg is one field value handed to a model, with where it was written.
type arg struct {
	name string
	val  value.Value
	pos  diag.Pos
	src  string
}

func (l *lifter) errorf(a arg, format string, args ...any) {
	l.diags.Add(diag.Errorf(a.pos, a.src, format, args...))
}

// known reports a's value can be used, reporting an Unknown's own error.
func (l *lifter) known(a arg) bool {
	if u, ok := a.val.(value.Unknown); ok {
		l.diags.Add(u.Err)
		return false
	}
	return true
}

// model describes one pydantic model class: its fields in declaration order
// and which are required.
type model struct {
	name        string   // class __name__, used in messages
	module      string   // where it is imported from, for messages
	fields      []string // declared fields, in order
	required    []string
	forbidExtra bool // Config.extra = "forbid" (Prefect's schedules)
}

func (m model) has(name string) bool {
	for _, f := range m.fields {
		if f == name {
			return true
		}
	}
	return false
}

// fieldArgs binds the keyword arguments a model receives, as pydantic v1's
// BaseModel.__init__(**data) does. from is an Instance of the model's own
// class (its call arguments), a dict (pydantic v1 builds a model from a
// dict given for a model-typed field), or a resolved project-local model
// (dict(model) gives its fields). at is where from was written. It reports
// positional arguments (TypeError), repeated keywords, unknown keywords
// (ignored by pydantic: a warning naming the closest field, or an error
// when the model forbids extras) and missing required fields. ok is false
// when from cannot build the model at all.
func (l *lifter) fieldArgs(m model, ids []string, from value.Value, at arg) (args map[string]arg, callPos diag.Pos, callSrc string, ok bool) {
	var list []arg
	callPos, callSrc = at.pos, at.src
	switch x := from.(type) {
	case *value.Instance:
		switch {
		case containsID(ids, x.Class.ID):
			callPos, callSrc = x.Pos, x.Src
			list = make([]arg, 0, len(x.Args))
			for _, a := range x.Args {
				list = append(list, arg{name: a.Name, val: a.Value, pos: a.Pos, src: a.Src})
			}
		case x.Fields != nil:
			var msg string
			if list, msg = dictArgs(x.Fields, at); msg != "" {
				l.errorf(at, "%s: %s", m.name, msg)
				return nil, callPos, callSrc, false
			}
		default:
			l.errorf(at, "value is not a valid %s: got %s", m.qualified(), typeName(from))
			return nil, callPos, callSrc, false
		}
	case value.Unknown:
		l.diags.Add(x.Err)
		return nil, callPos, callSrc, false
	case *value.Dict:
		var msg string
		if list, msg = dictArgs(x, at); msg != "" {
			l.errorf(at, "%s: %s", m.name, msg)
			return nil, callPos, callSrc, false
		}
	default:
		l.errorf(at, "value is not a valid %s: got %s", m.qualified(), typeName(from))
		return nil, callPos, callSrc, false
	}

	args = make(map[string]arg, len(list))
	seen := make(map[string]bool, len(list))
	bad, extra := false, false
	for i, a := range list {
		switch {
		case a.name == "":
			l.errorf(a, "%s() takes no positional arguments: pydantic models are built from keyword arguments only (TypeError); write %s(%s=...)", m.name, m.name, m.positionalHint(i))
			bad = true
		case seen[a.name]:
			l.errorf(a, "%s() got multiple values for keyword argument '%s' (TypeError)", m.name, a.name)
			bad = true
		case !m.has(a.name):
			if m.forbidExtra {
				l.errorf(a, "%s.%s: extra fields not permitted", m.name, a.name)
				extra = true
				break
			}
			msg := fmt.Sprintf("unknown argument %s= ignored by %s", a.name, m.name)
			if near := closest(a.name, m.fields); near != "" {
				msg += "; did you mean " + near + "?"
			} else {
				msg += " (fields: " + strings.Join(m.fields, ", ") + ")"
			}
			l.diags.Add(diag.Warningf(a.pos, a.src, "%s", msg))
		default:
			args[a.name] = a
		}
		seen[a.name] = true
	}
	if bad {
		return nil, callPos, callSrc, false
	}
	ok = !extra
	if x, isInst := from.(*value.Instance); isInst && x.State != nil && containsID(ids, x.Class.ID) {
		ok = l.stateArgs(m, x, args) && ok
	}
	for _, f := range m.required {
		if _, given := args[f]; !given {
			l.diags.Add(diag.Errorf(callPos, callSrc, "%s.%s: field required", m.name, f))
			ok = false
		}
	}
	return args, callPos, callSrc, ok
}

func (m model) qualified() string {
	if m.module == "" {
		return m.name
	}
	return m.name + " (from " + m.module + ")"
}

// positionalHint names the field a positional argument was probably meant for.
func (m model) positionalHint(i int) string {
	if i < len(m.fields) {
		return m.fields[i]
	}
	return "<field>"
}

func containsID(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// dictArgs turns a dict into keyword arguments, as cls(**d) does: every key
// must be a str.
func dictArgs(d *value.Dict, at arg) ([]arg, string) {
	out := make([]arg, 0, d.Len())
	for i, k := range d.Keys {
		ks, ok := k.(value.Str)
		if !ok {
			return nil, "keywords must be strings, got a " + k.TypeName() + " key (TypeError)"
		}
		out = append(out, arg{name: string(ks), val: d.Vals[i], pos: at.pos, src: at.src})
	}
	return out, ""
}

// closest returns the field nearest to name by edit distance, or "" when
// none is close enough to be a likely typo.
func closest(name string, fields []string) string {
	best, bestD := "", len(name)/2+2
	for _, f := range fields {
		if d := editDistance(strings.ToLower(name), f); d < bestD {
			best, bestD = f, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// sortedKeys lists a set's members in order, for messages.
func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
