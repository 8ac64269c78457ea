package executor

import (
	"encoding/json"
	"flag"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestFirstApplyCreatesEverythingAndSecondWritesNothing(t *testing.T) {
	f := newFixture(t)
	p := agentPlan(t, 3, 2)

	first := f.apply(t, p)
	require.False(t, first.Failed(), "%+v", first.Resources)

	// Every resource of the plan, created.
	want := map[string]Action{"image data-products-base-py-3.10": Pushed}
	for _, fl := range p.Flows {
		want["task_definition "+fl.TaskDefinition.Family] = Created
		want["block ecs-task/"+fl.Block.Name] = Created
		want["flow "+fl.Name] = Created
		for _, d := range fl.Deployments {
			want["deployment "+d.FlowName+"/"+d.Name] = Created
		}
	}
	assert.Equal(t, want, actions(first))
	assert.Equal(t, 3, f.registrations())

	// The live state is the plan's.
	storage, ok := f.prefect.BlockDocument("github", "data-flows-main")
	require.True(t, ok)
	for _, fl := range p.Flows {
		revs := f.aws.TaskDefinitions(fl.TaskDefinition.Family)
		require.Len(t, revs, 1)
		arn := fmt.Sprintf("arn:aws:ecs:us-east-1:%s:task-definition/%s:1", testAccount, fl.TaskDefinition.Family)
		doc, ok := f.prefect.BlockDocument("ecs-task", fl.Block.Name)
		require.True(t, ok)
		assert.Equal(t, map[string]any{
			"task_definition_arn": arn, "cluster": "prefect-v2-agent-main", "launch_type": "FARGATE",
			"allow_task_definition_registration": false,
		}, doc["data"])
		for _, d := range fl.Deployments {
			live, ok := f.prefect.Deployment(d.FlowName, d.Name)
			require.True(t, ok, d.Name)
			want, err := json.Marshal(d.Request)
			require.NoError(t, err)
			var wantFields map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(want, &wantFields))
			for k, v := range wantFields {
				got, err := json.Marshal(live[k])
				require.NoError(t, err)
				assert.JSONEq(t, string(v), string(got), "%s %s", d.Name, k)
			}
			block, _ := f.prefect.BlockDocument("ecs-task", fl.Block.Name)
			assert.Equal(t, storage["id"], live["storage_document_id"])
			assert.Equal(t, block["id"], live["infrastructure_document_id"])
		}
	}

	// Docker: build as the plan says, one login with the password on
	// stdin, tag and push.
	calls := f.dockerCalls(t)
	require.Len(t, calls, 4)
	im := p.Images[0]
	assert.Equal(t, []string{"build", "-t", im.LocalName, "-f", ".docker/main/Dockerfile", "--platform", "linux/amd64", "--build-arg", "PYTHON_VERSION=3.10", "."}, calls[0].Args)
	assert.Equal(t, []string{"login", "--username", "AWS", "--password-stdin", f.aws.Registry()}, calls[1].Args)
	assert.Equal(t, f.aws.ECRPassword(), calls[1].Stdin)
	assert.Equal(t, []string{"tag", im.LocalName, im.URI}, calls[2].Args)
	assert.Equal(t, []string{"push", im.URI}, calls[3].Args)
	assert.Contains(t, f.dockerOut.String(), "["+im.LocalName+"] ")

	// Second apply: reads only, and says so.
	f.reset(t)
	second := f.apply(t, p, func(o *Options) { o.Only = OnlyFlows })
	assert.Empty(t, f.writes())
	assert.Zero(t, f.registrations())
	assert.False(t, second.Changed())
	assert.Equal(t, "no changes, 15 unchanged, 0 failed", second.CountsLine())
	reads, writes := f.prefect.Counts()
	assert.Zero(t, writes)
	assert.Positive(t, reads)
}
