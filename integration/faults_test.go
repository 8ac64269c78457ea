//go:build integration

package integration

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/plan"
)

// TestAWSThrottling puts a proxy that answers ThrottlingException in front
// of moto: reads throttled twice go through on the SDK's retries; the
// registration of one flow's task definition, throttled on every attempt,
// fails that flow only, with the flow and the error named; once AWS
// answers again, a rerun converges.
func TestAWSThrottling(t *testing.T) {
	w := newWorld(t, worldOptions{})
	project := w.exampleProject()
	planPath := w.extract(project, "plan", "--git-sha", "4f2c1e9d0b7a", "--skip-invalid")

	reads := w.aws.throttle("ecs:ListTaskDefinitions", "", 2)
	register := w.aws.throttle("ecs:RegisterTaskDefinition", `"family":"`+helloFamily+`"`, -1)
	r := w.run(project, "deployer", "apply", planPath)
	require.Equal(t, 1, r.code, "%s", r)

	assert.Equal(t, 3, w.aws.hits(register), "the SDK's three attempts, all throttled")
	assert.Equal(t, 2, w.aws.hits(reads), "two reads were throttled, and retried (the other flow went through)")
	// progress on stderr names the flow and says why
	assert.Regexp(t, `(?m)^flow `+regexp.QuoteMeta(helloFlow)+`: failed after .*: task_definition `+helloFamily+`: registering task definition `+helloFamily+`: .*ThrottlingException: Rate exceeded`, r.stderr)
	assert.Regexp(t, `(?m)^flow `+regexp.QuoteMeta(campaignFlow)+`: done in .*: task definition created, block created, flow created, 3 deployments created$`, r.stderr)
	// the summary on stdout
	assert.Regexp(t, `(?m)^task_definition +`+helloFamily+` +failed: registering task definition `+helloFamily+`: .*ThrottlingException`, r.stdout)
	assert.Regexp(t, `(?m)^deployment +`+regexp.QuoteMeta(helloFlow)+`/base-main +failed: not applied: task definition `+helloFamily+` failed$`, r.stdout)
	assert.Regexp(t, `(?m)^Apply of plan sha256:[0-9a-f]{64}: 6 created, 0 updated, 0 unchanged, 1 images pushed, 4 failed\.$`, r.stdout)

	assert.Empty(t, w.revisions(helloFamily))
	_, ok := w.prefect.BlockDocument("ecs-task", helloFamily)
	assert.False(t, ok, "no block points at a task definition that was not registered")
	w.assertPointers(campaignFlow, campaignFamily, "daily-main", "hourly-main", "campaign-metrics-backfill-main")

	t.Log("AWS answers again: the rerun makes what is missing")
	w.forgetCalls()
	s := w.dryRunThenApply(project, planPath)
	assert.Equal(t, []string{
		"block ecs-task/" + helloFamily + ": created",
		"deployment " + helloFlow + "/base-main: created",
		"flow " + helloFlow + ": created",
		"task_definition " + helloFamily + ": created",
	}, s.changed())
	assert.Equal(t, 1, w.aws.count("ecs:RegisterTaskDefinition"))
	w.assertPointers(helloFlow, helloFamily, "base-main")

	w.forgetCalls()
	r = w.run(project, "deployer", "apply", planPath)
	require.Equal(t, 0, r.code, "%s", r)
	assert.Regexp(t, noChanges, r.stdout)
	assert.Zero(t, w.prefectWrites())
}

