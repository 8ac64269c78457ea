package plan

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/extractor/project"
	"github.com/flowplan/flowplan/extractor/spec"
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
			o.Inputs[3] = Input{Name: "aws-account-id", Value: "", Source: "apply"}
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
		{"worker-main-prefect3", workerProject, workerFiles, func() Options { return workerOptions("main", TargetPrefect3) }},
		{"worker-dev-prefect2-worker", workerProject, workerFiles, func() Options { return workerOptions("dev", TargetPrefect2Worker) }},
		{"mixed-main-prefect2-worker", mixedProject, func() []spec.FileResult {
			return append(workerFiles(), seedFlow())
		}, func() Options {
			o := workerOptions("main", TargetPrefect2Worker)
			o.AWSAccountID = ""
			return o
		}},
	}
}

func buildGolden(t testing.TB, c goldenCase) (*Plan, []byte) {
	t.Helper()
	p, err := Build(c.proj(), c.files(), c.opts())
	require.NoError(t, err)
	b, err := p.MarshalCanonical()
	require.NoError(t, err)
	return p, b
}

func TestBuildGolden(t *testing.T) {
	for _, c := range goldenCases() {
		t.Run(c.name, func(t *testing.T) {
			_, got := buildGolden(t, c)
			golden := filepath.Join("testdata", c.name+".golden.json")
			if *update {
				require.NoError(t, os.WriteFile(golden, got, 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run go test ./plan -update to create the golden file")
			assert.Equal(t, string(want), string(got))

			_, again := buildGolden(t, c)
			assert.Equal(t, string(got), string(again), "Build is deterministic")
		})
	}
}

// TestGoldensMatchSchema validates every golden plan against
// docs/plan.schema.json.
func TestGoldensMatchSchema(t *testing.T) {
	sch := compilePlanSchema(t)
	goldens, err := filepath.Glob("testdata/*.golden.json")
	require.NoError(t, err)
	require.NotEmpty(t, goldens)
	for _, g := range goldens {
		t.Run(filepath.Base(g), func(t *testing.T) {
			f, err := os.Open(g)
			require.NoError(t, err)
			defer f.Close()
			doc, err := jsonschema.UnmarshalJSON(f)
			require.NoError(t, err)
			assert.NoError(t, sch.Validate(doc))
		})
	}
}

func compilePlanSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	sch, err := c.Compile("../docs/plan.schema.json")
	require.NoError(t, err)
	return sch
}

func TestSchemaRejectsBrokenPlans(t *testing.T) {
	sch := compilePlanSchema(t)
	_, b := buildGolden(t, goldenCases()[0])
	mutations := map[string]func(m map[string]any){
		"unknown top-level field": func(m map[string]any) { m["extra"] = 1 },
		"bad digest":              func(m map[string]any) { m["digest"] = "md5:abc" },
		"bad deployment type":     func(m map[string]any) { m["deployment_type"] = "prod" },
		"ephemeral storage 20": func(m map[string]any) {
			td := m["flows"].([]any)[0].(map[string]any)["task_definition"].(map[string]any)
			td["ephemeralStorage"] = map[string]any{"sizeInGiB": 20}
		},
		"schedule with two kinds": func(m map[string]any) {
			r := m["flows"].([]any)[0].(map[string]any)["deployments"].([]any)[0].(map[string]any)["request"].(map[string]any)
			r["schedule"].(map[string]any)["rrule"] = "FREQ=DAILY"
		},
	}
	for name, mutate := range mutations {
		t.Run(name, func(t *testing.T) {
			var m map[string]any
			require.NoError(t, json.Unmarshal(b, &m))
			mutate(m)
			raw, err := json.Marshal(m)
			require.NoError(t, err)
			doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
			require.NoError(t, err)
			assert.Error(t, sch.Validate(doc))
		})
	}
}
