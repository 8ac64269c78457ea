package aws

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/executor/aws/awsfake"
)

// startFake starts a fake and points the default config chain at it
// through the environment, as a user's CI would.
func startFake(t *testing.T, opts awsfake.Options) *awsfake.Server {
	t.Helper()
	f := awsfake.New(opts)
	t.Cleanup(f.Close)
	for _, name := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_ECS", "AWS_ENDPOINT_URL_ECR", "AWS_ENDPOINT_URL_STS", "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE"} {
		t.Setenv(name, "")
		require.NoError(t, os.Unsetenv(name))
	}
	for _, kv := range f.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	return f
}

func newClient(t *testing.T, opts Options) *Client {
	t.Helper()
	if opts.MaxBackoff == 0 {
		opts.MaxBackoff = 5 * time.Millisecond
	}
	c, err := Load(t.Context(), opts)
	require.NoError(t, err)
	return c
}

func loadTaskDef(t *testing.T) *ecs.RegisterTaskDefinitionInput {
	t.Helper()
	raw, err := os.ReadFile("testdata/taskdef.json")
	require.NoError(t, err)
	in, err := fromJSON(raw)
	require.NoError(t, err)
	return in
}

func TestAccountID(t *testing.T) {
	f := startFake(t, awsfake.Options{Account: "210987654321"})
	c := newClient(t, Options{})
	id, err := c.AccountID(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "210987654321", id)
	assert.Equal(t, 1, f.Calls(awsfake.STSGetCallerIdentity))
	assert.Equal(t, "us-east-1", c.Region())
}

func TestServiceSpecificEndpointsWin(t *testing.T) {
	f := startFake(t, awsfake.Options{Region: "eu-west-1"})
	// The generic endpoint goes nowhere; only the per-service ones reach the fake.
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
	t.Setenv("AWS_ENDPOINT_URL_STS", f.URL)
	t.Setenv("AWS_ENDPOINT_URL_ECS", f.URL)
	t.Setenv("AWS_ENDPOINT_URL_ECR", f.URL)
	c := newClient(t, Options{MaxAttempts: 1})

	_, err := c.AccountID(t.Context())
	require.NoError(t, err)
	_, _, err = c.LatestTaskDefinition(t.Context(), "nothing")
	require.NoError(t, err)
	registry, _, _, err := c.AuthorizationToken(t.Context())
	require.NoError(t, err)
	assert.Equal(t, f.Account()+".dkr.ecr.eu-west-1.amazonaws.com", registry)
	assert.Equal(t, map[string]int{
		awsfake.STSGetCallerIdentity:     1,
		awsfake.ECSListTaskDefinitions:   1,
		awsfake.ECRGetAuthorizationToken: 1,
	}, f.CallCounts())
}

func TestRegionOptionOverridesEnvironment(t *testing.T) {
	startFake(t, awsfake.Options{Region: "us-west-2"})
	t.Setenv("AWS_REGION", "ap-south-1")
	c := newClient(t, Options{Region: "us-west-2", MaxAttempts: 1})
	assert.Equal(t, "us-west-2", c.Region())
	_, err := c.AccountID(t.Context())
	require.NoError(t, err, "the fake refuses signatures scoped to another region")

	wrong := newClient(t, Options{MaxAttempts: 1})
	_, err = wrong.AccountID(t.Context())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ap-south-1")
}

func TestLatestTaskDefinitionNone(t *testing.T) {
	startFake(t, awsfake.Options{})
	c := newClient(t, Options{})
	td, arn, err := c.LatestTaskDefinition(t.Context(), "absent")
	require.NoError(t, err)
	assert.Nil(t, td)
	assert.Empty(t, arn)
}

