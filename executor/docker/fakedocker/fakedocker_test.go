package fakedocker

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestScriptLogsArgumentsExactly(t *testing.T) {
	script, err := Path()
	require.NoError(t, err)
	log := filepath.Join(t.TempDir(), "log")
	dir := t.TempDir()

	tests := []struct {
		name  string
		args  []string
		stdin string
	}{
		{"plain build", []string{"build", "-t", "img", "-f", "Dockerfile", "--platform", "linux/amd64", "--build-arg", "PYTHON_VERSION=3.10", "."}, ""},
		{"awkward characters", []string{"tag", `a"b\c`, "tab\there", "new\nline", "ünïcødé", "ctl\x01x", ""}, ""},
		{"login reads stdin", []string{"login", "--username", "AWS", "--password-stdin", "reg"}, "pass\\word\"\n\n"},
	}
	for _, tt := range tests {
		cmd := exec.CommandContext(t.Context(), script, tt.args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "FAKE_DOCKER_LOG="+log)
		cmd.Stdin = strings.NewReader(tt.stdin)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s: %s", tt.name, out)
	}

	calls, err := ReadLog(log)
	require.NoError(t, err)
	require.Len(t, calls, len(tests))
	realDir, err := filepath.EvalSymlinks(dir)
	require.NoError(t, err)
	for i, tt := range tests {
		assert.Equal(t, tt.args, calls[i].Args, tt.name)
		assert.Equal(t, tt.stdin, calls[i].Stdin, tt.name)
		assert.Equal(t, realDir, calls[i].Dir, tt.name)
	}
}

func TestScriptFailsOnDemand(t *testing.T) {
	script, err := Path()
	require.NoError(t, err)
	run := func(env []string, stdin string, args ...string) (int, string) {
		cmd := exec.CommandContext(t.Context(), script, args...)
		cmd.Env = append(os.Environ(), env...)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		if exitErr, ok := err.(*exec.ExitError); ok {
			return exitErr.ExitCode(), string(out)
		}
		require.NoError(t, err)
		return 0, string(out)
	}
	code, out := run([]string{"FAKE_DOCKER_FAIL=push,build", "FAKE_DOCKER_EXIT=4"}, "", "build", "-t", "x", ".")
	assert.Equal(t, 4, code)
	assert.Contains(t, out, "build: simulated failure")
	code, _ = run([]string{"FAKE_DOCKER_FAIL=push,build"}, "", "tag", "a", "b")
	assert.Equal(t, 0, code)
	code, out = run(nil, "pw", "login", "--username", "AWS", "--password", "pw", "reg")
	assert.Equal(t, 1, code, "a password on the command line is refused")
	assert.Contains(t, out, "non TTY")
	code, out = run(nil, "", "login", "--username", "AWS", "--password-stdin", "reg")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "Password Required")
	code, out = run(nil, "", "compose", "up")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "'compose' is not a docker command")
}

func TestReadLog(t *testing.T) {
	calls, err := ReadLog(filepath.Join(t.TempDir(), "missing"))
	require.NoError(t, err)
	assert.Empty(t, calls)

	bad := filepath.Join(t.TempDir(), "log")
	require.NoError(t, os.WriteFile(bad, []byte(`{"args":["tag"],"stdin":"","dir":"/"}`+"\n"+`{"argv":[]}`+"\n"), 0o644))
	_, err = ReadLog(bad)
	require.Error(t, err)
	assert.Contains(t, err.Error(), bad+":2:")
}
