package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/flowplan/flowplan/executor"
	"github.com/flowplan/flowplan/executor/aws"
	"github.com/flowplan/flowplan/executor/docker"
	"github.com/flowplan/flowplan/executor/prefect"
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

The plan is refused when its digest does not match its content, or differs
from --expect-digest. The AWS account id is read from STS when the plan left
it open; the Prefect server's major version must match the plan's target.

Progress goes to stderr (text) or, with --output json, one JSON event per
line to stdout; the text summary goes to stdout. Docker's output goes to
stderr, prefixed with the image.

Environment: PREFECT_API_URL, PREFECT_API_KEY, the AWS SDK's default chain,
DOCKER.

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
}

func (f *applyFlags) register(fs *flag.FlagSet, withSelection bool) {
	fs.BoolVar(&f.dryRun, "dry-run", false, "read the live state and print what would change; write nothing")
	if withSelection {
		fs.BoolVar(&f.buildOnly, "build-only", false, "build the images and stop")
		fs.StringVar(&f.only, "only", "", "apply only images or flows")
		fs.StringVar(&f.expectDigest, "expect-digest", "", "refuse the plan unless its digest is this sha256:...")
	}
	fs.IntVar(&f.concurrency, "concurrency", executor.DefaultConcurrency, "flows (and images) applied at once")
	fs.StringVar(&f.output, "output", "text", "progress as text (stderr) or json (one event per line on stdout)")
	fs.StringVar(&f.project, "project", ".", "the sub-project root the images' Dockerfiles and contexts are relative to")
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
	return nil
}

func runApply(ctx context.Context, e env, args []string) int {
	fs := newFlagSet(e, "apply", applyUsage)
	var f applyFlags
	f.register(fs, true)
	pos, code, ok := parseFlags(fs, args, exitUsage)
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
	return applyPlan(ctx, e, p, f)
}

// applyPlan wires the clients the selected work needs and applies p.
func applyPlan(ctx context.Context, e env, p *plan.Plan, f applyFlags) int {
	opts := executor.Options{
		DryRun: f.dryRun, BuildOnly: f.buildOnly, Only: f.only,
		Concurrency: f.concurrency, ExpectDigest: f.expectDigest,
	}
	if f.output == "json" {
		opts.Observe = executor.JSONEvents(e.stdout)
	} else {
		opts.Observe = executor.TextProgress(e.stderr)
	}
	needFlows := f.only != executor.OnlyImages && !f.buildOnly
	needImages := f.only != executor.OnlyFlows
	needAWS := (needImages && !f.buildOnly && !f.dryRun) || needFlows || (len(p.Unknowns) > 0 && !f.buildOnly)
	if needImages && !f.dryRun {
		opts.Docker = executor.NewDocker(docker.FromEnv(e.getenv, f.project, e.stderr))
	}
	if needAWS {
		ac, err := aws.Load(ctx, aws.Options{CallTimeout: 2 * time.Minute})
		if err != nil {
			e.errorf("apply: %v", err)
			return exitFailed
		}
		opts.ECS, opts.ECR, opts.STS = ac, ac, ac
	}
	if needFlows {
		pc, err := prefectFromEnv(e)
		if err != nil {
			e.errorf("apply: %v", err)
			return exitFailed
		}
		opts.Prefect = pc
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

// prefectFromEnv builds the Prefect client from PREFECT_API_URL and
// PREFECT_API_KEY (and PREFECT_CLIENT_MAX_RETRIES, as Prefect reads it).
func prefectFromEnv(e env) (*prefect.Client, error) {
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
	return prefect.New(url, opts...)
}

// readPlan reads and parses a plan file ("-" is stdin). The digest is not
// checked here: apply refuses a mismatch, show and diff warn.
func readPlan(path string) (*plan.Plan, error) {
	var b []byte
	var err error
	if path == "-" {
		b, err = io.ReadAll(os.Stdin)
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("reading plan: %w", err)
	}
	p, err := plan.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("reading plan %s: %w", path, err)
	}
	return p, nil
}
