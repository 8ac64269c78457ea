// Package spec holds the lifted flow specs: plain values with every default
// filled in, in the JSON shape `flowspec-extract --specs-only` prints. The lift
// stage builds them from evaluated Python values; the plan stage reads them.
package spec

import "encoding/json"

// API names which deployment API a spec was written against.
type API string

const (
	APIAgent  API = "agent"  // common.deployment (and flowspec): infrastructure blocks
	APIWorker API = "worker" // common.deployment.worker: work pools
)

// Flow describes the Prefect flow function a spec points at.
type Flow struct {
	Function    string      `json:"function"`    // the def's name, __name__
	Name        string      `json:"name"`        // Prefect's own flow name: decorator name= or function name with _ -> -
	Description *string     `json:"description"` // decorator description=, else docstring, else null
	Parameters  []Parameter `json:"parameters"`
}

// Parameter is one parameter of the flow function, in signature order.
type Parameter struct {
	Name       string `json:"name"`
	Kind       string `json:"kind,omitempty"` // positional_or_keyword (default, omitted), keyword_only, var_positional, var_keyword, positional_only
	Annotation string `json:"annotation"`     // source text, "" when absent
	// Type is the annotation read as a type expression, what the planner
	// computes the parameter schema from; nil when there is no annotation
	// or it could not be read, and TypeError then says why. Neither is in
	// the JSON form, whose annotation text is what people read: a spec
	// decoded from JSON has no Type.
	Type      *TypeExpr `json:"-"`
	TypeError string    `json:"-"`
	// Default is the default's JSON value; HasDefault tells null from absent.
	Default    json.RawMessage `json:"default"`
	HasDefault bool            `json:"has_default"`
}

// Envar is FlowEnvar / FlowSecret: a name and a value (for secrets, the
// Secrets Manager secret name).
type Envar struct {
	EnvarName  string `json:"envar_name"`
	EnvarValue string `json:"envar_value"`
}

// Schedule is one of the Prefect schedules. Exactly the fields of its Type
// are meaningful; the JSON form omits the others.
type Schedule struct {
	Type            string   `json:"type"` // "cron", "interval", "rrule"
	Cron            string   `json:"cron,omitempty"`
	DayOr           *bool    `json:"day_or,omitempty"`
	IntervalSeconds *float64 `json:"interval_seconds,omitempty"`
	AnchorDate      *string  `json:"-"` // ISO 8601; serialized by MarshalJSON for interval only
	RRule           string   `json:"rrule,omitempty"`
	Timezone        *string  `json:"-"` // serialized by MarshalJSON (null allowed)
}

// MarshalJSON writes exactly the fields of the schedule's type, with null
// for an absent timezone or anchor date.
func (s Schedule) MarshalJSON() ([]byte, error) {
	switch s.Type {
	case "cron":
		return json.Marshal(struct {
			Type     string  `json:"type"`
			Cron     string  `json:"cron"`
			Timezone *string `json:"timezone"`
			DayOr    bool    `json:"day_or"`
		}{s.Type, s.Cron, s.Timezone, s.DayOr == nil || *s.DayOr})
	case "interval":
		var secs float64
		if s.IntervalSeconds != nil {
			secs = *s.IntervalSeconds
		}
		return json.Marshal(struct {
			Type            string  `json:"type"`
			IntervalSeconds float64 `json:"interval_seconds"`
			AnchorDate      *string `json:"anchor_date"`
			Timezone        *string `json:"timezone"`
		}{s.Type, secs, s.AnchorDate, s.Timezone})
	default:
		return json.Marshal(struct {
			Type     string  `json:"type"`
			RRule    string  `json:"rrule"`
			Timezone *string `json:"timezone"`
		}{s.Type, s.RRule, s.Timezone})
	}
}

