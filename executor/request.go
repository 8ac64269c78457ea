package executor

import (
	"encoding/json"

	"github.com/flowplan/flowplan/executor/prefect"
	"github.com/flowplan/flowplan/plan"
)

// deploymentRefs are the ids a deployment request refers to, resolved live
// (unknownID for what is not created yet).
type deploymentRefs struct {
	flowID           string
	storageID        string // "" when the plan names no storage block
	infrastructureID string // "" when the plan names no infrastructure block
}

// deploymentCreate is the POST /deployments/ body of the plan's request
// with the live ids: every field the plan sets, null where the plan says
// null, nothing for the fields it leaves unmanaged.
func deploymentCreate(r plan.DeploymentRequest, refs deploymentRefs) prefect.DeploymentCreate {
	body := prefect.DeploymentCreate{
		Name:   r.Name,
		FlowID: refs.flowID,
		DeploymentUpdate: prefect.DeploymentUpdate{
			Version:                r.Version,
			Description:            r.Description,
			Tags:                   plan.Some(r.Tags),
			Parameters:             rawIfSet(r.Parameters),
			ParameterOpenAPISchema: rawOrNull(r.ParameterOpenAPISchema),
			WorkQueueName:          plan.Some(r.WorkQueueName),
			WorkPoolName:           someIfSet(r.WorkPoolName),
			Path:                   r.Path,
			Entrypoint:             plan.Some(r.Entrypoint),
			PullSteps:              rawIfSet(r.PullSteps),
			Schedule:               r.Schedule,
			InfraOverrides:         rawIfSet(r.InfraOverrides),
			JobVariables:           rawIfSet(r.JobVariables),
			EnforceParameterSchema: someIfSet(r.EnforceParameterSchema),
		},
	}
	if r.Schedules != nil {
		body.Schedules = plan.Some(r.Schedules)
	}
	if refs.storageID != "" {
		body.StorageDocumentID = plan.Some(refs.storageID)
	}
	if refs.infrastructureID != "" {
		body.InfrastructureDocumentID = plan.Some(refs.infrastructureID)
	}
	return body
}

// rawIfSet sends a JSON value the plan may leave out (nil).
func rawIfSet(v json.RawMessage) plan.Nullable[json.RawMessage] {
	if len(v) == 0 {
		return plan.Nullable[json.RawMessage]{}
	}
	return plan.Some(v)
}

// rawOrNull sends a JSON value the plan always sends, nil as null.
func rawOrNull(v json.RawMessage) plan.Nullable[json.RawMessage] {
	if len(v) == 0 {
		return plan.Null[json.RawMessage]()
	}
	return plan.Some(v)
}

// someIfSet sends *v, or nothing when v is nil.
func someIfSet[T any](v *T) plan.Nullable[T] {
	if v == nil {
		return plan.Nullable[T]{}
	}
	return plan.Some(*v)
}
