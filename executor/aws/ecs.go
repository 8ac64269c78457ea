package aws

import (
	"context"
	"fmt"
	"strings"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// LatestTaskDefinition returns the newest ACTIVE revision of family and its
// ARN, or nil and "" when the family has none.
//
// ListTaskDefinitions' familyPrefix may also list families that merely
// start with the name ("flow" lists "flow-dev"), so ARNs are filtered by
// exact family; with the descending sort the first exact match is the
// latest revision.
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

func (c *Client) latestARN(ctx context.Context, family string) (string, error) {
	pages := ecs.NewListTaskDefinitionsPaginator(c.ecs, &ecs.ListTaskDefinitionsInput{
		FamilyPrefix: sdkaws.String(family),
		Sort:         ecstypes.SortOrderDesc,
		Status:       ecstypes.TaskDefinitionStatusActive,
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return "", fmt.Errorf("ecs ListTaskDefinitions %s: %w", family, err)
		}
		for _, arn := range page.TaskDefinitionArns {
			f, _, err := ParseTaskDefinitionARN(arn)
			if err != nil {
				return "", fmt.Errorf("ecs ListTaskDefinitions %s: %w", family, err)
			}
			if f == family {
				return arn, nil
			}
		}
	}
	return "", nil
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
