package aws

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// LatestTaskDefinition returns the newest ACTIVE revision of family and its
// ARN, or nil and "" when the family has none.
//
// The revision is found with ListTaskDefinitions (familyPrefix, status
// ACTIVE, sort DESC) and then described by its ARN. See latestARN for why
// the listing is read by revision number rather than by position.
func (c *Client) LatestTaskDefinition(ctx context.Context, family string) (*ecstypes.TaskDefinition, string, error) {
	ctx, cancel := c.callContext(ctx)
	defer cancel()
	arn, err := c.latestARN(ctx, family)
	if err != nil || arn == "" {
		return nil, "", err
	}
	out, err := c.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: sdkaws.String(arn)})
	if err != nil {
		return nil, "", fmt.Errorf("ecs DescribeTaskDefinition %s: %w", arn, err)
	}
	if out.TaskDefinition == nil {
		return nil, "", fmt.Errorf("ecs DescribeTaskDefinition %s: the response has no task definition", arn)
	}
	return out.TaskDefinition, arn, nil
}

// latestARN returns the ARN of the family's highest ACTIVE revision, or ""
// when it has none.
//
// It does not take the first ARN of the listing on trust. ECS documents
// familyPrefix as the full family name, but ARNs are still filtered by exact
// family in case a server matches it as a prefix ("flow" listing
// "flow-dev"). And not every server honours sort: ECS returns the newest
// revision first, so one page is enough, but moto (the emulator the
// integration tests run) lists revisions oldest first whatever the request
// asks. So the highest revision number among the exact matches wins, and
// the listing is read on until two revisions in a row have come newest
// first (or the pages run out).
func (c *Client) latestARN(ctx context.Context, family string) (string, error) {
	pages := ecs.NewListTaskDefinitionsPaginator(c.ecs, &ecs.ListTaskDefinitionsInput{
		FamilyPrefix: sdkaws.String(family),
		Sort:         ecstypes.SortOrderDesc,
		Status:       ecstypes.TaskDefinitionStatusActive,
	})
	best, bestRevision, previous := "", 0, 0
	newestFirst := false
	for !newestFirst && pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return "", fmt.Errorf("ecs ListTaskDefinitions %s: %w", family, err)
		}
		for _, arn := range page.TaskDefinitionArns {
			f, rev, err := ParseTaskDefinitionARN(arn)
			if err != nil {
				return "", fmt.Errorf("ecs ListTaskDefinitions %s: %w", family, err)
			}
			if f != family {
				continue
			}
			n, err := strconv.Atoi(rev)
			if err != nil || n < 1 {
				return "", fmt.Errorf("ecs ListTaskDefinitions %s: task definition ARN %q has no revision number", family, arn)
			}
			if previous > 0 && n < previous {
				// Newest first, as asked: what follows is older.
				newestFirst = true
				break
			}
			previous = n
			if n > bestRevision {
				best, bestRevision = arn, n
			}
		}
	}
	return best, nil
}

// ParseTaskDefinitionARN splits
// arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision> into
// family and revision.
func ParseTaskDefinitionARN(arn string) (family, revision string, err error) {
	_, rest, ok := strings.Cut(arn, ":task-definition/")
	if !ok || !strings.HasPrefix(arn, "arn:") {
		return "", "", fmt.Errorf("%q is not a task definition ARN", arn)
	}
	family, revision, ok = strings.Cut(rest, ":")
	if !ok || family == "" || revision == "" {
		return "", "", fmt.Errorf("task definition ARN %q has no family:revision", arn)
	}
	return family, revision, nil
}

// RegisterTaskDefinition registers a new revision and returns its ARN.
func (c *Client) RegisterTaskDefinition(ctx context.Context, in *ecs.RegisterTaskDefinitionInput) (string, error) {
	ctx, cancel := c.callContext(ctx)
	defer cancel()
	family := sdkaws.ToString(in.Family)
	out, err := c.ecs.RegisterTaskDefinition(ctx, in)
	if err != nil {
		return "", fmt.Errorf("ecs RegisterTaskDefinition %s: %w", family, err)
	}
	if out.TaskDefinition == nil || sdkaws.ToString(out.TaskDefinition.TaskDefinitionArn) == "" {
		return "", fmt.Errorf("ecs RegisterTaskDefinition %s: the response has no task definition ARN", family)
	}
	return *out.TaskDefinition.TaskDefinitionArn, nil
}
