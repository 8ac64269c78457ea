package eval

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/extractor/internal/lift"
)

// effectHeader builds a FLOW_SPEC every case then changes.
const effectHeader = `import os
from prefect import flow
from common.deployment import FlowDeployment, FlowSpec
from unknown_lib import helper

@flow(description="as written")
def my_flow():
    pass

deps = [FlowDeployment(deployment_name="a"), FlowDeployment(deployment_name="b")]
FLOW_SPEC = FlowSpec(flow=my_flow, docker_env="base", deployments=deps)
`

// liftFlow evaluates a flow file and lifts its FLOW_SPEC; it returns the
// error messages of both stages.
func liftFlow(t *testing.T, src string) []string {
	t.Helper()
	r := evalFlow(t, src, Options{})
	msgs := errorsOf(r)
	if len(msgs) > 0 || r.FlowSpec == nil {
		return msgs
	}
	_, diags := lift.Lift(r.FlowSpec, r.FlowSpecPos, lift.Context{AgentEnvs: map[string]bool{"base": true}})
	for _, d := range diags.Errors() {
		msgs = append(msgs, d.Error())
	}
	return msgs
}

// Every place where code can change what FLOW_SPEC holds is followed (the
// differential cases check those against CPython) or, when the extractor
// cannot follow it, makes FLOW_SPEC an error: never a spec that silently
// lacks the change. Each case fails if its effect is dropped.
func TestEffectsAreFollowedOrRefused(t *testing.T) {
	for _, tc := range []struct {
		name, code string
		want       string // a part of the error; "" when the effect is followed
	}{
		{"attribute assignment is followed", `FLOW_SPEC.ephemeral_storage_gb = 150`, ""},
		{"augmented assignment is followed", `FLOW_SPEC.ephemeral_storage_gb += 1`, ""},
		{"setattr is followed", `setattr(FLOW_SPEC, "docker_env", "base")`, ""},
		{"a field's list method is followed", `FLOW_SPEC.deployments.pop()`, ""},
		{"assignment of a non-field", `FLOW_SPEC.colour = "red"`, `ValueError: "FlowSpec" object has no field "colour"`},
		{"a sort by a lambda is followed", `FLOW_SPEC.deployments.sort(key=lambda d: d.deployment_name, reverse=True)`, ""},
		{"a sort by an unknown key function", `FLOW_SPEC.deployments.sort(key=helper)`, "unknown_lib"},
		{"an unmodeled method may change its object", `FLOW_SPEC.deployments.frobnicate()`, "AttributeError"},
		{"an unknown function may change its argument", `helper(FLOW_SPEC.deployments)`, "unknown_lib"},
		{"an unknown function may change a model", `helper(FLOW_SPEC)`, "unknown_lib"},
		{"a flow's attribute is changed", `my_flow.description = "changed"`, "assignment to attribute description of function my_flow"},
		{"a seed class is changed", `FlowDeployment.cpu = "4096"`, "class FlowDeployment is changed after its definition"},
		{"exec can change anything", `exec("FLOW_SPEC.ephemeral_storage_gb = 100")`, "exec() can change any name"},
		{"globals() can rebind anything", `globals()["FLOW_SPEC"] = None`, "globals() can change any name"},
		{"a called function that uses exec", "def f():\n    exec('x = 1')\nf()", "exec() can change any name"},
		{"a function not run that uses exec", "import lib\ndef f():\n    exec('x = 1')\nlib.register(f)\nif lib.flag():\n    f()", "function f calls exec()"},
		{"a library module is patched", "os.getenv = helper\nFLOW_SPEC.deployments[0].parameters['e'] = os.getenv('FOO')", "unknown_lib"},
		{"a patched module's other functions", "os.environ = {}\nFLOW_SPEC.deployments[0].parameters['e'] = os.getenv('FOO')", "module os was changed at line"},
		{"deleting a field", `del FLOW_SPEC.deployments`, "attribute deletion"},
		{"a change under an unknown condition", "if helper():\n    FLOW_SPEC.ephemeral_storage_gb = 30", "unknown_lib"},
		{"a change in a loop over unknown values", "for d in helper():\n    FLOW_SPEC.deployments.append(d)", "unknown_lib"},
		{"a change in a try body that may fail", "try:\n    helper()\nexcept Exception:\n    FLOW_SPEC.deployments.clear()", "except clause"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msgs := liftFlow(t, effectHeader+tc.code+"\n")
			if tc.want == "" {
				require.Empty(t, msgs)
				return
			}
			require.NotEmpty(t, msgs, "the effect of %q was dropped silently", tc.code)
			assert.Contains(t, strings.Join(msgs, "\n"), tc.want)
		})
	}
}
