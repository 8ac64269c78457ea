package verify

import (
	"bytes"
	"encoding/json"
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/executor/prefect"
	"github.com/flowplan/flowplan/executor/prefect/prefectfake"
	"github.com/flowplan/flowplan/plan"
	"github.com/flowplan/flowplan/plan/plantest"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestTrusts(t *testing.T) {
	const svc = ecsTasksPrincipal
	for _, tc := range []struct {
		name, policy string
		want         bool
	}{
		{"list", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, true},
		{"url-encoded as IAM returns it", `%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%5B%22ecs-tasks.amazonaws.com%22%5D%7D%2C%22Action%22%3A%5B%22sts%3AAssumeRole%22%5D%7D%5D%7D`, true},
		{"single statement", `{"Statement":{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com","ecs-tasks.amazonaws.com"]},"Action":"sts:*"}}`, true},
		{"other service", `{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, false},
		{"deny", `{"Statement":[{"Effect":"Deny","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, false},
		{"other action", `{"Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:TagSession"}]}`, false},
		{"not json", `nope`, false},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, trusts(tc.policy, svc)) })
	}
}

func TestSecretRefOf(t *testing.T) {
	for _, tc := range []struct {
		in       string
		want     secretRef
		resource string
	}{
		{"arn:aws:secretsmanager:us-east-1:123456789012:secret:/my/secret", secretRef{"secretsmanager", "/my/secret", "us-east-1"}, "Secrets Manager secret /my/secret"},
		{"arn:aws:secretsmanager:eu-west-1:123456789012:secret:db:password::", secretRef{"secretsmanager", "db", "eu-west-1"}, "Secrets Manager secret db"},
		{"arn:aws:ssm:us-east-1:123456789012:parameter/plain", secretRef{"ssm", "plain", "us-east-1"}, "SSM parameter plain"},
		{"arn:aws:ssm:us-east-1:123456789012:parameter/a/b", secretRef{"ssm", "/a/b", "us-east-1"}, "SSM parameter /a/b"},
		// ECS reads a valueFrom that is no ARN as a parameter's name.
		{"bare-name", secretRef{"", "bare-name", ""}, "SSM parameter bare-name"},
		{"/a/b", secretRef{"", "/a/b", ""}, "SSM parameter /a/b"},
	} {
		got := secretRefOf(tc.in)
		assert.Equal(t, tc.want, got, tc.in)
		assert.Equal(t, tc.resource, got.describe(), tc.in)
	}
}

// agentPlan is the golden multi-flow agent-era plan.
func agentPlan(t *testing.T) *plan.Plan { return plantest.Load(t, "multi-main") }

func TestFargateFindings(t *testing.T) {
	p := agentPlan(t)
	require.NotEmpty(t, p.Flows)
	r, err := Verify(t.Context(), p, Options{})
	require.NoError(t, err)
	assert.Empty(t, r.Findings, "the golden plan is valid for Fargate")
	assert.Equal(t, []string{CheckFargate}, r.Checked)

	fl := &p.Flows[0]
	fl.TaskDefinition.Memory = "3072"
	fl.TaskDefinition.EphemeralStorage = &plan.EphemeralStorage{SizeInGiB: 201}
	fl.TaskDefinition.ContainerDefinitions[0].LogConfiguration.Options["awslogs-region"] = "eu-west-1"
	fl.Deployments[0].Request.InfraOverrides = json.RawMessage(`{"task_customizations":[{"op":"add","path":"/overrides/cpu","value":"512"},{"op":"add","path":"/overrides/memory","value":"512"}]}`)
	r, err = Verify(t.Context(), p, Options{})
	require.NoError(t, err)
	var problems []string
	for _, f := range r.Findings {
		assert.Equal(t, CheckFargate, f.Check)
		assert.NotEmpty(t, f.NeededBy)
		assert.NotEmpty(t, f.Fix)
		problems = append(problems, f.Resource+": "+f.Problem)
	}
	family := fl.TaskDefinition.Family
	assert.ElementsMatch(t, []string{
		"deployment " + fl.Deployments[0].FlowName + "/" + fl.Deployments[0].Name + ` task size: memory "512" does not go with cpu "512" on Fargate, which takes one of 1024, 2048, 3072, 4096`,
		"task definition " + family + ` container prefect: awslogs-region is eu-west-1 but the plan's region is ` + p.AWS.Region,
		"task definition " + family + `: ephemeral storage of 201 GiB: Fargate takes 21 to 200 GiB (20 GiB when not set)`,
		"task definition " + family + `: memory "3072" does not go with cpu "256" on Fargate, which takes one of 512, 1024, 2048`,
	}, problems)
}

func TestDeploymentSizeWorkerJobVariables(t *testing.T) {
	d := &plan.Deployment{Request: plan.DeploymentRequest{JobVariables: json.RawMessage(`{"cpu": 1024, "memory": 4096}`)}}
	cpu, mem, ok := deploymentSize(d)
	assert.True(t, ok)
	assert.Equal(t, []string{"1024", "4096"}, []string{cpu, mem})
	_, _, ok = deploymentSize(&plan.Deployment{Request: plan.DeploymentRequest{JobVariables: json.RawMessage(`{"env": {}}`)}})
	assert.False(t, ok)
	_, _, ok = deploymentSize(&plan.Deployment{Request: plan.DeploymentRequest{JobVariables: json.RawMessage(`{"cpu": 1024}`)}})
	assert.False(t, ok, "the memory comes from the work pool's template, which the plan does not know")
}

func newPrefect(t *testing.T, url string) *prefect.Client {
	c, err := prefect.New(url, prefect.WithAPIKey("pnu_key"), prefect.WithMaxRetries(0))
	require.NoError(t, err)
	return c
}

// TestPrefectFindings checks the agent-era plan against Prefect 2 fakes:
// a complete server, then one piece missing at a time.
func TestPrefectFindings(t *testing.T) {
	p := agentPlan(t)
	storage := *p.Flows[0].Deployments[0].StorageBlock
	complete := []prefectfake.Option{prefectfake.WithAPIKey("pnu_key"), prefectfake.WithBlockDocument(storage.BlockTypeSlug, storage.Name, map[string]any{"repository": "https://github.com/x/y", "reference": "main"})}
	for _, tc := range []struct {
		name  string
		extra []prefectfake.Option
		key   string
		want  []string // "resource: problem prefix"
	}{
		{name: "complete"},
		{name: "no storage block", extra: []prefectfake.Option{}, want: []string{"Prefect block " + storage.BlockTypeSlug + "/" + storage.Name + ": does not exist"}},
		{name: "ecs-task not registered", extra: []prefectfake.Option{prefectfake.WithoutBlockType("ecs-task")}, want: []string{"Prefect block type ecs-task: is not registered"}},
		{name: "Prefect 3 server", extra: []prefectfake.Option{prefectfake.WithVersion(prefectfake.Prefect3)}, want: []string{"Prefect API URL: version 3"}},
		{name: "wrong key", key: "pnu_other", want: []string{"Prefect API URL: cannot be read"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := complete
			if tc.name == "no storage block" {
				opts = []prefectfake.Option{prefectfake.WithAPIKey("pnu_key")}
			}
			srv := prefectfake.Start(t, append(cloneOpts(opts), tc.extra...)...)
			c := newPrefect(t, srv.URL)
			if tc.key != "" {
				var err error
				c, err = prefect.New(srv.URL, prefect.WithAPIKey(tc.key), prefect.WithMaxRetries(0))
				require.NoError(t, err)
			}
			r, err := Verify(t.Context(), p, Options{Prefect: c})
			require.NoError(t, err)
			var got []string
			for _, f := range r.Findings {
				assert.Equal(t, CheckPrefect, f.Check)
				got = append(got, strings.ReplaceAll(f.Resource+": "+f.Problem, srv.URL, "URL"))
			}
			require.Len(t, got, len(tc.want), "%q", got)
			for i := range tc.want {
				assert.True(t, strings.HasPrefix(got[i], tc.want[i]), "%q does not start with %q", got[i], tc.want[i])
			}
			_, writes := srv.Counts()
			assert.Zero(t, writes, "verify wrote to Prefect")
		})
	}
}

func cloneOpts(o []prefectfake.Option) []prefectfake.Option {
	return append([]prefectfake.Option(nil), o...)
}

func TestWorkPoolFinding(t *testing.T) {
	p := plantest.Load(t, "worker-main-prefect3")
	srv := prefectfake.Start(t, prefectfake.WithAPIKey("pnu_key"), prefectfake.WithVersion(prefectfake.Prefect3))
	r, err := Verify(t.Context(), p, Options{Prefect: newPrefect(t, srv.URL)})
	require.NoError(t, err)
	pools := map[string]bool{}
	for _, fl := range p.Flows {
		for _, d := range fl.Deployments {
			if d.Request.WorkPoolName != nil {
				pools[*d.Request.WorkPoolName] = true
			}
		}
	}
	require.NotEmpty(t, pools)
	var got []string
	for _, f := range r.Findings {
		got = append(got, f.Resource)
		assert.Contains(t, f.Fix, "prefect work-pool create")
	}
	var want []string
	for name := range pools {
		want = append(want, "Prefect work pool "+name)
	}
	assert.ElementsMatch(t, want, got, "each missing pool once")
}

// TestMarkdownGolden renders the findings of a plan with every static
// problem and a Prefect server that lacks its blocks.
func TestMarkdownGolden(t *testing.T) {
	p := agentPlan(t)
	p.Flows[0].TaskDefinition.Memory = "3072"
	srv := prefectfake.Start(t, prefectfake.WithAPIKey("pnu_key"), prefectfake.WithoutBlockType("ecs-task"))
	r, err := Verify(t.Context(), p, Options{Prefect: newPrefect(t, srv.URL)})
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, r.Write(&b, FormatMarkdown))
	got := strings.ReplaceAll(b.String(), srv.URL, "http://prefect.example/api")
	plantest.Golden(t, filepath.Join("testdata", "findings.golden.md"), []byte(got), *update)

	b.Reset()
	ok := &Report{Digest: "sha256:0", Target: "prefect3", Region: "us-east-1", Checked: []string{CheckFargate}, Findings: []Finding{}}
	require.NoError(t, ok.Write(&b, FormatMarkdown))
	assert.Contains(t, b.String(), "this plan will work")
}
