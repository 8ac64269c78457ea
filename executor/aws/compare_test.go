package aws

import (
	"encoding/json"
	"flag"
	"os"
	"slices"
	"testing"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/executor/aws/awsfake"
)

var update = flag.Bool("update", false, "rewrite golden files")

// liveAfterRegister registers in with the fake ECS and returns what
// DescribeTaskDefinition gives back, AWS's additions and reordering included.
func liveAfterRegister(t *testing.T, c *Client, in *ecs.RegisterTaskDefinitionInput) *ecstypes.TaskDefinition {
	t.Helper()
	_, err := c.RegisterTaskDefinition(t.Context(), in)
	require.NoError(t, err)
	live, _, err := c.LatestTaskDefinition(t.Context(), sdkaws.ToString(in.Family))
	require.NoError(t, err)
	require.NotNil(t, live)
	return live
}

// diffFields is the names of the fields Diff returns.
func diffFields(desired *ecs.RegisterTaskDefinitionInput, live *ecstypes.TaskDefinition) []string {
	var fields []string
	for _, d := range Diff(desired, live) {
		fields = append(fields, d.Field)
	}
	return fields
}

func TestDiffFields(t *testing.T) {
	startFake(t, awsfake.Options{})
	c := newClient(t, Options{})
	live := liveAfterRegister(t, c, loadTaskDef(t))
	first := func(in *ecs.RegisterTaskDefinitionInput) *ecstypes.ContainerDefinition {
		return &in.ContainerDefinitions[0]
	}

	tests := []struct {
		name   string
		mutate func(in *ecs.RegisterTaskDefinitionInput)
		want   []string
	}{
		{"identical after AWS's additions", func(*ecs.RegisterTaskDefinitionInput) {}, nil},
		{"environment order shuffled", func(in *ecs.RegisterTaskDefinitionInput) {
			slices.Reverse(first(in).Environment)
		}, nil},
		{"secrets order shuffled", func(in *ecs.RegisterTaskDefinitionInput) {
			slices.Reverse(first(in).Secrets)
		}, nil},
		{"compatibilities repeated", func(in *ecs.RegisterTaskDefinitionInput) {
			in.RequiresCompatibilities = append(in.RequiresCompatibilities, ecstypes.CompatibilityFargate)
		}, nil},
		{"cpu and memory with units", func(in *ecs.RegisterTaskDefinitionInput) {
			in.Cpu, in.Memory = sdkaws.String("0.25 vCPU"), sdkaws.String("0.5 GB")
		}, nil},
		{"readOnly false written out", func(in *ecs.RegisterTaskDefinitionInput) {
			first(in).MountPoints[0].ReadOnly = sdkaws.Bool(false)
		}, nil},
		{"fields compared by nobody", func(in *ecs.RegisterTaskDefinitionInput) {
			in.Tags = []ecstypes.Tag{{Key: sdkaws.String("k"), Value: sdkaws.String("v")}}
			first(in).Essential = sdkaws.Bool(true)
			first(in).Cpu = 0
		}, nil},

		{"taskRoleArn", func(in *ecs.RegisterTaskDefinitionInput) {
			in.TaskRoleArn = sdkaws.String("arn:aws:iam::123456789012:role/other")
		}, []string{"taskRoleArn"}},
		{"executionRoleArn removed", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ExecutionRoleArn = nil
		}, []string{"executionRoleArn"}},
		{"requiresCompatibilities", func(in *ecs.RegisterTaskDefinitionInput) {
			in.RequiresCompatibilities = []ecstypes.Compatibility{ecstypes.CompatibilityEc2}
		}, []string{"requiresCompatibilities"}},
		{"cpu", func(in *ecs.RegisterTaskDefinitionInput) { in.Cpu = sdkaws.String("512") }, []string{"cpu"}},
		{"memory", func(in *ecs.RegisterTaskDefinitionInput) { in.Memory = sdkaws.String("1 GB") }, []string{"memory"}},
		{"ephemeralStorage", func(in *ecs.RegisterTaskDefinitionInput) {
			in.EphemeralStorage.SizeInGiB = 51
		}, []string{"ephemeralStorage"}},
		{"ephemeralStorage left to the default", func(in *ecs.RegisterTaskDefinitionInput) {
			in.EphemeralStorage = nil
		}, []string{"ephemeralStorage"}},
		{"networkMode", func(in *ecs.RegisterTaskDefinitionInput) { in.NetworkMode = ecstypes.NetworkModeBridge }, []string{"networkMode"}},
		{"volume renamed", func(in *ecs.RegisterTaskDefinitionInput) {
			in.Volumes[0].Name = sdkaws.String("other")
			first(in).MountPoints[0].SourceVolume = sdkaws.String("other")
		}, []string{"volumes", "containerDefinitions[0].mountPoints"}},
		{"second container", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions = append(in.ContainerDefinitions, ecstypes.ContainerDefinition{Name: sdkaws.String("side"), Image: sdkaws.String("x")})
		}, []string{"containerDefinitions"}},
		{"container name", func(in *ecs.RegisterTaskDefinitionInput) { first(in).Name = sdkaws.String("main") }, []string{"containerDefinitions[0].name"}},
		{"image", func(in *ecs.RegisterTaskDefinitionInput) {
			first(in).Image = sdkaws.String("123456789012.dkr.ecr.us-east-1.amazonaws.com/data-flows-prefect-envs:data-products-base-py-3.10-def5678")
		}, []string{"containerDefinitions[0].image"}},
		{"environment value", func(in *ecs.RegisterTaskDefinitionInput) {
			first(in).Environment[0].Value = sdkaws.String("main")
		}, []string{"containerDefinitions[0].environment"}},
		{"environment entry added", func(in *ecs.RegisterTaskDefinitionInput) {
			first(in).Environment = append(first(in).Environment, ecstypes.KeyValuePair{Name: sdkaws.String("NEW"), Value: sdkaws.String("1")})
		}, []string{"containerDefinitions[0].environment"}},
		{"secret source", func(in *ecs.RegisterTaskDefinitionInput) {
			first(in).Secrets[1].ValueFrom = sdkaws.String("arn:aws:secretsmanager:us-east-1:123456789012:secret:data-flows/api2")
		}, []string{"containerDefinitions[0].secrets"}},
		{"secrets removed", func(in *ecs.RegisterTaskDefinitionInput) { first(in).Secrets = nil }, []string{"containerDefinitions[0].secrets"}},
		{"log option", func(in *ecs.RegisterTaskDefinitionInput) {
			first(in).LogConfiguration.Options["awslogs-group"] = "prefect-v2"
		}, []string{"containerDefinitions[0].logConfiguration"}},
		{"log configuration removed", func(in *ecs.RegisterTaskDefinitionInput) {
			first(in).LogConfiguration = nil
		}, []string{"containerDefinitions[0].logConfiguration"}},
		{"mount read-only", func(in *ecs.RegisterTaskDefinitionInput) {
			first(in).MountPoints[0].ReadOnly = sdkaws.Bool(true)
		}, []string{"containerDefinitions[0].mountPoints"}},
		{"image and cpu", func(in *ecs.RegisterTaskDefinitionInput) {
			first(in).Image = sdkaws.String("x")
			in.Cpu = sdkaws.String("1024")
		}, []string{"cpu", "containerDefinitions[0].image"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			desired := loadTaskDef(t) // a fresh copy for each case
			tt.mutate(desired)
			assert.Equal(t, tt.want, diffFields(desired, live))
		})
	}
}