func TestRegisterThenLatestMatchesFamilyExactly(t *testing.T) {
	// One ARN per page: the second page shows the listing is newest first,
	// and the reading stops there.
	f := startFake(t, awsfake.Options{ListPageSize: 1})
	c := newClient(t, Options{})
	ctx := t.Context()

	in := loadTaskDef(t)
	family := sdkaws.ToString(in.Family)
	arn1, err := c.RegisterTaskDefinition(ctx, in)
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:ecs:us-east-1:123456789012:task-definition/"+family+":1", arn1)
	arn2, err := c.RegisterTaskDefinition(ctx, in)
	require.NoError(t, err)
	assert.True(t, strings.HasSuffix(arn2, ":2"), arn2)

	// Longer families sort after it, so DESC lists them first.
	for _, other := range []string{family + "-x", family + "-x", family + "z"} {
		o := loadTaskDef(t)
		o.Family = sdkaws.String(other)
		_, err := c.RegisterTaskDefinition(ctx, o)
		require.NoError(t, err)
	}

	f.ResetCalls()
	td, arn, err := c.LatestTaskDefinition(ctx, family)
	require.NoError(t, err)
	assert.Equal(t, arn2, arn)
	require.NotNil(t, td)
	assert.Equal(t, family, sdkaws.ToString(td.Family))
	assert.EqualValues(t, 2, td.Revision)
	assert.Equal(t, 2, f.Calls(awsfake.ECSListTaskDefinitions), "revisions 2 and 1, then no more pages")
	assert.Equal(t, 1, f.Calls(awsfake.ECSDescribeTaskDefinition))

	fam, rev, err := ParseTaskDefinitionARN(arn)
	require.NoError(t, err)
	assert.Equal(t, family, fam)
	assert.Equal(t, "2", rev)
}

func TestLatestSkipsDeregisteredRevisions(t *testing.T) {
	startFake(t, awsfake.Options{})
	c := newClient(t, Options{})
	ctx := t.Context()
	in := loadTaskDef(t)
	arn1, err := c.RegisterTaskDefinition(ctx, in)
	require.NoError(t, err)
	arn2, err := c.RegisterTaskDefinition(ctx, in)
	require.NoError(t, err)
	_, err = c.ecs.DeregisterTaskDefinition(ctx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: sdkaws.String(arn2)})
	require.NoError(t, err)

	_, arn, err := c.LatestTaskDefinition(ctx, sdkaws.ToString(in.Family))
	require.NoError(t, err)
	assert.Equal(t, arn1, arn)
}

func TestRegisterRefusedByECS(t *testing.T) {
	startFake(t, awsfake.Options{})
	c := newClient(t, Options{})
	in := loadTaskDef(t)
	// The seed's default of 20 GiB written out explicitly: ECS refuses it.
	in.EphemeralStorage = &ecstypes.EphemeralStorage{SizeInGiB: 20}
	_, err := c.RegisterTaskDefinition(t.Context(), in)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ecs RegisterTaskDefinition data-products-orders-load-orders-dev")
	assert.Contains(t, err.Error(), "ClientException")
	assert.Contains(t, err.Error(), "between 21 and 200")
}

func TestThrottlingAndServerErrorsAreRetried(t *testing.T) {
	tests := []struct {
		name   string
		action string
		fault  awsfake.Fault
		count  int
		call   func(context.Context, *Client) error
	}{
		{"list throttled twice", awsfake.ECSListTaskDefinitions, awsfake.Throttle, 2, func(ctx context.Context, c *Client) error {
			_, _, err := c.LatestTaskDefinition(ctx, "f")
			return err
		}},
		{"register answers 500", awsfake.ECSRegisterTaskDefinition, awsfake.ServerError, 1, func(ctx context.Context, c *Client) error {
			_, err := c.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{
				Family:               sdkaws.String("f"),
				ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: sdkaws.String("c"), Image: sdkaws.String("i")}},
			})
			return err
		}},
		{"sts throttled", awsfake.STSGetCallerIdentity, awsfake.Throttle, 2, func(ctx context.Context, c *Client) error {
			_, err := c.AccountID(ctx)
			return err
		}},
		{"ecr throttled", awsfake.ECRGetAuthorizationToken, awsfake.Throttle, 1, func(ctx context.Context, c *Client) error {
			_, _, _, err := c.AuthorizationToken(ctx)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := startFake(t, awsfake.Options{})
			c := newClient(t, Options{})
			f.InjectFault(tt.action, tt.fault, tt.count)
			require.NoError(t, tt.call(t.Context(), c))
			assert.Equal(t, tt.count+1, f.Calls(tt.action))
		})
	}
}

func TestRetriesGiveUpAfterMaxAttempts(t *testing.T) {
	f := startFake(t, awsfake.Options{})
	c := newClient(t, Options{MaxAttempts: 3})
	f.InjectFault(awsfake.ECSListTaskDefinitions, awsfake.Throttle, 10)
	_, _, err := c.LatestTaskDefinition(t.Context(), "f")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ThrottlingException")
	assert.Equal(t, 3, f.Calls(awsfake.ECSListTaskDefinitions))
}

