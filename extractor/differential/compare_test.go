package differential

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDiff(t *testing.T) {
	tests := []struct {
		name      string
		want, got string
		diff      string
		byValue   []string
	}{
		{"equal", `{"a": [1, 2.5, "x", null, true], "b": {"c": {}}}`, `{"a":[1,2.5,"x",null,true],"b":{"c":{}}}`, "", nil},
		{"int vs float", `{"a": 1}`, `{"a": 1.0}`, `$.a: got 1.0, want 1`, nil},
		{"string", `{"a": {"b c": ["x", "y"]}}`, `{"a": {"b c": ["x", "z"]}}`, `$.a["b c"][1]: got "z", want "y"`, nil},
		{"key order", `{"a": 1, "b": 2}`, `{"b": 2, "a": 1}`, `$: key 0 is "b", want "a" (keys ["b" "a"], want ["a" "b"])`, nil},
		{"missing key", `{"a": 1, "b": 2}`, `{"a": 1}`, `$: missing key "b" (want 2)`, nil},
		{"extra key", `{"a": 1}`, `{"a": 1, "z": null}`, `$: unexpected key "z" (value null)`, nil},
		{"length", `[1, 2]`, `[1, 2, 3]`, `$: length 3, want 2 (got [1,2,3], want [1,2])`, nil},
		{"type", `{"a": [1]}`, `{"a": {"0": 1}}`, `$.a: got {"0":1}, want [1]`, nil},
		{"null vs string", `{"tz": null}`, `{"tz": "UTC"}`, `$.tz: got "UTC", want null`, nil},
		{"exponent spelling", `[1e+20]`, `[1E+20]`, "", nil},
		{"big ints", `[1180591620717411303424]`, `[1180591620717411303424]`, "", nil},
		{"big ints differ", `[1180591620717411303424]`, `[1180591620717411303425]`, `$[0]: got 1180591620717411303425, want 1180591620717411303424`, nil},
		{"by value", `{"s": {"interval_seconds": 5400.0}}`, `{"s": {"interval_seconds": 5400}}`, "", []string{"interval_seconds"}},
		{"by value differs", `{"interval_seconds": 5400.0}`, `{"interval_seconds": 5400.5}`, "$.interval_seconds: got 5400.5, want 5400.0", []string{"interval_seconds"}},
		{"by value only there", `{"x": 5400.0}`, `{"x": 5400}`, "$.x: got 5400, want 5400.0", []string{"interval_seconds"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Diff([]byte(tt.want), []byte(tt.got), tt.byValue...)
			require.NoError(t, err)
			assert.Equal(t, tt.diff, d)
		})
	}
}

func TestDiffRejectsBadJSON(t *testing.T) {
	_, err := Diff([]byte(`{"a": }`), []byte(`{}`))
	require.Error(t, err)
	_, err = Diff([]byte(`{}`), []byte(`{} {}`))
	require.Error(t, err)
}

func TestMentionsField(t *testing.T) {
	tests := []struct {
		msg, field string
		want       bool
	}{
		{"x.py:3:4: FlowDeployment.cpu: str type expected", "cpu", true},
		{"x.py:3:4: FlowEnvar.envar_name: str type expected", "envar_name", true},
		{"x.py:3:4: FlowEnvar.envar_name: str type expected", "name", false},
		{"docker_env", "docker_env", true},
		{"cpus are fine", "cpu", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, mentionsField(tt.msg, tt.field), "%q in %q", tt.field, tt.msg)
	}
}

func TestFieldNames(t *testing.T) {
	got := fieldNames([][]any{{"deployments", 0.0, "cpu"}, {"parameters", "__key__"}, {"cpu"}})
	assert.Equal(t, []string{"deployments", "cpu", "parameters"}, got)
}
