package prefect

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
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

// Schedule is a Prefect schedule object: a CronSchedule (Cron, Timezone,
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
// (DeploymentScheduleCreate / DeploymentScheduleUpdate in requests).
type DeploymentSchedule struct {
	Schedule   Schedule       `json:"schedule"`
	Active     *bool          `json:"active,omitempty"`
	Slug       string         `json:"slug,omitempty"`
	Parameters map[string]any `json:"parameters,omitzero"`
}

// DeploymentCreate is the body of POST /deployments/ (which upserts on flow
// id and name). It holds the fields of both versions' DeploymentCreate; the
// caller fills only those of the target version, as the server rejects the
// others: Prefect 2 (2.10.6) takes Schedule, IsScheduleActive,
// InfraOverrides and ManifestPath; Prefect 3 takes Schedules, Paused,
// JobVariables and EnforceParameterSchema. Unset fields are left out of the
// body; Null lists JSON field names to send as null.
type DeploymentCreate struct {
	Name                     string           `json:"name"`
	FlowID                   string           `json:"flow_id"`
	Version                  *string          `json:"version,omitempty"`
	Description              *string          `json:"description,omitempty"`
	Tags                     []string         `json:"tags,omitzero"`
	Parameters               map[string]any   `json:"parameters,omitzero"`
	ParameterOpenAPISchema   map[string]any   `json:"parameter_openapi_schema,omitzero"`
	WorkQueueName            *string          `json:"work_queue_name,omitempty"`
	WorkPoolName             *string          `json:"work_pool_name,omitempty"`
	Path                     *string          `json:"path,omitempty"`
	Entrypoint               *string          `json:"entrypoint,omitempty"`
	StorageDocumentID        *string          `json:"storage_document_id,omitempty"`
	InfrastructureDocumentID *string          `json:"infrastructure_document_id,omitempty"`
	PullSteps                []map[string]any `json:"pull_steps,omitzero"`

	Schedule         *Schedule      `json:"schedule,omitempty"`
	IsScheduleActive *bool          `json:"is_schedule_active,omitempty"`
	InfraOverrides   map[string]any `json:"infra_overrides,omitzero"`
	ManifestPath     *string        `json:"manifest_path,omitempty"`

	Schedules              []DeploymentSchedule `json:"schedules,omitzero"`
	Paused                 *bool                `json:"paused,omitempty"`
	JobVariables           map[string]any       `json:"job_variables,omitzero"`
	EnforceParameterSchema *bool                `json:"enforce_parameter_schema,omitempty"`

	Null []string `json:"-"`
}

// MarshalJSON writes the set fields plus the Null ones as null.
func (d DeploymentCreate) MarshalJSON() ([]byte, error) {
	type plain DeploymentCreate
	return marshalWithNulls(plain(d), d.Null)
}

// DeploymentUpdate is the body of PATCH /deployments/{id}: the server changes
// only the fields sent. Prefect 2 (2.10.6) accepts Version, Description,
// Tags, Parameters, WorkQueueName, WorkPoolName, Path, Entrypoint,
// StorageDocumentID, InfrastructureDocumentID, Schedule, IsScheduleActive,
// InfraOverrides and ManifestPath (not ParameterOpenAPISchema nor PullSteps);
// Prefect 3 accepts the common fields plus ParameterOpenAPISchema,
// PullSteps, Schedules (replacing all schedules when sent), Paused,
// JobVariables and EnforceParameterSchema. Null lists JSON field names to
// send as null (to clear them).
type DeploymentUpdate struct {
	Version                  *string          `json:"version,omitempty"`
	Description              *string          `json:"description,omitempty"`
	Tags                     []string         `json:"tags,omitzero"`
	Parameters               map[string]any   `json:"parameters,omitzero"`
	ParameterOpenAPISchema   map[string]any   `json:"parameter_openapi_schema,omitzero"`
	WorkQueueName            *string          `json:"work_queue_name,omitempty"`
	WorkPoolName             *string          `json:"work_pool_name,omitempty"`
	Path                     *string          `json:"path,omitempty"`
	Entrypoint               *string          `json:"entrypoint,omitempty"`
	StorageDocumentID        *string          `json:"storage_document_id,omitempty"`
	InfrastructureDocumentID *string          `json:"infrastructure_document_id,omitempty"`
	PullSteps                []map[string]any `json:"pull_steps,omitzero"`

	Schedule         *Schedule      `json:"schedule,omitempty"`
	IsScheduleActive *bool          `json:"is_schedule_active,omitempty"`
	InfraOverrides   map[string]any `json:"infra_overrides,omitzero"`
	ManifestPath     *string        `json:"manifest_path,omitempty"`

	Schedules              []DeploymentSchedule `json:"schedules,omitzero"`
	Paused                 *bool                `json:"paused,omitempty"`
	JobVariables           map[string]any       `json:"job_variables,omitzero"`
	EnforceParameterSchema *bool                `json:"enforce_parameter_schema,omitempty"`

	Null []string `json:"-"`
}

// MarshalJSON writes the set fields plus the Null ones as null.
func (d DeploymentUpdate) MarshalJSON() ([]byte, error) {
	type plain DeploymentUpdate
	return marshalWithNulls(plain(d), d.Null)
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

// marshalWithNulls marshals v (a struct without a MarshalJSON method) and
// adds the named JSON fields as null; a name that is not a JSON field of v,
// or that is also set, is an error.
func marshalWithNulls(v any, nulls []string) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode %T: %w", v, err)
	}
	if len(nulls) == 0 {
		return raw, nil
	}
	known := map[string]bool{}
	t := reflect.TypeOf(v)
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			known[name] = true
		}
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, fmt.Errorf("encode %T: %w", v, err)
	}
	for _, n := range nulls {
		if !known[n] {
			return nil, fmt.Errorf("encode %T: Null names %q, which is not one of its fields", v, n)
		}
		if _, set := fields[n]; set {
			return nil, fmt.Errorf("encode %T: field %q is both set and listed in Null", v, n)
		}
		fields[n] = json.RawMessage("null")
	}
	out, err := json.Marshal(fields)
	if err != nil {
		return nil, fmt.Errorf("encode %T: %w", v, err)
	}
	return out, nil
}
