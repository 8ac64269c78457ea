package executor

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/flowplan/flowplan/executor/breaker"
	"github.com/flowplan/flowplan/plan"
)

// ErrUnexpectedDigest is returned (wrapped) when the plan's digest is not
// the one Options.ExpectDigest pins.
var ErrUnexpectedDigest = errors.New("plan digest differs from the expected digest")

// NormalizeDigest returns a plan digest as "sha256:<64 lowercase hex>",
// accepting it with or without the "sha256:" prefix and in either case.
func NormalizeDigest(d string) (string, error) {
	hex := strings.ToLower(strings.TrimSpace(d))
	if rest, ok := strings.CutPrefix(hex, "sha256:"); ok {
		hex = rest
	}
	if len(hex) != 64 || strings.Trim(hex, "0123456789abcdef") != "" {
		return "", fmt.Errorf("expected digest %q is not sha256:<64 hex digits> (or the 64 hex digits alone)", d)
	}
	return "sha256:" + hex, nil
}

// ErrWrongPrefectVersion is returned (wrapped) when the Prefect server's
// major version is not the one the plan's target was made for, or when a
// Prefect 2 server is older than 2.14 and the plan sends
// enforce_parameter_schema.
var ErrWrongPrefectVersion = errors.New("Prefect server version does not match the plan's target")

// Apply applies the plan: images (Dockerfile and context checked under
// ProjectDir, left alone when ECR already holds the commit's tag, else
// build, ECR login, tag, push), then per
// flow, flows in parallel: the task definition (registered only when a
// compared field differs from the latest revision), the ECS task block
// (created, or updated only when its data differ), the flow (created only
// when missing) and its deployments (created, or updated only in the fields
// that differ).
//
// Before anything it refuses a plan whose digest does not match its content
// or differs from opts.ExpectDigest, resolves the AWS account id from STS
// when the plan left it open, and checks the Prefect server's version
// against the plan's target (and against 2.14 when a deployment sends
// enforce_parameter_schema). These are the errors Apply returns; a resource
// that fails is reported in the Summary (see Summary.Failed) and does not
// stop the other flows.
func Apply(ctx context.Context, p *plan.Plan, opts Options) (*Summary, error) {
	if err := checkOptions(p, opts); err != nil {
		return nil, err
	}
	if err := p.VerifyDigest(); err != nil {
		return nil, fmt.Errorf("refusing to apply the plan: %w", err)
	}
	if opts.ExpectDigest != "" {
		want, err := NormalizeDigest(opts.ExpectDigest)
		if err != nil {
			return nil, fmt.Errorf("refusing to apply the plan: %w", err)
		}
		if want != p.Digest {
			return nil, fmt.Errorf("refusing to apply the plan: its digest is %s, but the expected digest is %s: %w", p.Digest, want, ErrUnexpectedDigest)
		}
	}
	a := newApplier(p, opts)
	a.stop = ctx
	if a.doImages() {
		// One check of every image's files, before any work: from the
		// wrong folder every image would fail the same way.
		if err := checkAllBuildFiles(opts.ProjectDir, p.Images); err != nil {
			return nil, err
		}
	}
	start := a.now()
	a.emit(Event{Type: EventApplyStart, Message: a.startMessage()})

	if err := a.preflight(ctx); err != nil {
		a.emit(Event{Type: EventApplyEnd, Elapsed: a.now().Sub(start), Error: err.Error()})
		return nil, err
	}
	if a.doImages() {
		a.applyImages(ctx)
	}
	if a.doFlows() {
		a.applyFlows(ctx)
	}

	s := &Summary{Digest: p.Digest, DryRun: opts.DryRun, Resources: a.results, Elapsed: a.now().Sub(start)}
	if ctx.Err() != nil {
		s.Interrupted = context.Cause(ctx).Error()
	}
	s.sort()
	a.emit(Event{Type: EventApplyEnd, Elapsed: s.Elapsed, Summary: s})
	return s, nil
}

func checkOptions(p *plan.Plan, opts Options) error {
	if p == nil {
		return errors.New("apply: no plan")
	}
	switch opts.Only {
	case "", OnlyImages, OnlyFlows:
	default:
		return fmt.Errorf("apply: only %q: must be %q or %q", opts.Only, OnlyImages, OnlyFlows)
	}
	if opts.BuildOnly && opts.Only == OnlyFlows {
		return errors.New("apply: build-only builds images and cannot be combined with only flows")
	}
	if opts.Concurrency < 0 {
		return fmt.Errorf("apply: concurrency %d: must be at least 1", opts.Concurrency)
	}
	var missing []string
	needImages := opts.Only != OnlyFlows && len(p.Images) > 0
	needFlows := opts.Only != OnlyImages && !opts.BuildOnly && (len(p.Flows) > 0 || hasEnvTaskDefinitions(p))
	if needImages && opts.Docker == nil && !opts.DryRun {
		missing = append(missing, "Docker")
	}
	if needImages && !opts.BuildOnly && opts.ECR == nil && !opts.DryRun && NeedsECR(p) {
		missing = append(missing, "ECR")
	}
	if needFlows && opts.ECS == nil {
		missing = append(missing, "ECS")
	}
	if needFlows && opts.Prefect == nil {
		missing = append(missing, "Prefect")
	}
	if slices.Contains(p.Unknowns, plan.UnknownAWSAccountID) && !opts.BuildOnly && opts.STS == nil {
		missing = append(missing, "STS")
	}
	if len(missing) > 0 {
		return fmt.Errorf("apply: missing clients: %s", strings.Join(missing, ", "))
	}
	return nil
}

