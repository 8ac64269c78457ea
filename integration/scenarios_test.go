//go:build integration

package integration

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/plan"
)

// The bundled example's flows, their task definition families and
// deployments (deployment type main).
const (
	helloFlow      = "data-products.examples.flow-1"
	helloFamily    = "data-products-examples-flow-1-main"
	campaignFlow   = "data-products.marketing.campaign-metrics"
	campaignFamily = "data-products-marketing-campaign-metrics-main"
)

var noChanges = regexp.MustCompile(`(?m)^Apply of plan sha256:[0-9a-f]{64}: no changes, [0-9]+ unchanged, 0 failed\.$`)

// TestExampleProject applies the bundled example project (agent era) as a
// user would, then applies it again, then applies one change at a time.
func TestExampleProject(t *testing.T) {
	w := newWorld(t, worldOptions{})
	project := w.exampleProject()
	planPath := w.extract(project, "first", "--git-sha", "4f2c1e9d0b7a", "--skip-invalid")
	p := readPlan(t, planPath)
	require.Equal(t, []string{plan.UnknownAWSAccountID}, p.Unknowns, "the account is left to STS (moto's) at apply time")
	require.Len(t, p.Images, 1)
	require.Len(t, p.Flows, 2)
	im := p.Images[0]
	require.Equal(t, w.registry+"/data-flows-prefect-envs", im.Repository)

	t.Log("first apply: build, push, register, create")
	s, r := w.dryRunThenApplyResult(project, planPath)
	assert.Equal(t, []string{
		"block ecs-task/" + helloFamily + ": created",
		"block ecs-task/" + campaignFamily + ": created",
		"deployment " + helloFlow + "/base-main: created",
		"deployment " + campaignFlow + "/campaign-metrics-backfill-main: created",
		"deployment " + campaignFlow + "/daily-main: created",
		"deployment " + campaignFlow + "/hourly-main: created",
		"flow " + helloFlow + ": created",
		"flow " + campaignFlow + ": created",
		"image " + im.LocalName + ": pushed",
		"task_definition " + helloFamily + ": created",
		"task_definition " + campaignFamily + ": created",
	}, s.changed())

	// docker built, logged in (password on stdin only), tagged and pushed once
	assert.Len(t, w.dockerCommands("build"), 1)
	assert.Equal(t, [][]string{{"login", "--username", registryUser, "--password-stdin", w.pushHost}}, w.dockerCommands("login"))
	assert.Equal(t, [][]string{{"tag", im.LocalName, im.URI}}, w.dockerCommands("tag"))
	assert.Equal(t, [][]string{{"push", im.URI}}, w.dockerCommands("push"))
	w.assertPasswordNowhere(r)

	// the pushed image, read back from the registry's HTTP API
	pushed := w.pulledManifest(im)
	assert.Equal(t, "3.10", pushed.Config.Config.Labels["org.flowplan.python-version"], "the build argument reached the build")
	assert.Equal(t, 2, pushed.Layers)
	assert.True(t, strings.HasPrefix(pushed.Digest, "sha256:"), pushed.Digest)

	// the task definitions, as moto holds them
	for _, family := range []string{helloFamily, campaignFamily} {
		revs := w.revisions(family)
		require.Len(t, revs, 1, family)
		td := revs[0]
		assert.Equal(t, im.URI, sdkaws.ToString(td.ContainerDefinitions[0].Image))
		assert.Equal(t, "arn:aws:iam::"+motoAccount+":role/data-flows-prefect-main-exec-role", sdkaws.ToString(td.ExecutionRoleArn), "the account came from STS")
		for _, sec := range td.ContainerDefinitions[0].Secrets {
			assert.Contains(t, sdkaws.ToString(sec.ValueFrom), ":"+motoAccount+":secret:")
		}
	}
	w.assertPointers(helloFlow, helloFamily, "base-main")
	w.assertPointers(campaignFlow, campaignFamily, "daily-main", "hourly-main", "campaign-metrics-backfill-main")

	t.Log("the same plan again: reads only")
	w.forgetCalls()
	r = w.run(project, "deployer", "apply", planPath)
	require.Equal(t, 0, r.code, "%s", r)
	assert.Regexp(t, noChanges, r.stdout)
	assert.Empty(t, w.dockerCommands(""), "no docker command at all: the image's tag is in the registry")
	assert.Zero(t, w.aws.count("ecs:RegisterTaskDefinition"))
	assert.GreaterOrEqual(t, w.aws.count("ecs:DescribeTaskDefinition"), 2, "both task definitions were read from moto and compared")
	assert.Zero(t, w.prefectWrites())
	dry, dr := w.apply(project, planPath, "--dry-run")
	require.Equal(t, 0, dr.code, "%s", dr)
	assert.Empty(t, dry.changed())

	t.Log("an added secret: one new revision, the block points at it")
	edit(t, project, "src/examples/hello_flow.py",
		`FlowEnvar(envar_name="MY_SECRET_JSON", envar_value="/my/secretsmanager/secret")`,
		`FlowEnvar(envar_name="MY_SECRET_JSON", envar_value="/my/secretsmanager/secret"),
        FlowEnvar(envar_name="API_TOKEN", envar_value="/my/api/token")`)
	planPath = w.extract(project, "secret", "--git-sha", "4f2c1e9d0b7a", "--skip-invalid")
	w.assertOneNewRevision(project, planPath, helloFlow, helloFamily, []string{"containerDefinitions[0].secrets"}, "base-main")

	t.Log("an added secret, once more: nothing")
	w.forgetCalls()
	r = w.run(project, "deployer", "apply", planPath)
	require.Equal(t, 0, r.code, "%s", r)
	assert.Regexp(t, noChanges, r.stdout)
	assert.Zero(t, w.aws.count("ecs:RegisterTaskDefinition"))

	t.Log("more ephemeral storage: one new revision")
	edit(t, project, "src/marketing/campaign_metrics_flow.py", "ephemeral_storage_gb=50,", "ephemeral_storage_gb=60,")
	planPath = w.extract(project, "storage", "--git-sha", "4f2c1e9d0b7a", "--skip-invalid")
	w.assertOneNewRevision(project, planPath, campaignFlow, campaignFamily, []string{"ephemeralStorage"}, "daily-main", "hourly-main", "campaign-metrics-backfill-main")

	// A deployment's cpu and env vars are overrides of one run
	// (infra_overrides), not part of the task definition, as in the
	// original: changing them updates that deployment and registers
	// nothing.
	t.Log("a deployment's cpu: that deployment is updated, no revision")
	edit(t, project, "src/marketing/campaign_metrics_flow.py", "cpu=1024,", "cpu=2048,")
	planPath = w.extract(project, "cpu", "--git-sha", "4f2c1e9d0b7a", "--skip-invalid")
	w.assertOnlyDeploymentUpdated(project, planPath, campaignFlow+"/daily-main")

	t.Log("a deployment's env var: that deployment is updated, no revision")
	edit(t, project, "src/marketing/campaign_metrics_flow.py", `envar_value="INFO"`, `envar_value="DEBUG"`)
	planPath = w.extract(project, "envvar", "--git-sha", "4f2c1e9d0b7a", "--skip-invalid")
	w.assertOnlyDeploymentUpdated(project, planPath, campaignFlow+"/daily-main")

	// The task definition's own cpu and environment are fixed by flowplan;
	// a plan whose task definition changes them (written here with a fresh
	// digest, as a future flowplan would) registers one revision each.
	t.Log("the task definition's cpu: one new revision")
	planPath = w.rewritePlan(planPath, "taskcpu", func(td *plan.TaskDefinition) {
		td.Cpu, td.Memory = "512", "1024"
	})
	w.assertOneNewRevision(project, planPath, helloFlow, helloFamily, []string{"cpu", "memory"}, "base-main")

	t.Log("the task definition's env var: one new revision")
	planPath = w.rewritePlan(planPath, "taskenv", func(td *plan.TaskDefinition) {
		td.ContainerDefinitions[0].Environment[0].Value = "False"
	})
	w.assertOneNewRevision(project, planPath, helloFlow, helloFamily, []string{"containerDefinitions[0].environment"}, "base-main")

	t.Log("and then nothing")
	w.forgetCalls()
	r = w.run(project, "deployer", "apply", planPath)
	require.Equal(t, 0, r.code, "%s", r)
	assert.Regexp(t, noChanges, r.stdout)
	assert.Zero(t, w.aws.count("ecs:RegisterTaskDefinition"))
	assert.Zero(t, w.prefectWrites())
}

