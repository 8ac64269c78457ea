package prefect

import (
	"encoding/json"
	"fmt"

	"github.com/flowplan/flowplan/plan"
)

// Flow is a flow as the server returns it.
type Flow struct {
	ID   string   `json:"id"`
	Name string   `json:"name"`
	Tags []string `json:"tags"`
}

// BlockType is a registered block type (e.g. slug "ecs-task").
type BlockType struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Slug string `json:"slug"`
}

// BlockSchema is one version of a block type's schema.
type BlockSchema struct {
	ID           string         `json:"id"`
	Checksum     string         `json:"checksum"`
	BlockTypeID  string         `json:"block_type_id"`
	Capabilities []string       `json:"capabilities"`
	Version      string         `json:"version"`
	Fields       map[string]any `json:"fields"`
}

// BlockDocument is a saved block (its data is the block's field values).
type BlockDocument struct {
	ID            string         `json:"id"`
	Name          string         `json:"name"`
	Data          map[string]any `json:"data"`
	BlockSchemaID string         `json:"block_schema_id"`
	BlockTypeID   string         `json:"block_type_id"`
	IsAnonymous   bool           `json:"is_anonymous"`
	BlockType     *BlockType     `json:"block_type,omitempty"`
	BlockSchema   *BlockSchema   `json:"block_schema,omitempty"`
}

// BlockDocumentCreate is the body of POST /block_documents/ (the
// BlockDocumentCreate action: name, data, block_schema_id, block_type_id,
// is_anonymous).
type BlockDocumentCreate struct {
	Name          string         `json:"name"`
	Data          map[string]any `json:"data"`
	BlockSchemaID string         `json:"block_schema_id"`
	BlockTypeID   string         `json:"block_type_id"`
	IsAnonymous   bool           `json:"is_anonymous"`
}

// BlockDocumentUpdate is the body of PATCH /block_documents/{id}, as
// Block.save(overwrite=True) sends it: the new data and schema id. With
// MergeExistingData unset the server merges the top-level keys of Data into
// the stored data; false replaces the data.
type BlockDocumentUpdate struct {
	BlockSchemaID     string         `json:"block_schema_id,omitempty"`
	Data              map[string]any `json:"data"`
	MergeExistingData *bool          `json:"merge_existing_data,omitempty"`
}

// Schedule is a Prefect schedule object as a deployment read from the
// server holds it (requests send the plan's plan.Schedule): a CronSchedule (Cron, Timezone,
// DayOr), an IntervalSchedule (Interval in seconds, AnchorDate, Timezone) or
// an RRuleSchedule (RRule, Timezone). Fields of the other kinds stay zero.
type Schedule struct {
	Cron       string   `json:"cron,omitempty"`
	DayOr      *bool    `json:"day_or,omitempty"`
	Interval   *float64 `json:"interval,omitempty"`
	AnchorDate string   `json:"anchor_date,omitempty"`
	RRule      string   `json:"rrule,omitempty"`
	Timezone   *string  `json:"timezone,omitempty"`
}

// DeploymentSchedule is one entry of a Prefect 3 deployment's "schedules"
// as the server returns it (requests send plan.DeploymentSchedule).
type DeploymentSchedule struct {
	Schedule   Schedule       `json:"schedule"`
	Active     *bool          `json:"active,omitempty"`
	Slug       string         `json:"slug,omitempty"`
	Parameters map[string]any `json:"parameters,omitzero"`
}

// DeploymentCreate is the body of POST /deployments/ (which upserts on flow
// id and name): the name, the flow id, and the other fields as in a
// DeploymentUpdate (only those Set are sent).
type DeploymentCreate struct {
	Name   string `json:"name"`
	FlowID string `json:"flow_id"`
	DeploymentUpdate
}

