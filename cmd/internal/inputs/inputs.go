// Package inputs resolves the plan's inputs (deployment type, git sha, AWS
// settings, block names, Prefect target) from flags, then environment
// variables in order, then defaults, recording where each value came from,
// for the commands that make a plan (flowspec-extract, deployer
// deploy-envs and deploy-flows).
package inputs

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/flowplan/flowplan/extractor/project"
	"github.com/flowplan/flowplan/extractor/spec"
	"github.com/flowplan/flowplan/plan"
	"github.com/flowplan/flowplan/planner"
)

// Input is one resolved input and where its value came from.
type Input struct {
	Name  string
	Value string
	// Source is "flag", "env:NAME", "default", "apply" (left for apply
	// time), "git:remote.origin.url" (the checkout's origin) or
	// "pyproject.toml" (the project's own setting).
	Source string
}

// Provenance of the inputs that have no flag or variable set.
const (
	SourceGitOrigin = "git:remote.origin.url"
	SourcePyproject = "pyproject.toml"
)

// Spec says how one input is resolved: its flag, then the environment
// variables in order, then the default.
type Spec struct {
	Flag    string
	Envs    []string
	Default string
	Help    string
	// Unknown inputs have no default: when absent they are left for apply
	// time.
	Unknown bool
}

// Specs returns the inputs of a plan, in the order the plan records them.
func Specs() []Spec {
	return []Spec{
		{Flag: "deployment-type", Envs: []string{"POCKET_PREFECT_DEPLOYMENT_TYPE", "DEPLOYMENT_TYPE"}, Default: "dev", Help: "dev, staging or main"},
		{Flag: "git-sha", Envs: []string{"CIRCLE_SHA1", "GIT_SHA"}, Default: "dev", Help: "commit the images and deployments are versioned by (first 7 characters used)"},
		{Flag: "aws-region", Envs: []string{"DEFAULT_AWS_REGION", "AWS_DEFAULT_REGION"}, Default: "us-east-1", Help: "AWS region of ECR, ECS and Secrets Manager"},
		{Flag: "aws-account-id", Envs: []string{"AWS_ACCOUNT_ID"}, Unknown: true, Help: "AWS account id; when absent the deployer asks STS at apply time"},
		{Flag: "subnets", Envs: []string{"POCKET_AWS_SUBNETS"}, Default: "[]", Help: "JSON list of subnet ids for the flow runs"},
		{Flag: "security-groups", Envs: []string{"POCKET_AWS_SECURITY_GROUPS"}, Default: "[]", Help: "JSON list of security group ids for the flow runs"},
		{Flag: "storage-block", Envs: []string{"POCKET_PREFECT_GITHUB_BLOCK"}, Help: "GitHub storage block name (default data-flows-<deployment type>)"},
		{Flag: "infrastructure-block", Envs: []string{"POCKET_PREFECT_INFRASTRUCTURE_BLOCK"}, Help: "infrastructure block for every deployment, as <type>/<name> (default ecs-task/<flow block>)"},
		{Flag: "prefect-target", Envs: []string{"FLOWPLAN_PREFECT_TARGET"}, Default: plan.TargetPrefect2Agent, Help: "prefect2-agent, prefect2-worker or prefect3 (default prefect2-worker when the project has worker-era flows, else prefect2-agent)"},
		{Flag: "git-repository", Envs: []string{"DF_CONFIG_GH_REPO"}, Help: "repository URL worker-era deployments clone (default: the checkout's origin remote, read from its git config)"},
		{Flag: "git-branch", Envs: []string{"FLOWPLAN_GIT_BRANCH"}, Help: "branch worker-era deployments clone (default <deployment type>-v2)"},
		{Flag: "registry", Envs: []string{"FLOWPLAN_REGISTRY"}, Help: "registry the images are pushed to, as HOST[/PREFIX] (default <account>.dkr.ecr.<region>.amazonaws.com)"},
		{Flag: "flows-folder", Envs: []string{"DF_CONFIG_FLOWS_PATH_OVERRIDE", "MOZILLA_FLOWS_PATH_OVERRIDE"}, Help: "folder of the *_flow.py files, relative to the project (default: [tool.prefect] flows_folder of pyproject.toml, else src)"},
	}
}

