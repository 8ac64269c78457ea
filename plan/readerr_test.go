package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseErrorsArePositioned(t *testing.T) {
	golden, err := os.ReadFile("testdata/seed-main.golden.json")
	require.NoError(t, err)
	// replace swaps the first occurrence of old in the golden plan.
	replace := func(old, new string) []byte {
		require.Contains(t, string(golden), old)
		return bytes.Replace(golden, []byte(old), []byte(new), 1)
	}
	// at is the line and column where s first occurs in b.
	at := func(b []byte, s string, offset int) (int, int) {
		i := bytes.Index(b, []byte(s))
		require.GreaterOrEqual(t, i, 0, s)
		return lineCol(b, i+offset)
	}
	tests := []struct {
		name string
		in   []byte
		line int // 0: the position of `mark` in the input
		col  int
		mark string
		// markOffset moves the expected position past the start of mark.
		markOffset int
		field      string
		msgRegex   string
	}{
		{name: "empty file", in: []byte(""), line: 1, col: 1, msgRegex: `^the file is empty: expected a plan`},
		{name: "truncated in a string", in: bytes.Clone(golden[:bytes.Index(golden, []byte(`"storage_block"`))+55]), field: `flows\[0\]\.deployments\[0\]\.storage_block\.(block_type_slug|name)`,
			msgRegex: `^the file ends before the plan does \(is it truncated\?\): expected the closing '"' of a string$`},
		{name: "truncated after a member", in: bytes.Clone(golden[:bytes.Index(golden, []byte(`"deployment_type"`))-4]), field: ``,
			msgRegex: `expected ',' or '}' \(1 object still open\)$`},
		{name: "truncated after a comma in a list", in: append(bytes.Clone(golden[:bytes.Index(golden, []byte(`"prefect-v2-queue-main"`))]), []byte("[1,")...),
			field: `flows\[0\]\.deployments\[0\]\.request\.work_queue_name\[1\]`, msgRegex: `expected a value$`},
		{name: "number for a string", in: replace(`"flow_name": "data-products.example.flow-1"`, `"flow_name": 12`), mark: "12,\n",
			field: `^flows\[0\]\.deployments\[0\]\.flow_name$`, msgRegex: `^expected a string, found the number 12$`},
		{name: "string for a list", in: replace(`"unknowns": []`, `"unknowns": "none"`), mark: `"none"`,
			field: `^unknowns$`, msgRegex: `^expected a list of strings, found the string "none"$`},
		{name: "unknown field", in: replace(`"deployment_type": "main"`, `"deployment_kind": "main"`), mark: `"deployment_kind"`,
			msgRegex: `^unknown field "deployment_kind"; expected one of aws, deployment_type, digest, `},
		{name: "missing comma", in: replace(`"deployment_type": "main",`, `"deployment_type": "main"`), mark: `"digest"`,
			msgRegex: `^expected ',' or '}' after the member, found '"'$`},
		{name: "broken literal", in: replace(`"allow_task_definition_registration": false`, `"allow_task_definition_registration": fals`), mark: "fals,", markOffset: 4,
			field: `allow_task_definition_registration$`, msgRegex: `^expected 'e' to continue false, found ','$`},
		{name: "trailing data", in: append(bytes.Clone(golden), []byte("{}")...), line: bytes.Count(golden, []byte("\n")) + 1, col: 1,
			msgRegex: `^expected the end of the file after the plan, found '\{'$`},
		{name: "bad schedule", in: replace(`"day_or": true`, `"day_or": true, "rrule": "FREQ=DAILY"`), mark: `{`,
			msgRegex: `schedule: want exactly one of cron, interval, rrule`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.in)
			require.Error(t, err)
			var re *ReadError
			require.True(t, errors.As(err, &re), "%T %v", err, err)
			switch {
			case tt.mark != "" && tt.name == "bad schedule":
				// positioned at the schedule object
				assert.Greater(t, re.Line, 1)
			case tt.mark != "":
				line, col := at(tt.in, tt.mark, tt.markOffset)
				assert.Equal(t, line, re.Line, err.Error())
				assert.Equal(t, col, re.Column, err.Error())
			case tt.line > 0:
				assert.Equal(t, tt.line, re.Line, err.Error())
				assert.Equal(t, tt.col, re.Column, err.Error())
			default:
				assert.Greater(t, re.Line, 0, err.Error())
			}
			assert.Regexp(t, regexp.MustCompile(tt.field), re.Field)
			assert.Regexp(t, regexp.MustCompile(tt.msgRegex), re.Msg)
			for _, goWord := range []string{"Go ", "struct", "plan.", "json:", "[]string", "unmarshal"} {
				assert.NotContains(t, err.Error(), goWord)
			}
		})
	}
}

func TestParseRefusesOtherSchemaVersions(t *testing.T) {
	for _, in := range []string{`{"schema_version": 2, "brand_new": {}}`, `{"schema_version": 0}`} {
		_, err := Parse([]byte(in))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "this flowplan reads schema_version 1 only")
	}
	_, err := Parse([]byte(`{"flows": []}`))
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "no schema_version"), err.Error())
}

