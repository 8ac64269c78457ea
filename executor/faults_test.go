package executor

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/executor/aws"
	"github.com/flowplan/flowplan/executor/aws/awsfake"
	"github.com/flowplan/flowplan/executor/breaker"
	"github.com/flowplan/flowplan/executor/prefect/prefectfake"
	"github.com/flowplan/flowplan/plan"
)

// TestCreatesWhoseAnswerWasLost drops the connection after the server
// made each kind of object: the client retries, and where Prefect answers
// the retry with 409 (block documents) the executor reads the object back
// and the flow succeeds.
func TestCreatesWhoseAnswerWasLost(t *testing.T) {
	for _, path := range []string{"/block_documents/", "/flows/", "/deployments/"} {
		t.Run(path, func(t *testing.T) {
			f := newFixture(t)
			f.prefect.Fail("POST", path, prefectfake.Fault{DropAfterHandling: true})
			p := agentPlan(t, 1, 2)
			s := f.apply(t, p, onlyFlows)
			require.False(t, s.Failed(), "%+v", s.Resources)
			assert.Equal(t, 5, s.Count(Created), "%+v", s.Resources)

			var posts, conflicts int
			for _, r := range f.prefect.Requests() {
				if r.Method == "POST" && r.Path == path {
					posts++
					if r.Status == 409 {
						conflicts++
					}
				}
			}
			assert.Greater(t, posts, 1, "the dropped create was retried")
			if path == "/block_documents/" {
				assert.Equal(t, 1, conflicts, "the retry met the block the lost create made")
			}
			assert.Equal(t, 2, f.prefect.DeploymentCount())

			f.reset(t)
			again := f.apply(t, p, onlyFlows)
			assert.False(t, again.Changed(), "a rerun finds everything in place: %v", changed(again))
			assert.Empty(t, f.writes())
		})
	}
}

// TestConflictOnCreateReadsComparesAndUpdates: the block was missing when
// read, and another apply made it, with an older task definition, before
// this apply's create: the create gets 409, and the block is read back and
// updated.
func TestConflictOnCreateReadsComparesAndUpdates(t *testing.T) {
	f := newFixture(t)
	p := agentPlan(t, 1, 1)
	block := p.Flows[0].Block
	a := newApplier(p, f.options(onlyFlows))
	_, err := f.prefect.AddBlockDocument(block.BlockTypeSlug, block.Name, map[string]any{
		"task_definition_arn": "arn:aws:ecs:us-east-1:123456789012:task-definition/" + block.TaskDefinitionFamily + ":1",
		"cluster":             "prefect-v2-agent-main", "launch_type": "FARGATE", "allow_task_definition_registration": false,
	})
	require.NoError(t, err)
	arn2 := "arn:aws:ecs:us-east-1:123456789012:task-definition/" + block.TaskDefinitionFamily + ":2"
	id, action, changes, err := a.reconcileBlock(context.Background(), block, arn2, nil)
	require.NoError(t, err)
	assert.NotEmpty(t, id)
	assert.Equal(t, Updated, action)
	assert.Equal(t, []string{"task_definition_arn"}, changes)
	doc, ok := f.prefect.BlockDocument(block.BlockTypeSlug, block.Name)
	require.True(t, ok)
	assert.Equal(t, arn2, doc["data"].(map[string]any)["task_definition_arn"])

	// A 409 for a block that is not there is a failure that says so.
	f.prefect.Fail("POST", "/block_documents/", prefectfake.Fault{Status: 409, Body: `{"detail": "Data integrity conflict"}`})
	other := *block
	other.Name = "nowhere"
	_, action, _, err = a.reconcileBlock(context.Background(), &other, arn2, nil)
	assert.Equal(t, Failed, action)
	assert.ErrorContains(t, err, "the server answered 409 (already exists) but has no such block")
}

// TestTwoAppliesAtOnceEndConsistent runs two applies of one plan at the
// same time against the same Prefect and ECS, slowed so that they
// overlap: each registers a revision of every task definition, each saves
// every block. Both succeed, every block ends on its family's newest
// revision, each deployment exists once, and a third apply changes
// nothing.
func TestTwoAppliesAtOnceEndConsistent(t *testing.T) {
	f := newFixtureWith(t, fixtureConfig{
		prefect: []prefectfake.Option{prefectfake.WithLatency(15 * time.Millisecond)},
		aws:     awsfake.Options{Latency: 10 * time.Millisecond},
	})
	p := agentPlan(t, 6, 2)
	var wg sync.WaitGroup
	summaries := make([]*Summary, 2)
	for i := range summaries {
		wg.Go(func() {
			s, err := Apply(context.Background(), p, f.options(onlyFlows))
			assert.NoError(t, err)
			summaries[i] = s
		})
	}
	wg.Wait()
	for i, s := range summaries {
		require.NotNil(t, s)
		assert.False(t, s.Failed(), "apply %d: %+v", i, s.Resources)
	}
	assert.Greater(t, f.registrations(), len(p.Flows), "both applies registered revisions: the race this test is about happened")
	assertBlocksOnNewestRevision(t, f, p)
	assert.Equal(t, 12, f.prefect.DeploymentCount())

	f.reset(t)
	third := f.apply(t, p, onlyFlows)
	assert.False(t, third.Changed(), "%v", changed(third))
	assert.Zero(t, f.registrations())
}

