package planner

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/flowplan/flowplan/extractor/project"
	"github.com/flowplan/flowplan/extractor/spec"
	"github.com/flowplan/flowplan/plan"
)

// Options are the plan's inputs beyond the project and the lifted specs.
type Options struct {
	DeploymentType spec.DeploymentType
	GitSHA         string // full sha (or "dev"); the first 7 characters are used
	AWSRegion      string
	// AWSAccountID may be "": every value needing it then holds
	// PlaceholderAWSAccountID and the plan lists UnknownAWSAccountID.
	AWSAccountID   string
	Subnets        []string
	SecurityGroups []string
	// StorageBlock is the GitHub storage block name ("" = data-flows-<type>).
	StorageBlock string
	// InfrastructureBlock overrides every agent-era deployment's
	// infrastructure block: "<block type slug>/<name>", also accepted as the
	// original's whole "-ib <slug>/<name>" argument ("" = the flow's own
	// ecs-task block).
	InfrastructureBlock string
	Target              string // one of the Target* constants ("" = prefect2-agent)
	// GitRepository is the repository URL the worker-era pull step clones
	// (the original read DF_CONFIG_GH_REPO, else the checkout's origin);
	// required when the plan has worker-era flows, unless CheckOnly.
	GitRepository string
	// GitRepositoryHint says why no repository was found (e.g. "not inside
	// a git checkout"), for the error when one is needed.
	GitRepositoryHint string
	// CheckOnly builds the plan only to validate the project (flowspec-extract
	// --validate-only): inputs that only a deployment needs, the git
	// repository, may be missing.
	CheckOnly bool
	// GitBranch is the branch the pull step clones ("" = <type>-v2).
	GitBranch string
	// Registry is where the images are pushed, as HOST[/PREFIX] (see
	// ParseRegistry): an ECR pull-through cache, a private or a test
	// registry. "" is the account's ECR registry in AWSRegion.
	Registry string
	// SkipInvalid lists flows that cannot be planned (and every flow of a
	// name collision) under skipped instead of failing the whole build.
	SkipInvalid bool
	Inputs      []plan.Input // provenance of every input, recorded in the plan
	Generator   string       // flowplan's version
}

// Fixed values of the original tool (its names are in pocket).
const (
	generatorName        = "flowplan"
	blockTypeECSTask     = "ecs-task"
	blockTypeGitHub      = "github"
	agentTaskCPU         = "256"
	agentTaskMemory      = "512"
	workerTaskCPU        = "512"
	workerTaskMemory     = "1024"
	workerEphemeralGiB   = 21
	fargateDefaultGiB    = 20
	scratchVolume        = "prefect-scratch"
	scratchContainerPath = "/var/prefect-scratch"
)

// builder carries what every derivation needs.
type builder struct {
	proj    *project.Project
	opts    Options
	sha7    string
	account string
	typ     spec.DeploymentType
	target  string
	// names holds the values every name of the plan shares (type,
	// account, region, sha7, project): each derivation adds its own.
	names names
	// broken maps a docker env name to the first error pyproject.toml has
	// about it: such envs get no image and no flow may use them.
	broken map[string]string
	// registryHost is Options.Registry, checked ("" = ECR).
	registryHost string
}

// Build derives the plan from the project and the extraction results. Files
// without a FLOW_SPEC, specs whose is_agent hands them to the other era's
// tooling (worker-era is_agent=True, agent-era is_agent=False) and files that
// failed extraction are listed under skipped. It fails when the options
// are invalid or a spec cannot be deployed to the target; every such
// problem is reported.
func Build(p *project.Project, files []spec.FileResult, opts Options) (*plan.Plan, error) {
	pl, err := build(p, files, opts)
	if err != nil {
		return nil, err
	}
	if pl.Digest, err = pl.ComputeDigest(); err != nil {
		return nil, err
	}
	return pl, nil
}

// BuildCanonical is Build that also returns the plan's canonical JSON, as
// MarshalCanonical gives it. The digest is taken over that form, so
// building and writing a plan this way encodes it once instead of twice.
func BuildCanonical(p *project.Project, files []spec.FileResult, opts Options) (*plan.Plan, []byte, error) {
	pl, err := build(p, files, opts)
	if err != nil {
		return nil, nil, err
	}
	out, err := pl.Seal()
	if err != nil {
		return nil, nil, err
	}
	return pl, out, nil
}

// Check reports what Build would refuse, without the cost of the canonical
// form and digest: for validating a project without writing its plan.
func Check(p *project.Project, files []spec.FileResult, opts Options) error {
	_, err := build(p, files, opts)
	return err
}

