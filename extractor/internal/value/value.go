// Package value is the evaluator's model of Python values. It is the one place
// that knows what a Python value is; the evaluator computes them and the lift
// stage reads them. Formatting (str, repr, format) lives with the evaluator.
package value

import (
	"github.com/flowplan/flowplan/extractor/spec"
	"math/big"

	"github.com/flowplan/flowplan/extractor/diag"
)

// Value is a Python value known statically.
type Value interface {
	// TypeName is Python's type(v).__name__, e.g. "str", "dict", "FlowSpec".
	TypeName() string
}

// NoneType is Python's None.
type NoneType struct{}

// None is the None value.
var None = NoneType{}

func (NoneType) TypeName() string { return "NoneType" }

// Bool is a Python bool.
type Bool bool

func (Bool) TypeName() string { return "bool" }

// Int is a Python int of any size. V is never nil and never mutated once built.
type Int struct{ V *big.Int }

func (Int) TypeName() string { return "int" }

// NewInt builds an Int from an int64.
func NewInt(i int64) Int { return Int{V: big.NewInt(i)} }

// Float is a Python float.
type Float float64

func (Float) TypeName() string { return "float" }

// Str is a Python str.
type Str string

func (Str) TypeName() string { return "str" }

// Bytes is a Python bytes value.
type Bytes string

func (Bytes) TypeName() string { return "bytes" }

// List is a Python list. It is a pointer so that aliases share mutations,
// as in Python (module-level `xs.append(...)`).
type List struct{ Elems []Value }

func (*List) TypeName() string { return "list" }

// Tuple is a Python tuple.
type Tuple struct{ Elems []Value }

func (*Tuple) TypeName() string { return "tuple" }

// Set is a Python set or frozenset. Elements are kept in insertion order;
// Python's own iteration order of a set depends on hashing (randomized for
// str), so consumers must not rely on it.
type Set struct {
	Frozen bool
	Elems  []Value
}

func (s *Set) TypeName() string {
	if s.Frozen {
		return "frozenset"
	}
	return "set"
}

// Dict is a Python dict: insertion ordered. Keys must be hashable values;
// equality of keys follows Python (1 == 1.0 == True). The evaluator owns
// lookup; Keys and Vals are parallel slices.
type Dict struct {
	Keys []Value
	Vals []Value
}

func (*Dict) TypeName() string { return "dict" }

// Len returns the number of items.
func (d *Dict) Len() int { return len(d.Keys) }

// Timedelta is datetime.timedelta, normalized as Python does:
// 0 <= Seconds < 86400 and 0 <= Microseconds < 1_000_000.
type Timedelta struct {
	Days         int64
	Seconds      int64
	Microseconds int64
	// Pendulum marks a pendulum Duration (a timedelta subclass whose str()
	// and repr() differ from timedelta's).
	Pendulum bool
}

func (Timedelta) TypeName() string { return "timedelta" }

// TotalSeconds is timedelta.total_seconds().
func (t Timedelta) TotalSeconds() float64 {
	return float64((t.Days*86400+t.Seconds)*1_000_000+t.Microseconds) / 1e6
}

// Datetime is datetime.datetime (or a pendulum DateTime). TZ is the tzinfo's
// name ("" for a naive datetime); UTCOffsetSeconds is meaningful when TZ != "".
type Datetime struct {
	Year, Month, Day            int
	Hour, Minute, Second, Micro int
	TZ                          string
	UTCOffsetSeconds            int
	// Pendulum marks a pendulum DateTime (str() is ISO 8601 with "T").
	Pendulum bool
}

func (Datetime) TypeName() string { return "datetime" }

// Date is datetime.date.
type Date struct{ Year, Month, Day int }

func (Date) TypeName() string { return "date" }

// Instance is an object built by calling a class the extractor knows: one of
// the deployment models, a Prefect schedule, a project-local data model or
// CommonSettings. Class names it; Args keeps the call's arguments as written
// (positional first), so the lift stage can validate them with pydantic's
// rules and point at each one.
type Instance struct {
	Class *Class
	Args  []Arg
	Pos   diag.Pos // position of the call
	Src   string   // source text of the call, for messages
	// Fields holds the resolved attribute values for instances whose class
	// the evaluator itself understands (local data models, settings); nil for
	// classes validated later by lift.
	Fields *Dict
	// FieldsSet names the fields a project model was given when built
	// (pydantic's __fields_set__), for .dict(exclude_unset=True).
	FieldsSet map[string]bool
	// Private holds a project pydantic model's private attributes
	// (PrivateAttr), which never reach .dict(); nil for other instances.
	Private *Dict
	// State is the __dict__ of a deployment model instance (FlowSpec,
	// FlowDeployment, FlowEnvar, FlowSecret of either era): the values
	// pydantic stored when the instance was built, as assignments and
	// mutations have left them since. nil for other classes.
	State *ModelState
}

// ModelState is a pydantic v1 model instance's __dict__. pydantic's shallow
// copy of a model (copy_on_model_validation = 'shallow', its default, used
// when a model is a field of another) shares it: an attribute assigned on
// either shows on both, as in pydantic.
type ModelState struct {
	Values map[string]Value  // by field name; a field without a known default is absent
	Origin map[string]Origin // where each value came from
}