func TestVerifyDigestOf(t *testing.T) {
	golden, err := os.ReadFile("testdata/seed-main.golden.json")
	require.NoError(t, err)
	p, err := Parse(golden)
	require.NoError(t, err)
	content, ok := withoutDigestMember(golden, p.Digest)
	require.True(t, ok, "a file flowplan wrote has its digest member where spliceDigest puts it")
	assert.Equal(t, p.Digest, digestOf(content))
	assert.NoError(t, VerifyDigestOf(golden, p))

	// reformatted by hand (keys in another order, other indentation): the
	// content is the same, the slow check says so
	var m map[string]any
	require.NoError(t, json.Unmarshal(golden, &m))
	other, err := json.MarshalIndent(m, "", "\t")
	require.NoError(t, err)
	p2, err := Parse(other)
	require.NoError(t, err)
	assert.NoError(t, VerifyDigestOf(other, p2))

	// edited: both checks refuse it
	edited := bytes.Replace(golden, []byte("prefect-v2-queue-main"), []byte("prefect-v2-queue-xxxx"), 1)
	p3, err := Parse(edited)
	require.NoError(t, err)
	assert.ErrorIs(t, VerifyDigestOf(edited, p3), ErrDigestMismatch)
}

func TestParseWithoutSpecs(t *testing.T) {
	golden, err := os.ReadFile("testdata/mixed-main-prefect2-worker.golden.json")
	require.NoError(t, err)
	full, err := Parse(golden)
	require.NoError(t, err)
	lean, err := ParseWithoutSpecs(golden)
	require.NoError(t, err)
	require.Len(t, lean.Flows, len(full.Flows))
	for i := range full.Flows {
		assert.True(t, full.Flows[i].Spec.Agent != nil || full.Flows[i].Spec.Worker != nil)
		assert.Nil(t, lean.Flows[i].Spec.Agent)
		assert.Nil(t, lean.Flows[i].Spec.Worker)
		full.Flows[i].Spec = lean.Flows[i].Spec
	}
	assert.Equal(t, full, lean, "everything but the specs is read")
	assert.True(t, FileMatchesDigest(golden, lean.Digest))

	// errors are Parse's, positioned
	_, err = ParseWithoutSpecs(bytes.Replace(golden, []byte(`"flow_spec_line": 30`), []byte(`"flow_spec_line": "x"`), 1))
	var re *ReadError
	require.ErrorAs(t, err, &re)
	assert.Contains(t, re.Msg, "expected a whole number")
	_, err = ParseWithoutSpecs(bytes.Replace(golden, []byte(`"schema_version": 1`), []byte(`"schema_version": 7`), 1))
	assert.ErrorContains(t, err, "schema_version 7")
}

func TestNullableStringReadsAsEncodingJSON(t *testing.T) {
	for _, in := range []string{`"plain"`, `""`, `"é ü"`, `"esc\"aped"`, `"tab\tx"`, `"\u00e9"`, "\"\xff\"", `null`} {
		var n Nullable[string]
		require.NoError(t, json.Unmarshal([]byte(in), &n), in)
		var want *string
		require.NoError(t, json.Unmarshal([]byte(in), &want), in)
		assert.True(t, n.Set)
		assert.Equal(t, want, n.Value, in)
	}
}

func TestScheduleReadsStrictly(t *testing.T) {
	good := []string{`{"cron": "0 0 * * *", "day_or": true}`, `{"cron": "0 0 * * *", "day_or": false, "timezone": "UTC"}`,
		`{"interval": 86400}`, `{"interval": 60.5, "anchor_date": "2024-01-01T00:00:00", "timezone": null}`, `{"rrule": "FREQ=DAILY"}`}
	for _, in := range good {
		var s Schedule
		require.NoError(t, json.Unmarshal([]byte(in), &s), in)
		out, err := json.Marshal(s)
		require.NoError(t, err)
		var again Schedule
		require.NoError(t, json.Unmarshal(out, &again), string(out))
		assert.Equal(t, s, again)
	}
	bad := map[string]string{
		`{"cron": "0 0 * * *"}`:                       "without day_or",
		`{"cron": "x", "day_or": true, "rrule": "y"}`: "exactly one of",
		`{}`:                              "exactly one of",
		`{"interval": 5, "day_or": true}`: "only interval, anchor_date and timezone",
		`{"rrule": "x", "anchor_date": "2024-01-01"}`:       "only rrule and timezone",
		`{"cron": "x", "day_or": true, "anchor_date": "d"}`: "only cron, day_or and timezone",
		`{"cron": "x", "day_or": true, "surprise": 1}`:      "unknown field",
		`{"cron": 5, "day_or": true}`:                       "schedule:",
	}
	for in, want := range bad {
		var s Schedule
		assert.ErrorContains(t, json.Unmarshal([]byte(in), &s), want, in)
	}
}
