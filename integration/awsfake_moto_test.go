//go:build integration

package integration

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/executor/aws"
	"github.com/flowplan/flowplan/executor/aws/awsfake"
	"github.com/flowplan/flowplan/plan"
)

// endpoint is one AWS implementation, reached through the SDK: moto, or
// this project's awsfake.
type endpoint struct {
	name   string
	client *aws.Client // the executor's own client
	ecs    *ecs.Client
	ecr    *ecr.Client
	// putImage makes the ECR repository hold tag (moto through its API,
	// awsfake through its test hook).
	putImage func(t *testing.T, repository, tag string)
	// emptyRepository makes a repository that holds no image.
	emptyRepository func(t *testing.T, repository string)
}

// endpoints returns moto (reset) and a new awsfake with moto's account
// and region, for one case.
func endpoints(t *testing.T) []endpoint {
	t.Helper()
	require.NoError(t, shared.moto.reset(t.Context()))
	motoCfg := sdkaws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDINTEGRATION", "integration-secret", ""),
		BaseEndpoint: sdkaws.String(shared.moto.url),
	}
	fake := awsfake.New(awsfake.Options{Account: motoAccount, Region: "us-east-1"})
	t.Cleanup(fake.Close)
	fakeCfg := fake.Config()

	motoECR := ecr.NewFromConfig(motoCfg)
	motoRepo := func(t *testing.T, repository string) {
		_, err := motoECR.CreateRepository(t.Context(), &ecr.CreateRepositoryInput{RepositoryName: sdkaws.String(repository)})
		var exists interface{ ErrorCode() string }
		if errors.As(err, &exists) && exists.ErrorCode() == "RepositoryAlreadyExistsException" {
			err = nil
		}
		require.NoError(t, err)
	}
	return []endpoint{
		{
			name: "moto", client: aws.New(motoCfg, 0), ecs: ecs.NewFromConfig(motoCfg), ecr: motoECR,
			putImage: func(t *testing.T, repository, tag string) {
				motoRepo(t, repository)
				_, err := motoECR.PutImage(t.Context(), &ecr.PutImageInput{
					RepositoryName: sdkaws.String(repository), ImageTag: sdkaws.String(tag),
					ImageManifest: sdkaws.String(`{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":2,"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[]}`),
				})
				require.NoError(t, err)
			},
			emptyRepository: motoRepo,
		},
		{
			name: "awsfake", client: aws.New(fakeCfg, 0), ecs: ecs.NewFromConfig(fakeCfg), ecr: ecr.NewFromConfig(fakeCfg),
			putImage: func(t *testing.T, repository, tag string) { fake.PutImage(repository, tag) },
			// awsfake has no CreateRepository; a repository exists once it
			// holds a tag, so it gets one no test asks for
			emptyRepository: func(t *testing.T, repository string) { fake.PutImage(repository, "unrelated-tag") },
		},
	}
}

// taskDefinition is the register input of executor/aws's test data:
// Fargate, secrets, an empty env value, a volume and its mount point.
func taskDefinition(t *testing.T, family string) *ecs.RegisterTaskDefinitionInput {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(shared.repo, "executor", "aws", "testdata", "taskdef.json"))
	require.NoError(t, err)
	var td plan.TaskDefinition
	require.NoError(t, json.Unmarshal(raw, &td))
	in, err := aws.RegisterInput(&td)
	require.NoError(t, err)
	in.Family = sdkaws.String(family)
	return in
}

func register(t *testing.T, e endpoint, family string, times int) {
	t.Helper()
	for range times {
		_, err := e.client.RegisterTaskDefinition(t.Context(), taskDefinition(t, family))
		require.NoError(t, err, e.name)
	}
}

func errorCode(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	if err != nil {
		return "not an API error: " + err.Error()
	}
	return ""
}

func arnOf(family string, revision string) string {
	return "arn:aws:ecs:us-east-1:" + motoAccount + ":task-definition/" + family + ":" + revision
}

