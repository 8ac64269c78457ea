package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/flowplan/flowplan/executor"
	"github.com/flowplan/flowplan/executor/aws"
	"github.com/flowplan/flowplan/executor/breaker"
	"github.com/flowplan/flowplan/executor/docker"
	"github.com/flowplan/flowplan/executor/prefect"
	"github.com/flowplan/flowplan/executor/registry"
	"github.com/flowplan/flowplan/plan"
)

const applyUsage = `Usage: deployer apply PLAN [flags]

Applies the plan (a file written by flowspec-extract, or - for stdin):
builds, tags and pushes the images, then per flow, flows in parallel:
registers the task definition when a compared field differs from the latest
revision, saves the ECS task block when its data differ, creates the flow
when missing, and creates or updates each deployment only in the fields that
differ. Every resource is read first; applying the same plan again writes
nothing and says "no changes".

Every image's Dockerfile and build context must exist under --project
(default: the current folder, which should be the sub-project root). An
image whose tag ends in the commit and that its registry already holds is
not built or pushed again, unless --force-build.

Images go to the registry the plan names (flowspec-extract --registry,
default the account's ECR). docker logs in to ECR with a token from
GetAuthorizationToken, and to another registry as
FLOWPLAN_REGISTRY_USERNAME with the password FLOWPLAN_REGISTRY_PASSWORD
(without them, docker pushes with the credentials it has stored); the
password goes to docker login on standard input, never on its command line.

The plan is refused when its digest does not match its content, or differs
from --expect-digest (sha256:<hex> or the bare hex). PREFECT_API_URL is
checked once, without retries, before any work: an address that refuses
connections or does not resolve fails at once (later calls are retried on
429, 502, 503 and connection errors). The AWS account id is read from STS
when the plan left it open; the Prefect server's major version must match
the plan's target, and a Prefect 2 server must be 2.14 or later when a
deployment sets enforce_parameter_schema.

Progress goes to stderr (text) or, with --output json, one JSON event per
line to stdout; the text summary goes to stdout. Docker's output goes to
stderr, prefixed with the image.

Environment: PREFECT_API_URL, PREFECT_API_KEY, the AWS SDK's default chain,
DOCKER, FLOWPLAN_REGISTRY_USERNAME, FLOWPLAN_REGISTRY_PASSWORD.

With --verify, deployer verify runs first (see deployer help verify); on any
finding its report goes to stderr and nothing is applied.

Exit codes: 0 every resource applied (or nothing to do); 1 a resource failed
or the plan was refused; 2 bad usage.
`

// applyFlags are the flags apply, deploy-envs and deploy-flows share.
type applyFlags struct {
	dryRun       bool
	buildOnly    bool
	only         string
	concurrency  int
	expectDigest string
	output       string
	project      string
	forceBuild   bool
	verify       bool
}

func (f *applyFlags) register(fs *flag.FlagSet, withSelection bool) {
	fs.BoolVar(&f.dryRun, "dry-run", false, "read the live state and print what would change; write nothing")
	if withSelection {
		fs.BoolVar(&f.buildOnly, "build-only", false, "build the images and stop")
		fs.StringVar(&f.only, "only", "", "apply only images or flows")
		fs.BoolVar(&f.verify, "verify", false, "run deployer verify first and stop, changing nothing, on any finding")
		fs.StringVar(&f.expectDigest, "expect-digest", "", "refuse the plan unless its digest is this sha256:... (the bare hex works too)")
		f.registerForceBuild(fs)
	}
	fs.IntVar(&f.concurrency, "concurrency", executor.DefaultConcurrency, "flows (and images) applied at once")
	fs.StringVar(&f.output, "output", "text", "progress as text (stderr) or json (one event per line on stdout)")
	fs.StringVar(&f.project, "project", ".", "the sub-project root the images' Dockerfiles and contexts are relative to")
}

// registerForceBuild adds --force-build, for the commands that push images.
func (f *applyFlags) registerForceBuild(fs *flag.FlagSet) {
	fs.BoolVar(&f.forceBuild, "force-build", false, "build and push every image even when its registry already holds its tag")
}

