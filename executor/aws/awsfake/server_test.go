package awsfake

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sdkConfig is the server's Config without retries, so each fault shows.
func sdkConfig(s *Server) aws.Config {
	cfg := s.Config()
	cfg.Retryer = func() aws.Retryer { return aws.NopRetryer{} }
	return cfg
}

func newECS(t *testing.T, opts Options) (*Server, *ecs.Client) {
	t.Helper()
	s := New(opts)
	t.Cleanup(s.Close)
	return s, ecs.NewFromConfig(sdkConfig(s))
}

func apiCode(t *testing.T, err error) (string, string) {
	t.Helper()
	require.Error(t, err)
	var apiErr smithy.APIError
	require.True(t, errors.As(err, &apiErr), "not an API error: %v", err)
	return apiErr.ErrorCode(), apiErr.ErrorMessage()
}

// fargate returns a valid Fargate registration to be broken by each case.
func fargate() *ecs.RegisterTaskDefinitionInput {
	return &ecs.RegisterTaskDefinitionInput{
		Family:                  aws.String("flow-dev"),
		NetworkMode:             ecstypes.NetworkModeAwsvpc,
		RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate},
		Cpu:                     aws.String("256"),
		Memory:                  aws.String("512"),
		ExecutionRoleArn:        aws.String("arn:aws:iam::123456789012:role/exec"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{
			Name:             aws.String("prefect"),
			Image:            aws.String("repo:tag"),
			Secrets:          []ecstypes.Secret{{Name: aws.String("S"), ValueFrom: aws.String("arn:secret")}},
			LogConfiguration: &ecstypes.LogConfiguration{LogDriver: ecstypes.LogDriverAwslogs},
		}},
	}
}

func TestRegisterValidation(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*ecs.RegisterTaskDefinitionInput)
		want   string
	}{
		{"ephemeral storage 20", func(in *ecs.RegisterTaskDefinitionInput) {
			in.EphemeralStorage = &ecstypes.EphemeralStorage{SizeInGiB: 20}
		}, "between 21 and 200"},
		{"ephemeral storage 201", func(in *ecs.RegisterTaskDefinitionInput) {
			in.EphemeralStorage = &ecstypes.EphemeralStorage{SizeInGiB: 201}
		}, "between 21 and 200"},
		{"family with a dot", func(in *ecs.RegisterTaskDefinitionInput) { in.Family = aws.String("flow.dev") }, "Family must be"},
		{"family too long", func(in *ecs.RegisterTaskDefinitionInput) { in.Family = aws.String(strings.Repeat("f", 256)) }, "Family must be"},
		{"fargate without cpu", func(in *ecs.RegisterTaskDefinitionInput) { in.Cpu = nil }, "'cpu' be defined at the task level"},
		{"fargate without memory", func(in *ecs.RegisterTaskDefinitionInput) { in.Memory = nil }, "'memory' be defined at the task level"},
		{"fargate memory too small for cpu", func(in *ecs.RegisterTaskDefinitionInput) { in.Cpu = aws.String("1024") }, "No Fargate configuration exists for given values: 1024 CPU, 512 memory"},
		{"fargate bridge network", func(in *ecs.RegisterTaskDefinitionInput) { in.NetworkMode = ecstypes.NetworkModeBridge }, "network mode 'awsvpc'"},
		{"fargate secrets without execution role", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ExecutionRoleArn = nil
			in.ContainerDefinitions[0].LogConfiguration = nil
		}, "execution role ARN to support secrets"},
		{"fargate awslogs without execution role", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ExecutionRoleArn = nil
			in.ContainerDefinitions[0].Secrets = nil
		}, "execution role ARN to support log driver awslogs"},
		{"fargate log driver", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[0].LogConfiguration.LogDriver = ecstypes.LogDriverJsonFile
		}, `Fargate does not support log driver "json-file"`},
		{"cpu not a number", func(in *ecs.RegisterTaskDefinitionInput) { in.Cpu = aws.String("lots") }, "Invalid 'cpu'"},
		{"no image", func(in *ecs.RegisterTaskDefinitionInput) { in.ContainerDefinitions[0].Image = aws.String(" ") }, "Container.image should not be null or empty."},
		{"duplicate container", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions = append(in.ContainerDefinitions, in.ContainerDefinitions[0])
		}, `Duplicate container name "prefect"`},
		{"mount of a missing volume", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[0].MountPoints = []ecstypes.MountPoint{{SourceVolume: aws.String("scratch"), ContainerPath: aws.String("/x")}}
		}, "no volume named 'scratch'"},
		{"empty environment name", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[0].Environment = []ecstypes.KeyValuePair{{Name: aws.String(""), Value: aws.String("v")}}
		}, "environment[0].name should not be null or empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c := newECS(t, Options{})
			in := fargate()
			tt.mutate(in)
			_, err := c.RegisterTaskDefinition(t.Context(), in)
			code, msg := apiCode(t, err)
			assert.Equal(t, "ClientException", code)
			assert.Contains(t, msg, tt.want)
			assert.Empty(t, s.Families(), "a refused registration stores nothing")
		})
	}
}

