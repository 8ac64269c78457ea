package planner

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/extractor/diag"
	"github.com/flowplan/flowplan/extractor/project"
	"github.com/flowplan/flowplan/extractor/spec"
	"github.com/flowplan/flowplan/plan"
)

// TestSeedExampleMatchesReference checks the seed README's example flow
// against the names and fields listed in the reference document
// (original-behaviour.md), written out by hand here.
func TestSeedExampleMatchesReference(t *testing.T) {
	p, err := Build(seedProject(), []spec.FileResult{seedFlow()}, seedOptions("main"))
	require.NoError(t, err)
	require.Len(t, p.Flows, 1)
	f := p.Flows[0]
	assert.Equal(t, "data-products.example.flow-1", f.Name)

	td := f.TaskDefinition
	require.NotNil(t, td)
	assert.Equal(t, "data-products-example-flow-1-main", td.Family)
	assert.Equal(t, "awsvpc", td.NetworkMode)
	assert.Equal(t, []string{"FARGATE"}, td.RequiresCompatibilities)
	assert.Equal(t, "256", td.Cpu)
	assert.Equal(t, "512", td.Memory)
	assert.Equal(t, &plan.EphemeralStorage{SizeInGiB: 200}, td.EphemeralStorage)
	assert.Equal(t, "arn:aws:iam::123456789012:role/data-flows-prefect-main-task-role", td.TaskRoleArn)
	assert.Equal(t, "arn:aws:iam::123456789012:role/data-flows-prefect-main-exec-role", td.ExecutionRoleArn)
	require.Len(t, td.ContainerDefinitions, 1)
	c := td.ContainerDefinitions[0]
	assert.Equal(t, "prefect", c.Name)
	assert.Equal(t, "123456789012.dkr.ecr.us-east-1.amazonaws.com/data-flows-prefect-envs:data-products-base-py-3.10-3f9a1c2", c.Image)
	assert.Equal(t, []plan.KeyValuePair{{Name: "PREFECT_DISABLE_FLOW_SPEC", Value: "True"}}, c.Environment)
	assert.Equal(t, []plan.Secret{{Name: "MY_SECRET_JSON", ValueFrom: "arn:aws:secretsmanager:us-east-1:123456789012:secret:/my/secretsmanager/secret"}}, c.Secrets)
	assert.Equal(t, plan.LogConfiguration{LogDriver: "awslogs", Options: map[string]string{
		"awslogs-create-group": "true", "awslogs-group": "prefect", "awslogs-region": "us-east-1",
		"awslogs-stream-prefix": "data-products-example-flow-1-main",
	}}, c.LogConfiguration)

	require.NotNil(t, f.Block)
	assert.Equal(t, "data-products-example-flow-1-main", f.Block.Name)
	assert.Equal(t, "ecs-task", f.Block.BlockTypeSlug)
	assert.Equal(t, plan.ECSTaskData{
		TaskDefinitionArn: "${task_definition_arn:data-products-example-flow-1-main}",
		Cluster:           "prefect-v2-agent-main", LaunchType: "FARGATE", AllowTaskDefinitionRegistration: false,
	}, f.Block.Data)

	require.Len(t, f.Deployments, 1)
	d := f.Deployments[0]
	assert.Equal(t, "data-products.example.flow-1", d.FlowName)
	assert.Equal(t, &plan.BlockRef{BlockTypeSlug: "github", Name: "data-flows-main"}, d.StorageBlock)
	assert.Equal(t, &plan.BlockRef{BlockTypeSlug: "ecs-task", Name: "data-products-example-flow-1-main"}, d.InfrastructureBlock)
	r := d.Request
	assert.Equal(t, "base-main", r.Name)
	assert.Equal(t, plan.Some("3f9a1c2"), r.Version)
	assert.Equal(t, []string{"data-products", "example", "main"}, r.Tags)
	assert.Equal(t, "prefect-v2-queue-main", r.WorkQueueName)
	assert.Equal(t, plan.Some("data-products/src/example"), r.Path)
	assert.Equal(t, "example_flow.py:flow_1", r.Entrypoint)
	assert.JSONEq(t, `{"param_name": "param_value"}`, string(r.Parameters))
	sched, err := json.Marshal(r.Schedule)
	require.NoError(t, err)
	assert.JSONEq(t, `{"cron": "0 0 * * *", "day_or": true}`, string(sched))
	assert.JSONEq(t, `{
		"env.EXTRA_PIP_PACKAGES": "pandas",
		"task_customizations": [
			{"op": "add", "path": "/overrides/cpu", "value": "1024"},
			{"op": "add", "path": "/overrides/memory", "value": "4096"},
			{"op": "add", "path": "/networkConfiguration/awsvpcConfiguration/subnets", "value": ["subnet-0a", "subnet-0b"]},
			{"op": "add", "path": "/networkConfiguration/awsvpcConfiguration/securityGroups", "value": ["sg-01"]},
			{"op": "add", "path": "/networkConfiguration/awsvpcConfiguration/assignPublicIp", "value": "DISABLED"}
		]}`, string(r.InfraOverrides))
	assert.JSONEq(t, `{"title": "Parameters", "type": "object", "properties": {}}`, string(r.ParameterOpenAPISchema))
	assert.Equal(t, []string{"description", "is_schedule_active"}, d.Unmanaged)
}

