package plan

import (
	"bytes"
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