func (f *applyFlags) check() error {
	switch f.output {
	case "text", "json":
	default:
		return fmt.Errorf("--output %q: must be text or json", f.output)
	}
	switch f.only {
	case "", executor.OnlyImages, executor.OnlyFlows:
	default:
		return fmt.Errorf("--only %q: must be images or flows", f.only)
	}
	if f.buildOnly && f.only == executor.OnlyFlows {
		return errors.New("--build-only builds images; it cannot be combined with --only flows")
	}
	if f.concurrency < 1 {
		return fmt.Errorf("--concurrency %d: must be at least 1", f.concurrency)
	}
	if f.expectDigest != "" {
		if _, err := executor.NormalizeDigest(f.expectDigest); err != nil {
			return fmt.Errorf("--expect-digest: %w", err)
		}
	}
	return nil
}

func runApply(ctx context.Context, e env, args []string) int {
	fs := newFlagSet(e, "apply")
	var f applyFlags
	f.register(fs, true)
	pos, code, ok := parseFlags(e, fs, applyUsage, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		e.errorf("apply: want exactly one PLAN argument, got %d (see deployer help apply)", len(pos))
		return exitUsage
	}
	if err := f.check(); err != nil {
		e.errorf("apply: %v", err)
		return exitUsage
	}
	p, err := readPlan(pos[0])
	if err == nil {
		// Refuse a changed plan before anything else is set up (Apply
		// checks again).
		if err = p.VerifyDigest(); err != nil {
			err = fmt.Errorf("refusing to apply the plan: %w", err)
		}
	}
	if err != nil {
		e.errorf("apply: %v", err)
		return exitFailed
	}
	if f.verify && !f.buildOnly {
		r, err := verifyPlan(ctx, e, p, verifyFlags{only: f.only})
		if err != nil {
			e.errorf("apply: --verify: %v", err)
			return exitFailed
		}
		if !r.OK() {
			if err := r.Write(e.stderr, "text"); err != nil {
				e.errorf("apply: --verify: %v", err)
			}
			e.errorf("apply: --verify found what would make the apply or its flows fail; nothing was applied")
			return exitFailed
		}
	}
	return applyPlan(ctx, e, p, f)
}

// applyPlan wires the clients the selected work needs and applies p.
func applyPlan(ctx context.Context, e env, p *plan.Plan, f applyFlags) int {
	opts := executor.Options{
		DryRun: f.dryRun, BuildOnly: f.buildOnly, Only: f.only,
		Concurrency: f.concurrency, ExpectDigest: f.expectDigest,
		ProjectDir: f.project, ForceBuild: f.forceBuild,
	}
	if f.output == "json" {
		opts.Observe = executor.JSONEvents(e.stdout)
	} else {
		opts.Observe = executor.TextProgress(e.stderr)
	}
	needFlows := f.only != executor.OnlyImages && !f.buildOnly
	needImages := f.only != executor.OnlyFlows
	// A dry run reads the registries too, to say which images are already
	// pushed.
	needAWS := (needImages && !f.buildOnly && executor.NeedsECR(p)) || needFlows || (len(p.Unknowns) > 0 && !f.buildOnly)
	if needImages && !f.dryRun {
		opts.Docker = executor.NewDocker(docker.FromEnv(e.getenv, f.project, e.stderr))
	}
	// One breaker per service for the whole apply: when Prefect or AWS is
	// down, every call gives up together, in about breaker.DefaultWindow,
	// instead of each resource retrying for minutes.
	prefectDown, awsDown := breaker.New("the Prefect API"), breaker.New("AWS")
	defer func() {
		for _, b := range []*breaker.Breaker{prefectDown, awsDown} {
			if err := b.Err(); err != nil {
				e.errorf("apply: gave up: %v", err)
			}
		}
	}()
	if needImages && !f.buildOnly {
		creds, err := registryCredentials(e)
		if err != nil {
			e.errorf("apply: %v", err)
			return exitFailed
		}
		opts.RegistryLogin = creds
		opts.Registry = registry.New(creds, registry.WithCredentialsHint("set "+registryUserEnv+" and "+registryPasswordEnv))
	}
	if needFlows {
		pc, err := prefectFromEnv(e, prefect.WithBreaker(prefectDown))
		if err == nil {
			err = checkPrefectReachable(ctx, e)
		}
		if err != nil {
			e.errorf("apply: %v", err)
			return exitFailed
		}
		opts.Prefect = pc
	}
	if needAWS {
		ac, err := aws.Load(ctx, aws.Options{CallTimeout: 2 * time.Minute, Breaker: awsDown})
		if err != nil {
			e.errorf("apply: %v", err)
			return exitFailed
		}
		opts.ECS, opts.ECR, opts.STS = ac, ac, ac
	}
	s, err := executor.Apply(ctx, p, opts)
	if err != nil {
		e.errorf("apply: %v", err)
		return exitFailed
	}
	if f.output == "text" {
		if err := s.WriteText(e.stdout); err != nil {
			e.errorf("apply: %v", err)
			return exitFailed
		}
	}
	if s.Failed() {
		return exitFailed
	}
	return exitOK
}

