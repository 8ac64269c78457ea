package executor

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/executor/aws/awsfake"
	"github.com/flowplan/flowplan/executor/prefect/prefectfake"
	"github.com/flowplan/flowplan/plan"
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

func TestBuildFilesAreCheckedUnderTheProjectFolder(t *testing.T) {
	tests := []struct {
		name string
		// setup prepares the project folder (which starts with both
		// Dockerfiles) and returns the ProjectDir to pass.
		setup   func(t *testing.T, dir string) string
		dryRun  bool
		wantErr []string // parts of Apply's one error; none: the image is pushed
	}{
		{
			name:  "in the project root",
			setup: func(t *testing.T, dir string) string { return dir },
		},
		{
			name: "run from another folder",
			setup: func(t *testing.T, dir string) string {
				return t.TempDir()
			},
			wantErr: []string{"refusing to apply the plan: the images' files are not under {dir} (image data-products-base-py-3.10: Dockerfile .docker/main/Dockerfile not found): run deployer from the sub-project root or pass --project DIR"},
		},
		{
			name: "run from another folder, dry run",
			setup: func(t *testing.T, dir string) string {
				return t.TempDir()
			},
			dryRun:  true,
			wantErr: []string{"the images' files are not under {dir} (image data-products-base-py-3.10: Dockerfile .docker/main/Dockerfile not found)"},
		},
		{
			name: "Dockerfile is a folder",
			setup: func(t *testing.T, dir string) string {
				path := filepath.Join(dir, ".docker", "main", "Dockerfile")
				require.NoError(t, os.Remove(path))
				require.NoError(t, os.Mkdir(path, 0o755))
				return dir
			},
			wantErr: []string{"(image data-products-base-py-3.10: Dockerfile .docker/main/Dockerfile is a folder, not a file)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			dir := tt.setup(t, f.projectDir)
			s, err := Apply(context.Background(), agentPlan(t, 1, 1), f.options(func(o *Options) {
				o.ProjectDir = dir
				o.DryRun = tt.dryRun
			}))
			if len(tt.wantErr) == 0 {
				require.NoError(t, err)
				im, ok := s.Find(KindImage, "data-products-base-py-3.10")
				require.True(t, ok)
				assert.Equal(t, Pushed, im.Action, im.Error)
				return
			}
			require.Error(t, err)
			assert.Nil(t, s)
			for _, part := range tt.wantErr {
				assert.Contains(t, err.Error(), strings.ReplaceAll(part, "{dir}", dir))
			}
			assert.Empty(t, f.dockerCalls(t), "nothing is built")
			assert.Empty(t, f.prefect.Requests(), "no work starts")
			assert.Zero(t, f.aws.Calls(awsfake.ECRDescribeImages)+f.aws.Calls(awsfake.ECRGetAuthorizationToken)+f.aws.Calls(awsfake.ECSListTaskDefinitions))
		})
	}
}

// TestEveryImageIsCheckedInOneError: from the wrong folder, one error
// names every image's missing files; with --only flows the files are not
// needed.
func TestEveryImageIsCheckedInOneError(t *testing.T) {
	f := newFixture(t, prefectfake.WithServerVersion("2.16.0"))
	proj := agentProject()
	proj.WorkerEnvs = workerProject().WorkerEnvs
	o := agentOptions(testAccount)
	o.Target = plan.TargetPrefect2Worker
	o.GitRepository = "https://github.com/example/data-flows.git"
	p := buildPlan(t, proj, append(agentFiles(1, 1), workerFiles()...), o)
	require.Len(t, p.Images, 2)
	elsewhere := t.TempDir()
	_, err := Apply(context.Background(), p, f.options(func(o *Options) { o.ProjectDir = elsewhere }))
	require.Error(t, err)
	assert.Equal(t, 1, strings.Count(err.Error(), "run deployer from the sub-project root"), err.Error())
	for _, im := range p.Images {
		assert.Contains(t, err.Error(), "image "+im.LocalName+": Dockerfile "+im.Dockerfile+" not found")
	}
	_, err = Apply(context.Background(), p, f.options(func(o *Options) { o.ProjectDir = elsewhere; o.Only = OnlyFlows }))
	require.NoError(t, err)
}