// TestWorkerEraProject applies the worker-era sample project: two images,
// one task definition per docker env, deployments on work pools.
func TestWorkerEraProject(t *testing.T) {
	w := newWorld(t, worldOptions{worker: true})
	project := w.workerProject(0)
	planPath := w.extract(project, "first", append([]string{"--git-sha", "4f2c1e9d0b7a"}, workerArgs...)...)
	p := readPlan(t, planPath)
	require.Len(t, p.Images, 2)

	t.Log("first apply")
	s, r := w.dryRunThenApplyResult(project, planPath)
	assert.Zero(t, s.count("failed"))
	assert.Equal(t, 2, s.count("pushed"))
	assert.Len(t, w.dockerCommands("build"), 2)
	assert.Len(t, w.dockerCommands("login"), 1, "one login for the one registry")
	assert.Len(t, w.dockerCommands("push"), 2)
	w.assertPasswordNowhere(r)
	for _, im := range p.Images {
		pushed := w.pulledManifest(im)
		labels := pushed.Config.Config.Labels
		assert.Equal(t, im.BuildArgs["PYTHON_VERSION"], labels["org.flowplan.python-version"], im.LocalName)
		assert.Equal(t, im.BuildArgs["DEPENDENCY_GROUP"], labels["org.flowplan.dependency-group"], im.LocalName)
		assert.Equal(t, im.BuildArgs["PREFECT_VERSION"], labels["org.flowplan.prefect-version"], im.LocalName)
		assert.NotEmpty(t, labels["org.flowplan.prefect-version"], "poetry.lock's prefect version")

		revs := w.revisions(im.TaskDefinition.Family)
		require.Len(t, revs, 1)
		assert.Equal(t, im.URI, sdkaws.ToString(revs[0].ContainerDefinitions[0].Image))
	}
	for _, f := range p.Flows {
		for _, d := range f.Deployments {
			live := w.deployment(f.Name, d.Name)
			assert.Equal(t, *d.Request.WorkPoolName, live["work_pool_name"], d.Name)
			overrides, _ := live["job_variables"].(map[string]any)
			if strings.Contains(*d.Request.WorkPoolName, "aws") {
				// the family's ARN, without a revision: the newest one runs
				assert.Equal(t, "arn:aws:ecs:us-east-1:"+motoAccount+":task-definition/"+f.TaskDefinitionFamily, overrides["task_definition_arn"], d.Name)
			}
		}
	}

	t.Log("the same plan again")
	w.forgetCalls()
	r = w.run(project, "deployer", "apply", planPath)
	require.Equal(t, 0, r.code, "%s", r)
	assert.Regexp(t, noChanges, r.stdout)
	assert.Empty(t, w.dockerCommands(""))
	assert.Zero(t, w.aws.count("ecs:RegisterTaskDefinition"))
	assert.Zero(t, w.prefectWrites())

	t.Log("a new commit: new images, one new revision per docker env")
	w.forgetCalls()
	planPath = w.extract(project, "second", append([]string{"--git-sha", "9b8a7c6d5e4f"}, workerArgs...)...)
	p = readPlan(t, planPath)
	s = w.dryRunThenApply(project, planPath)
	assert.Zero(t, s.count("failed"))
	assert.Equal(t, 2, s.count("pushed"))
	assert.Equal(t, 2, w.aws.count("ecs:RegisterTaskDefinition"))
	for _, im := range p.Images {
		revs := w.revisions(im.TaskDefinition.Family)
		require.Len(t, revs, 2, im.TaskDefinition.Family)
		assert.Equal(t, im.URI, sdkaws.ToString(revs[1].ContainerDefinitions[0].Image))
		assert.Equal(t, []string{"containerDefinitions[0].image"}, s.find(t, "task_definition", im.TaskDefinition.Family).Changes)
	}
	for _, f := range p.Flows {
		for _, d := range f.Deployments {
			live := w.deployment(f.Name, d.Name)
			if v := d.Request.Version; v.Value != nil {
				assert.Equal(t, *v.Value, live["version"], d.Name)
			}
		}
	}
}

