package lift

import (
	"github.com/flowplan/flowplan/extractor/diag"
	"github.com/flowplan/flowplan/extractor/internal/value"
	"github.com/flowplan/flowplan/extractor/spec"
	"github.com/flowplan/flowplan/internal/cron"
)

// The worker-era models of common.deployment.worker (Pocket/data-flows
// from 05bf314).
var (
	workerFlowSpec = model{
		name: "FlowSpec", module: "common.deployment.worker",
		fields:   []string{"flow", "docker_env", "deployments", "is_agent"},
		required: []string{"flow", "docker_env"},
	}
	workerFlowDeployment = model{
		name: "FlowDeployment", module: "common.deployment.worker",
		fields: []string{"name", "cron", "timezone", "parameters", "description", "tags", "version",
			"enforce_parameter_schema", "work_pool_name", "work_queue_name", "job_variables"},
		required: []string{"name"},
	}
)

const (
	workerDefaultTimezone  = "UTC"
	workerDefaultWorkQueue = "default"
	workerEnvsTable        = "[tool.prefect.docker.<name>]"
)

func (l *lifter) workerSpec(x *value.Instance) *spec.WorkerSpec {
	m := workerFlowSpec
	args, _, _, ok := l.fieldArgs(m, []string{value.ClassWorkerFlowSpec}, x, arg{pos: x.Pos, src: x.Src})
	if args == nil {
		return nil
	}
	s := &spec.WorkerSpec{API: spec.APIWorker, Deployments: []spec.WorkerDeployment{}}
	var fine bool
	if a, given := args["flow"]; given {
		s.Flow, fine = l.flow(m, a)
		ok = ok && fine
	}
	if s.DockerEnv, fine = l.dockerEnv(m, args, l.ctx.WorkerEnvs, workerEnvsTable); !fine {
		ok = false
	}
	if s.IsAgent, fine = l.boolean(m, args, "is_agent", false); !fine {
		ok = false
	}
	deps, fine := l.list(m, args, "deployments")
	ok = ok && fine
	var depArgs []arg
	for _, d := range deps {
		dep, fine := l.workerDeployment(d)
		if !fine {
			ok = false
			continue
		}
		s.Deployments = append(s.Deployments, dep)
		depArgs = append(depArgs, d)
	}
	// The worker era writes `<name>-<type>` into prefect.yaml without
	// slugifying it, so only equal names collide.
	if ok {
		ok = l.uniqueNames(depArgs, func(i int) string { return s.Deployments[i].Name }, func(s string) string { return s }, "name")
	}
	if !ok {
		return nil
	}
	return s
}

func (l *lifter) workerDeployment(at arg) (spec.WorkerDeployment, bool) {
	m := workerFlowDeployment
	args, _, _, ok := l.fieldArgs(m, []string{value.ClassWorkerFlowDeployment}, at.val, at)
	if args == nil {
		return spec.WorkerDeployment{}, false
	}
	pool := l.ctx.DefaultWorkPool
	if pool == "" {
		pool = DefaultWorkPoolFallback
	}
	d := spec.WorkerDeployment{Tags: []string{}}
	fine := true
	check := func(f bool) {
		if !f {
			fine = false
		}
	}
	var b bool
	d.Name, b = l.str(m, args, "name", "")
	check(b)
	d.Cron, b = l.optionalStr(m, args, "cron")
	check(b)
	d.Timezone, b = l.str(m, args, "timezone", workerDefaultTimezone)
	check(b)
	d.Parameters, b = l.jsonDict(m, args, "parameters", false)
	check(b)
	d.Description, b = l.optionalStr(m, args, "description")
	check(b)
	d.Tags, b = l.strList(m, args, "tags")
	check(b)
	if d.Tags == nil {
		d.Tags = []string{}
	}
	d.Version, b = l.optionalStr(m, args, "version")
	check(b)
	d.EnforceParameterSchema, b = l.boolean(m, args, "enforce_parameter_schema", false)
	check(b)
	d.WorkPoolName, b = l.str(m, args, "work_pool_name", pool)
	check(b)
	d.WorkQueueName, b = l.str(m, args, "work_queue_name", workerDefaultWorkQueue)
	check(b)
	d.JobVariables, b = l.jsonDict(m, args, "job_variables", true)
	check(b)
	if fine {
		l.workerScheduleWarnings(m, args, d)
	}
	return d, ok && fine
}

// workerScheduleWarnings checks what the worker model leaves to Prefect's
// deploy step (a plain str cron and timezone): Prefect refuses an invalid
// cron or zone only when the schedule is sent, on main.
func (l *lifter) workerScheduleWarnings(m model, args map[string]arg, d spec.WorkerDeployment) {
	if d.Cron != nil {
		if msg := cron.Validate(*d.Cron); msg != "" {
			a := args["cron"]
			l.diags.Add(diag.Warningf(a.pos, a.src, "%s.cron: Prefect will refuse this schedule when deploying to main: %s", m.name, msg))
		}
	}
	if a, given := args["timezone"]; given && !l.ctx.Timezones.Valid(d.Timezone) {
		l.diags.Add(diag.Warningf(a.pos, a.src, "%s.timezone: Prefect will refuse this schedule when deploying to main: Invalid timezone: %q", m.name, d.Timezone))
	}
}
