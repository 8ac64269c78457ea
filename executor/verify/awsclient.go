package verify

import (
	"context"
	"errors"
	"fmt"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/flowplan/flowplan/executor/aws"
)

// AWSClient implements AWS with the SDK's clients: IAM, Secrets Manager,
// SSM, EC2 and ECR, with STS and ECR image lookups from executor/aws. It
// only reads (Get, Describe and List calls).
type AWSClient struct {
	*aws.Client
	callTimeout time.Duration
	iam         *iam.Client
	sm          *secretsmanager.Client
	ssm         *ssm.Client
	ec2         *ec2.Client
	ecr         *ecr.Client
}

var _ AWS = (*AWSClient)(nil)

// NewAWSClient builds the clients from a loaded configuration (see
// aws.LoadConfig); callTimeout bounds each call (0: no bound).
func NewAWSClient(cfg sdkaws.Config, callTimeout time.Duration) *AWSClient {
	return &AWSClient{
		Client:      aws.New(cfg, callTimeout),
		callTimeout: callTimeout,
		iam:         iam.NewFromConfig(cfg),
		sm:          secretsmanager.NewFromConfig(cfg),
		ssm:         ssm.NewFromConfig(cfg),
		ec2:         ec2.NewFromConfig(cfg),
		ecr:         ecr.NewFromConfig(cfg),
	}
}

func (c *AWSClient) callContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if c.callTimeout > 0 {
		return context.WithTimeout(ctx, c.callTimeout)
	}
	return context.WithCancel(ctx)
}

// RoleTrustPolicy reads the role with IAM GetRole.
func (c *AWSClient) RoleTrustPolicy(ctx context.Context, name string) (string, bool, error) {
	ctx, cancel := c.callContext(ctx)
	defer cancel()
	out, err := c.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: sdkaws.String(name)})
	var missing *iamtypes.NoSuchEntityException
	switch {
	case errors.As(err, &missing):
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("iam GetRole %s: %w", name, err)
	case out.Role == nil:
		return "", false, fmt.Errorf("iam GetRole %s: the response has no role", name)
	}
	return sdkaws.ToString(out.Role.AssumeRolePolicyDocument), true, nil
}

// SecretExists reads the secret's metadata (never its value) with Secrets
// Manager DescribeSecret.
func (c *AWSClient) SecretExists(ctx context.Context, id string) (bool, error) {
	ctx, cancel := c.callContext(ctx)
	defer cancel()
	_, err := c.sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: sdkaws.String(id)})
	var missing *smtypes.ResourceNotFoundException
	switch {
	case errors.As(err, &missing):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("secretsmanager DescribeSecret %s: %w", id, err)
	}
	return true, nil
}

// ParameterExists looks the parameter up by its exact name with SSM
// DescribeParameters (metadata only, never the value).
func (c *AWSClient) ParameterExists(ctx context.Context, name string) (bool, error) {
	ctx, cancel := c.callContext(ctx)
	defer cancel()
	out, err := c.ssm.DescribeParameters(ctx, &ssm.DescribeParametersInput{
		ParameterFilters: []ssmtypes.ParameterStringFilter{{Key: sdkaws.String("Name"), Option: sdkaws.String("Equals"), Values: []string{name}}},
	})
	if err != nil {
		return false, fmt.Errorf("ssm DescribeParameters %s: %w", name, err)
	}
	for _, p := range out.Parameters {
		if sdkaws.ToString(p.Name) == name {
			return true, nil
		}
	}
	return false, nil
}

// RepositoryExists reads the repository with ECR DescribeRepositories.
func (c *AWSClient) RepositoryExists(ctx context.Context, registryID, name string) (bool, error) {
	ctx, cancel := c.callContext(ctx)
	defer cancel()
	_, err := c.ecr.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RegistryId: sdkaws.String(registryID), RepositoryNames: []string{name}})
	var missing *ecrtypes.RepositoryNotFoundException
	switch {
	case errors.As(err, &missing):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("ecr DescribeRepositories %s: %w", name, err)
	}
	return true, nil
}

// SubnetVPCs reads the subnets with EC2 DescribeSubnets, filtered by id so
// that a missing one is left out instead of failing the call.
func (c *AWSClient) SubnetVPCs(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	p := ec2.NewDescribeSubnetsPaginator(c.ec2, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: sdkaws.String("subnet-id"), Values: ids}}})
	for p.HasMorePages() {
		page, err := c.page(ctx, func(ctx context.Context) (any, error) { return p.NextPage(ctx) })
		if err != nil {
			return nil, fmt.Errorf("ec2 DescribeSubnets: %w", err)
		}
		for _, s := range page.(*ec2.DescribeSubnetsOutput).Subnets {
			out[sdkaws.ToString(s.SubnetId)] = sdkaws.ToString(s.VpcId)
		}
	}
	return out, nil
}

// SecurityGroupVPCs reads the security groups with EC2
// DescribeSecurityGroups, filtered by id.
func (c *AWSClient) SecurityGroupVPCs(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	p := ec2.NewDescribeSecurityGroupsPaginator(c.ec2, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{{Name: sdkaws.String("group-id"), Values: ids}}})
	for p.HasMorePages() {
		page, err := c.page(ctx, func(ctx context.Context) (any, error) { return p.NextPage(ctx) })
		if err != nil {
			return nil, fmt.Errorf("ec2 DescribeSecurityGroups: %w", err)
		}
		for _, g := range page.(*ec2.DescribeSecurityGroupsOutput).SecurityGroups {
			out[sdkaws.ToString(g.GroupId)] = sdkaws.ToString(g.VpcId)
		}
	}
	return out, nil
}

func (c *AWSClient) page(ctx context.Context, next func(context.Context) (any, error)) (any, error) {
	ctx, cancel := c.callContext(ctx)
	defer cancel()
	return next(ctx)
}