type stringFlag struct {
	value string
	set   bool
}

func (f *stringFlag) String() string     { return f.value }
func (f *stringFlag) Set(v string) error { f.value, f.set = v, true; return nil }

// Flags are the input flags of one command.
type Flags struct {
	specs  []Spec
	values map[string]*stringFlag
}

// Args returns the input flags that were set, as --name=value in the order
// of Specs, for a command that hands the same inputs to flowspec-extract.
// Inputs from the environment are not included: the child process
// inherits them and records the same provenance.
func (f *Flags) Args() []string {
	var args []string
	for _, s := range f.specs {
		if v := f.values[s.Flag]; v.set {
			args = append(args, "--"+s.Flag+"="+v.value)
		}
	}
	return args
}

// Register adds one flag per input to fs, each documenting its environment
// fallbacks.
func (f *Flags) Register(fs *flag.FlagSet) {
	f.specs = Specs()
	f.values = map[string]*stringFlag{}
	for _, s := range f.specs {
		v := &stringFlag{value: s.Default}
		f.values[s.Flag] = v
		help := s.Help
		if len(s.Envs) > 0 {
			help += " (env " + strings.Join(s.Envs, ", then ") + ")"
		}
		fs.Var(v, s.Flag, help)
	}
}

// Resolved are the inputs after flags, environment and defaults.
type Resolved struct {
	All            []Input
	byName         map[string]Input
	subnets        []string
	securityGroups []string
	deploymentType spec.DeploymentType
	// registry is the registry given as an input ("" = the default ECR).
	registry string
	// gitRepositoryHint says why no git repository was found, for the
	// error of a plan whose worker-era flows need one.
	gitRepositoryHint string
}

// FlowsFolder is the flows folder given by flag or environment ("" keeps
// the project's own).
func (r *Resolved) FlowsFolder() string {
	if in := r.byName["flows-folder"]; in.Source != "default" {
		return in.Value
	}
	return ""
}

// DeploymentType is the lowercased, checked deployment type.
func (r *Resolved) DeploymentType() spec.DeploymentType { return r.deploymentType }

// Get returns the input of that flag name.
func (r *Resolved) Get(name string) Input { return r.byName[name] }

