package executor

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/flowplan/flowplan/executor/aws"
	"github.com/flowplan/flowplan/executor/prefect"
	"github.com/flowplan/flowplan/plan"
)

// unknownID stands for the id or ARN of a resource that is not created
// yet: it compares unequal to every live value.
const unknownID = "(known after apply)"

// compareFlow compares the plan's resources of flow f with their live
// state and returns the flow's change set. It reads and writes nothing.
// major is the Prefect major version the plan targets.
func compareFlow(f plan.Flow, lf *liveFlow, major int) *flowChanges {
	fc := &flowChanges{flow: f}
	arn := "" // the task definition ARN in effect, "" when not known yet
	if f.TaskDefinition != nil {
		fc.taskDef = compareTaskDefinition(f.TaskDefinition, lf.td, lf.tdARN, lf.tdErr)
		if fc.taskDef.op == OpNoOp {
			arn = fc.taskDef.liveARN
		}
	}
	ownBlockID := unknownID
	if f.Block != nil {
		err := lf.btErr
		if err == nil {
			err = lf.blkErr
		}
		if err != nil {
			fc.block = &blockChange{block: f.Block, err: err}
		} else {
			fc.block = compareBlock(f.Block, arn, lf.bt, lf.block)
		}
		if fc.block.err == nil && fc.block.live != nil {
			ownBlockID = fc.block.live.ID
		}
	}
	fc.flowRes = flowChange{name: f.Name, live: lf.flow, op: OpNoOp, err: lf.flowErr}
	flowID := unknownID
	if lf.flow == nil {
		fc.flowRes.op = OpCreate
	} else {
		flowID = lf.flow.ID
	}
	fc.deployments = make([]deploymentChange, len(f.Deployments))
	for j, d := range f.Deployments {
		ld := lf.deps[j]
		refs := deploymentRefs{flowID: flowID, storageID: ld.storage.id}
		own := d.InfrastructureBlock != nil && isOwnBlock(f, *d.InfrastructureBlock)
		var lateErr error
		switch {
		case own:
			refs.infrastructureID = ownBlockID
		case d.InfrastructureBlock != nil:
			refs.infrastructureID, lateErr = ld.infra.id, ld.infra.err
		}
		if lateErr == nil {
			lateErr = ld.poolErr
		}
		c := deploymentChange{d: d, refs: refs, ownBlock: own, live: ld.dep}
		if lateErr == nil && ld.err == nil && ld.storage.err == nil {
			c = compareDeployment(d, refs, ld.dep, major)
			c.ownBlock = own
		}
		c.readErr = cmpErr(ld.err, ld.storage.err)
		c.err = cmpErr(lateErr, c.err)
		fc.deployments[j] = c
	}
	return fc
}

// cmpErr returns the first error that is not nil.
func cmpErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// compareTaskDefinition compares the plan's task definition with the
// family's latest ACTIVE revision (live, nil when there is none): a compared
// field that differs, normalized so that AWS's defaults and order never
// cause churn, asks for a new revision.
func compareTaskDefinition(td *plan.TaskDefinition, live *ecstypes.TaskDefinition, liveARN string, readErr error) *taskDefinitionChange {
	c := &taskDefinitionChange{td: td, liveARN: liveARN, op: OpNoOp}
	if readErr != nil {
		c.err = readErr
		return c
	}
	c.input, c.err = registerInput(td)
	if c.err != nil {
		return c
	}
	if live == nil {
		c.op = OpCreate
		return c
	}
	for _, d := range aws.Diff(c.input, live) {
		c.changes = append(c.changes, FieldChange{Field: d.Field, Planned: d.Desired, Live: d.Live})
	}
	if len(c.changes) > 0 {
		c.op = OpReplace
	}
	return c
}

// compareBlock compares the flow's ECS task block, with the task
// definition ARN arn in effect ("" when it is not known yet), with the live
// block (nil when missing): its managed data fields are compared, other
// fields set on the block by hand are left alone.
func compareBlock(b *plan.Block, arn string, bt blockTypeInfo, live *prefect.BlockDocument) *blockChange {
	c := &blockChange{block: b, bt: bt, live: live, op: OpNoOp}
	c.data, c.err = blockData(b, arn)
	if c.err != nil {
		return c
	}
	if live == nil {
		c.op = OpCreate
		return c
	}
	c.changes, c.err = blockChanges(b, c.data, live)
	if len(c.changes) > 0 {
		c.op = OpUpdate
	}
	return c
}

