package plan

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goldenPlan reads testdata/<name>.golden.json, a plan exactly as the
// planner writes it (the planner's golden test keeps it so), and parses it.
func goldenPlan(t testing.TB, name string) (*Plan, []byte) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".golden.json"))
	require.NoError(t, err)
	p, err := Parse(b)
	require.NoError(t, err)
	return p, b
}

// Seal gives what MarshalCanonical gives and records the digest it wrote.
func TestSeal(t *testing.T) {
	p, b := goldenPlan(t, "multi-main")
	want := p.Digest
	p.Digest = ""
	out, err := p.Seal()
	require.NoError(t, err)
	assert.Equal(t, string(b), string(out))
	assert.Equal(t, want, p.Digest)
}

func TestDigestTamper(t *testing.T) {
	_, b := goldenPlan(t, "seed-main")
	p, err := Parse(b)
	require.NoError(t, err)
	require.NoError(t, p.VerifyDigest())
	again, err := p.MarshalCanonical()
	require.NoError(t, err)
	assert.Equal(t, string(b), string(again), "parse and marshal round-trips byte for byte")

	tampered := strings.Replace(string(b), `"value": "4096"`, `"value": "8192"`, 1)
	require.NotEqual(t, string(b), tampered)
	p2, err := Parse([]byte(tampered))
	require.NoError(t, err)
	err = p2.VerifyDigest()
	require.ErrorIs(t, err, ErrDigestMismatch)
	assert.Contains(t, err.Error(), "modified after it was written")

	p3, err := Parse([]byte(strings.Replace(string(b), `"digest": "sha256:`, `"digest": "sha256:0`, 1)))
	require.NoError(t, err)
	assert.ErrorIs(t, p3.VerifyDigest(), ErrDigestMismatch)
}

func TestParseStrict(t *testing.T) {
	_, b := goldenPlan(t, "seed-main")
	tests := map[string]struct {
		doc     string
		wantErr string
	}{
		"unknown field":   {strings.Replace(string(b), `"schema_version": 1,`, `"schema_version": 1, "surprise": true,`, 1), "unknown field"},
		"other version":   {strings.Replace(string(b), `"schema_version": 1,`, `"schema_version": 2,`, 1), "schema_version 2"},
		"no version":      {`{"digest": "x"}`, "no schema_version"},
		"trailing data":   {string(b) + "{}", "expected the end of the file after the plan"},
		"not json":        {"plan", "1:1: expected a value"},
		"bad schedule":    {strings.Replace(string(b), `"day_or": true`, `"day_or": true, "rrule": "x"`, 1), "exactly one of cron, interval, rrule"},
		"unknown in task": {strings.Replace(string(b), `"networkMode": "awsvpc",`, `"networkMode": "awsvpc", "pidMode": "host",`, 1), "unknown field"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

func TestScheduleJSON(t *testing.T) {
	tests := []string{
		`{"cron":"0 0 * * *","day_or":true}`,
		`{"cron":"0 0 * * *","day_or":false,"timezone":"UTC"}`,
		`{"interval":86400,"anchor_date":"2024-01-01T00:00:00+00:00","timezone":"UTC"}`,
		`{"interval":0.5}`,
		`{"rrule":"FREQ=DAILY","timezone":"Europe/Paris"}`,
	}
	for _, in := range tests {
		var s Schedule
		require.NoError(t, json.Unmarshal([]byte(in), &s), in)
		out, err := json.Marshal(s)
		require.NoError(t, err)
		assert.JSONEq(t, in, string(out))
	}
	for _, bad := range []string{`{}`, `{"cron":"x"}`, `{"cron":"x","day_or":true,"extra":1}`, `{"interval":1,"rrule":"x"}`} {
		var s Schedule
		assert.Error(t, json.Unmarshal([]byte(bad), &s), bad)
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
	_, b := goldenPlan(t, "seed-main")
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
