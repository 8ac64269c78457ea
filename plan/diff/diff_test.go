package diff

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/plan"
	"github.com/flowplan/flowplan/plan/plantest"
	"github.com/flowplan/flowplan/plan/render"
)

var update = flag.Bool("update", false, "rewrite golden files")

// redigest gives a mutated plan the digest of its new content.
func redigest(t testing.TB, p *plan.Plan) *plan.Plan {
	t.Helper()
	d, err := p.ComputeDigest()
	require.NoError(t, err)
	p.Digest = d
	return p
}

func ptr[T any](v T) *T { return &v }

// mutateEverything changes the mixed (agent and worker era) plan so that
// every resource type sees every change kind.
func mutateEverything(t testing.TB, p *plan.Plan) *plan.Plan {
	t.Helper()
	// plan settings: changed, added and removed fields
	p.Project.Version = "1.1.0"
	p.Inputs = append(p.Inputs, plan.Input{Name: "storage-block", Value: "my-github", Source: "flag"})
	p.Inputs = p.Inputs[1:] // drops deployment-type

	// images: Spark_Env removed (with its shared task definition), a new
	// one added, base (worker) changed
	var images []plan.Image
	for _, im := range p.Images {
		switch {
		case im.API == "worker" && im.Env == "Spark_Env":
			continue
		case im.API == "worker" && im.Env == "base":
			im.BuildArgs = map[string]string{"PYTHON_VERSION": "3.12", "DEPENDENCY_GROUP": "main", "EXTRA": "1"}
			td := *im.TaskDefinition
			td.Cpu = "1024"
			im.TaskDefinition = &td
		}
		images = append(images, im)
	}
	gpu := images[len(images)-1]
	gpu.Env, gpu.LocalName, gpu.Dockerfile = "gpu", "mozilla-flows-gpu", ".docker/gpu/Dockerfile"
	td := *gpu.TaskDefinition
	td.Family = "mozilla-flows-gpu-main"
	gpu.TaskDefinition = &td
	p.Images = append(images, gpu)

	for i := range p.Flows {
		f := &p.Flows[i]
		switch f.Name {
		case "mozilla-flows.example.flow-1": // agent era
			f.FlowSpecLine = 18
			td := *f.TaskDefinition
			td.EphemeralStorage = nil
			c := td.ContainerDefinitions[0]
			c.Environment = append([]plan.KeyValuePair{{Name: "A_NEW", Value: "1"}}, c.Environment...)
			c.Secrets = []plan.Secret{
				{Name: "MY_SECRET_JSON", ValueFrom: "arn:aws:secretsmanager:us-east-1:${aws_account_id}:secret:/my/other/secret"},
				{Name: "ADDED_SECRET", ValueFrom: "arn:aws:secretsmanager:us-east-1:${aws_account_id}:secret:added"},
			}
			td.ContainerDefinitions = []plan.ContainerDefinition{c}
			f.TaskDefinition = &td
			b := *f.Block
			b.Data.Cluster = "other-cluster"
			f.Block = &b
			d := f.Deployments[0]
			d.Request.Parameters = json.RawMessage(`{"param_name": "changed", "added": {"deep": [1, 2]}}`)
			d.Request.InfraOverrides = json.RawMessage(`{"env.EXTRA_PIP_PACKAGES": "pandas numpy", "env.NEW": "x", "task_customizations": [` +
				`{"op": "add", "path": "/overrides/cpu", "value": "2048"},` +
				`{"op": "add", "path": "/overrides/memory", "value": "4096"},` +
				`{"op": "add", "path": "/networkConfiguration/awsvpcConfiguration/subnets", "value": ["subnet-0a"]},` +
				`{"op": "add", "path": "/networkConfiguration/awsvpcConfiguration/assignPublicIp", "value": "DISABLED"}]}`)
			d.Request.Schedule = plan.Some(plan.Schedule{Cron: ptr("0 6 * * 1-5"), DayOr: ptr(true), Timezone: ptr("Europe/Berlin")})
			d.Request.Tags = []string{"mozilla-flows", "example", "main", "new-tag"}
			added := d
			added.Name, added.Request.Name = "backfill-main", "backfill-main"
			added.Request.Schedule = plan.Null[plan.Schedule]()
			f.Deployments = []plan.Deployment{added, d}
		case "mozilla-flows.count-things": // worker era: loses a deployment, one changes
			f.Image = "mozilla-flows-base"
			f.TaskDefinitionFamily = "mozilla-flows-base-main"
			var deps []plan.Deployment
			for _, d := range f.Deployments {
				if d.Name == "adhoc-main" {
					continue
				}
				d.Request.InfraOverrides = json.RawMessage(`{"cpu": 2048, "env": {"A": "c"}, "task_definition_arn": "arn:aws:ecs:us-east-1:${aws_account_id}:task-definition/mozilla-flows-base-main"}`)
				d.Request.PullSteps = json.RawMessage(`[{"prefect.deployments.steps.git_clone": {"branch": "release", "id": "clone-project", "repository": "https://github.com/example/mozilla-flows.git"}},` +
					`{"prefect.deployments.steps.set_working_directory": {"directory": "{{ clone-project.directory }}/mozilla-flows"}}]`)
				deps = append(deps, d)
			}
			f.Deployments = deps
		}
	}
	// a flow removed by moving it: the old name disappears, a new one appears
	moved := p.Flows[0]
	moved.Name, moved.Path = "mozilla-flows.count-things-v2", "src/counts/count_v2_flow.py"
	moved.Deployments = []plan.Deployment{}
	p.Flows = append(p.Flows, moved)

	p.Skipped = []plan.Skipped{
		{Path: "src/legacy/old_flow.py", Reason: "missing FLOW_SPEC"},
		{Path: "src/new/broken_flow.py", Reason: "extraction failed: boom"},
	}
	return redigest(t, p)
}

