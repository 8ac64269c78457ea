package prefectyaml

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/plan"
	"github.com/flowplan/flowplan/plan/plantest"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestMarshalGolden(t *testing.T) {
	tests := []struct {
		plan string
		ok   bool // false: refused, the golden holds the error
	}{
		{"worker-dev-prefect2-worker", true},
		{"worker-main-prefect3", true},
		{"mixed-main-prefect2-worker", false}, // agent flow and unknown account
		{"seed-main", false},
		{"seed-dev", false},
		{"seed-unknown-account", false},
		{"multi-main", false},
		{"multi-staging-infra-override", false},
	}
	for _, tt := range tests {
		t.Run(tt.plan, func(t *testing.T) {
			got, err := Marshal(plantest.Load(t, tt.plan))
			if tt.ok {
				require.NoError(t, err)
				plantest.Golden(t, filepath.Join("testdata", tt.plan+".prefect.yaml"), got, *update)
				return
			}
			require.ErrorIs(t, err, ErrNotExpressible)
			assert.Nil(t, got)
			plantest.Golden(t, filepath.Join("testdata", tt.plan+".err"), []byte(err.Error()+"\n"), *update)
		})
	}
}

func TestMarshalRefusesAnAgentPlan(t *testing.T) {
	out, err := Marshal(plantest.Load(t, "seed-main"))
	require.ErrorIs(t, err, ErrNotExpressible)
	assert.Contains(t, err.Error(), "src/example/example_flow.py (data-products.example.flow-1)")
	assert.Nil(t, out)
}

func TestRefusals(t *testing.T) {
	tests := []struct {
		name   string
		modify func(p *plan.Plan)
		want   []string
	}{
		{
			name: "unknown account",
			modify: func(p *plan.Plan) {
				p.Unknowns = []string{plan.UnknownAWSAccountID}
			},
			want: []string{"resolve the account first: pass --aws-account-id when planning"},
		},
		{
			name: "template in a parameter",
			modify: func(p *plan.Plan) {
				p.Flows[0].Deployments[1].Request.Parameters = json.RawMessage(`{"when": "{{ $HOME }}"}`)
			},
			want: []string{"src/counts/count_flow.py: deployment hourly-main: parameters contain \"{{\""},
		},
		{
			name: "template in a tag and a job variable",
			modify: func(p *plan.Plan) {
				r := &p.Flows[0].Deployments[0].Request
				r.Tags = append(r.Tags, "{{ prefect.variables.team }}")
				r.JobVariables = json.RawMessage(`{"image": "{{ build.image }}"}`)
			},
			want: []string{
				"deployment adhoc-main: tag \"{{ prefect.variables.team }}\"",
				"deployment adhoc-main: job variables contain",
			},
		},
		{
			name: "cron day_or false",
			modify: func(p *plan.Plan) {
				p.Flows[0].Deployments[1].Request.Schedules[0].Schedule.DayOr = new(false)
			},
			want: []string{"deployment hourly-main: cron schedule with day_or=false"},
		},
		{
			name: "unmanaged fields",
			modify: func(p *plan.Plan) {
				p.Flows[0].Deployments[0].Unmanaged = []string{"description", "schedule"}
			},
			want: []string{"deployment adhoc-main leaves description, schedule to the server's current value"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := plantest.Load(t, "worker-main-prefect3")
			tt.modify(p)
			out, err := Marshal(p)
			require.ErrorIs(t, err, ErrNotExpressible)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.Nil(t, out)
		})
	}
}

func TestQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `""`},
		{"plain", `"plain"`},
		{`say "hi" \ back`, `"say \"hi\" \\ back"`},
		{"a\nb\tc\rd", `"a\nb\tc\rd"`},
		{"\x00\x1f\x7f", `"\u0000\u001F\u007F"`},
		{"nel\u0085 ls\u2028 ps\u2029 bom\ufeff nbsp\u00a0", `"nel\u0085 ls\u2028 ps\u2029 bom\uFEFF nbsp\u00A0"`},
		{"Straße 😀", `"Straße 😀"`},
		{"\U000E0001", `"\U000E0001"`}, // a format character outside the BMP
		{"# not a comment: - [x] &a *b !c", `"# not a comment: - [x] &a *b !c"`},
	}
	for _, tt := range tests {
		got, err := quote(tt.in)
		require.NoError(t, err)
		assert.Equal(t, tt.want, got, "quote(%q)", tt.in)
	}
	_, err := quote("bad \xff")
	require.Error(t, err)
}

func TestNumber(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0", "0"},
		{"-17", "-17"},
		{"123456789012345678901234567890", "123456789012345678901234567890"},
		{"2.5", "2.5"},
		{"-0.0", "-0.0"},
		{"1e-07", "1.0e-07"},
		{"1.5E5", "1.5e+5"},
		{"-2e+16", "-2.0e+16"},
	}
	for _, tt := range tests {
		got, err := number(tt.in)
		require.NoError(t, err)
		assert.Equal(t, tt.want, string(got), "number(%q)", tt.in)
	}
	_, err := number("NaN")
	require.Error(t, err)
}

func TestRenderKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"work_pool", "work_pool"},
		{"prefect.deployments.steps.git_clone", "prefect.deployments.steps.git_clone"},
		{"yes", `"yes"`},
		{"Off", `"Off"`},
		{"1", `"1"`},
		{"", `""`},
		{"a: b", `"a: b"`},
		{"<<", `"<<"`},
	}
	for _, tt := range tests {
		got, err := renderKey(tt.in)
		require.NoError(t, err)
		assert.Equal(t, tt.want, got, "renderKey(%q)", tt.in)
	}
}

