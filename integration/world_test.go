//go:build integration

package integration

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/executor/prefect/prefectfake"
	"github.com/flowplan/flowplan/plan"
)

// moto's default account, which STS answers and every ARN holds.
const motoAccount = "123456789012"

// prefectKey is the API key the fake Prefect server asks for.
const prefectKey = "pnu_integration-key"

// world is what one scenario applies to: its own Prefect server, its own
// repositories in the registry (under its prefix), a freshly reset moto
// behind a proxy that counts and throttles, and its own files. The engines
// themselves are shared.
type world struct {
	t        *testing.T
	e        *engines
	dir      string
	prefect  *prefectfake.Server
	aws      *awsProxy
	registry string // HOST/PREFIX the plans push to
	// pushHost is the registry host docker pushes to (the registry, or a
	// proxy in front of it).
	pushHost     string
	dockerLog    string
	dockerConfig string
	ecs          *ecs.Client // reads moto directly, uncounted
	ecr          *ecr.Client
	// lastApply is the last apply dryRunThenApply ran.
	lastApply result
}

type worldOptions struct {
	// worker: a Prefect 3 server with the worker-era project's work pools;
	// else a Prefect 2.10 server for the agent era.
	worker bool
	// pushHost replaces the registry's host (a proxy in front of it).
	pushHost string
}

func newWorld(t *testing.T, opts worldOptions) *world {
	t.Helper()
	if shared == nil {
		t.Fatal("the engines are not running (TestMain did not start them)")
	}
	e := shared
	ctx := t.Context()
	require.NoError(t, e.moto.reset(ctx))

	prefix := strings.ToLower(strings.NewReplacer("/", "-", "_", "-").Replace(t.Name()))
	w := &world{t: t, e: e, dir: t.TempDir(), pushHost: opts.pushHost}
	if w.pushHost == "" {
		w.pushHost = e.registry.host
	}
	w.registry = w.pushHost + "/" + prefix
	w.dockerLog = filepath.Join(w.dir, "docker-commands.log")
	w.dockerConfig = filepath.Join(w.dir, "docker-config")

	popts := []prefectfake.Option{
		prefectfake.WithAPIKey(prefectKey),
		prefectfake.WithBlockDocument("github", "data-flows-main", map[string]any{"repository": "https://github.com/example/data-flows", "reference": "main-v2"}),
	}
	if opts.worker {
		// The worker-era project asks for enforce_parameter_schema, which
		// Prefect 2 has from 2.14 on and the fake's Prefect 2 schemas (of
		// 2.10) do not: its plans target Prefect 3.
		popts = append(popts, prefectfake.WithVersion(prefectfake.Prefect3))
		for _, pool := range []string{"analytics-aws-ecs-main", "mozilla-aws-ecs-fargate-main", "ml-gpu-main"} {
			popts = append(popts, prefectfake.WithWorkPool(pool, "ecs"))
		}
	}
	w.prefect = prefectfake.Start(t, popts...)
	w.aws = startAWSProxy(t, e.moto.url)

	cfg := sdkaws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDINTEGRATION", "integration-secret", ""),
		BaseEndpoint: sdkaws.String(e.moto.url),
	}
	w.ecs, w.ecr = ecs.NewFromConfig(cfg), ecr.NewFromConfig(cfg)
	return w
}

// env is the whole environment deployer and flowspec-extract run with:
// nothing is inherited from the test's own, so no AWS profile or docker
// configuration of the machine leaks in.
func (w *world) env() []string {
	return append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + w.dir,
		"PREFECT_API_URL=" + w.prefect.URL,
		"PREFECT_API_KEY=" + prefectKey,
		"AWS_ENDPOINT_URL=" + w.aws.url,
		"AWS_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=AKIDINTEGRATION",
		"AWS_SECRET_ACCESS_KEY=integration-secret",
		"AWS_CONFIG_FILE=" + filepath.Join(w.dir, "no-aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(w.dir, "no-aws-credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
		"DOCKER=" + filepath.Join(w.e.bin, "docker"),
		"DOCKER_CONFIG=" + w.dockerConfig,
		"FLOWPLAN_IT_DOCKER_LOG=" + w.dockerLog,
		"FLOWPLAN_REGISTRY_USERNAME=" + w.e.registry.user,
		"FLOWPLAN_REGISTRY_PASSWORD=" + w.e.registry.password,
	}, w.e.docker.env()...)
}

