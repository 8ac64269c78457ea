package executor

import (
	"encoding/json"
	"errors"
	"testing"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/executor/prefect"
	"github.com/flowplan/flowplan/plan"
)

const (
	liveTaskDefinitionARN = "arn:aws:ecs:us-east-1:123456789012:task-definition/fam:7"
	liveBlockID           = "block-1"
	liveFlowID            = "flow-1"
	liveStorageID         = "storage-1"
)

// liveInSync is the live state of an agent-era flow that matches the plan:
// what an apply of it leaves behind.
func liveInSync(t *testing.T, f plan.Flow) *liveFlow {
	t.Helper()
	in, err := registerInput(f.TaskDefinition)
	require.NoError(t, err)
	data, err := blockData(f.Block, liveTaskDefinitionARN)
	require.NoError(t, err)
	lf := &liveFlow{
		td: &ecstypes.TaskDefinition{
			TaskRoleArn: in.TaskRoleArn, ExecutionRoleArn: in.ExecutionRoleArn,
			RequiresCompatibilities: in.RequiresCompatibilities, Cpu: in.Cpu, Memory: in.Memory,
			EphemeralStorage: in.EphemeralStorage, NetworkMode: in.NetworkMode, Volumes: in.Volumes,
			ContainerDefinitions: in.ContainerDefinitions,
		},
		tdARN: liveTaskDefinitionARN,
		block: &prefect.BlockDocument{ID: liveBlockID, Name: f.Block.Name, Data: data},
		flow:  &prefect.Flow{ID: liveFlowID, Name: f.Name},
		deps:  make([]liveDeployment, len(f.Deployments)),
	}
	for j, d := range f.Deployments {
		fields, err := requestFields(deploymentCreate(d.Request, deploymentRefs{flowID: liveFlowID, storageID: liveStorageID, infrastructureID: liveBlockID}))
		require.NoError(t, err)
		fields["id"] = json.RawMessage(`"dep-` + d.Name + `"`)
		fields["is_schedule_active"] = json.RawMessage(`true`)
		raw, err := json.Marshal(fields)
		require.NoError(t, err)
		lf.deps[j] = liveDeployment{dep: &prefect.Deployment{ID: "dep-" + d.Name, Raw: raw}, storage: idLookup{id: liveStorageID}}
	}
	return lf
}

// setLiveField changes one field of a live deployment as the server
// returns it.
func setLiveField(t *testing.T, ld *liveDeployment, field, value string) {
	t.Helper()
	var fields map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(ld.dep.Raw, &fields))
	fields[field] = json.RawMessage(value)
	raw, err := json.Marshal(fields)
	require.NoError(t, err)
	ld.dep.Raw = raw
}