func TestBuildBugFixes(t *testing.T) {
	p, err := Build(multiProject(), multiFiles(), seedOptions("main"))
	require.NoError(t, err)
	daily := p.Flows[0]
	require.Equal(t, "flows/Straße Feeds/daily_flow.py", daily.Path)
	assert.Nil(t, daily.TaskDefinition.EphemeralStorage, "20 GiB is Fargate's default and ECS refuses it explicitly")
	byName := map[string]plan.Deployment{}
	for _, d := range daily.Deployments {
		byName[d.Name] = d
	}
	sched := func(name string) string {
		b, err := json.Marshal(byName[name].Request.Schedule)
		require.NoError(t, err)
		return string(b)
	}
	assert.JSONEq(t, `{"interval": 90000, "anchor_date": "2024-01-01T06:00:00+00:00", "timezone": "America/New_York"}`, sched("it-s-hourly-main"), "interval keeps its days")
	assert.JSONEq(t, `{"cron": "0 6 1-7 * MON", "day_or": false, "timezone": "America/Chicago"}`, sched("cron-tz-main"))
	assert.JSONEq(t, `{"rrule": "FREQ=WEEKLY;BYDAY=MO,WE", "timezone": "Europe/Berlin"}`, sched("backfill-main"))
	var o map[string]any
	require.NoError(t, json.Unmarshal(byName["it-s-hourly-main"].Request.InfraOverrides, &o))
	assert.Equal(t, "DEBUG", o["env.LOG_LEVEL"], "the deployment's envar, no quotes")
	assert.Equal(t, `it's "quoted"`, o["env.QUOTED"])
}

func TestBuildScheduleOnlyOnMain(t *testing.T) {
	for _, typ := range []string{"dev", "staging"} {
		p, err := Build(multiProject(), multiFiles(), seedOptions(typ))
		require.NoError(t, err)
		for _, f := range p.Flows {
			for _, d := range f.Deployments {
				assert.False(t, d.Request.Schedule.Set, "%s %s", typ, d.Name)
				assert.Contains(t, d.Unmanaged, "schedule")
				assert.True(t, strings.HasSuffix(d.Name, "-"+typ))
			}
		}
	}
}

func TestBuildErrors(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(o *Options, files []spec.FileResult)
		wantErr string
	}{
		{"bad deployment type", func(o *Options, _ []spec.FileResult) { o.DeploymentType = "prod" }, `deployment type "prod"`},
		{"bad target", func(o *Options, _ []spec.FileResult) { o.Target = "prefect4" }, `prefect target "prefect4"`},
		{"agent flow on prefect3", func(o *Options, _ []spec.FileResult) { o.Target = plan.TargetPrefect3 }, "infrastructure blocks, which target prefect3 does not have"},
		{"bad account", func(o *Options, _ []spec.FileResult) { o.AWSAccountID = "12345" }, "not 12 digits"},
		{"bad infra block", func(o *Options, _ []spec.FileResult) { o.InfrastructureBlock = "ecs-task" }, "must be <block type slug>/<block name>"},
		{"unknown docker env", func(_ *Options, f []spec.FileResult) { f[0].Spec.Agent.DockerEnv = "gpu" }, `docker_env "gpu"`},
		{"duplicate deployment", func(_ *Options, f []spec.FileResult) {
			d := f[0].Spec.Agent.Deployments[0]
			d.DeploymentName = "BASE"
			f[0].Spec.Agent.Deployments = append(f[0].Spec.Agent.Deployments, d)
		}, "defines deployment data-products.example.flow-1/base-dev twice"},
		{"non-positive interval", func(o *Options, f []spec.FileResult) {
			o.DeploymentType = "main"
			f[0].Spec.Agent.Deployments[0].Schedule = &spec.Schedule{Type: "interval", IntervalSeconds: ptr(0.0)}
		}, "Prefect requires a positive interval"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := seedOptions("dev")
			files := []spec.FileResult{seedFlow()}
			tt.mutate(&o, files)
			_, err := Build(seedProject(), files, o)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

func TestBuildWorkerErrors(t *testing.T) {
	o := workerOptions("main", plan.TargetPrefect2Agent)
	_, err := Build(workerProject(), workerFiles(), o)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "enforce_parameter_schema=True needs Prefect 2.14")

	o = workerOptions("main", plan.TargetPrefect3)
	o.GitRepository = ""
	_, err = Build(workerProject(), workerFiles(), o)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "git repository")
}