// ---- helpers of the scenarios ----

// dryRunThenApplyResult is dryRunThenApply that also returns the apply's
// command result.
func (w *world) dryRunThenApplyResult(project, planPath string, args ...string) (summary, result) {
	w.t.Helper()
	s := w.dryRunThenApply(project, planPath, args...)
	return s, w.lastApply
}

// forgetCalls zeroes the counts of Prefect requests, AWS calls and docker
// commands.
func (w *world) forgetCalls() {
	w.t.Helper()
	w.prefect.ResetRequests()
	w.aws.clear()
	require.NoError(w.t, os.RemoveAll(w.dockerLog))
}

// assertPasswordNowhere checks that the registry password appeared in no
// docker command line, in nothing deployer printed and in no engine's log,
// and that docker stored the login.
func (w *world) assertPasswordNowhere(r result) {
	w.t.Helper()
	for _, args := range w.dockerCommands("") {
		assert.NotContains(w.t, strings.Join(args, " "), w.e.registry.password, "a docker command line")
	}
	assert.NotContains(w.t, r.stdout, w.e.registry.password)
	assert.NotContains(w.t, r.stderr, w.e.registry.password)
	assert.NotContains(w.t, r.stdout+r.stderr, prefectKey)
	for _, log := range []string{w.e.docker.log, w.e.registry.log, w.e.moto.log} {
		raw, err := os.ReadFile(log)
		require.NoError(w.t, err)
		assert.NotContains(w.t, string(raw), w.e.registry.password, log)
	}
	raw, err := os.ReadFile(filepath.Join(w.dockerConfig, "config.json"))
	require.NoError(w.t, err, "docker login stores its credentials in DOCKER_CONFIG")
	var cfg struct {
		Auths map[string]json.RawMessage `json:"auths"`
	}
	require.NoError(w.t, json.Unmarshal(raw, &cfg))
	assert.Contains(w.t, cfg.Auths, w.pushHost)
}