// TestAwsfakeAgreesWithMoto sends the requests the executor makes (and the
// ones its tests make of awsfake) to moto and to awsfake, and requires the
// same outcome: every behaviour of awsfake that moto contradicted has been
// fixed (ListTaskDefinitions' familyPrefix was a prefix in awsfake), and
// this keeps it so.
func TestAwsfakeAgreesWithMoto(t *testing.T) {
	cases := []struct {
		name string
		run  func(t *testing.T, e endpoint) any
	}{
		{"a registered task definition compares equal to the plan's", func(t *testing.T, e endpoint) any {
			in := taskDefinition(t, "flow-main")
			arn, err := e.client.RegisterTaskDefinition(t.Context(), in)
			require.NoError(t, err)
			live, latest, err := e.client.LatestTaskDefinition(t.Context(), "flow-main")
			require.NoError(t, err)
			return []any{arn, latest, live.Revision, live.Status, aws.Diff(in, live)}
		}},
		{"what describe adds to the registration", func(t *testing.T, e endpoint) any {
			register(t, e, "flow-main", 1)
			out, err := e.ecs.DescribeTaskDefinition(t.Context(), &ecs.DescribeTaskDefinitionInput{TaskDefinition: sdkaws.String("flow-main:1")})
			require.NoError(t, err)
			td, c := out.TaskDefinition, out.TaskDefinition.ContainerDefinitions[0]
			return []any{
				td.Compatibilities, td.PlacementConstraints, len(td.Volumes), td.NetworkMode,
				sdkaws.ToInt32(&c.Cpu), sdkaws.ToBool(c.Essential), c.PortMappings, c.VolumesFrom, len(c.MountPoints),
			}
		}},
		{"the latest revision, beside a family that starts alike", func(t *testing.T, e endpoint) any {
			register(t, e, "flow-main", 3)
			register(t, e, "flow-main-x", 2)
			_, arn, err := e.client.LatestTaskDefinition(t.Context(), "flow-main")
			require.NoError(t, err)
			return arn
		}},
		{"familyPrefix lists one whole family", func(t *testing.T, e endpoint) any {
			register(t, e, "flow", 2)
			register(t, e, "flow-x", 1)
			out, err := e.ecs.ListTaskDefinitions(t.Context(), &ecs.ListTaskDefinitionsInput{FamilyPrefix: sdkaws.String("flow")})
			require.NoError(t, err)
			arns := slices.Clone(out.TaskDefinitionArns)
			slices.Sort(arns)
			return arns
		}},
		{"a deregistered revision is INACTIVE and no longer the latest", func(t *testing.T, e endpoint) any {
			register(t, e, "flow", 3)
			_, err := e.ecs.DeregisterTaskDefinition(t.Context(), &ecs.DeregisterTaskDefinitionInput{TaskDefinition: sdkaws.String(arnOf("flow", "3"))})
			require.NoError(t, err)
			var lists [][]string
			for _, status := range []ecstypes.TaskDefinitionStatus{ecstypes.TaskDefinitionStatusActive, ecstypes.TaskDefinitionStatusInactive} {
				out, err := e.ecs.ListTaskDefinitions(t.Context(), &ecs.ListTaskDefinitionsInput{FamilyPrefix: sdkaws.String("flow"), Status: status})
				require.NoError(t, err)
				arns := slices.Clone(out.TaskDefinitionArns)
				slices.Sort(arns)
				lists = append(lists, arns)
			}
			_, latest, err := e.client.LatestTaskDefinition(t.Context(), "flow")
			require.NoError(t, err)
			return []any{lists, latest}
		}},
		{"a family without revisions has no latest", func(t *testing.T, e endpoint) any {
			td, arn, err := e.client.LatestTaskDefinition(t.Context(), "never-registered")
			require.NoError(t, err)
			return []any{td == nil, arn}
		}},
		{"describing a missing family or revision", func(t *testing.T, e endpoint) any {
			register(t, e, "flow", 1)
			var codes []string
			for _, ref := range []string{"never-registered", "flow:7", arnOf("flow", "9")} {
				_, err := e.ecs.DescribeTaskDefinition(t.Context(), &ecs.DescribeTaskDefinitionInput{TaskDefinition: sdkaws.String(ref)})
				codes = append(codes, errorCode(err))
			}
			return codes
		}},
		{"deregistering without a revision", func(t *testing.T, e endpoint) any {
			register(t, e, "flow", 1)
			_, err := e.ecs.DeregisterTaskDefinition(t.Context(), &ecs.DeregisterTaskDefinitionInput{TaskDefinition: sdkaws.String("flow")})
			return errorCode(err)
		}},
		{"ECR: a missing repository, a missing tag, a pushed tag", func(t *testing.T, e endpoint) any {
			repo := motoAccount + ".dkr.ecr.us-east-1.amazonaws.com/data-flows-prefect-envs"
			var out []any
			for _, step := range []func(){
				func() {},
				func() { e.emptyRepository(t, "data-flows-prefect-envs") },
				func() { e.putImage(t, "data-flows-prefect-envs", "app-3f9a1c2") },
			} {
				step()
				ok, err := e.client.ImageExists(t.Context(), repo, "app-3f9a1c2")
				require.NoError(t, err)
				_, raw := e.ecr.DescribeImages(t.Context(), &ecr.DescribeImagesInput{
					RepositoryName: sdkaws.String("data-flows-prefect-envs"),
					ImageIds:       []ecrtypes.ImageIdentifier{{ImageTag: sdkaws.String("app-3f9a1c2")}},
				})
				out = append(out, ok, errorCode(raw))
			}
			return out
		}},
		{"ECR: the login token", func(t *testing.T, e endpoint) any {
			registry, user, password, err := e.client.AuthorizationToken(t.Context())
			require.NoError(t, err)
			return []any{registry, user, password != ""}
		}},
		{"STS: the caller's account", func(t *testing.T, e endpoint) any {
			account, err := e.client.AccountID(t.Context())
			require.NoError(t, err)
			return account
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			es := endpoints(t)
			got := map[string]any{}
			for _, e := range es {
				got[e.name] = c.run(t, e)
			}
			assert.Equal(t, got["moto"], got["awsfake"])
		})
	}
}