type diffCase struct {
	name     string
	old, new func(testing.TB) *plan.Plan
}

func diffCases() []diffCase {
	load := func(name string) func(testing.TB) *plan.Plan {
		return func(t testing.TB) *plan.Plan { return plantest.Load(t, name) }
	}
	return []diffCase{
		{"identical", load("seed-main"), load("seed-main")},
		{"dev-vs-main", load("seed-dev"), load("seed-main")},
		{"placeholder-account", load("seed-main"), load("seed-unknown-account")},
		{"every-change", load("mixed-main-prefect2-worker"), func(t testing.TB) *plan.Plan {
			return mutateEverything(t, plantest.Load(t, "mixed-main-prefect2-worker"))
		}},
		{"reverse-every-change", func(t testing.TB) *plan.Plan {
			return mutateEverything(t, plantest.Load(t, "mixed-main-prefect2-worker"))
		}, load("mixed-main-prefect2-worker")},
		{"worker-dev-vs-prefect3-main", load("worker-dev-prefect2-worker"), load("worker-main-prefect3")},
		{"multi-staging-vs-main", load("multi-staging-infra-override"), load("multi-main")},
	}
}

var formatExt = map[render.Format]string{render.FormatText: "txt", render.FormatMarkdown: "md", render.FormatJSON: "json"}

func TestDiffGolden(t *testing.T) {
	for _, tc := range diffCases() {
		r := Plans(tc.old(t), tc.new(t))
		for _, f := range render.Formats() {
			t.Run(tc.name+"/"+string(f), func(t *testing.T) {
				var buf bytes.Buffer
				require.NoError(t, Write(&buf, r, f, render.Options{}))
				plantest.Golden(t, filepath.Join("testdata", tc.name+"."+formatExt[f]), buf.Bytes(), *update)
			})
		}
	}
}

func TestIdenticalPlansAreEmpty(t *testing.T) {
	for _, name := range []string{"seed-main", "multi-main", "mixed-main-prefect2-worker", "worker-main-prefect3"} {
		r := Plans(plantest.Load(t, name), plantest.Load(t, name))
		assert.True(t, r.Empty(), name)
		assert.Equal(t, Counts{}, r.Counts(), name)
		assert.Empty(t, r.Notes, name)
	}
}

