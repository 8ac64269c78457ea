package executor

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/executor/aws"
	"github.com/flowplan/flowplan/executor/aws/awsfake"
	"github.com/flowplan/flowplan/executor/docker"
	"github.com/flowplan/flowplan/executor/docker/fakedocker"
	"github.com/flowplan/flowplan/executor/prefect"
	"github.com/flowplan/flowplan/executor/prefect/prefectfake"
	"github.com/flowplan/flowplan/extractor/project"
	"github.com/flowplan/flowplan/extractor/spec"
	"github.com/flowplan/flowplan/plan"
	"github.com/flowplan/flowplan/planner"
)

const testAccount = "123456789012"

func ptr[T any](v T) *T { return &v }

// agentProject is a sub-project with one agent-era docker env.
func agentProject() *project.Project {
	return &project.Project{
		Root: "/repo/data-products", RootName: "data-products",
		Name: "data-products", Slug: "data-products", Version: "0.1.0", FlowsFolder: "src",
		Envs: map[string]project.DockerEnv{
			"base": {Name: "base", PythonVersion: "3.10", DockerfilePath: ".docker/main/Dockerfile", BuildContext: "."},
		},
		WorkerEnvs:      map[string]project.WorkerDockerEnv{},
		PyprojectSHA256: "9f2c3b1a5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708",
	}
}

// agentFiles returns n agent-era flow files, each in its own folder, each
// with deps deployments (a cron schedule, parameters, an envar, a secret).
func agentFiles(n, deps int) []spec.FileResult {
	files := make([]spec.FileResult, 0, n)
	for i := range n {
		var ds []spec.AgentDeployment
		for j := range deps {
			ds = append(ds, spec.AgentDeployment{
				DeploymentName: fmt.Sprintf("dep%d", j), CPU: "1024", Memory: "4096",
				Parameters: json.RawMessage(fmt.Sprintf(`{"flow": %d, "deployment": %d, "name": "x"}`, i, j)),
				Schedule:   &spec.Schedule{Type: "cron", Cron: fmt.Sprintf("%d 0 * * *", j)},
				Envars:     []spec.Envar{{EnvarName: "EXTRA_PIP_PACKAGES", EnvarValue: "pandas"}},
			})
		}
		files = append(files, spec.FileResult{
			Path: fmt.Sprintf("src/folder%03d/example_flow.py", i), Status: spec.StatusOK,
			Errors: []string{}, Warnings: []string{},
			SHA256: fmt.Sprintf("%064x", i), FlowSpecLine: 17,
			Spec: &spec.Spec{Agent: &spec.AgentSpec{
				API:                spec.APIAgent,
				Flow:               spec.Flow{Function: "flow_1", Name: "flow-1", Parameters: []spec.Parameter{}},
				DockerEnv:          "base",
				Secrets:            []spec.Envar{{EnvarName: "MY_SECRET_JSON", EnvarValue: "/my/secret"}},
				Envars:             []spec.Envar{},
				EphemeralStorageGB: 30,
				Deployments:        ds,
			}},
		})
	}
	return files
}

func agentOptions(account string) planner.Options {
	inputs := []plan.Input{
		{Name: "deployment-type", Value: "main", Source: "flag"},
		{Name: "aws-account-id", Value: account, Source: "env:AWS_ACCOUNT_ID"},
	}
	if account == "" {
		inputs[1].Source = "apply"
	}
	return planner.Options{
		DeploymentType: "main", GitSHA: "3f9a1c27d4b5e6f7", AWSRegion: "us-east-1", AWSAccountID: account,
		Subnets: []string{"subnet-0a"}, SecurityGroups: []string{"sg-01"},
		Target: plan.TargetPrefect2Agent, Generator: "0.1.0-test", Inputs: inputs,
	}
}

// agentPlan builds the plan of n agent-era flows with deps deployments
// each, through planner.Build and the canonical file round trip.
func agentPlan(t testing.TB, n, deps int) *plan.Plan {
	t.Helper()
	return buildPlan(t, agentProject(), agentFiles(n, deps), agentOptions(testAccount))
}

