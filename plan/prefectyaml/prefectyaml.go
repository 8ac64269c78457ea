// Package prefectyaml writes a plan's deployments as the `prefect.yaml`
// that `prefect deploy` reads, for teams that run `prefect --no-prompt
// deploy --all` themselves (from the sub-project's root, where the plan's
// entrypoints are relative to) instead of `deployer apply`.
//
// The file has the top-level `name` (the project) and one entry under
// `deployments:` per plan deployment, in plan order (flows by path, then
// deployments by name): name, version, tags, description, entrypoint,
// parameters, work_pool {name, work_queue_name, job_variables}, the
// schedule, enforce_parameter_schema (when the plan sends it) and the pull
// steps (top-level `pull` when every deployment has the same ones, as the
// original common.deployment.worker wrote it; per deployment otherwise).
// `prefect-version`, `build` and `push` are left out: the plan does not know
// the client's version, and images are built and pushed by flowplan.
//
// Targets map as follows. prefect3: `schedules:` list of {cron | interval,
// anchor_date | rrule, timezone, active}, always written (an empty list
// keeps `prefect deploy` from prompting). prefect2-agent and
// prefect2-worker: the single `schedule:` mapping, or `schedule: null`;
// job_variables are the plan's infra_overrides (prefect deploy sends them as
// such on Prefect 2). Reading `deployments:` from prefect.yaml needs the
// Prefect 2.11+ CLI (2.10 read them from deployment.yaml).
//
// Refused, with an error wrapping ErrNotExpressible that names every
// offending flow or deployment:
//   - agent-era flows: `prefect deploy` creates work-pool deployments only
//     (Prefect 2.10-2.x and 3 alike send no infrastructure_document_id or
//     storage_document_id), so ECS task blocks and GitHub storage blocks
//     cannot be referenced; deploy those with `deployer apply`.
//   - a plan whose AWS account is still the ${aws_account_id} placeholder:
//     written into the task_definition_arn job variable it would deploy a
//     broken ARN, and prefect.yaml has no apply step that could resolve it.
//     Plan with --aws-account-id (or resolve with plan.Plan.ResolveAccount).
//   - values prefect deploy would change: strings containing "{{" outside
//     the pull steps (it templates the deployment with step outputs, Prefect
//     variables and environment variables) and cron schedules with
//     day_or=false (its schedule keys have no day_or, so it would send true).
//   - deployments with unmanaged fields: prefect deploy sends every field,
//     it cannot keep the server's current value as `deployer apply` does.
//
// A null description is filled by `prefect deploy` from the flow's own
// description, which the plan has already done when there is one, so both
// agree; the parameter schema is computed by `prefect deploy` from the flow
// itself. Marshal does not check the plan's digest: callers verify first. The flow's name is whatever
// importing the flow file gives: common.deployment.worker's FlowSpec
// prefixes it with the project name, as the plan does.
//
// Output is deterministic: same plan, same bytes. Strings are always
// double-quoted with escapes that mean the same in JSON and YAML; numbers
// are written so PyYAML (which Prefect uses) reads the same value.
package prefectyaml

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/flowplan/flowplan/extractor/spec"
	"github.com/flowplan/flowplan/plan"
)

// ErrNotExpressible is wrapped by the errors of Marshal for plans
// that prefect.yaml cannot express faithfully.
var ErrNotExpressible = errors.New("the plan cannot be written as prefect.yaml")

// Marshal returns the prefect.yaml equivalent to p's deployments.
func Marshal(p *plan.Plan) ([]byte, error) {
	if err := checkExpressible(p); err != nil {
		return nil, err
	}
	doc, err := document(p)
	if err != nil {
		return nil, fmt.Errorf("writing prefect.yaml: %w", err)
	}
	var b bytes.Buffer
	b.WriteString(header(p))
	if err := emit(&b, doc); err != nil {
		return nil, fmt.Errorf("writing prefect.yaml: %w", err)
	}
	return b.Bytes(), nil
}

func header(p *plan.Plan) string {
	var h strings.Builder
	h.WriteString("# prefect.yaml written by flowplan from the deployment plan")
	if p.Digest != "" {
		h.WriteString(" " + p.Digest)
	}
	fmt.Fprintf(&h, "\n# (target %s, deployment type %s). Run from the project root:\n", oneLine(p.Target), oneLine(p.DeploymentType.String()))
	h.WriteString("#   prefect --no-prompt deploy --all\n")
	return h.String()
}

// oneLine keeps plan values from breaking out of a comment line.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == 0x85 || r == 0x2028 || r == 0x2029 {
			return ' '
		}
		return r
	}, s)
}