func build(p *project.Project, files []spec.FileResult, opts Options) (*plan.Plan, error) {
	b, err := newBuilder(p, opts)
	if err != nil {
		return nil, err
	}
	pl := &plan.Plan{
		SchemaVersion:  plan.SchemaVersion,
		Generator:      plan.Generator{Name: generatorName, Version: opts.Generator},
		Project:        plan.Project{Name: p.Slug, Version: p.Version, RootName: p.RootName, FlowsFolder: p.FlowsFolder, PyprojectSHA256: p.PyprojectSHA256},
		DeploymentType: b.typ,
		Target:         b.target,
		AWS:            plan.AWS{Region: opts.AWSRegion, AccountID: b.account, Subnets: nonNil(opts.Subnets), SecurityGroups: nonNil(opts.SecurityGroups)},
		Inputs:         nonNil(slices.Clone(opts.Inputs)),
		Unknowns:       []string{},
		Images:         []plan.Image{},
		Flows:          []plan.Flow{},
		Skipped:        []plan.Skipped{},
	}
	if opts.AWSAccountID == "" {
		pl.Unknowns = append(pl.Unknowns, plan.UnknownAWSAccountID)
	}
	for _, name := range sortedKeys(p.Envs) {
		if msg, bad := b.broken[name]; bad {
			pl.Skipped = append(pl.Skipped, plan.Skipped{Path: "pyproject.toml", Reason: "docker env " + name + ": " + msg})
			continue
		}
		pl.Images = append(pl.Images, b.agentImage(p.Envs[name]))
	}
	for _, name := range sortedKeys(p.WorkerEnvs) {
		if msg, bad := b.broken[name]; bad {
			if _, both := p.Envs[name]; !both {
				pl.Skipped = append(pl.Skipped, plan.Skipped{Path: "pyproject.toml", Reason: "docker env " + name + ": " + msg})
			}
			continue
		}
		pl.Images = append(pl.Images, b.workerImage(p.WorkerEnvs[name]))
	}

	if err := b.checkGitRepository(files); err != nil {
		return nil, err
	}
	built := b.flows(files)
	var errs []error
	for i, f := range files {
		switch {
		case f.Status == spec.StatusMissing:
			pl.Skipped = append(pl.Skipped, plan.Skipped{Path: f.Path, Reason: "missing FLOW_SPEC"})
		case f.Status == spec.StatusError:
			pl.Skipped = append(pl.Skipped, plan.Skipped{Path: f.Path, Reason: "extraction failed: " + strings.Join(f.Errors, "; ")})
		case f.Spec == nil:
			errs = append(errs, fmt.Errorf("%s: status %q but no spec", f.Path, f.Status))
		case f.Spec.DeployedElsewhere() != "":
			pl.Skipped = append(pl.Skipped, plan.Skipped{Path: f.Path, Reason: f.Spec.DeployedElsewhere()})
		case f.Spec.Worker != nil || f.Spec.Agent != nil:
			fl, err := built[i].flow, built[i].err
			switch {
			case err != nil && opts.SkipInvalid:
				pl.Skipped = append(pl.Skipped, plan.Skipped{Path: f.Path, Reason: "planning failed: " + err.Error()})
			case err != nil:
				errs = append(errs, err)
			default:
				pl.Flows = append(pl.Flows, fl)
			}
		default:
			errs = append(errs, fmt.Errorf("%s: empty spec", f.Path))
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("building the plan: %w", errors.Join(errs...))
	}
	sort.Slice(pl.Flows, func(i, j int) bool { return pl.Flows[i].Path < pl.Flows[j].Path })
	collisions := collisions(pl)
	if len(collisions) > 0 && !opts.SkipInvalid {
		errs := make([]error, 0, len(collisions))
		for _, c := range collisions {
			errs = append(errs, errors.New(c.msg))
		}
		return nil, fmt.Errorf("building the plan: %w", errors.Join(errs...))
	}
	if len(collisions) > 0 {
		reasons := map[string][]string{}
		for _, c := range collisions {
			for _, path := range c.paths {
				reasons[path] = append(reasons[path], "planning failed: "+c.msg)
			}
		}
		kept := pl.Flows[:0]
		for _, f := range pl.Flows {
			if rs, bad := reasons[f.Path]; bad {
				pl.Skipped = append(pl.Skipped, plan.Skipped{Path: f.Path, Reason: strings.Join(rs, "; ")})
				continue
			}
			kept = append(kept, f)
		}
		pl.Flows = kept
	}
	sort.SliceStable(pl.Skipped, func(i, j int) bool {
		if pl.Skipped[i].Path != pl.Skipped[j].Path {
			return pl.Skipped[i].Path < pl.Skipped[j].Path
		}
		return pl.Skipped[i].Reason < pl.Skipped[j].Reason
	})
	return pl, nil
}

// builtFlow is one file's flow, or why it cannot be planned.
type builtFlow struct {
	flow plan.Flow
	err  error
}

// flows plans the deployable specs among files, indexed like files, on
// every CPU: a flow depends only on its own spec and the builder, which is
// not changed once made. Other entries stay empty.
func (b *builder) flows(files []spec.FileResult) []builtFlow {
	out := make([]builtFlow, len(files))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(files) {
					return
				}
				// The cases are build's, which reads the results.
				f := files[i]
				switch {
				case f.Status == spec.StatusMissing, f.Status == spec.StatusError, f.Spec == nil:
				case f.Spec.DeployedElsewhere() != "":
				case f.Spec.Worker != nil:
					out[i].flow, out[i].err = b.workerFlow(f)
				case f.Spec.Agent != nil:
					out[i].flow, out[i].err = b.agentFlow(f)
				}
			}
		}()
	}
	wg.Wait()
	return out
}