// find returns the change at (resource type, id, path), failing the test
// when there is none.
func find(t *testing.T, r *Result, rt ResourceType, id, path string) Change {
	t.Helper()
	for _, c := range r.Changes {
		if c.ResourceType == rt && c.ID == id && c.Path == path {
			return c
		}
	}
	t.Fatalf("no change to %s %s at %q in %d changes", rt, id, path, len(r.Changes))
	return Change{}
}

func TestEveryChangeKindInEveryResourceType(t *testing.T) {
	r := Plans(plantest.Load(t, "mixed-main-prefect2-worker"), mutateEverything(t, plantest.Load(t, "mixed-main-prefect2-worker")))
	const agentFlow = "mozilla-flows.example.flow-1"
	const workerFlow = "mozilla-flows.count-things"
	tests := []struct {
		rt             ResourceType
		id, path       string
		kind           Kind
		oldJSON, newJS string // "" for absent
	}{
		{ResourcePlan, "mozilla-flows", "project.version", Changed, `"1.0.0"`, `"1.1.0"`},
		{ResourcePlan, "mozilla-flows", "inputs[storage-block]", Added, "", `{"name":"storage-block","source":"flag","value":"my-github"}`},
		{ResourcePlan, "mozilla-flows", "inputs[deployment-type]", Removed, `{"name":"deployment-type","source":"flag","value":"main"}`, ""},

		{ResourceImage, "mozilla-flows-spark-env", "", Removed, "*", ""},
		{ResourceImage, "mozilla-flows-gpu", "", Added, "", "*"},
		{ResourceImage, "mozilla-flows-base", "build_args.PYTHON_VERSION", Changed, `"3.11"`, `"3.12"`},
		{ResourceImage, "mozilla-flows-base", "build_args.EXTRA", Added, "", `"1"`},

		{ResourceTaskDefinition, "mozilla-flows-spark-env-main", "", Removed, "*", ""},
		{ResourceTaskDefinition, "mozilla-flows-gpu-main", "", Added, "", "*"},
		{ResourceTaskDefinition, "mozilla-flows-base-main", "cpu", Changed, `"512"`, `"1024"`},
		{ResourceTaskDefinition, "mozilla-flows-example-flow-1-main", "ephemeralStorage", Removed, `{"sizeInGiB":200}`, ""},
		{ResourceTaskDefinition, "mozilla-flows-example-flow-1-main", "containerDefinitions[prefect].environment[A_NEW]", Added, "", `{"name":"A_NEW","value":"1"}`},
		{ResourceTaskDefinition, "mozilla-flows-example-flow-1-main", "containerDefinitions[prefect].secrets[MY_SECRET_JSON]", Changed,
			`"arn:aws:secretsmanager:us-east-1:${aws_account_id}:secret:/my/secretsmanager/secret"`, `"arn:aws:secretsmanager:us-east-1:${aws_account_id}:secret:/my/other/secret"`},
		{ResourceTaskDefinition, "mozilla-flows-example-flow-1-main", "containerDefinitions[prefect].secrets[ADDED_SECRET]", Added, "",
			`{"name":"ADDED_SECRET","valueFrom":"arn:aws:secretsmanager:us-east-1:${aws_account_id}:secret:added"}`},

		{ResourceFlow, agentFlow, "flow_spec_line", Changed, `17`, `18`},
		{ResourceFlow, workerFlow, "image", Changed, `"mozilla-flows-spark-env"`, `"mozilla-flows-base"`},
		{ResourceFlow, "mozilla-flows.count-things-v2", "", Added, "", "*"},

		{ResourceBlock, "mozilla-flows-example-flow-1-main", "data.cluster", Changed, `"prefect-v2-agent-main"`, `"other-cluster"`},

		{ResourceDeployment, agentFlow + "/backfill-main", "", Added, "", "*"},
		{ResourceDeployment, workerFlow + "/adhoc-main", "", Removed, "*", ""},
		{ResourceDeployment, agentFlow + "/base-main", "request.parameters.param_name", Changed, `"param_value"`, `"changed"`},
		{ResourceDeployment, agentFlow + "/base-main", "request.parameters.added", Added, "", `{"deep":[1,2]}`},
		{ResourceDeployment, agentFlow + "/base-main", `request.infra_overrides["env.EXTRA_PIP_PACKAGES"]`, Changed, `"pandas"`, `"pandas numpy"`},
		{ResourceDeployment, agentFlow + "/base-main", `request.infra_overrides["env.NEW"]`, Added, "", `"x"`},
		{ResourceDeployment, agentFlow + "/base-main", "request.infra_overrides.task_customizations[/overrides/cpu].value", Changed, `"1024"`, `"2048"`},
		{ResourceDeployment, agentFlow + "/base-main", "request.infra_overrides.task_customizations[/networkConfiguration/awsvpcConfiguration/subnets].value", Changed, `["subnet-0a","subnet-0b"]`, `["subnet-0a"]`},
		{ResourceDeployment, agentFlow + "/base-main", "request.infra_overrides.task_customizations[/networkConfiguration/awsvpcConfiguration/securityGroups]", Removed,
			`{"op":"add","path":"/networkConfiguration/awsvpcConfiguration/securityGroups","value":["sg-01"]}`, ""},
		{ResourceDeployment, agentFlow + "/base-main", "request.schedule.cron", Changed, `"0 0 * * *"`, `"0 6 * * 1-5"`},
		{ResourceDeployment, agentFlow + "/base-main", "request.schedule.timezone", Added, "", `"Europe/Berlin"`},
		{ResourceDeployment, agentFlow + "/base-main", "request.tags", Changed, `["mozilla-flows","example","main"]`, `["mozilla-flows","example","main","new-tag"]`},
		{ResourceDeployment, workerFlow + "/hourly-main", "request.infra_overrides.cpu", Changed, `1024`, `2048`},
		{ResourceDeployment, workerFlow + "/hourly-main", "request.infra_overrides.env.A", Changed, `"b"`, `"c"`},
		{ResourceDeployment, workerFlow + "/hourly-main", "request.infra_overrides.task_definition_arn", Changed,
			`"arn:aws:ecs:us-east-1:${aws_account_id}:task-definition/mozilla-flows-spark-env-main"`, `"arn:aws:ecs:us-east-1:${aws_account_id}:task-definition/mozilla-flows-base-main"`},
		{ResourceDeployment, workerFlow + "/hourly-main", `request.pull_steps[prefect.deployments.steps.git_clone].branch`, Changed, `"main-v2"`, `"release"`},

		{ResourceSkipped, "src/legacy/old_flow.py", "reason", Changed, `"worker-era FLOW_SPEC with is_agent=True (deployed by the agent-era tooling)"`, `"missing FLOW_SPEC"`},
		{ResourceSkipped, "src/new/broken_flow.py", "", Added, "", `{"path":"src/new/broken_flow.py","reason":"extraction failed: boom"}`},
	}
	for _, tt := range tests {
		t.Run(string(tt.rt)+" "+tt.id+" "+tt.path, func(t *testing.T) {
			c := find(t, r, tt.rt, tt.id, tt.path)
			assert.Equal(t, tt.kind, c.Kind)
			check := func(want string, got json.RawMessage) {
				switch want {
				case "":
					assert.Empty(t, got)
				case "*":
					assert.NotEmpty(t, got)
				default:
					assert.JSONEq(t, want, string(got))
				}
			}
			check(tt.oldJSON, c.Old)
			check(tt.newJS, c.New)
			assert.False(t, c.TypeOnly)
		})
	}
	// nothing is reported twice
	seen := map[string]bool{}
	for _, c := range r.Changes {
		k := string(c.ResourceType) + "|" + c.ID + "|" + c.Path
		assert.False(t, seen[k], "duplicate change %s", k)
		seen[k] = true
	}
	// the schedule change says what it means
	c := find(t, r, ResourceDeployment, agentFlow+"/base-main", "request.schedule.cron")
	assert.Equal(t, "schedule: every day at 00:00 (cron 0 0 * * *, UTC by default) -> on weekdays, at 06:00 (cron 0 6 * * 1-5, Europe/Berlin)", c.Note)
	// flow_spec_line is provenance: listed, not counted as a change of the flow
	assert.True(t, find(t, r, ResourceFlow, agentFlow, "flow_spec_line").Provenance)
	assert.Equal(t, Counts{Added: 5, Removed: 3, Changed: 9, FieldChanges: 28}, r.Counts())
	assert.False(t, r.Empty())
}