// UnmarshalJSON reads what MarshalJSON writes.
func (s *Schedule) UnmarshalJSON(b []byte) error {
	var raw struct {
		Type            string   `json:"type"`
		Cron            string   `json:"cron"`
		DayOr           *bool    `json:"day_or"`
		IntervalSeconds *float64 `json:"interval_seconds"`
		AnchorDate      *string  `json:"anchor_date"`
		RRule           string   `json:"rrule"`
		Timezone        *string  `json:"timezone"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*s = Schedule{Type: raw.Type, Cron: raw.Cron, DayOr: raw.DayOr, IntervalSeconds: raw.IntervalSeconds,
		AnchorDate: raw.AnchorDate, RRule: raw.RRule, Timezone: raw.Timezone}
	return nil
}

// AgentDeployment is an agent-era FlowDeployment with defaults filled in.
type AgentDeployment struct {
	DeploymentName string          `json:"deployment_name"`
	CPU            string          `json:"cpu"`
	Memory         string          `json:"memory"`
	Parameters     json.RawMessage `json:"parameters"` // a JSON object, keys in the spec's insertion order
	Schedule       *Schedule       `json:"schedule"`
	// Envars are the deployment's own envars merged over FlowSpec.envars
	// (later agent era): the deployment's value wins, order is spec envars
	// first then the deployment's new names.
	Envars []Envar `json:"envars"`
}

// AgentSpec is an agent-era FlowSpec with defaults filled in.
type AgentSpec struct {
	API                API               `json:"api"` // always "agent"
	Flow               Flow              `json:"flow"`
	DockerEnv          string            `json:"docker_env"`
	Secrets            []Envar           `json:"secrets"`
	Envars             []Envar           `json:"envars"`
	EphemeralStorageGB int               `json:"ephemeral_storage_gb"`
	Deployments        []AgentDeployment `json:"deployments"`
	// IsAgent is FlowSpec.is_agent (added in December 2023, default True)
	// when it is False, nil otherwise: such a spec is deployed by the
	// worker-era tooling, not by the agent-era one.
	IsAgent *bool `json:"is_agent,omitempty"`
}

// WorkerDeployment is a worker-era FlowDeployment with defaults filled in.
type WorkerDeployment struct {
	Name                   string          `json:"name"`
	Cron                   *string         `json:"cron"`
	Timezone               string          `json:"timezone"`
	Parameters             json.RawMessage `json:"parameters"`
	Description            *string         `json:"description"`
	Tags                   []string        `json:"tags"`
	Version                *string         `json:"version"`
	EnforceParameterSchema bool            `json:"enforce_parameter_schema"`
	WorkPoolName           string          `json:"work_pool_name"`
	WorkQueueName          string          `json:"work_queue_name"`
	JobVariables           json.RawMessage `json:"job_variables"`
}

// WorkerSpec is a worker-era FlowSpec with defaults filled in.
type WorkerSpec struct {
	API         API                `json:"api"` // always "worker"
	Flow        Flow               `json:"flow"`
	DockerEnv   string             `json:"docker_env"`
	IsAgent     bool               `json:"is_agent"`
	Deployments []WorkerDeployment `json:"deployments"`
}

// Spec is one lifted FLOW_SPEC: exactly one of Agent and Worker is set.
type Spec struct {
	Agent  *AgentSpec
	Worker *WorkerSpec
}

// DeployedElsewhere says why the plan leaves a spec out although it is
// valid: its is_agent flag hands it to the other era's tooling, as the
// original's agent-era and worker-era deploy commands each skip the
// other's flows. It is "" for a spec the plan deploys.
func (s Spec) DeployedElsewhere() string {
	switch {
	case s.Worker != nil && s.Worker.IsAgent:
		return "worker-era FLOW_SPEC with is_agent=True (deployed by the agent-era tooling)"
	case s.Agent != nil && s.Agent.IsAgent != nil && !*s.Agent.IsAgent:
		return "agent-era FLOW_SPEC with is_agent=False (deployed by the worker-era tooling)"
	}
	return ""
}

// MarshalJSON writes the set variant.
func (s Spec) MarshalJSON() ([]byte, error) {
	if s.Worker != nil {
		return json.Marshal(s.Worker)
	}
	return json.Marshal(s.Agent)
}

// UnmarshalJSON reads either variant by its "api" field.
func (s *Spec) UnmarshalJSON(b []byte) error {
	var head struct {
		API API `json:"api"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return err
	}
	*s = Spec{}
	if head.API == APIWorker {
		s.Worker = new(WorkerSpec)
		return json.Unmarshal(b, s.Worker)
	}
	s.Agent = new(AgentSpec)
	return json.Unmarshal(b, s.Agent)
}

// FlowInfo returns the flow description of whichever variant is set.
func (s Spec) FlowInfo() Flow {
	if s.Worker != nil {
		return s.Worker.Flow
	}
	return s.Agent.Flow
}

// Status of one flow file after extraction.
type Status string

const (
	StatusOK      Status = "ok"
	StatusMissing Status = "missing" // no FLOW_SPEC global: skipped, not an error
	StatusError   Status = "error"
)

// FileResult is one entry of `--specs-only`: a flow file and what came of it.
type FileResult struct {
	Path         string   `json:"path"` // relative to the project root, slash-separated
	Status       Status   `json:"status"`
	Errors       []string `json:"errors"`
	Warnings     []string `json:"warnings"`
	Spec         *Spec    `json:"spec"`
	SHA256       string   `json:"-"` // of the file's bytes, hex
	FlowSpecLine int      `json:"-"` // line of the FLOW_SPEC assignment that counted
}
