// Package plantest holds what the tests of the plan's readers (show, diff,
// export) share: the plan package's golden plans, and golden-file checks.
// It is imported by tests only.
package plantest

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/plan"
)

// Load reads plan/testdata/<name>.golden.json, a plan exactly as planner.Build
// writes it, and checks its digest. Each call returns a fresh copy, so a
// test may mutate it.
func Load(t testing.TB, name string) *plan.Plan {
	t.Helper()
	_, here, _, ok := runtime.Caller(0)
	require.True(t, ok, "locating plan/plantest")
	b, err := os.ReadFile(filepath.Join(filepath.Dir(here), "..", "testdata", name+".golden.json"))
	require.NoError(t, err)
	p, err := plan.Parse(b)
	require.NoError(t, err)
	require.NoError(t, p.VerifyDigest())
	return p
}

// Golden compares got with the golden file at path; with update set it
// first rewrites the file (creating its folder).
func Golden(t testing.TB, path string, got []byte, update bool) {
	t.Helper()
	if update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "golden file missing: run go test -update")
	assert.Equal(t, string(want), string(got))
}