// Resolve resolves every input and checks each value where it is given:
// deployment type, git sha, region, account id, JSON lists of subnet and
// security group ids, block names, Prefect target, git repository and
// branch, flows folder. projectDir is the sub-project: when no git
// repository is given, its checkout's origin remote is used, as the
// original's `git ls-remote --get-url origin`.
func (f *Flags) Resolve(getenv func(string) (string, bool), projectDir string) (*Resolved, error) {
	r := &Resolved{byName: map[string]Input{}}
	for _, s := range f.specs {
		in := Input{Name: s.Flag}
		fv := f.values[s.Flag]
		if fv.set {
			in.Value, in.Source = fv.value, "flag"
		} else {
			found := false
			for _, e := range s.Envs {
				if v, ok := getenv(e); ok && v != "" {
					in.Value, in.Source, found = v, "env:"+e, true
					break
				}
			}
			if !found {
				in.Value, in.Source = s.Default, "default"
				if s.Unknown {
					in.Source = "apply"
				}
			}
		}
		if s.Flag == "deployment-type" {
			in.Value = strings.ToLower(strings.TrimSpace(in.Value))
			typ, err := spec.ParseDeploymentType(in.Value)
			if err != nil {
				return nil, fmt.Errorf("deployment type %q (from %s) must be dev, staging or main", in.Value, in.Source)
			}
			r.deploymentType = typ
		}
		r.All = append(r.All, in)
		r.byName[s.Flag] = in
	}
	// Inputs whose default follows the deployment type are recorded with the
	// value the plan really uses, not an empty string.
	typ := r.DeploymentType()
	for name, def := range map[string]string{"storage-block": planner.DefaultStorageBlock(typ), "git-branch": planner.DefaultGitBranch(typ)} {
		if in := r.byName[name]; in.Source == "default" && in.Value == "" {
			in.Value = def
			r.byName[name] = in
			for i := range r.All {
				if r.All[i].Name == name {
					r.All[i] = in
				}
			}
		}
	}
	if err := resolveRegistry(r); err != nil {
		return nil, err
	}
	if in := r.byName["git-repository"]; in.Source == "default" {
		origin, err := ReadGitOrigin(projectDir)
		if err == nil {
			r.set(Input{Name: "git-repository", Value: origin.URL, Source: SourceGitOrigin})
		} else {
			r.gitRepositoryHint = err.Error()
		}
	}
	if err := checkValues(r); err != nil {
		return nil, err
	}
	var err error
	if r.subnets, err = jsonList(r.byName["subnets"]); err != nil {
		return nil, err
	}
	if r.securityGroups, err = jsonList(r.byName["security-groups"]); err != nil {
		return nil, err
	}
	switch t := r.byName["prefect-target"]; t.Value {
	case plan.TargetPrefect2Agent, plan.TargetPrefect2Worker, plan.TargetPrefect3:
	default:
		return nil, fmt.Errorf("prefect target %q (from %s) must be prefect2-agent, prefect2-worker or prefect3", t.Value, t.Source)
	}
	return r, nil
}

// set replaces an input's resolution.
func (r *Resolved) set(in Input) {
	r.byName[in.Name] = in
	for i := range r.All {
		if r.All[i].Name == in.Name {
			r.All[i] = in
		}
	}
}

func jsonList(in Input) ([]string, error) {
	var out []string
	if err := json.Unmarshal([]byte(in.Value), &out); err != nil {
		return nil, fmt.Errorf("%s (from %s) must be a JSON list of strings, like [\"subnet-1\"]: %w", in.Name, in.Source, err)
	}
	if out == nil {
		out = []string{}
	}
	return out, nil
}

// EnvRead is an environment variable a flow file read.
type EnvRead struct {
	Name, Value string
	Found       bool
}

// PlanOptions returns the plan options for an extraction of proj into
// files: every input, plus every environment variable a flow file read (as
// "flow-env:NAME"), is recorded with its provenance. proj is nil when the
// project could not be read.
func (r *Resolved) PlanOptions(proj *project.Project, files []spec.FileResult, envReads []EnvRead, generator string) planner.Options {
	opts := planner.Options{
		DeploymentType:      r.DeploymentType(),
		GitSHA:              r.byName["git-sha"].Value,
		AWSRegion:           r.byName["aws-region"].Value,
		AWSAccountID:        r.byName["aws-account-id"].Value,
		Subnets:             r.subnets,
		SecurityGroups:      r.securityGroups,
		StorageBlock:        r.byName["storage-block"].Value,
		InfrastructureBlock: r.byName["infrastructure-block"].Value,
		Target:              r.byName["prefect-target"].Value,
		GitRepository:       r.byName["git-repository"].Value,
		GitRepositoryHint:   r.gitRepositoryHint,
		GitBranch:           r.byName["git-branch"].Value,
		Registry:            r.registry,
		Generator:           generator,
	}
	if in := r.byName["prefect-target"]; in.Source == "default" && hasWorkerFlows(files) {
		// Worker-era flows are deployed to workers: the original's
		// prefect.yaml sent enforce_parameter_schema, which only the
		// worker target can (Prefect 2.14+ is checked at apply time).
		opts.Target = plan.TargetPrefect2Worker
	}
	for _, in := range r.All {
		if in.Name == "prefect-target" && in.Source == "default" {
			in.Value = opts.Target
		}
		if in.Name == "flows-folder" && in.Source == "default" && proj != nil {
			// The project's own folder, as the plan's project records it.
			in.Value, in.Source = proj.FlowsFolder, SourcePyproject
		}
		opts.Inputs = append(opts.Inputs, plan.Input{Name: in.Name, Value: in.Value, Source: in.Source})
	}
	for _, e := range envReads {
		src := "env:" + e.Name
		if !e.Found {
			src = "env:" + e.Name + " (unset)"
		}
		opts.Inputs = append(opts.Inputs, plan.Input{Name: "flow-env:" + e.Name, Value: e.Value, Source: src})
	}
	return opts
}

