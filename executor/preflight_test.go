package executor

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/executor/prefect/prefectfake"
	"github.com/flowplan/flowplan/plan"
)

// prefect2WorkerPlan is workerPlan made for a Prefect 2 worker server;
// enforce sets enforce_parameter_schema on its hourly deployment.
func prefect2WorkerPlan(t *testing.T, enforce bool) *plan.Plan {
	t.Helper()
	files := workerFiles()
	files[0].Spec.Worker.Deployments[0].EnforceParameterSchema = enforce
	o := agentOptions(testAccount)
	o.Target = plan.TargetPrefect2Worker
	o.GitRepository = "https://github.com/example/mozilla-flows.git"
	return buildPlan(t, workerProject(), files, o)
}

func TestEnforceParameterSchemaNeedsPrefect214(t *testing.T) {
	tests := []struct {
		name          string
		serverVersion string
		enforce       bool
		refused       bool
	}{
		{"2.10.6 refused", "2.10.6", true, true},
		{"2.13.9 refused", "2.13.9", true, true},
		{"2.9 without patch refused", "2.9", true, true},
		{"2.14.0 accepted", "2.14.0", true, false},
		{"2.14.0rc1 accepted", "2.14.0rc1", true, false},
		{"2.20.3 accepted", "2.20.3", true, false},
		{"no enforcing deployment on 2.10.6", "2.10.6", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixtureWith(t, fixtureConfig{noStorage: true, prefect: []prefectfake.Option{
				prefectfake.WithServerVersion(tt.serverVersion),
				prefectfake.WithWorkPool("mozilla-aws-ecs-main", "ecs"),
				prefectfake.WithWorkPool("local-process-main", "process"),
			}})
			p := prefect2WorkerPlan(t, tt.enforce)
			s, err := Apply(context.Background(), p, f.options())
			if tt.refused {
				require.ErrorIs(t, err, ErrWrongPrefectVersion)
				assert.Nil(t, s)
				msg := err.Error()
				assert.Contains(t, msg, "the plan's deployments mozilla-flows.count-things/hourly-main set enforce_parameter_schema, which needs Prefect 2.14 or later")
				assert.NotContains(t, msg, "adhoc-main", "only the deployments that send the field are named")
				assert.Contains(t, msg, "is version "+tt.serverVersion)
				assert.Empty(t, f.writes())
				assert.Empty(t, f.dockerCalls(t), "refused before any image is built")
				assert.Zero(t, f.registrations())
				return
			}
			require.NoError(t, err)
			adhoc, ok := s.Find(KindDeployment, "mozilla-flows.count-things/adhoc-main")
			require.True(t, ok)
			assert.Equal(t, Created, adhoc.Action, adhoc.Error)
			if !tt.enforce {
				assert.False(t, s.Failed(), "%+v", s.Resources)
			}
		})
	}
}

func TestExpectDigest(t *testing.T) {
	p := agentPlan(t, 1, 1)
	hex := strings.TrimPrefix(p.Digest, "sha256:")
	other := strings.Repeat("0", 64)
	tests := []struct {
		name    string
		expect  string
		wantErr string // "" means applied
	}{
		{"prefixed", p.Digest, ""},
		{"bare hex", hex, ""},
		{"upper case and spaces", " " + strings.ToUpper(hex) + "\n", ""},
		{"other digest, prefixed", "sha256:" + other, "its digest is " + p.Digest + ", but the expected digest is sha256:" + other},
		{"other digest, bare", other, "its digest is " + p.Digest + ", but the expected digest is sha256:" + other},
		{"too short", hex[:12], `expected digest "` + hex[:12] + `" is not sha256:<64 hex digits>`},
		{"other algorithm", "sha512:" + hex, "is not sha256:<64 hex digits>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			s, err := Apply(context.Background(), p, f.options(onlyFlows, func(o *Options) { o.ExpectDigest = tt.expect }))
			if tt.wantErr == "" {
				require.NoError(t, err)
				assert.False(t, s.Failed(), "%+v", s.Resources)
				return
			}
			require.ErrorContains(t, err, tt.wantErr)
			if strings.HasPrefix(tt.name, "other digest") {
				assert.ErrorIs(t, err, ErrUnexpectedDigest)
			}
			assert.Empty(t, f.prefect.Requests())
		})
	}
}

func TestNormalizeDigest(t *testing.T) {
	hex := strings.Repeat("ab", 32)
	tests := []struct{ in, want, wantErr string }{
		{"sha256:" + hex, "sha256:" + hex, ""},
		{hex, "sha256:" + hex, ""},
		{"SHA256:" + strings.ToUpper(hex), "sha256:" + hex, ""},
		{"", "", "is not sha256:"},
		{"sha256:", "", "is not sha256:"},
		{hex + "0", "", "is not sha256:"},
		{strings.Repeat("g", 64), "", "is not sha256:"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := NormalizeDigest(tt.in)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