// checkExpressible gathers every reason p cannot be written.
func checkExpressible(p *plan.Plan) error {
	var reasons []string
	var agent []string
	for _, f := range p.Flows {
		if f.API != spec.APIWorker {
			agent = append(agent, fmt.Sprintf("%s (%s)", f.Path, f.Name))
		}
	}
	if len(agent) > 0 {
		reasons = append(reasons, fmt.Sprintf(
			"agent-era flows run on infrastructure blocks, which prefect deploy cannot reference (it creates work-pool deployments only); deploy them with `deployer apply`: %s",
			strings.Join(agent, ", ")))
	}
	if slices.Contains(p.Unknowns, plan.UnknownAWSAccountID) {
		reasons = append(reasons, "the AWS account id is still "+plan.PlaceholderAWSAccountID+
			": resolve the account first: pass --aws-account-id when planning")
	}
	for _, f := range p.Flows {
		if f.API != spec.APIWorker {
			continue
		}
		for _, d := range f.Deployments {
			where := fmt.Sprintf("%s: deployment %s", f.Path, d.Name)
			if len(d.Unmanaged) > 0 {
				reasons = append(reasons, fmt.Sprintf("%s leaves %s to the server's current value; prefect deploy always sends them",
					where, strings.Join(d.Unmanaged, ", ")))
			}
			reasons = append(reasons, templated(where, &d.Request)...)
			for _, s := range schedulesOf(&d.Request) {
				if s.Kind() == "cron" && s.DayOr != nil && !*s.DayOr {
					reasons = append(reasons, where+": cron schedule with day_or=false; prefect.yaml schedules have no day_or and prefect deploy would send true")
				}
			}
		}
	}
	if len(reasons) == 0 {
		return nil
	}
	return fmt.Errorf("%w:\n  - %s", ErrNotExpressible, strings.Join(reasons, "\n  - "))
}

// templated lists the request's values (pull steps aside) that contain
// "{{", which prefect deploy would replace.
func templated(where string, r *plan.DeploymentRequest) []string {
	var out []string
	check := func(field, s string) {
		if strings.Contains(s, "{{") {
			out = append(out, fmt.Sprintf("%s: %s %q contains \"{{\", which prefect deploy would treat as a template", where, field, s))
		}
	}
	checkJSON := func(field string, raw json.RawMessage) {
		if bytes.Contains(raw, []byte("{{")) {
			out = append(out, fmt.Sprintf("%s: %s contain \"{{\", which prefect deploy would treat as a template", where, field))
		}
	}
	check("name", r.Name)
	if r.Version.Value != nil {
		check("version", *r.Version.Value)
	}
	if r.Description.Value != nil {
		check("description", *r.Description.Value)
	}
	for _, t := range r.Tags {
		check("tag", t)
	}
	check("entrypoint", r.Entrypoint)
	check("work_queue_name", r.WorkQueueName)
	if r.WorkPoolName != nil {
		check("work_pool_name", *r.WorkPoolName)
	}
	checkJSON("parameters", r.Parameters)
	checkJSON("job variables", jobVariables(r))
	for _, s := range schedulesOf(r) {
		for _, v := range []*string{s.Cron, s.RRule, s.Timezone, s.AnchorDate} {
			if v != nil {
				check("schedule value", *v)
			}
		}
	}
	return out
}

// schedulesOf returns the request's schedules, whichever target shape.
func schedulesOf(r *plan.DeploymentRequest) []plan.Schedule {
	var out []plan.Schedule
	if r.Schedule.Value != nil {
		out = append(out, *r.Schedule.Value)
	}
	for _, s := range r.Schedules {
		out = append(out, s.Schedule)
	}
	return out
}

// jobVariables are Prefect 3's job_variables or, on Prefect 2, the
// worker-era infra_overrides that prefect deploy fills from them.
func jobVariables(r *plan.DeploymentRequest) json.RawMessage {
	if r.JobVariables != nil {
		return r.JobVariables
	}
	return r.InfraOverrides
}

func document(p *plan.Plan) (*mapping, error) {
	doc := &mapping{}
	name, err := str(p.Project.Name)
	if err != nil {
		return nil, fmt.Errorf("project name: %w", err)
	}
	doc.set("name", name)
	sharedPull := sharedPullSteps(p)
	if sharedPull != nil {
		pull, err := fromJSON(sharedPull)
		if err != nil {
			return nil, fmt.Errorf("pull steps: %w", err)
		}
		doc.set("pull", pull)
	}
	deployments := sequence{}
	for _, f := range p.Flows {
		for _, d := range f.Deployments {
			n, err := deployment(p.Target, &d.Request, sharedPull == nil)
			if err != nil {
				return nil, fmt.Errorf("%s: deployment %s: %w", f.Path, d.Name, err)
			}
			deployments = append(deployments, n)
		}
	}
	doc.set("deployments", deployments)
	return doc, nil
}

