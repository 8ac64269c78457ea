package lift

import (
	"fmt"
	"math/big"
	"sync"

	"github.com/flowplan/flowplan/extractor/internal/value"
)

// What pydantic v1 stores in a deployment model instance. The evaluator
// builds FlowSpec(...), FlowDeployment(...) and the envar models as pydantic
// does, so that code reading or changing them afterwards sees what Python
// sees: a typed list or dict field (list[FlowEnvar], dict[str, Any]) gets a
// new container, so a later change to the caller's list does not reach the
// model; a plain dict field keeps the caller's dict; a model given for a
// model field is copied shallowly and shares its state; a str field stores
// str(1024) for 1024. Lift then reads the instance as it was left and checks
// that every value is still what pydantic would have stored (Field.Stored):
// pydantic validates only in the constructor, and the seed's models have no
// validate_assignment.

// FieldKind is the pydantic type of a seed model field, as far as storing a
// value goes.
type FieldKind int

const (
	KindAny        FieldKind = iota // Any or an arbitrary class (a Prefect flow, a schedule): stored as given
	KindStr                         // str: str_validator (1024 becomes "1024")
	KindStrictStr                   // StrictStr: only a str
	KindOptStr                      // Optional[str]
	KindInt                         // int, conint
	KindBool                        // bool
	KindList                        // list[Elem]: a new list of stored elements
	KindDictStrAny                  // dict[str, Any]: a new dict, keys through str_validator
	KindDict                        // dict: the caller's own dict
	KindModel                       // a seed model (Classes): an instance is copied, a dict builds one
	KindFlow                        // a Prefect flow (an arbitrary type: isinstance)
	KindSchedule                    // Optional[a Prefect schedule]: stored as given, checked by lift
)

// Field is one field of a seed model.
type Field struct {
	Name string
	Kind FieldKind
	Elem *Field // KindList
	// Classes are the model classes a KindModel field takes; with more than
	// one (a Union), a dict is stored as given and lift picks the class.
	Classes []string
	// Default makes the default value a new instance gets (pydantic copies
	// defaults per instance); nil when the field is required or its default
	// is only known when planning (Required tells which).
	Default  func() value.Value
	Required bool
	// Gt and Lt bound a conint field (exclusive), when set.
	Gt, Lt *int64
}

func bound(i int64) *int64 { return &i }

func strDefault(s string) func() value.Value { return func() value.Value { return value.Str(s) } }
func intDefault(i int64) func() value.Value  { return func() value.Value { return value.NewInt(i) } }
func boolDefault(b bool) func() value.Value  { return func() value.Value { return value.Bool(b) } }
func noneDefault() value.Value               { return value.None }
func listDefault() value.Value               { return &value.List{} }
func dictDefault() value.Value               { return &value.Dict{} }

func modelList(classes ...string) *Field { return &Field{Kind: KindModel, Classes: classes} }

// SeedFields lists the fields of a seed model class in declaration order,
// or nil for a class that is not one. The slice is shared: do not change it.
func SeedFields(classID string) []Field { return seedTables()[classID] }

// seedTables builds the field tables once; they are never changed.
var seedTables = sync.OnceValue(func() map[string][]Field {
	out := map[string][]Field{}
	for _, id := range []string{value.ClassAgentFlowEnvar, value.ClassAgentFlowSecret, value.ClassAgentFlowDeployment,
		value.ClassAgentFlowSpec, value.ClassWorkerFlowDeployment, value.ClassWorkerFlowSpec} {
		out[id] = seedFields(id)
	}
	return out
})