// TestProvenanceOnlyChangesDoNotCount: a flow file edited without changing
// what it deploys (a comment moved FLOW_SPEC down; its sha256 changed) and
// a regenerated pyproject.toml make no change to deploy.
func TestProvenanceOnlyChangesDoNotCount(t *testing.T) {
	old := plantest.Load(t, "seed-main")
	new := plantest.Load(t, "seed-main")
	new.Flows[0].SHA256 = strings.Repeat("ab", 32)
	new.Flows[0].FlowSpecLine += 3
	new.Project.PyprojectSHA256 = strings.Repeat("cd", 32)
	for i := range new.Inputs {
		if new.Inputs[i].Name == "git-sha" {
			new.Inputs[i].Source = "flag"
		}
	}
	r := Plans(old, new)
	assert.True(t, r.Empty(), "nothing to deploy: %+v", r.Changes)
	assert.False(t, r.Identical())
	assert.Equal(t, Counts{}, r.Counts())
	assert.Len(t, r.ProvenanceChanges(), 4)

	var text, md strings.Builder
	require.NoError(t, Write(&text, r, render.FormatText, render.Options{}))
	assert.Contains(t, text.String(), "No changes to deploy: the plans differ only in provenance.")
	assert.Contains(t, text.String(), "Provenance only (where the plan came from; nothing to deploy)\n"+
		"  plan data-products: inputs[git-sha].source \"env:CIRCLE_SHA1\" -> \"flag\", project.pyproject_sha256 \"9f2c3b1a5d6e…\" -> \"cdcdcdcdcdcd…\"\n"+
		"  flow data-products.example.flow-1: flow_spec_line 17 -> 20, sha256 \"0d1e2f3a4b5c…\" -> \"abababababab…\"\n")
	assert.NotContains(t, text.String(), "Flow data-products.example.flow-1\n")
	require.NoError(t, Write(&md, r, render.FormatMarkdown, render.Options{}))
	assert.Contains(t, md.String(), "**No changes to deploy**")
	assert.Contains(t, md.String(), "<summary><b>Provenance only")

	// with a real change too, the provenance stays apart
	new.Flows[0].Deployments[0].Request.Tags = append(new.Flows[0].Deployments[0].Request.Tags, "x")
	r = Plans(old, new)
	assert.False(t, r.Empty())
	assert.Equal(t, Counts{Changed: 1, FieldChanges: 1}, r.Counts())
}