// TestRegistryDownDuringPush takes the registry down (a proxy in front of
// it closes its connections and port) when the second image's manifest
// is pushed: that image and the flows that run in it fail, with the flows
// named; the first image's flows are applied; once the registry is back,
// a rerun converges.
func TestRegistryDownDuringPush(t *testing.T) {
	proxy := startRegistryProxy(t, shared.registry.host)
	w := newWorld(t, worldOptions{worker: true, pushHost: proxy.host})
	project := w.workerProject(0)
	planPath := w.extract(project, "plan", append([]string{"--git-sha", "4f2c1e9d0b7a"}, workerArgs...)...)
	p := readPlan(t, planPath)
	require.Len(t, p.Images, 2)
	first, second := p.Images[0], p.Images[1]
	firstFlows, secondFlows := flowsIn(p, first.LocalName), flowsIn(p, second.LocalName)
	require.NotEmpty(t, firstFlows)
	require.NotEmpty(t, secondFlows)

	// One image at a time, in plan order: the first is pushed whole.
	proxy.downOnPush(second.Tag)
	r := w.run(project, "deployer", "apply", planPath, "--concurrency", "1")
	require.Equal(t, 1, r.code, "%s", r)
	require.True(t, proxy.isDown(), "the push of %s reached the proxy", second.URI)

	assert.Regexp(t, `(?m)^image +`+second.LocalName+` +failed: pushing image `+regexp.QuoteMeta(second.URI)+`: `, r.stdout)
	assert.Regexp(t, `(?m)^image +`+first.LocalName+` +pushed: `, r.stdout)
	assert.Regexp(t, `(?m)^task_definition +`+second.TaskDefinition.Family+` +failed: not applied: image `+second.LocalName+` failed`, r.stdout)
	for _, f := range secondFlows {
		assert.Regexp(t, `(?m)^flow `+regexp.QuoteMeta(f.Name)+`: failed after .*: .*not applied: image `+second.LocalName+` failed: pushing image `, r.stderr)
		_, ok := w.prefect.Flow(f.Name)
		assert.False(t, ok, "flow %s was not created", f.Name)
	}
	for _, f := range firstFlows {
		assert.Regexp(t, `(?m)^flow `+regexp.QuoteMeta(f.Name)+`: done in `, r.stderr)
		for _, d := range f.Deployments {
			w.deployment(f.Name, d.Name)
		}
	}
	w.pulledManifest(first)
	resp, _ := w.registryGet("/v2/"+strings.SplitN(second.Repository, "/", 2)[1]+"/manifests/"+second.Tag, "application/vnd.docker.distribution.manifest.v2+json")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "the second image's manifest never arrived")
	assert.Len(t, w.revisions(first.TaskDefinition.Family), 1)
	assert.Empty(t, w.revisions(second.TaskDefinition.Family))

	t.Log("the registry is back: the rerun pushes what is missing")
	require.NoError(t, proxy.up())
	w.forgetCalls()
	s := w.dryRunThenApply(project, planPath, "--concurrency", "1")
	assert.Equal(t, "unchanged", s.find(t, "image", first.LocalName).Action, "the first image is already in the registry")
	assert.Equal(t, "pushed", s.find(t, "image", second.LocalName).Action)
	assert.Equal(t, [][]string{{"push", second.URI}}, w.dockerCommands("push"))
	assert.Zero(t, s.count("failed"))
	for _, f := range secondFlows {
		for _, d := range f.Deployments {
			w.deployment(f.Name, d.Name)
		}
	}
	w.pulledManifest(second)

	w.forgetCalls()
	r = w.run(project, "deployer", "apply", planPath)
	require.Equal(t, 0, r.code, "%s", r)
	assert.Regexp(t, noChanges, r.stdout)
}

// TestDockerDaemonStoppedMidBuild stops dockerd while the slow image is
// building and the other one is already pushed: the slow image and its
// flows fail, the other image's flows are applied; with the daemon back, a
// rerun converges.
func TestDockerDaemonStoppedMidBuild(t *testing.T) {
	t.Cleanup(func() {
		// whatever happened, the next test has a running engine
		if gone, _ := shared.docker.exited(); gone {
			if err := shared.docker.run(context.Background()); err != nil {
				t.Errorf("restarting dockerd: %v", err)
			}
		}
	})
	w := newWorld(t, worldOptions{worker: true})
	project := w.workerProject(300) // the ML image's build step takes 5 minutes
	planPath := w.extract(project, "plan", append([]string{"--git-sha", "4f2c1e9d0b7a"}, workerArgs...)...)
	p := readPlan(t, planPath)
	slow, quick := imageNamed(t, p, "ml-training"), imageNamed(t, p, "base")

	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd := w.command(ctx, project, "deployer", "apply", planPath, "--output", "json")
	var stdout, stderr bytes.Buffer
	pipe, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	stopped := false
	sc := bufio.NewScanner(pipe)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for sc.Scan() {
		line := sc.Text()
		stdout.WriteString(line + "\n")
		if !stopped && strings.Contains(line, `"event":"image_end"`) && strings.Contains(line, `"image":"`+quick.LocalName+`"`) {
			require.Contains(t, line, `"message":"pushed"`, "the quick image was pushed before the daemon stops")
			shared.docker.stop(30 * time.Second)
			stopped = true
		}
	}
	waitErr := cmd.Wait()
	r := result{args: []string{"deployer", "apply"}, stdout: stdout.String(), stderr: stderr.String()}
	require.True(t, stopped, "the quick image never ended:\n%s", r)
	require.Error(t, waitErr, "%s", r)
	s := parseEvents(t, r)

	failed := s.find(t, "image", slow.LocalName)
	assert.Equal(t, "failed", failed.Action)
	assert.Contains(t, failed.Error, "building image "+slow.LocalName+": ")
	assert.Equal(t, "pushed", s.find(t, "image", quick.LocalName).Action)
	for _, f := range flowsIn(p, slow.LocalName) {
		for _, res := range s.Resources {
			if res.Flow == f.Name {
				assert.Equal(t, "failed", res.Action, "%s %s", res.Kind, res.Name)
				assert.Contains(t, res.Error, "not applied: image "+slow.LocalName+" failed: building image "+slow.LocalName)
			}
		}
		assert.Regexp(t, `"event":"flow_end","time":"[^"]+","flow":"`+regexp.QuoteMeta(f.Name)+`","message":"[^"]*","error":"[^"]*not applied: image `+slow.LocalName+` failed: building image `, r.stdout)
		_, ok := w.prefect.Flow(f.Name)
		assert.False(t, ok, "flow %s was not created", f.Name)
	}
	for _, f := range flowsIn(p, quick.LocalName) {
		for _, d := range f.Deployments {
			w.deployment(f.Name, d.Name)
		}
	}

	t.Log("the daemon is back: the rerun builds what is missing")
	require.NoError(t, shared.docker.run(t.Context()))
	setBuildSeconds(t, project, 0)
	w.forgetCalls()
	s = w.dryRunThenApply(project, planPath)
	assert.Equal(t, "unchanged", s.find(t, "image", quick.LocalName).Action)
	assert.Equal(t, "pushed", s.find(t, "image", slow.LocalName).Action)
	assert.Zero(t, s.count("failed"))
	for _, f := range flowsIn(p, slow.LocalName) {
		for _, d := range f.Deployments {
			w.deployment(f.Name, d.Name)
		}
	}
	w.pulledManifest(slow)

	w.forgetCalls()
	r = w.run(project, "deployer", "apply", planPath)
	require.Equal(t, 0, r.code, "%s", r)
	assert.Regexp(t, noChanges, r.stdout)
}

