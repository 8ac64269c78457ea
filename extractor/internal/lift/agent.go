package lift

import (
	"fmt"
	"strings"

	"github.com/flowplan/flowplan/extractor/internal/value"
	"github.com/flowplan/flowplan/extractor/slug"
	"github.com/flowplan/flowplan/extractor/spec"
)

// The agent-era models of common.deployment. Fields and defaults follow the
// README era (Pocket/data-flows 49c77e4), with what the other agent-era
// versions accepted too: FlowSpec.is_agent (05bf314, default True), FlowSpec.envars (934f457), FlowSecret in
// FlowSpec.secrets (8c0797c, the version before the README's, where it was
// FlowSecret(envar_name, secret_name)), and schedule=None (934f457 made the
// field Optional; at 49c77e4 the default is a tuple holding a FieldInfo,
// which the deploy code treats as "no schedule"). ephemeral_storage_gb keeps
// the README era's conint(gt=19, lt=201) with default 20.
var (
	agentFlowSpec = model{
		name: "FlowSpec", module: "common.deployment",
		fields:   []string{"flow", "secrets", "envars", "docker_env", "ephemeral_storage_gb", "deployments", "is_agent"},
		required: []string{"flow", "docker_env"},
	}
	agentFlowDeployment = model{
		name: "FlowDeployment", module: "common.deployment",
		fields:   []string{"deployment_name", "cpu", "memory", "parameters", "schedule", "envars"},
		required: []string{"deployment_name"},
	}
	agentFlowEnvar = model{
		name: "FlowEnvar", module: "common.deployment",
		fields:   []string{"envar_name", "envar_value"},
		required: []string{"envar_name", "envar_value"},
	}
	agentFlowSecret = model{
		name: "FlowSecret", module: "common.deployment",
		fields:   []string{"envar_name", "secret_name"},
		required: []string{"envar_name", "secret_name"},
	}
)

const (
	agentDefaultCPU          = "256"
	agentDefaultMemory       = "512"
	agentDefaultStorageGB    = 20
	agentStorageGreaterThan  = 19
	agentStorageLessThan     = 201
	agentDeploymentEnvsTable = "[tool.prefect.envs.<name>]"
)

func (l *lifter) agentSpec(x *value.Instance) *spec.AgentSpec {
	m := agentFlowSpec
	args, _, _, ok := l.fieldArgs(m, []string{value.ClassAgentFlowSpec}, x, arg{pos: x.Pos, src: x.Src})
	if args == nil {
		return nil
	}
	s := &spec.AgentSpec{API: spec.APIAgent, Secrets: []spec.Envar{}, Envars: []spec.Envar{}, Deployments: []spec.AgentDeployment{}}
	var fine bool
	if a, given := args["flow"]; given {
		s.Flow, fine = l.flow(m, a)
		ok = ok && fine
	}
	if s.Secrets, fine = l.envars(m, args, "secrets", true); !fine {
		ok = false
	}
	if s.Envars, fine = l.envars(m, args, "envars", false); !fine {
		ok = false
	}
	if s.DockerEnv, fine = l.dockerEnv(m, args, l.ctx.AgentEnvs, agentDeploymentEnvsTable); !fine {
		ok = false
	}
	if s.EphemeralStorageGB, fine = l.conint(m, args, "ephemeral_storage_gb", agentStorageGreaterThan, agentStorageLessThan, agentDefaultStorageGB); !fine {
		ok = false
	}
	if _, given := args["is_agent"]; given {
		isAgent, fine := l.boolean(m, args, "is_agent", true)
		ok = ok && fine
		if !isAgent {
			s.IsAgent = &isAgent
		}
	}
	deps, fine := l.list(m, args, "deployments")
	ok = ok && fine
	var depArgs []arg
	for _, d := range deps {
		dep, fine := l.agentDeployment(d, s.Envars)
		if !fine {
			ok = false
			continue
		}
		s.Deployments = append(s.Deployments, dep)
		depArgs = append(depArgs, d)
	}
	if ok {
		ok = l.uniqueNames(depArgs, func(i int) string { return s.Deployments[i].DeploymentName }, slug.Make, "deployment_name")
	}
	if !ok {
		return nil
	}
	return s
}

func (l *lifter) agentDeployment(at arg, base []spec.Envar) (spec.AgentDeployment, bool) {
	m := agentFlowDeployment
	args, _, _, ok := l.fieldArgs(m, []string{value.ClassAgentFlowDeployment}, at.val, at)
	if args == nil {
		return spec.AgentDeployment{}, false
	}
	d := spec.AgentDeployment{}
	var fine bool
	if d.DeploymentName, fine = l.str(m, args, "deployment_name", ""); !fine {
		ok = false
	}
	if d.CPU, fine = l.str(m, args, "cpu", agentDefaultCPU); !fine {
		ok = false
	}
	if d.Memory, fine = l.str(m, args, "memory", agentDefaultMemory); !fine {
		ok = false
	}
	if ok {
		ok = l.fargateSize(m, args, at, d.CPU, d.Memory)
	}
	if d.Parameters, fine = l.jsonDict(m, args, "parameters", true); !fine {
		ok = false
	}
	if a, given := args["schedule"]; given {
		if d.Schedule, fine = l.schedule(m, a); !fine {
			ok = false
		}
	}
	own, fine := l.envars(m, args, "envars", false)
	ok = ok && fine
	d.Envars = mergeEnvars(base, own)
	return d, ok
}

