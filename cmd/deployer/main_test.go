package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
		{"diff missing plan", []string{"diff", seedMain, filepath.Join(dir, "none.json")}, 1, "", "diff: cannot read plan " + filepath.Join(dir, "none.json") + ": no such file or directory"},
		{"diff bad usage", []string{"diff", "--exit-code", seedMain}, 2, "", "want OLD and NEW"},
		{"diff unknown flag", []string{"diff", "--nope", seedMain, seedMain}, 2, "", "flag provided but not defined"},
		{"diff bad format", []string{"diff", "--format", "yaml", seedMain, seedMain}, 2, "", "diff:"},

		{"show", []string{"show", seedMain}, 0, "deployment base-main", ""},
		{"show tampered warns", []string{"show", tampered}, 0, "", "warning: " + tampered + ": plan digest mismatch"},
		{"show missing plan", []string{"show", filepath.Join(dir, "none.json")}, 1, "", "show: cannot read plan"},
		{"show bad format", []string{"show", "--format", "yaml", seedMain}, 2, "", "show:"},

		{"apply tampered", []string{"apply", tampered}, 1, "", "refusing to apply the plan: plan digest mismatch"},
		{"apply without a plan", []string{"apply"}, 2, "", "want exactly one PLAN argument"},
		{"apply bad concurrency", []string{"apply", "--concurrency", "0", seedMain}, 2, "", "--concurrency 0: must be at least 1"},
		{"apply malformed expect-digest", []string{"apply", "--expect-digest", "abc123", seedMain}, 2, "", `--expect-digest: expected digest "abc123" is not sha256:<64 hex digits>`},
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

// planDigest reads the digest recorded in a plan file.
func planDigest(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var p struct {
		Digest string `json:"digest"`
	}
	require.NoError(t, json.Unmarshal(b, &p))
	require.True(t, strings.HasPrefix(p.Digest, "sha256:"), p.Digest)
	return p.Digest
}

// TestApplyChecksTheProjectAndDigest runs build-only dry runs of the seed
// plan, which need neither docker nor AWS nor Prefect.
func TestApplyChecksTheProjectAndDigest(t *testing.T) {
	digest := planDigest(t, seedMain)
	bare := strings.TrimPrefix(digest, "sha256:")
	other := strings.Repeat("0", 64)
	project := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(project, ".docker", "main"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(project, ".docker", "main", "Dockerfile"), []byte("FROM python:3.10\n"), 0o644))
	elsewhere := t.TempDir()

	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"project root", []string{"--project", project}, 0, "images would build", ""},
		{"wrong folder", []string{"--project", elsewhere}, 1, "",
			"apply: refusing to apply the plan: the images' files are not under " + elsewhere + " (image data-products-base-py-3.10: Dockerfile .docker/main/Dockerfile not found): run deployer from the sub-project root or pass --project DIR"},
		{"bare hex digest", []string{"--project", project, "--expect-digest", bare}, 0, "images would build", ""},
		{"prefixed digest", []string{"--project", project, "--expect-digest", digest}, 0, "images would build", ""},
		{"other bare digest", []string{"--project", project, "--expect-digest", other}, 1, "",
			"its digest is " + digest + ", but the expected digest is sha256:" + other},
		{"malformed digest", []string{"--project", project, "--expect-digest", "sha256:abc"}, 2, "",
			`--expect-digest: expected digest "sha256:abc" is not sha256:<64 hex digits>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append([]string{"apply", seedMain, "--build-only", "--dry-run"}, tt.args...)
			code := run(context.Background(), args, &stdout, &stderr, func(string) (string, bool) { return "", false })
			assert.Equal(t, tt.code, code, "stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
			assert.Contains(t, stdout.String(), tt.stdout)
			assert.Contains(t, stderr.String(), tt.stderr)
		})
	}
}

func TestUnreachablePrefectFailsFast(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := "http://" + l.Addr().String() + "/api"
	require.NoError(t, l.Close())

	tests := []struct {
		name, url, want string
	}{
		{"connection refused", closed, "connection refused"},
		{"unknown host", "http://flowplan-no-such-host.invalid/api", "flowplan-no-such-host.invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"PREFECT_API_URL": tt.url, "PREFECT_API_KEY": "pnu_secret-key"}
			lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
			var stdout, stderr bytes.Buffer
			start := time.Now()
			code := run(context.Background(), []string{"apply", seedMain, "--only", "flows"}, &stdout, &stderr, lookup)
			elapsed := time.Since(start)
			assert.Equal(t, 1, code)
			assert.Less(t, elapsed, 5*time.Second, "no retries before failing")
			msg := stderr.String()
			assert.Contains(t, msg, "the Prefect API at PREFECT_API_URL="+tt.url+" cannot be reached")
			assert.Contains(t, msg, tt.want)
			assert.Contains(t, msg, "failed after 1 attempts")
			assert.NotContains(t, msg, "pnu_secret-key")
		})
	}
}
