package executor

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/executor/prefect"
	"github.com/flowplan/flowplan/executor/prefect/prefectfake"
)

func TestConfigurationErrorsAreClear(t *testing.T) {
	tests := []struct {
		name string
		cfg  fixtureConfig
		// failed maps "kind name" to a part of its error; every other
		// resource must be created.
		failed map[string]string
	}{
		{
			name: "missing storage block",
			cfg:  fixtureConfig{noStorage: true},
			failed: map[string]string{
				"deployment data-products.folder000.flow-1/dep0-main": "storage block github/data-flows-main does not exist on the Prefect API at http://",
			},
		},
		{
			name: "ecs-task block type not registered",
			cfg:  fixtureConfig{prefect: []prefectfake.Option{prefectfake.WithoutBlockType("ecs-task")}},
			failed: map[string]string{
				"block ecs-task/data-products-folder000-flow-1-main":  "block type ecs-task is not registered on the Prefect API at http://",
				"deployment data-products.folder000.flow-1/dep0-main": "not applied: block ecs-task/data-products-folder000-flow-1-main failed",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixtureWith(t, tt.cfg)
			s := f.apply(t, agentPlan(t, 1, 1), onlyFlows)
			require.True(t, s.Failed())
			for _, r := range s.Resources {
				key := string(r.Kind) + " " + r.Name
				if part, ok := tt.failed[key]; ok {
					assert.Equal(t, Failed, r.Action, key)
					assert.Contains(t, r.Error, part, key)
					continue
				}
				assert.Equal(t, Created, r.Action, key)
			}
			if strings.Contains(tt.name, "block type") {
				r, _ := s.Find(KindBlock, "ecs-task/data-products-folder000-flow-1-main")
				assert.Contains(t, r.Error, "prefect block register -m prefect_aws")
			}
			for _, w := range f.writes() {
				assert.NotContains(t, w, "/deployments/", "no deployment is written without its blocks")
			}
		})
	}
}

func TestApplyRefusesBeforeAnyWork(t *testing.T) {
	tests := []struct {
		name     string
		cfg      fixtureConfig
		prefect3 bool // apply a Prefect 3 plan
		wantErr  error
		wantMsg  string
	}{
		{
			name:     "plan for Prefect 3, server is Prefect 2",
			prefect3: true,
			wantErr:  ErrWrongPrefectVersion,
			wantMsg:  "the plan targets prefect3 (Prefect 3) but the Prefect API at",
		},
		{
			name:    "API key rejected",
			cfg:     fixtureConfig{prefect: []prefectfake.Option{prefectfake.WithAPIKey("the-right-key")}, clientOpt: []prefect.Option{prefect.WithAPIKey("pnu_wrong-key-123")}},
			wantErr: prefect.ErrUnauthorized,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixtureWith(t, tt.cfg)
			p := agentPlan(t, 1, 1)
			if tt.prefect3 {
				p = workerPlan(t)
			}
			s, err := Apply(context.Background(), p, f.options())
			require.ErrorIs(t, err, tt.wantErr)
			assert.Nil(t, s)
			assert.Contains(t, err.Error(), tt.wantMsg)
			assert.NotContains(t, err.Error(), "pnu_wrong-key-123")
			assert.Empty(t, f.writes())
			assert.Empty(t, f.dockerCalls(t), "no image is built when the apply cannot finish")
			assert.Zero(t, f.registrations())
		})
	}
}

func TestMissingClientsAndBadOptions(t *testing.T) {
	p := agentPlan(t, 1, 1)
	project := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(project, ".docker", "main"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(project, ".docker", "main", "Dockerfile"), nil, 0o644))
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"no clients", Options{}, "apply: missing clients: Docker, ECR, ECS, Prefect"},
		{"images only needs docker and ECR", Options{Only: OnlyImages}, "apply: missing clients: Docker, ECR"},
		{"dry run of images needs no docker", Options{Only: OnlyImages, DryRun: true, ProjectDir: project}, ""},
		{"build only needs docker", Options{BuildOnly: true}, "apply: missing clients: Docker"},
		{"unknown only", Options{Only: "blocks"}, `apply: only "blocks": must be "images" or "flows"`},
		{"build only with flows", Options{BuildOnly: true, Only: OnlyFlows}, "apply: build-only builds images and cannot be combined with only flows"},
		{"negative concurrency", Options{Concurrency: -1}, "apply: concurrency -1: must be at least 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Apply(context.Background(), p, tt.opts)
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tt.want)
		})
	}
}