func seedFields(classID string) []Field {
	switch classID {
	case value.ClassAgentFlowEnvar:
		return []Field{
			{Name: "envar_name", Kind: KindStrictStr, Required: true},
			{Name: "envar_value", Kind: KindStrictStr, Required: true},
		}
	case value.ClassAgentFlowSecret:
		return []Field{
			{Name: "envar_name", Kind: KindStrictStr, Required: true},
			{Name: "secret_name", Kind: KindStrictStr, Required: true},
		}
	case value.ClassAgentFlowDeployment:
		return []Field{
			{Name: "deployment_name", Kind: KindStr, Required: true},
			{Name: "cpu", Kind: KindStr, Default: strDefault(agentDefaultCPU)},
			{Name: "memory", Kind: KindStr, Default: strDefault(agentDefaultMemory)},
			{Name: "parameters", Kind: KindDictStrAny, Default: dictDefault},
			{Name: "schedule", Kind: KindSchedule, Default: noneDefault},
			{Name: "envars", Kind: KindList, Elem: modelList(value.ClassAgentFlowEnvar), Default: listDefault},
		}
	case value.ClassAgentFlowSpec:
		return []Field{
			{Name: "flow", Kind: KindFlow, Required: true},
			{Name: "secrets", Kind: KindList, Elem: modelList(value.ClassAgentFlowEnvar, value.ClassAgentFlowSecret), Default: listDefault},
			{Name: "envars", Kind: KindList, Elem: modelList(value.ClassAgentFlowEnvar), Default: listDefault},
			{Name: "docker_env", Kind: KindStrictStr, Required: true},
			{Name: "ephemeral_storage_gb", Kind: KindInt, Default: intDefault(agentDefaultStorageGB),
				Gt: bound(agentStorageGreaterThan), Lt: bound(agentStorageLessThan)},
			{Name: "deployments", Kind: KindList, Elem: modelList(value.ClassAgentFlowDeployment), Default: listDefault},
			{Name: "is_agent", Kind: KindBool, Default: boolDefault(true)},
		}
	case value.ClassWorkerFlowDeployment:
		return []Field{
			{Name: "name", Kind: KindStr, Required: true},
			{Name: "cron", Kind: KindOptStr, Default: noneDefault},
			{Name: "timezone", Kind: KindStr, Default: strDefault(workerDefaultTimezone)},
			{Name: "parameters", Kind: KindDict, Default: dictDefault},
			{Name: "description", Kind: KindOptStr, Default: noneDefault},
			{Name: "tags", Kind: KindList, Elem: &Field{Kind: KindStr}, Default: listDefault},
			{Name: "version", Kind: KindOptStr, Default: noneDefault},
			{Name: "enforce_parameter_schema", Kind: KindBool, Default: boolDefault(false)},
			// The default is DF_CONFIG_DEFAULT_WORK_POOL as the planner reads it.
			{Name: "work_pool_name", Kind: KindStr},
			{Name: "work_queue_name", Kind: KindStr, Default: strDefault(workerDefaultWorkQueue)},
			{Name: "job_variables", Kind: KindDictStrAny, Default: dictDefault},
		}
	case value.ClassWorkerFlowSpec:
		return []Field{
			{Name: "flow", Kind: KindFlow, Required: true},
			{Name: "docker_env", Kind: KindStrictStr, Required: true},
			{Name: "deployments", Kind: KindList, Elem: modelList(value.ClassWorkerFlowDeployment), Default: listDefault},
			{Name: "is_agent", Kind: KindBool, Default: boolDefault(false)},
		}
	}
	return nil
}

