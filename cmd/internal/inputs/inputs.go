// Package inputs resolves the plan's inputs (deployment type, git sha, AWS
// settings, block names, Prefect target) from flags, then environment
// variables in order, then defaults, recording where each value came from,
// for the commands that make a plan (flowspec-extract, deployer
// deploy-envs and deploy-flows).
package inputs

import (
	"encoding/json"
	"flag"
	"fmt"
	"strings"

	"github.com/flowplan/flowplan/extractor"
	"github.com/flowplan/flowplan/plan"
)

// Input is one resolved input and where its value came from.
type Input struct {
	Name   string
	Value  string
	Source string // "flag", "env:NAME", "default", or "apply" (left for apply time)
}

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
		{Flag: "prefect-target", Envs: []string{"FLOWPLAN_PREFECT_TARGET"}, Default: plan.TargetPrefect2Agent, Help: "prefect2-agent, prefect2-worker or prefect3"},
		{Flag: "git-repository", Envs: []string{"DF_CONFIG_GH_REPO"}, Help: "repository URL worker-era deployments clone (required for worker-era flows)"},
		{Flag: "git-branch", Envs: []string{"FLOWPLAN_GIT_BRANCH"}, Help: "branch worker-era deployments clone (default <deployment type>-v2)"},
		{Flag: "registry", Envs: []string{"FLOWPLAN_REGISTRY"}, Help: "registry the images are pushed to, as HOST[/PREFIX] (default <account>.dkr.ecr.<region>.amazonaws.com)"},
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
	// registry is the registry given as an input ("" = the default ECR).
	registry string
}

// DeploymentType is the lowercased, checked deployment type.
func (r *Resolved) DeploymentType() string { return r.byName["deployment-type"].Value }

// Get returns the input of that flag name.
func (r *Resolved) Get(name string) Input { return r.byName[name] }

// Resolve resolves every input and checks the deployment type, the JSON
// lists and the Prefect target.
func (f *Flags) Resolve(getenv func(string) (string, bool)) (*Resolved, error) {
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
			switch in.Value {
			case "dev", "staging", "main":
			default:
				return nil, fmt.Errorf("deployment type %q (from %s) must be dev, staging or main", in.Value, in.Source)
			}
		}
		r.All = append(r.All, in)
		r.byName[s.Flag] = in
	}
	// Inputs whose default follows the deployment type are recorded with the
	// value the plan really uses, not an empty string.
	typ := r.DeploymentType()
	for name, def := range map[string]string{"storage-block": "data-flows-" + typ, "git-branch": typ + "-v2"} {
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

// PlanOptions returns the plan options for an extraction: every input,
// plus every environment variable a flow file read (as "flow-env:NAME"),
// is recorded with its provenance.
func (r *Resolved) PlanOptions(res *extractor.Result, generator string) plan.Options {
	opts := plan.Options{
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
		GitBranch:           r.byName["git-branch"].Value,
		Registry:            r.registry,
		Generator:           generator,
	}
	for _, in := range r.All {
		opts.Inputs = append(opts.Inputs, plan.Input{Name: in.Name, Value: in.Value, Source: in.Source})
	}
	for _, e := range res.EnvReads {
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
		in.Value = plan.ECRRegistry(account, r.byName["aws-region"].Value)
	} else {
		host, err := plan.ParseRegistry(in.Value)
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

// checkValues refuses input values the plan could not use, so that they are
// usage errors (exit 2) named by their flag or variable, not plan failures.
func checkValues(r *Resolved) error {
	if in := r.byName["git-sha"]; strings.TrimSpace(in.Value) == "" {
		return fmt.Errorf("git sha (from %s) is empty; give a commit sha, or leave it unset for \"dev\"", in.Source)
	}
	if in := r.byName["aws-account-id"]; in.Value != "" && !isAccountID(in.Value) {
		return fmt.Errorf("AWS account id %q (from %s) must be 12 digits", in.Value, in.Source)
	}
	if in := r.byName["infrastructure-block"]; in.Value != "" {
		if _, err := plan.ParseBlockRef(in.Value); err != nil {
			return fmt.Errorf("%w (from %s)", err, in.Source)
		}
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