// resolveRegistry checks a given registry, and records the default one
// (the account's ECR registry in the region, the account left as
// plan.PlaceholderAWSAccountID until apply when it is not known).
func resolveRegistry(r *Resolved) error {
	in := r.byName["registry"]
	if in.Source == "default" && in.Value == "" {
		account := r.byName["aws-account-id"].Value
		if account == "" {
			account = plan.PlaceholderAWSAccountID
		}
		in.Value = planner.ECRRegistry(account, r.byName["aws-region"].Value)
	} else {
		host, err := planner.ParseRegistry(in.Value)
		if err != nil {
			return fmt.Errorf("%w (from %s)", err, in.Source)
		}
		in.Value, r.registry = host, host
	}
	r.byName["registry"] = in
	for i := range r.All {
		if r.All[i].Name == "registry" {
			r.All[i] = in
		}
	}
	return nil
}

// hasWorkerFlows reports a worker-era flow the plan deploys (not one
// marked is_agent=True).
func hasWorkerFlows(files []spec.FileResult) bool {
	for _, f := range files {
		if f.Spec != nil && f.Spec.Worker != nil && !f.Spec.Worker.IsAgent {
			return true
		}
	}
	return false
}

// checkValues refuses input values the plan could not use, so that they are
// usage errors (exit 2) named by their flag or variable, not plan failures
// or, worse, failures at apply time.
func checkValues(r *Resolved) error {
	var errs []error
	bad := func(in Input, format string, args ...any) {
		errs = append(errs, fmt.Errorf("--%s %q (from %s): %s", in.Name, in.Value, in.Source, fmt.Sprintf(format, args...)))
	}
	if in := r.byName["git-sha"]; strings.TrimSpace(in.Value) == "" {
		errs = append(errs, fmt.Errorf("git sha (from %s) is empty; give a commit sha, or leave it unset for \"dev\"", in.Source))
	} else if !gitSHAPattern.MatchString(in.Value) {
		bad(in, "a commit sha (or a word such as dev) of letters, digits, '.', '_' and '-': its first 7 characters end image tags and deployment versions")
	}
	if in := r.byName["aws-region"]; !regionPattern.MatchString(in.Value) {
		bad(in, "not an AWS region name such as us-east-1 or eu-west-2")
	}
	if in := r.byName["aws-account-id"]; in.Value != "" && !isAccountID(in.Value) {
		errs = append(errs, fmt.Errorf("AWS account id %q (from %s) must be 12 digits", in.Value, in.Source))
	}
	if in := r.byName["storage-block"]; !blockNamePattern.MatchString(in.Value) {
		bad(in, "Prefect refuses block names other than lowercase letters, digits and dashes")
	}
	if in := r.byName["infrastructure-block"]; in.Value != "" {
		ref, err := planner.ParseBlockRef(in.Value)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("%w (from %s)", err, in.Source))
		case !blockNamePattern.MatchString(ref.BlockTypeSlug) || !blockNamePattern.MatchString(ref.Name):
			bad(in, "Prefect refuses block type slugs and block names other than lowercase letters, digits and dashes")
		}
	}
	for _, name := range []string{"subnets", "security-groups"} {
		in := r.byName[name]
		ids, err := jsonList(in)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		prefix := map[string]string{"subnets": "subnet", "security-groups": "sg"}[name]
		for _, id := range ids {
			if !awsIDPattern(prefix).MatchString(id) {
				bad(in, "%q is not a %s id (%s- and 8 or 17 hexadecimal digits)", id, strings.TrimSuffix(name, "s"), prefix)
			}
		}
	}
	if in := r.byName["git-repository"]; in.Value != "" && in.Source != SourceGitOrigin {
		if err := checkRepositoryURL(in.Value); err != nil {
			bad(in, "%v", err)
		}
	}
	if in := r.byName["git-branch"]; !isBranchName(in.Value) {
		bad(in, "not a git branch name")
	}
	if in := r.byName["flows-folder"]; in.Source != "default" {
		if err := checkRelativeFolder(in.Value); err != nil {
			bad(in, "%v", err)
		}
	}
	return errors.Join(errs...)
}