// The environment variables with the credentials of a registry that is not
// ECR.
const (
	registryUserEnv     = "FLOWPLAN_REGISTRY_USERNAME"
	registryPasswordEnv = "FLOWPLAN_REGISTRY_PASSWORD"
)

// registryCredentials reads the user name and password of a registry that
// is not ECR: both or neither.
func registryCredentials(e env) (registry.Credentials, error) {
	c := registry.Credentials{User: e.getenv(registryUserEnv), Password: e.getenv(registryPasswordEnv)}
	if (c.User == "") != (c.Password == "") {
		return registry.Credentials{}, fmt.Errorf("set both %s and %s (the registry's user name and password), or neither", registryUserEnv, registryPasswordEnv)
	}
	return c, nil
}

// reachTimeout bounds the one reachability check of PREFECT_API_URL.
const reachTimeout = 15 * time.Second

// checkPrefectReachable reads GET /admin/version once, without retries, so
// that a PREFECT_API_URL that refuses connections or does not resolve fails
// at once instead of after the backoff meant for a busy server. Any other
// outcome (an answer of any status, a timeout) is left to the apply, whose
// calls retry as Prefect's client does and explain each status.
func checkPrefectReachable(ctx context.Context, e env) error {
	probe, err := prefectFromEnv(e, prefect.WithMaxRetries(0), prefect.WithTimeout(reachTimeout))
	if err != nil {
		return err
	}
	_, err = probe.ReadVersion(ctx)
	if err == nil || !isUnreachable(err) {
		return nil
	}
	return fmt.Errorf("the Prefect API at PREFECT_API_URL=%s cannot be reached (checked once, before any work): %w; check PREFECT_API_URL and that the server is running", probe.BaseURL(), err)
}

// isUnreachable reports whether err is a failure to connect: the address
// does not resolve or nothing accepts the connection.
func isUnreachable(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// prefectFromEnv builds the Prefect client from PREFECT_API_URL and
// PREFECT_API_KEY (and PREFECT_CLIENT_MAX_RETRIES, as Prefect reads it);
// extra options come last and win.
func prefectFromEnv(e env, extra ...prefect.Option) (*prefect.Client, error) {
	url := e.getenv("PREFECT_API_URL")
	if url == "" {
		return nil, errors.New("PREFECT_API_URL is not set: set it to the Prefect API, e.g. http://127.0.0.1:4200/api or https://api.prefect.cloud/api/accounts/<id>/workspaces/<id>")
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 64
	opts := []prefect.Option{
		prefect.WithAPIKey(e.getenv("PREFECT_API_KEY")),
		prefect.WithHTTPClient(&http.Client{Transport: transport}),
	}
	if v := e.getenv("PREFECT_CLIENT_MAX_RETRIES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("PREFECT_CLIENT_MAX_RETRIES %q: must be a whole number of retries", v)
		}
		opts = append(opts, prefect.WithMaxRetries(n))
	}
	return prefect.New(url, append(opts, extra...)...)
}

// readPlan reads and parses a plan file ("-" is stdin). The digest is not
// checked here: apply refuses a mismatch, show and diff warn. Errors name
// the file, and the line and column when the content is at fault.
func readPlan(path string) (*plan.Plan, error) {
	p, _, err := readPlanBytes(path)
	return p, err
}

// readPlanBytes is readPlan that also returns the file's bytes, for
// plan.VerifyDigestOf.
func readPlanBytes(path string) (*plan.Plan, []byte, error) {
	return readPlanWith(path, plan.Parse)
}

// readPlanWith reads a plan file with a parse function of the plan
// package.
func readPlanWith(path string, parse func([]byte) (*plan.Plan, error)) (*plan.Plan, []byte, error) {
	var b []byte
	var err error
	name := path
	if path == "-" {
		name = "(stdin)"
		b, err = io.ReadAll(os.Stdin)
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, nil, fmt.Errorf("cannot read plan %s: %w", name, err)
	}
	p, err := parse(b)
	if err != nil {
		var re *plan.ReadError
		if errors.As(err, &re) && re.Line > 0 {
			return nil, nil, fmt.Errorf("%s:%w", name, err)
		}
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	return p, b, nil
}
