package planner

import (
	"encoding/json"
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/extractor"
	"github.com/flowplan/flowplan/extractor/spec"
	"github.com/flowplan/flowplan/plan"
)

type paramSchemaCase struct {
	Case       string           `json:"case"`
	Signature  string           `json:"signature"`
	Parameters []spec.Parameter `json:"parameters"`
	Schema     json.RawMessage  `json:"schema"`
}

// read gives a parameter, as decoded from JSON, the type expression the
// extractor reads from its annotation.
func read(p spec.Parameter) spec.Parameter {
	p.Type, p.TypeError = extractor.ReadAnnotation(p.Annotation)
	return p
}

// TestParameterSchemaMatchesPydanticV1 compares ParameterSchema with the
// schemas Prefect 2.10.6's algorithm gives under pydantic v1, recorded in
// testdata/paramschema.json by testdata/paramschema.py.
func TestParameterSchemaMatchesPydanticV1(t *testing.T) {
	b, err := os.ReadFile("testdata/paramschema.json")
	require.NoError(t, err)
	var cases []paramSchemaCase
	require.NoError(t, json.Unmarshal(b, &cases))
	require.NotEmpty(t, cases)
	for _, c := range cases {
		t.Run(c.Case, func(t *testing.T) {
			params := make([]spec.Parameter, len(c.Parameters))
			for i, p := range c.Parameters {
				params[i] = read(p)
			}
			got, _, err := ParameterSchema(params)
			require.NoError(t, err)
			want, err := plan.Canonicalize(c.Schema)
			require.NoError(t, err)
			gotC, err := plan.Canonicalize(got)
			require.NoError(t, err)
			assert.Equal(t, string(want), string(gotC), "signature: %s", c.Signature)
		})
	}
}

// TestParameterSchemaRecordedExpectations reruns the Python generator when
// python3 with pydantic.v1 is available, so the recorded expectations cannot
// drift from what pydantic v1 says.
func TestParameterSchemaRecordedExpectations(t *testing.T) {
	if err := exec.Command("python3", "-c", "import pydantic.v1").Run(); err != nil {
		t.Skip("python3 with pydantic.v1 not available")
	}
	out, err := exec.Command("python3", "testdata/paramschema.py").Output()
	require.NoError(t, err)
	recorded, err := os.ReadFile("testdata/paramschema.json")
	require.NoError(t, err)
	assert.JSONEq(t, string(recorded), string(out))
}

func TestParameterSchemaWarnings(t *testing.T) {
	tests := []struct {
		annotation string
		wantWarn   bool
		want       string // the property's type schema as JSON, when no warning
	}{
		{annotation: "str", want: `{"type":"string"}`},
		{annotation: "typing.Optional[typing.List[str]]", want: `{"type":"array","items":{"type":"string"}}`},
		{annotation: "Literal[-1, 0x10, 'a']", want: `{"anyOf":[{"enum":[-1,16],"type":"integer"},{"enum":["a"],"type":"string"}]}`},
		{annotation: "Literal['a', 'a', 'b']", want: `{"enum":["a","b"],"type":"string"}`},
		{annotation: "MyModel", wantWarn: true},
		{annotation: "'str'", wantWarn: true},
		{annotation: "pd.DataFrame", wantWarn: true},
		{annotation: "Callable[[int], str]", wantWarn: true},
		{annotation: "list[Literal['a', 1]]", wantWarn: true},
		{annotation: "Optional[str, int]", wantWarn: true},
		{annotation: "dict[str]", wantWarn: true},
		{annotation: "str[int]", wantWarn: true},
	}
	for _, tt := range tests {
		t.Run(tt.annotation, func(t *testing.T) {
			raw, warns, err := ParameterSchema([]spec.Parameter{read(spec.Parameter{Name: "p", Annotation: tt.annotation, Default: json.RawMessage("null")})})
			require.NoError(t, err)
			var schema struct {
				Properties map[string]map[string]any `json:"properties"`
			}
			require.NoError(t, json.Unmarshal(raw, &schema))
			prop := schema.Properties["p"]
			delete(prop, "title")
			delete(prop, "position")
			if tt.wantWarn {
				require.Len(t, warns, 1)
				assert.Contains(t, warns[0], tt.annotation)
				assert.Empty(t, prop, "an unresolved annotation leaves the property untyped")
				return
			}
			assert.Empty(t, warns)
			got, err := json.Marshal(prop)
			require.NoError(t, err)
			assert.JSONEq(t, tt.want, string(got))
		})
	}
}

// The schema comes from the type expression the extractor read: a
// parameter with annotation text and neither a type nor a reason why none
// was read is refused rather than described wrong.
func TestParameterSchemaNeedsTheTypeExpression(t *testing.T) {
	_, _, err := ParameterSchema([]spec.Parameter{{Name: "day", Annotation: "str", Default: json.RawMessage("null")}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "parameter day: annotation `str` was not read as a type expression")

	raw, warns, err := ParameterSchema([]spec.Parameter{{Name: "day", Annotation: "Callable[[int], str]", TypeError: `unexpected "["`, Default: json.RawMessage("null")}})
	require.NoError(t, err)
	assert.Equal(t, []string{"parameter day: annotation `Callable[[int], str]` cannot be resolved statically (unexpected \"[\"); its schema property is left untyped"}, warns)
	assert.JSONEq(t, `{"title":"Parameters","type":"object","properties":{"day":{"title":"day","position":0}},"required":["day"]}`, string(raw))

	raw, warns, err = ParameterSchema([]spec.Parameter{{Name: "n", Type: &spec.TypeExpr{Name: "int"}, Default: json.RawMessage("3"), HasDefault: true}})
	require.NoError(t, err)
	assert.Empty(t, warns)
	assert.JSONEq(t, `{"title":"Parameters","type":"object","properties":{"n":{"title":"n","position":0,"type":"integer","default":3}}}`, string(raw))
}