func assertBlocksOnNewestRevision(t *testing.T, f *fixture, p *plan.Plan) {
	t.Helper()
	for _, fl := range p.Flows {
		_, latestARN, err := f.awsClient.LatestTaskDefinition(context.Background(), fl.TaskDefinitionFamily)
		require.NoError(t, err)
		doc, ok := f.prefect.BlockDocument(fl.Block.BlockTypeSlug, fl.Block.Name)
		require.True(t, ok, fl.Block.Name)
		assert.Equal(t, latestARN, doc["data"].(map[string]any)["task_definition_arn"], "block %s", fl.Block.Name)
	}
}

// TestAWSDownGivesUpTogether points the real AWS SDK at an address that
// refuses connections: the breaker opens after a few failures, every
// resource that needs ECS is reported as not applied because AWS is down,
// and the apply ends in seconds, not after every call's retries.
func TestAWSDownGivesUpTogether(t *testing.T) {
	f := newFixture(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	down := "http://" + l.Addr().String()
	require.NoError(t, l.Close())
	t.Setenv("AWS_ENDPOINT_URL", down)
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	b := breaker.New("AWS")
	client, err := aws.Load(context.Background(), aws.Options{Breaker: b})
	require.NoError(t, err)

	p := agentPlan(t, 12, 1)
	start := time.Now()
	s, err := Apply(context.Background(), p, f.options(onlyFlows, func(o *Options) { o.ECS, o.ECR, o.STS = client, client, client }))
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 20*time.Second)
	require.ErrorIs(t, b.Err(), breaker.ErrOpen)
	assert.Contains(t, b.Err().Error(), "AWS at "+down+" is down: ")
	for _, fl := range p.Flows {
		r, ok := s.Find(KindTaskDefinition, fl.TaskDefinitionFamily)
		require.True(t, ok)
		assert.Equal(t, Failed, r.Action)
		if !strings.Contains(r.Error, "connection refused") { // the calls before the breaker opened
			assert.Equal(t, "not applied: AWS at "+down+" is down", r.Error)
		}
	}
	assert.Empty(t, f.writes(), "nothing is written to Prefect without its task definitions")
}

// TestInterruptedApplySaysWhatWasDone cancels an apply (as Ctrl-C does)
// once its first flow is done: nothing new starts, the summary has one
// line per flow, no error says "context canceled", and a rerun finishes
// the job.
func TestInterruptedApplySaysWhatWasDone(t *testing.T) {
	f := newFixtureWith(t, prefectfakeLatency(30*time.Millisecond))
	p := agentPlan(t, 8, 1)
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	var once sync.Once
	s, err := Apply(ctx, p, f.options(onlyFlows, func(o *Options) {
		o.Concurrency = 1
		o.Observe = func(e Event) {
			if e.Type == EventFlowEnd {
				once.Do(func() { cancel(errors.New("interrupted by SIGINT")) })
			}
		}
	}))
	require.NoError(t, err)
	assert.Equal(t, "interrupted by SIGINT", s.Interrupted)
	var out strings.Builder
	require.NoError(t, s.WriteText(&out))
	text := out.String()
	assert.NotContains(t, text, "context canceled")
	lines := strings.Split(strings.TrimSpace(text), "\n")
	require.Len(t, lines, len(p.Flows)+1, text)
	states := map[string]int{}
	for _, line := range lines[:len(p.Flows)] {
		fields := strings.Fields(line)
		require.Equal(t, "flow", fields[0], line)
		states[strings.TrimSuffix(fields[2], ":")]++
	}
	assert.GreaterOrEqual(t, states["done"], 1, text)
	assert.GreaterOrEqual(t, states["not"], 1, "some flows never started: %s", text)
	assert.Equal(t, len(p.Flows), states["done"]+states["not"]+states["interrupted"], text)
	assert.Regexp(t, `^Apply of plan sha256:[0-9a-f]{64} interrupted by SIGINT: [0-9]+ created, 0 updated, 0 unchanged, 0 failed; [0-9]+ not applied\. Rerun it to finish: it converges\.$`, lines[len(lines)-1])

	again := f.apply(t, p, onlyFlows)
	assert.False(t, again.Failed())
	assert.Equal(t, "", again.Interrupted)
	assertBlocksOnNewestRevision(t, f, p)
}

// TestAFailedImageIsNamedNotRepeated: the flows that need an image whose
// docker build failed say which step failed and how docker ended, once
// per resource, without docker's command line and output (the image's own
// result has them).
func TestAFailedImageIsNamedNotRepeated(t *testing.T) {
	f := newFixtureWith(t, fixtureConfig{dockerEnv: []string{"FAKE_DOCKER_FAIL=build", "FAKE_DOCKER_EXIT=3"}})
	s := f.apply(t, agentPlan(t, 2, 1))
	im, ok := s.Find(KindImage, "data-products-base-py-3.10")
	require.True(t, ok)
	assert.Equal(t, Failed, im.Action)
	assert.Contains(t, im.Error, "--build-arg", "the image's own line has the command")
	assert.Contains(t, im.Error, "simulated failure", "and its output")
	for _, r := range s.Resources {
		if r.Kind == KindImage {
			continue
		}
		assert.Equal(t, "not applied: image data-products-base-py-3.10 failed: building image data-products-base-py-3.10: docker exited with status 3 (the image's line has its output)", r.Error, "%s %s", r.Kind, r.Name)
	}
}
