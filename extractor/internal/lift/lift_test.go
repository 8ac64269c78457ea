package lift

import (
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/extractor/diag"
	"github.com/flowplan/flowplan/extractor/internal/value"
	"github.com/flowplan/flowplan/extractor/spec"
)

var update = flag.Bool("update", false, "rewrite golden files")

var specPos = at(40, 1)

// golden compares the lifted spec's JSON with testdata/<name>.json.
func golden(t *testing.T, name string, s *spec.Spec) {
	t.Helper()
	got, err := json.MarshalIndent(s, "", "  ")
	require.NoError(t, err)
	got = append(got, '\n')
	path := filepath.Join("testdata", name+".json")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))
}

func messages(l diag.List) []string {
	out := make([]string, len(l))
	for i, d := range l {
		out[i] = d.Error()
	}
	return out
}

// The README's example flow, with every coercion the models perform.
func TestLiftAgentFull(t *testing.T) {
	fs := call(value.ClassAgentFlowSpec, 20, 13,
		kw("flow", flowFn(), 21, 5),
		kw("docker_env", str("base"), 22, 5),
		kw("ephemeral_storage_gb", fl(25.9), 23, 5),
		kw("secrets", list(
			call(value.ClassAgentFlowEnvar, 24, 15, kw("envar_name", str("DB"), 24, 25), kw("envar_value", str("db/secret"), 24, 43)),
			call(value.ClassAgentFlowSecret, 25, 15, kw("envar_name", str("API"), 25, 25), kw("secret_name", str("api/key"), 25, 43)),
			dict(str("envar_name"), str("OLD"), str("secret_name"), str("old/secret")),
		), 24, 5),
		kw("envars", tuple(
			call(value.ClassAgentFlowEnvar, 26, 15, kw("envar_name", str("LEVEL"), 26, 25), kw("envar_value", str("info"), 26, 45)),
			dict(str("envar_name"), str("REGION"), str("envar_value"), str("us-east-1")),
		), 26, 5),
		kw("deployments", list(
			call(value.ClassAgentFlowDeployment, 28, 9,
				kw("deployment_name", str("daily"), 28, 24),
				kw("cpu", i64(1024), 29, 13),
				kw("memory", i64(2048), 30, 13),
				kw("parameters", dict(str("a"), i64(1), i64(2), list(str("x"), value.None), str("nested"), dict(str("f"), fl(0.25))), 31, 13),
				kw("schedule", call(value.ClassCronSchedule, 32, 22, kw("cron", str("0 6 * * MON-FRI"), 32, 35), kw("timezone", str("America/New_York"), 32, 58)), 32, 13),
				kw("envars", list(call(value.ClassAgentFlowEnvar, 33, 20, kw("envar_name", str("LEVEL"), 33, 30), kw("envar_value", str("debug"), 33, 50)),
					call(value.ClassAgentFlowEnvar, 34, 20, kw("envar_name", str("EXTRA"), 34, 30), kw("envar_value", str("1"), 34, 50))), 33, 13),
			),
			call(value.ClassAgentFlowDeployment, 36, 9,
				kw("deployment_name", i64(2), 36, 24),
				kw("schedule", call(value.ClassIntervalSchedule, 36, 40,
					kw("interval", value.Timedelta{Days: 1, Seconds: 30}, 36, 58),
					kw("anchor_date", value.Datetime{Year: 2023, Month: 5, Day: 1, Hour: 9, TZ: "Europe/Paris", UTCOffsetSeconds: 7200}, 36, 80)), 36, 30),
			),
			dict(str("deployment_name"), str("hourly"), str("schedule"), dict(str("rrule"), str("FREQ=HOURLY;INTERVAL=2"))),
			call(value.ClassAgentFlowDeployment, 38, 9,
				kw("deployment_name", str("seconds"), 38, 24),
				kw("parameters", list(tuple(str("k"), value.Bool(true))), 38, 50),
				kw("schedule", call(value.ClassIntervalSchedule, 38, 70, kw("interval", fl(90.5), 38, 88)), 38, 60)),
		), 27, 5),
	)
	s, diags := Lift(fs, specPos, testCtx)
	require.Empty(t, messages(diags))
	require.NotNil(t, s)
	require.NotNil(t, s.Agent)
	assert.Equal(t, 25, s.Agent.EphemeralStorageGB, "int(25.9) truncates")
	golden(t, "agent_full", s)
}

// Every default filled in.
func TestLiftAgentDefaults(t *testing.T) {
	fs := call(value.ClassAgentFlowSpec, 20, 13,
		kw("flow", flowFn(), 21, 5),
		kw("docker_env", str("base"), 22, 5),
		kw("deployments", list(call(value.ClassAgentFlowDeployment, 23, 9, kw("deployment_name", str("only"), 23, 24))), 23, 5),
	)
	s, diags := Lift(fs, specPos, testCtx)
	require.Empty(t, messages(diags))
	golden(t, "agent_defaults", s)
}

