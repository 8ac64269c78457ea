// Package plan is the deployment plan as an artifact: one reviewable,
// deterministic document of the Docker images, ECS task definitions,
// Prefect ECS task blocks and Prefect deployments to create, with every
// derived name, the exact request bodies, the inputs and their provenance,
// and a digest over the canonical content. It holds the plan's types, its
// strict parser, its canonical JSON and digest, and the placeholders for
// values only known at apply time (see Placeholder*). How a plan is derived
// from a project is the planner package's job. The package is pure: no
// I/O, same inputs, same bytes.
package plan

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"

	"github.com/flowplan/flowplan/extractor/spec"
)

// SchemaVersion is the version of the plan format this package writes and
// the only one Parse accepts.
const SchemaVersion = 1

// Targets: which Prefect server (and request shapes) a plan is for.
const (
	// TargetPrefect2Agent is a Prefect 2 server; agent-era flows use
	// infrastructure blocks, worker-era flows use work pools
	// (no enforce_parameter_schema, which Prefect 2 knows from 2.14 on).
	TargetPrefect2Agent = "prefect2-agent"
	// TargetPrefect2Worker is a Prefect 2.11+ server: as prefect2-agent, and
	// worker-era deployments may ask for enforce_parameter_schema=True
	// (which needs 2.14+; false is the server's default and is not sent).
	TargetPrefect2Worker = "prefect2-worker"
	// TargetPrefect3 is a Prefect 3 server: work pools only (no
	// infrastructure blocks), `schedules` list and `job_variables`.
	TargetPrefect3 = "prefect3"
)

// Plan is the whole deployment plan. Lists are sorted (images by API then
// env, flows by path, deployments by name, skipped by path) so identical
// inputs give identical bytes.
type Plan struct {
	SchemaVersion  int                 `json:"schema_version"`
	Generator      Generator           `json:"generator"`
	Project        Project             `json:"project"`
	DeploymentType spec.DeploymentType `json:"deployment_type"`
	Target         string              `json:"target"` // one of the Target* constants
	AWS            AWS                 `json:"aws"`
	// Inputs lists every input of the plan with its value and provenance.
	Inputs []Input `json:"inputs"`
	// Unknowns names the values left as placeholders for apply time
	// (UnknownAWSAccountID); empty when everything is known.
	Unknowns []string  `json:"unknowns"`
	Images   []Image   `json:"images"`
	Flows    []Flow    `json:"flows"`
	Skipped  []Skipped `json:"skipped"`
	// Digest is "sha256:<hex>" of the canonical JSON of the plan without
	// this field (see MarshalCanonical and VerifyDigest).
	Digest string `json:"digest,omitempty"`
}

// Generator names the program that wrote the plan.
type Generator struct {
	Name    string `json:"name"` // "flowplan"
	Version string `json:"version"`
}

// Project is the sub-project the plan deploys.
type Project struct {
	Name            string `json:"name"`      // slugified [tool.poetry] name
	Version         string `json:"version"`   // [tool.poetry] version
	RootName        string `json:"root_name"` // last path element of the sub-project directory
	FlowsFolder     string `json:"flows_folder"`
	PyprojectSHA256 string `json:"pyproject_sha256"`
}

// AWS holds the AWS settings every resource derives from. AccountID is
// PlaceholderAWSAccountID when it was not given.
type AWS struct {
	Region         string   `json:"region"`
	AccountID      string   `json:"account_id"`
	Subnets        []string `json:"subnets"`
	SecurityGroups []string `json:"security_groups"`
}

// Input is one input of the plan: its name, value and where it came from.
type Input struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	// Source is "flag", "env:NAME", "default", or "apply" (left for apply time).
	Source string `json:"source"`
}

// Image is one Docker environment: how to build it and where it is pushed.
type Image struct {
	API        spec.API          `json:"api"` // which [tool.prefect] table declared it: agent (envs) or worker (docker)
	Env        string            `json:"env"` // the env's key in pyproject.toml
	LocalName  string            `json:"local_name"`
	Dockerfile string            `json:"dockerfile"`
	Context    string            `json:"context"`
	BuildArgs  map[string]string `json:"build_args"`
	Platform   string            `json:"platform"`
	Repository string            `json:"repository"` // ECR repository URI, without tag
	Tag        string            `json:"tag"`
	URI        string            `json:"uri"` // Repository:Tag
	// TaskDefinition is the env's task definition (worker era: one per env).
	TaskDefinition *TaskDefinition `json:"task_definition,omitempty"`
}

