package executor

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/executor/prefect"
	"github.com/flowplan/flowplan/executor/prefect/prefectfake"
)

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create %s", path)
	assert.Equal(t, string(want), string(got))
}

func TestSummaryText(t *testing.T) {
	f := newFixture(t)
	p := agentPlan(t, 2, 1)
	tests := []struct {
		name string
		mod  func(*Options)
	}{
		{"summary_dry_run.golden", func(o *Options) { o.DryRun = true }},
		{"summary_first.golden", nil},
		{"summary_noop.golden", onlyFlows},
	}
	for _, tt := range tests {
		var mods []func(*Options)
		if tt.mod != nil {
			mods = append(mods, tt.mod)
		}
		s := f.apply(t, p, mods...)
		var buf bytes.Buffer
		require.NoError(t, s.WriteText(&buf))
		golden(t, tt.name, buf.Bytes())
	}
}

func TestEventsAndSecrets(t *testing.T) {
	const apiKey = "pnu_very-secret-api-key"
	f := newFixtureWith(t, fixtureConfig{
		prefect:   []prefectfake.Option{prefectfake.WithAPIKey(apiKey)},
		clientOpt: []prefect.Option{prefect.WithAPIKey(apiKey)},
	})
	p := agentPlan(t, 3, 2)
	// One flow fails, so that errors are in the output too.
	f.prefect.Fail("POST", "/flows/", prefectfake.Fault{Status: 500, Body: `{"detail": "boom"}`})

	var jsonOut, textOut bytes.Buffer
	var mu sync.Mutex
	both := func(e Event) {
		mu.Lock()
		defer mu.Unlock()
		JSONEvents(&jsonOut)(e)
		TextProgress(&textOut)(e)
	}
	s, err := Apply(context.Background(), p, f.options(func(o *Options) { o.Observe = both }))
	require.NoError(t, err)
	require.True(t, s.Failed())
	var summary bytes.Buffer
	require.NoError(t, s.WriteText(&summary))

	for name, out := range map[string]string{
		"json events": jsonOut.String(), "text progress": textOut.String(),
		"summary": summary.String(), "docker output": f.dockerOut.String(),
	} {
		assert.NotContains(t, out, apiKey, name)
		assert.NotContains(t, out, f.aws.ECRPassword(), name)
	}

	// One JSON object a line: apply_start first, apply_end (with the
	// summary) last, each flow and image started before it ended.
	var events []map[string]any
	sc := bufio.NewScanner(&jsonOut)
	for sc.Scan() {
		var e map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &e), sc.Text())
		events = append(events, e)
	}
	require.NotEmpty(t, events)
	assert.Equal(t, "apply_start", events[0]["event"])
	last := events[len(events)-1]
	assert.Equal(t, "apply_end", last["event"])
	assert.Contains(t, last, "summary")
	assert.Contains(t, last, "elapsed_s")
	started := map[string]bool{}
	ended := map[string]int{}
	for _, e := range events {
		key, _ := e["flow"].(string)
		if im, ok := e["image"].(string); ok {
			key = "image " + im
		}
		switch e["event"] {
		case "flow_start", "image_start":
			started[key] = true
		case "flow_end", "image_end":
			assert.True(t, started[key], "%s ended before it started", key)
			ended[key]++
			_, err := time.Parse(time.RFC3339Nano, e["time"].(string))
			assert.NoError(t, err)
			assert.Contains(t, e, "elapsed_s")
		}
	}
	assert.Len(t, ended, 4, "three flows and one image")
	for k, n := range ended {
		assert.Equal(t, 1, n, k)
	}

	// Text progress: each image and flow as it starts and ends.
	text := textOut.String()
	assert.Contains(t, text, "applying plan "+p.Digest+" (1 image, 3 flows, deployment type main, target prefect2-agent)\n")
	assert.Contains(t, text, "image data-products-base-py-3.10: building and pushing\n")
	assert.Contains(t, text, "image data-products-base-py-3.10: pushed in ")
	for _, fl := range p.Flows {
		assert.Contains(t, text, "flow "+fl.Name+": started\n")
	}
	assert.Regexp(t, `flow data-products\.folder00\d\.flow-1: done in [0-9.]+m?s: task definition created, block created, flow created, 2 deployments created\n`, text)
	assert.Regexp(t, `flow data-products\.folder00\d\.flow-1: failed after [0-9.]+m?s: flow data-products\.folder00\d\.flow-1: creating flow`, text)
	assert.True(t, strings.HasPrefix(lastLine(text), "finished in "), lastLine(text))
	assert.Contains(t, lastLine(text), "12 created, 0 updated, 0 unchanged, 1 images pushed, 3 failed")
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// countingPrefect counts how many write calls run at once.
type countingPrefect struct {
	Prefect
	mu       sync.Mutex
	inFlight int
	max      int
}

func (c *countingPrefect) enter() func() {
	c.mu.Lock()
	c.inFlight++
	c.max = max(c.max, c.inFlight)
	c.mu.Unlock()
	return func() {
		c.mu.Lock()
		c.inFlight--
		c.mu.Unlock()
	}
}

func (c *countingPrefect) CreateFlow(ctx context.Context, name string) (*prefect.Flow, error) {
	defer c.enter()()
	return c.Prefect.CreateFlow(ctx, name)
}

func (c *countingPrefect) CreateDeployment(ctx context.Context, body prefect.DeploymentCreate) (*prefect.Deployment, error) {
	defer c.enter()()
	return c.Prefect.CreateDeployment(ctx, body)
}

func TestConcurrencyBoundsFlowsWrittenAtOnce(t *testing.T) {
	for _, n := range []int{1, 3} {
		f := newFixture(t)
		f.prefect.SetLatency(5 * time.Millisecond)
		counting := &countingPrefect{Prefect: f.client}
		s := f.apply(t, agentPlan(t, 8, 1), onlyFlows, func(o *Options) {
			o.Prefect = counting
			o.Concurrency = n
		})
		require.False(t, s.Failed())
		assert.LessOrEqual(t, counting.max, n)
		if n > 1 {
			assert.Greater(t, counting.max, 1, "flows are written in parallel")
		}
	}
}
