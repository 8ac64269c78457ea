package extractor_test

import (
	"bytes"
	"context"
	"flag"
	"github.com/flowplan/flowplan/extractor/spec"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/extractor"
	"github.com/flowplan/flowplan/extractor/report"
	"github.com/flowplan/flowplan/plan"
	"github.com/flowplan/flowplan/planner"
)

var update = flag.Bool("update", false, "rewrite golden files")

const (
	goldenDir     = "testdata/golden"
	projectsDir   = "../testdata/projects"
	exampleDir    = "../testdata/example-project"
	planSchema    = "../docs/plan.schema.json"
	fixedSHA      = "4f9c2e1d7a3b5c6e8f0a1b2c3d4e5f60718293a4"
	fixedRegion   = "eu-west-1"
	fixedAccount  = "123456789012"
	fixedRepo     = "https://github.com/example-org/data-flows.git"
	fixedGenerate = "golden-test"
)

var (
	fixedSubnets        = []string{"subnet-0a1b2c3d4e5f60718", "subnet-18293a4b5c6d7e8f9"}
	fixedSecurityGroups = []string{"sg-0123456789abcdef0"}
)

// era says which plan targets a project is built for.
type era int

const (
	eraAgent  era = iota // agent-era specs only: prefect2-agent
	eraWorker            // worker-era specs only: prefect3 and prefect2-worker
	eraMixed             // both APIs: prefect2-worker, the only target that has both
)

// sampleProject is one project under testdata the goldens are built for.
type sampleProject struct {
	dir            string
	era            era
	unknownAccount bool              // leave the AWS account id to apply time
	env            map[string]string // the environment flow files and the extractor read
}

// sampleProjects lists every project under testdata/example-project and
// testdata/projects/*; TestSampleProjectsAreListed fails when one is missing.
func sampleProjects() []sampleProject {
	return []sampleProject{
		{dir: exampleDir, era: eraAgent},
		{dir: projectsDir + "/all-schedules", era: eraAgent},
		{dir: projectsDir + "/flows-dot", era: eraAgent},
		{dir: projectsDir + "/odd-names", era: eraAgent},
		{dir: projectsDir + "/pep621", era: eraAgent},
		{dir: projectsDir + "/poetry-minimal", era: eraAgent},
		{dir: projectsDir + "/same-file-names", era: eraAgent, unknownAccount: true},
		{dir: projectsDir + "/spaces in path", era: eraAgent},
		{dir: projectsDir + "/worker-era", era: eraWorker, env: map[string]string{"DF_CONFIG_DEFAULT_WORK_POOL": "data-flows-aws-ecs"}},
		{dir: projectsDir + "/mixed", era: eraMixed},
		{dir: projectsDir + "/enums", era: eraWorker},
	}
}

// goldenName is the project's directory name with spaces made dashes.
func (p sampleProject) goldenName() string {
	return strings.ReplaceAll(filepath.Base(p.dir), " ", "-")
}

func (p sampleProject) targets() []string {
	switch p.era {
	case eraWorker:
		return []string{plan.TargetPrefect3, plan.TargetPrefect2Worker}
	case eraMixed:
		return []string{plan.TargetPrefect2Worker}
	default:
		return []string{plan.TargetPrefect2Agent}
	}
}

func (p sampleProject) getenv(name string) (string, bool) {
	v, ok := p.env[name]
	return v, ok
}

// planCase is one plan golden: a project, a deployment type and a target.
type planCase struct {
	proj   sampleProject
	typ    string
	target string
}

func (c planCase) golden() string {
	name := c.proj.goldenName() + "." + c.typ + "." + c.target
	if c.proj.unknownAccount {
		name += ".unknown-account"
	}
	return filepath.Join(goldenDir, name+".plan.json")
}

func specsGolden(p sampleProject, typ string) string {
	return filepath.Join(goldenDir, p.goldenName()+"."+typ+".specs.json")
}