func TestRegisterAcceptsValidVariants(t *testing.T) {
	tests := []struct {
		name       string
		mutate     func(*ecs.RegisterTaskDefinitionInput)
		cpu, memMi string
	}{
		{"as given", func(*ecs.RegisterTaskDefinitionInput) {}, "256", "512"},
		{"units", func(in *ecs.RegisterTaskDefinitionInput) {
			in.Cpu, in.Memory = aws.String("1 vCPU"), aws.String("3 GB")
		}, "1024", "3072"},
		{"ephemeral bounds", func(in *ecs.RegisterTaskDefinitionInput) {
			in.EphemeralStorage = &ecstypes.EphemeralStorage{SizeInGiB: 21}
		}, "256", "512"},
		{"volume and mount", func(in *ecs.RegisterTaskDefinitionInput) {
			in.Volumes = []ecstypes.Volume{{Name: aws.String("scratch")}}
			in.ContainerDefinitions[0].MountPoints = []ecstypes.MountPoint{{SourceVolume: aws.String("scratch"), ContainerPath: aws.String("/x")}}
		}, "256", "512"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c := newECS(t, Options{})
			in := fargate()
			tt.mutate(in)
			out, err := c.RegisterTaskDefinition(t.Context(), in)
			require.NoError(t, err)
			assert.Equal(t, tt.cpu, aws.ToString(out.TaskDefinition.Cpu))
			assert.Equal(t, tt.memMi, aws.ToString(out.TaskDefinition.Memory))
			assert.EqualValues(t, 1, out.TaskDefinition.Revision)
		})
	}
}

func TestListFamilyPrefixSortStatusAndPages(t *testing.T) {
	s, c := newECS(t, Options{Region: "eu-central-1", Account: "111122223333"})
	ctx := t.Context()
	for _, family := range []string{"flow", "flow", "flow-x", "other", "flow"} {
		in := fargate()
		in.Family = aws.String(family)
		_, err := c.RegisterTaskDefinition(ctx, in)
		require.NoError(t, err)
	}
	arn := func(fr string) string { return "arn:aws:ecs:eu-central-1:111122223333:task-definition/" + fr }
	_, err := c.DeregisterTaskDefinition(ctx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String(arn("flow:2"))})
	require.NoError(t, err)

	// familyPrefix names one whole family: "flow-x" is not listed.
	asc, err := c.ListTaskDefinitions(ctx, &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("flow")})
	require.NoError(t, err)
	assert.Equal(t, []string{arn("flow:1"), arn("flow:3")}, asc.TaskDefinitionArns)
	none, err := c.ListTaskDefinitions(ctx, &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("fl")})
	require.NoError(t, err)
	assert.Empty(t, none.TaskDefinitionArns)

	var desc []string
	pages := ecs.NewListTaskDefinitionsPaginator(c, &ecs.ListTaskDefinitionsInput{
		Sort: ecstypes.SortOrderDesc, MaxResults: aws.Int32(2),
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		require.NoError(t, err)
		assert.LessOrEqual(t, len(page.TaskDefinitionArns), 2)
		desc = append(desc, page.TaskDefinitionArns...)
	}
	assert.Equal(t, []string{arn("other:1"), arn("flow-x:1"), arn("flow:3"), arn("flow:1")}, desc)

	inactive, err := c.ListTaskDefinitions(ctx, &ecs.ListTaskDefinitionsInput{Status: ecstypes.TaskDefinitionStatusInactive})
	require.NoError(t, err)
	assert.Equal(t, []string{arn("flow:2")}, inactive.TaskDefinitionArns)

	all, err := c.ListTaskDefinitions(ctx, &ecs.ListTaskDefinitionsInput{})
	require.NoError(t, err)
	assert.Len(t, all.TaskDefinitionArns, 4)
	assert.Equal(t, []string{"flow", "flow-x", "other"}, s.Families())
}