// TestCompareFlow compares an agent-era flow (task definition, block, flow,
// two deployments) with live states built by hand: no HTTP, no fake.
func TestCompareFlow(t *testing.T) {
	f := agentPlan(t, 1, 2).Flows[0]
	td, blk, dep0, dep1 := "task_definition "+f.TaskDefinition.Family, "block "+blockName(f.Block),
		"deployment "+deploymentName(f.Deployments[0]), "deployment "+deploymentName(f.Deployments[1])
	readFailed := errors.New("HTTP 500")
	tests := []struct {
		name   string
		live   func(lf *liveFlow)
		want   map[string]string // "kind name" -> action, changed fields and detail or error
		writes bool
	}{
		{
			name:   "nothing live: everything is created",
			live:   func(lf *liveFlow) { *lf = liveFlow{deps: make([]liveDeployment, 2)} },
			want:   map[string]string{td: "created: new revision", blk: "created", "flow " + f.Name: "created", dep0: "created", dep1: "created"},
			writes: true,
		},
		{
			name:   "in sync: nothing changes",
			live:   func(*liveFlow) {},
			want:   map[string]string{td: "unchanged: " + liveTaskDefinitionARN, blk: "unchanged", "flow " + f.Name: "unchanged", dep0: "unchanged", dep1: "unchanged"},
			writes: false,
		},
		{
			name: "AWS's own spelling of cpu is no change",
			live: func(lf *liveFlow) { lf.td.Cpu = sdkaws.String("0.25 vCPU") },
			want: map[string]string{td: "unchanged: " + liveTaskDefinitionARN, blk: "unchanged", "flow " + f.Name: "unchanged", dep0: "unchanged", dep1: "unchanged"},
		},
		{
			name:   "a new task definition revision moves the block onto it",
			live:   func(lf *liveFlow) { lf.td.Cpu = sdkaws.String("4096") },
			want:   map[string]string{td: "updated (cpu): new revision", blk: "updated (task_definition_arn)", "flow " + f.Name: "unchanged", dep0: "unchanged", dep1: "unchanged"},
			writes: true,
		},
		{
			name:   "a changed parameter is patched",
			live:   func(lf *liveFlow) { setLiveField(t, &lf.deps[1], "parameters", `{"n": 2}`) },
			want:   map[string]string{td: "unchanged: " + liveTaskDefinitionARN, blk: "unchanged", "flow " + f.Name: "unchanged", dep0: "unchanged", dep1: "updated (parameters): PATCH"},
			writes: true,
		},
		{
			name: "fields the plan leaves unmanaged are not compared",
			live: func(lf *liveFlow) {
				setLiveField(t, &lf.deps[0], "is_schedule_active", `false`)
				setLiveField(t, &lf.deps[0], "manifest_path", `"x.yaml"`)
			},
			want: map[string]string{td: "unchanged: " + liveTaskDefinitionARN, blk: "unchanged", "flow " + f.Name: "unchanged", dep0: "unchanged", dep1: "unchanged"},
		},
		{
			name:   "a field Prefect 2's PATCH does not take is upserted",
			live:   func(lf *liveFlow) { setLiveField(t, &lf.deps[0], "parameter_openapi_schema", `{}`) },
			want:   map[string]string{td: "unchanged: " + liveTaskDefinitionARN, blk: "unchanged", "flow " + f.Name: "unchanged", dep0: "updated (parameter_openapi_schema): upsert", dep1: "unchanged"},
			writes: true,
		},
		{
			name: "a new block gets a new id: the deployments change with it",
			live: func(lf *liveFlow) { lf.block = nil },
			want: map[string]string{td: "unchanged: " + liveTaskDefinitionARN, blk: "created", "flow " + f.Name: "unchanged",
				dep0: "updated (infrastructure_document_id): PATCH", dep1: "updated (infrastructure_document_id): PATCH"},
			writes: true,
		},
		{
			name:   "a new flow has new deployments",
			live:   func(lf *liveFlow) { lf.flow, lf.deps = nil, make([]liveDeployment, 2) },
			want:   map[string]string{td: "unchanged: " + liveTaskDefinitionARN, blk: "unchanged", "flow " + f.Name: "created", dep0: "created", dep1: "created"},
			writes: true,
		},
		{
			name: "the task definition cannot be read: nothing of the flow is applied",
			live: func(lf *liveFlow) { lf.td, lf.tdARN, lf.tdErr = nil, "", readFailed },
			want: map[string]string{td: "failed: HTTP 500", blk: "failed: not applied: task definition " + f.TaskDefinition.Family + " failed",
				"flow " + f.Name: "failed: not applied: task definition " + f.TaskDefinition.Family + " failed",
				dep0:             "failed: not applied: task definition " + f.TaskDefinition.Family + " failed", dep1: "failed: not applied: task definition " + f.TaskDefinition.Family + " failed"},
		},
		{
			name: "the block cannot be read: the deployments on it are not applied, a storage error comes first",
			live: func(lf *liveFlow) {
				lf.block, lf.blkErr = nil, readFailed
				lf.deps[1].storage = idLookup{err: errors.New("no storage block")}
			},
			want: map[string]string{td: "unchanged: " + liveTaskDefinitionARN, blk: "failed: HTTP 500", "flow " + f.Name: "unchanged",
				dep0: "failed: not applied: block " + blockName(f.Block) + " failed", dep1: "failed: no storage block"},
		},
		{
			name: "the flow cannot be read: its deployments are not applied, the block still is",
			live: func(lf *liveFlow) {
				lf.flow, lf.flowErr, lf.deps = nil, readFailed, make([]liveDeployment, 2)
				lf.td.Cpu = sdkaws.String("4096")
			},
			want: map[string]string{td: "updated (cpu): new revision", blk: "updated (task_definition_arn)", "flow " + f.Name: "failed: HTTP 500",
				dep0: "failed: not applied: flow " + f.Name + " failed", dep1: "failed: not applied: flow " + f.Name + " failed"},
			writes: true,
		},
		{
			name: "one deployment cannot be read, the other is compared",
			live: func(lf *liveFlow) {
				lf.deps[0] = liveDeployment{err: readFailed, storage: idLookup{id: liveStorageID}}
				setLiveField(t, &lf.deps[1], "tags", `[]`)
			},
			want:   map[string]string{td: "unchanged: " + liveTaskDefinitionARN, blk: "unchanged", "flow " + f.Name: "unchanged", dep0: "failed: HTTP 500", dep1: "updated (tags): PATCH"},
			writes: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lf := liveInSync(t, f)
			tt.live(lf)
			fc := compareFlow(f, lf, 2)
			got := map[string]string{}
			for _, r := range fc.results() {
				s := string(r.Action)
				if len(r.Changes) > 0 {
					s += " (" + join(r.Changes) + ")"
				}
				if r.Error != "" {
					s += ": " + r.Error
				} else if r.Detail != "" {
					s += ": " + r.Detail
				}
				got[string(r.Kind)+" "+r.Name] = s
			}
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.writes, fc.writes())
		})
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}

// TestCompareFlowFieldChanges: the change set carries the planned and the
// live value of every changed field.
func TestCompareFlowFieldChanges(t *testing.T) {
	f := agentPlan(t, 1, 1).Flows[0]
	lf := liveInSync(t, f)
	lf.td.Memory = sdkaws.String("8192")
	setLiveField(t, &lf.deps[0], "version", `null`)
	fc := compareFlow(f, lf, 2)

	require.Len(t, fc.taskDef.changes, 1)
	assert.Equal(t, OpReplace, fc.taskDef.op)
	assert.Equal(t, FieldChange{Field: "memory", Planned: `"` + f.TaskDefinition.Memory + `"`, Live: `"8192"`}, fc.taskDef.changes[0])
	assert.Equal(t, OpUpdate, fc.block.op)
	assert.Equal(t, []FieldChange{{Field: "task_definition_arn", Planned: `"` + unknownID + `"`, Live: `"` + liveTaskDefinitionARN + `"`}}, fc.block.changes)
	dc := fc.deployments[0]
	assert.Equal(t, OpUpdate, dc.op)
	assert.Equal(t, "PATCH", dc.method)
	want, err := json.Marshal(dc.body.Version)
	require.NoError(t, err)
	assert.Equal(t, []FieldChange{{Field: "version", Planned: string(want), Live: "null"}}, dc.changes)
}
