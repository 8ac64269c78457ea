package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// twinProject writes a project whose two flow files sit in folders a/x and
// b/x: both flows are named <project>.x.flow-1, so each file is valid alone
// and the pair cannot be planned.
func twinProject(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"pyproject.toml":          "[tool.poetry]\nname = \"twins\"\nversion = \"1.0.0\"\n\n[tool.prefect]\nflows_folder = \"src\"\n\n[tool.prefect.envs.base]\npython_version = \"3.10\"\ndockerfile_path = \"Dockerfile\"\n",
		"Dockerfile":              "FROM scratch\n",
		"src/a/x/f_flow.py":       flowSource,
		"src/b/x/f_flow.py":       flowSource,
		"src/c/ok/single_flow.py": flowSource,
	}
	for rel, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	return dir
}

const flowSource = `from prefect import flow
from common.deployment import FlowSpec, FlowDeployment

@flow
def flow_1():
    pass

FLOW_SPEC = FlowSpec(flow=flow_1, docker_env="base", deployments=[FlowDeployment(deployment_name="d")])
`

func TestExitCodes(t *testing.T) {
	example := filepath.Join("..", "..", "testdata", "example-project")
	twins := twinProject(t)
	out := t.TempDir()
	tests := []struct {
		name       string
		args       []string
		code       int
		stdout     string
		stderr     string
		wantOutput string // a file that must exist afterwards
		noOutput   string // a file that must not exist afterwards
	}{
		{name: "help", args: []string{"-h"}, code: 0, stdout: "Exit codes: 0 success"},
		{name: "unknown flag", args: []string{"--nope"}, code: 2, stderr: "flag provided but not defined"},
		{name: "missing project", args: []string{"--project", filepath.Join(out, "none"), "--validate-only"}, code: 2, stderr: "flowspec-extract:"},
		{name: "bad account id", args: []string{"--project", example, "--aws-account-id", "12"}, code: 2, stderr: `AWS account id "12" (from flag) must be 12 digits`},
		{name: "empty git sha", args: []string{"--project", example, "--git-sha="}, code: 2, stderr: "git sha (from flag) is empty"},
		{name: "bad infrastructure block", args: []string{"--project", example, "--infrastructure-block", "foo"}, code: 2, stderr: "must be <block type slug>/<block name>"},
		{name: "example validates with its broken flow", args: []string{"--project", example, "--validate-only"}, code: 1, stdout: "4 flow files: 2 ok, 1 missing FLOW_SPEC, 1 failed"},
		{name: "example plan refused", args: []string{"--project", example, "-o", filepath.Join(out, "refused.json")}, code: 1, stderr: "no plan written", noOutput: filepath.Join(out, "refused.json")},
		{name: "example plan with --skip-invalid", args: []string{"--project", example, "--skip-invalid", "-o", filepath.Join(out, "ok.json")}, code: 0, stderr: "2 flows, 1 images", wantOutput: filepath.Join(out, "ok.json")},
		{name: "twins: each file is valid, the pair is not", args: []string{"--project", twins, "--validate-only"}, code: 1,
			stdout: "FAILED  planning\n        building the plan: src/a/x/f_flow.py:8 and src/b/x/f_flow.py:8 both define task definition twins-x-flow-1-dev"},
		{name: "twins: no plan", args: []string{"--project", twins, "-o", filepath.Join(out, "twins.json")}, code: 1, stderr: "both define deployment twins.x.flow-1/d-dev", noOutput: filepath.Join(out, "twins.json")},
		{name: "twins: --skip-invalid plans the third flow", args: []string{"--project", twins, "--skip-invalid", "-o", filepath.Join(out, "twins-ok.json")}, code: 0, stderr: "1 flows, 1 images", wantOutput: filepath.Join(out, "twins-ok.json")},
		{name: "writes to a device without replacing it", args: []string{"--project", example, "--skip-invalid", "-o", os.DevNull}, code: 0, stderr: "plan written to " + os.DevNull},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			env := func(string) (string, bool) { return "", false }
			code := run(context.Background(), tt.args, &stdout, &stderr, env, func() []string { return nil })
			assert.Equal(t, tt.code, code, "stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
			assert.Contains(t, stdout.String(), tt.stdout)
			assert.Contains(t, stderr.String(), tt.stderr)
			if tt.wantOutput != "" {
				assert.FileExists(t, tt.wantOutput)
			}
			if tt.noOutput != "" {
				assert.NoFileExists(t, tt.noOutput)
			}
		})
	}
	fi, err := os.Stat(os.DevNull)
	require.NoError(t, err)
	assert.Equal(t, os.ModeDevice|os.ModeCharDevice, fi.Mode().Type(), "%s must still be a device", os.DevNull)
}