func TestDescribeReferences(t *testing.T) {
	_, c := newECS(t, Options{})
	ctx := t.Context()
	for range 2 {
		_, err := c.RegisterTaskDefinition(ctx, fargate())
		require.NoError(t, err)
	}
	for ref, rev := range map[string]int32{
		"flow-dev":   2,
		"flow-dev:1": 1,
		"arn:aws:ecs:us-east-1:123456789012:task-definition/flow-dev:2": 2,
	} {
		out, err := c.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(ref), Include: []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags}})
		require.NoError(t, err, ref)
		assert.Equal(t, rev, out.TaskDefinition.Revision, ref)
		assert.NotNil(t, out.Tags, ref)
	}
	for _, ref := range []string{"flow-dev:3", "nothing", "arn:aws:ecs:us-east-1:999999999999:task-definition/flow-dev:1"} {
		_, err := c.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(ref)})
		code, msg := apiCode(t, err)
		assert.Equal(t, "ClientException", code, ref)
		assert.Equal(t, "Unable to describe task definition.", msg, ref)
	}
}

func TestSignatureRequired(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	post := func(target, auth string) (int, string) {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL, strings.NewReader(`{}`))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", target)
		if auth != "" {
			req.Header.Set("Authorization", auth)
			req.Header.Set("X-Amz-Date", "20240101T000000Z")
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(body)
	}
	sig := func(region, service string) string {
		return "AWS4-HMAC-SHA256 Credential=AKID/20240101/" + region + "/" + service + "/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc"
	}

	status, body := post(ecsTargetPrefix+"ListTaskDefinitions", "")
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, body, "MissingAuthenticationTokenException")

	status, body = post(ecsTargetPrefix+"ListTaskDefinitions", sig("us-east-1", "ecr"))
	assert.Equal(t, http.StatusForbidden, status)
	assert.Contains(t, body, "correct service: 'ecs'")

	status, body = post(ecsTargetPrefix+"ListTaskDefinitions", sig("eu-west-1", "ecs"))
	assert.Equal(t, http.StatusForbidden, status)
	assert.Contains(t, body, "valid region")

	status, body = post(ecsTargetPrefix+"ListTaskDefinitions", "Basic dXNlcjpwdw==")
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, body, "IncompleteSignatureException")

	status, body = post(ecsTargetPrefix+"ListTaskDefinitions", sig("us-east-1", "ecs"))
	assert.Equal(t, http.StatusOK, status, body)
	assert.JSONEq(t, `{"taskDefinitionArns":[]}`, body)

	status, body = post(ecsTargetPrefix+"DeleteCluster", sig("us-east-1", "ecs"))
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, body, "UnknownOperationException")

	assert.Equal(t, 1, s.Calls(ECSListTaskDefinitions), "refused signatures are not counted as calls")
}

func TestUnknownRequestFieldIsRefused(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL, strings.NewReader(`{"familyPrefix":"f","colour":"red"}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", ecsTargetPrefix+"ListTaskDefinitions")
	req.Header.Set("X-Amz-Date", "20240101T000000Z")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=abc")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, string(body), "SerializationException")
	assert.Contains(t, string(body), "colour")
}

func TestFaultsLatencyAndCounts(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	cfg := sdkConfig(s)
	st := sts.NewFromConfig(cfg)
	c := ecs.NewFromConfig(cfg)
	ctx := t.Context()

	s.InjectFault(STSGetCallerIdentity, ServerError, 1)
	s.InjectFault(STSGetCallerIdentity, Throttle, 1)
	_, err := st.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	code, _ := apiCode(t, err)
	assert.Equal(t, "InternalFailure", code)
	_, err = st.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	code, msg := apiCode(t, err)
	assert.Equal(t, "Throttling", code)
	assert.Equal(t, "Rate exceeded", msg)
	out, err := st.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	require.NoError(t, err)
	assert.Equal(t, "123456789012", aws.ToString(out.Account))

	s.InjectFault(ECSListTaskDefinitions, Throttle, 1)
	_, err = c.ListTaskDefinitions(ctx, &ecs.ListTaskDefinitionsInput{})
	code, _ = apiCode(t, err)
	assert.Equal(t, "ThrottlingException", code)
	s.InjectFault(ECSListTaskDefinitions, ServerError, 1)
	_, err = c.ListTaskDefinitions(ctx, &ecs.ListTaskDefinitionsInput{})
	code, _ = apiCode(t, err)
	assert.Equal(t, "ServerException", code)

	s.SetLatency(60 * time.Millisecond)
	start := time.Now()
	_, err = c.ListTaskDefinitions(ctx, &ecs.ListTaskDefinitionsInput{})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), 60*time.Millisecond)

	assert.Equal(t, map[string]int{STSGetCallerIdentity: 3, ECSListTaskDefinitions: 3}, s.CallCounts())
	s.ResetCalls()
	assert.Empty(t, s.CallCounts())
}
