package render

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/plan/plantest"
)

var update = flag.Bool("update", false, "rewrite golden files")

var goldenPlans = []string{
	"seed-main", "seed-dev", "seed-unknown-account", "multi-main", "multi-staging-infra-override",
	"worker-dev-prefect2-worker", "worker-main-prefect3", "mixed-main-prefect2-worker",
}

var formatExt = map[Format]string{FormatText: "txt", FormatMarkdown: "md", FormatJSON: "json"}

func TestShowGolden(t *testing.T) {
	for _, name := range goldenPlans {
		for _, f := range Formats() {
			t.Run(name+"/"+string(f), func(t *testing.T) {
				var buf bytes.Buffer
				require.NoError(t, Show(&buf, plantest.Load(t, name), f, Options{}))
				plantest.Golden(t, filepath.Join("testdata", name+"."+formatExt[f]), buf.Bytes(), *update)
			})
		}
	}
}

// TestShowFacts checks, independently of the golden files, the facts a
// reviewer relies on.
func TestShowFacts(t *testing.T) {
	tests := []struct {
		plan    string
		format  Format
		want    []string
		notWant []string
	}{
		{plan: "seed-main", format: FormatText, want: []string{
			"Plan for data-products 0.1.0: main deployment to a Prefect 2 agent (1 flow on ECS task blocks, work queue prefect-v2-queue-main)",
			"target                 prefect2-agent",
			"infrastructure     ecs-task/data-products-example-flow-1-main (the flow's own ECS task block, the default)",
			"git sha            3f9a1c2",
			"account            123456789012",
			"every day at 00:00 (cron 0 0 * * *, UTC by default)",
			"MY_SECRET_JSON from /my/secretsmanager/secret",
			"param_name = \"param_value\"",
			"cpu / memory       1024 / 4096",
			"env overrides      EXTRA_PIP_PACKAGES=pandas",
			"storage          200 GiB",
			"ecs block          data-products-example-flow-1-main",
			"src/example/example_flow.py:17",
		}, notWant: []string{"arn:aws:secretsmanager", "\x1b["}},
		{plan: "seed-dev", format: FormatText, want: []string{"only on main: not scheduled here"}},
		{plan: "seed-unknown-account", format: FormatText, want: []string{"account            (known at apply: AWS account id)"}},
		{plan: "seed-unknown-account", format: FormatMarkdown, want: []string{"| Account | (known at apply: AWS account id) |"}},
		{plan: "seed-main", format: FormatMarkdown, want: []string{
			"## Plan: data-products 0.1.0 (main)",
			"Deploys to a Prefect 2 agent (1 flow on ECS task blocks, work queue prefect-v2-queue-main).",
			"| Target | `prefect2-agent` |",
			"#### `data-products.example.flow-1`",
			"| `base-main` | every day at 00:00 (cron 0 0 \\* \\* \\*, UTC by default) |",
		}, notWant: []string{"arn:aws:secretsmanager"}},
		{plan: "seed-main", format: FormatJSON, want: []string{`"summary_version": 1`, `"secret_name": "/my/secretsmanager/secret"`}, notWant: []string{"arn:aws:secretsmanager"}},
		{plan: "worker-main-prefect3", format: FormatText, want: []string{"work pool"}},
	}
	for _, tt := range tests {
		t.Run(tt.plan+"/"+string(tt.format), func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, Show(&buf, plantest.Load(t, tt.plan), tt.format, Options{}))
			got := squeezeSpaces(buf.String())
			for _, w := range tt.want {
				assert.Contains(t, got, squeezeSpaces(w))
			}
			for _, w := range tt.notWant {
				assert.NotContains(t, got, w)
			}
		})
	}
}

// squeezeSpaces makes checks independent of column alignment.
func squeezeSpaces(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' }), " ")
}

func TestJSONSummaryRoundTrips(t *testing.T) {
	for _, name := range goldenPlans {
		t.Run(name, func(t *testing.T) {
			p := plantest.Load(t, name)
			var buf bytes.Buffer
			require.NoError(t, Show(&buf, p, FormatJSON, Options{}))
			var s Summary
			dec := json.NewDecoder(&buf)
			dec.DisallowUnknownFields()
			require.NoError(t, dec.Decode(&s))
			assert.Equal(t, SummaryVersion, s.SummaryVersion)
			assert.Equal(t, p.Digest, s.Digest)
			require.Len(t, s.Flows, len(p.Flows))
			deployments := 0
			for i, f := range p.Flows {
				assert.Equal(t, f.Name, s.Flows[i].Name)
				require.Len(t, s.Flows[i].Deployments, len(f.Deployments))
				deployments += len(f.Deployments)
			}
			assert.Equal(t, deployments, s.Counts["deployments"])
		})
	}
}

func TestTextColorOnlyWhenAsked(t *testing.T) {
	p := plantest.Load(t, "seed-main")
	var plain, colored bytes.Buffer
	require.NoError(t, Show(&plain, p, FormatText, Options{}))
	require.NoError(t, Show(&colored, p, FormatText, Options{Color: true}))
	assert.NotContains(t, plain.String(), "\x1b[")
	assert.Contains(t, colored.String(), "\x1b[1mImages (1)\x1b[0m")
}

func TestParseFormat(t *testing.T) {
	for _, f := range Formats() {
		got, err := ParseFormat(string(f))
		require.NoError(t, err)
		assert.Equal(t, f, got)
	}
	_, err := ParseFormat("yaml")
	assert.ErrorContains(t, err, `"yaml"`)
	_, err = NewView("html", Options{})
	assert.Error(t, err)
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }

func TestShowReportsWriteErrors(t *testing.T) {
	for _, f := range Formats() {
		err := Show(failingWriter{}, plantest.Load(t, "seed-main"), f, Options{})
		assert.ErrorIs(t, err, os.ErrClosed, string(f))
	}
}

func TestSecretName(t *testing.T) {
	tests := map[string]string{
		"arn:aws:secretsmanager:us-east-1:123456789012:secret:/my/secretsmanager/secret": "/my/secretsmanager/secret",
		"arn:aws:secretsmanager:us-east-1:${aws_account_id}:secret:data/db-creds":        "data/db-creds",
		"arn:aws:ssm:us-east-1:123456789012:parameter/x":                                 "arn:aws:ssm:us-east-1:123456789012:parameter/x",
		"plain": "plain",
	}
	for in, want := range tests {
		assert.Equal(t, want, SecretName(in), in)
	}
}

func TestMarkdownEscaping(t *testing.T) {
	assert.Equal(t, "a\\|b \\*x\\* &lt;y&gt;<br>z", MDText("a|b *x* <y>\nz"))
	assert.Equal(t, "`a\\|b`", MDCode("a|b"))
	assert.Equal(t, "`` a`b ``", MDCode("a`b"))
	assert.Equal(t, "`x y`", MDCode("x\ny"))
	assert.False(t, strings.Contains(MDCode("a\nb"), "\n"))
}