// TestWhereMotoDepartsFromECS records, for each behaviour in which moto
// 5.2 differs from ECS (as AWS documents it, or as awsfake models it),
// what each side does. awsfake
// keeps ECS's behaviour; the executor copes with both (the first case is
// why LatestTaskDefinition reads revision numbers, and the executor never
// describes a bare family). A moto release that
// changes one of them fails here, to be looked at.
func TestWhereMotoDepartsFromECS(t *testing.T) {
	cases := []struct {
		name  string
		run   func(t *testing.T, e endpoint) any
		moto  any
		ecsIs any // and awsfake
	}{
		{
			name: "ListTaskDefinitions sort=DESC (moto lists oldest first)",
			run: func(t *testing.T, e endpoint) any {
				register(t, e, "flow", 3)
				out, err := e.ecs.ListTaskDefinitions(t.Context(), &ecs.ListTaskDefinitionsInput{FamilyPrefix: sdkaws.String("flow"), Sort: ecstypes.SortOrderDesc})
				require.NoError(t, err)
				return out.TaskDefinitionArns
			},
			moto:  []string{arnOf("flow", "1"), arnOf("flow", "2"), arnOf("flow", "3")},
			ecsIs: []string{arnOf("flow", "3"), arnOf("flow", "2"), arnOf("flow", "1")},
		},
		{
			name: "ListTaskDefinitions maxResults (moto returns every ARN at once)",
			run: func(t *testing.T, e endpoint) any {
				register(t, e, "flow", 3)
				out, err := e.ecs.ListTaskDefinitions(t.Context(), &ecs.ListTaskDefinitionsInput{FamilyPrefix: sdkaws.String("flow"), MaxResults: sdkaws.Int32(1)})
				require.NoError(t, err)
				return []any{len(out.TaskDefinitionArns), out.NextToken != nil}
			},
			moto:  []any{3, false},
			ecsIs: []any{1, true},
		},
		{
			name: "RegisterTaskDefinition validation (moto registers what ECS refuses)",
			run: func(t *testing.T, e endpoint) any {
				var codes []string
				for _, change := range []func(*ecs.RegisterTaskDefinitionInput){
					func(in *ecs.RegisterTaskDefinitionInput) { in.Cpu = nil }, // Fargate needs a task cpu
					func(in *ecs.RegisterTaskDefinitionInput) {
						in.EphemeralStorage = &ecstypes.EphemeralStorage{SizeInGiB: 20}
					}, // 21 to 200
					func(in *ecs.RegisterTaskDefinitionInput) { in.Memory = sdkaws.String("3000") },     // no such Fargate size
					func(in *ecs.RegisterTaskDefinitionInput) { in.Family = sdkaws.String("a family") }, // letters, digits, - and _
					func(in *ecs.RegisterTaskDefinitionInput) { in.ExecutionRoleArn = nil },             // secrets need it
				} {
					in := taskDefinition(t, "flow")
					change(in)
					_, err := e.ecs.RegisterTaskDefinition(t.Context(), in)
					codes = append(codes, errorCode(err))
				}
				return codes
			},
			moto:  []string{"", "", "", "", ""},
			ecsIs: []string{"ClientException", "ClientException", "ClientException", "ClientException", "ClientException"},
		},
		{
			name: "DescribeTaskDefinition of a bare family (moto answers its newest revision, even INACTIVE)",
			run: func(t *testing.T, e endpoint) any {
				register(t, e, "flow", 2)
				_, err := e.ecs.DeregisterTaskDefinition(t.Context(), &ecs.DeregisterTaskDefinitionInput{TaskDefinition: sdkaws.String("flow:2")})
				require.NoError(t, err)
				out, err := e.ecs.DescribeTaskDefinition(t.Context(), &ecs.DescribeTaskDefinitionInput{TaskDefinition: sdkaws.String("flow")})
				require.NoError(t, err)
				return []any{out.TaskDefinition.Revision, out.TaskDefinition.Status}
			},
			moto:  []any{int32(2), ecstypes.TaskDefinitionStatusInactive},
			ecsIs: []any{int32(1), ecstypes.TaskDefinitionStatusActive},
		},
		{
			name: "DescribeTaskDefinition's registeredAt and requiresAttributes (moto leaves them out)",
			run: func(t *testing.T, e endpoint) any {
				register(t, e, "flow", 1)
				out, err := e.ecs.DescribeTaskDefinition(t.Context(), &ecs.DescribeTaskDefinitionInput{TaskDefinition: sdkaws.String("flow")})
				require.NoError(t, err)
				return []bool{out.TaskDefinition.RegisteredAt != nil, len(out.TaskDefinition.RequiresAttributes) > 0}
			},
			moto:  []bool{false, false},
			ecsIs: []bool{true, true},
		},
		{
			// ECS returns environment variables in an order of its own;
			// awsfake stands in for it by sorting them backwards.
			name: "the order of environment variables on describe (moto keeps the request's)",
			run: func(t *testing.T, e endpoint) any {
				register(t, e, "flow", 1)
				out, err := e.ecs.DescribeTaskDefinition(t.Context(), &ecs.DescribeTaskDefinitionInput{TaskDefinition: sdkaws.String("flow")})
				require.NoError(t, err)
				var names []string
				for _, kv := range out.TaskDefinition.ContainerDefinitions[0].Environment {
					names = append(names, sdkaws.ToString(kv.Name))
				}
				return names
			},
			moto:  []string{"DF_CONFIG_DEPLOYMENT_TYPE", "A_FIRST", "EMPTY"},
			ecsIs: []string{"EMPTY", "DF_CONFIG_DEPLOYMENT_TYPE", "A_FIRST"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, e := range endpoints(t) {
				want := c.ecsIs
				if e.name == "moto" {
					want = c.moto
				}
				assert.Equal(t, want, c.run(t, e), e.name)
			}
		})
	}
}