func newBuilder(p *project.Project, opts Options) (*builder, error) {
	if p == nil {
		return nil, fmt.Errorf("building the plan: no project")
	}
	b := &builder{proj: p, opts: opts, typ: opts.DeploymentType, target: opts.Target, broken: map[string]string{}}
	for _, d := range p.Diags.Errors() {
		_, agent := p.Envs[d.Construct]
		_, worker := p.WorkerEnvs[d.Construct]
		if _, seen := b.broken[d.Construct]; (agent || worker) && !seen {
			b.broken[d.Construct] = d.Error()
		}
	}
	if err := b.typ.Validate(); err != nil {
		return nil, fmt.Errorf("building the plan: %w", err)
	}
	if b.target == "" {
		b.target = plan.TargetPrefect2Agent
	}
	switch b.target {
	case plan.TargetPrefect2Agent, plan.TargetPrefect2Worker, plan.TargetPrefect3:
	default:
		return nil, fmt.Errorf("building the plan: prefect target %q must be %s, %s or %s", b.target, plan.TargetPrefect2Agent, plan.TargetPrefect2Worker, plan.TargetPrefect3)
	}
	if opts.GitSHA == "" {
		return nil, fmt.Errorf("building the plan: no git sha (the original's default is \"dev\")")
	}
	b.sha7 = opts.GitSHA
	if len(b.sha7) > 7 {
		b.sha7 = b.sha7[:7]
	}
	if opts.AWSRegion == "" {
		return nil, fmt.Errorf("building the plan: no AWS region")
	}
	b.account = opts.AWSAccountID
	if b.account == "" {
		b.account = plan.PlaceholderAWSAccountID
	} else if !plan.IsAccountID(b.account) {
		return nil, fmt.Errorf("building the plan: AWS account id %q is not 12 digits", b.account)
	}
	if p.Slug == "" {
		return nil, fmt.Errorf("building the plan: the project has no name")
	}
	b.names = names{typ: b.typ, account: b.account, region: opts.AWSRegion, sha7: b.sha7, project: p.Slug, root: p.RootName}
	if opts.Registry != "" {
		host, err := ParseRegistry(opts.Registry)
		if err != nil {
			return nil, fmt.Errorf("building the plan: %w", err)
		}
		b.registryHost = host
	}
	return b, nil
}

// ErrMissingInput is returned (wrapped) when an input the plan needs was
// given by nothing: the error names the flag and variable that give it.
var ErrMissingInput = errors.New("a needed input is missing")

type missingInput struct{ msg string }

func (e *missingInput) Error() string        { return e.msg }
func (e *missingInput) Is(target error) bool { return target == ErrMissingInput }

// checkGitRepository refuses, once for all of them, worker-era flows
// without the git repository their pull steps clone: a missing input, not
// a problem of the flows.
func (b *builder) checkGitRepository(files []spec.FileResult) error {
	if b.opts.GitRepository != "" || b.opts.CheckOnly {
		return nil
	}
	var paths []string
	for _, f := range files {
		if f.Status == spec.StatusOK && f.Spec != nil && f.Spec.Worker != nil && !f.Spec.Worker.IsAgent {
			paths = append(paths, f.Path)
		}
	}
	if len(paths) == 0 {
		return nil
	}
	why := ""
	if b.opts.GitRepositoryHint != "" {
		why = "; the checkout's origin remote was the fallback, but " + b.opts.GitRepositoryHint
	}
	shown := paths
	if len(shown) > 3 {
		shown = append(slices.Clone(shown[:3]), fmt.Sprintf("and %d more", len(paths)-3))
	}
	return &missingInput{fmt.Sprintf("building the plan: %s (%s) need the git repository their pull steps clone: pass --git-repository URL or set DF_CONFIG_GH_REPO%s",
		plural(len(paths), "worker-era flow"), strings.Join(shown, ", "), why)}
}

// ---- agent era ----

