package planner

import (
	"github.com/flowplan/flowplan/extractor/spec"
	"strings"

	"github.com/flowplan/flowplan/extractor/slug"
)

// conventions holds the pattern of every name the plan derives.
type conventions struct {
	// images: one per docker env, pushed to <registry>/<repository>:<tag>
	ECRRegistry      string
	AgentImage       string // [tool.prefect.envs]
	AgentRepository  string
	WorkerImage      string // [tool.prefect.docker]
	WorkerRepository string
	ImageTag         string

	// ECS task definitions: one per flow (agent era), one per env (worker era)
	AgentFamily   string
	WorkerFamily  string
	Role          string // <kind> is task or exec
	Container     string
	LogGroup      string
	SecretARN     string
	TaskDefARN    string // without revision: ECS resolves the latest active one
	DeploymentEnv string // DF_CONFIG_DEPLOYMENT_TYPE in the worker-era container

	// Prefect, agent era: an ECS task block per flow, storage in a GitHub block
	AgentFlow       string
	ECSTaskBlock    string
	Cluster         string
	StorageBlock    string
	StoragePath     string
	AgentDeployment string
	AgentQueue      string
	AgentEntrypoint string
	AgentTags       []string

	// Prefect, worker era: work pools, the pull step clones the repository
	WorkerFlow       string
	WorkerDeployment string
	WorkerPool       string
	WorkerQueue      string // when the spec names none
	WorkerEntrypoint string
	WorkerTags       []string // after the spec's own tags
	GitBranch        string
}

// pocket is the naming convention of Pocket's data-flows tooling, which
// the plan reproduces (docs/plan.md, "Names", tabulates it for users). In
// a pattern, <x> stands for the value x of the thing being named
// (see names.value) and <slug(x)> for its python-slugify slug; <type> is
// the deployment type, dev, staging or main. Nothing changes this table.
var pocket = conventions{
	ECRRegistry:      "<account>.dkr.ecr.<region>.amazonaws.com",
	AgentImage:       "<project>-<slug(env)>-py-<python>",
	AgentRepository:  "data-flows-prefect-envs",
	WorkerImage:      "<project>-<slug(env)>",
	WorkerRepository: "data-flows-prefect-v2-envs",
	ImageTag:         "<image>-<sha7>",

	AgentFamily:   "<slug(flow)>-<type>",
	WorkerFamily:  "<image>-<type>",
	Role:          "arn:aws:iam::<account>:role/data-flows-prefect-<type>-<kind>-role",
	Container:     "prefect",
	LogGroup:      "prefect",
	SecretARN:     "arn:aws:secretsmanager:<region>:<account>:secret:<secret>",
	TaskDefARN:    "arn:aws:ecs:<region>:<account>:task-definition/<family>",
	DeploymentEnv: "<type>",

	AgentFlow:       "<project>.<slug(folder)>.<slug(function)>",
	ECSTaskBlock:    "<family>",
	Cluster:         "prefect-v2-agent-<type>",
	StorageBlock:    "data-flows-<type>",
	StoragePath:     "<root>/<dir>",
	AgentDeployment: "<slug(deployment)>-<type>",
	AgentQueue:      "prefect-v2-queue-<type>",
	AgentEntrypoint: "<file>:<function>",
	AgentTags:       []string{"<project>", "<slug(folder)>", "<type>"},

	WorkerFlow:       "<project>.<flow_name>",
	WorkerDeployment: "<deployment>-<type>",
	WorkerPool:       "<pool>-<type>",
	WorkerQueue:      "default",
	WorkerEntrypoint: "<path>:<function>",
	WorkerTags:       []string{"<type>", "<project>"},
	GitBranch:        "<type>-v2",
}

// names are the values a pattern's placeholders stand for. The zero value
// of a field is "": a pattern naming a field its caller left empty gets an
// empty part, which the tests of the table rule out.
type names struct {
	typ        spec.DeploymentType
	account    string
	region     string
	sha7       string
	project    string // the project's slug
	root       string // the sub-project directory's last path element
	env        string // a docker env's key in pyproject.toml
	python     string // its python_version
	image      string // a local image name
	family     string // a task definition family
	kind       string // task or exec (a role)
	secret     string // a secret's envar_value
	path       string // the flow file, relative to the project root
	dir        string // its directory
	file       string // its base name
	folder     string // its directory's base name
	function   string // the flow function's __name__
	flow       string // the flow's name in Prefect, as the plan deploys it
	flowName   string // the flow's own name: @flow(name=), else the function's with _ -> -
	deployment string // a deployment's name in the spec
	pool       string // a work pool's name in the spec
}

// value is the value of the placeholder key.
func (n *names) value(key string) (string, bool) {
	switch key {
	case "type":
		return n.typ.String(), true
	case "account":
		return n.account, true
	case "region":
		return n.region, true
	case "sha7":
		return n.sha7, true
	case "project":
		return n.project, true
	case "root":
		return n.root, true
	case "env":
		return n.env, true
	case "python":
		return n.python, true
	case "image":
		return n.image, true
	case "family":
		return n.family, true
	case "kind":
		return n.kind, true
	case "secret":
		return n.secret, true
	case "path":
		return n.path, true
	case "dir":
		return n.dir, true
	case "file":
		return n.file, true
	case "folder":
		return n.folder, true
	case "function":
		return n.function, true
	case "flow":
		return n.flow, true
	case "flow_name":
		return n.flowName, true
	case "deployment":
		return n.deployment, true
	case "pool":
		return n.pool, true
	}
	return "", false
}

// name fills in pattern's placeholders. A placeholder names no value only
// when the table itself is wrong, which TestConventions catches; name
// panics then rather than derive a wrong name.
func (n *names) name(pattern string) string {
	if !strings.Contains(pattern, "<") {
		return pattern
	}
	var b strings.Builder
	b.Grow(len(pattern) + 32)
	rest := pattern
	for {
		open := strings.IndexByte(rest, '<')
		if open < 0 {
			b.WriteString(rest)
			return b.String()
		}
		end := strings.IndexByte(rest[open:], '>')
		if end < 0 {
			panic("planner: unterminated placeholder in naming pattern " + pattern)
		}
		b.WriteString(rest[:open])
		key := rest[open+1 : open+end]
		inner, slugged := strings.CutPrefix(key, "slug(")
		if slugged {
			var ok bool
			if inner, ok = strings.CutSuffix(inner, ")"); !ok {
				panic("planner: bad placeholder <" + key + "> in naming pattern " + pattern)
			}
		}
		v, ok := n.value(inner)
		if !ok {
			panic("planner: unknown placeholder <" + key + "> in naming pattern " + pattern)
		}
		if slugged {
			v = slug.Make(v)
		}
		b.WriteString(v)
		rest = rest[open+end+1:]
	}
}

// names fills in each pattern.
func (n *names) names(patterns []string) []string {
	out := make([]string, len(patterns))
	for i, p := range patterns {
		out[i] = n.name(p)
	}
	return out
}

// ECRRegistry returns the ECR registry host of an account and region, the
// default registry of a plan.
func ECRRegistry(account, region string) string {
	n := names{account: account, region: region}
	return n.name(pocket.ECRRegistry)
}

// DefaultStorageBlock is the GitHub storage block agent-era deployments use
// unless one is given.
func DefaultStorageBlock(t spec.DeploymentType) string {
	n := names{typ: t}
	return n.name(pocket.StorageBlock)
}

// DefaultGitBranch is the branch worker-era pull steps clone unless one is
// given.
func DefaultGitBranch(t spec.DeploymentType) string {
	n := names{typ: t}
	return n.name(pocket.GitBranch)
}