func TestCallTimeout(t *testing.T) {
	startFake(t, awsfake.Options{Latency: 2 * time.Second})
	c := newClient(t, Options{CallTimeout: 50 * time.Millisecond, MaxAttempts: 1})
	start := time.Now()
	_, err := c.AccountID(t.Context())
	require.Error(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), time.Second)
}

func TestAuthorizationToken(t *testing.T) {
	f := startFake(t, awsfake.Options{ECRPassword: "s3cr3t-Pa55"})
	c := newClient(t, Options{})
	registry, user, password, err := c.AuthorizationToken(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "123456789012.dkr.ecr.us-east-1.amazonaws.com", registry)
	assert.Equal(t, f.Registry(), registry)
	assert.Equal(t, "AWS", user)
	assert.Equal(t, "s3cr3t-Pa55", password)
}

func TestSplitTokenErrorsDoNotLeakTheToken(t *testing.T) {
	tests := []struct {
		name, token, want string
	}{
		{"empty", "", "no token"},
		{"not base64", "AWS:hunter2-secret!", "not base64"},
		{"no colon", "aHVudGVyMi1zZWNyZXQ=", `not "user:password"`}, // hunter2-secret
		{"no password", "QVdTOg==", `not "user:password"`},          // AWS:
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := splitToken(tt.token)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "hunter2")
			if tt.token != "" {
				assert.NotContains(t, err.Error(), tt.token)
			}
		})
	}
	user, pw, err := splitToken("QVdTOnA6dw==") // AWS:p:w, the password may hold colons
	require.NoError(t, err)
	assert.Equal(t, "AWS", user)
	assert.Equal(t, "p:w", pw)
}

func TestParseTaskDefinitionARNErrors(t *testing.T) {
	for _, arn := range []string{"", "family:1", "arn:aws:ecs:us-east-1:1:task-definition/fam", "arn:aws:ecs:us-east-1:1:task-definition/:3"} {
		_, _, err := ParseTaskDefinitionARN(arn)
		assert.Error(t, err, arn)
	}
}

func TestDescribedFormCarriesAWSAdditions(t *testing.T) {
	// Guards the premise of the Diff tests: the live side really differs
	// from the request in ways that must be normalized away.
	f := startFake(t, awsfake.Options{})
	c := newClient(t, Options{})
	in := loadTaskDef(t)
	_, err := c.RegisterTaskDefinition(t.Context(), in)
	require.NoError(t, err)
	live, _, err := c.LatestTaskDefinition(t.Context(), sdkaws.ToString(in.Family))
	require.NoError(t, err)

	assert.Equal(t, ecstypes.TaskDefinitionStatusActive, live.Status)
	assert.NotNil(t, live.RegisteredAt)
	assert.NotEmpty(t, live.RequiresAttributes)
	assert.ElementsMatch(t, []ecstypes.Compatibility{"EC2", "FARGATE"}, live.Compatibilities)
	cd := live.ContainerDefinitions[0]
	assert.True(t, sdkaws.ToBool(cd.Essential))
	assert.NotNil(t, cd.PortMappings)
	assert.NotNil(t, cd.LogConfiguration.SecretOptions)
	assert.Equal(t, "SNOWFLAKE_PASSWORD", sdkaws.ToString(cd.Secrets[0].Name), "secrets come back in another order")
	assert.Equal(t, "EMPTY", sdkaws.ToString(cd.Environment[0].Name), "environment comes back in another order")
	assert.False(t, sdkaws.ToBool(cd.MountPoints[0].ReadOnly))
	assert.NotNil(t, cd.MountPoints[0].ReadOnly)
	require.Len(t, f.TaskDefinitions(sdkaws.ToString(in.Family)), 1)
	var stored map[string]any
	require.NoError(t, json.Unmarshal(f.TaskDefinitions(sdkaws.ToString(in.Family))[0], &stored))
	assert.Equal(t, "ACTIVE", stored["status"])
}

func TestNewWithFakeConfigNeedsNoEnvironment(t *testing.T) {
	t.Parallel()
	f := awsfake.New(awsfake.Options{Region: "ca-central-1", Account: "444455556666"})
	defer f.Close()
	c := New(f.Config(), time.Second)
	id, err := c.AccountID(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "444455556666", id)
	registry, _, _, err := c.AuthorizationToken(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "444455556666.dkr.ecr.ca-central-1.amazonaws.com", registry)
}

