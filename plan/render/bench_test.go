package render

import (
	"encoding/json"
	"fmt"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/extractor/project"
	"github.com/flowplan/flowplan/extractor/spec"
	"github.com/flowplan/flowplan/plan"
	"github.com/flowplan/flowplan/planner"
)

// bigPlan builds, with planner.Build, a main plan of 1,000 agent-era flows
// with three deployments each (cron, interval and rrule schedules).
func bigPlan(tb testing.TB) *plan.Plan {
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
	interval := 3600.0
	schedules := []spec.Schedule{
		{Type: "cron", Cron: "0 6 * * 1-5", Timezone: &tz},
		{Type: "interval", IntervalSeconds: &interval, Timezone: &tz},
		{Type: "rrule", RRule: "FREQ=WEEKLY;BYDAY=MO,WE", Timezone: &tz},
	}
	files := make([]spec.FileResult, 0, 1000)
	for i := range 1000 {
		deps := make([]spec.AgentDeployment, 0, 3)
		for j := range 3 {
			deps = append(deps, spec.AgentDeployment{
				DeploymentName: fmt.Sprintf("dep-%d", j), CPU: "1024", Memory: "4096",
				Parameters: json.RawMessage(fmt.Sprintf(`{"day": "d%d", "nested": {"k": [1, 2, "x"]}}`, j)),
				Schedule:   &schedules[j],
				Envars:     []spec.Envar{{EnvarName: "LOG_LEVEL", EnvarValue: "INFO"}},
			})
		}
		files = append(files, spec.FileResult{
			Path: fmt.Sprintf("src/folder%03d/flow%04d_flow.py", i/10, i), Status: spec.StatusOK,
			SHA256: fmt.Sprintf("%064d", i), FlowSpecLine: 20,
			Spec: &spec.Spec{Agent: &spec.AgentSpec{
				API:                spec.APIAgent,
				Flow:               spec.Flow{Function: fmt.Sprintf("flow_%d", i), Name: fmt.Sprintf("flow-%d", i), Parameters: []spec.Parameter{}},
				DockerEnv:          "base",
				Secrets:            []spec.Envar{{EnvarName: "DB", EnvarValue: "data/db"}},
				Envars:             []spec.Envar{},
				EphemeralStorageGB: 50,
				Deployments:        deps,
			}},
		})
	}
	p, err := planner.Build(proj, files, planner.Options{
		DeploymentType: "main", GitSHA: "0123456789abcdef", AWSRegion: "us-east-1",
		Subnets: []string{"subnet-1"}, SecurityGroups: []string{"sg-1"}, Generator: "bench",
	})
	require.NoError(tb, err)
	return p
}

func BenchmarkShow(b *testing.B) {
	p := bigPlan(b)
	for _, f := range Formats() {
		b.Run(string(f), func(b *testing.B) {
			for b.Loop() {
				if err := Show(io.Discard, p, f, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
