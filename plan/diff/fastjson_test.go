package diff

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/plan"
	"github.com/flowplan/flowplan/plan/plantest"
)

// TestDecodeValidMatchesEncodingJSON decodes every golden plan, and some
// hand-picked values, as encoding/json does with UseNumber.
func TestDecodeValidMatchesEncodingJSON(t *testing.T) {
	inputs := []string{
		`{}`, `[]`, `""`, `"a\"b\\c\u00e9\ud83d\ude00\n"`, `-0.5e+10`, `12345678901234567890`, `[1, 2.50, "x", true, false, null]`,
		`{"a": {"b": [{"c": null}]}, "é": "ü", "k\u0041": 1}`, "\"\xff invalid utf-8\"", ` { "sp" : [ 1 , 2 ] } `,
	}
	goldens, err := filepath.Glob("../testdata/*.golden.json")
	require.NoError(t, err)
	for _, g := range goldens {
		b, err := os.ReadFile(g)
		require.NoError(t, err)
		inputs = append(inputs, string(b))
	}
	for _, in := range inputs {
		dec := json.NewDecoder(bytes.NewReader([]byte(in)))
		dec.UseNumber()
		var want any
		require.NoError(t, dec.Decode(&want), in)
		got, err := decodeValid([]byte(in))
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{`{`, `[1,`, `"x`, `{"a" 1}`, `tru`, `{} x`} {
		_, err := decodeValid([]byte(bad))
		assert.Error(t, err, bad)
	}
}

// TestGenericMatchesMarshalThenDecode holds generic to what encoding and
// decoding again gives, for every resource of every golden plan.
func TestGenericMatchesMarshalThenDecode(t *testing.T) {
	goldens, err := filepath.Glob("../testdata/*.golden.json")
	require.NoError(t, err)
	require.NotEmpty(t, goldens)
	for _, g := range goldens {
		p := plantest.Load(t, strings.TrimSuffix(filepath.Base(g), ".golden.json"))
		values := []any{p, p.Project, p.AWS, p.Inputs, p.Skipped}
		for i := range p.Images {
			values = append(values, &p.Images[i], p.Images[i].TaskDefinition, imageResource(&p.Images[i]).value)
		}
		for i := range p.Flows {
			f := &p.Flows[i]
			values = append(values, f, f.Spec, f.TaskDefinition, f.Block, flowResource(f).value)
			for j := range f.Deployments {
				values = append(values, &f.Deployments[j], f.Deployments[j].Request)
			}
		}
		for _, v := range values {
			assert.Equal(t, decode(marshal(v)), generic(v), "%s: %T", g, v)
		}
	}
}

// TestTypedWalkAgreesWithTheReference: comparing resources field by field
// gives exactly the changes of converting each whole resource, in every
// golden diff case and between every pair of golden plans.
func TestTypedWalkAgreesWithTheReference(t *testing.T) {
	for _, tc := range diffCases() {
		assert.Equal(t, plans(tc.old(t), tc.new(t), true), Plans(tc.old(t), tc.new(t)), tc.name)
	}
	goldens, err := filepath.Glob("../testdata/*.golden.json")
	require.NoError(t, err)
	for _, a := range goldens {
		for _, b := range goldens {
			load := func(path string) *plan.Plan {
				return plantest.Load(t, strings.TrimSuffix(filepath.Base(path), ".golden.json"))
			}
			assert.Equal(t, plans(load(a), load(b), true), Plans(load(a), load(b)), "%s -> %s", a, b)
		}
	}
}
