package planner

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/extractor/project"
	"github.com/flowplan/flowplan/extractor/spec"
	"github.com/flowplan/flowplan/plan"
)

var update = flag.Bool("update", false, "rewrite golden files")

type goldenCase struct {
	name  string
	proj  func() *project.Project
	files func() []spec.FileResult
	opts  func() Options
}

func mixedProject() *project.Project {
	p := workerProject()
	p.Envs = seedProject().Envs
	return p
}

func goldenCases() []goldenCase {
	seedFiles := func() []spec.FileResult { return []spec.FileResult{seedFlow()} }
	return []goldenCase{
		{"seed-main", seedProject, seedFiles, func() Options { return seedOptions("main") }},
		{"seed-dev", seedProject, seedFiles, func() Options { return seedOptions("dev") }},
		{"seed-unknown-account", seedProject, seedFiles, func() Options {
			o := seedOptions("main")
			o.AWSAccountID = ""
			o.Inputs[3] = plan.Input{Name: "aws-account-id", Value: "", Source: "apply"}
			return o
		}},
		{"multi-main", multiProject, multiFiles, func() Options {
			o := seedOptions("main")
			o.AWSAccountID = ""
			o.StorageBlock = "my-github"
			return o
		}},
		{"multi-staging-infra-override", multiProject, multiFiles, func() Options {
			o := seedOptions("staging")
			o.InfrastructureBlock = "-ib process/local-testing"
			return o
		}},
		{"worker-main-prefect3", workerProject, workerFiles, func() Options { return workerOptions("main", plan.TargetPrefect3) }},
		{"worker-dev-prefect2-worker", workerProject, workerFiles, func() Options { return workerOptions("dev", plan.TargetPrefect2Worker) }},
		{"mixed-main-prefect2-worker", mixedProject, func() []spec.FileResult {
			return append(workerFiles(), seedFlow())
		}, func() Options {
			o := workerOptions("main", plan.TargetPrefect2Worker)
			o.AWSAccountID = ""
			return o
		}},
	}
}

func buildGolden(t testing.TB, c goldenCase) (*plan.Plan, []byte) {
	t.Helper()
	p, err := Build(c.proj(), c.files(), c.opts())
	require.NoError(t, err)
	b, err := p.MarshalCanonical()
	require.NoError(t, err)
	return p, b
}

// goldenPlans is where the golden plans live: with the plan package, whose
// readers (render, diff, prefectyaml, verify, the schema tests) load them
// as example plans through plantest.
const goldenPlans = "../plan/testdata"

// TestBuildGolden keeps the golden plans exactly what Build writes.
func TestBuildGolden(t *testing.T) {
	for _, c := range goldenCases() {
		t.Run(c.name, func(t *testing.T) {
			_, got := buildGolden(t, c)
			golden := filepath.Join(goldenPlans, c.name+".golden.json")
			if *update {
				require.NoError(t, os.WriteFile(golden, got, 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run go test ./planner -update to create the golden file")
			assert.Equal(t, string(want), string(got))

			_, again := buildGolden(t, c)
			assert.Equal(t, string(got), string(again), "Build is deterministic")
		})
	}
}
