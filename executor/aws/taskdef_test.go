package aws

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/plan"
)

// fromJSON is RegisterInput of a task definition as a plan writes it.
func fromJSON(raw []byte) (*ecs.RegisterTaskDefinitionInput, error) {
	var td plan.TaskDefinition
	if err := json.Unmarshal(raw, &td); err != nil {
		return nil, err
	}
	return RegisterInput(&td)
}

func TestRegisterInputOfAPlansTaskDefinition(t *testing.T) {
	raw, err := os.ReadFile("testdata/taskdef.json")
	require.NoError(t, err)
	got, err := fromJSON(raw)
	require.NoError(t, err)

	want := &ecs.RegisterTaskDefinitionInput{
		Family:                  sdkaws.String("data-products-orders-load-orders-dev"),
		NetworkMode:             ecstypes.NetworkModeAwsvpc,
		RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate},
		Cpu:                     sdkaws.String("256"),
		Memory:                  sdkaws.String("512"),
		EphemeralStorage:        &ecstypes.EphemeralStorage{SizeInGiB: 50},
		TaskRoleArn:             sdkaws.String("arn:aws:iam::123456789012:role/data-flows-prefect-dev-task-role"),
		ExecutionRoleArn:        sdkaws.String("arn:aws:iam::123456789012:role/data-flows-prefect-dev-exec-role"),
		Volumes:                 []ecstypes.Volume{{Name: sdkaws.String("prefect-scratch")}},
		ContainerDefinitions: []ecstypes.ContainerDefinition{{
			Name:  sdkaws.String("prefect"),
			Image: sdkaws.String("123456789012.dkr.ecr.us-east-1.amazonaws.com/data-flows-prefect-envs:data-products-base-py-3.10-abc1234"),
			Environment: []ecstypes.KeyValuePair{
				{Name: sdkaws.String("DF_CONFIG_DEPLOYMENT_TYPE"), Value: sdkaws.String("dev")},
				{Name: sdkaws.String("A_FIRST"), Value: sdkaws.String("1")},
				{Name: sdkaws.String("EMPTY"), Value: sdkaws.String("")},
			},
			Secrets: []ecstypes.Secret{
				{Name: sdkaws.String("SNOWFLAKE_PASSWORD"), ValueFrom: sdkaws.String("arn:aws:secretsmanager:us-east-1:123456789012:secret:data-flows/snowflake")},
				{Name: sdkaws.String("API_KEY"), ValueFrom: sdkaws.String("arn:aws:secretsmanager:us-east-1:123456789012:secret:data-flows/api")},
			},
			LogConfiguration: &ecstypes.LogConfiguration{
				LogDriver: ecstypes.LogDriverAwslogs,
				Options: map[string]string{
					"awslogs-create-group":  "true",
					"awslogs-group":         "prefect",
					"awslogs-region":        "us-east-1",
					"awslogs-stream-prefix": "data-products-orders-load-orders-dev",
				},
			},
			MountPoints: []ecstypes.MountPoint{{SourceVolume: sdkaws.String("prefect-scratch"), ContainerPath: sdkaws.String("/tmp/scratch")}},
		}},
	}
	assert.Equal(t, want, got)
}

func TestRegisterInputMinimal(t *testing.T) {
	got, err := fromJSON([]byte(`{"family":"f","containerDefinitions":[{"name":"c","image":"i"}]}`))
	require.NoError(t, err)
	assert.Equal(t, &ecs.RegisterTaskDefinitionInput{
		Family:               sdkaws.String("f"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: sdkaws.String("c"), Image: sdkaws.String("i")}},
	}, got)
}