// result is one finished command.
type result struct {
	args           []string
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("%s exited %d\n--- stdout\n%s--- stderr\n%s", strings.Join(r.args, " "), r.code, r.stdout, r.stderr)
}

// command prepares a program of the bin folder to run in dir.
func (w *world) command(ctx context.Context, dir, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(w.e.bin, name), args...)
	cmd.Dir = dir
	cmd.Env = w.env()
	cmd.WaitDelay = 10 * time.Second
	return cmd
}

// run runs a program of the bin folder in dir and waits for it.
func (w *world) run(dir, name string, args ...string) result {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(w.t.Context(), 3*time.Minute)
	defer cancel()
	cmd := w.command(ctx, dir, name, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{args: append([]string{name}, args...), stdout: stdout.String(), stderr: stderr.String()}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr):
		r.code = exitErr.ExitCode()
	default:
		w.t.Fatalf("running %s: %v", name, err)
	}
	return r
}

// extract writes the plan of project with flowspec-extract and returns its
// path; the registry input is the world's.
func (w *world) extract(project, name string, args ...string) string {
	w.t.Helper()
	out := filepath.Join(w.dir, name+".json")
	all := append([]string{"--deployment-type", "main", "--registry", w.registry, "-o", out}, args...)
	r := w.run(project, "flowspec-extract", all...)
	require.Equal(w.t, 0, r.code, "%s", r)
	return out
}

// apply runs deployer apply with --output json and returns the summary of
// its apply_end event.
func (w *world) apply(project, planPath string, args ...string) (summary, result) {
	w.t.Helper()
	r := w.run(project, "deployer", append([]string{"apply", planPath, "--output", "json"}, args...)...)
	return parseEvents(w.t, r), r
}

// summary is the apply_end event's summary, as a CI job reads it.
type summary struct {
	Digest    string     `json:"digest"`
	DryRun    bool       `json:"dry_run"`
	Resources []resource `json:"resources"`
}

type resource struct {
	Kind    string   `json:"kind"`
	Name    string   `json:"name"`
	Flow    string   `json:"flow"`
	Action  string   `json:"action"`
	Changes []string `json:"changes"`
	Detail  string   `json:"detail"`
	Error   string   `json:"error"`
}

// event is one line of deployer apply --output json.
type event struct {
	Event    string    `json:"event"`
	Image    string    `json:"image"`
	Flow     string    `json:"flow"`
	Error    string    `json:"error"`
	Message  string    `json:"message"`
	Resource *resource `json:"resource"`
	Summary  *summary  `json:"summary"`
}

func parseEvents(t *testing.T, r result) summary {
	t.Helper()
	var s *summary
	sc := bufio.NewScanner(strings.NewReader(r.stdout))
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for sc.Scan() {
		var e event
		require.NoError(t, json.Unmarshal(sc.Bytes(), &e), "a line of --output json: %s\n%s", sc.Text(), r)
		if e.Event == "apply_end" {
			require.NotNil(t, e.Summary, "apply_end without a summary:\n%s", r)
			s = e.Summary
		}
	}
	require.NotNil(t, s, "no apply_end event:\n%s", r)
	return *s
}

// find returns the resource of that kind and name.
func (s summary) find(t *testing.T, kind, name string) resource {
	t.Helper()
	for _, r := range s.Resources {
		if r.Kind == kind && r.Name == name {
			return r
		}
	}
	t.Fatalf("no %s %s in the summary: %+v", kind, name, s.Resources)
	return resource{}
}

// outcomes lists every resource as "kind name: action (changes)", which a
// dry run and the apply after it must agree on.
func (s summary) outcomes() []string {
	var out []string
	for _, r := range s.Resources {
		line := r.Kind + " " + r.Name + ": " + r.Action
		if len(r.Changes) > 0 {
			line += " (" + strings.Join(r.Changes, ", ") + ")"
		}
		out = append(out, line)
	}
	slices.Sort(out)
	return out
}

// changed lists the resources created, updated or pushed.
func (s summary) changed() []string {
	var out []string
	for _, r := range s.Resources {
		switch r.Action {
		case "created", "updated", "pushed", "built":
			out = append(out, r.Kind+" "+r.Name+": "+r.Action)
		}
	}
	slices.Sort(out)
	return out
}

func (s summary) count(action string) int {
	n := 0
	for _, r := range s.Resources {
		if r.Action == action {
			n++
		}
	}
	return n
}

