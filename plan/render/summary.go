package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/flowplan/flowplan/extractor/spec"
	"slices"
	"sort"
	"strings"

	"github.com/flowplan/flowplan/plan"
)

// SummaryVersion is the version of the JSON summary's shape (Summary).
const SummaryVersion = 1

// UnknownAccountText stands for the AWS account id when the plan leaves it
// for apply time.
const UnknownAccountText = "(known at apply: AWS account id)"

// Summary is what a reviewer needs from a plan, in the order the views show
// it. Its JSON form is the `--format json` output; fields are never removed
// or renamed without bumping SummaryVersion. Lists keep the plan's order.
type Summary struct {
	SummaryVersion int    `json:"summary_version"`
	Project        string `json:"project"`
	Version        string `json:"version"`
	DeploymentType string `json:"deployment_type"`
	Target         string `json:"target"`
	// RunsOn says where the plan's flows really run: a Prefect 2 agent
	// (agent-era flows, ECS task blocks), workers (worker-era flows, work
	// pools), or both, e.g. "a Prefect 2 agent (1 flow, ECS task blocks,
	// work queue prefect-v2-queue-main)".
	RunsOn string `json:"runs_on"`
	// GitSHA is the short sha the plan tags images and versions with ("" when
	// the plan does not record the git-sha input).
	GitSHA string `json:"git_sha"`
	Region string `json:"region"`
	// Account is the AWS account id, or UnknownAccountText.
	Account      string           `json:"account"`
	AccountKnown bool             `json:"account_known"`
	Digest       string           `json:"digest"`
	Inputs       []plan.Input     `json:"inputs"`
	Images       []ImageSummary   `json:"images"`
	Flows        []FlowSummary    `json:"flows"`
	Skipped      []plan.Skipped   `json:"skipped"`
	Unknowns     []string         `json:"unknowns"`
	Counts       map[string]int   `json:"counts"` // images, task_definitions, blocks, deployments, flows, skipped
	Warnings     []WarningSummary `json:"warnings"`
}

// ImageSummary is one Docker image the plan builds and pushes.
type ImageSummary struct {
	API        string `json:"api"`
	Env        string `json:"env"`
	LocalName  string `json:"local_name"`
	ECRImage   string `json:"ecr_image"`
	Dockerfile string `json:"dockerfile"`
	Context    string `json:"context"`
	Platform   string `json:"platform"`
	// BuildArgs are "NAME=value", sorted by name.
	BuildArgs []string `json:"build_args"`
	// TaskDefinition is the env's shared task definition (worker era).
	TaskDefinition *TaskDefinitionSummary `json:"task_definition,omitempty"`
}

// TaskDefinitionSummary holds a task definition's essentials. Secrets are
// shown by variable name and Secrets Manager secret name, never more.
type TaskDefinitionSummary struct {
	Family string `json:"family"`
	CPU    string `json:"cpu"`
	Memory string `json:"memory"`
	// EphemeralStorageGiB is the task's ephemeral storage; 20 (Fargate's
	// default) when the task definition leaves it out.
	EphemeralStorageGiB int      `json:"ephemeral_storage_gib"`
	Image               string   `json:"image"`
	Env                 []string `json:"env"` // variable names only
	Secrets             []Secret `json:"secrets"`
}

// Secret is a secret environment variable: its name and the name of the
// Secrets Manager secret it reads.
type Secret struct {
	Name       string `json:"name"`
	SecretName string `json:"secret_name"`
}

// FlowSummary is one flow and what it deploys.
type FlowSummary struct {
	Name   string `json:"name"`
	Source string `json:"source"` // path:line of FLOW_SPEC
	API    string `json:"api"`
	// Function is the flow function's __name__.
	Function string `json:"function"`
	Image    string `json:"image"`
	// TaskDefinition is the flow's own (agent era) or its env's (worker era,
	// SharedTaskDefinition true).
	TaskDefinition       *TaskDefinitionSummary `json:"task_definition,omitempty"`
	SharedTaskDefinition bool                   `json:"shared_task_definition"`
	Block                string                 `json:"block,omitempty"` // ECS task block name (agent era)
	Deployments          []DeploymentSummary    `json:"deployments"`
	Warnings             []string               `json:"warnings"`
}