// sharedPullSteps returns the pull steps when every deployment has the same
// (non-empty) ones, and nil otherwise.
func sharedPullSteps(p *plan.Plan) json.RawMessage {
	var shared json.RawMessage
	for _, f := range p.Flows {
		for _, d := range f.Deployments {
			steps := d.Request.PullSteps
			if len(steps) == 0 || (shared != nil && !jsonEqual(shared, steps)) {
				return nil
			}
			shared = steps
		}
	}
	return shared
}

func jsonEqual(a, b json.RawMessage) bool {
	ca, errA := plan.Canonicalize(a)
	cb, errB := plan.Canonicalize(b)
	return errA == nil && errB == nil && bytes.Equal(ca, cb)
}

func deployment(target string, r *plan.DeploymentRequest, ownPull bool) (*mapping, error) {
	m := &mapping{}
	set := func(key string, s string) error {
		v, err := str(s)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		m.set(key, v)
		return nil
	}
	setNullable := func(key string, n plan.Nullable[string]) error {
		if n.Value == nil {
			m.set(key, null)
			return nil
		}
		return set(key, *n.Value)
	}
	setJSON := func(key string, raw json.RawMessage) error {
		if len(bytes.TrimSpace(raw)) == 0 {
			m.set(key, &mapping{})
			return nil
		}
		v, err := fromJSON(raw)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		m.set(key, v)
		return nil
	}

	if err := set("name", r.Name); err != nil {
		return nil, err
	}
	if err := setNullable("version", r.Version); err != nil {
		return nil, err
	}
	tags := sequence{}
	for _, t := range r.Tags {
		v, err := str(t)
		if err != nil {
			return nil, fmt.Errorf("tags: %w", err)
		}
		tags = append(tags, v)
	}
	m.set("tags", tags)
	if err := setNullable("description", r.Description); err != nil {
		return nil, err
	}
	if err := set("entrypoint", r.Entrypoint); err != nil {
		return nil, err
	}
	if err := setJSON("parameters", r.Parameters); err != nil {
		return nil, err
	}

	pool, err := workPool(r)
	if err != nil {
		return nil, err
	}
	m.set("work_pool", pool)

	if target == plan.TargetPrefect3 {
		list := sequence{}
		for _, s := range r.Schedules {
			n, err := schedule(s.Schedule)
			if err != nil {
				return nil, err
			}
			n.set("active", boolean(s.Active))
			list = append(list, n)
		}
		m.set("schedules", list)
	} else if r.Schedule.Value == nil {
		m.set("schedule", null)
	} else {
		n, err := schedule(*r.Schedule.Value)
		if err != nil {
			return nil, err
		}
		m.set("schedule", n)
	}

	if r.EnforceParameterSchema != nil {
		m.set("enforce_parameter_schema", boolean(*r.EnforceParameterSchema))
	}
	if ownPull {
		if err := setJSON("pull", r.PullSteps); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func workPool(r *plan.DeploymentRequest) (*mapping, error) {
	pool := &mapping{}
	if r.WorkPoolName == nil {
		return nil, fmt.Errorf("no work pool")
	}
	name, err := str(*r.WorkPoolName)
	if err != nil {
		return nil, fmt.Errorf("work pool: %w", err)
	}
	pool.set("name", name)
	queue, err := str(r.WorkQueueName)
	if err != nil {
		return nil, fmt.Errorf("work queue: %w", err)
	}
	pool.set("work_queue_name", queue)
	var vars node = &mapping{}
	if raw := jobVariables(r); len(bytes.TrimSpace(raw)) > 0 {
		if vars, err = fromJSON(raw); err != nil {
			return nil, fmt.Errorf("job variables: %w", err)
		}
	}
	pool.set("job_variables", vars)
	return pool, nil
}

// schedule writes a schedule with the keys prefect deploy reads: cron,
// interval (seconds) with anchor_date, or rrule; and timezone.
func schedule(s plan.Schedule) (*mapping, error) {
	m := &mapping{}
	opt := func(key string, v *string) error {
		if v == nil {
			return nil
		}
		q, err := str(*v)
		if err != nil {
			return fmt.Errorf("schedule %s: %w", key, err)
		}
		m.set(key, q)
		return nil
	}
	switch s.Kind() {
	case "cron":
		if err := opt("cron", s.Cron); err != nil {
			return nil, err
		}
	case "interval":
		secs, err := seconds(*s.Interval)
		if err != nil {
			return nil, fmt.Errorf("schedule interval: %w", err)
		}
		m.set("interval", secs)
		if err := opt("anchor_date", s.AnchorDate); err != nil {
			return nil, err
		}
	case "rrule":
		if err := opt("rrule", s.RRule); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("schedule has none of cron, interval, rrule")
	}
	if err := opt("timezone", s.Timezone); err != nil {
		return nil, err
	}
	return m, nil
}