// dryRunThenApply runs a dry run and the apply after it against the same
// live state, checks that the dry run listed exactly what the apply did,
// and returns the apply's summary. It fails the test when the apply fails.
func (w *world) dryRunThenApply(project, planPath string, args ...string) summary {
	w.t.Helper()
	writes := w.prefectWrites()
	registrations := w.aws.count("ecs:RegisterTaskDefinition")
	pushes := w.dockerCommands("push")
	dry, dr := w.apply(project, planPath, append([]string{"--dry-run"}, args...)...)
	require.Equal(w.t, 0, dr.code, "%s", dr)
	require.True(w.t, dry.DryRun)
	require.Equal(w.t, writes, w.prefectWrites(), "the dry run wrote to Prefect")
	require.Equal(w.t, registrations, w.aws.count("ecs:RegisterTaskDefinition"), "the dry run registered a task definition")
	require.Equal(w.t, pushes, w.dockerCommands("push"), "the dry run pushed an image")

	applied, ar := w.apply(project, planPath, args...)
	w.lastApply = ar
	require.Equal(w.t, 0, ar.code, "%s", ar)
	require.Equal(w.t, dry.outcomes(), applied.outcomes(), "the dry run listed other changes than the apply made")
	return applied
}

// prefectWrites counts the requests that changed Prefect so far.
func (w *world) prefectWrites() int {
	_, writes := w.prefect.Counts()
	return writes
}

// dockerCommands returns the logged docker command lines whose first
// argument is sub ("" for all), each split into its arguments.
func (w *world) dockerCommands(sub string) [][]string {
	w.t.Helper()
	raw, err := os.ReadFile(w.dockerLog)
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(w.t, err)
	var out [][]string
	for _, line := range strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n") {
		if line == "" {
			continue
		}
		args := strings.Split(line, "\t")
		if sub == "" || args[0] == sub {
			out = append(out, args)
		}
	}
	return out
}

// ---- projects ----

// exampleProject copies the bundled example project and swaps its
// Dockerfile for one that builds offline.
func (w *world) exampleProject() string {
	w.t.Helper()
	dst := filepath.Join(w.dir, "example-project")
	copyTree(w.t, filepath.Join(w.e.repo, "testdata", "example-project"), dst)
	copyFile(w.t, filepath.Join(w.e.repo, "integration", "testdata", "dockerfiles", "agent.Dockerfile"), filepath.Join(dst, ".docker", "base", "Dockerfile"))
	return dst
}

// workerProject copies the worker-era sample project, swaps its two
// Dockerfiles for ones that build offline, and puts the sleeper and its
// build-seconds file in the build context.
func (w *world) workerProject(buildSeconds int) string {
	w.t.Helper()
	dst := filepath.Join(w.dir, "worker-era")
	copyTree(w.t, filepath.Join(w.e.repo, "testdata", "projects", "worker-era"), dst)
	dockerfiles := filepath.Join(w.e.repo, "integration", "testdata", "dockerfiles")
	copyFile(w.t, filepath.Join(dockerfiles, "worker-base.Dockerfile"), filepath.Join(dst, "docker", "base", "Dockerfile"))
	copyFile(w.t, filepath.Join(dockerfiles, "worker-ml.Dockerfile"), filepath.Join(dst, "docker", "ml", "Dockerfile"))
	copyFile(w.t, filepath.Join(w.e.bin, "sleeper"), filepath.Join(dst, "sleeper"))
	setBuildSeconds(w.t, dst, buildSeconds)
	return dst
}

func setBuildSeconds(t *testing.T, project string, seconds int) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(project, "build-seconds"), []byte(strconv.Itoa(seconds)+"\n"), 0o644))
}

// workerArgs are the plan inputs a worker-era project needs.
var workerArgs = []string{"--prefect-target", "prefect3", "--git-repository", "https://github.com/example/data-flows", "--aws-account-id", motoAccount}

// edit replaces old by new in a file of the project, exactly once.
func edit(t *testing.T, project, file, old, new string) {
	t.Helper()
	path := filepath.Join(project, filepath.FromSlash(file))
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, 1, strings.Count(string(raw), old), "%s holds %q once", file, old)
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(raw), old, new, 1)), 0o644))
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		return copyFileErr(path, target)
	})
	require.NoError(t, err)
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(dst), 0o755))
	require.NoError(t, copyFileErr(src, dst))
}