func TestResolveAccount(t *testing.T) {
	cases := goldenCases()
	for _, c := range []goldenCase{cases[2], cases[3], cases[7]} {
		t.Run(c.name, func(t *testing.T) {
			p, b := buildGolden(t, c)
			require.Contains(t, string(b), plan.PlaceholderAWSAccountID)
			require.Equal(t, []string{plan.UnknownAWSAccountID}, p.Unknowns)

			r, err := p.ResolveAccount("210987654321")
			require.NoError(t, err)
			require.NoError(t, r.VerifyDigest())
			assert.NotEqual(t, p.Digest, r.Digest)
			assert.Empty(t, r.Unknowns)
			out, err := r.MarshalCanonical()
			require.NoError(t, err)

			// Built with the account known, the plan is the same apart from
			// the recorded inputs and the unknowns.
			o := c.opts()
			o.AWSAccountID = "210987654321"
			known, err := Build(c.proj(), c.files(), o)
			require.NoError(t, err)
			known.Inputs = r.Inputs
			want, err := known.MarshalCanonical()
			require.NoError(t, err)
			assert.Equal(t, string(want), string(out))
			// the original plan is untouched
			assert.Equal(t, plan.PlaceholderAWSAccountID, p.AWS.AccountID)
		})
	}
}

func TestResolveAccountLeavesUserValues(t *testing.T) {
	o := seedOptions("main")
	o.AWSAccountID = ""
	p, err := Build(multiProject(), multiFiles(), o)
	require.NoError(t, err)
	r, err := p.ResolveAccount("210987654321")
	require.NoError(t, err)
	secrets := r.Flows[0].TaskDefinition.ContainerDefinitions[0].Secrets
	assert.Equal(t, "arn:aws:secretsmanager:us-east-1:210987654321:secret:${aws_account_id}-looks-like-a-placeholder", secrets[1].ValueFrom,
		"the account field is resolved, the user's secret name is not")
	_, err = p.ResolveAccount("abc")
	assert.Error(t, err)
}

// bigFiles makes n agent-era flows with three deployments each.
func bigFiles(n int) []spec.FileResult {
	files := make([]spec.FileResult, 0, n)
	for i := range n {
		f := seedFlow()
		f.Path = fmt.Sprintf("src/folder_%03d/flow_%04d_flow.py", i%100, i)
		a := *f.Spec.Agent
		a.Flow.Function = fmt.Sprintf("flow_%04d", i)
		a.Flow.Parameters = []spec.Parameter{
			{Name: "day", Annotation: "str", Type: typeOf("str"), Default: json.RawMessage("null")},
			{Name: "limit", Annotation: "Optional[int]", Type: typeOf("Optional[int]"), Default: json.RawMessage("100"), HasDefault: true},
		}
		a.Deployments = nil
		for j, kind := range []string{"cron", "interval", "rrule"} {
			d := f.Spec.Agent.Deployments[0]
			d.DeploymentName = fmt.Sprintf("dep-%d", j)
			d.Parameters = json.RawMessage(fmt.Sprintf(`{"day": "d%d", "limit": %d}`, j, i))
			switch kind {
			case "interval":
				d.Schedule = &spec.Schedule{Type: "interval", IntervalSeconds: ptr(3600.0)}
			case "rrule":
				d.Schedule = &spec.Schedule{Type: "rrule", RRule: "FREQ=DAILY"}
			}
			a.Deployments = append(a.Deployments, d)
		}
		f.Spec = &spec.Spec{Agent: &a}
		files = append(files, f)
	}
	return files
}

func BenchmarkBuild1000x3(b *testing.B) {
	files := bigFiles(1000)
	proj := seedProject()
	opts := seedOptions("main")
	b.ResetTimer()
	for b.Loop() {
		p, err := Build(proj, files, opts)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := p.MarshalCanonical(); err != nil {
			b.Fatal(err)
		}
	}
}