func hasEnvTaskDefinitions(p *plan.Plan) bool {
	return slices.ContainsFunc(p.Images, func(im plan.Image) bool { return im.TaskDefinition != nil })
}

// applier holds the state of one Apply.
type applier struct {
	plan *plan.Plan
	opts Options
	now  func() time.Time
	// stop is the apply's context, to tell an interruption from a failure.
	stop context.Context

	mu      sync.Mutex
	results []Result
	// failedImages maps an image's local name to why it failed.
	failedImages map[string]string
	// envTaskDefs maps an image's local name to the outcome of its env's
	// task definition (worker era).
	envTaskDefs map[string]error

	blockTypes memo[blockTypeInfo]
	blockIDs   memo[string]
	workPools  memo[bool]
	login      memo[string]
}

func newApplier(p *plan.Plan, opts Options) *applier {
	if opts.Concurrency == 0 {
		opts.Concurrency = DefaultConcurrency
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &applier{plan: p, opts: opts, now: now, failedImages: map[string]string{}, envTaskDefs: map[string]error{}}
}

func (a *applier) doImages() bool { return a.opts.Only != OnlyFlows && len(a.plan.Images) > 0 }

func (a *applier) doFlows() bool { return a.opts.Only != OnlyImages && !a.opts.BuildOnly }

func (a *applier) emit(e Event) {
	if a.opts.Observe == nil {
		return
	}
	if e.Time.IsZero() {
		e.Time = a.now()
	}
	a.opts.Observe(e)
}

// Messages of resources an interruption stopped.
const (
	msgNotStarted  = "not started: the apply was interrupted"
	msgInterrupted = "interrupted before it finished (a write in flight may or may not have reached the server; rerun the apply: it converges)"
	// msgDockerStopped ends the error of an image whose docker command
	// the interruption stopped.
	msgDockerStopped = "interrupted: docker was stopped"
)

// interrupted reports whether the apply's context was cancelled (Ctrl-C,
// SIGTERM): work in flight fails with the context's error, which is then
// reported as an interruption, not as whatever the call said.
func (a *applier) interrupted() bool { return a.stop != nil && a.stop.Err() != nil }

// explainInterruption replaces the error of a resource that failed
// because the apply was interrupted (a cancelled request or docker
// command) by what that means.
//
// It also shortens the error of a resource that failed because an
// endpoint is down (an open breaker): the apply's caller reports the
// outage once, in full.
func (a *applier) explainInterruption(r Result) Result {
	if r.Action != Failed {
		return r
	}
	if a.interrupted() && isCancellation(r.Error) {
		r.Error = msgInterrupted
	}
	if m := endpointDown.FindStringSubmatch(r.Error); m != nil && strings.Contains(r.Error, breaker.GivingUp) {
		r.Error = "not applied: " + m[1] + " is down"
	}
	return r
}

// endpointDown finds the endpoint in a breaker's error.
var endpointDown = regexp.MustCompile(`([A-Za-z][A-Za-z ]* at \S+) is down: `)

func (a *applier) record(r Result) {
	r = a.explainInterruption(r)
	a.mu.Lock()
	a.results = append(a.results, r)
	a.mu.Unlock()
	a.emit(Event{Type: EventResource, Flow: r.Flow, Resource: &r})
}

func (a *applier) startMessage() string {
	what := []string{}
	if a.doImages() {
		what = append(what, plural(len(a.plan.Images), "image"))
	}
	if a.doFlows() {
		what = append(what, plural(len(a.plan.Flows), "flow"))
	}
	mode := "applying"
	switch {
	case a.opts.DryRun:
		mode = "dry run of"
	case a.opts.BuildOnly:
		mode = "building the images of"
	}
	return fmt.Sprintf("%s plan %s (%s, deployment type %s, target %s)", mode, a.plan.Digest,
		strings.Join(what, ", "), a.plan.DeploymentType, targetOf(a.plan))
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

func targetOf(p *plan.Plan) string {
	if p.Target == "" {
		return plan.TargetPrefect2Agent
	}
	return p.Target
}

// preflight does the checks that concern the whole apply, before any
// docker command or write: the AWS account id and the Prefect version.
func (a *applier) preflight(ctx context.Context) error {
	if slices.Contains(a.plan.Unknowns, plan.UnknownAWSAccountID) && !a.opts.BuildOnly {
		account, err := a.opts.STS.AccountID(ctx)
		if err != nil {
			return fmt.Errorf("resolving the plan's AWS account id from STS: %w", err)
		}
		resolved, err := a.plan.ResolveAccount(account)
		if err != nil {
			return fmt.Errorf("resolving the plan's AWS account id: %w", err)
		}
		a.plan = resolved
	}
	if a.doFlows() && a.opts.Prefect != nil && (len(a.plan.Flows) > 0) {
		if err := a.checkPrefectVersion(ctx); err != nil {
			return err
		}
	}
	return nil
}

// checkPrefectVersion refuses a plan made for another Prefect major version
// than the server's: the request shapes differ (schedule vs schedules,
// infra_overrides vs job_variables, infrastructure blocks).
func (a *applier) checkPrefectVersion(ctx context.Context) error {
	v, err := a.opts.Prefect.ReadVersion(ctx)
	if err != nil {
		return fmt.Errorf("reading the Prefect server's version: %w", err)
	}
	return CheckPrefectVersion(a.plan, a.opts.Prefect.BaseURL(), v)
}

// CheckPrefectVersion tells whether a Prefect server of version v (as GET
// /admin/version gives it), at baseURL, fits the plan's target: the same
// major version, and Prefect 2.14 or later when a deployment sends
// enforce_parameter_schema. The error wraps ErrWrongPrefectVersion.
func CheckPrefectVersion(p *plan.Plan, baseURL, v string) error {
	want := wantMajor(targetOf(p))
	got, rest, _ := strings.Cut(strings.TrimPrefix(strings.TrimSpace(v), "v"), ".")
	if got != strconv.Itoa(want) {
		return fmt.Errorf("the plan targets %s (Prefect %d) but the Prefect API at %s is version %s: %w; make the plan again with flowspec-extract --prefect-target for this server",
			targetOf(p), want, baseURL, v, ErrWrongPrefectVersion)
	}
	if want != 2 {
		return nil
	}
	enforcing := deploymentsEnforcingSchema(p)
	if len(enforcing) == 0 {
		return nil
	}
	if minor, ok := leadingNumber(rest); !ok || minor < enforceParameterSchemaMinor {
		return fmt.Errorf("the plan's deployments %s set enforce_parameter_schema, which needs Prefect 2.%d or later, but the Prefect API at %s is version %s: %w; upgrade the server, or set enforce_parameter_schema=False on them and make the plan again",
			strings.Join(enforcing, ", "), enforceParameterSchemaMinor, baseURL, v, ErrWrongPrefectVersion)
	}
	return nil
}

// enforceParameterSchemaMinor is the Prefect 2 minor version whose
// DeploymentCreate first has enforce_parameter_schema (2.14.0); older
// servers refuse the field with a 422.
const enforceParameterSchemaMinor = 14

// deploymentsEnforcingSchema lists "flow/deployment" of every deployment
// whose request sends enforce_parameter_schema=true.
func deploymentsEnforcingSchema(p *plan.Plan) []string {
	var out []string
	for _, fl := range p.Flows {
		for _, d := range fl.Deployments {
			if e := d.Request.EnforceParameterSchema; e != nil && *e {
				out = append(out, d.FlowName+"/"+d.Name)
			}
		}
	}
	return out
}

// leadingNumber reads the digits that start s ("14" of "14.0rc1").
func leadingNumber(s string) (int, bool) {
	end := 0
	for end < len(s) && '0' <= s[end] && s[end] <= '9' {
		end++
	}
	n, err := strconv.Atoi(s[:end])
	return n, err == nil
}

func wantMajor(target string) int {
	if target == plan.TargetPrefect3 {
		return 3
	}
	return 2
}

// isCancellation reports an error message that comes from a cancelled
// context (a request or docker command stopped by an interruption).
func isCancellation(msg string) bool {
	return strings.Contains(msg, context.Canceled.Error()) && !strings.Contains(msg, msgDockerStopped)
}

// stoppedByInterruption reports a resource an interruption kept from
// being applied (rather than one that failed).
func stoppedByInterruption(r Result) bool {
	return r.Action == Failed && (r.Error == msgNotStarted || r.Error == msgInterrupted || strings.HasSuffix(r.Error, msgDockerStopped))
}

// forEach runs fn for 0..n-1 with at most limit calls at once. Once ctx
// is done, the calls not started yet still run, to record that they did
// not start, but must not start work (see the callers' ctx checks).
func forEach(ctx context.Context, n, limit int, fn func(ctx context.Context, i int)) {
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			fn(ctx, i)
		}()
	}
	wg.Wait()
}
