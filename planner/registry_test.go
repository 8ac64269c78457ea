package planner

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/extractor/spec"
	"github.com/flowplan/flowplan/plan"
)

func TestParseRegistry(t *testing.T) {
	tests := []struct {
		in, want, wantErr string
	}{
		{in: "registry.example.com", want: "registry.example.com"},
		{in: "registry.example.com:5000/data-team", want: "registry.example.com:5000/data-team"},
		{in: "127.0.0.1:5000/flowplan/it/", want: "127.0.0.1:5000/flowplan/it"},
		{in: "localhost/a.b__c-d", want: "localhost/a.b__c-d"},
		{in: "[::1]:5000/x", want: "[::1]:5000/x"},
		{in: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecr-public", want: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecr-public"},
		{in: " ", wantErr: "is empty"},
		{in: "https://registry.example.com", wantErr: "without a scheme"},
		{in: "datateam/images", wantErr: `docker would read "datateam" as a Docker Hub account`},
		{in: "registry.example.com/Team", wantErr: `prefix component "Team" must be lowercase`},
		{in: "registry.example.com/team:v1", wantErr: `prefix component "team:v1"`},
		{in: "registry.example.com//team", wantErr: `prefix component ""`},
		{in: "-registry.example.com", wantErr: "is not a host name"},
		{in: "registry.example.com:port", wantErr: "is not a host name"},
		{in: "registry example.com", wantErr: "is not a host name"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseRegistry(tt.in)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestBuildPushesToTheGivenRegistry(t *testing.T) {
	o := workerOptions("main", plan.TargetPrefect2Worker)
	o.AWSAccountID = ""
	o.Registry = "127.0.0.1:5000/flowplan-it/"
	p, err := Build(mixedProject(), append(workerFiles(), seedFlow()), o)
	require.NoError(t, err)
	require.NotEmpty(t, p.Images)
	for _, im := range p.Images {
		assert.True(t, strings.HasPrefix(im.Repository, "127.0.0.1:5000/flowplan-it/data-flows-prefect"), im.Repository)
		assert.Equal(t, im.Repository+":"+im.Tag, im.URI)
		if im.TaskDefinition != nil {
			assert.Equal(t, im.URI, im.TaskDefinition.ContainerDefinitions[0].Image)
		}
	}
	for _, f := range p.Flows {
		if f.TaskDefinition != nil {
			assert.True(t, strings.HasPrefix(f.TaskDefinition.ContainerDefinitions[0].Image, "127.0.0.1:5000/flowplan-it/"))
			// the roles still name the (unknown) account
			assert.Contains(t, f.TaskDefinition.TaskRoleArn, plan.PlaceholderAWSAccountID)
		}
	}

	r, err := p.ResolveAccount("210987654321")
	require.NoError(t, err)
	for i, im := range r.Images {
		assert.Equal(t, p.Images[i].URI, im.URI, "the account does not touch a registry that is not ECR")
	}
}

func TestBuildRefusesABadRegistry(t *testing.T) {
	o := seedOptions("main")
	o.Registry = "https://registry.example.com"
	_, err := Build(seedProject(), nil, o)
	require.ErrorContains(t, err, "building the plan: registry \"https://registry.example.com\": give HOST[/PREFIX] without a scheme")
}

func TestResolveAccountFillsTheDefaultRegistryInput(t *testing.T) {
	o := seedOptions("main")
	o.AWSAccountID = ""
	o.Inputs = []plan.Input{
		{Name: "aws-account-id", Value: "", Source: "apply"},
		{Name: "registry", Value: ECRRegistry(plan.PlaceholderAWSAccountID, "us-east-1"), Source: "default"},
	}
	p, err := Build(seedProject(), []spec.FileResult{seedFlow()}, o)
	require.NoError(t, err)
	r, err := p.ResolveAccount("210987654321")
	require.NoError(t, err)
	assert.Equal(t, []plan.Input{
		{Name: "aws-account-id", Value: "210987654321", Source: "apply"},
		{Name: "registry", Value: "210987654321.dkr.ecr.us-east-1.amazonaws.com", Source: "default"},
	}, r.Inputs)
	assert.True(t, strings.HasPrefix(r.Images[0].URI, "210987654321.dkr.ecr.us-east-1.amazonaws.com/"))
}
