package eval

import (
	"github.com/flowplan/flowplan/extractor/internal/lift"
	"github.com/flowplan/flowplan/extractor/internal/pysyntax"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

// The deployment models (FlowSpec, FlowDeployment, FlowEnvar, FlowSecret of
// both eras) are built as pydantic v1 builds them: each instance gets a
// state, its __dict__, holding what pydantic stores for every field
// (lift.Field.Store). Code that reads a field afterwards, assigns one or
// mutates a field's list or dict works on that state, so the spec lift
// reads is the instance as the module left it: `deps.append(x)` after
// FlowSpec(deployments=deps) does not reach the spec (pydantic copied the
// list), and `FLOW_SPEC.deployments.append(x)` does.

// buildState gives a seed model instance its state from the call's keyword
// arguments (positional ones are an error lift reports). buildable tells
// whether pydantic builds the instance from them: no positional or
// repeated argument, every required field given, every value one its field
// accepts (nested models were checked when they were built).
func (m *module) buildState(inst *value.Instance) (buildable bool) {
	fields := lift.SeedFields(inst.Class.ID)
	if fields == nil {
		return true
	}
	buildable = true
	st := &value.ModelState{Values: make(map[string]value.Value, len(fields)), Origin: make(map[string]value.Origin, len(fields))}
	given := make(map[string]value.Arg, len(inst.Args))
	for _, a := range inst.Args {
		if _, dup := given[a.Name]; a.Name == "" || dup {
			buildable = false
			continue
		}
		given[a.Name] = a
	}
	for _, f := range fields {
		a, ok := given[f.Name]
		switch {
		case ok:
			build := func(classID string, d *value.Dict) value.Value { return m.seedFromDict(classID, d, a) }
			var stored bool
			st.Values[f.Name], stored = f.Store(a.Value, build)
			buildable = buildable && stored
			st.Origin[f.Name] = value.Origin{Pos: a.Pos, Src: a.Src, Given: true}
		case f.Default != nil:
			st.Values[f.Name] = f.Default()
			st.Origin[f.Name] = value.Origin{Pos: inst.Pos, Src: inst.Src}
		}
		if !ok && f.Required {
			buildable = false
		}
	}
	inst.State = st
	return buildable
}

// seedFromDict builds a seed model from a dict given where the model is
// expected, as pydantic does (cls(**d)); the dict's items are the
// arguments, written where the dict was.
func (m *module) seedFromDict(classID string, d *value.Dict, at value.Arg) value.Value {
	inst := &value.Instance{Class: value.KnownClass(classID), Pos: at.Pos, Src: at.Src}
	for i, k := range d.Keys {
		name, ok := k.(value.Str)
		if !ok {
			return d // not keywords: lift reports it
		}
		inst.Args = append(inst.Args, value.Arg{Name: string(name), Value: d.Vals[i], Pos: at.Pos, Src: at.Src})
	}
	m.buildState(inst)
	return inst
}

// stateField reads an attribute of a seed model instance.
func (m *module) stateField(at pysyntax.Node, x *value.Instance, name string) value.Value {
	f, ok := lift.SeedField(x.Class.ID, name)
	if !ok {
		return m.unknown(at, "%s.%s is not modeled: the extractor knows the fields of %s, not its methods", x.Class.Name, name, x.Class.Name)
	}
	v, set := x.State.Values[name]
	if !set {
		return m.unknown(at, "the default of %s.%s is only known when the plan is made", x.Class.Name, name)
	}
	if !f.Stored(v) {
		return m.unknown(at, "%s.%s holds a value pydantic refuses there (%s); lift reports it", x.Class.Name, name, typeName(v))
	}
	return m.checkTaint(v)
}

// setStateField is `obj.name = v` on a seed model instance: pydantic v1's
// __setattr__ stores the value as is (the models have no
// validate_assignment) and refuses a name that is not a field.
func (m *module) setStateField(at pysyntax.Node, x *value.Instance, name string, v value.Value) {
	if _, ok := lift.SeedField(x.Class.ID, name); !ok {
		panic(m.raise(at, "ValueError", "\"%s\" object has no field \"%s\"", x.Class.Name, name))
	}
	x.State.Values[name] = v
	x.State.Origin[name] = value.Origin{Pos: m.f.PosOf(at), Src: m.f.Text(at), Given: true, Assigned: true}
}

// copyState deep-copies a model state for copyValue; instances that share
// a state keep sharing its copy.
func (s *session) copyState(st *value.ModelState, depth int) *value.ModelState {
	if c, ok := s.copies[st]; ok {
		return c.(*stateCopy).st
	}
	out := &value.ModelState{Values: make(map[string]value.Value, len(st.Values)), Origin: make(map[string]value.Origin, len(st.Origin))}
	s.copies[st] = &stateCopy{out}
	for k, v := range st.Values {
		out.Values[k] = s.copyValue(v, depth+1)
	}
	for k, o := range st.Origin {
		out.Origin[k] = o
	}
	return out
}

// stateCopy lets copyValue's memo (keyed by the original) hold a state.
type stateCopy struct{ st *value.ModelState }

func (*stateCopy) TypeName() string { return "state" }

// attrName is the attribute name argument of getattr and setattr.
func attrName(c *call) string {
	name, ok := c.arg(1).(value.Str)
	if !ok {
		panic(c.raise("TypeError", "attribute name must be string, not '%s'", typeName(c.arg(1))))
	}
	return string(name)
}

// fnGetattr is getattr(obj, name[, default]).
func fnGetattr(c *call) value.Value {
	c.noKwargs()
	c.arity(2, 3)
	name := attrName(c)
	obj := c.arg(0)
	if len(c.args) == 2 {
		return c.m.getAttr(c.at, obj, name)
	}
	var v value.Value
	if exc := c.m.protect(func() { v = c.m.getAttr(c.at, obj, name) }); exc != nil {
		if exc.Type == "AttributeError" {
			return c.args[2]
		}
		panic(exc)
	}
	return v
}

// fnSetattr is setattr(obj, name, value).
func fnSetattr(c *call) value.Value {
	c.noKwargs()
	c.arity(3, 3)
	c.m.setAttr(c.at, c.arg(0), attrName(c), c.args[2])
	return value.None
}
