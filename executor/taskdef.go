package executor

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/flowplan/flowplan/executor/aws"
	"github.com/flowplan/flowplan/plan"
)

// taskDefOutcome is what reconciling a task definition gives the resources
// that need it: the ARN of the revision in effect ("" in a dry run that
// would register one).
type taskDefOutcome struct {
	arn    string
	action Action
	diffs  []string
}

// reconcileTaskDefinition compares the plan's task definition with the
// family's latest ACTIVE revision and registers a new revision only when a
// compared field differs (normalized, so AWS's defaults and order never
// cause churn).
//
// live and liveARN are the latest revision as read before (nil and "" when
// the family has none); dry compares without registering.
func (a *applier) reconcileTaskDefinition(ctx context.Context, td *plan.TaskDefinition, live *ecstypes.TaskDefinition, liveARN string, dry bool) (taskDefOutcome, error) {
	raw, err := json.Marshal(td)
	if err != nil {
		return taskDefOutcome{}, fmt.Errorf("encoding task definition %s: %w", td.Family, err)
	}
	if bytes.Contains(raw, []byte(plan.PlaceholderAWSAccountID)) {
		return taskDefOutcome{}, fmt.Errorf("task definition %s still holds the AWS account id placeholder", td.Family)
	}
	in, err := aws.DecodeRegisterInput(raw)
	if err != nil {
		return taskDefOutcome{}, fmt.Errorf("task definition %s: %w", td.Family, err)
	}
	out := taskDefOutcome{arn: liveARN, action: Unchanged}
	if live == nil {
		out.action = Created
	} else {
		for _, d := range aws.Diff(in, live) {
			out.diffs = append(out.diffs, d.Field)
		}
		if len(out.diffs) == 0 {
			return out, nil
		}
		out.action = Updated
	}
	if dry {
		out.arn = ""
		return out, nil
	}
	arn, err := a.opts.ECS.RegisterTaskDefinition(ctx, in)
	if err != nil {
		return taskDefOutcome{}, fmt.Errorf("registering task definition %s: %w", td.Family, err)
	}
	out.arn = arn
	return out, nil
}

func (a *applier) taskDefinitionResult(td *plan.TaskDefinition, flow string, order resultOrder, out taskDefOutcome, err error) Result {
	r := Result{Kind: KindTaskDefinition, Name: td.Family, Flow: flow, order: order}
	if err != nil {
		r.Action, r.Error = Failed, err.Error()
		return r
	}
	r.Action, r.Changes, r.Detail = out.action, out.diffs, out.arn
	if r.Detail == "" {
		r.Detail = "new revision"
	}
	return r
}

// readTaskDefinition reads the family's latest ACTIVE revision.
func (a *applier) readTaskDefinition(ctx context.Context, family string) (*ecstypes.TaskDefinition, string, error) {
	live, arn, err := a.opts.ECS.LatestTaskDefinition(ctx, family)
	if err != nil {
		return nil, "", fmt.Errorf("reading task definition %s: %w", family, err)
	}
	return live, arn, nil
}