// DeploymentSummary is one Prefect deployment as a reviewer reads it.
type DeploymentSummary struct {
	Name     string          `json:"name"`
	Schedule ScheduleSummary `json:"schedule"`
	// Parameters is the parameters object sent, or null when left to the
	// server.
	Parameters json.RawMessage `json:"parameters"`
	CPU        string          `json:"cpu,omitempty"`    // override, if any
	Memory     string          `json:"memory,omitempty"` // override, if any
	// Env lists the environment overrides as "NAME=value", sorted.
	Env []string `json:"env"`
	// JobVariables are the worker-era job variables other than cpu, memory
	// and env (JSON object, null for agent-era deployments).
	JobVariables json.RawMessage `json:"job_variables"`
	WorkQueue    string          `json:"work_queue"`
	WorkPool     string          `json:"work_pool,omitempty"`
	Tags         []string        `json:"tags"`
	Version      string          `json:"version,omitempty"`
	// InfrastructureBlock is "<type slug>/<name>" (agent era).
	InfrastructureBlock string `json:"infrastructure_block,omitempty"`
	// StorageBlock is "<type slug>/<name>" (agent era).
	StorageBlock string   `json:"storage_block,omitempty"`
	Unmanaged    []string `json:"unmanaged"`
}

// ScheduleSummary is a deployment's schedule. State is "scheduled" (Text
// holds words and the exact form), "not scheduled here" (a non-main plan:
// schedules are managed only on main), "kept from the server" (main plan,
// unmanaged field) or "none" (sent as no schedule).
type ScheduleSummary struct {
	State string `json:"state"`
	Kind  string `json:"kind,omitempty"` // cron, interval, rrule
	// Expression is the exact form, e.g. "cron 0 0 * * *, UTC by default".
	Expression string `json:"expression,omitempty"`
	Words      string `json:"words,omitempty"` // "" when the pattern has no description
	Text       string `json:"text"`            // one line for people
}

// WarningSummary is a warning of one flow.
type WarningSummary struct {
	Flow    string `json:"flow"`
	Message string `json:"message"`
}

// Schedule states.
const (
	ScheduleScheduled = "scheduled"
	ScheduleOnlyMain  = "not scheduled here"
	ScheduleKept      = "kept from the server"
	ScheduleNone      = "none"
)

// RunsOn says where the plan's flows run, from the flows themselves: the
// target names the server's version, the flows decide between its agent
// (infrastructure blocks and work queues) and its workers (work pools).
func RunsOn(p *plan.Plan) string {
	major := "Prefect 2"
	if p.Target == plan.TargetPrefect3 {
		major = "Prefect 3"
	}
	var agent, worker int
	queues, pools := map[string]bool{}, map[string]bool{}
	for _, f := range p.Flows {
		if f.API == "worker" {
			worker++
		} else {
			agent++
		}
		for _, d := range f.Deployments {
			if d.Request.WorkPoolName != nil {
				pools[*d.Request.WorkPoolName] = true
			} else if d.Request.WorkQueueName != "" {
				queues[d.Request.WorkQueueName] = true
			}
		}
	}
	list := func(m map[string]bool) string {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return strings.Join(keys, ", ")
	}
	agentPart := fmt.Sprintf("%s on ECS task blocks, work queue %s", Count(agent, "flow"), list(queues))
	workerPart := fmt.Sprintf("%s in work pool %s", Count(worker, "flow"), list(pools))
	if len(pools) > 1 {
		workerPart = fmt.Sprintf("%s in work pools %s", Count(worker, "flow"), list(pools))
	}
	switch {
	case agent > 0 && worker > 0:
		return fmt.Sprintf("%s, mixed: an agent (%s) and workers (%s)", major, agentPart, workerPart)
	case agent > 0:
		return fmt.Sprintf("a %s agent (%s)", major, agentPart)
	case worker > 0:
		return fmt.Sprintf("%s workers (%s)", major, workerPart)
	}
	return major + " (no flows)"
}