func (b *builder) agentImageName(env project.DockerEnv) string {
	n := b.names
	n.env, n.python = env.Name, env.PythonVersion
	return n.name(pocket.AgentImage)
}

func (b *builder) registry() string {
	if b.registryHost != "" {
		return b.registryHost
	}
	return ECRRegistry(b.account, b.opts.AWSRegion)
}

func (b *builder) agentImage(env project.DockerEnv) plan.Image {
	local := b.agentImageName(env)
	ctx := env.BuildContext
	if ctx == "" {
		ctx = "."
	}
	repo := b.registry() + "/" + pocket.AgentRepository
	tag := b.imageTag(local)
	return plan.Image{
		API: spec.APIAgent, Env: env.Name, LocalName: local,
		Dockerfile: env.DockerfilePath, Context: ctx,
		BuildArgs:  map[string]string{"PYTHON_VERSION": env.PythonVersion},
		Platform:   "linux/amd64",
		Repository: repo, Tag: tag, URI: repo + ":" + tag,
	}
}

func (b *builder) imageTag(local string) string {
	n := b.names
	n.image = local
	return n.name(pocket.ImageTag)
}

func (b *builder) roleARN(kind string) string {
	n := b.names
	n.kind = kind
	return n.name(pocket.Role)
}

func (b *builder) logConfiguration(family string) plan.LogConfiguration {
	return plan.LogConfiguration{LogDriver: "awslogs", Options: map[string]string{
		"awslogs-create-group":  "true",
		"awslogs-group":         pocket.LogGroup,
		"awslogs-region":        b.opts.AWSRegion,
		"awslogs-stream-prefix": family,
	}}
}

func (b *builder) agentFlow(f spec.FileResult) (plan.Flow, error) {
	s := f.Spec.Agent
	if b.target == plan.TargetPrefect3 {
		return plan.Flow{}, fmt.Errorf("%s: an agent-era FLOW_SPEC (common.deployment) deploys through infrastructure blocks, which target %s does not have; use --prefect-target %s", f.Path, b.target, plan.TargetPrefect2Agent)
	}
	env, ok := b.proj.Envs[s.DockerEnv]
	if !ok {
		return plan.Flow{}, fmt.Errorf("%s: docker_env %q is not a [tool.prefect.envs] table of pyproject.toml", f.Path, s.DockerEnv)
	}
	if msg, bad := b.broken[s.DockerEnv]; bad {
		return plan.Flow{}, fmt.Errorf("%s: docker_env %q is broken: %s", f.Path, s.DockerEnv, msg)
	}
	n := b.names
	n.path, n.dir, n.file = f.Path, path.Dir(f.Path), path.Base(f.Path)
	n.folder, n.function = path.Base(n.dir), s.Flow.Function
	n.flow = n.name(pocket.AgentFlow)
	n.family = n.name(pocket.AgentFamily)
	flowName, family := n.flow, n.family
	image := b.agentImage(env)

	secrets := make([]plan.Secret, 0, len(s.Secrets))
	for _, e := range s.Secrets {
		n.secret = e.EnvarValue
		secrets = append(secrets, plan.Secret{Name: e.EnvarName, ValueFrom: n.name(pocket.SecretARN)})
	}
	td := &plan.TaskDefinition{
		Family:                  family,
		TaskRoleArn:             b.roleARN("task"),
		ExecutionRoleArn:        b.roleARN("exec"),
		NetworkMode:             "awsvpc",
		RequiresCompatibilities: []string{"FARGATE"},
		Cpu:                     agentTaskCPU,
		Memory:                  agentTaskMemory,
		ContainerDefinitions: []plan.ContainerDefinition{{
			Name:             pocket.Container,
			Image:            image.URI,
			Environment:      []plan.KeyValuePair{{Name: "PREFECT_DISABLE_FLOW_SPEC", Value: "True"}},
			Secrets:          secrets,
			LogConfiguration: b.logConfiguration(family),
		}},
	}
	if s.EphemeralStorageGB != fargateDefaultGiB {
		td.EphemeralStorage = &plan.EphemeralStorage{SizeInGiB: s.EphemeralStorageGB}
	}
	block := &plan.Block{
		Name:                 n.name(pocket.ECSTaskBlock),
		BlockTypeSlug:        blockTypeECSTask,
		TaskDefinitionFamily: family,
		Data: plan.ECSTaskData{
			TaskDefinitionArn:               plan.TaskDefinitionARNPlaceholder(family),
			Cluster:                         n.name(pocket.Cluster),
			LaunchType:                      "FARGATE",
			AllowTaskDefinitionRegistration: false,
		},
	}
	infra := plan.BlockRef{BlockTypeSlug: blockTypeECSTask, Name: block.Name}
	if b.opts.InfrastructureBlock != "" {
		ref, err := ParseBlockRef(b.opts.InfrastructureBlock)
		if err != nil {
			return plan.Flow{}, err
		}
		infra = ref
	}
	storage := b.opts.StorageBlock
	if storage == "" {
		storage = n.name(pocket.StorageBlock)
	}
	paramSchema, warnings, err := ParameterSchema(s.Flow.Parameters)
	if err != nil {
		return plan.Flow{}, fmt.Errorf("%s: %w", f.Path, err)
	}
	fl := plan.Flow{
		Path: f.Path, SHA256: f.SHA256, FlowSpecLine: f.FlowSpecLine, API: spec.APIAgent,
		Name: flowName, Function: s.Flow.Function, Spec: *f.Spec,
		Image: image.LocalName, TaskDefinitionFamily: family, TaskDefinition: td, Block: block,
		Deployments: []plan.Deployment{}, Warnings: nonNil(warnings),
	}
	for _, d := range s.Deployments {
		dep, err := b.agentDeployment(n, s, d, storage, infra, paramSchema)
		if err != nil {
			return plan.Flow{}, err
		}
		fl.Deployments = append(fl.Deployments, dep)
	}
	sort.SliceStable(fl.Deployments, func(i, j int) bool { return fl.Deployments[i].Name < fl.Deployments[j].Name })
	return fl, nil
}