// Origin says where a model field's value came from, for messages.
type Origin struct {
	Pos diag.Pos
	Src string
	// Given is set for a value given to the constructor or assigned since;
	// a default is not given.
	Given bool
	// Assigned is set when the value was assigned after construction, which
	// pydantic does not validate (the seed's models have no
	// validate_assignment).
	Assigned bool
}

// Copy is the shallow copy pydantic makes of a model given for a field of
// another model: a new instance sharing the state.
func (i *Instance) Copy() *Instance {
	c := *i
	return &c
}

func (i *Instance) TypeName() string { return i.Class.Name }

// Arg is one argument of a call. Name is "" for a positional argument.
type Arg struct {
	Name  string
	Value Value
	Pos   diag.Pos
	Src   string
}

// Class is a class the evaluator can call. ID is the canonical identity
// (see the Class* constants) shared by every import path that provides it.
type Class struct {
	ID     string // canonical id, e.g. ClassAgentFlowSpec, or "local:<module>.<Name>"
	Name   string // Python's __name__
	Module string // the module the class was imported from, as written
}

func (*Class) TypeName() string { return "type" }

// Canonical class ids. Several import paths map to one id: for example
// CronSchedule from prefect.server.schemas.schedules,
// prefect.orion.schemas.schedules and prefect.client.schemas.schedules.
const (
	ClassAgentFlowSpec        = "agent.FlowSpec"       // common.deployment, flowspec
	ClassAgentFlowDeployment  = "agent.FlowDeployment" // common.deployment, flowspec
	ClassAgentFlowEnvar       = "agent.FlowEnvar"
	ClassAgentFlowSecret      = "agent.FlowSecret"
	ClassWorkerFlowSpec       = "worker.FlowSpec"       // common.deployment.worker
	ClassWorkerFlowDeployment = "worker.FlowDeployment" // common.deployment.worker
	ClassCronSchedule         = "schedule.CronSchedule"
	ClassIntervalSchedule     = "schedule.IntervalSchedule"
	ClassRRuleSchedule        = "schedule.RRuleSchedule"
)

// KnownClass is the class object of a canonical id, named as the module that
// defines it first names it (the worker-era models as common.deployment.worker
// does), or nil for an id that is not one of the Class* constants.
func KnownClass(id string) *Class {
	names := map[string][2]string{
		ClassAgentFlowSpec:        {"FlowSpec", "common.deployment"},
		ClassAgentFlowDeployment:  {"FlowDeployment", "common.deployment"},
		ClassAgentFlowEnvar:       {"FlowEnvar", "common.deployment"},
		ClassAgentFlowSecret:      {"FlowSecret", "common.deployment"},
		ClassWorkerFlowSpec:       {"FlowSpec", "common.deployment.worker"},
		ClassWorkerFlowDeployment: {"FlowDeployment", "common.deployment.worker"},
		ClassCronSchedule:         {"CronSchedule", "prefect.server.schemas.schedules"},
		ClassIntervalSchedule:     {"IntervalSchedule", "prefect.server.schemas.schedules"},
		ClassRRuleSchedule:        {"RRuleSchedule", "prefect.server.schemas.schedules"},
	}
	n, ok := names[id]
	if !ok {
		return nil
	}
	return &Class{ID: id, Name: n[0], Module: n[1]}
}

// Function is a function defined at module level in a flow file (or a
// project-local module). Flow is set when it is decorated with Prefect's flow.
type Function struct {
	Name  string // __name__
	Pos   diag.Pos
	Flow  *FlowInfo
	Async bool
	// Impl is what the evaluator needs to run the function; nil for one it
	// cannot run.
	Impl any
}

func (*Function) TypeName() string { return "function" }

// FlowInfo is what a Prefect @flow decorator and its function tell statically.
type FlowInfo struct {
	FunctionName string  // def name, __name__
	Name         string  // decorator name= or the function name with "_" -> "-"
	Description  *string // decorator description=, else the docstring, else nil
	Parameters   []Param
	DecoratorPos diag.Pos
}

// Param is one parameter of a flow function.
type Param struct {
	Name       string
	Kind       string // "positional_or_keyword", "keyword_only", "var_positional", "var_keyword", "positional_only"
	Annotation string // source text of the annotation, "" when absent
	// Type is the annotation read as a type expression (for a flow's
	// parameters), nil when absent or when it is not one; TypeError then
	// says why.
	Type      *spec.TypeExpr
	TypeError string
	// Default is the evaluated default, nil when the parameter has none.
	// DefaultErr is set instead when the default cannot be known statically.
	Default    Value
	DefaultSrc string
	DefaultErr *diag.Diagnostic
}

// Unknown stands for a value the extractor cannot know statically (a call to
// an unknown function, an attribute of an unknown module, ...). Binding one
// to a name is not an error; using it where FLOW_SPEC needs a value reports
// Err, which says where and why.
type Unknown struct{ Err *diag.Diagnostic }

func (Unknown) TypeName() string { return "<unknown>" }