func buildPlan(t testing.TB, proj *project.Project, files []spec.FileResult, opts planner.Options) *plan.Plan {
	t.Helper()
	p, err := planner.Build(proj, files, opts)
	require.NoError(t, err)
	return reparse(t, p)
}

// reparse writes the plan as a file would hold it (with a fresh digest)
// and reads it back.
func reparse(t testing.TB, p *plan.Plan) *plan.Plan {
	t.Helper()
	b, err := p.MarshalCanonical()
	require.NoError(t, err)
	out, err := plan.Parse(b)
	require.NoError(t, err)
	require.NoError(t, out.VerifyDigest())
	return out
}

// workerProject has two worker-era docker envs.
func workerProject() *project.Project {
	return &project.Project{
		Root: "/repo/mozilla-flows", RootName: "mozilla-flows",
		Name: "mozilla-flows", Slug: "mozilla-flows", Version: "1.0.0", FlowsFolder: "src",
		Envs: map[string]project.DockerEnv{},
		WorkerEnvs: map[string]project.WorkerDockerEnv{
			"base": {Name: "base", PythonVersion: "3.11", DockerfilePath: ".docker/base/Dockerfile", DependencyGroup: "main"},
		},
		PyprojectSHA256: "bb00000000000000000000000000000000000000000000000000000000000000",
	}
}

func workerFiles() []spec.FileResult {
	desc := "Counts things."
	return []spec.FileResult{{
		Path: "src/counts/count_flow.py", Status: spec.StatusOK, SHA256: "33", FlowSpecLine: 30,
		Errors: []string{}, Warnings: []string{},
		Spec: &spec.Spec{Worker: &spec.WorkerSpec{
			API:       spec.APIWorker,
			Flow:      spec.Flow{Function: "count_things", Name: "count-things", Description: &desc, Parameters: []spec.Parameter{{Name: "n", Annotation: "int", Type: &spec.TypeExpr{Name: "int"}, Default: json.RawMessage("3"), HasDefault: true}}},
			DockerEnv: "base",
			Deployments: []spec.WorkerDeployment{
				{
					Name: "hourly", Cron: ptr("0 * * * *"), Timezone: "America/Los_Angeles",
					Parameters: json.RawMessage(`{"n": 5}`), Tags: []string{"sla:1h"}, Version: ptr("v7"),
					EnforceParameterSchema: true, WorkPoolName: "mozilla-aws-ecs", WorkQueueName: "default",
					JobVariables: json.RawMessage(`{"cpu": 1024, "env": {"A": "b"}}`),
				},
				{
					Name: "adhoc", Timezone: "UTC", Parameters: json.RawMessage(`{}`), Tags: []string{},
					Description: ptr("Run by hand."), WorkPoolName: "local-process", WorkQueueName: "manual",
					JobVariables: json.RawMessage(`{}`),
				},
			},
		}},
	}}
}

func workerPlan(t testing.TB) *plan.Plan {
	t.Helper()
	o := agentOptions(testAccount)
	o.Target = plan.TargetPrefect3
	o.GitRepository = "https://github.com/example/mozilla-flows.git"
	return buildPlan(t, workerProject(), workerFiles(), o)
}