// Summarize reduces a plan to its Summary. It fails only on request fields
// that are not the JSON the plan format promises.
func Summarize(p *plan.Plan) (*Summary, error) {
	s := &Summary{
		SummaryVersion: SummaryVersion,
		Project:        p.Project.Name,
		Version:        p.Project.Version,
		DeploymentType: p.DeploymentType.String(),
		Target:         p.Target,
		Region:         p.AWS.Region,
		Account:        p.AWS.AccountID,
		AccountKnown:   !slices.Contains(p.Unknowns, plan.UnknownAWSAccountID) && p.AWS.AccountID != plan.PlaceholderAWSAccountID,
		Digest:         p.Digest,
		Inputs:         nonNil(p.Inputs),
		Images:         []ImageSummary{},
		Flows:          []FlowSummary{},
		Skipped:        nonNil(p.Skipped),
		Unknowns:       nonNil(p.Unknowns),
		Warnings:       []WarningSummary{},
	}
	if !s.AccountKnown {
		s.Account = UnknownAccountText
	}
	s.RunsOn = RunsOn(p)
	for _, in := range p.Inputs {
		if in.Name == "git-sha" {
			s.GitSHA = in.Value
			if len(s.GitSHA) > 7 {
				s.GitSHA = s.GitSHA[:7]
			}
		}
	}
	counts := map[string]int{
		"images": len(p.Images), "flows": len(p.Flows), "skipped": len(p.Skipped),
		"task_definitions": 0, "blocks": 0, "deployments": 0,
	}
	envTD := map[string]*plan.TaskDefinition{}
	for _, im := range p.Images {
		is := ImageSummary{
			API: string(im.API), Env: im.Env, LocalName: im.LocalName, ECRImage: showUnknowns(im.URI),
			Dockerfile: im.Dockerfile, Context: im.Context, Platform: im.Platform,
			BuildArgs: sortedPairs(im.BuildArgs),
		}
		if im.TaskDefinition != nil {
			is.TaskDefinition = summarizeTaskDefinition(im.TaskDefinition)
			envTD[im.TaskDefinition.Family] = im.TaskDefinition
			counts["task_definitions"]++
		}
		s.Images = append(s.Images, is)
	}
	for _, f := range p.Flows {
		fs := FlowSummary{
			Name: f.Name, Source: fmt.Sprintf("%s:%d", f.Path, f.FlowSpecLine), API: string(f.API),
			Function: f.Function, Image: f.Image, Deployments: []DeploymentSummary{}, Warnings: nonNil(f.Warnings),
		}
		switch {
		case f.TaskDefinition != nil:
			fs.TaskDefinition = summarizeTaskDefinition(f.TaskDefinition)
			counts["task_definitions"]++
		case envTD[f.TaskDefinitionFamily] != nil:
			fs.TaskDefinition = summarizeTaskDefinition(envTD[f.TaskDefinitionFamily])
			fs.SharedTaskDefinition = true
		}
		if f.Block != nil {
			fs.Block = f.Block.Name
			counts["blocks"]++
		}
		for _, d := range f.Deployments {
			ds, err := summarizeDeployment(p.DeploymentType, d)
			if err != nil {
				return nil, fmt.Errorf("summarizing %s deployment %s: %w", f.Path, d.Name, err)
			}
			fs.Deployments = append(fs.Deployments, ds)
			counts["deployments"]++
		}
		for _, w := range f.Warnings {
			s.Warnings = append(s.Warnings, WarningSummary{Flow: f.Name, Message: w})
		}
		s.Flows = append(s.Flows, fs)
	}
	s.Counts = counts
	return s, nil
}

func summarizeTaskDefinition(td *plan.TaskDefinition) *TaskDefinitionSummary {
	ts := &TaskDefinitionSummary{
		Family: td.Family, CPU: td.Cpu, Memory: td.Memory, EphemeralStorageGiB: 20,
		Env: []string{}, Secrets: []Secret{},
	}
	if td.EphemeralStorage != nil {
		ts.EphemeralStorageGiB = td.EphemeralStorage.SizeInGiB
	}
	for _, c := range td.ContainerDefinitions {
		if ts.Image == "" {
			ts.Image = showUnknowns(c.Image)
		}
		for _, e := range c.Environment {
			ts.Env = append(ts.Env, e.Name)
		}
		for _, sec := range c.Secrets {
			ts.Secrets = append(ts.Secrets, Secret{Name: sec.Name, SecretName: SecretName(sec.ValueFrom)})
		}
	}
	return ts
}

// showUnknowns writes the account placeholder inside a plan value the way
// a reviewer reads it: "(known at apply: AWS account id).dkr.ecr...".
func showUnknowns(s string) string {
	return strings.ReplaceAll(s, plan.PlaceholderAWSAccountID, UnknownAccountText)
}

// SecretName returns the Secrets Manager secret name of a secret ARN (the
// part after ":secret:"), or the value itself when it is not such an ARN.
func SecretName(valueFrom string) string {
	if strings.HasPrefix(valueFrom, "arn:") {
		if _, name, ok := strings.Cut(valueFrom, ":secret:"); ok {
			return name
		}
	}
	return valueFrom
}