// TestSkippedReasonsAreSummarized: a skipped file's reason, every error of
// the file joined, is summed up as its first error and a count.
func TestSkippedReasonsAreSummarized(t *testing.T) {
	old := plantest.Load(t, "seed-main")
	new := plantest.Load(t, "seed-main")
	long := func(n int, what string) string {
		var errs []string
		for i := range n {
			errs = append(errs, fmt.Sprintf("src/x/broken_flow.py:%d:1: %s %s", i+1, what, strings.Repeat("détail ", 40)))
		}
		return "extraction failed: " + strings.Join(errs, "; ")
	}
	old.Skipped = []plan.Skipped{{Path: "src/x/broken_flow.py", Reason: long(12, "cannot know statically")}}
	new.Skipped = []plan.Skipped{{Path: "src/x/broken_flow.py", Reason: long(3, "syntax error")}, {Path: "src/y/new_flow.py", Reason: long(20, "wrong")}}
	require.Greater(t, len(old.Skipped[0].Reason), 3000)
	r := Plans(old, new)
	for _, f := range []render.Format{render.FormatText, render.FormatMarkdown} {
		var out strings.Builder
		require.NoError(t, Write(&out, r, f, render.Options{}))
		text := out.String()
		assert.Less(t, len(text), 2500, "%s:\n%s", f, text)
		assert.Contains(t, text, "(and 11 more)")
		assert.Contains(t, text, "(and 2 more)")
		assert.Contains(t, text, "(and 19 more)")
		assert.Contains(t, text, "src/x/broken_flow.py:1:1: syntax error détail")
		assert.True(t, utf8.ValidString(text))
	}
}