// agentDeployment plans one deployment of an agent-era flow; n names the
// flow.
func (b *builder) agentDeployment(n names, s *spec.AgentSpec, d spec.AgentDeployment, storage string, infra plan.BlockRef, paramSchema json.RawMessage) (plan.Deployment, error) {
	n.deployment = d.DeploymentName
	name := n.name(pocket.AgentDeployment)
	req := plan.DeploymentRequest{
		Name:                   name,
		Version:                plan.Some(b.sha7),
		Tags:                   n.names(pocket.AgentTags),
		WorkQueueName:          n.name(pocket.AgentQueue),
		Path:                   plan.Some(n.name(pocket.StoragePath)),
		Entrypoint:             n.name(pocket.AgentEntrypoint),
		ParameterOpenAPISchema: paramSchema,
	}
	unmanaged := []string{"is_schedule_active"}
	if params, empty, err := objectOrEmpty(d.Parameters); err != nil {
		return plan.Deployment{}, fmt.Errorf("%s: deployment %s: parameters: %w", n.path, d.DeploymentName, err)
	} else if empty {
		unmanaged = append(unmanaged, "parameters")
	} else {
		req.Parameters = params
	}
	if desc := s.Flow.Description; desc != nil && *desc != "" {
		req.Description = plan.Some(*desc)
	} else {
		unmanaged = append(unmanaged, "description")
	}
	if b.typ.Scheduled() && d.Schedule != nil {
		sc, err := scheduleFromSpec(*d.Schedule)
		if err != nil {
			return plan.Deployment{}, fmt.Errorf("%s: deployment %s: %w", n.path, d.DeploymentName, err)
		}
		req.Schedule = plan.Some(sc)
	} else {
		unmanaged = append(unmanaged, "schedule")
	}
	overrides, err := b.agentInfraOverrides(d)
	if err != nil {
		return plan.Deployment{}, fmt.Errorf("%s: deployment %s: %w", n.path, d.DeploymentName, err)
	}
	req.InfraOverrides = overrides
	sort.Strings(unmanaged)
	return plan.Deployment{
		FlowName:            n.flow,
		Name:                name,
		StorageBlock:        &plan.BlockRef{BlockTypeSlug: blockTypeGitHub, Name: storage},
		InfrastructureBlock: &infra,
		Request:             req,
		Unmanaged:           unmanaged,
	}, nil
}

// jsonPatchOp is one RFC 6902 operation of task_customizations.
type jsonPatchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value"`
}

// agentInfraOverrides: env.NAME for each envar (values as written, no
// quotes), and task_customizations as a JSON-patch list (prefect-aws's
// ECSTask accepts the list as well as its JSON text).
func (b *builder) agentInfraOverrides(d spec.AgentDeployment) (json.RawMessage, error) {
	o := map[string]any{}
	for _, e := range d.Envars {
		o["env."+e.EnvarName] = e.EnvarValue
	}
	o["task_customizations"] = []jsonPatchOp{
		{Op: "add", Path: "/overrides/cpu", Value: d.CPU},
		{Op: "add", Path: "/overrides/memory", Value: d.Memory},
		{Op: "add", Path: "/networkConfiguration/awsvpcConfiguration/subnets", Value: nonNil(b.opts.Subnets)},
		{Op: "add", Path: "/networkConfiguration/awsvpcConfiguration/securityGroups", Value: nonNil(b.opts.SecurityGroups)},
		{Op: "add", Path: "/networkConfiguration/awsvpcConfiguration/assignPublicIp", Value: "DISABLED"},
	}
	out, err := json.Marshal(o)
	if err != nil {
		return nil, fmt.Errorf("encoding infra_overrides: %w", err)
	}
	return out, nil
}