func TestCheckBuildFiles(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "ctx", ".docker"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ctx", ".docker", "Dockerfile"), nil, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "file"), nil, 0o644))
	tests := []struct {
		name, dockerfile, context, want string
	}{
		{"both present", "ctx/.docker/Dockerfile", "ctx", ""},
		{"empty context is the project folder", "ctx/.docker/Dockerfile", "", ""},
		{"missing Dockerfile", "Dockerfile", ".", "image im: Dockerfile Dockerfile not found under " + dir + ": run deployer"},
		{"missing context", "ctx/.docker/Dockerfile", "nope", "image im: build context nope not found under " + dir},
		{"context is a file", "ctx/.docker/Dockerfile", "file", "build context file is not a folder"},
		{"both missing", "a/Dockerfile", "b", "build context b not found; Dockerfile a/Dockerfile not found under " + dir},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkBuildFiles(dir, plan.Image{LocalName: "im", Dockerfile: tt.dockerfile, Context: tt.context})
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tt.want)
		})
	}
}

func TestImageAlreadyInECRIsNotRebuilt(t *testing.T) {
	tests := []struct {
		name       string
		pushed     bool // the tag is already in ECR
		gitSHA     string
		forceBuild bool
		dryRun     bool
		want       Action
		dockerRuns int
		countsLine string
	}{
		{"not in ECR", false, "3f9a1c27d4b5e6f7", false, false, Pushed, 4, "no changes, 0 unchanged, 1 images pushed, 0 failed"},
		{"in ECR", true, "3f9a1c27d4b5e6f7", false, false, Unchanged, 0, "no changes, 1 unchanged, 0 failed"},
		{"in ECR, dry run", true, "3f9a1c27d4b5e6f7", false, true, Unchanged, 0, "no changes, 1 unchanged, 0 failed"},
		{"not in ECR, dry run", false, "3f9a1c27d4b5e6f7", false, true, Pushed, 0, "no changes, 0 unchanged, 1 images would build and push, 0 failed"},
		{"in ECR, forced", true, "3f9a1c27d4b5e6f7", true, false, Pushed, 4, "no changes, 0 unchanged, 1 images pushed, 0 failed"},
		{"tag without a commit is always rebuilt", true, "dev", false, false, Pushed, 4, "no changes, 0 unchanged, 1 images pushed, 0 failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			o := agentOptions(testAccount)
			o.GitSHA = tt.gitSHA
			p := buildPlan(t, agentProject(), agentFiles(1, 1), o)
			im := p.Images[0]
			if tt.pushed {
				f.aws.PutImage(strings.TrimPrefix(im.Repository, f.aws.Registry()+"/"), im.Tag)
			}
			s := f.apply(t, p, func(o *Options) {
				o.Only = OnlyImages
				o.ForceBuild = tt.forceBuild
				o.DryRun = tt.dryRun
			})
			r, _ := s.Find(KindImage, im.LocalName)
			assert.Equal(t, tt.want, r.Action, r.Error)
			if tt.want == Unchanged {
				assert.Equal(t, im.URI+" is already in ECR (--force-build rebuilds it)", r.Detail)
			}
			if tt.dockerRuns == 0 {
				assert.NoFileExists(t, f.dockerLog)
			} else {
				assert.Len(t, f.dockerCalls(t), tt.dockerRuns)
			}
			assert.Equal(t, tt.countsLine, s.CountsLine())
			wantLookups := 1
			if tt.forceBuild || tt.gitSHA == "dev" {
				wantLookups = 0
			}
			assert.Equal(t, wantLookups, f.aws.Calls(awsfake.ECRDescribeImages))
		})
	}
}

func TestImageECRLookupFailureFailsTheImage(t *testing.T) {
	f := newFixtureWith(t, fixtureConfig{aws: awsfake.Options{}})
	f.aws.InjectFault(awsfake.ECRDescribeImages, awsfake.ServerError, 10)
	s := f.apply(t, agentPlan(t, 1, 1), func(o *Options) { o.Only = OnlyImages })
	r, _ := s.Find(KindImage, "data-products-base-py-3.10")
	assert.Equal(t, Failed, r.Action)
	assert.Contains(t, r.Error, "checking whether ECR already holds")
	assert.Contains(t, r.Error, "--force-build skips the check")
	assert.NoFileExists(t, f.dockerLog)
}