func TestLiftWorker(t *testing.T) {
	fs := call(value.ClassWorkerFlowSpec, 20, 13,
		kw("flow", flowFn(), 21, 5),
		kw("docker_env", str("main"), 22, 5),
		kw("is_agent", str("no"), 23, 5),
		kw("deployments", list(
			call(value.ClassWorkerFlowDeployment, 24, 9, kw("name", str("nightly"), 24, 14)),
			call(value.ClassWorkerFlowDeployment, 25, 9,
				kw("name", str("custom"), 25, 14),
				kw("cron", str("0 0 * * *"), 25, 30),
				kw("timezone", str("Europe/Berlin"), 25, 50),
				kw("parameters", dict(i64(1), str("int key stays, json.dumps makes it a string")), 26, 14),
				kw("description", str("Custom one"), 27, 14),
				kw("tags", tuple(str("a"), i64(2)), 28, 14),
				kw("version", fl(1.5), 29, 14),
				kw("enforce_parameter_schema", i64(1), 30, 14),
				kw("work_pool_name", str("gpu-pool"), 31, 14),
				kw("work_queue_name", str("fast"), 32, 14),
				kw("job_variables", dict(str("cpu"), i64(1024), str("env"), dict(str("A"), str("b"))), 33, 14),
			),
		), 24, 5),
	)
	s, diags := Lift(fs, specPos, Context{WorkerEnvs: map[string]bool{"main": true}, DefaultWorkPool: "team-pool"})
	require.Empty(t, messages(diags))
	require.NotNil(t, s.Worker)
	assert.Equal(t, "team-pool", s.Worker.Deployments[0].WorkPoolName)
	golden(t, "worker", s)

	// Without DF_CONFIG_DEFAULT_WORK_POOL the original's fallback applies.
	s, diags = Lift(fs, specPos, Context{WorkerEnvs: map[string]bool{"main": true}})
	require.Empty(t, messages(diags))
	assert.Equal(t, DefaultWorkPoolFallback, s.Worker.Deployments[0].WorkPoolName)
	assert.Equal(t, "gpu-pool", s.Worker.Deployments[1].WorkPoolName)
}

// pydantic v1 builds a model field from any model instance through
// dict(instance): a project-local model with the right fields works.
func TestLiftDeploymentFromLocalModel(t *testing.T) {
	local := &value.Instance{Class: &value.Class{ID: "local:shared.Dep", Name: "Dep", Module: "shared"}, Pos: at(30, 9), Src: "Dep()",
		Fields: dict(str("deployment_name"), str("from-local"), str("cpu"), i64(512), str("memory"), str("1024"), str("note"), str("ignored"))}
	s, diags := Lift(withDeployments(local), specPos, testCtx)
	require.Empty(t, messages(diags.Errors()))
	require.NotNil(t, s)
	assert.Equal(t, "from-local", s.Agent.Deployments[0].DeploymentName)
	assert.Equal(t, "512", s.Agent.Deployments[0].CPU)
	assert.Equal(t, []string{"flows/x_flow.py:30:9: warning: unknown argument note= ignored by FlowDeployment (fields: deployment_name, cpu, memory, parameters, schedule, envars) (in `Dep()`)"}, messages(diags))
}

func TestLiftWorkerIsAgentIsLifted(t *testing.T) {
	fs := call(value.ClassWorkerFlowSpec, 20, 13,
		kw("flow", flowFn(), 21, 5), kw("docker_env", str("main"), 22, 5), kw("is_agent", value.Bool(true), 23, 5))
	s, diags := Lift(fs, specPos, testCtx)
	require.Empty(t, messages(diags))
	assert.True(t, s.Worker.IsAgent)
	assert.Empty(t, s.Worker.Deployments)
}

// FlowSpec.is_agent joined the agent-era model in 05bf314 (default True):
// it is a field, not an unknown argument, and coerces as a pydantic bool.
func TestLiftAgentIsAgent(t *testing.T) {
	for _, tc := range []struct {
		arg  value.Value
		want *bool
	}{
		{nil, nil},
		{value.Bool(false), boolp(false)},
		{str("yes"), nil},
		{i64(0), boolp(false)},
	} {
		args := []value.Arg{kw("flow", flowFn(), 21, 5), kw("docker_env", str("base"), 22, 5)}
		if tc.arg != nil {
			args = append(args, kw("is_agent", tc.arg, 23, 5))
		}
		s, diags := Lift(call(value.ClassAgentFlowSpec, 20, 13, args...), specPos, testCtx)
		require.Empty(t, messages(diags))
		assert.Equal(t, tc.want, s.Agent.IsAgent)
		assert.Equal(t, tc.want != nil && !*tc.want, s.DeployedElsewhere() != "")
	}
	_, diags := Lift(call(value.ClassAgentFlowSpec, 20, 13, kw("flow", flowFn(), 21, 5),
		kw("docker_env", str("base"), 22, 5), kw("is_agent", str("maybe"), 23, 5)), specPos, testCtx)
	assert.Equal(t, []string{"flows/x_flow.py:23:5: FlowSpec.is_agent: value could not be parsed to a boolean (got str) (in `is_agent=...`)"}, messages(diags))
}

func boolp(b bool) *bool { return &b }

