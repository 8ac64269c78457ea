package executor

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/flowplan/flowplan/executor/prefect"
	"github.com/flowplan/flowplan/plan"
)

// Op is what applying the plan does to one resource, as the comparison of
// the plan with the live state decides it.
type Op string

// The operations.
const (
	OpNoOp   Op = "no-op"  // the live resource already matches the plan
	OpCreate Op = "create" // the resource does not exist
	OpUpdate Op = "update" // fields of the live resource change in place
	// OpReplace makes a new resource in place of the live one: a task
	// definition revision is immutable, so a change registers a new one.
	OpReplace Op = "replace"
)

// action is how a Result reports the operation.
func (o Op) action() Action {
	switch o {
	case OpCreate:
		return Created
	case OpUpdate, OpReplace:
		return Updated
	}
	return Unchanged
}

// FieldChange is one managed field whose live value differs from the
// plan's, both as JSON ("" for a value that is absent).
type FieldChange struct {
	Field   string
	Planned string
	Live    string
}

// MarshalJSON writes the change with its values as JSON values, leaving
// out an absent one.
func (c FieldChange) MarshalJSON() ([]byte, error) {
	out := struct {
		Field   string          `json:"field"`
		Planned json.RawMessage `json:"planned,omitempty"`
		Live    json.RawMessage `json:"live,omitempty"`
	}{Field: c.Field}
	if c.Planned != "" {
		out.Planned = json.RawMessage(c.Planned)
	}
	if c.Live != "" {
		out.Live = json.RawMessage(c.Live)
	}
	return json.Marshal(out)
}

// fieldNames lists the changed fields' names, in order.
func fieldNames(changes []FieldChange) []string {
	if len(changes) == 0 {
		return nil
	}
	out := make([]string, len(changes))
	for i, c := range changes {
		out[i] = c.Field
	}
	return out
}

// flowChanges is the change set of one flow: what comparing the plan's
// resources of the flow with their live state found, in apply order. A
// resource whose live state could not be read, or that cannot be applied
// because a resource it needs cannot, carries the error instead of an
// operation.
type flowChanges struct {
	flow        plan.Flow
	taskDef     *taskDefinitionChange // nil when the flow has no task definition of its own
	block       *blockChange          // nil when the flow has no block
	flowRes     flowChange
	deployments []deploymentChange
}

// taskDefinitionChange compares the plan's task definition with the
// family's latest revision.
type taskDefinitionChange struct {
	td      *plan.TaskDefinition
	input   *ecs.RegisterTaskDefinitionInput
	liveARN string // "" when the family has no revision
	op      Op
	changes []FieldChange
	err     error
}

// blockChange compares the flow's ECS task block with the live one.
type blockChange struct {
	block *plan.Block
	bt    blockTypeInfo
	live  *prefect.BlockDocument // nil when missing
	// data is the block data to save, the task definition ARN in effect
	// filled in (unknownID when the task definition is to be registered).
	data    map[string]any
	op      Op
	changes []FieldChange
	err     error
}

// flowChange says whether the flow is to be created.
type flowChange struct {
	name string
	live *prefect.Flow // nil when missing
	op   Op
	err  error
}

// deploymentChange compares one deployment with the live one.
type deploymentChange struct {
	d    plan.Deployment
	refs deploymentRefs
	// ownBlock: the deployment runs on the flow's own block, whose id is
	// known only once the block is saved.
	ownBlock bool
	live     *prefect.Deployment // nil when missing
	// liveFields are the live deployment's fields as the server sent them.
	liveFields map[string]json.RawMessage
	body       prefect.DeploymentCreate
	op         Op
	// method is how an update is sent: "PATCH" (the changed fields only)
	// or "upsert" (POST /deployments/ with every managed field).
	method  string
	changes []FieldChange
	// readErr is an error of the reads the deployment needs before its
	// own block (reading it, its storage block); err one after (its work
	// pool, the comparison). A failed own block is reported between the
	// two.
	readErr, err error
}

// failure is the deployment's error, given why its own block failed
// (nil when it did not).
func (c *deploymentChange) failure(ownBlockErr error) error {
	switch {
	case c.readErr != nil:
		return c.readErr
	case c.ownBlock && ownBlockErr != nil:
		return ownBlockErr
	}
	return c.err
}

// results reports the change set as a dry run does: what would be done to
// each resource of the flow, in apply order.
func (fc *flowChanges) results() []Result {
	r := &flowRun{flow: fc.flow}
	f := fc.flow
	if c := fc.taskDef; c != nil {
		res := Result{Kind: KindTaskDefinition, Name: c.td.Family, order: resultOrder{step: stepTaskDefinition}}
		if c.err != nil {
			res.Action, res.Error = Failed, c.err.Error()
			r.add(res)
			r.failRest(stepBlock, taskDefinitionFailed(c.td))
			return r.results
		}
		res.Action, res.Changes, res.Detail, res.Diff = c.op.action(), fieldNames(c.changes), c.liveARN, c.changes
		if c.op != OpNoOp {
			res.Detail = "new revision"
		}
		r.add(res)
	}
	var ownBlockErr error
	if c := fc.block; c != nil {
		res := Result{Kind: KindBlock, Name: blockName(f.Block), order: resultOrder{step: stepBlock}}
		if c.err != nil {
			res.Action, res.Error = Failed, c.err.Error()
			ownBlockErr = blockFailed(f.Block)
		} else {
			res.Action, res.Changes, res.Diff = c.op.action(), fieldNames(c.changes), c.changes
		}
		r.add(res)
	}
	flowRes := Result{Kind: KindFlow, Name: f.Name, Action: fc.flowRes.op.action(), order: resultOrder{step: stepFlow}}
	if err := fc.flowRes.err; err != nil {
		flowRes.Action, flowRes.Error = Failed, err.Error()
		r.add(flowRes)
		r.failRest(stepDeployment, flowFailed(f.Name))
		return r.results
	}
	r.add(flowRes)
	for j := range fc.deployments {
		c := &fc.deployments[j]
		res := Result{Kind: KindDeployment, Name: deploymentName(c.d), order: resultOrder{step: stepDeployment, sub: j}}
		if err := c.failure(ownBlockErr); err != nil {
			res.Action, res.Error = Failed, err.Error()
		} else {
			res.Action, res.Changes, res.Detail, res.Diff = c.op.action(), fieldNames(c.changes), c.method, c.changes
		}
		r.add(res)
	}
	return r.results
}

// writes reports whether applying the change set writes anything: whether
// a resource is to be created or updated.
func (fc *flowChanges) writes() bool {
	return slices.ContainsFunc(fc.results(), func(r Result) bool { return r.Action == Created || r.Action == Updated })
}

// The errors of resources not applied because one they need failed.
func taskDefinitionFailed(td *plan.TaskDefinition) error {
	return fmt.Errorf("not applied: task definition %s failed", td.Family)
}

func blockFailed(b *plan.Block) error {
	return fmt.Errorf("not applied: block %s failed", blockName(b))
}

func flowFailed(name string) error { return fmt.Errorf("not applied: flow %s failed", name) }
