package executor

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/flowplan/flowplan/executor/aws"
	"github.com/flowplan/flowplan/plan"
)

// taskDefOutcome is what applying a task definition of a docker env gives
// the flows that run with it: the ARN of the revision in effect ("" in a
// dry run that would register one).
type taskDefOutcome struct {
	arn     string
	action  Action
	changes []string
}

// applyTaskDefinition reads the family's latest revision, compares, and
// unless this is a dry run registers a new revision when the comparison
// asks for one.
func (a *applier) applyTaskDefinition(ctx context.Context, td *plan.TaskDefinition) (taskDefOutcome, error) {
	live, liveARN, err := a.readTaskDefinition(ctx, td.Family)
	c := compareTaskDefinition(td, live, liveARN, err)
	if c.err != nil {
		return taskDefOutcome{}, c.err
	}
	out := taskDefOutcome{arn: c.liveARN, action: c.op.action(), changes: fieldNames(c.changes)}
	if c.op == OpNoOp {
		return out, nil
	}
	out.arn = ""
	if a.opts.DryRun {
		return out, nil
	}
	out.arn, err = a.registerTaskDefinition(ctx, c)
	return out, err
}

// registerInput is the RegisterTaskDefinition input of the plan's task
// definition, refused while it holds the AWS account id placeholder.
func registerInput(td *plan.TaskDefinition) (*ecs.RegisterTaskDefinitionInput, error) {
	// The placeholder may sit in any string of the task definition (an
	// ARN, an image, an environment value): the encoded form shows them
	// all.
	raw, err := json.Marshal(td)
	if err != nil {
		return nil, fmt.Errorf("encoding task definition %s: %w", td.Family, err)
	}
	if bytes.Contains(raw, []byte(plan.PlaceholderAWSAccountID)) {
		return nil, fmt.Errorf("task definition %s still holds the AWS account id placeholder", td.Family)
	}
	in, err := aws.RegisterInput(td)
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
	r.Action, r.Changes, r.Detail = out.action, out.changes, out.arn
	if r.Detail == "" {
		r.Detail = "new revision"
	}
	return r
}