func TestImageExists(t *testing.T) {
	const repo = "123456789012.dkr.ecr.us-east-1.amazonaws.com/data-flows-prefect-envs"
	f := startFake(t, awsfake.Options{})
	f.PutImage("data-flows-prefect-envs", "base-py-3.10-3f9a1c2")
	c := newClient(t, Options{})
	tests := []struct {
		name       string
		repository string
		tag        string
		want       bool
		wantErr    string
	}{
		{"pushed tag", repo, "base-py-3.10-3f9a1c2", true, ""},
		{"other tag", repo, "base-py-3.10-0000000", false, ""},
		{"missing repository", "123456789012.dkr.ecr.us-east-1.amazonaws.com/nothing-here", "x", false, ""},
		{"other account's registry", "210987654321.dkr.ecr.us-east-1.amazonaws.com/data-flows-prefect-envs", "base-py-3.10-3f9a1c2", false, ""},
		{"not an ECR URI", "docker.io/library/python", "3.11", false, "not an ECR repository URI"},
		{"no repository name", "123456789012.dkr.ecr.us-east-1.amazonaws.com", "x", false, "not an ECR repository URI"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.ImageExists(t.Context(), tt.repository, tt.tag)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	assert.Equal(t, 4, f.Calls(awsfake.ECRDescribeImages), "a malformed URI is refused before any call")
}

func TestImageExistsReportsOtherErrors(t *testing.T) {
	f := startFake(t, awsfake.Options{})
	f.InjectFault(awsfake.ECRDescribeImages, awsfake.ServerError, 5)
	c := newClient(t, Options{MaxAttempts: 1})
	_, err := c.ImageExists(t.Context(), "123456789012.dkr.ecr.us-east-1.amazonaws.com/r", "t")
	require.ErrorContains(t, err, "ecr DescribeImages 123456789012.dkr.ecr.us-east-1.amazonaws.com/r:t")
}

// oldestFirstECS answers ListTaskDefinitions as moto 5 does, oldest
// revision first whatever sort asks, over pages of pageSize ARNs, mixed with
// ARNs of another family; and DescribeTaskDefinition by ARN.
func oldestFirstECS(t *testing.T, family string, revisions, pageSize int) *httptest.Server {
	t.Helper()
	var arns []string
	for n := 1; n <= revisions; n++ {
		arns = append(arns, fmt.Sprintf("arn:aws:ecs:us-east-1:123456789012:task-definition/%s:%d", family, n),
			fmt.Sprintf("arn:aws:ecs:us-east-1:123456789012:task-definition/%s-x:%d", family, n))
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			NextToken      string `json:"nextToken"`
			TaskDefinition string `json:"taskDefinition"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		switch r.Header.Get("X-Amz-Target") {
		case "AmazonEC2ContainerServiceV20141113.ListTaskDefinitions":
			start := 0
			if in.NextToken != "" {
				start, _ = strconv.Atoi(in.NextToken)
			}
			end := min(start+pageSize, len(arns))
			out := map[string]any{"taskDefinitionArns": arns[start:end]}
			if end < len(arns) {
				out["nextToken"] = strconv.Itoa(end)
			}
			_ = json.NewEncoder(w).Encode(out)
		case "AmazonEC2ContainerServiceV20141113.DescribeTaskDefinition":
			_, rev, _ := ParseTaskDefinitionARN(in.TaskDefinition)
			_ = json.NewEncoder(w).Encode(map[string]any{"taskDefinition": map[string]any{
				"taskDefinitionArn": in.TaskDefinition, "family": family, "revision": json.Number(rev), "status": "ACTIVE",
			}})
		default:
			http.Error(w, "unexpected target", http.StatusBadRequest)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestLatestTaskDefinitionWhenTheServerIgnoresSort(t *testing.T) {
	for _, pageSize := range []int{1, 3, 100} {
		t.Run(fmt.Sprintf("page size %d", pageSize), func(t *testing.T) {
			srv := oldestFirstECS(t, "flow-main", 5, pageSize)
			c := New(sdkaws.Config{
				Region:       "us-east-1",
				Credentials:  credentials.NewStaticCredentialsProvider("AKID", "secret", ""),
				BaseEndpoint: sdkaws.String(srv.URL),
			}, 0)
			td, arn, err := c.LatestTaskDefinition(t.Context(), "flow-main")
			require.NoError(t, err)
			assert.Equal(t, "arn:aws:ecs:us-east-1:123456789012:task-definition/flow-main:5", arn)
			assert.EqualValues(t, 5, td.Revision)
		})
	}
}
