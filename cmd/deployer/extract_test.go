package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDeployerLinksNoPythonEvaluator checks the fence around the binary
// that holds deploy credentials: it builds without cgo and imports neither
// the Python parser nor the evaluator (nor tree-sitter).
func TestDeployerLinksNoPythonEvaluator(t *testing.T) {
	bin := buildDeployer(t)
	info, err := exec.Command("go", "version", "-m", bin).CombinedOutput()
	require.NoError(t, err, "%s", info)
	assert.Contains(t, string(info), "\tCGO_ENABLED=0\n")

	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	const module = "github.com/flowplan/flowplan/"
	deps := strings.Fields(string(out))
	require.Contains(t, deps, module+"executor", "go list -deps lists deployer's imports")
	for _, pkg := range deps {
		rel, ours := strings.CutPrefix(pkg, module)
		switch {
		case strings.Contains(pkg, "tree-sitter"),
			ours && (rel == "extractor" || isUnder(rel, "extractor/internal/pysyntax") || isUnder(rel, "extractor/internal/eval") || isUnder(rel, "extractor/internal/lift")):
			t.Errorf("deployer depends on %s", pkg)
		}
	}
}

func isUnder(pkg, dir string) bool { return pkg == dir || strings.HasPrefix(pkg, dir+"/") }

// TestDeployFlowsRunsFlowspecExtract runs the built deployer's
// deploy-flows --validate-only with flowspec-extract next to it, on PATH,
// or nowhere, and with a project flowspec-extract cannot read.
func TestDeployFlowsRunsFlowspecExtract(t *testing.T) {
	extract := buildFlowspecExtract(t)
	alone := buildDeployer(t)
	together := t.TempDir()
	for src, name := range map[string]string{alone: "deployer", extract: "flowspec-extract"} {
		b, err := os.ReadFile(src)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(together, name), b, 0o755))
	}
	example, err := filepath.Abs("../../testdata/example-project")
	require.NoError(t, err)
	emptyPath := t.TempDir()

	tests := []struct {
		name     string
		deployer string
		path     string
		project  string
		code     int
		stdout   []string
		stderr   []string
	}{
		{
			name: "next to deployer", deployer: filepath.Join(together, "deployer"), path: emptyPath, project: example, code: 1,
			// the example holds one broken flow: the report is flowspec-extract's
			stdout: []string{"ok      src/", "FAILED  src/"},
			stderr: []string{"deployer: deploy-flows: " + filepath.Join(together, "flowspec-extract") + " exited 1: a flow file failed"},
		},
		{
			name: "on PATH", deployer: alone, path: filepath.Dir(extract), project: example, code: 1,
			stdout: []string{"ok      src/", "FAILED  src/"},
			stderr: []string{"deployer: deploy-flows: " + extract + " exited 1"},
		},
		{
			name: "nowhere", deployer: alone, path: emptyPath, project: example, code: 1,
			stderr: []string{"deployer: deploy-flows: flowspec-extract not found: it reads the flow files for deployer; looked next to deployer in " +
				filepath.Dir(alone) + " and on PATH=" + emptyPath + "."},
		},
		{
			name: "unreadable project", deployer: alone, path: filepath.Dir(extract), project: filepath.Join(emptyPath, "missing"), code: 1,
			stderr: []string{
				"flowspec-extract: ",                      // its own message, passed through
				extract + " exited 2: the project cannot", // and what its exit code means
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(tt.deployer, "deploy-flows", "--validate-only", "--project", tt.project)
			cmd.Env = []string{"PATH=" + tt.path, "HOME=" + t.TempDir()}
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tt.code, code, "stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
			for _, s := range tt.stdout {
				assert.Contains(t, stdout.String(), s)
			}
			for _, s := range tt.stderr {
				assert.Contains(t, stderr.String(), s)
			}
		})
	}
}