// blockData is the block's managed data with the task definition ARN in
// effect (unknownID when arn is "").
func blockData(b *plan.Block, arn string) (map[string]any, error) {
	data := map[string]any{
		"task_definition_arn":                b.Data.TaskDefinitionArn,
		"cluster":                            b.Data.Cluster,
		"launch_type":                        b.Data.LaunchType,
		"allow_task_definition_registration": b.Data.AllowTaskDefinitionRegistration,
	}
	if family, ok := plan.IsTaskDefinitionARNPlaceholder(b.Data.TaskDefinitionArn); ok {
		if family != b.TaskDefinitionFamily {
			return nil, fmt.Errorf("block %s: task_definition_arn names family %s, but the block's family is %s", b.Name, family, b.TaskDefinitionFamily)
		}
		if arn == "" {
			arn = unknownID
		}
		data["task_definition_arn"] = arn
	}
	return data, nil
}

// blockChanges lists the managed data fields whose live value differs.
func blockChanges(b *plan.Block, data map[string]any, live *prefect.BlockDocument) ([]FieldChange, error) {
	var changes []FieldChange
	for k, v := range data {
		want, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("encoding block %s: %w", b.Name, err)
		}
		have, err := json.Marshal(live.Data[k])
		if err != nil {
			return nil, fmt.Errorf("decoding block %s: %w", b.Name, err)
		}
		if !sameJSON(want, have) {
			changes = append(changes, FieldChange{Field: k, Planned: string(want), Live: liveJSON(live.Data, k, have)})
		}
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].Field < changes[j].Field })
	return changes, nil
}

// liveJSON is a live field's JSON, "" when the field is absent.
func liveJSON(data map[string]any, k string, raw []byte) string {
	if _, ok := data[k]; !ok {
		return ""
	}
	return string(raw)
}

// patchable lists the fields PATCH /deployments/{id} accepts, per Prefect
// major version (DeploymentUpdate in Prefect 2.10.6 and in Prefect 3).
var patchable = map[int][]string{
	2: {"description", "entrypoint", "infra_overrides", "infrastructure_document_id", "is_schedule_active",
		"manifest_path", "parameters", "path", "schedule", "storage_document_id", "tags", "version",
		"work_pool_name", "work_queue_name"},
	3: {"description", "enforce_parameter_schema", "entrypoint", "infrastructure_document_id", "job_variables",
		"parameter_openapi_schema", "parameters", "path", "paused", "pull_steps", "schedules",
		"storage_document_id", "tags", "version", "work_pool_name", "work_queue_name"},
}

// compareDeployment compares a deployment, with the ids refs, with the live
// one (nil when missing) in the fields the plan manages:
//   - missing: create it (POST /deployments/ with the managed fields; the
//     server fills in the defaults of the unmanaged ones);
//   - changed, and every changed field is one PATCH accepts on this Prefect
//     version: update it with PATCH /deployments/{id} and the changed fields
//     only. This is the non-destructive choice: the server keeps every field
//     not sent, including those the plan leaves unmanaged and those flowplan
//     does not know, whereas Prefect 2.10.6's upsert rebuilds the row from
//     the body and resets whatever it leaves out. (Both delete the
//     deployment's auto-scheduled runs, PrefectHQ/prefect#17764, which is
//     why nothing is written when nothing changed.)
//   - changed in a field PATCH does not take (on Prefect 2.10.6
//     parameter_openapi_schema and pull_steps): update it with the POST
//     /deployments/ upsert, the managed fields plus the unmanaged ones copied
//     from the server, as the original's Deployment.load did, so that they
//     are kept.
func compareDeployment(d plan.Deployment, refs deploymentRefs, live *prefect.Deployment, major int) deploymentChange {
	c := deploymentChange{d: d, refs: refs, live: live, op: OpNoOp}
	c.body = deploymentCreate(d.Request, refs)
	if live == nil {
		c.op = OpCreate
		return c
	}
	desired, err := requestFields(c.body)
	if err != nil {
		c.err = fmt.Errorf("encoding deployment %s: %w", d.Name, err)
		return c
	}
	if err := json.Unmarshal(live.Raw, &c.liveFields); err != nil {
		c.err = fmt.Errorf("decoding deployment %s/%s: %w", d.FlowName, d.Name, err)
		return c
	}
	for k, v := range desired {
		if k == "name" || k == "flow_id" {
			continue // the deployment was found by flow and name
		}
		if !sameField(k, v, c.liveFields[k]) {
			c.changes = append(c.changes, FieldChange{Field: k, Planned: string(v), Live: string(c.liveFields[k])})
		}
	}
	if len(c.changes) == 0 {
		return c
	}
	sort.Slice(c.changes, func(i, j int) bool { return c.changes[i].Field < c.changes[j].Field })
	c.op, c.method = OpUpdate, "PATCH"
	if slices.ContainsFunc(c.changes, func(f FieldChange) bool { return !slices.Contains(patchable[major], f.Field) }) {
		c.method = "upsert"
	}
	return c
}

// requestFields is a request body as its fields' JSON by name.
func requestFields(body prefect.DeploymentCreate) (map[string]json.RawMessage, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, err
	}
	return fields, nil
}