func TestDiffWithoutLiveRevision(t *testing.T) {
	assert.Equal(t, []string{"taskDefinition"}, diffFields(loadTaskDef(t), nil))
}

func TestDiffAbsentEqualsDefault(t *testing.T) {
	// Compared directly, without the fake: the plan leaves out what AWS
	// fills in, or spells it another way.
	desired := &ecs.RegisterTaskDefinitionInput{
		Family:           sdkaws.String("f"),
		Cpu:              sdkaws.String("1024"),
		Memory:           sdkaws.String("2048"),
		EphemeralStorage: &ecstypes.EphemeralStorage{SizeInGiB: 20},
		ContainerDefinitions: []ecstypes.ContainerDefinition{{
			Name:  sdkaws.String("prefect"),
			Image: sdkaws.String("img"),
			Environment: []ecstypes.KeyValuePair{
				{Name: sdkaws.String("B"), Value: sdkaws.String("")},
				{Name: sdkaws.String("A"), Value: sdkaws.String("1")},
			},
			LogConfiguration: &ecstypes.LogConfiguration{LogDriver: ecstypes.LogDriverAwslogs},
		}},
	}
	live := &ecstypes.TaskDefinition{
		Family:      sdkaws.String("f"),
		Revision:    7,
		Status:      ecstypes.TaskDefinitionStatusActive,
		Cpu:         sdkaws.String("1 vCPU"),
		Memory:      sdkaws.String("2GB"),
		NetworkMode: ecstypes.NetworkModeBridge,
		Volumes:     []ecstypes.Volume{},
		ContainerDefinitions: []ecstypes.ContainerDefinition{{
			Name:  sdkaws.String("prefect"),
			Image: sdkaws.String("img"),
			Environment: []ecstypes.KeyValuePair{
				{Name: sdkaws.String("A"), Value: sdkaws.String("1")},
				{Name: sdkaws.String("B")},
			},
			Secrets:          []ecstypes.Secret{},
			MountPoints:      []ecstypes.MountPoint{},
			LogConfiguration: &ecstypes.LogConfiguration{LogDriver: ecstypes.LogDriverAwslogs, Options: map[string]string{}, SecretOptions: []ecstypes.Secret{}},
		}},
	}
	assert.Empty(t, Diff(desired, live))
}

func TestDiffGolden(t *testing.T) {
	startFake(t, awsfake.Options{})
	c := newClient(t, Options{})
	live := liveAfterRegister(t, c, loadTaskDef(t))
	desired := loadTaskDef(t)
	desired.Cpu = sdkaws.String("2 vCPU")
	desired.EphemeralStorage = nil
	cd := &desired.ContainerDefinitions[0]
	cd.Image = sdkaws.String("repo:new")
	cd.Environment = append(cd.Environment, ecstypes.KeyValuePair{Name: sdkaws.String("ADDED"), Value: sdkaws.String("yes")})
	cd.LogConfiguration.Options["awslogs-region"] = "eu-west-1"

	got, err := json.MarshalIndent(Diff(desired, live), "", "  ")
	require.NoError(t, err)
	got = append(got, '\n')
	const golden = "testdata/diff.golden.json"
	if *update {
		require.NoError(t, os.WriteFile(golden, got, 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))
}
