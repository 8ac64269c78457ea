package eval

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/extractor/internal/pysyntax"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

var update = flag.Bool("update", false, "rewrite golden files")

// testEnvVars is the environment gen_expected.py gives CPython.
var testEnvVars = map[string]string{"FOO": "bar", "NUM": "42", "DF_CONFIG_PORT": "8080", "df_config_name": "lower", "App_Mode": "fast"}

func testEnv(name string) (string, bool) {
	v, ok := testEnvVars[name]
	return v, ok
}

func testEnvNames() []string {
	var names []string
	for n := range testEnvVars {
		names = append(names, n)
	}
	return names
}

type caseResult struct {
	repr    string
	excType string
	excMsg  string
	unknown string
}

// runCase evaluates module code and renders what it binds to R.
func runCase(t *testing.T, src string) caseResult {
	t.Helper()
	in := New(Options{Getenv: testEnv, EnvNames: testEnvNames})
	s := newSession(context.Background(), in)
	f, diags, err := in.parse(context.Background(), "case.py", []byte(src))
	require.NoError(t, err)
	require.Empty(t, diags, "syntax errors")
	m := s.newModule(f, []byte(src), "case", "")
	if exc := s.run(m); exc != nil {
		return excResult(exc)
	}
	v, ok := m.ns.get("R")
	require.True(t, ok, "R is not bound")
	var out caseResult
	var at pysyntax.Node = f.Stmts[len(f.Stmts)-1]
	exc := m.protect(func() {
		defer func() {
			if r := recover(); r != nil {
				sig, ok := r.(unknownSignal)
				if !ok {
					panic(r)
				}
				out.unknown = sig.u.Err.Error()
			}
		}()
		if u, ok := v.(value.Unknown); ok {
			out.unknown = u.Err.Error()
			return
		}
		out.repr = m.repr(at, v)
	})
	if exc != nil {
		return excResult(exc)
	}
	return out
}

func excResult(exc *pyExc) caseResult {
	msg := strings.TrimPrefix(exc.Diag.Msg, exc.Type+": ")
	return caseResult{excType: exc.Type, excMsg: msg}
}

// TestGoldenCases compares every case of testdata/cases*.txt with the
// value (or exception) CPython computes, kept beside it in
// testdata/expected*.json (cases-enum.txt: expected-enum.json). One file
// per topic keeps each construct's cases together.
func TestGoldenCases(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "cases*.txt"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	total := 0
	for _, file := range files {
		suffix := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(file), "cases"), ".txt")
		golden := filepath.Join("testdata", "expected"+suffix+".json")
		if *update {
			out, err := exec.Command("python3", filepath.Join("testdata", "gen_expected.py"), file, golden).CombinedOutput()
			require.NoError(t, err, string(out))
		}
		raw, err := os.ReadFile(golden)
		require.NoError(t, err, "run go test ./extractor/eval -run TestGoldenCases -update to create it")
		var cases []struct {
			Src     string `json:"src"`
			Repr    string `json:"repr"`
			Error   string `json:"error"`
			Message string `json:"message"`
		}
		require.NoError(t, json.Unmarshal(raw, &cases), golden)
		total += len(cases)
		for _, c := range cases {
			t.Run(filepath.Base(file)+"/"+strings.SplitN(c.Src, "\n", 2)[0], func(t *testing.T) {
				got := runCase(t, c.Src)
				require.Empty(t, got.unknown, "the evaluator could not know the value")
				if c.Error != "" {
					assert.Equal(t, c.Error, got.excType, "exception type (got repr %q)", got.repr)
					assert.True(t, strings.HasPrefix(got.excMsg, c.Message), "message %q should start with CPython's %q", got.excMsg, c.Message)
					return
				}
				require.Empty(t, got.excType, "unexpected exception: %s", got.excMsg)
				assert.Equal(t, c.Repr, got.repr)
			})
		}
	}
	require.Greater(t, total, 100)
}
