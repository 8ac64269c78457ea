package executor

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/extractor/spec"
)

func TestDryRunWritesNothingAndPredictsTheApply(t *testing.T) {
	f := newFixture(t)
	p := agentPlan(t, 2, 2)
	dry := func(o *Options) { o.DryRun = true }

	// On an empty server: everything would be created, nothing is.
	s := f.apply(t, p, dry)
	require.False(t, s.Failed(), "%+v", s.Resources)
	assert.True(t, s.DryRun)
	assert.Equal(t, 1+2*5, len(changed(s))+s.Count(Pushed))
	assert.Empty(t, f.writes())
	assert.Zero(t, f.registrations())
	assert.Empty(t, f.dockerCalls(t))
	assert.Zero(t, f.prefect.DeploymentCount())
	assert.Equal(t, "10 would create, 0 would update, 0 unchanged, 1 images would build and push, 0 failed", s.CountsLine())
	first := f.apply(t, p)
	assert.Equal(t, changed(s), changed(first), "the dry run named what the apply then created")

	// A changed plan: the dry run names exactly what the apply changes.
	changedPlan := planWith(t, 2, 2, func(files []spec.FileResult) {
		files[0].Spec.Agent.Secrets = []spec.Envar{{EnvarName: "MY_SECRET_JSON", EnvarValue: "/rotated"}}
		files[1].Spec.Agent.Deployments[0].Parameters = json.RawMessage(`{"n": 1}`)
	})
	f.reset(t)
	s = f.apply(t, changedPlan, dry, onlyFlows)
	assert.Empty(t, f.writes())
	assert.Zero(t, f.registrations())
	want := []string{
		"task_definition data-products-folder000-flow-1-main",
		"block ecs-task/data-products-folder000-flow-1-main",
		"deployment data-products.folder001.flow-1/dep0-main",
	}
	assert.Equal(t, want, changed(s))
	r, _ := s.Find(KindBlock, "ecs-task/data-products-folder000-flow-1-main")
	assert.Equal(t, []string{"task_definition_arn"}, r.Changes)
	r, _ = s.Find(KindDeployment, "data-products.folder001.flow-1/dep0-main")
	assert.Equal(t, []string{"parameters"}, r.Changes)
	assert.Equal(t, "PATCH", r.Detail)
	require.Len(t, r.Diff, 1)
	assert.Equal(t, FieldChange{Field: "parameters", Planned: `{"n":1}`, Live: `{"deployment":0,"flow":1,"name":"x"}`}, r.Diff[0])
	// The text names each changed field with its live and planned value.
	var text bytes.Buffer
	require.NoError(t, s.WriteText(&text))
	golden(t, "summary_dry_run_changes.golden", text.Bytes())

	applied := f.apply(t, changedPlan, onlyFlows)
	assert.Equal(t, want, changed(applied))
}