// assertPointers checks an agent-era flow's links: its block names the
// newest revision of its family in moto, and each deployment runs on that
// block with the storage block.
func (w *world) assertPointers(flow, family string, deployments ...string) {
	w.t.Helper()
	block := w.block(family)
	assert.Equal(w.t, w.latestARN(family), dataOf(w.t, block)["task_definition_arn"], "the block of %s", family)
	storage, ok := w.prefect.BlockDocument("github", "data-flows-main")
	require.True(w.t, ok)
	for _, name := range deployments {
		d := w.deployment(flow, name)
		assert.Equal(w.t, block["id"], d["infrastructure_document_id"], "deployment %s", name)
		assert.Equal(w.t, storage["id"], d["storage_document_id"], "deployment %s", name)
	}
}

// assertOneNewRevision applies a plan that changes the task definition of
// one flow in the given fields: exactly one revision is registered, the
// flow's block moves to it, nothing else changes.
func (w *world) assertOneNewRevision(project, planPath, flow, family string, fields []string, deployments ...string) {
	w.t.Helper()
	before := len(w.revisions(family))
	w.forgetCalls()
	s := w.dryRunThenApply(project, planPath)
	assert.Equal(w.t, 1, w.aws.count("ecs:RegisterTaskDefinition"), "exactly one RegisterTaskDefinition")
	assert.Len(w.t, w.revisions(family), before+1)
	assert.Equal(w.t, []string{
		"block ecs-task/" + family + ": updated",
		"task_definition " + family + ": updated",
	}, s.changed())
	assert.Equal(w.t, fields, s.find(w.t, "task_definition", family).Changes)
	assert.Equal(w.t, []string{"task_definition_arn"}, s.find(w.t, "block", "ecs-task/"+family).Changes)
	assert.Equal(w.t, 1, w.prefectWrites(), "one block update")
	assert.Empty(w.t, w.dockerCommands(""))
	w.assertPointers(flow, family, deployments...)
}

// assertOnlyDeploymentUpdated applies a plan that changes one deployment
// only: one Prefect write, no revision, no docker command.
func (w *world) assertOnlyDeploymentUpdated(project, planPath, deployment string) {
	w.t.Helper()
	w.forgetCalls()
	s := w.dryRunThenApply(project, planPath)
	assert.Equal(w.t, []string{"deployment " + deployment + ": updated"}, s.changed())
	assert.Equal(w.t, []string{"infra_overrides"}, s.find(w.t, "deployment", deployment).Changes)
	assert.Zero(w.t, w.aws.count("ecs:RegisterTaskDefinition"))
	assert.Equal(w.t, 1, w.prefectWrites())
	assert.Empty(w.t, w.dockerCommands(""))
}

// rewritePlan writes a copy of the plan with the hello flow's task
// definition changed by change, under a fresh digest.
func (w *world) rewritePlan(planPath, name string, change func(*plan.TaskDefinition)) string {
	w.t.Helper()
	p := readPlan(w.t, planPath)
	found := false
	for i := range p.Flows {
		if p.Flows[i].Name == helloFlow {
			change(p.Flows[i].TaskDefinition)
			found = true
		}
	}
	require.True(w.t, found)
	var err error
	p.Digest, err = p.ComputeDigest()
	require.NoError(w.t, err)
	raw, err := p.MarshalCanonical()
	require.NoError(w.t, err)
	out := filepath.Join(w.dir, name+".json")
	require.NoError(w.t, os.WriteFile(out, raw, 0o644))
	return out
}
