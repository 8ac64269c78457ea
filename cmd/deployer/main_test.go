package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// plans from the plan package's golden files.
const (
	seedMain      = "../../plan/testdata/seed-main.golden.json"
	seedDev       = "../../plan/testdata/seed-dev.golden.json"
	workerPrefect = "../../plan/testdata/worker-main-prefect3.golden.json"
)

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	tampered := filepath.Join(dir, "tampered.json")
	b, err := os.ReadFile(seedMain)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(tampered, bytes.Replace(b, []byte("prefect-v2-queue-main"), []byte("other-queue"), 1), 0o644))

	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"no command", nil, 2, "", "Usage: deployer"},
		{"help", []string{"--help"}, 0, "Usage: deployer", ""},
		{"unknown command", []string{"plan"}, 2, "", `unknown command "plan"`},
		{"help of unknown command", []string{"help", "plan"}, 2, "", `help: unknown command "plan"`},

		{"diff equal, --exit-code", []string{"diff", "--exit-code", seedMain, seedMain}, 0, "", ""},
		{"diff different, --exit-code", []string{"diff", "--exit-code", seedDev, seedMain}, 2, "", ""},
		{"diff different, flag after the plans", []string{"diff", seedDev, seedMain, "--exit-code"}, 2, "", ""},
		{"diff different, no --exit-code", []string{"diff", seedDev, seedMain}, 0, "", ""},
		{"diff missing plan", []string{"diff", seedMain, filepath.Join(dir, "none.json")}, 1, "", "diff: reading plan"},
		{"diff bad usage is an error, not a difference", []string{"diff", "--exit-code", seedMain}, 1, "", "want OLD and NEW"},
		{"diff unknown flag", []string{"diff", "--nope", seedMain, seedMain}, 1, "", "flag provided but not defined"},
		{"diff bad format", []string{"diff", "--format", "yaml", seedMain, seedMain}, 1, "", "diff:"},

		{"show", []string{"show", seedMain}, 0, "deployment base-main", ""},
		{"show tampered warns", []string{"show", tampered}, 0, "", "warning: " + tampered + ": plan digest mismatch"},
		{"show missing plan", []string{"show", filepath.Join(dir, "none.json")}, 1, "", "show: reading plan"},
		{"show bad format", []string{"show", "--format", "yaml", seedMain}, 2, "", "show:"},

		{"apply tampered", []string{"apply", tampered}, 1, "", "refusing to apply the plan: plan digest mismatch"},
		{"apply without a plan", []string{"apply"}, 2, "", "want exactly one PLAN argument"},
		{"apply bad concurrency", []string{"apply", "--concurrency", "0", seedMain}, 2, "", "--concurrency 0: must be at least 1"},
		{"apply build-only and only flows", []string{"apply", "--build-only", "--only", "flows", seedMain}, 2, "", "cannot be combined"},

		{"export worker plan", []string{"export", "prefect-yaml", workerPrefect}, 0, "deployments:", ""},
		{"export agent plan", []string{"export", "prefect-yaml", seedMain}, 1, "", "cannot be written as prefect.yaml"},
		{"export tampered", []string{"export", "prefect-yaml", tampered}, 1, "", "refusing"},
		{"export what", []string{"export", "terraform"}, 2, "", "want 'export prefect-yaml PLAN'"},

		{"check-version extra argument", []string{"check-version", "x"}, 2, "", `unexpected argument "x"`},
		{"deploy-flows extra argument", []string{"deploy-flows", "x"}, 2, "", `unexpected argument "x"`},
		{"deploy-flows bad deployment type", []string{"deploy-flows", "--deployment-type", "prod"}, 2, "", `deployment type "prod" (from flag) must be dev, staging or main`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr, func(string) (string, bool) { return "", false })
			assert.Equal(t, tt.code, code, "stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
			assert.Contains(t, stdout.String(), tt.stdout)
			assert.Contains(t, stderr.String(), tt.stderr)
			if tt.code == 0 && !strings.Contains(tt.name, "warns") {
				assert.Empty(t, stderr.String())
			}
		})
	}
}