// Flow is one flow file with a FLOW_SPEC and everything derived from it.
type Flow struct {
	Path         string    `json:"path"` // relative to the project root, slash-separated
	SHA256       string    `json:"sha256"`
	FlowSpecLine int       `json:"flow_spec_line"`
	API          spec.API  `json:"api"`
	Name         string    `json:"name"`     // the flow's name in Prefect
	Function     string    `json:"function"` // the flow function's __name__
	Spec         spec.Spec `json:"spec"`     // the lifted spec, as --specs-only prints it
	// Image is the LocalName of the image the flow runs in.
	Image string `json:"image"`
	// TaskDefinitionFamily names the task definition the flow runs with: its
	// own (agent era, in TaskDefinition) or its env's (worker era, on the Image).
	TaskDefinitionFamily string `json:"task_definition_family"`
	// TaskDefinition is the flow's own task definition (agent era).
	TaskDefinition *TaskDefinition `json:"task_definition,omitempty"`
	// Block is the flow's ECS task infrastructure block (agent era).
	Block       *Block       `json:"block,omitempty"`
	Deployments []Deployment `json:"deployments"`
	// Warnings are findings that do not block deployment (e.g. a parameter
	// annotation the schema could not resolve).
	Warnings []string `json:"warnings"`
}

// TaskDefinition is the exact ECS RegisterTaskDefinition input, in AWS's own
// field names. ARNs and image URIs may hold PlaceholderAWSAccountID.
type TaskDefinition struct {
	Family                  string                `json:"family"`
	TaskRoleArn             string                `json:"taskRoleArn"`
	ExecutionRoleArn        string                `json:"executionRoleArn"`
	NetworkMode             string                `json:"networkMode"`
	RequiresCompatibilities []string              `json:"requiresCompatibilities"`
	Cpu                     string                `json:"cpu"`
	Memory                  string                `json:"memory"`
	EphemeralStorage        *EphemeralStorage     `json:"ephemeralStorage,omitempty"` // absent for 20 GiB, Fargate's default
	ContainerDefinitions    []ContainerDefinition `json:"containerDefinitions"`
	Volumes                 []Volume              `json:"volumes,omitempty"`
}

// EphemeralStorage is the task's ephemeral storage size.
type EphemeralStorage struct {
	SizeInGiB int `json:"sizeInGiB"`
}

// ContainerDefinition is one container of a task definition.
type ContainerDefinition struct {
	Name             string           `json:"name"`
	Image            string           `json:"image"`
	Environment      []KeyValuePair   `json:"environment"`
	Secrets          []Secret         `json:"secrets,omitempty"`
	LogConfiguration LogConfiguration `json:"logConfiguration"`
	MountPoints      []MountPoint     `json:"mountPoints,omitempty"`
}

// KeyValuePair is a plain environment variable of a container.
type KeyValuePair struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Secret is an environment variable read from Secrets Manager.
type Secret struct {
	Name      string `json:"name"`
	ValueFrom string `json:"valueFrom"` // secret ARN
}

// LogConfiguration is a container's log driver and options.
type LogConfiguration struct {
	LogDriver string            `json:"logDriver"`
	Options   map[string]string `json:"options"`
}

// MountPoint mounts a task volume into a container.
type MountPoint struct {
	SourceVolume  string `json:"sourceVolume"`
	ContainerPath string `json:"containerPath"`
}

// Volume is a task-level volume.
type Volume struct {
	Name string `json:"name"`
}

// Block is a Prefect block document the plan saves (with overwrite) under
// its name.
type Block struct {
	Name          string `json:"name"`
	BlockTypeSlug string `json:"block_type_slug"` // "ecs-task"
	// TaskDefinitionFamily is the family whose registered revision ARN
	// replaces the placeholder in Data.TaskDefinitionArn at apply time.
	TaskDefinitionFamily string      `json:"task_definition_family"`
	Data                 ECSTaskData `json:"data"`
}

// ECSTaskData is the managed part of a prefect-aws ECSTask block's data.
type ECSTaskData struct {
	// TaskDefinitionArn is TaskDefinitionARNPlaceholder(family) in the plan;
	// the executor fills in the revision it registered or found current.
	TaskDefinitionArn               string `json:"task_definition_arn"`
	Cluster                         string `json:"cluster"`
	LaunchType                      string `json:"launch_type"`
	AllowTaskDefinitionRegistration bool   `json:"allow_task_definition_registration"`
}

// BlockRef names a block document by type slug and name.
type BlockRef struct {
	BlockTypeSlug string `json:"block_type_slug"`
	Name          string `json:"name"`
}