func TestRegisterInputRefusals(t *testing.T) {
	tests := []struct {
		name, json, want string
	}{
		{"no family", `{"containerDefinitions":[{"name":"c","image":"i"}]}`, "family: must be"},
		{"bad family", `{"family":"a.b","containerDefinitions":[{"name":"c","image":"i"}]}`, `task definition "a.b": family: must be`},
		{"no containers", `{"family":"f"}`, "containerDefinitions: at least one container is required"},
		{"null containers", `{"family":"f","containerDefinitions":null}`, "containerDefinitions: at least one container is required"},
		{"no image", `{"family":"f","containerDefinitions":[{"name":"c"}]}`, "containerDefinitions[0].image: required"},
		{"no container name", `{"family":"f","containerDefinitions":[{"image":"i"}]}`, "containerDefinitions[0].name: must be"},
		{"env without name", `{"family":"f","containerDefinitions":[{"name":"c","image":"i","environment":[{"value":"1"}]}]}`, "containerDefinitions[0].environment[0].name: required"},
		{"secret without source", `{"family":"f","containerDefinitions":[{"name":"c","image":"i","secrets":[{"name":"S"}]}]}`, "containerDefinitions[0].secrets[0]: name and valueFrom are required"},
		{"bad log driver", `{"family":"f","containerDefinitions":[{"name":"c","image":"i","logConfiguration":{"logDriver":"cloudwatch"}}]}`, `containerDefinitions[0].logConfiguration.logDriver: "cloudwatch" is not one of`},
		{"bad network mode", `{"family":"f","networkMode":"vpc","containerDefinitions":[{"name":"c","image":"i"}]}`, `networkMode: "vpc" is not one of`},
		{"bad compatibility", `{"family":"f","requiresCompatibilities":["fargate"],"containerDefinitions":[{"name":"c","image":"i"}]}`, `requiresCompatibilities[0]: "fargate" is not one of`},
		{"mount without path", `{"family":"f","containerDefinitions":[{"name":"c","image":"i","mountPoints":[{"sourceVolume":"v"}]}]}`, "mountPoints[0]: sourceVolume and containerPath are required"},
		{"volume without name", `{"family":"f","volumes":[{}],"containerDefinitions":[{"name":"c","image":"i"}]}`, "volumes[0].name: required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := fromJSON([]byte(tt.json))
			require.Error(t, err)
			assert.Nil(t, got)
			assert.Contains(t, err.Error(), tt.want)
			assert.True(t, strings.HasPrefix(err.Error(), "task definition"), err.Error())
		})
	}
}

func TestRegisterInput(t *testing.T) {
	td := &plan.TaskDefinition{
		Family: "f", TaskRoleArn: "arn:aws:iam::1:role/t", Cpu: "256",
		EphemeralStorage: &plan.EphemeralStorage{SizeInGiB: 30},
		ContainerDefinitions: []plan.ContainerDefinition{{
			Name: "c", Image: "i", Environment: []plan.KeyValuePair{{Name: "A", Value: ""}},
			Secrets: []plan.Secret{{Name: "S", ValueFrom: "arn:s"}},
		}},
	}
	got, err := RegisterInput(td)
	require.NoError(t, err)
	assert.Equal(t, &ecs.RegisterTaskDefinitionInput{
		Family: sdkaws.String("f"), TaskRoleArn: sdkaws.String("arn:aws:iam::1:role/t"), Cpu: sdkaws.String("256"),
		EphemeralStorage: &ecstypes.EphemeralStorage{SizeInGiB: 30},
		ContainerDefinitions: []ecstypes.ContainerDefinition{{
			Name: sdkaws.String("c"), Image: sdkaws.String("i"),
			Environment: []ecstypes.KeyValuePair{{Name: sdkaws.String("A"), Value: sdkaws.String("")}},
			Secrets:     []ecstypes.Secret{{Name: sdkaws.String("S"), ValueFrom: sdkaws.String("arn:s")}},
		}},
	}, got, "empty strings and the zero log configuration are left out, an empty env value is kept")

	td.EphemeralStorage.SizeInGiB = 1 << 40
	_, err = RegisterInput(td)
	assert.ErrorContains(t, err, `task definition "f": ephemeralStorage.sizeInGiB: 1099511627776 is out of range`)
}
