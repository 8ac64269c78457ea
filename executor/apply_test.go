package executor

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/executor/aws/awsfake"
	"github.com/flowplan/flowplan/executor/prefect"
	"github.com/flowplan/flowplan/executor/prefect/prefectfake"
	"github.com/flowplan/flowplan/extractor/spec"
	"github.com/flowplan/flowplan/plan"
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

// planWith builds the agent plan of n flows x deps deployments after
// mutate changed the flow files.
func planWith(t *testing.T, n, deps int, mutate func(files []spec.FileResult)) *plan.Plan {
	t.Helper()
	files := agentFiles(n, deps)
	if mutate != nil {
		mutate(files)
	}
	return buildPlan(t, agentProject(), files, agentOptions(testAccount))
}

func TestChangedPlanUpdatesExactlyWhatChanged(t *testing.T) {
	const flow0 = "data-products.folder000.flow-1"
	tests := []struct {
		name   string
		mutate func(files []spec.FileResult)
		// changed lists "kind name" of what must be created or updated.
		changed []string
		// writes lists the Prefect writes, with the fields of PATCH bodies.
		writes        []string
		registrations int
	}{
		{
			name: "a deployment's parameters",
			mutate: func(files []spec.FileResult) {
				files[0].Spec.Agent.Deployments[0].Parameters = json.RawMessage(`{"flow": 0, "deployment": 0, "name": "y"}`)
			},
			changed: []string{"deployment " + flow0 + "/dep0-main"},
			writes:  []string{"PATCH /deployments/ [parameters]"},
		},
		{
			name: "a deployment's schedule",
			mutate: func(files []spec.FileResult) {
				files[1].Spec.Agent.Deployments[1].Schedule = &spec.Schedule{Type: "cron", Cron: "5 4 * * *", Timezone: ptr("Europe/Paris")}
			},
			changed: []string{"deployment data-products.folder001.flow-1/dep1-main"},
			writes:  []string{"PATCH /deployments/ [schedule]"},
		},
		{
			name: "a deployment's cpu override and envar",
			mutate: func(files []spec.FileResult) {
				files[0].Spec.Agent.Deployments[1].CPU = "2048"
				files[0].Spec.Agent.Deployments[1].Envars = []spec.Envar{{EnvarName: "EXTRA_PIP_PACKAGES", EnvarValue: "polars"}}
			},
			changed: []string{"deployment " + flow0 + "/dep1-main"},
			writes:  []string{"PATCH /deployments/ [infra_overrides]"},
		},
		{
			name: "a secret: new task definition revision, so the block follows",
			mutate: func(files []spec.FileResult) {
				files[2].Spec.Agent.Secrets = []spec.Envar{{EnvarName: "MY_SECRET_JSON", EnvarValue: "/my/other-secret"}}
			},
			changed: []string{
				"task_definition data-products-folder002-flow-1-main",
				"block ecs-task/data-products-folder002-flow-1-main",
			},
			writes:        []string{"PATCH /block_documents/ [block_schema_id data]"},
			registrations: 1,
		},
		{
			name: "the flow's signature: parameter_openapi_schema, which Prefect 2 cannot PATCH",
			mutate: func(files []spec.FileResult) {
				files[0].Spec.Agent.Flow.Parameters = []spec.Parameter{{Name: "day", Annotation: "str", Type: &spec.TypeExpr{Name: "str"}, Default: json.RawMessage("null")}}
			},
			changed: []string{"deployment " + flow0 + "/dep0-main", "deployment " + flow0 + "/dep1-main"},
			writes:  []string{"POST /deployments/", "POST /deployments/"},
		},
		{
			name: "a new deployment",
			mutate: func(files []spec.FileResult) {
				d := files[1].Spec.Agent.Deployments[0]
				d.DeploymentName = "extra"
				files[1].Spec.Agent.Deployments = append(files[1].Spec.Agent.Deployments, d)
			},
			changed: []string{"deployment data-products.folder001.flow-1/extra-main"},
			writes:  []string{"POST /deployments/"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			base := planWith(t, 3, 2, nil)
			require.False(t, f.apply(t, base, onlyFlows).Failed())

			// Unmanaged fields set on the server by hand must survive.
			ctx := context.Background()
			for _, fl := range base.Flows {
				for _, d := range fl.Deployments {
					live, err := f.client.ReadDeploymentByName(ctx, d.FlowName, d.Name)
					require.NoError(t, err)
					require.NoError(t, f.client.UpdateDeployment(ctx, live.ID, prefect.DeploymentUpdate{
						Description: plan.Some("written by hand"), IsScheduleActive: plan.Some(false),
					}))
				}
			}

			f.reset(t)
			changedPlan := planWith(t, 3, 2, tt.mutate)
			s := f.apply(t, changedPlan, onlyFlows)
			require.False(t, s.Failed(), "%+v", s.Resources)
			assert.Equal(t, tt.changed, changed(s))
			assert.Equal(t, tt.writes, describeWrites(t, f.writeRequests()))
			assert.Equal(t, tt.registrations, f.registrations())

			for _, fl := range changedPlan.Flows {
				for _, d := range fl.Deployments {
					live, ok := f.prefect.Deployment(d.FlowName, d.Name)
					require.True(t, ok)
					if d.Name == "extra-main" {
						continue
					}
					assert.Equal(t, "written by hand", live["description"], d.Name)
					assert.Equal(t, false, live["is_schedule_active"], d.Name)
				}
			}

			// And the changed plan converges.
			f.reset(t)
			again := f.apply(t, changedPlan, onlyFlows)
			assert.False(t, again.Changed())
			assert.Empty(t, f.writes())
		})
	}
}