// mergeEnvars is the later agent era's `base = {spec envars}; base.update(
// {deployment envars})`: names keep their first place, the last value wins.
func mergeEnvars(lists ...[]spec.Envar) []spec.Envar {
	out := []spec.Envar{}
	index := map[string]int{}
	for _, list := range lists {
		for _, e := range list {
			if i, seen := index[e.EnvarName]; seen {
				out[i].EnvarValue = e.EnvarValue
				continue
			}
			index[e.EnvarName] = len(out)
			out = append(out, e)
		}
	}
	return out
}

// envars is a `list[FlowEnvar]` field; withSecrets also accepts FlowSecret
// (FlowSpec.secrets), whose secret_name becomes the envar value.
func (l *lifter) envars(m model, args map[string]arg, field string, withSecrets bool) ([]spec.Envar, bool) {
	elems, ok := l.list(m, args, field)
	if !ok {
		return nil, false
	}
	out := []spec.Envar{}
	for _, e := range elems {
		em, valueField, ids := agentFlowEnvar, "envar_value", []string{value.ClassAgentFlowEnvar}
		if withSecrets && isFlowSecret(e.val) {
			em, valueField, ids = agentFlowSecret, "secret_name", []string{value.ClassAgentFlowSecret}
		}
		eargs, _, _, fine := l.fieldArgs(em, ids, e.val, e)
		if eargs == nil {
			ok = false
			continue
		}
		name, nameOK := l.strictStr(em, eargs, "envar_name")
		val, valOK := l.strictStr(em, eargs, valueField)
		if !fine || !nameOK || !valOK {
			ok = false
			continue
		}
		out = append(out, spec.Envar{EnvarName: name, EnvarValue: val})
	}
	return out, ok
}

// isFlowSecret tells a FlowSecret call, or a dict shaped like one, from a FlowEnvar.
func isFlowSecret(v value.Value) bool {
	switch x := v.(type) {
	case *value.Instance:
		return x.Class.ID == value.ClassAgentFlowSecret
	case *value.Dict:
		hasSecret, hasValue := false, false
		for _, k := range x.Keys {
			switch k {
			case value.Str("secret_name"):
				hasSecret = true
			case value.Str("envar_value"):
				hasValue = true
			}
		}
		return hasSecret && !hasValue
	}
	return false
}

// dockerEnv is `docker_env: StrictStr`, which must name a declared env.
func (l *lifter) dockerEnv(m model, args map[string]arg, declared map[string]bool, table string) (string, bool) {
	a, given := args["docker_env"]
	if !given {
		return "", true
	}
	env, ok := l.strictStr(m, args, "docker_env")
	if !ok {
		return "", false
	}
	if !declared[env] {
		names := sortedKeys(declared)
		list := "none are declared"
		if len(names) > 0 {
			list = "declared: " + strings.Join(names, ", ")
		}
		l.errorf(a, "%s.docker_env: docker env %q is not declared in pyproject.toml as %s (%s)", m.name, env, table, list)
		return "", false
	}
	return env, true
}

// uniqueNames reports deployments whose names, after key, collide: Prefect
// would keep only the last one written.
func (l *lifter) uniqueNames(deps []arg, name func(int) string, key func(string) string, field string) bool {
	ok := true
	first := map[string]int{}
	for i, d := range deps {
		k := key(name(i))
		j, seen := first[k]
		if !seen {
			first[k] = i
			continue
		}
		at := d
		if a, given := namedArg(d, field); given {
			at = a
		}
		how := fmt.Sprintf("is the same name as deployment %d (%q)", j, name(j))
		if name(i) != name(j) {
			how = fmt.Sprintf("becomes %q, as does deployment %d (%q)", k, j, name(j))
		}
		l.errorf(at, "deployments[%d].%s %q %s: Prefect would keep only one of them", i, field, name(i), how)
		ok = false
	}
	return ok
}

// namedArg finds the keyword argument field of a model call.
func namedArg(d arg, field string) (arg, bool) {
	inst, ok := d.val.(*value.Instance)
	if !ok {
		return arg{}, false
	}
	for _, a := range inst.Args {
		if a.Name == field {
			return arg{name: a.Name, val: a.Value, pos: a.Pos, src: a.Src}, true
		}
	}
	return arg{}, false
}

// fargateSize checks that a deployment's cpu and memory, which the plan
// sends as ECS RunTask overrides, are a pair Fargate runs: ECS refuses any
// other at every run of the flow, long after the plan was approved. The
// error is at the argument at fault, or at the call when it was not given.
func (l *lifter) fargateSize(m model, args map[string]arg, call arg, cpu, memory string) bool {
	wrong, msg := spec.CheckFargate(cpu, memory)
	if wrong == "" {
		return true
	}
	at, given := args[wrong]
	if !given {
		at = call
	}
	l.errorf(at, "%s.%s: %s", m.name, wrong, msg)
	return false
}
