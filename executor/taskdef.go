package executor

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
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
	// registered: this apply registered the revision arn names.
	registered bool
}

// reconcileTaskDefinition compares the plan's task definition with the
// family's latest ACTIVE revision and registers a new revision only when a
// compared field differs (normalized, so AWS's defaults and order never
// cause churn).
//
// live and liveARN are the latest revision as read before (nil and "" when
// the family has none); dry compares without registering.
func (a *applier) reconcileTaskDefinition(ctx context.Context, td *plan.TaskDefinition, live *ecstypes.TaskDefinition, liveARN string, dry bool) (taskDefOutcome, error) {
	in, err := registerInput(td)
	if err != nil {
		return taskDefOutcome{}, err
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
	out.arn, out.registered = arn, true
	return out, nil
}

// registerInput is the RegisterTaskDefinition input of the plan's task
// definition.
func registerInput(td *plan.TaskDefinition) (*ecs.RegisterTaskDefinitionInput, error) {
	raw, err := json.Marshal(td)
	if err != nil {
		return nil, fmt.Errorf("encoding task definition %s: %w", td.Family, err)
	}
	if bytes.Contains(raw, []byte(plan.PlaceholderAWSAccountID)) {
		return nil, fmt.Errorf("task definition %s still holds the AWS account id placeholder", td.Family)
	}
	in, err := aws.DecodeRegisterInput(raw)
	if err != nil {
		return nil, fmt.Errorf("task definition %s: %w", td.Family, err)
	}
	return in, nil
}

// newerEqualRevision returns the ARN of the family's latest revision when
// it is newer than arn and has the plan's content: another apply of the
// same plan registered it meanwhile, and the block should point at it so
// that both applies end on one revision. It returns "" otherwise (a
// latest revision with other content belongs to another plan: the last
// apply of a plan wins, see the README on serialising applies).
func (a *applier) newerEqualRevision(ctx context.Context, td *plan.TaskDefinition, arn string) (string, error) {
	in, err := registerInput(td)
	if err != nil {
		return "", err
	}
	latest, latestARN, err := a.readTaskDefinition(ctx, td.Family)
	if err != nil || latest == nil || latestARN == arn {
		return "", err
	}
	if revisionOf(latestARN) <= revisionOf(arn) || len(aws.Diff(in, latest)) > 0 {
		return "", nil
	}
	return latestARN, nil
}

// revisionOf is the revision number of a task definition ARN (0 when it
// has none).
func revisionOf(arn string) int {
	_, rev, err := aws.ParseTaskDefinitionARN(arn)
	if err != nil {
		return 0
	}
	n, err := strconv.Atoi(rev)
	if err != nil {
		return 0
	}
	return n
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