// fixture runs the fakes an apply talks to: Prefect, AWS (ECS, ECR, STS)
// and the fake docker program.
type fixture struct {
	prefect   *prefectfake.Server
	aws       *awsfake.Server
	client    *prefect.Client
	awsClient *aws.Client
	dockerLog string
	dockerOut *syncBuffer
	// projectDir is the sub-project folder docker runs in, holding the
	// Dockerfiles of agentProject and workerProject.
	projectDir string
	docker     Docker

	mu     sync.Mutex
	sleeps []time.Duration
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type fixtureConfig struct {
	noStorage bool // leave the GitHub storage block out
	dockerEnv []string
	prefect   []prefectfake.Option
	aws       awsfake.Options
	clientOpt []prefect.Option
}

func newFixture(t testing.TB, popts ...prefectfake.Option) *fixture {
	t.Helper()
	return newFixtureWith(t, fixtureConfig{prefect: popts})
}

func newFixtureWith(t testing.TB, cfg fixtureConfig) *fixture {
	t.Helper()
	f := &fixture{}
	var opts []prefectfake.Option
	if !cfg.noStorage {
		opts = append(opts, prefectfake.WithBlockDocument("github", "data-flows-main", map[string]any{"repository": "https://github.com/example/data-flows", "reference": "main-v2"}))
	}
	f.prefect = prefectfake.Start(t, append(opts, cfg.prefect...)...)
	f.aws = awsfake.New(cfg.aws)
	t.Cleanup(f.aws.Close)

	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 128
	copts := append([]prefect.Option{
		prefect.WithHTTPClient(&http.Client{Transport: transport}),
		prefect.WithSleep(func(ctx context.Context, d time.Duration) error {
			f.mu.Lock()
			f.sleeps = append(f.sleeps, d)
			f.mu.Unlock()
			return ctx.Err()
		}),
	}, cfg.clientOpt...)
	var err error
	f.client, err = prefect.New(f.prefect.URL, copts...)
	require.NoError(t, err)
	f.awsClient = aws.New(f.aws.Config(), 0)

	program, err := fakedocker.Path()
	require.NoError(t, err)
	dir := t.TempDir()
	f.dockerLog = filepath.Join(dir, "docker.log")
	f.dockerOut = &syncBuffer{}
	f.projectDir = t.TempDir()
	for _, name := range []string{".docker/main/Dockerfile", ".docker/base/Dockerfile"} {
		path := filepath.Join(f.projectDir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte("FROM python:3.11\n"), 0o644))
	}
	f.docker = NewDocker(docker.New(program, f.projectDir, f.dockerOut).WithEnv(append([]string{"FAKE_DOCKER_LOG=" + f.dockerLog}, cfg.dockerEnv...)...))
	return f
}

func (f *fixture) options(mods ...func(*Options)) Options {
	o := Options{Prefect: f.client, ECS: f.awsClient, ECR: f.awsClient, STS: f.awsClient, Docker: f.docker, ProjectDir: f.projectDir}
	for _, m := range mods {
		m(&o)
	}
	return o
}

func (f *fixture) apply(t testing.TB, p *plan.Plan, mods ...func(*Options)) *Summary {
	t.Helper()
	s, err := Apply(context.Background(), p, f.options(mods...))
	require.NoError(t, err)
	return s
}

// reset forgets the requests and calls seen so far.
func (f *fixture) reset(t testing.TB) {
	t.Helper()
	f.prefect.ResetRequests()
	f.aws.ResetCalls()
	require.NoError(t, os.RemoveAll(f.dockerLog))
}

// writes returns the Prefect write requests since the last reset, as
// "METHOD path".
func (f *fixture) writes() []string {
	var out []string
	for _, r := range f.prefect.Requests() {
		if r.IsWrite() {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	return out
}

func (f *fixture) writeRequests() []prefectfake.Request {
	var out []prefectfake.Request
	for _, r := range f.prefect.Requests() {
		if r.IsWrite() {
			out = append(out, r)
		}
	}
	return out
}

func (f *fixture) dockerCalls(t testing.TB) []fakedocker.Call {
	t.Helper()
	calls, err := fakedocker.ReadLog(f.dockerLog)
	require.NoError(t, err)
	return calls
}

func (f *fixture) registrations() int { return f.aws.Calls(awsfake.ECSRegisterTaskDefinition) }

// actions maps "kind name" to the action of every result.
func actions(s *Summary) map[string]Action {
	out := map[string]Action{}
	for _, r := range s.Resources {
		out[string(r.Kind)+" "+r.Name] = r.Action
	}
	return out
}

// changed lists "kind name" of every created or updated resource.
func changed(s *Summary) []string {
	var out []string
	for _, r := range s.Resources {
		if r.Action == Created || r.Action == Updated {
			out = append(out, string(r.Kind)+" "+r.Name)
		}
	}
	return out
}

func awsOptions(account string) awsfake.Options { return awsfake.Options{Account: account} }

func prefectfakeLatency(d time.Duration) fixtureConfig {
	return fixtureConfig{prefect: []prefectfake.Option{prefectfake.WithLatency(d)}}
}