var (
	gitSHAPattern    = regexp.MustCompile(`^[0-9A-Za-z_][0-9A-Za-z_.-]{0,127}$`)
	regionPattern    = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`)
	blockNamePattern = regexp.MustCompile(`^[a-z0-9-]+$`)
	subnetPattern    = regexp.MustCompile(`^subnet-([0-9a-f]{8}|[0-9a-f]{17})$`)
	sgPattern        = regexp.MustCompile(`^sg-([0-9a-f]{8}|[0-9a-f]{17})$`)
	scpLikePattern   = regexp.MustCompile(`^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s]+$`)
)

func awsIDPattern(prefix string) *regexp.Regexp {
	if prefix == "sg" {
		return sgPattern
	}
	return subnetPattern
}

// checkRepositoryURL accepts what Prefect's git_clone step can clone: an
// http(s), ssh or git URL, or scp-like user@host:path, without a password
// (the URL is written into the plan and the deployments).
func checkRepositoryURL(s string) error {
	if scpLikePattern.MatchString(s) {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || strings.ContainsAny(s, " \t\n") {
		return errors.New("not a repository URL (https://host/owner/repo.git or git@host:owner/repo.git)")
	}
	switch u.Scheme {
	case "https", "http", "ssh", "git":
	default:
		return fmt.Errorf("scheme %q: want https, http, ssh or git", u.Scheme)
	}
	if _, hasPassword := u.User.Password(); hasPassword || (u.User != nil && (u.Scheme == "https" || u.Scheme == "http")) {
		return errors.New("holds credentials, which would be written into the plan and every deployment: give the URL without them and a credentials block to the pull step")
	}
	return nil
}

// isBranchName follows git check-ref-format's rules for a branch.
func isBranchName(s string) bool {
	if s == "" || s == "@" || strings.HasPrefix(s, "-") || strings.HasPrefix(s, "/") || strings.HasSuffix(s, "/") ||
		strings.HasSuffix(s, ".") || strings.HasSuffix(s, ".lock") || strings.Contains(s, "..") || strings.Contains(s, "@{") || strings.Contains(s, "//") {
		return false
	}
	for _, c := range s {
		if c < 0x20 || c == 0x7f || strings.ContainsRune(" ~^:?*[\\", c) {
			return false
		}
	}
	for _, part := range strings.Split(s, "/") {
		if strings.HasPrefix(part, ".") {
			return false
		}
	}
	return true
}

// checkRelativeFolder accepts a folder relative to the project that stays
// inside it.
func checkRelativeFolder(s string) error {
	switch {
	case s == "":
		return errors.New("empty (use . for the project root)")
	case path.IsAbs(s) || filepath.IsAbs(s):
		return errors.New("must be relative to the project root")
	}
	clean := path.Clean(filepath.ToSlash(s))
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return errors.New("must stay inside the project root")
	}
	return nil
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