func TestBuildBrokenEnv(t *testing.T) {
	p := multiProject()
	p.Diags.Add(diag.Errorf(diag.Pos{File: "pyproject.toml", Line: 12, Col: 1}, "base", "[tool.prefect.envs.base] dockerfile_path %q: no such file", ".docker/base/Dockerfile"))
	p.Diags.Add(diag.Warningf(diag.Pos{File: "pyproject.toml", Line: 20, Col: 1}, "Heavy_ML.v2", "a warning only"))
	files := multiFiles()[:1] // the flow on the healthy env
	pl, err := Build(p, files, seedOptions("dev"))
	require.NoError(t, err)
	require.Len(t, pl.Images, 1)
	assert.Equal(t, "Heavy_ML.v2", pl.Images[0].Env)
	require.Len(t, pl.Skipped, 1)
	assert.Equal(t, "pyproject.toml", pl.Skipped[0].Path)
	assert.Contains(t, pl.Skipped[0].Reason, "docker env base: pyproject.toml:12:1: [tool.prefect.envs.base] dockerfile_path")

	_, err = Build(p, multiFiles()[1:2], seedOptions("dev")) // the flow on the broken env
	require.Error(t, err)
	assert.Contains(t, err.Error(), `docker_env "base" is broken`)
}

func TestBuildCollisionsAndSkipInvalid(t *testing.T) {
	// Two flow files in folders a/x and b/x: both flows are named
	// data-products.x.flow-1, so they would write the same resources.
	twin := func() []spec.FileResult {
		a, b := seedFlow(), seedFlow()
		a.Path, a.FlowSpecLine = "src/a/x/hello_flow.py", 17
		b.Path, b.FlowSpecLine = "src/b/x/hello_flow.py", 21
		return []spec.FileResult{a, b}
	}
	_, err := Build(seedProject(), twin(), seedOptions("dev"))
	require.Error(t, err)
	assert.Equal(t, err.Error(), Check(seedProject(), twin(), seedOptions("dev")).Error(), "Check refuses what Build refuses")
	assert.NoError(t, Check(seedProject(), twin()[:1], seedOptions("dev")))
	assert.Contains(t, err.Error(), "src/a/x/hello_flow.py:17 and src/b/x/hello_flow.py:21 both define task definition data-products-x-flow-1-dev")
	assert.Contains(t, err.Error(), "both define deployment data-products.x.flow-1/base-dev")

	o := seedOptions("dev")
	o.SkipInvalid = true
	p, err := Build(seedProject(), twin(), o)
	require.NoError(t, err)
	assert.Empty(t, p.Flows, "every flow of a collision is left out")
	require.Len(t, p.Skipped, 2)
	for _, s := range p.Skipped {
		assert.Contains(t, s.Reason, "planning failed: ")
		assert.Contains(t, s.Reason, "both define task definition")
	}

	// A flow that cannot be planned is skipped alone; the others stay.
	files := twin()[:1]
	bad := seedFlow()
	bad.Path = "src/c/hello_flow.py"
	bad.Spec.Agent.DockerEnv = "gpu"
	files = append(files, bad)
	p, err = Build(seedProject(), files, o)
	require.NoError(t, err)
	require.Len(t, p.Flows, 1)
	assert.Equal(t, "src/a/x/hello_flow.py", p.Flows[0].Path)
	require.Len(t, p.Skipped, 1)
	assert.Equal(t, "src/c/hello_flow.py", p.Skipped[0].Path)
	assert.Contains(t, p.Skipped[0].Reason, `planning failed: src/c/hello_flow.py: docker_env "gpu"`)
}

// TestBuildCanonical checks that building and encoding together gives what
// Build followed by MarshalCanonical gives.
func TestBuildCanonical(t *testing.T) {
	tests := []struct {
		name  string
		proj  *project.Project
		files []spec.FileResult
		typ   string
	}{
		{"seed project, dev", seedProject(), bigFiles(20), "dev"},
		{"seed project, main", seedProject(), bigFiles(20), "main"},
		{"several envs", multiProject(), multiFiles(), "staging"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := Build(tt.proj, tt.files, seedOptions(tt.typ))
			require.NoError(t, err)
			wantJSON, err := want.MarshalCanonical()
			require.NoError(t, err)

			got, gotJSON, err := BuildCanonical(tt.proj, tt.files, seedOptions(tt.typ))
			require.NoError(t, err)
			assert.Equal(t, want, got)
			assert.Equal(t, string(wantJSON), string(gotJSON))
			parsed, err := plan.Parse(gotJSON)
			require.NoError(t, err)
			require.NoError(t, parsed.VerifyDigest())
		})
	}
}