// ParseBlockRef reads an infrastructure block reference, "<slug>/<name>", or
// the original's whole "-ib <slug>/<name>" argument.
func ParseBlockRef(s string) (plan.BlockRef, error) {
	v := strings.TrimSpace(s)
	for _, flag := range []string{"-ib ", "--infra-block "} {
		if rest, ok := strings.CutPrefix(v, flag); ok {
			v = strings.TrimSpace(rest)
		}
	}
	slugPart, name, ok := strings.Cut(v, "/")
	if !ok || slugPart == "" || name == "" || strings.ContainsAny(v, " \t") {
		return plan.BlockRef{}, fmt.Errorf("infrastructure block %q must be <block type slug>/<block name>, like ecs-task/my-block", s)
	}
	return plan.BlockRef{BlockTypeSlug: slugPart, Name: name}, nil
}

// ---- worker era ----

func (b *builder) workerImageName(env project.WorkerDockerEnv) string {
	n := b.names
	n.env = env.Name
	return n.name(pocket.WorkerImage)
}

func (b *builder) workerFamily(env project.WorkerDockerEnv) string {
	n := b.names
	n.image = b.workerImageName(env)
	return n.name(pocket.WorkerFamily)
}

func (b *builder) workerImage(env project.WorkerDockerEnv) plan.Image {
	local := b.workerImageName(env)
	family := b.workerFamily(env)
	repo := b.registry() + "/" + pocket.WorkerRepository
	tag := b.imageTag(local)
	group := env.DependencyGroup
	if group == "" {
		group = "main"
	}
	im := plan.Image{
		API: spec.APIWorker, Env: env.Name, LocalName: local,
		Dockerfile: env.DockerfilePath, Context: ".",
		BuildArgs:  map[string]string{"PYTHON_VERSION": env.PythonVersion, "DEPENDENCY_GROUP": group},
		Platform:   "linux/amd64",
		Repository: repo, Tag: tag, URI: repo + ":" + tag,
	}
	if b.proj.PrefectVersion != "" {
		// As the original's build_image.sh, with the locked prefect version.
		im.BuildArgs["PREFECT_VERSION"] = b.proj.PrefectVersion
	}
	im.TaskDefinition = &plan.TaskDefinition{
		Family:                  family,
		TaskRoleArn:             b.roleARN("task"),
		ExecutionRoleArn:        b.roleARN("exec"),
		NetworkMode:             "awsvpc",
		RequiresCompatibilities: []string{"FARGATE"},
		Cpu:                     workerTaskCPU,
		Memory:                  workerTaskMemory,
		EphemeralStorage:        &plan.EphemeralStorage{SizeInGiB: workerEphemeralGiB},
		ContainerDefinitions: []plan.ContainerDefinition{{
			Name:             pocket.Container,
			Image:            im.URI,
			Environment:      []plan.KeyValuePair{{Name: "DF_CONFIG_DEPLOYMENT_TYPE", Value: b.names.name(pocket.DeploymentEnv)}},
			LogConfiguration: b.logConfiguration(family),
			MountPoints:      []plan.MountPoint{{SourceVolume: scratchVolume, ContainerPath: scratchContainerPath}},
		}},
		Volumes: []plan.Volume{{Name: scratchVolume}},
	}
	return im
}

func (b *builder) workerFlow(f spec.FileResult) (plan.Flow, error) {
	s := f.Spec.Worker
	env, ok := b.proj.WorkerEnvs[s.DockerEnv]
	if !ok {
		return plan.Flow{}, fmt.Errorf("%s: docker_env %q is not a [tool.prefect.docker] table of pyproject.toml", f.Path, s.DockerEnv)
	}
	if msg, bad := b.broken[s.DockerEnv]; bad {
		return plan.Flow{}, fmt.Errorf("%s: docker_env %q is broken: %s", f.Path, s.DockerEnv, msg)
	}
	if b.opts.GitRepository == "" && !b.opts.CheckOnly {
		why := ""
		if b.opts.GitRepositoryHint != "" {
			why = " (no origin remote to fall back on: " + b.opts.GitRepositoryHint + ")"
		}
		return plan.Flow{}, fmt.Errorf("%s: a worker-era flow needs the git repository its pull step clones: pass --git-repository URL or set DF_CONFIG_GH_REPO%s", f.Path, why)
	}
	n := b.names
	n.path, n.function, n.flowName = f.Path, s.Flow.Function, s.Flow.Name
	n.flow = n.name(pocket.WorkerFlow)
	n.family = b.workerFamily(env)
	flowName, family := n.flow, n.family
	paramSchema, warnings, err := ParameterSchema(s.Flow.Parameters)
	if err != nil {
		return plan.Flow{}, fmt.Errorf("%s: %w", f.Path, err)
	}
	fl := plan.Flow{
		Path: f.Path, SHA256: f.SHA256, FlowSpecLine: f.FlowSpecLine, API: spec.APIWorker,
		Name: flowName, Function: s.Flow.Function, Spec: *f.Spec,
		Image: b.workerImageName(env), TaskDefinitionFamily: family,
		Deployments: []plan.Deployment{}, Warnings: nonNil(warnings),
	}
	pull, err := b.pullSteps()
	if err != nil {
		return plan.Flow{}, err
	}
	for _, d := range s.Deployments {
		dep, err := b.workerDeployment(n, s, d, paramSchema, pull)
		if err != nil {
			return plan.Flow{}, err
		}
		fl.Deployments = append(fl.Deployments, dep)
	}
	sort.SliceStable(fl.Deployments, func(i, j int) bool { return fl.Deployments[i].Name < fl.Deployments[j].Name })
	return fl, nil
}