func TestDevVersusMainMatchesWithoutTheSuffix(t *testing.T) {
	r := Plans(plantest.Load(t, "seed-dev"), plantest.Load(t, "seed-main"))
	require.Len(t, r.Notes, 1)
	assert.Contains(t, r.Notes[0], "comparing a dev plan with a main plan: names differ by their -dev/-main suffix")
	c := r.Counts()
	assert.Zero(t, c.Added, "nothing added: resources matched across types")
	assert.Zero(t, c.Removed)
	td := find(t, r, ResourceTaskDefinition, "data-products-example-flow-1-main", "executionRoleArn")
	assert.Equal(t, "data-products-example-flow-1-dev", td.OldID)
	assert.True(t, td.TypeOnly, "role ARN differs only by dev -> main")
	sched := find(t, r, ResourceDeployment, "data-products.example.flow-1/base-main", "request.schedule")
	assert.Equal(t, Added, sched.Kind)
	assert.False(t, sched.TypeOnly)
	assert.JSONEq(t, `{"cron":"0 0 * * *","day_or":true}`, string(sched.New))
	unmanaged := find(t, r, ResourceDeployment, "data-products.example.flow-1/base-main", "unmanaged")
	assert.False(t, unmanaged.TypeOnly)
}

func TestWalk(t *testing.T) {
	type emitted struct {
		Kind     Kind
		Path     string
		Old, New string
	}
	tests := []struct {
		name     string
		old, new string
		want     []emitted
	}{
		{"equal", `{"a":[1,{"b":2}]}`, `{"a":[1,{"b":2}]}`, nil},
		{"number text kept", `{"a":1}`, `{"a":1.0}`, []emitted{{Changed, "a", "1", "1.0"}}},
		{"scalar list whole", `{"t":["a","b"]}`, `{"t":["b","a"]}`, []emitted{{Changed, "t", `["a","b"]`, `["b","a"]`}}},
		{"type change", `{"a":{"x":1}}`, `{"a":[1]}`, []emitted{{Changed, "a", `{"x":1}`, `[1]`}}},
		{"null to value", `{"a":null}`, `{"a":"x"}`, []emitted{{Changed, "a", `null`, `"x"`}}},
		{"dotted key quoted", `{"env.X":"1"}`, `{"env.X":"2"}`, []emitted{{Changed, `["env.X"]`, `"1"`, `"2"`}}},
		{"keyed by name, pair collapsed", `[{"name":"A","value":"1"},{"name":"B","value":"2"}]`, `[{"name":"B","value":"3"},{"name":"A","value":"1"}]`,
			[]emitted{{Changed, "[B]", `"2"`, `"3"`}}},
		{"keyed by patch path", `[{"op":"add","path":"/a","value":1}]`, `[{"op":"replace","path":"/a","value":1},{"op":"add","path":"/b","value":2}]`,
			[]emitted{{Changed, "[/a].op", `"add"`, `"replace"`}, {Added, "[/b]", "", `{"op":"add","path":"/b","value":2}`}}},
		{"single-key objects", `[{"x":{"a":1}},{"y":{}}]`, `[{"y":{}},{"x":{"a":2}}]`, []emitted{{Changed, "[x].a", "1", "2"}}},
		{"index when no key", `[{"a":1},{"a":1,"b":2}]`, `[{"a":2}]`,
			[]emitted{{Changed, "[0].a", "1", "2"}, {Removed, "[1]", `{"a":1,"b":2}`, ""}}},
		{"duplicate names fall back to index", `[{"name":"A","v":1},{"name":"A","v":2}]`, `[{"name":"A","v":1},{"name":"A","v":3}]`,
			[]emitted{{Changed, "[1].v", "2", "3"}}},
		{"key with bracket quoted", `[{"name":"a]b","v":1}]`, `[{"name":"a]b","v":2}]`, []emitted{{Changed, `["a]b"]`, "1", "2"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []emitted
			walk(decode([]byte(tt.old)), decode([]byte(tt.new)), "", func(k Kind, p string, o, n any) {
				e := emitted{Kind: k, Path: p}
				if k != Added {
					e.Old = string(marshal(o))
				}
				if k != Removed {
					e.New = string(marshal(n))
				}
				got = append(got, e)
			})
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestReplaceWord(t *testing.T) {
	tests := []struct{ in, want string }{
		{"data-flows-prefect-dev-task-role", "data-flows-prefect-main-task-role"},
		{"dev", "main"},
		{"dev-v2", "main-v2"},
		{"device-dev", "device-main"},
		{"devdev", "devdev"},
		{"x_dev", "x_dev"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, replaceWord(tt.in, "dev", "main"), tt.in)
	}
}

func TestWriteRejectsUnknownFormat(t *testing.T) {
	r := Plans(plantest.Load(t, "seed-main"), plantest.Load(t, "seed-main"))
	err := Write(&bytes.Buffer{}, r, "yaml", render.Options{})
	assert.ErrorContains(t, err, "yaml")
}

func TestTextColorOnlyWhenAsked(t *testing.T) {
	r := Plans(plantest.Load(t, "seed-main"), plantest.Load(t, "seed-unknown-account"))
	var plain, colored bytes.Buffer
	require.NoError(t, Write(&plain, r, render.FormatText, render.Options{}))
	require.NoError(t, Write(&colored, r, render.FormatText, render.Options{Color: true}))
	assert.NotContains(t, plain.String(), "\x1b[")
	assert.Contains(t, colored.String(), "\x1b[33m~ aws.account_id")
}

func TestJSONViewListsEveryChange(t *testing.T) {
	r := Plans(plantest.Load(t, "seed-dev"), plantest.Load(t, "seed-main"))
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, r, render.FormatJSON, render.Options{}))
	var doc struct {
		Empty   bool     `json:"empty"`
		Counts  Counts   `json:"counts"`
		Changes []Change `json:"changes"`
	}
	require.NoError(t, json.Unmarshal(buf.Bytes(), &doc))
	assert.False(t, doc.Empty)
	assert.Equal(t, r.Counts(), doc.Counts)
	require.Len(t, doc.Changes, len(r.Changes))
	for i, c := range doc.Changes {
		want := r.Changes[i]
		for _, pair := range [][2]json.RawMessage{{want.Old, c.Old}, {want.New, c.New}} {
			if len(pair[0]) == 0 {
				assert.Empty(t, pair[1])
			} else {
				assert.JSONEq(t, string(pair[0]), string(pair[1]))
			}
		}
		want.Old, want.New, c.Old, c.New = nil, nil, nil, nil
		assert.Equal(t, want, c)
	}
}

func TestPlaceholderAccountIsExplained(t *testing.T) {
	r := Plans(plantest.Load(t, "seed-main"), plantest.Load(t, "seed-unknown-account"))
	require.Len(t, r.Notes, 1)
	assert.Contains(t, r.Notes[0], "only the new plan leaves the AWS account id for apply time")
	assert.Contains(t, r.Notes[0], "(known at apply: AWS account id)")
	c := find(t, r, ResourcePlan, "data-products", "aws.account_id")
	assert.JSONEq(t, `"${aws_account_id}"`, string(c.New))
	assert.Empty(t, Plans(plantest.Load(t, "seed-unknown-account"), plantest.Load(t, "seed-unknown-account")).Notes)
}

// TestMarkdownHasNoTildeLines: GitHub colours a ```diff block's lines by
// their first character and knows no "~": every changed line starts with
// "-", "+" or "!".
func TestMarkdownHasNoTildeLines(t *testing.T) {
	mds, err := filepath.Glob("testdata/*.md")
	require.NoError(t, err)
	require.NotEmpty(t, mds)
	for _, md := range mds {
		b, err := os.ReadFile(md)
		require.NoError(t, err)
		inDiff := false
		for i, line := range strings.Split(string(b), "\n") {
			switch {
			case strings.HasPrefix(line, "```diff"):
				inDiff = true
			case strings.HasPrefix(line, "```"):
				inDiff = false
			case inDiff:
				assert.False(t, strings.HasPrefix(line, "~"), "%s:%d: %s", md, i+1, line)
			}
		}
	}
}
