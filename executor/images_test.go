package executor

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestImageFailureStopsOnlyTheFlowsInThatImage(t *testing.T) {
	f := newFixtureWith(t, fixtureConfig{dockerEnv: []string{"FAKE_DOCKER_FAIL=push"}})
	p := agentPlan(t, 2, 1)
	s := f.apply(t, p)
	require.True(t, s.Failed())
	im, _ := s.Find(KindImage, "data-products-base-py-3.10")
	assert.Equal(t, Failed, im.Action)
	assert.Contains(t, im.Error, "pushing image "+p.Images[0].URI)
	for _, r := range s.Resources {
		if r.Kind == KindImage {
			continue
		}
		assert.Equal(t, Failed, r.Action, "%s %s", r.Kind, r.Name)
		assert.Contains(t, r.Error, "not applied: image data-products-base-py-3.10 failed")
	}
	assert.Empty(t, f.writes(), "no flow points at an image that was not pushed")
	assert.Zero(t, f.registrations())
}

func TestBuildOnlyBuildsAndStops(t *testing.T) {
	f := newFixture(t)
	p := agentPlan(t, 2, 1)
	s := f.apply(t, p, func(o *Options) { o.BuildOnly = true })
	require.False(t, s.Failed())
	assert.Equal(t, map[string]Action{"image data-products-base-py-3.10": Built}, actions(s))
	calls := f.dockerCalls(t)
	require.Len(t, calls, 1)
	assert.Equal(t, "build", calls[0].Args[0])
	assert.Empty(t, f.prefect.Requests())
	assert.Empty(t, f.aws.CallCounts(), "no ECR token, no ECS")
}

func TestOnlyImagesLeavesFlowsAlone(t *testing.T) {
	f := newFixture(t)
	s := f.apply(t, agentPlan(t, 2, 1), func(o *Options) { o.Only = OnlyImages })
	require.False(t, s.Failed())
	assert.Equal(t, map[string]Action{"image data-products-base-py-3.10": Pushed}, actions(s))
	assert.Len(t, f.dockerCalls(t), 4)
	assert.Empty(t, f.prefect.Requests())
	assert.Zero(t, f.registrations())
}