// pullSteps clone the repository's deployment branch and work in the
// sub-project's directory, so entrypoints resolve from the project root.
func (b *builder) pullSteps() (json.RawMessage, error) {
	branch := b.opts.GitBranch
	if branch == "" {
		branch = b.names.name(pocket.GitBranch)
	}
	steps := []map[string]any{
		{"prefect.deployments.steps.git_clone": map[string]any{"id": "clone-project", "repository": b.opts.GitRepository, "branch": branch}},
		{"prefect.deployments.steps.set_working_directory": map[string]any{"directory": "{{ clone-project.directory }}/" + b.proj.RootName}},
	}
	out, err := json.Marshal(steps)
	if err != nil {
		return nil, fmt.Errorf("encoding pull steps: %w", err)
	}
	return out, nil
}

// workerDeployment plans one deployment of a worker-era flow; n names the
// flow.
func (b *builder) workerDeployment(n names, s *spec.WorkerSpec, d spec.WorkerDeployment, paramSchema, pull json.RawMessage) (plan.Deployment, error) {
	where := fmt.Sprintf("%s: deployment %s", n.path, d.Name)
	n.deployment, n.pool = d.Name, d.WorkPoolName
	name := n.name(pocket.WorkerDeployment)
	tags := append(slices.Clone(d.Tags), n.names(pocket.WorkerTags)...)
	params, _, err := objectOrEmpty(d.Parameters)
	if err != nil {
		return plan.Deployment{}, fmt.Errorf("%s: parameters: %w", where, err)
	}
	queue := d.WorkQueueName
	if queue == "" {
		queue = pocket.WorkerQueue
	}
	pool := n.name(pocket.WorkerPool)
	jobVars, err := b.jobVariables(n, d)
	if err != nil {
		return plan.Deployment{}, fmt.Errorf("%s: job_variables: %w", where, err)
	}
	req := plan.DeploymentRequest{
		Name:                   name,
		Tags:                   tags,
		Parameters:             params,
		WorkQueueName:          queue,
		WorkPoolName:           &pool,
		Entrypoint:             n.name(pocket.WorkerEntrypoint),
		PullSteps:              pull,
		ParameterOpenAPISchema: paramSchema,
		Version:                plan.Null[string](),
		Description:            plan.Null[string](),
	}
	if d.Version != nil && *d.Version != "" {
		req.Version = plan.Some(*d.Version)
	}
	switch {
	case d.Description != nil && *d.Description != "":
		req.Description = plan.Some(*d.Description)
	case s.Flow.Description != nil && *s.Flow.Description != "":
		req.Description = plan.Some(*s.Flow.Description)
	}
	var sched *plan.Schedule
	if b.typ.Scheduled() && d.Cron != nil && *d.Cron != "" {
		tz := d.Timezone
		dayOr := true
		sched = &plan.Schedule{Cron: d.Cron, Timezone: &tz, DayOr: &dayOr}
	}
	switch b.target {
	case plan.TargetPrefect3:
		req.Schedules = []plan.DeploymentSchedule{}
		if sched != nil {
			req.Schedules = append(req.Schedules, plan.DeploymentSchedule{Schedule: *sched, Active: true})
		}
		req.JobVariables = jobVars
		enforce := d.EnforceParameterSchema
		req.EnforceParameterSchema = &enforce
		req.Path = plan.Null[string]()
	default:
		if sched != nil {
			req.Schedule = plan.Some(*sched)
		} else {
			req.Schedule = plan.Null[plan.Schedule]()
		}
		req.InfraOverrides = jobVars
		req.Path = plan.Null[string]()
		// Prefect 2 servers before 2.14 refuse enforce_parameter_schema as
		// an unknown field, so it is sent only when it is asked for.
		if d.EnforceParameterSchema {
			if b.target != plan.TargetPrefect2Worker {
				return plan.Deployment{}, fmt.Errorf("%s: enforce_parameter_schema=True needs Prefect 2.14 or later; use --prefect-target %s or %s", where, plan.TargetPrefect2Worker, plan.TargetPrefect3)
			}
			enforce := true
			req.EnforceParameterSchema = &enforce
		}
	}
	return plan.Deployment{FlowName: n.flow, Name: name, Request: req, Unmanaged: []string{}}, nil
}

