package executor

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/flowplan/flowplan/executor/prefect"
	"github.com/flowplan/flowplan/plan"
)

// patchable lists the fields PATCH /deployments/{id} accepts, per Prefect
// major version (DeploymentUpdate in Prefect 2.10.6 and in Prefect 3).
var patchable = map[int][]string{
	2: {"description", "entrypoint", "infra_overrides", "infrastructure_document_id", "is_schedule_active",
		"manifest_path", "parameters", "path", "schedule", "storage_document_id", "tags", "version",
		"work_pool_name", "work_queue_name"},
	3: {"description", "enforce_parameter_schema", "entrypoint", "infrastructure_document_id", "job_variables",
		"parameter_openapi_schema", "parameters", "path", "paused", "pull_steps", "schedules",
		"storage_document_id", "tags", "version", "work_pool_name", "work_queue_name"},
}

// deploymentRefs are the ids a deployment request refers to, resolved live
// (unknownID in a dry run for what would be created).
type deploymentRefs struct {
	flowID           string
	storageID        string // "" when the plan names no storage block
	infrastructureID string // "" when the plan names no infrastructure block
}

// desiredFields returns the request fields the plan manages, as JSON, with
// the live ids filled in.
func desiredFields(d plan.Deployment, refs deploymentRefs) (map[string]json.RawMessage, error) {
	raw, err := json.Marshal(d.Request)
	if err != nil {
		return nil, fmt.Errorf("encoding deployment %s: %w", d.Name, err)
	}
	fields := map[string]json.RawMessage{}
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, fmt.Errorf("encoding deployment %s: %w", d.Name, err)
	}
	put := func(k, v string) {
		b, _ := json.Marshal(v)
		fields[k] = b
	}
	put("flow_id", refs.flowID)
	if refs.storageID != "" {
		put("storage_document_id", refs.storageID)
	}
	if refs.infrastructureID != "" {
		put("infrastructure_document_id", refs.infrastructureID)
	}
	return fields, nil
}

// changedFields lists the managed fields whose live value differs, sorted.
func changedFields(desired map[string]json.RawMessage, live map[string]json.RawMessage) []string {
	var out []string
	for k, v := range desired {
		if k == "name" || k == "flow_id" {
			continue // the deployment was found by flow and name
		}
		if !sameField(k, v, live[k]) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// deploymentOutcome is what reconciling a deployment did.
type deploymentOutcome struct {
	action  Action
	changes []string
	how     string
}

// reconcileDeployment reads the deployment and writes only when a managed
// field differs:
//   - missing: POST /deployments/ with the managed fields (the server fills
//     in the defaults of the unmanaged ones);
//   - changed, and every changed field is one PATCH accepts on this Prefect
//     version: PATCH /deployments/{id} with the changed fields only. This is
//     the non-destructive choice: the server keeps every field not sent,
//     including those the plan leaves unmanaged and those flowplan does not
//     know, whereas Prefect 2.10.6's upsert rebuilds the row from the body
//     and resets whatever it leaves out. (Both delete the deployment's
//     auto-scheduled runs, PrefectHQ/prefect#17764, which is why nothing is
//     written when nothing changed.)
//   - changed in a field PATCH does not take (on Prefect 2.10.6
//     parameter_openapi_schema and pull_steps): POST /deployments/ upsert with
//     the managed fields plus the unmanaged ones copied from the server, as
//     the original's Deployment.load did, so that they are kept.
//
// live is the deployment as read before (nil when missing); dry compares
// without writing.
func (a *applier) reconcileDeployment(ctx context.Context, d plan.Deployment, refs deploymentRefs, live *prefect.Deployment, dry bool) (deploymentOutcome, error) {
	desired, err := desiredFields(d, refs)
	if err != nil {
		return deploymentOutcome{}, err
	}
	if live == nil {
		if dry {
			return deploymentOutcome{action: Created}, nil
		}
		body, err := toRequest[prefect.DeploymentCreate](desired)
		if err != nil {
			return deploymentOutcome{}, fmt.Errorf("deployment %s/%s: %w", d.FlowName, d.Name, err)
		}
		body.Null = nullFields(desired)
		if _, err := a.opts.Prefect.CreateDeployment(ctx, body); err != nil {
			return deploymentOutcome{}, fmt.Errorf("creating deployment %s/%s: %w", d.FlowName, d.Name, err)
		}
		return deploymentOutcome{action: Created}, nil
	}

	var liveFields map[string]json.RawMessage
	if err := json.Unmarshal(live.Raw, &liveFields); err != nil {
		return deploymentOutcome{}, fmt.Errorf("decoding deployment %s/%s: %w", d.FlowName, d.Name, err)
	}
	changes := changedFields(desired, liveFields)
	if len(changes) == 0 {
		return deploymentOutcome{action: Unchanged}, nil
	}
	major := wantMajor(targetOf(a.plan))
	out := deploymentOutcome{action: Updated, changes: changes, how: "PATCH"}
	canPatch := !slices.ContainsFunc(changes, func(f string) bool { return !slices.Contains(patchable[major], f) })
	if !canPatch {
		out.how = "upsert"
	}
	if dry {
		return out, nil
	}
	if canPatch {
		patch := map[string]json.RawMessage{}
		for _, f := range changes {
			patch[f] = desired[f]
		}
		body, err := toRequest[prefect.DeploymentUpdate](patch)
		if err != nil {
			return deploymentOutcome{}, fmt.Errorf("deployment %s/%s: %w", d.FlowName, d.Name, err)
		}
		body.Null = nullFields(patch)
		if err := a.opts.Prefect.UpdateDeployment(ctx, live.ID, body); err != nil {
			return deploymentOutcome{}, fmt.Errorf("updating deployment %s/%s: %w", d.FlowName, d.Name, err)
		}
		return out, nil
	}
	full := maps.Clone(desired)
	if major == 2 {
		for _, f := range d.Unmanaged {
			if v, ok := liveFields[f]; ok {
				if _, managed := full[f]; !managed {
					full[f] = v
				}
			}
		}
	}
	body, err := toRequest[prefect.DeploymentCreate](full)
	if err != nil {
		return deploymentOutcome{}, fmt.Errorf("deployment %s/%s: %w", d.FlowName, d.Name, err)
	}
	body.Null = nullFields(full)
	if _, err := a.opts.Prefect.CreateDeployment(ctx, body); err != nil {
		return deploymentOutcome{}, fmt.Errorf("updating deployment %s/%s: %w", d.FlowName, d.Name, err)
	}
	return out, nil
}

// toRequest decodes request fields into the client's request type strictly:
// a field the type does not know is an error, never silently dropped.
// Numbers inside free-form values (parameters, job variables) stay
// json.Number, so integers beyond float64's precision are sent as written.
func toRequest[T any](fields map[string]json.RawMessage) (T, error) {
	var out T
	raw, err := json.Marshal(fields)
	if err != nil {
		return out, fmt.Errorf("encoding request: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		return out, fmt.Errorf("building request: %w", err)
	}
	return out, nil
}

// nullFields lists the fields sent as null, sorted.
func nullFields(fields map[string]json.RawMessage) []string {
	var out []string
	for k, v := range fields {
		if string(bytes.TrimSpace(v)) == "null" {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
