package executor

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/executor/prefect/prefectfake"
	"github.com/flowplan/flowplan/extractor/spec"
	"github.com/flowplan/flowplan/plan"
)

func prefect3Fixture(t *testing.T) *fixture {
	return newFixtureWith(t, fixtureConfig{noStorage: true, prefect: []prefectfake.Option{
		prefectfake.WithVersion(prefectfake.Prefect3),
		prefectfake.WithWorkPool("mozilla-aws-ecs-main", "ecs"),
		prefectfake.WithWorkPool("local-process-main", "process"),
	}})
}

func TestWorkerPlanOnPrefect3(t *testing.T) {
	f := prefect3Fixture(t)
	p := workerPlan(t)
	require.Equal(t, plan.TargetPrefect3, p.Target)

	first := f.apply(t, p, onlyFlows)
	require.False(t, first.Failed(), "%+v", first.Resources)
	assert.Equal(t, []string{
		"task_definition mozilla-flows-base-main",
		"flow mozilla-flows.count-things",
		"deployment mozilla-flows.count-things/adhoc-main",
		"deployment mozilla-flows.count-things/hourly-main",
	}, changed(first))

	hourly, ok := f.prefect.Deployment("mozilla-flows.count-things", "hourly-main")
	require.True(t, ok)
	assert.Equal(t, "mozilla-aws-ecs-main", hourly["work_pool_name"])
	vars, _ := hourly["job_variables"].(map[string]any)
	assert.Equal(t, fmt.Sprintf("arn:aws:ecs:us-east-1:%s:task-definition/mozilla-flows-base-main", testAccount), vars["task_definition_arn"])
	schedules, _ := hourly["schedules"].([]any)
	require.Len(t, schedules, 1)

	f.reset(t)
	second := f.apply(t, p, onlyFlows)
	assert.False(t, second.Changed())
	assert.Empty(t, f.writes())
	assert.Zero(t, f.registrations())

	// A new cron replaces the schedules with a PATCH (Prefect 3 takes
	// schedules, parameter_openapi_schema and pull_steps on PATCH).
	files := workerFiles()
	files[0].Spec.Worker.Deployments[0].Cron = ptr("30 * * * *")
	files[0].Spec.Worker.Flow.Parameters = append(files[0].Spec.Worker.Flow.Parameters, spec.Parameter{Name: "m", Annotation: "str", Type: &spec.TypeExpr{Name: "str"}, Default: []byte(`"x"`), HasDefault: true})
	o := agentOptions(testAccount)
	o.Target = plan.TargetPrefect3
	o.GitRepository = "https://github.com/example/mozilla-flows.git"
	changedPlan := buildPlan(t, workerProject(), files, o)
	f.reset(t)
	third := f.apply(t, changedPlan, onlyFlows)
	require.False(t, third.Failed(), "%+v", third.Resources)
	assert.Equal(t, []string{
		"PATCH /deployments/ [parameter_openapi_schema schedules]",
		"PATCH /deployments/ [parameter_openapi_schema]",
	}, describeWrites(t, f.writeRequests()))
	hourly, _ = f.prefect.Deployment("mozilla-flows.count-things", "hourly-main")
	schedules, _ = hourly["schedules"].([]any)
	require.Len(t, schedules, 1)
	assert.Equal(t, "30 * * * *", schedules[0].(map[string]any)["schedule"].(map[string]any)["cron"])
}

func TestWorkerPlanMissingWorkPool(t *testing.T) {
	f := prefect3Fixture(t)
	f.prefect.RemoveWorkPool("local-process-main")
	s := f.apply(t, workerPlan(t), onlyFlows)
	require.True(t, s.Failed())
	r, ok := s.Find(KindDeployment, "mozilla-flows.count-things/adhoc-main")
	require.True(t, ok)
	assert.Equal(t, Failed, r.Action)
	assert.Contains(t, r.Error, "work pool local-process-main: work pool does not exist on the Prefect API at http://")
	assert.Contains(t, r.Error, "prefect work-pool create local-process-main")
	r, _ = s.Find(KindDeployment, "mozilla-flows.count-things/hourly-main")
	assert.Equal(t, Created, r.Action, "the other deployment is applied")

	f.prefect.AddWorkPool("local-process-main", "process")
	f.reset(t)
	again := f.apply(t, workerPlan(t), onlyFlows)
	require.False(t, again.Failed())
	assert.Equal(t, []string{"deployment mozilla-flows.count-things/adhoc-main"}, changed(again))
}

func TestAccountPlaceholderResolvedFromSTS(t *testing.T) {
	const account = "210987654321"
	f := newFixtureWith(t, fixtureConfig{aws: awsOptions(account)})
	p := buildPlan(t, agentProject(), agentFiles(1, 1), agentOptions(""))
	require.Equal(t, []string{plan.UnknownAWSAccountID}, p.Unknowns)

	s, err := Apply(context.Background(), p, f.options())
	require.NoError(t, err)
	require.False(t, s.Failed(), "%+v", s.Resources)
	assert.Equal(t, p.Digest, s.Digest, "the summary names the plan as approved, not the resolved copy")

	im, _ := s.Find(KindImage, "data-products-base-py-3.10")
	assert.Equal(t, account+".dkr.ecr.us-east-1.amazonaws.com/data-flows-prefect-envs:data-products-base-py-3.10-3f9a1c2", im.Detail)
	revs := f.aws.TaskDefinitions("data-products-folder000-flow-1-main")
	require.Len(t, revs, 1)
	assert.Contains(t, string(revs[0]), "arn:aws:iam::"+account+":role/data-flows-prefect-main-task-role")
	assert.NotContains(t, string(revs[0]), plan.PlaceholderAWSAccountID)
}