// TestWrongRegistryPassword: the registry refuses a wrong password, and
// deployer says so for the image, without printing the password.
func TestWrongRegistryPassword(t *testing.T) {
	w := newWorld(t, worldOptions{})
	resp, _ := w.registryGet("/v2/", "")
	require.Equal(t, http.StatusOK, resp.StatusCode)

	project := w.exampleProject()
	planPath := w.extract(project, "plan", "--git-sha", "4f2c1e9d0b7a", "--skip-invalid")
	cmd := w.command(t.Context(), project, "deployer", "apply", planPath, "--only", "images")
	cmd.Env = append(cmd.Env, "FLOWPLAN_REGISTRY_PASSWORD=not-the-password")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.Error(t, cmd.Run())
	assert.Regexp(t, `(?m)^image +data-products-base-py-3.10 +failed: .*registry `+regexp.QuoteMeta(w.pushHost)+` refused the credentials for repository:[a-z0-9/-]+:pull: 401 Unauthorized$`, stdout.String())
	assert.NotContains(t, stdout.String()+stderr.String(), "not-the-password")
	assert.Empty(t, w.dockerCommands(""))
}

// TestDefaultECRRegistry plans without --registry, so the images go to the
// account's ECR, and asks moto's ECR whether each is pushed.
func TestDefaultECRRegistry(t *testing.T) {
	w := newWorld(t, worldOptions{})
	project := w.exampleProject()
	planPath := w.dir + "/ecr.json"
	r := w.run(project, "flowspec-extract", "--deployment-type", "main", "--git-sha", "4f2c1e9d0b7a", "--skip-invalid", "-o", planPath)
	require.Equal(t, 0, r.code, "%s", r)
	p := readPlan(t, planPath)
	im := p.Images[0]
	require.True(t, strings.HasPrefix(im.Repository, plan.PlaceholderAWSAccountID+".dkr.ecr.us-east-1.amazonaws.com/"), im.Repository)

	s, r := w.apply(project, planPath, "--only", "images", "--dry-run")
	require.Equal(t, 0, r.code, "%s", r)
	assert.Equal(t, "pushed", s.find(t, "image", im.LocalName).Action, "moto's ECR has no such repository yet")
	assert.Equal(t, 1, w.aws.count("ecr:DescribeImages"))

	// the image, pushed to moto's ECR by its API
	name := "data-flows-prefect-envs"
	_, err := w.ecr.CreateRepository(t.Context(), &ecr.CreateRepositoryInput{RepositoryName: sdkaws.String(name)})
	require.NoError(t, err)
	_, err = w.ecr.PutImage(t.Context(), &ecr.PutImageInput{
		RepositoryName: sdkaws.String(name), ImageTag: sdkaws.String(im.Tag),
		ImageManifest: sdkaws.String(`{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":2,"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[]}`),
	})
	require.NoError(t, err)
	s, r = w.apply(project, planPath, "--only", "images", "--dry-run")
	require.Equal(t, 0, r.code, "%s", r)
	got := s.find(t, "image", im.LocalName)
	assert.Equal(t, "unchanged", got.Action)
	assert.Equal(t, motoAccount+".dkr.ecr.us-east-1.amazonaws.com/"+name+":"+im.Tag+" is already in ECR (--force-build rebuilds it)", got.Detail)
}

func flowsIn(p *plan.Plan, image string) []plan.Flow {
	var out []plan.Flow
	for _, f := range p.Flows {
		if f.Image == image {
			out = append(out, f)
		}
	}
	return out
}

func imageNamed(t *testing.T, p *plan.Plan, contains string) plan.Image {
	t.Helper()
	i := slices.IndexFunc(p.Images, func(im plan.Image) bool { return strings.Contains(im.LocalName, contains) })
	require.GreaterOrEqual(t, i, 0, "no image named *%s*", contains)
	return p.Images[i]
}