// The plan sends cpu and memory as ECS RunTask overrides; Fargate refuses
// every pair outside its task sizes, so the error comes at extract time, at
// the argument at fault.
func TestLiftFargateSizes(t *testing.T) {
	for _, tc := range []struct {
		name     string
		cpu, mem value.Value
		want     string
	}{
		{"defaults", nil, nil, ""},
		{"valid pair", str("1024"), i64(4096), ""},
		{"largest", i64(16384), str("122880"), ""},
		{"cpu alone", str("512"), nil, `flows/x_flow.py:23:20: FlowDeployment.memory: memory "512" does not go with cpu "512" on Fargate, which takes one of 1024, 2048, 3072, 4096 (in ` + "`FlowDeployment(...)`)"},
		{"separator", str("1'024"), nil, `flows/x_flow.py:24:13: FlowDeployment.cpu: cpu "1'024" is not a number of CPU units; Fargate takes one of 256, 512, 1024, 2048, 4096, 8192, 16384 (in ` + "`cpu=...`)"},
		{"quoted memory", str("1024"), str(`4 GB "approx"`), `flows/x_flow.py:25:13: FlowDeployment.memory: memory "4 GB \"approx\"" is not a number of MiB; with cpu "1024" Fargate takes one of 2048, 3072, 4096, 5120, 6144, 7168, 8192 (in ` + "`memory=...`)"},
		{"float", fl(4096.0), i64(8192), `flows/x_flow.py:24:13: FlowDeployment.cpu: cpu "4096.0" is not a number of CPU units; Fargate takes one of 256, 512, 1024, 2048, 4096, 8192, 16384 (in ` + "`cpu=...`)"},
		{"not a size", str("300"), str("1024"), `flows/x_flow.py:24:13: FlowDeployment.cpu: cpu "300" is not a Fargate task size; Fargate takes one of 256, 512, 1024, 2048, 4096, 8192, 16384 (in ` + "`cpu=...`)"},
		{"leading zero", str("01024"), str("2048"), `flows/x_flow.py:24:13: FlowDeployment.cpu: cpu "01024" is not a number of CPU units; Fargate takes one of 256, 512, 1024, 2048, 4096, 8192, 16384 (in ` + "`cpu=...`)"},
		{"8 vCPU step", str("8192"), str("18432"), `flows/x_flow.py:25:13: FlowDeployment.memory: memory "18432" does not go with cpu "8192" on Fargate, which takes one of 16384, 20480, 24576, 28672, 32768, 36864, 40960, 45056, 49152, 53248, 57344, 61440 (in ` + "`memory=...`)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := []value.Arg{kw("deployment_name", str("d"), 23, 24)}
			if tc.cpu != nil {
				args = append(args, kw("cpu", tc.cpu, 24, 13))
			}
			if tc.mem != nil {
				args = append(args, kw("memory", tc.mem, 25, 13))
			}
			dep := call(value.ClassAgentFlowDeployment, 23, 20, args...)
			_, diags := Lift(withDeployments(dep), specPos, testCtx)
			if tc.want == "" {
				assert.Empty(t, messages(diags))
				return
			}
			assert.Equal(t, []string{tc.want}, messages(diags))
		})
	}
}

func TestLiftWarnings(t *testing.T) {
	fs := call(value.ClassAgentFlowSpec, 20, 13,
		kw("flow", flowFn(), 21, 5),
		kw("docker_env", str("base"), 22, 5),
		kw("deployment", list(), 23, 5),
		kw("deployments", list(call(value.ClassAgentFlowDeployment, 24, 9,
			kw("deployment_name", str("a"), 24, 24),
			kw("schedul", value.None, 24, 40),
			kw("totally_unrelated_name", i64(1), 24, 60),
		)), 24, 5),
	)
	s, diags := Lift(fs, specPos, testCtx)
	require.NotNil(t, s, "warnings do not fail the spec")
	assert.Equal(t, []string{
		"flows/x_flow.py:23:5: warning: unknown argument deployment= ignored by FlowSpec; did you mean deployments? (in `deployment=...`)",
		"flows/x_flow.py:24:40: warning: unknown argument schedul= ignored by FlowDeployment; did you mean schedule? (in `schedul=...`)",
		"flows/x_flow.py:24:60: warning: unknown argument totally_unrelated_name= ignored by FlowDeployment (fields: deployment_name, cpu, memory, parameters, schedule, envars) (in `totally_unrelated_name=...`)",
	}, messages(diags))
}

func TestLiftWorkerScheduleWarnings(t *testing.T) {
	fs := call(value.ClassWorkerFlowSpec, 20, 13,
		kw("flow", flowFn(), 21, 5), kw("docker_env", str("main"), 22, 5),
		kw("deployments", list(call(value.ClassWorkerFlowDeployment, 24, 9,
			kw("name", str("a"), 24, 14), kw("cron", str("0 25 * * *"), 24, 30), kw("timezone", str("Mars/Olympus"), 24, 50))), 24, 5))
	s, diags := Lift(fs, specPos, testCtx)
	require.NotNil(t, s)
	assert.Equal(t, []string{
		"flows/x_flow.py:24:30: warning: FlowDeployment.cron: Prefect will refuse this schedule when deploying to main: Invalid cron string: \"0 25 * * *\" (hour \"25\": out of range 0-23) (in `cron=...`)",
		"flows/x_flow.py:24:50: warning: FlowDeployment.timezone: Prefect will refuse this schedule when deploying to main: Invalid timezone: \"Mars/Olympus\" (in `timezone=...`)",
	}, messages(diags))
}