// trickyPlans are golden plans changed to exercise what the goldens do not:
// odd strings and keys, numbers PyYAML reads differently from JSON, nested
// and empty collections, interval and rrule schedules, inactive schedules,
// and per-deployment pull steps.
func trickyPlans(t *testing.T) map[string]*plan.Plan {
	out := map[string]*plan.Plan{}

	p3 := plantest.Load(t, "worker-main-prefect3")
	r := &p3.Flows[0].Deployments[0].Request
	r.Parameters = json.RawMessage(`{"s": "line\nbreak \"q\" \\ \u0085 \u2028 tab\t é 😀 \u0000 \u007f \ufeff",
		"yes": "no", "null": null, "on": true, "n": 1e-07, "big": 123456789012345678901234567890,
		"f": 2.5, "neg": -0.0, "e": 1.5E5, "ll": [[], [1, [2, []]], {}, [{"a": {}}], [[{"b": [null]}]]],
		"": "empty key", "1": "numeric key", "key: colon": "#hash", "~": "~", "- dash": "- dash"}`)
	r.Tags = []string{": x", "- y", "*ref", "&a", "!tag", "%p", "@q", "`r", "0.10", "true", "null", "~", " padded "}
	r.Version = plan.Some("0.10")
	r.Description = plan.Some("  leading spaces\nand a second line\n")
	r.JobVariables = json.RawMessage(`{"env": {"EMPTY": "", "NUM": "007"}, "cpu": 1024, "list": [1, "2", 3.0]}`)
	interval, anchor, tz := 90061.5, "2024-01-01T00:00:00+00:00", "Europe/Berlin"
	rrule := "DTSTART:20240101T090000\nRRULE:FREQ=WEEKLY;BYDAY=MO"
	r.Schedules = []plan.DeploymentSchedule{
		{Schedule: plan.Schedule{Interval: &interval, AnchorDate: &anchor, Timezone: &tz}, Active: true},
		{Schedule: plan.Schedule{RRule: &rrule}, Active: false},
	}
	r.PullSteps = json.RawMessage(`[{"prefect.deployments.steps.git_clone": {"id": "c", "repository": "https://example.com/r.git", "branch": "x"}}]`)
	out["prefect3"] = p3

	p2 := plantest.Load(t, "worker-dev-prefect2-worker")
	hourly := 3600.0
	p2.Flows[0].Deployments[1].Request.Schedule = plan.Some(plan.Schedule{Interval: &hourly})
	out["prefect2"] = p2
	return out
}

func TestTrickyPlansParseBack(t *testing.T) {
	for name, p := range trickyPlans(t) {
		t.Run(name, func(t *testing.T) {
			got, err := Marshal(p)
			require.NoError(t, err)
			checkPyYAML(t, p, got)
		})
	}
}

func TestGoldenOutputParsesBackAsThePlan(t *testing.T) {
	for _, name := range []string{"worker-dev-prefect2-worker", "worker-main-prefect3"} {
		t.Run(name, func(t *testing.T) {
			p := plantest.Load(t, name)
			got, err := Marshal(p)
			require.NoError(t, err)
			checkPyYAML(t, p, got)
		})
	}
}

// checkPyYAML reads the output with PyYAML's safe_load, as Prefect does,
// and compares it with the deployments derived from the plan by
// testdata/check_prefect_yaml.py.
func checkPyYAML(t *testing.T, p *plan.Plan, out []byte) {
	t.Helper()
	if err := exec.Command("python3", "-c", "import yaml").Run(); err != nil {
		t.Skip("python3 with PyYAML is not available")
	}
	dir := t.TempDir()
	planJSON, err := json.Marshal(p)
	require.NoError(t, err)
	planPath, yamlPath := filepath.Join(dir, "plan.json"), filepath.Join(dir, "prefect.yaml")
	require.NoError(t, os.WriteFile(planPath, planJSON, 0o644))
	require.NoError(t, os.WriteFile(yamlPath, out, 0o644))
	cmd := exec.Command("python3", filepath.Join("testdata", "check_prefect_yaml.py"), planPath, yamlPath)
	res, err := cmd.CombinedOutput()
	require.NoError(t, err, "prefect.yaml does not read back as the plan:\n%s\n--- prefect.yaml:\n%s", res, out)
}

// TestPyYAMLCheckCatchesDifferences makes sure the Python check is not
// vacuous: output changed by hand (a value, a type, a missing key) fails it.
func TestPyYAMLCheckCatchesDifferences(t *testing.T) {
	if err := exec.Command("python3", "-c", "import yaml").Run(); err != nil {
		t.Skip("python3 with PyYAML is not available")
	}
	p := plantest.Load(t, "worker-main-prefect3")
	good, err := Marshal(p)
	require.NoError(t, err)
	tests := []struct{ name, old, new string }{
		{"value", `version: "v7"`, `version: "v8"`},
		{"type", `cpu: 1024`, `cpu: 1024.0`},
		{"bool read as string", `enforce_parameter_schema: true`, `enforce_parameter_schema: "true"`},
		{"missing key", "    enforce_parameter_schema: false\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, 1, bytes.Count(good, []byte(tt.old)), "the edit must apply exactly once")
			bad := bytes.Replace(good, []byte(tt.old), []byte(tt.new), 1)
			dir := t.TempDir()
			planJSON, err := json.Marshal(p)
			require.NoError(t, err)
			planPath, yamlPath := filepath.Join(dir, "plan.json"), filepath.Join(dir, "prefect.yaml")
			require.NoError(t, os.WriteFile(planPath, planJSON, 0o644))
			require.NoError(t, os.WriteFile(yamlPath, bad, 0o644))
			err = exec.Command("python3", filepath.Join("testdata", "check_prefect_yaml.py"), planPath, yamlPath).Run()
			require.Error(t, err)
		})
	}
}