func copyFileErr(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, info.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// readPlan parses a plan file.
func readPlan(t *testing.T, path string) *plan.Plan {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	p, err := plan.Parse(raw)
	require.NoError(t, err)
	return p
}

// ---- the registry's HTTP API ----

// registryGet fetches a path of the registry's API with its credentials
// (from the registry itself, not through any proxy).
func (w *world) registryGet(path, accept string) (*http.Response, []byte) {
	w.t.Helper()
	req, err := http.NewRequestWithContext(w.t.Context(), http.MethodGet, "http://"+w.e.registry.host+path, nil)
	require.NoError(w.t, err)
	req.SetBasicAuth(w.e.registry.user, w.e.registry.password)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(w.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(w.t, err)
	return resp, body
}

// pushedImage is an image as the registry holds it.
type pushedImage struct {
	Digest string // of the manifest
	Config struct {
		Config struct {
			Labels map[string]string `json:"Labels"`
		} `json:"config"`
	}
	Layers int
}

// pulledManifest reads repository:tag back from the registry: the manifest,
// its config blob, and checks every layer blob is there.
func (w *world) pulledManifest(im plan.Image) pushedImage {
	w.t.Helper()
	_, name, ok := strings.Cut(im.Repository, "/")
	require.True(w.t, ok, im.Repository)
	resp, body := w.registryGet("/v2/"+name+"/manifests/"+im.Tag, "application/vnd.docker.distribution.manifest.v2+json")
	require.Equal(w.t, http.StatusOK, resp.StatusCode, "manifest of %s: %s", im.URI, body)
	var m struct {
		SchemaVersion int `json:"schemaVersion"`
		Config        struct {
			Digest string `json:"digest"`
		} `json:"config"`
		Layers []struct {
			Digest string `json:"digest"`
		} `json:"layers"`
	}
	require.NoError(w.t, json.Unmarshal(body, &m))
	require.Equal(w.t, 2, m.SchemaVersion)
	var out pushedImage
	out.Digest = resp.Header.Get("Docker-Content-Digest")
	resp, cfg := w.registryGet("/v2/"+name+"/blobs/"+m.Config.Digest, "")
	require.Equal(w.t, http.StatusOK, resp.StatusCode, "config blob of %s", im.URI)
	require.NoError(w.t, json.Unmarshal(cfg, &out.Config))
	for _, l := range m.Layers {
		resp, _ := w.registryGet("/v2/"+name+"/blobs/"+l.Digest, "")
		require.Equal(w.t, http.StatusOK, resp.StatusCode, "layer %s of %s", l.Digest, im.URI)
	}
	out.Layers = len(m.Layers)
	return out
}

// ---- moto ----

// revisions lists the family's ACTIVE revisions in moto, oldest first.
func (w *world) revisions(family string) []*ecstypes.TaskDefinition {
	w.t.Helper()
	out, err := w.ecs.ListTaskDefinitions(w.t.Context(), &ecs.ListTaskDefinitionsInput{FamilyPrefix: sdkaws.String(family)})
	require.NoError(w.t, err)
	var tds []*ecstypes.TaskDefinition
	for _, arn := range out.TaskDefinitionArns {
		d, err := w.ecs.DescribeTaskDefinition(w.t.Context(), &ecs.DescribeTaskDefinitionInput{TaskDefinition: sdkaws.String(arn)})
		require.NoError(w.t, err)
		tds = append(tds, d.TaskDefinition)
	}
	slices.SortFunc(tds, func(a, b *ecstypes.TaskDefinition) int { return int(a.Revision - b.Revision) })
	return tds
}

// latestARN is the ARN of the family's newest revision in moto.
func (w *world) latestARN(family string) string {
	w.t.Helper()
	revs := w.revisions(family)
	require.NotEmpty(w.t, revs, "family %s has no revision in moto", family)
	return sdkaws.ToString(revs[len(revs)-1].TaskDefinitionArn)
}

// ---- Prefect ----

// block returns the ECS task block of a family.
func (w *world) block(family string) map[string]any {
	w.t.Helper()
	b, ok := w.prefect.BlockDocument("ecs-task", family)
	require.True(w.t, ok, "no ecs-task block %s", family)
	return b
}

func (w *world) deployment(flow, name string) map[string]any {
	w.t.Helper()
	d, ok := w.prefect.Deployment(flow, name)
	require.True(w.t, ok, "no deployment %s/%s", flow, name)
	return d
}

// dataOf returns the data of a block document.
func dataOf(t *testing.T, doc map[string]any) map[string]any {
	t.Helper()
	data, ok := doc["data"].(map[string]any)
	require.True(t, ok, "block document without data: %v", doc)
	return data
}