// SeedField is field name of a seed model class.
func SeedField(classID, name string) (Field, bool) {
	for _, f := range SeedFields(classID) {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// ModelBuilder builds a seed model from a dict, as pydantic does for a dict
// given where a model is expected (cls(**d)).
type ModelBuilder func(classID string, d *value.Dict) value.Value

// Store is the value pydantic v1 stores for v given to the constructor for
// field f. ok is false when pydantic would refuse v: then v is stored as
// given, and lift reports the error.
func (f Field) Store(v value.Value, build ModelBuilder) (stored value.Value, ok bool) {
	if _, unknown := v.(value.Unknown); unknown {
		return v, true
	}
	switch f.Kind {
	case KindStr:
		if s, msg := coerceStr(v); msg == "" {
			return value.Str(s), true
		}
		return v, false
	case KindStrictStr:
		_, isStr := v.(value.Str)
		return v, isStr
	case KindOptStr:
		if _, none := v.(value.NoneType); none {
			return v, true
		}
		return Field{Kind: KindStr}.Store(v, build)
	case KindInt:
		i, msg := coerceInt(v)
		if msg != "" {
			return v, false
		}
		inRange := (f.Gt == nil || i.Cmp(big.NewInt(*f.Gt)) > 0) && (f.Lt == nil || i.Cmp(big.NewInt(*f.Lt)) < 0)
		return value.Int{V: i}, inRange
	case KindFlow:
		fn, ok := v.(*value.Function)
		return v, ok && fn.Flow != nil
	case KindSchedule:
		switch x := v.(type) {
		case value.NoneType, *value.Dict:
			return v, true
		case *value.Instance:
			switch x.Class.ID {
			case value.ClassCronSchedule, value.ClassIntervalSchedule, value.ClassRRuleSchedule:
				return v, true
			}
		}
		return v, false
	case KindBool:
		if b, msg := coerceBool(v); msg == "" {
			return value.Bool(b), true
		}
		return v, false
	case KindList:
		elems, msg := sequenceElems(v)
		if msg != "" {
			return v, false
		}
		out := &value.List{Elems: make([]value.Value, len(elems))}
		for i, e := range elems {
			s, ok := f.Elem.Store(e, build)
			if !ok {
				return v, false
			}
			out.Elems[i] = s
		}
		return out, true
	case KindDictStrAny:
		d, ok := v.(*value.Dict)
		if !ok {
			return v, false
		}
		out := &value.Dict{}
		for i, k := range d.Keys {
			ks, msg := coerceStr(k)
			if msg != "" {
				return v, false
			}
			setItem(out, value.Str(ks), d.Vals[i])
		}
		return out, true
	case KindModel:
		switch x := v.(type) {
		case *value.Instance:
			for _, c := range f.Classes {
				if x.Class.ID == c && x.State != nil {
					return x.Copy(), true
				}
			}
		case *value.Dict:
			if build == nil {
				return v, true
			}
			class := f.Classes[0]
			if len(f.Classes) > 1 && isFlowSecret(x) {
				// Union[FlowEnvar, FlowSecret]: the dict builds the first
				// member that validates, as lift's envars decides.
				class = value.ClassAgentFlowSecret
			}
			return build(class, x), true
		}
		return v, false
	}
	return v, true
}

// Stored reports whether v is what pydantic could have stored for field f:
// a value the constructor stored is, and one assigned or put into a field's
// list or dict afterwards may not be.
func (f Field) Stored(v value.Value) bool {
	switch v.(type) {
	case value.Unknown:
		return true
	case value.NoneType:
		return f.Kind == KindOptStr || f.Kind == KindAny || f.Kind == KindSchedule
	}
	switch f.Kind {
	case KindStr, KindStrictStr, KindOptStr:
		_, ok := v.(value.Str)
		return ok
	case KindInt:
		_, ok := v.(value.Int)
		return ok
	case KindBool:
		_, ok := v.(value.Bool)
		return ok
	case KindList:
		l, ok := v.(*value.List)
		if !ok {
			return false
		}
		for _, e := range l.Elems {
			if !f.Elem.Stored(e) {
				return false
			}
		}
		return true
	case KindDictStrAny:
		d, ok := v.(*value.Dict)
		if !ok {
			return false
		}
		for _, k := range d.Keys {
			if _, ok := k.(value.Str); !ok {
				return false
			}
		}
		return true
	case KindDict:
		_, ok := v.(*value.Dict)
		return ok
	case KindModel:
		if x, ok := v.(*value.Instance); ok {
			for _, c := range f.Classes {
				if x.Class.ID == c {
					return true
				}
			}
		}
		return false
	case KindFlow:
		fn, ok := v.(*value.Function)
		return ok && fn.Flow != nil
	}
	return true
}

// isDefault reports whether v still equals the default a new instance got
// for f: such a field counts as not given.
func (f Field) isDefault(v value.Value) bool {
	if f.Default == nil {
		return false
	}
	switch d := f.Default().(type) {
	case *value.List:
		l, ok := v.(*value.List)
		return ok && len(l.Elems) == len(d.Elems)
	case *value.Dict:
		x, ok := v.(*value.Dict)
		return ok && x.Len() == 0
	case value.Int:
		i, ok := v.(value.Int)
		return ok && i.V.Cmp(d.V) == 0
	default:
		return v == d
	}
}

// stateArgs gives the fields of a seed model instance built by the
// evaluator as they are now: the values pydantic stored, changed by any
// assignment or mutation since. A value pydantic could not have stored
// there (assigned after construction, or put into the field's list or
// dict afterwards) is an error: the original would have used it as it is.
// ok is false when there is one.
func (l *lifter) stateArgs(m model, x *value.Instance, args map[string]arg) (ok bool) {
	ok = true
	for _, f := range SeedFields(x.Class.ID) {
		v, has := x.State.Values[f.Name]
		if !has {
			continue
		}
		o := x.State.Origin[f.Name]
		if !o.Given && f.isDefault(v) {
			continue
		}
		a := arg{name: f.Name, val: v, pos: o.Pos, src: o.Src}
		args[f.Name] = a
		if _, isDict := v.(*value.Dict); f.Kind == KindSchedule && isDict && o.Assigned {
			// pydantic builds a schedule from a dict only in the constructor
		} else if f.Stored(v) {
			continue
		}
		if _, valid := f.Store(v, nil); !valid {
			continue // not valid at all: the field's own check reports it
		}
		what := "a " + typeName(v)
		if list, isList := v.(*value.List); isList && f.Elem != nil {
			for i, e := range list.Elems {
				if !f.Elem.Stored(e) {
					what = fmt.Sprintf("a %s at [%d]", typeName(e), i)
					break
				}
			}
		}
		how := "was changed after " + m.name + "(...) was built and holds " + what
		if o.Assigned {
			how = "was assigned " + what + " after " + m.name + "(...) was built"
		}
		l.errorf(a, "%s.%s %s, which pydantic converts only when it is given to the constructor (the model has no validate_assignment): the original would deploy it unconverted", m.name, f.Name, how)
		ok = false
	}
	return ok
}