// agentSpecWith is a valid agent FlowSpec call plus extra arguments.
func agentSpecWith(extra ...value.Arg) *value.Instance {
	args := []value.Arg{kw("flow", flowFn(), 21, 5), kw("docker_env", str("base"), 22, 5)}
	return call(value.ClassAgentFlowSpec, 20, 13, append(args, extra...)...)
}

// deployment is an agent FlowDeployment call on line 30 with extra arguments.
func deployment(extra ...value.Arg) *value.Instance {
	args := []value.Arg{kw("deployment_name", str("d"), 30, 24)}
	return call(value.ClassAgentFlowDeployment, 30, 9, append(args, extra...)...)
}

func withDeployments(d ...value.Value) *value.Instance {
	return agentSpecWith(kw("deployments", list(d...), 29, 5))
}

func TestLiftErrors(t *testing.T) {
	unknown := &diag.Diagnostic{Pos: at(7, 9), Severity: diag.SeverityError, Construct: "load_cfg()", Msg: "call of load_cfg, which is not known statically"}
	plain := &value.Function{Name: "flow_1", Pos: at(3, 1)}
	tests := []struct {
		name string
		in   value.Value
		want []string
	}{
		{"None", value.None, []string{"flows/x_flow.py:40:1: FLOW_SPEC must be a FlowSpec(...) instance, got NoneType (in `FLOW_SPEC`)"}},
		{"dict", dict(), []string{"flows/x_flow.py:40:1: FLOW_SPEC must be a FlowSpec(...) instance, got dict (in `FLOW_SPEC`)"}},
		{"other model", call(value.ClassAgentFlowDeployment, 5, 13, kw("deployment_name", str("x"), 5, 30)),
			[]string{"flows/x_flow.py:40:1: FLOW_SPEC must be a FlowSpec(...) instance, got FlowDeployment (from common.deployment) (in `FLOW_SPEC`)"}},
		{"unknown", value.Unknown{Err: unknown}, []string{unknown.Error()}},
		{"missing required", call(value.ClassAgentFlowSpec, 20, 13), []string{
			"flows/x_flow.py:20:13: FlowSpec.docker_env: field required (in `FlowSpec(...)`)",
			"flows/x_flow.py:20:13: FlowSpec.flow: field required (in `FlowSpec(...)`)",
		}},
		{"positional", call(value.ClassAgentFlowSpec, 20, 13, pos(flowFn(), 20, 22), kw("docker_env", str("base"), 20, 30)), []string{
			"flows/x_flow.py:20:22: FlowSpec() takes no positional arguments: pydantic models are built from keyword arguments only (TypeError); write FlowSpec(flow=...) (in `...`)",
		}},
		{"repeated keyword", agentSpecWith(kw("docker_env", str("other"), 23, 5)), []string{
			"flows/x_flow.py:23:5: FlowSpec() got multiple values for keyword argument 'docker_env' (TypeError) (in `docker_env=...`)",
		}},
		{"flow not a flow", call(value.ClassAgentFlowSpec, 20, 13, kw("flow", plain, 21, 5), kw("docker_env", str("base"), 22, 5)), []string{
			"flows/x_flow.py:21:5: FlowSpec.flow: value is not a Prefect flow (decorate flow_1 with @flow) (in `flow=...`)",
		}},
		{"flow a string", call(value.ClassAgentFlowSpec, 20, 13, kw("flow", str("my_flow"), 21, 5), kw("docker_env", str("base"), 22, 5)), []string{
			"flows/x_flow.py:21:5: FlowSpec.flow: instance of Flow expected (got str) (in `flow=...`)",
		}},
		{"flow unknown", call(value.ClassAgentFlowSpec, 20, 13, kw("flow", value.Unknown{Err: unknown}, 21, 5), kw("docker_env", str("base"), 22, 5)), []string{unknown.Error()}},
		{"docker_env strict", call(value.ClassAgentFlowSpec, 20, 13, kw("flow", flowFn(), 21, 5), kw("docker_env", i64(1), 22, 5)), []string{
			"flows/x_flow.py:22:5: FlowSpec.docker_env: str type expected (got int) (in `docker_env=...`)",
		}},
		{"docker_env undeclared", call(value.ClassAgentFlowSpec, 20, 13, kw("flow", flowFn(), 21, 5), kw("docker_env", str("gpu"), 22, 5)), []string{
			"flows/x_flow.py:22:5: FlowSpec.docker_env: docker env \"gpu\" is not declared in pyproject.toml as [tool.prefect.envs.<name>] (declared: base, other) (in `docker_env=...`)",
		}},
		{"storage too small", agentSpecWith(kw("ephemeral_storage_gb", i64(19), 23, 5)), []string{
			"flows/x_flow.py:23:5: FlowSpec.ephemeral_storage_gb: ensure this value is greater than 19 (got ephemeral_storage_gb=...) (in `ephemeral_storage_gb=...`)",
		}},
		{"storage too large", agentSpecWith(kw("ephemeral_storage_gb", str("201"), 23, 5)), []string{
			"flows/x_flow.py:23:5: FlowSpec.ephemeral_storage_gb: ensure this value is less than 201 (got ephemeral_storage_gb=...) (in `ephemeral_storage_gb=...`)",
		}},
		{"storage not int", agentSpecWith(kw("ephemeral_storage_gb", str("lots"), 23, 5)), []string{
			"flows/x_flow.py:23:5: FlowSpec.ephemeral_storage_gb: value is not a valid integer (got ephemeral_storage_gb=...) (in `ephemeral_storage_gb=...`)",
		}},
		{"deployments not a list", agentSpecWith(kw("deployments", deployment(), 29, 5)), []string{
			"flows/x_flow.py:29:5: FlowSpec.deployments: value is not a valid list (got FlowDeployment (from common.deployment)) (in `deployments=...`)",
		}},
		{"deployments a set", agentSpecWith(kw("deployments", &value.Set{Elems: []value.Value{str("a"), str("b")}}, 29, 5)), []string{
			"flows/x_flow.py:29:5: FlowSpec.deployments: the order of a set's elements depends on hashing and is not known statically; use a list (got set) (in `deployments=...`)",
		}},
		{"deployment of the wrong class", withDeployments(call(value.ClassWorkerFlowDeployment, 30, 9, kw("name", str("x"), 30, 24))), []string{
			"flows/x_flow.py:30:9: value is not a valid FlowDeployment (from common.deployment): got FlowDeployment (from common.deployment.worker) (in `FlowDeployment(...)`)",
		}},
		{"deployment a string", withDeployments(str("daily")), []string{
			"flows/x_flow.py:29:5: value is not a valid FlowDeployment (from common.deployment): got str (in `deployments=...`)",
		}},
		{"deployment_name missing", withDeployments(call(value.ClassAgentFlowDeployment, 30, 9, kw("cpu", str("512"), 30, 24))), []string{
			"flows/x_flow.py:30:9: FlowDeployment.deployment_name: field required (in `FlowDeployment(...)`)",
		}},
		{"deployment dict with non-str key", withDeployments(dict(i64(1), str("x"))), []string{
			"flows/x_flow.py:29:5: FlowDeployment: keywords must be strings, got a int key (TypeError) (in `deployments=...`)",
		}},
		{"cpu a list", withDeployments(deployment(kw("cpu", list(), 31, 13))), []string{
			"flows/x_flow.py:31:13: FlowDeployment.cpu: str type expected (got list) (in `cpu=...`)",
		}},
		{"memory None", withDeployments(deployment(kw("memory", value.None, 31, 13))), []string{
			"flows/x_flow.py:31:13: FlowDeployment.memory: none is not an allowed value (in `memory=...`)",
		}},
		{"parameters not a dict", withDeployments(deployment(kw("parameters", str("a=1"), 31, 13))), []string{
			"flows/x_flow.py:31:13: FlowDeployment.parameters: value is not a valid dict (got str) (in `parameters=...`)",
		}},
		{"parameters key not coercible", withDeployments(deployment(kw("parameters", dict(tuple(i64(1)), i64(1)), 31, 13))), []string{
			"flows/x_flow.py:31:13: FlowDeployment.parameters: key of type tuple: str type expected (got tuple) (in `parameters=...`)",
		}},
		{"parameters with a set", withDeployments(deployment(kw("parameters", dict(str("ids"), list(i64(1), &value.Set{Elems: []value.Value{i64(2)}})), 31, 13))), []string{
			"flows/x_flow.py:31:13: FlowDeployment.parameters[\"ids\"][1]: not JSON-serializable, so Prefect cannot store it: Object of type set is not JSON serializable (json.dumps raises TypeError) (in `parameters=...`)",
		}},
		{"parameters with a datetime", withDeployments(deployment(kw("parameters", dict(str("start"), value.Datetime{Year: 2023, Month: 1, Day: 1}), 31, 13))), []string{
			"flows/x_flow.py:31:13: FlowDeployment.parameters[\"start\"]: not JSON-serializable, so Prefect cannot store it: Object of type datetime is not JSON serializable (json.dumps raises TypeError) (in `parameters=...`)",
		}},
		{"parameters with an unknown", withDeployments(deployment(kw("parameters", dict(str("a"), value.Unknown{Err: unknown}), 31, 13))), []string{unknown.Error()}},
		{"envar value strict", withDeployments(deployment(kw("envars", list(call(value.ClassAgentFlowEnvar, 31, 20, kw("envar_name", str("N"), 31, 30), kw("envar_value", i64(1), 31, 45))), 31, 13))), []string{
			"flows/x_flow.py:31:45: FlowEnvar.envar_value: str type expected (got int) (in `envar_value=...`)",
		}},
		{"FlowSecret in deployment envars", withDeployments(deployment(kw("envars", list(call(value.ClassAgentFlowSecret, 31, 20, kw("envar_name", str("N"), 31, 30), kw("secret_name", str("s"), 31, 45))), 31, 13))), []string{
			"flows/x_flow.py:31:20: value is not a valid FlowEnvar (from common.deployment): got FlowSecret (from common.deployment) (in `FlowSecret(...)`)",
		}},
		{"FlowSecret missing secret_name", agentSpecWith(kw("secrets", list(call(value.ClassAgentFlowSecret, 23, 20, kw("envar_name", str("N"), 23, 30))), 23, 5)), []string{
			"flows/x_flow.py:23:20: FlowSecret.secret_name: field required (in `FlowSecret(...)`)",
		}},
		{"schedule wrong type", withDeployments(deployment(kw("schedule", str("0 * * * *"), 31, 13))), []string{
			"flows/x_flow.py:31:13: FlowDeployment.schedule: value is not a valid schedule: expected IntervalSchedule, CronSchedule, RRuleSchedule or None (got str) (in `schedule=...`)",
		}},
		{"cron invalid", withDeployments(deployment(kw("schedule", call(value.ClassCronSchedule, 31, 22, kw("cron", str("61 * * * *"), 31, 35)), 31, 13))), []string{
			"flows/x_flow.py:31:35: CronSchedule.cron: Invalid cron string: \"61 * * * *\" (minute \"61\": out of range 0-59) (in `cron=...`)",
		}},
		{"cron hashed", withDeployments(deployment(kw("schedule", call(value.ClassCronSchedule, 31, 22, kw("cron", str("H * * * *"), 31, 35)), 31, 13))), []string{
			"flows/x_flow.py:31:35: CronSchedule.cron: Random and Hashed expressions are unsupported, recieved: \"H * * * *\" (in `cron=...`)",
		}},
		{"cron timezone invalid", withDeployments(deployment(kw("schedule", call(value.ClassCronSchedule, 31, 22, kw("cron", str("0 * * * *"), 31, 35), kw("timezone", str("EST5"), 31, 50)), 31, 13))), []string{
			"flows/x_flow.py:31:50: CronSchedule.timezone: Invalid timezone: \"EST5\" (in `timezone=...`)",
		}},
		{"cron extra keyword", withDeployments(deployment(kw("schedule", call(value.ClassCronSchedule, 31, 22, kw("cron", str("0 * * * *"), 31, 35), kw("tz", str("UTC"), 31, 50)), 31, 13))), []string{
			"flows/x_flow.py:31:50: CronSchedule.tz: extra fields not permitted (in `tz=...`)",
		}},
		{"cron day_or", withDeployments(deployment(kw("schedule", call(value.ClassCronSchedule, 31, 22, kw("cron", str("0 * * * *"), 31, 35), kw("day_or", str("sometimes"), 31, 50)), 31, 13))), []string{
			"flows/x_flow.py:31:50: CronSchedule.day_or: value could not be parsed to a boolean (got str) (in `day_or=...`)",
		}},
		{"interval not positive", withDeployments(deployment(kw("schedule", call(value.ClassIntervalSchedule, 31, 22, kw("interval", value.Timedelta{}, 31, 40)), 31, 13))), []string{
			"flows/x_flow.py:31:40: IntervalSchedule.interval: The interval must be positive (got timedelta) (in `interval=...`)",
		}},
		{"interval missing", withDeployments(deployment(kw("schedule", call(value.ClassIntervalSchedule, 31, 22), 31, 13))), []string{
			"flows/x_flow.py:31:22: IntervalSchedule.interval: field required (in `IntervalSchedule(...)`)",
		}},
		{"anchor not a datetime", withDeployments(deployment(kw("schedule", call(value.ClassIntervalSchedule, 31, 22, kw("interval", i64(60), 31, 40), kw("anchor_date", value.Date{Year: 2023, Month: 1, Day: 1}, 31, 55)), 31, 13))), []string{
			"flows/x_flow.py:31:55: IntervalSchedule.anchor_date: Unrecognized datetime. (got date) (in `anchor_date=...`)",
		}},
		{"rrule invalid", withDeployments(deployment(kw("schedule", call(value.ClassRRuleSchedule, 31, 22, kw("rrule", str("INTERVAL=2"), 31, 40)), 31, 13))), []string{
			"flows/x_flow.py:31:40: RRuleSchedule.rrule: Invalid RRule string \"INTERVAL=2\": FREQ is required (in `rrule=...`)",
		}},
		{"schedule dict matching nothing", withDeployments(deployment(kw("schedule", dict(str("every"), i64(5)), 31, 13))), []string{
			"flows/x_flow.py:31:13: CronSchedule.cron: field required (in `schedule=...`)",
			"flows/x_flow.py:31:13: CronSchedule.every: extra fields not permitted (in `schedule=...`)",
			"flows/x_flow.py:31:13: FlowDeployment.schedule: the dict is none of IntervalSchedule, CronSchedule, RRuleSchedule (each one's errors follow) (in `schedule=...`)",
			"flows/x_flow.py:31:13: IntervalSchedule.every: extra fields not permitted (in `schedule=...`)",
			"flows/x_flow.py:31:13: IntervalSchedule.interval: field required (in `schedule=...`)",
			"flows/x_flow.py:31:13: RRuleSchedule.every: extra fields not permitted (in `schedule=...`)",
			"flows/x_flow.py:31:13: RRuleSchedule.rrule: field required (in `schedule=...`)",
		}},
		{"deployment unknown", withDeployments(value.Unknown{Err: unknown}), []string{unknown.Error()}},
		{"cpu unknown", withDeployments(deployment(kw("cpu", value.Unknown{Err: unknown}, 31, 13))), []string{unknown.Error()}},
		{"local model missing a field", withDeployments(&value.Instance{Class: &value.Class{ID: "local:shared.Dep", Name: "Dep"}, Pos: at(30, 9), Src: "Dep()",
			Fields: dict(str("cpu"), str("512"))}), []string{
			"flows/x_flow.py:30:9: FlowDeployment.deployment_name: field required (in `Dep()`)",
		}},
		{"names that slugify alike", withDeployments(
			call(value.ClassAgentFlowDeployment, 30, 9, kw("deployment_name", str("Daily Run"), 30, 24)),
			call(value.ClassAgentFlowDeployment, 31, 9, kw("deployment_name", str("daily_run"), 31, 24)),
		), []string{
			"flows/x_flow.py:31:24: deployments[1].deployment_name \"daily_run\" becomes \"daily-run\", as does deployment 0 (\"Daily Run\"): Prefect would keep only one of them (in `deployment_name=...`)",
		}},
		{"every error together", call(value.ClassAgentFlowSpec, 20, 13,
			kw("flow", plain, 21, 5),
			kw("docker_env", str("gpu"), 22, 5),
			kw("deployments", list(deployment(kw("cpu", dict(), 31, 13)), call(value.ClassAgentFlowDeployment, 32, 9)), 29, 5),
		), []string{
			"flows/x_flow.py:21:5: FlowSpec.flow: value is not a Prefect flow (decorate flow_1 with @flow) (in `flow=...`)",
			"flows/x_flow.py:22:5: FlowSpec.docker_env: docker env \"gpu\" is not declared in pyproject.toml as [tool.prefect.envs.<name>] (declared: base, other) (in `docker_env=...`)",
			"flows/x_flow.py:31:13: FlowDeployment.cpu: str type expected (got dict) (in `cpu=...`)",
			"flows/x_flow.py:32:9: FlowDeployment.deployment_name: field required (in `FlowDeployment(...)`)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, diags := Lift(tt.in, specPos, testCtx)
			assert.Nil(t, s)
			assert.Equal(t, tt.want, messages(diags.Errors()))
		})
	}
}