// DeploymentUpdate is the body of PATCH /deployments/{id}, and the fields
// besides name and flow id of a DeploymentCreate. Every field is a
// plan.Nullable: one that is not Set is left out of the body (an update
// keeps the server's value, a create gets the server's default), one Set
// to plan.Null[T]() is sent as null (to clear it), any other is sent as
// its value. Free-form JSON (parameters, job variables...) is sent as
// written, so numbers keep every digit.
//
// It holds the fields of both Prefect versions; the caller sets only those
// of the target version, as the server rejects the others: Prefect 2
// (2.10.6) takes Schedule, IsScheduleActive, InfraOverrides and
// ManifestPath; Prefect 3 takes Schedules, Paused, JobVariables and
// EnforceParameterSchema. PATCH on Prefect 2.10.6 does not take
// ParameterOpenAPISchema nor PullSteps.
type DeploymentUpdate struct {
	Version                  plan.Nullable[string]          `json:"version,omitzero"`
	Description              plan.Nullable[string]          `json:"description,omitzero"`
	Tags                     plan.Nullable[[]string]        `json:"tags,omitzero"`
	Parameters               plan.Nullable[json.RawMessage] `json:"parameters,omitzero"`
	ParameterOpenAPISchema   plan.Nullable[json.RawMessage] `json:"parameter_openapi_schema,omitzero"`
	WorkQueueName            plan.Nullable[string]          `json:"work_queue_name,omitzero"`
	WorkPoolName             plan.Nullable[string]          `json:"work_pool_name,omitzero"`
	Path                     plan.Nullable[string]          `json:"path,omitzero"`
	Entrypoint               plan.Nullable[string]          `json:"entrypoint,omitzero"`
	StorageDocumentID        plan.Nullable[string]          `json:"storage_document_id,omitzero"`
	InfrastructureDocumentID plan.Nullable[string]          `json:"infrastructure_document_id,omitzero"`
	PullSteps                plan.Nullable[json.RawMessage] `json:"pull_steps,omitzero"`

	Schedule         plan.Nullable[plan.Schedule]   `json:"schedule,omitzero"`
	IsScheduleActive plan.Nullable[bool]            `json:"is_schedule_active,omitzero"`
	InfraOverrides   plan.Nullable[json.RawMessage] `json:"infra_overrides,omitzero"`
	ManifestPath     plan.Nullable[string]          `json:"manifest_path,omitzero"`

	Schedules              plan.Nullable[[]plan.DeploymentSchedule] `json:"schedules,omitzero"`
	Paused                 plan.Nullable[bool]                      `json:"paused,omitzero"`
	JobVariables           plan.Nullable[json.RawMessage]           `json:"job_variables,omitzero"`
	EnforceParameterSchema plan.Nullable[bool]                      `json:"enforce_parameter_schema,omitzero"`
}

// field returns the field whose JSON name is name, to be read into, or
// false when DeploymentUpdate has no such field.
func (u *DeploymentUpdate) field(name string) (json.Unmarshaler, bool) {
	switch name {
	case "version":
		return &u.Version, true
	case "description":
		return &u.Description, true
	case "tags":
		return &u.Tags, true
	case "parameters":
		return &u.Parameters, true
	case "parameter_openapi_schema":
		return &u.ParameterOpenAPISchema, true
	case "work_queue_name":
		return &u.WorkQueueName, true
	case "work_pool_name":
		return &u.WorkPoolName, true
	case "path":
		return &u.Path, true
	case "entrypoint":
		return &u.Entrypoint, true
	case "storage_document_id":
		return &u.StorageDocumentID, true
	case "infrastructure_document_id":
		return &u.InfrastructureDocumentID, true
	case "pull_steps":
		return &u.PullSteps, true
	case "schedule":
		return &u.Schedule, true
	case "is_schedule_active":
		return &u.IsScheduleActive, true
	case "infra_overrides":
		return &u.InfraOverrides, true
	case "manifest_path":
		return &u.ManifestPath, true
	case "schedules":
		return &u.Schedules, true
	case "paused":
		return &u.Paused, true
	case "job_variables":
		return &u.JobVariables, true
	case "enforce_parameter_schema":
		return &u.EnforceParameterSchema, true
	}
	return nil, false
}