func summarizeDeployment(deploymentType spec.DeploymentType, d plan.Deployment) (DeploymentSummary, error) {
	r := d.Request
	ds := DeploymentSummary{
		Name: d.Name, WorkQueue: r.WorkQueueName, Tags: nonNil(r.Tags), Env: []string{},
		Unmanaged: nonNil(d.Unmanaged), Parameters: json.RawMessage("null"), JobVariables: json.RawMessage("null"),
	}
	if len(r.Parameters) > 0 {
		ds.Parameters = r.Parameters
	}
	if r.WorkPoolName != nil {
		ds.WorkPool = *r.WorkPoolName
	}
	if r.Version.Value != nil {
		ds.Version = *r.Version.Value
	}
	if d.InfrastructureBlock != nil {
		ds.InfrastructureBlock = d.InfrastructureBlock.BlockTypeSlug + "/" + d.InfrastructureBlock.Name
	}
	if d.StorageBlock != nil {
		ds.StorageBlock = d.StorageBlock.BlockTypeSlug + "/" + d.StorageBlock.Name
	}
	ds.Schedule = DeploymentSchedule(deploymentType, d)

	overrides := r.InfraOverrides
	if len(r.JobVariables) > 0 {
		overrides = r.JobVariables
	}
	if len(overrides) == 0 {
		return ds, nil
	}
	var vars map[string]json.RawMessage
	if err := decodeNumbers(overrides, &vars); err != nil {
		return ds, fmt.Errorf("overrides: %w", err)
	}
	rest := map[string]json.RawMessage{}
	for k, v := range vars {
		switch {
		case strings.HasPrefix(k, "env."):
			ds.Env = append(ds.Env, strings.TrimPrefix(k, "env.")+"="+scalarText(v))
		case k == "env":
			var env map[string]json.RawMessage
			if err := decodeNumbers(v, &env); err != nil {
				return ds, fmt.Errorf("job variable env: %w", err)
			}
			for name, val := range env {
				ds.Env = append(ds.Env, name+"="+scalarText(val))
			}
		case k == "task_customizations":
			var ops []struct {
				Op    string          `json:"op"`
				Path  string          `json:"path"`
				Value json.RawMessage `json:"value"`
			}
			if err := decodeNumbers(v, &ops); err != nil {
				return ds, fmt.Errorf("task_customizations: %w", err)
			}
			other := false
			for _, op := range ops {
				switch {
				case op.Op == "add" && op.Path == "/overrides/cpu":
					ds.CPU = scalarText(op.Value)
				case op.Op == "add" && op.Path == "/overrides/memory":
					ds.Memory = scalarText(op.Value)
				case strings.HasPrefix(op.Path, "/networkConfiguration/"):
				default:
					other = true
				}
			}
			if other {
				rest[k] = v
			}
		case k == "cpu":
			ds.CPU = scalarText(v)
		case k == "memory":
			ds.Memory = scalarText(v)
		default:
			rest[k] = v
		}
	}
	sortByName(ds.Env)
	if len(rest) > 0 {
		b, err := json.Marshal(rest)
		if err != nil {
			return ds, fmt.Errorf("job variables: %w", err)
		}
		ds.JobVariables = b
	}
	return ds, nil
}

// DeploymentSchedule summarizes a deployment's schedule in a plan of the
// given deployment type (dev, staging, main).
func DeploymentSchedule(deploymentType spec.DeploymentType, d plan.Deployment) ScheduleSummary {
	r := d.Request
	var sched *plan.Schedule
	switch {
	case r.Schedule.Value != nil:
		sched = r.Schedule.Value
	case len(r.Schedules) > 0:
		sched = &r.Schedules[0].Schedule
	}
	if sched != nil {
		ss := ScheduleSummary{
			State: ScheduleScheduled, Kind: sched.Kind(),
			Expression: ScheduleExpression(*sched), Words: ScheduleWords(*sched),
			Text: DescribeSchedule(*sched),
		}
		for _, more := range r.Schedules[min(1, len(r.Schedules)):] {
			ss.Text += "; and " + DescribeSchedule(more.Schedule)
		}
		return ss
	}
	switch {
	case !deploymentType.Scheduled():
		return ScheduleSummary{State: ScheduleOnlyMain, Text: "only on main: not scheduled here"}
	case slices.Contains(d.Unmanaged, "schedule"):
		return ScheduleSummary{State: ScheduleKept, Text: "none in the spec: the server's schedule is kept"}
	}
	return ScheduleSummary{State: ScheduleNone, Text: "none"}
}

// scalarText shows a JSON string without quotes and anything else as JSON.
func scalarText(raw json.RawMessage) string {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s
	}
	return compactJSON(raw)
}

func compactJSON(raw json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return string(raw)
	}
	return b.String()
}

func decodeNumbers(raw json.RawMessage, v any) error {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	return d.Decode(v)
}

// sortedPairs returns "NAME=value" for each entry, sorted by name.
func sortedPairs(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	sortByName(out)
	return out
}

// sortByName sorts "NAME=value" pairs by NAME.
func sortByName(pairs []string) {
	sort.Slice(pairs, func(i, j int) bool {
		a, _, _ := strings.Cut(pairs[i], "=")
		b, _, _ := strings.Cut(pairs[j], "=")
		return a < b
	})
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// CountsText says how many resources a summary holds: "1 image, 2 task
// definitions, 1 block, 3 deployments in 2 flows".
func CountsText(counts map[string]int) string {
	return fmt.Sprintf("%s, %s, %s, %s in %s",
		Count(counts["images"], "image"), Count(counts["task_definitions"], "task definition"),
		Count(counts["blocks"], "block"), Count(counts["deployments"], "deployment"), Count(counts["flows"], "flow"))
}

// Count writes n and the noun, plural unless n is 1.
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
