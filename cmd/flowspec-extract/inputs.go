package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"strings"

	"github.com/flowplan/flowplan/extractor"
	"github.com/flowplan/flowplan/plan"
)

// input is one resolved plan input and where its value came from.
type input struct {
	Name   string
	Value  string
	Source string // "flag", "env:NAME" or "default"
}

// stringFlag remembers whether it was set on the command line.
type stringFlag struct {
	value string
	set   bool
}

func (f *stringFlag) String() string     { return f.value }
func (f *stringFlag) Set(v string) error { f.value, f.set = v, true; return nil }

// inputSpec says how one input is resolved: flag, then env vars in order,
// then the default.
type inputSpec struct {
	flag    string
	envs    []string
	def     string
	help    string
	unknown bool // no default: left for apply time when absent
}

var inputSpecs = []inputSpec{
	{flag: "deployment-type", envs: []string{"POCKET_PREFECT_DEPLOYMENT_TYPE", "DEPLOYMENT_TYPE"}, def: "dev", help: "dev, staging or main"},
	{flag: "git-sha", envs: []string{"CIRCLE_SHA1", "GIT_SHA"}, def: "dev", help: "commit the images and deployments are versioned by (first 7 characters used)"},
	{flag: "aws-region", envs: []string{"DEFAULT_AWS_REGION", "AWS_DEFAULT_REGION"}, def: "us-east-1", help: "AWS region of ECR, ECS and Secrets Manager"},
	{flag: "aws-account-id", envs: []string{"AWS_ACCOUNT_ID"}, unknown: true, help: "AWS account id; when absent the deployer asks STS at apply time"},
	{flag: "subnets", envs: []string{"POCKET_AWS_SUBNETS"}, def: "[]", help: "JSON list of subnet ids for the flow runs"},
	{flag: "security-groups", envs: []string{"POCKET_AWS_SECURITY_GROUPS"}, def: "[]", help: "JSON list of security group ids for the flow runs"},
	{flag: "storage-block", envs: []string{"POCKET_PREFECT_GITHUB_BLOCK"}, help: "GitHub storage block name (default data-flows-<deployment type>)"},
	{flag: "infrastructure-block", envs: []string{"POCKET_PREFECT_INFRASTRUCTURE_BLOCK"}, help: "infrastructure block for every deployment, as <type>/<name> (default ecs-task/<flow block>)"},
	{flag: "prefect-target", envs: []string{"FLOWPLAN_PREFECT_TARGET"}, def: "prefect2-agent", help: "prefect2-agent, prefect2-worker or prefect3"},
	{flag: "git-repository", envs: []string{"DF_CONFIG_GH_REPO"}, help: "repository URL worker-era deployments clone (required for worker-era flows)"},
	{flag: "git-branch", envs: []string{"FLOWPLAN_GIT_BRANCH"}, help: "branch worker-era deployments clone (default <deployment type>-v2)"},
}

type inputFlags struct {
	values map[string]*stringFlag
}

func (f *inputFlags) register(fs *flag.FlagSet) {
	f.values = map[string]*stringFlag{}
	for _, s := range inputSpecs {
		v := &stringFlag{value: s.def}
		f.values[s.flag] = v
		help := s.help
		if len(s.envs) > 0 {
			help += " (env " + strings.Join(s.envs, ", then ") + ")"
		}
		fs.Var(v, s.flag, help)
	}
}

// resolvedInputs are the plan inputs after flags, environment and defaults.
type resolvedInputs struct {
	all            []input
	deploymentType input
	subnets        []string
	securityGroups []string
	byName         map[string]input
}

func (f *inputFlags) resolve(getenv func(string) (string, bool)) (*resolvedInputs, error) {
	r := &resolvedInputs{byName: map[string]input{}}
	for _, s := range inputSpecs {
		in := input{Name: s.flag}
		fv := f.values[s.flag]
		switch {
		case fv.set:
			in.Value, in.Source = fv.value, "flag"
		default:
			found := false
			for _, e := range s.envs {
				if v, ok := getenv(e); ok && v != "" {
					in.Value, in.Source, found = v, "env:"+e, true
					break
				}
			}
			if !found {
				in.Value, in.Source = s.def, "default"
				if s.unknown {
					in.Source = "apply"
				}
			}
		}
		r.all = append(r.all, in)
		r.byName[s.flag] = in
	}

	dt := r.byName["deployment-type"]
	dt.Value = strings.ToLower(strings.TrimSpace(dt.Value))
	switch dt.Value {
	case "dev", "staging", "main":
	default:
		return nil, fmt.Errorf("deployment type %q (from %s) must be dev, staging or main", dt.Value, dt.Source)
	}
	r.deploymentType = dt
	r.byName["deployment-type"] = dt
	r.all[0] = dt

	var err error
	if r.subnets, err = jsonList(r.byName["subnets"]); err != nil {
		return nil, err
	}
	if r.securityGroups, err = jsonList(r.byName["security-groups"]); err != nil {
		return nil, err
	}
	switch t := r.byName["prefect-target"]; t.Value {
	case "prefect2-agent", "prefect2-worker", "prefect3":
	default:
		return nil, fmt.Errorf("prefect target %q (from %s) must be prefect2-agent, prefect2-worker or prefect3", t.Value, t.Source)
	}
	return r, nil
}

func jsonList(in input) ([]string, error) {
	var out []string
	if err := json.Unmarshal([]byte(in.Value), &out); err != nil {
		return nil, fmt.Errorf("%s (from %s) must be a JSON list of strings, like [\"subnet-1\"]: %v", in.Name, in.Source, err)
	}
	if out == nil {
		out = []string{}
	}
	return out, nil
}

func (r *resolvedInputs) planOptions(res *extractor.Result) plan.Options {
	opts := plan.Options{
		DeploymentType:      r.deploymentType.Value,
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
		Generator:           version,
	}
	for _, in := range r.all {
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