func TestLiftWorkerErrors(t *testing.T) {
	spec := func(deps ...value.Value) *value.Instance {
		return call(value.ClassWorkerFlowSpec, 20, 13, kw("flow", flowFn(), 21, 5), kw("docker_env", str("main"), 22, 5), kw("deployments", list(deps...), 24, 5))
	}
	dep := func(extra ...value.Arg) *value.Instance {
		return call(value.ClassWorkerFlowDeployment, 25, 9, append([]value.Arg{kw("name", str("n"), 25, 14)}, extra...)...)
	}
	tests := []struct {
		name string
		in   value.Value
		want []string
	}{
		{"agent env is not a worker env", call(value.ClassWorkerFlowSpec, 20, 13, kw("flow", flowFn(), 21, 5), kw("docker_env", str("base"), 22, 5)), []string{
			"flows/x_flow.py:22:5: FlowSpec.docker_env: docker env \"base\" is not declared in pyproject.toml as [tool.prefect.docker.<name>] (declared: main) (in `docker_env=...`)",
		}},
		{"name missing", spec(call(value.ClassWorkerFlowDeployment, 25, 9)), []string{
			"flows/x_flow.py:25:9: FlowDeployment.name: field required (in `FlowDeployment(...)`)",
		}},
		{"timezone None", spec(dep(kw("timezone", value.None, 26, 14))), []string{
			"flows/x_flow.py:26:14: FlowDeployment.timezone: none is not an allowed value (in `timezone=...`)",
		}},
		{"tags a string", spec(dep(kw("tags", str("etl"), 26, 14))), []string{
			"flows/x_flow.py:26:14: FlowDeployment.tags: value is not a valid list (got str) (in `tags=...`)",
		}},
		{"tag a dict", spec(dep(kw("tags", list(dict()), 26, 14))), []string{
			"flows/x_flow.py:26:14: FlowDeployment.tags[0]: str type expected (got dict) (in `tags=...`)",
		}},
		{"enforce_parameter_schema", spec(dep(kw("enforce_parameter_schema", i64(3), 26, 14))), []string{
			"flows/x_flow.py:26:14: FlowDeployment.enforce_parameter_schema: value could not be parsed to a boolean (got int) (in `enforce_parameter_schema=...`)",
		}},
		{"job_variables with a set", spec(dep(kw("job_variables", dict(str("s"), &value.Set{}), 26, 14))), []string{
			"flows/x_flow.py:26:14: FlowDeployment.job_variables[\"s\"]: not JSON-serializable, so Prefect cannot store it: Object of type set is not JSON serializable (json.dumps raises TypeError) (in `job_variables=...`)",
		}},
		{"agent deployment in a worker spec", spec(deployment()), []string{
			"flows/x_flow.py:30:9: value is not a valid FlowDeployment (from common.deployment.worker): got FlowDeployment (from common.deployment) (in `FlowDeployment(...)`)",
		}},
		{"same name twice", spec(dep(), dep()), []string{
			"flows/x_flow.py:25:14: deployments[1].name \"n\" is the same name as deployment 0 (\"n\"): Prefect would keep only one of them (in `name=...`)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, diags := Lift(tt.in, specPos, testCtx)
			assert.Nil(t, s)
			assert.Equal(t, tt.want, messages(diags.Errors()))
		})
	}
}