func onlyFlows(o *Options) { o.Only = OnlyFlows }

// describeWrites renders write requests as "METHOD path-without-id", with
// the body's fields for PATCH.
func describeWrites(t *testing.T, reqs []prefectfake.Request) []string {
	t.Helper()
	var out []string
	for _, r := range reqs {
		path := r.Path
		if i := strings.LastIndex(path, "/"); r.Method == http.MethodPatch && i >= 0 {
			path = path[:i+1]
		}
		s := r.Method + " " + path
		if r.Method == http.MethodPatch {
			var body map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(r.Body, &body))
			keys := make([]string, 0, len(body))
			for k := range body {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			s += " [" + strings.Join(keys, " ") + "]"
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

func TestRetriesOn429And503(t *testing.T) {
	f := newFixture(t)
	p := agentPlan(t, 2, 1)
	f.prefect.Fail(http.MethodPost, "/flows/",
		prefectfake.Fault{Status: http.StatusTooManyRequests, RetryAfter: "3"},
		prefectfake.Fault{Status: http.StatusServiceUnavailable})
	f.prefect.Fail(http.MethodGet, "/flows/name/data-products.folder001.flow-1",
		prefectfake.Fault{Status: http.StatusServiceUnavailable})
	f.aws.InjectFault(awsfake.ECSRegisterTaskDefinition, awsfake.Throttle, 1)

	s := f.apply(t, p, onlyFlows)
	require.False(t, s.Failed(), "%+v", s.Resources)
	assert.Len(t, changed(s), 8)
	require.Len(t, f.sleeps, 3, "429, 503 and 503 retried once each")
	assert.GreaterOrEqual(t, slices.Max(f.sleeps), 3*time.Second, "Retry-After is honoured")
	assert.Equal(t, 3, f.registrations(), "two registrations plus one throttled attempt")
	assert.Len(t, f.aws.TaskDefinitions("data-products-folder000-flow-1-main"), 1)
	assert.Len(t, f.aws.TaskDefinitions("data-products-folder001-flow-1-main"), 1)
}

func TestFailedFlowLeavesOthersAppliedAndRerunFinishes(t *testing.T) {
	f := newFixture(t)
	p := agentPlan(t, 3, 2)
	broken := p.Flows[1].Name
	f.prefect.Fail(http.MethodGet, "/flows/name/"+broken, prefectfake.Fault{Status: http.StatusInternalServerError})

	first := f.apply(t, p, onlyFlows)
	require.True(t, first.Failed())
	for _, r := range first.Resources {
		switch {
		case r.Flow != broken:
			assert.Equal(t, Created, r.Action, "%s %s", r.Kind, r.Name)
		case r.Kind == KindFlow:
			assert.Equal(t, Failed, r.Action)
			assert.Contains(t, r.Error, "reading flow "+broken)
		case r.Kind == KindDeployment:
			assert.Equal(t, Failed, r.Action)
			assert.Equal(t, "not applied: flow "+broken+" failed", r.Error)
		default: // task definition and block come before the flow
			assert.Equal(t, Created, r.Action, "%s %s", r.Kind, r.Name)
		}
	}
	_, ok := f.prefect.Deployment(p.Flows[2].Name, p.Flows[2].Deployments[1].Name)
	assert.True(t, ok, "the flows after the failed one are applied")

	f.reset(t)
	second := f.apply(t, p, onlyFlows)
	require.False(t, second.Failed(), "%+v", second.Resources)
	assert.Equal(t, []string{
		"flow " + broken,
		"deployment " + broken + "/dep0-main",
		"deployment " + broken + "/dep1-main",
	}, changed(second))
	assert.Zero(t, f.registrations())

	f.reset(t)
	third := f.apply(t, p, onlyFlows)
	assert.False(t, third.Changed())
	assert.Empty(t, f.writes())
}

func TestTamperedOrUnexpectedPlanIsRefused(t *testing.T) {
	tests := []struct {
		name    string
		tamper  func(p *plan.Plan)
		expect  func(p *plan.Plan) string
		wantErr error
	}{
		{
			name:    "content changed after the digest",
			tamper:  func(p *plan.Plan) { p.Flows[0].Deployments[0].Request.WorkQueueName = "sneaky" },
			wantErr: plan.ErrDigestMismatch,
		},
		{
			name:    "digest replaced",
			tamper:  func(p *plan.Plan) { p.Digest = "sha256:" + strings.Repeat("0", 64) },
			wantErr: plan.ErrDigestMismatch,
		},
		{
			name:    "not the approved plan",
			expect:  func(*plan.Plan) string { return "sha256:" + strings.Repeat("a", 64) },
			wantErr: ErrUnexpectedDigest,
		},
		{
			name:   "the approved plan",
			expect: func(p *plan.Plan) string { return p.Digest },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			p := agentPlan(t, 1, 1)
			if tt.tamper != nil {
				tt.tamper(p)
			}
			var expect string
			if tt.expect != nil {
				expect = tt.expect(p)
			}
			s, err := Apply(context.Background(), p, f.options(func(o *Options) { o.ExpectDigest = expect }))
			if tt.wantErr == nil {
				require.NoError(t, err)
				assert.False(t, s.Failed())
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			assert.Nil(t, s)
			assert.Empty(t, f.prefect.Requests(), "nothing is read or written")
			assert.Empty(t, f.aws.CallCounts())
			assert.Empty(t, f.dockerCalls(t))
		})
	}
}

func TestLargeIntegersInParametersAreSentExactly(t *testing.T) {
	f := newFixture(t)
	p := planWith(t, 1, 1, func(files []spec.FileResult) {
		files[0].Spec.Agent.Deployments[0].Parameters = json.RawMessage(`{"id": 123456789012345678901234567890, "ratio": 0.1}`)
	})
	require.False(t, f.apply(t, p, onlyFlows).Failed())
	var body string
	for _, r := range f.writeRequests() {
		if r.Path == "/deployments/" {
			body = string(r.Body)
		}
	}
	assert.Contains(t, body, `"parameters":{"id":123456789012345678901234567890,"ratio":0.1}`)
	// (No re-apply here: prefectfake stores bodies through float64, which
	// the real server, keeping Python ints, does not.)
}