// SetJSON sets the field whose JSON name is name from its JSON value (as
// the server returns it): null sets it to null. A name that is not a field
// is an error.
func (u *DeploymentUpdate) SetJSON(name string, value json.RawMessage) error {
	f, ok := u.field(name)
	if !ok {
		return fmt.Errorf("deployment request: unknown field %q", name)
	}
	if err := f.UnmarshalJSON(value); err != nil {
		return fmt.Errorf("deployment request: field %q: %w", name, err)
	}
	return nil
}

// Only returns the update that sends the named fields of u and no other.
// A name that is not a field is an error.
func (u DeploymentUpdate) Only(names []string) (DeploymentUpdate, error) {
	var out DeploymentUpdate
	for _, n := range names {
		switch n {
		case "version":
			out.Version = u.Version
		case "description":
			out.Description = u.Description
		case "tags":
			out.Tags = u.Tags
		case "parameters":
			out.Parameters = u.Parameters
		case "parameter_openapi_schema":
			out.ParameterOpenAPISchema = u.ParameterOpenAPISchema
		case "work_queue_name":
			out.WorkQueueName = u.WorkQueueName
		case "work_pool_name":
			out.WorkPoolName = u.WorkPoolName
		case "path":
			out.Path = u.Path
		case "entrypoint":
			out.Entrypoint = u.Entrypoint
		case "storage_document_id":
			out.StorageDocumentID = u.StorageDocumentID
		case "infrastructure_document_id":
			out.InfrastructureDocumentID = u.InfrastructureDocumentID
		case "pull_steps":
			out.PullSteps = u.PullSteps
		case "schedule":
			out.Schedule = u.Schedule
		case "is_schedule_active":
			out.IsScheduleActive = u.IsScheduleActive
		case "infra_overrides":
			out.InfraOverrides = u.InfraOverrides
		case "manifest_path":
			out.ManifestPath = u.ManifestPath
		case "schedules":
			out.Schedules = u.Schedules
		case "paused":
			out.Paused = u.Paused
		case "job_variables":
			out.JobVariables = u.JobVariables
		case "enforce_parameter_schema":
			out.EnforceParameterSchema = u.EnforceParameterSchema
		default:
			return DeploymentUpdate{}, fmt.Errorf("deployment request: unknown field %q", n)
		}
	}
	return out, nil
}

// Deployment is a deployment as the server returns it. Fields of the other
// Prefect version stay zero; Raw keeps the whole response so fields this
// type does not name can be carried over.
type Deployment struct {
	ID                       string           `json:"id"`
	Name                     string           `json:"name"`
	FlowID                   string           `json:"flow_id"`
	Version                  *string          `json:"version"`
	Description              *string          `json:"description"`
	Tags                     []string         `json:"tags"`
	Parameters               map[string]any   `json:"parameters"`
	ParameterOpenAPISchema   map[string]any   `json:"parameter_openapi_schema"`
	WorkQueueName            *string          `json:"work_queue_name"`
	WorkPoolName             *string          `json:"work_pool_name"`
	Path                     *string          `json:"path"`
	Entrypoint               *string          `json:"entrypoint"`
	StorageDocumentID        *string          `json:"storage_document_id"`
	InfrastructureDocumentID *string          `json:"infrastructure_document_id"`
	PullSteps                []map[string]any `json:"pull_steps"`

	Schedule         *Schedule      `json:"schedule"`
	IsScheduleActive *bool          `json:"is_schedule_active"`
	InfraOverrides   map[string]any `json:"infra_overrides"`
	ManifestPath     *string        `json:"manifest_path"`

	Schedules              []DeploymentSchedule `json:"schedules"`
	Paused                 *bool                `json:"paused"`
	JobVariables           map[string]any       `json:"job_variables"`
	EnforceParameterSchema *bool                `json:"enforce_parameter_schema"`

	Raw json.RawMessage `json:"-"`
}

// WorkPool is a work pool (GET /work_pools/{name}).
type WorkPool struct {
	ID              string         `json:"id"`
	Name            string         `json:"name"`
	Type            string         `json:"type"`
	IsPaused        bool           `json:"is_paused"`
	BaseJobTemplate map[string]any `json:"base_job_template"`
	DefaultQueueID  string         `json:"default_queue_id"`
}