func TestLiftFlowParameterDefaults(t *testing.T) {
	unknown := &diag.Diagnostic{Pos: at(4, 20), Severity: diag.SeverityError, Msg: "call of now(), which is not known statically"}
	fn := flowFn()
	fn.Flow.Parameters = []value.Param{
		{Name: "when", Kind: "positional_or_keyword", Default: value.Datetime{Year: 2023, Month: 1, Day: 1}, DefaultSrc: "datetime(2023, 1, 1)"},
		{Name: "ids", Kind: "positional_or_keyword", Default: &value.Set{Elems: []value.Value{i64(1), i64(2)}}, DefaultSrc: "{1, 2}"},
		{Name: "now", Kind: "positional_or_keyword", DefaultErr: unknown, DefaultSrc: "now()"},
	}
	_, diags := Lift(call(value.ClassAgentFlowSpec, 20, 13, kw("flow", fn, 21, 5), kw("docker_env", str("base"), 22, 5)), specPos, testCtx)
	assert.Equal(t, []string{
		"flows/x_flow.py:2:1: flow my_flow: default of parameter ids cannot go into Prefect's parameter schema: the order of a set's elements depends on hashing and is not known statically (in `{1, 2}`)",
		unknown.Error(),
	}, messages(diags))
}

func TestCheckRRule(t *testing.T) {
	for _, r := range []string{"FREQ=DAILY", "RRULE:FREQ=WEEKLY;BYDAY=MO,WE", "DTSTART:20230101T090000\nRRULE:FREQ=HOURLY;INTERVAL=2"} {
		assert.Empty(t, checkRRule(r), r)
	}
	assert.Equal(t, `Invalid RRule string "FREQ=SOMETIMES": invalid frequency "SOMETIMES"`, checkRRule("FREQ=SOMETIMES"))
	assert.Equal(t, `Invalid RRule string "FREQ=DAILY;FOO=1": unknown parameter name "FOO"`, checkRRule("FREQ=DAILY;FOO=1"))
	long := "FREQ=DAILY;BYHOUR=" + strings.Repeat("1,", 3300) + "1"
	assert.Contains(t, checkRRule(long), "Max length is 6500")
}

