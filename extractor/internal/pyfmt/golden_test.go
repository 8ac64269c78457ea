package pyfmt

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files")

const goldenPath = "testdata/format_cases.json"

// goldenCase is one case computed by CPython in testdata/gen.py.
type goldenCase struct {
	Kind  string          `json:"kind"`
	Value json.RawMessage `json:"value"`
	Spec  string          `json:"spec"`
	Out   *string         `json:"out"`
	Error *pyError        `json:"error"`
}

type pyError struct {
	Type string `json:"type"`
	Msg  string `json:"msg"`
}

type goldenFile struct {
	Python string       `json:"python"`
	Cases  []goldenCase `json:"cases"`
}

func loadGolden(t *testing.T) goldenFile {
	t.Helper()
	if *update {
		cmd := exec.Command("python3", filepath.Join("testdata", "gen.py"))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		require.NoError(t, err, "running testdata/gen.py: %s", stderr.String())
		require.NoError(t, os.WriteFile(goldenPath, out, 0o644))
	}
	data, err := os.ReadFile(goldenPath)
	require.NoError(t, err)
	var g goldenFile
	require.NoError(t, json.Unmarshal(data, &g))
	require.NotEmpty(t, g.Cases)
	return g
}

func TestGolden(t *testing.T) {
	g := loadGolden(t)
	counts := map[string]int{}
	for i, c := range g.Cases {
		counts[c.Kind]++
		name := fmt.Sprintf("%d/%s/%s/%q", i, c.Kind, shorten(string(c.Value)), c.Spec)
		t.Run(name, func(t *testing.T) {
			got, err := runCase(t, c)
			if c.Error != nil {
				require.Error(t, err, "Python raised %s: %s; we returned %q", c.Error.Type, c.Error.Msg, got)
				var pe *Error
				require.True(t, errors.As(err, &pe), "error %v is not a *pyfmt.Error", err)
				assert.Equal(t, c.Error.Type, pe.Type)
				assert.Equal(t, c.Error.Msg, pe.Msg)
				return
			}
			require.NoError(t, err)
			require.NotNil(t, c.Out)
			assert.Equal(t, *c.Out, got)
		})
	}
	// The generator must keep covering every kind of case.
	for _, kind := range []string{"int", "bool", "float", "str", "repr_float", "repr_str", "ascii", "repr_bytes", "percent", "template"} {
		assert.Positive(t, counts[kind], "no %s cases in %s", kind, goldenPath)
	}
}

func shorten(s string) string {
	if len(s) > 24 {
		return s[:24]
	}
	return s
}

func runCase(t *testing.T, c goldenCase) (string, error) {
	t.Helper()
	switch c.Kind {
	case "int":
		return FormatInt(decodeInt(t, c.Value), c.Spec)
	case "bool":
		var b bool
		require.NoError(t, json.Unmarshal(c.Value, &b))
		return FormatBool(b, c.Spec)
	case "float":
		return FormatFloat(decodeFloat(t, c.Value), c.Spec)
	case "str":
		return FormatStr(decodeStr(t, c.Value), c.Spec)
	case "repr_float":
		return ReprFloat(decodeFloat(t, c.Value)), nil
	case "repr_str":
		return ReprStr(decodeStr(t, c.Value)), nil
	case "ascii":
		return ASCII(decodeStr(t, c.Value)), nil
	case "repr_bytes":
		return ReprBytes(latin1(decodeStr(t, c.Value))), nil
	case "percent":
		var args percentArgs
		require.NoError(t, json.Unmarshal(c.Value, &args))
		return percentDriver(c.Spec, args)
	case "template":
		var args templateArgs
		require.NoError(t, json.Unmarshal(c.Value, &args))
		return templateDriver(c.Spec, args)
	}
	t.Fatalf("unknown case kind %q", c.Kind)
	return "", nil
}

func decodeStr(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var s string
	require.NoError(t, json.Unmarshal(raw, &s))
	return s
}

func decodeInt(t *testing.T, raw json.RawMessage) *big.Int {
	t.Helper()
	i, ok := new(big.Int).SetString(decodeStr(t, raw), 10)
	require.True(t, ok, "bad int %s", raw)
	return i
}

func decodeFloat(t *testing.T, raw json.RawMessage) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(decodeStr(t, raw), 64)
	require.NoError(t, err)
	return f
}

// latin1 turns code points 0..255 into the bytes they stand for.
func latin1(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		b = append(b, byte(r))
	}
	return string(b)
}
