package differential

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGenerateIsDeterministic(t *testing.T) {
	for i := 0; i < 50; i++ {
		a, b := Generate(7, i), Generate(7, i)
		require.Equal(t, a, b, "case %d", i)
	}
	assert.NotEqual(t, Generate(7, 3).Source, Generate(8, 3).Source)
	assert.NotEqual(t, Generate(7, 3).Source, Generate(7, 4).Source)
}

func TestGenerateCoversTheConstructs(t *testing.T) {
	// Over a run, each construct the issue lists must appear somewhere.
	var all strings.Builder
	invalid := 0
	for i := 0; i < 500; i++ {
		c := Generate(1, i)
		all.WriteString(c.Source)
		all.WriteString(c.ModuleSource)
		if c.Invalid != "" {
			invalid++
		}
	}
	src := all.String()
	for _, want := range []string{
		"f'", ":.2f}", "!r}", " % (", ".format(", " for ", " if ", "**", "sorted(", "enumerate(", "zip(",
		"CronSchedule(", "IntervalSchedule(", "RRuleSchedule(", "prefect.server.schemas.schedules",
		"prefect.orion.schemas.schedules", "prefect.client.schemas.schedules", "os.getenv(", "os.environ[",
		"CommonSettings()", "class Job", "Field(", ".dict()", "from lib_", "@flow", "@prefect.flow(",
		"as Spec", "import common.deployment.worker as dep", "FlowSecret(", "secret_name", "Straße", "日本語",
		"ephemeral_storage_gb=", "is_agent=", "job_variables=", "async def", "**kwargs", "__main__",
		"from enum import", "(str, Enum):", "(IntEnum):", "auto()", "\"member\": Kind_",
	} {
		assert.Contains(t, src, want)
	}
	assert.Greater(t, invalid, 30, "invalid cases")
	assert.Less(t, invalid, 150, "invalid cases")
}

func TestWriteProject(t *testing.T) {
	dir := t.TempDir()
	cases := []Case{Generate(1, 0), Generate(1, 1)}
	require.NoError(t, WriteProject(dir, cases))
	py, err := os.ReadFile(filepath.Join(dir, "pyproject.toml"))
	require.NoError(t, err)
	assert.Contains(t, string(py), "[tool.prefect.envs.base]")
	assert.Contains(t, string(py), "[tool.prefect.docker.worker-a]")
	for _, c := range cases {
		b, err := os.ReadFile(filepath.Join(dir, "flows", c.Name))
		require.NoError(t, err)
		assert.Equal(t, c.Source, string(b))
	}
	_, err = os.Stat(filepath.Join(dir, "Dockerfile"))
	require.NoError(t, err)
}