func planCases() []planCase {
	var out []planCase
	for _, p := range sampleProjects() {
		for _, typ := range []string{"dev", "main"} {
			for _, target := range p.targets() {
				out = append(out, planCase{proj: p, typ: typ, target: target})
			}
		}
	}
	return out
}

func extract(t *testing.T, p sampleProject, typ string, concurrency int) *extractor.Result {
	t.Helper()
	res, err := extractor.Extract(context.Background(), extractor.Options{
		ProjectDir:     p.dir,
		DeploymentType: spec.DeploymentType(typ),
		Getenv:         p.getenv,
		Concurrency:    concurrency,
	})
	require.NoError(t, err)
	return res
}

// planOptions are the fixed inputs, recorded with their provenance the way
// flowspec-extract records flags, plus every environment variable a flow
// file read.
func planOptions(c planCase, res *extractor.Result) planner.Options {
	account := fixedAccount
	if c.proj.unknownAccount {
		account = ""
	}
	repo := ""
	if c.proj.era != eraAgent {
		repo = fixedRepo
	}
	opts := planner.Options{
		DeploymentType: spec.DeploymentType(c.typ),
		GitSHA:         fixedSHA,
		AWSRegion:      fixedRegion,
		AWSAccountID:   account,
		Subnets:        fixedSubnets,
		SecurityGroups: fixedSecurityGroups,
		Target:         c.target,
		GitRepository:  repo,
		Generator:      fixedGenerate,
	}
	given := func(name, value string) plan.Input { return plan.Input{Name: name, Value: value, Source: "flag"} }
	opts.Inputs = []plan.Input{
		given("deployment-type", c.typ),
		given("git-sha", fixedSHA),
		given("aws-region", fixedRegion),
		given("aws-account-id", account),
		given("subnets", `["`+strings.Join(fixedSubnets, `","`)+`"]`),
		given("security-groups", `["`+strings.Join(fixedSecurityGroups, `","`)+`"]`),
		given("prefect-target", c.target),
	}
	if account == "" {
		opts.Inputs[3].Source = "apply"
	}
	if repo != "" {
		opts.Inputs = append(opts.Inputs, given("git-repository", repo))
	}
	for _, e := range res.EnvReads {
		src := "env:" + e.Name
		if !e.Found {
			src += " (unset)"
		}
		opts.Inputs = append(opts.Inputs, plan.Input{Name: "flow-env:" + e.Name, Value: e.Value, Source: src})
	}
	return opts
}

func buildPlan(t *testing.T, c planCase, concurrency int) (*plan.Plan, []byte, *extractor.Result) {
	t.Helper()
	res := extract(t, c.proj, c.typ, concurrency)
	p, err := planner.Build(res.Project, res.Files, planOptions(c, res))
	require.NoError(t, err)
	b, err := p.MarshalCanonical()
	require.NoError(t, err)
	return p, b, res
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./extractor -run Golden -update to create %s", path)
	assert.Equal(t, string(want), string(got), "%s differs; rerun with -update and review the diff", path)
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	sch, err := c.Compile(planSchema)
	require.NoError(t, err)
	return sch
}

// TestGoldenPlans extracts every sample project and builds its plans,
// compares them with the goldens, checks that two builds (at different
// concurrency) are byte-identical, that the plan matches the schema, parses
// back to the same bytes, carries a valid digest, and accounts for every
// flow file exactly once.
func TestGoldenPlans(t *testing.T) {
	sch := compileSchema(t)
	for _, c := range planCases() {
		t.Run(strings.TrimSuffix(filepath.Base(c.golden()), ".plan.json"), func(t *testing.T) {
			p, got, res := buildPlan(t, c, 1)
			compareGolden(t, c.golden(), got)

			_, again, _ := buildPlan(t, c, 4)
			assert.Equal(t, string(got), string(again), "two builds of the same inputs differ")

			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(got))
			require.NoError(t, err)
			assert.NoError(t, sch.Validate(doc), "plan does not match %s", planSchema)

			parsed, err := plan.Parse(got)
			require.NoError(t, err)
			require.NoError(t, parsed.VerifyDigest())
			reencoded, err := parsed.MarshalCanonical()
			require.NoError(t, err)
			assert.Equal(t, string(got), string(reencoded), "parse and re-encode changes the plan")

			assertEveryFileAccounted(t, res, p)
			if c.proj.unknownAccount {
				assert.Equal(t, []string{plan.UnknownAWSAccountID}, p.Unknowns)
				assert.NotContains(t, string(got), fixedAccount)
			} else {
				assert.Empty(t, p.Unknowns)
				assert.NotContains(t, string(got), plan.PlaceholderAWSAccountID)
			}
		})
	}
}