func TestValidTimezone(t *testing.T) {
	cache := &Timezones{}
	var uncached *Timezones
	for _, check := range []struct {
		name  string
		valid func(string) bool
	}{{"validTimezone", validTimezone}, {"cached", cache.Valid}, {"cached again", cache.Valid}, {"nil cache", uncached.Valid}} {
		for _, tz := range []string{"UTC", "America/New_York", "Europe/Paris", "Asia/Kolkata"} {
			assert.True(t, check.valid(tz), "%s: %s", check.name, tz)
		}
		for _, tz := range []string{"", "Local", "Mars/Olympus", "../etc/passwd", "/etc/localtime", "utc "} {
			assert.False(t, check.valid(tz), "%s: %s", check.name, tz)
		}
	}
	assert.Len(t, cache.known, 10, "every name is checked once and remembered")
}

func TestDurationSeconds(t *testing.T) {
	tests := []struct {
		in   value.Value
		want float64
		err  string
	}{
		{value.Timedelta{Days: 1}, 86400, ""},
		{i64(60), 60, ""},
		{fl(90.5), 90.5, ""},
		// "%f" keeps six decimals: 1e-7 seconds reads back as 0.
		{fl(1e-7), 0, ""},
		{fl(0.0000015), 0.000002, ""},
		{value.Bool(true), 1, ""},
		{fl(math.NaN()), 0, "invalid duration format"},
		{str("PT1H"), 0, "a duration string is not read statically; write timedelta(...) or a number of seconds"},
		{list(), 0, "invalid type; expected timedelta, string, bytes, int or float"},
	}
	for _, tt := range tests {
		got, msg := durationSeconds(tt.in)
		assert.Equal(t, tt.err, msg, "%#v", tt.in)
		assert.InDelta(t, tt.want, got, 1e-12, "%#v", tt.in)
	}
}
