package diff

import (
	"encoding/json"
	"fmt"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/extractor/project"
	"github.com/flowplan/flowplan/extractor/spec"
	"github.com/flowplan/flowplan/plan"
	"github.com/flowplan/flowplan/plan/render"
	"github.com/flowplan/flowplan/planner"
)

// bigPlan builds, with planner.Build, a plan of flows agent-era flows with
// three deployments each. variant changes every tenth flow's parameters
// and cpu, so two variants differ in a known number of places.
func bigPlan(tb testing.TB, flows int, typ string, variant int) *plan.Plan {
	tb.Helper()
	proj := &project.Project{
		Root: "/repo/big", RootName: "big", Name: "big", Slug: "big", Version: "1.0.0", FlowsFolder: "src",
		Envs: map[string]project.DockerEnv{
			"base": {Name: "base", PythonVersion: "3.10", DockerfilePath: ".docker/base/Dockerfile", BuildContext: "."},
		},
		WorkerEnvs:      map[string]project.WorkerDockerEnv{},
		PyprojectSHA256: "00",
	}
	tz := "America/Los_Angeles"
	files := make([]spec.FileResult, 0, flows)
	for i := range flows {
		cpu := "1024"
		if variant > 0 && i%10 == 0 {
			cpu = "2048"
		}
		deps := make([]spec.AgentDeployment, 0, 3)
		for j := range 3 {
			params := fmt.Sprintf(`{"day": "d%d", "limit": %d, "nested": {"k": [1, 2, "x"]}}`, j, 100+variant*(i%10/9))
			deps = append(deps, spec.AgentDeployment{
				DeploymentName: fmt.Sprintf("dep-%d", j), CPU: cpu, Memory: "4096",
				Parameters: json.RawMessage(params),
				Schedule:   &spec.Schedule{Type: "cron", Cron: fmt.Sprintf("%d %d * * *", j*10, i%24), Timezone: &tz},
				Envars:     []spec.Envar{{EnvarName: "LOG_LEVEL", EnvarValue: "INFO"}},
			})
		}
		files = append(files, spec.FileResult{
			Path: fmt.Sprintf("src/folder%03d/flow%04d_flow.py", i/10, i), Status: spec.StatusOK,
			SHA256: fmt.Sprintf("%064d", i), FlowSpecLine: 20,
			Spec: &spec.Spec{Agent: &spec.AgentSpec{
				API: spec.APIAgent,
				Flow: spec.Flow{Function: fmt.Sprintf("flow_%d", i), Name: fmt.Sprintf("flow-%d", i), Parameters: []spec.Parameter{
					{Name: "day", Annotation: "str", Type: &spec.TypeExpr{Name: "str"}, Default: json.RawMessage("null")},
					{Name: "limit", Annotation: "int", Type: &spec.TypeExpr{Name: "int"}, Default: json.RawMessage("100"), HasDefault: true},
				}},
				DockerEnv:          "base",
				Secrets:            []spec.Envar{{EnvarName: "DB", EnvarValue: "data/db"}},
				Envars:             []spec.Envar{},
				EphemeralStorageGB: 50,
				Deployments:        deps,
			}},
		})
	}
	p, err := planner.Build(proj, files, planner.Options{
		DeploymentType: spec.DeploymentType(typ), GitSHA: "0123456789abcdef", AWSRegion: "us-east-1", AWSAccountID: "123456789012",
		Subnets: []string{"subnet-1"}, SecurityGroups: []string{"sg-1"}, Generator: "bench",
	})
	require.NoError(tb, err)
	return p
}

func TestBigPlanDiffCounts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two 1,000-flow plans")
	}
	old, new := bigPlan(t, 1000, "main", 0), bigPlan(t, 1000, "main", 1)
	r := Plans(old, new)
	// every tenth flow: cpu override in 3 deployments; flows with i%10 == 9:
	// the limit parameter in 3 deployments
	require.Equal(t, Counts{Changed: 600, FieldChanges: 600}, r.Counts())
	require.True(t, Plans(old, bigPlan(t, 1000, "main", 0)).Empty())
}

func BenchmarkPlans(b *testing.B) {
	old, new := bigPlan(b, 1000, "main", 0), bigPlan(b, 1000, "main", 1)
	b.ResetTimer()
	for b.Loop() {
		Plans(old, new)
	}
}

func BenchmarkPlansDevVersusMain(b *testing.B) {
	old, new := bigPlan(b, 1000, "dev", 0), bigPlan(b, 1000, "main", 1)
	b.ResetTimer()
	for b.Loop() {
		Plans(old, new)
	}
}

func BenchmarkWrite(b *testing.B) {
	r := Plans(bigPlan(b, 1000, "dev", 0), bigPlan(b, 1000, "main", 1))
	for _, f := range render.Formats() {
		b.Run(string(f), func(b *testing.B) {
			for b.Loop() {
				if err := Write(io.Discard, r, f, render.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