// assertEveryFileAccounted checks that each flow file is either planned or
// skipped, once.
func assertEveryFileAccounted(t *testing.T, res *extractor.Result, p *plan.Plan) {
	t.Helper()
	var want, got []string
	for _, f := range res.Files {
		want = append(want, f.Path)
	}
	for _, f := range p.Flows {
		got = append(got, f.Path)
	}
	for _, s := range p.Skipped {
		if s.Path != "pyproject.toml" {
			got = append(got, s.Path)
		}
	}
	sort.Strings(want)
	sort.Strings(got)
	assert.Equal(t, want, got)
}

// TestGoldenSpecs compares the --specs-only JSON of every sample project,
// for each deployment type, with its golden, and checks it is deterministic.
func TestGoldenSpecs(t *testing.T) {
	for _, p := range sampleProjects() {
		for _, typ := range []string{"dev", "main"} {
			golden := specsGolden(p, typ)
			t.Run(strings.TrimSuffix(filepath.Base(golden), ".specs.json"), func(t *testing.T) {
				got, err := report.SpecsJSON(extract(t, p, typ, 1))
				require.NoError(t, err)
				compareGolden(t, golden, got)

				again, err := report.SpecsJSON(extract(t, p, typ, 4))
				require.NoError(t, err)
				assert.Equal(t, string(got), string(again), "two extractions of the same project differ")
			})
		}
	}
}

// TestMixedProjectRefusesPrefect3 checks that a project with agent-era
// flows cannot be planned for Prefect 3, which has no infrastructure blocks.
func TestMixedProjectRefusesPrefect3(t *testing.T) {
	for _, p := range sampleProjects() {
		if p.era != eraMixed {
			continue
		}
		t.Run(p.goldenName(), func(t *testing.T) {
			c := planCase{proj: p, typ: "main", target: plan.TargetPrefect3}
			res := extract(t, p, c.typ, 1)
			_, err := planner.Build(res.Project, res.Files, planOptions(c, res))
			require.Error(t, err)
			assert.Contains(t, err.Error(), "agent-era FLOW_SPEC")
		})
	}
}

// TestSampleProjectsAreListed fails when a project is added under
// testdata/projects without a golden case, and when a golden file is left
// over from a case that no longer exists.
func TestSampleProjectsAreListed(t *testing.T) {
	dirs, err := os.ReadDir(projectsDir)
	require.NoError(t, err)
	listed := map[string]bool{}
	for _, p := range sampleProjects() {
		listed[p.dir] = true
	}
	for _, d := range dirs {
		if d.IsDir() {
			assert.True(t, listed[projectsDir+"/"+d.Name()], "project %s has no golden case", d.Name())
		}
	}

	expected := map[string]bool{}
	for _, c := range planCases() {
		expected[c.golden()] = true
	}
	for _, p := range sampleProjects() {
		for _, typ := range []string{"dev", "main"} {
			expected[specsGolden(p, typ)] = true
		}
	}
	files, err := filepath.Glob(filepath.Join(goldenDir, "*.json"))
	require.NoError(t, err)
	for _, f := range files {
		assert.True(t, expected[f], "golden %s belongs to no case; delete it", f)
	}
	assert.Len(t, files, len(expected))
}