// jobVariables are the deployment's own, plus (as the original did, for
// pools whose name contains "aws") the env's task definition ARN without
// revision, which ECS resolves to the latest active one.
func (b *builder) jobVariables(n names, d spec.WorkerDeployment) (json.RawMessage, error) {
	vars := map[string]json.RawMessage{}
	if raw := bytes.TrimSpace(d.JobVariables); len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &vars); err != nil {
			return nil, fmt.Errorf("not a JSON object: %w", err)
		}
	}
	if strings.Contains(d.WorkPoolName, "aws") {
		arn := n.name(pocket.TaskDefARN)
		v, err := json.Marshal(arn)
		if err != nil {
			return nil, err
		}
		vars["task_definition_arn"] = v
	}
	return json.Marshal(vars)
}

// ---- helpers ----

// scheduleFromSpec converts a lifted schedule to Prefect's form, keeping
// what the original dropped: the cron timezone and day_or, the rrule
// timezone, the interval's whole length (days included), anchor date and
// timezone.
func scheduleFromSpec(s spec.Schedule) (plan.Schedule, error) {
	switch s.Type {
	case "cron":
		dayOr := s.DayOr == nil || *s.DayOr
		cron := s.Cron
		return plan.Schedule{Cron: &cron, DayOr: &dayOr, Timezone: s.Timezone}, nil
	case "interval":
		if s.IntervalSeconds == nil {
			return plan.Schedule{}, fmt.Errorf("interval schedule without an interval")
		}
		secs := *s.IntervalSeconds
		if secs <= 0 {
			return plan.Schedule{}, fmt.Errorf("interval schedule of %s seconds: Prefect requires a positive interval", strconv.FormatFloat(secs, 'f', -1, 64))
		}
		return plan.Schedule{Interval: &secs, AnchorDate: s.AnchorDate, Timezone: s.Timezone}, nil
	case "rrule":
		rr := s.RRule
		return plan.Schedule{RRule: &rr, Timezone: s.Timezone}, nil
	}
	return plan.Schedule{}, fmt.Errorf("unknown schedule type %q", s.Type)
}

// objectOrEmpty checks that raw is a JSON object (null or absent counts as
// {}) and reports whether it is empty.
func objectOrEmpty(raw json.RawMessage) (json.RawMessage, bool, error) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || string(t) == "null" {
		return json.RawMessage("{}"), true, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(t, &m); err != nil {
		return nil, false, fmt.Errorf("not a JSON object: %w", err)
	}
	return json.RawMessage(t), len(m) == 0, nil
}

// collision is one resource two flows would both write (or one flow
// twice), with the flows involved.
type collision struct {
	msg   string
	paths []string
}

// collisions finds flows that would write the same task definition, block or
// deployment (e.g. two folders slugging to the same name). Each flow is
// named by its FLOW_SPEC's file and line.
func collisions(pl *plan.Plan) []collision {
	var out []collision
	type owner struct{ path, at string }
	seen := map[string]owner{}
	claim := func(kind, id string, f plan.Flow) {
		key := kind + "\x00" + id
		at := fmt.Sprintf("%s:%d", f.Path, f.FlowSpecLine)
		if other, ok := seen[key]; ok && other.path != f.Path {
			out = append(out, collision{
				msg:   fmt.Sprintf("%s and %s both define %s %s (their folder and flow names slug to the same names)", other.at, at, kind, id),
				paths: []string{other.path, f.Path},
			})
			return
		}
		seen[key] = owner{f.Path, at}
	}
	for _, f := range pl.Flows {
		if f.TaskDefinition != nil {
			claim("task definition", f.TaskDefinition.Family, f)
		}
		if f.Block != nil {
			claim("block", f.Block.BlockTypeSlug+"/"+f.Block.Name, f)
		}
		depSeen := map[string]bool{}
		for _, d := range f.Deployments {
			id := d.FlowName + "/" + d.Name
			if depSeen[id] {
				out = append(out, collision{msg: fmt.Sprintf("%s:%d defines deployment %s twice", f.Path, f.FlowSpecLine, id), paths: []string{f.Path}})
			}
			depSeen[id] = true
			claim("deployment", id, f)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