// Deployment is one Prefect deployment of a flow.
type Deployment struct {
	FlowName string `json:"flow_name"`
	Name     string `json:"name"`
	// StorageBlock is the storage block whose id becomes the request's
	// storage_document_id (agent era; nil otherwise).
	StorageBlock *BlockRef `json:"storage_block,omitempty"`
	// InfrastructureBlock is the block whose id becomes the request's
	// infrastructure_document_id (agent era; nil otherwise).
	InfrastructureBlock *BlockRef `json:"infrastructure_block,omitempty"`
	// Request holds exactly the fields sent to POST /deployments/, except
	// the ids resolved live (flow_id, storage_document_id,
	// infrastructure_document_id) and the Unmanaged fields.
	Request DeploymentRequest `json:"request"`
	// Unmanaged lists request fields the plan does not set: when the
	// deployment exists, the executor copies them from the server (as the
	// original's Deployment.load did), otherwise it leaves them out.
	Unmanaged []string `json:"unmanaged"`
}

// DeploymentRequest is the body of POST /deployments/ for the plan's target.
// A field that is absent (nil, or a Nullable that is not Set) is not sent;
// a Nullable that is Set but holds no value is sent as null.
type DeploymentRequest struct {
	Name        string           `json:"name"`
	Version     Nullable[string] `json:"version,omitzero"`
	Description Nullable[string] `json:"description,omitzero"`
	Tags        []string         `json:"tags"`
	// Parameters is a JSON object; nil when unmanaged.
	Parameters json.RawMessage `json:"parameters,omitempty"`
	// Schedule is Prefect 2's single schedule.
	Schedule Nullable[Schedule] `json:"schedule,omitzero"`
	// Schedules is Prefect 3's schedule list (non-nil, possibly empty, for
	// target prefect3; nil otherwise).
	Schedules     []DeploymentSchedule `json:"schedules,omitzero"`
	WorkQueueName string               `json:"work_queue_name"`
	WorkPoolName  *string              `json:"work_pool_name,omitempty"`
	Path          Nullable[string]     `json:"path,omitzero"`
	Entrypoint    string               `json:"entrypoint"`
	// InfraOverrides is Prefect 2's infra_overrides (agent era: env.NAME
	// keys and task_customizations; worker era: the job variables).
	InfraOverrides json.RawMessage `json:"infra_overrides,omitempty"`
	// JobVariables is Prefect 3's job_variables.
	JobVariables           json.RawMessage `json:"job_variables,omitempty"`
	PullSteps              json.RawMessage `json:"pull_steps,omitempty"`
	EnforceParameterSchema *bool           `json:"enforce_parameter_schema,omitempty"`
	ParameterOpenAPISchema json.RawMessage `json:"parameter_openapi_schema"`
}

// DeploymentSchedule is one entry of Prefect 3's `schedules` list.
type DeploymentSchedule struct {
	Schedule Schedule `json:"schedule"`
	Active   bool     `json:"active"`
}

// Skipped is a flow file the plan leaves out, and why.
type Skipped struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Unknown value names, as listed in Plan.Unknowns.
const (
	UnknownAWSAccountID = "aws_account_id"
)

// Nullable is a request field that is either absent (not sent), null, or a
// value: Prefect treats a field that is not sent differently from an
// explicit null when it updates an existing deployment.
type Nullable[T any] struct {
	Set   bool // false: the field is not sent
	Value *T   // nil: null
}

// hasControl reports a control character, which JSON strings must escape.
func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 {
			return true
		}
	}
	return false
}

// Some is a Nullable holding v.
func Some[T any](v T) Nullable[T] { return Nullable[T]{Set: true, Value: &v} }

// Null is a Nullable sent as null.
func Null[T any]() Nullable[T] { return Nullable[T]{Set: true} }

// IsZero reports an absent field (for the omitzero tag option).
func (n Nullable[T]) IsZero() bool { return !n.Set }

// MarshalJSON writes null or the value.
func (n Nullable[T]) MarshalJSON() ([]byte, error) {
	if n.Value == nil {
		return []byte("null"), nil
	}
	return json.Marshal(*n.Value)
}

// UnmarshalJSON reads null or a value; either way the field is present.
func (n *Nullable[T]) UnmarshalJSON(b []byte) error {
	n.Set = true
	if string(bytes.TrimSpace(b)) == "null" {
		n.Value = nil
		return nil
	}
	var v T
	// A string without escapes, the common case, needs no decoder.
	if sp, ok := any(&v).(*string); ok && len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' &&
		bytes.IndexByte(b[1:len(b)-1], '\\') < 0 && bytes.IndexByte(b[1:len(b)-1], '"') < 0 && utf8.Valid(b) && !hasControl(b) {
		*sp = string(b[1 : len(b)-1])
		n.Value = &v
		return nil
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	n.Value = &v
	return nil
}
