package aws

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/flowplan/flowplan/plan"
)

var namePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)

// RegisterInput is the RegisterTaskDefinition request of the plan's task
// definition, field by field; an empty string or a zero log configuration
// is left out. It refuses what ECS would (a missing or malformed family,
// container name or image, no container, an enum value ECS does not
// define, a secret or mount point without its source) with an error
// naming the field.
func RegisterInput(td *plan.TaskDefinition) (*ecs.RegisterTaskDefinitionInput, error) {
	if err := validate(td); err != nil {
		return nil, fmt.Errorf("task definition %q: %w", td.Family, err)
	}
	in := &ecs.RegisterTaskDefinitionInput{
		Family:           sdkaws.String(td.Family),
		NetworkMode:      ecstypes.NetworkMode(td.NetworkMode),
		Cpu:              optional(td.Cpu),
		Memory:           optional(td.Memory),
		TaskRoleArn:      optional(td.TaskRoleArn),
		ExecutionRoleArn: optional(td.ExecutionRoleArn),
	}
	for _, c := range td.RequiresCompatibilities {
		in.RequiresCompatibilities = append(in.RequiresCompatibilities, ecstypes.Compatibility(c))
	}
	if td.EphemeralStorage != nil {
		in.EphemeralStorage = &ecstypes.EphemeralStorage{SizeInGiB: int32(td.EphemeralStorage.SizeInGiB)}
	}
	for _, v := range td.Volumes {
		in.Volumes = append(in.Volumes, ecstypes.Volume{Name: sdkaws.String(v.Name)})
	}
	for _, c := range td.ContainerDefinitions {
		cd := ecstypes.ContainerDefinition{Name: sdkaws.String(c.Name), Image: sdkaws.String(c.Image)}
		for _, e := range c.Environment {
			cd.Environment = append(cd.Environment, ecstypes.KeyValuePair{Name: sdkaws.String(e.Name), Value: sdkaws.String(e.Value)})
		}
		for _, s := range c.Secrets {
			cd.Secrets = append(cd.Secrets, ecstypes.Secret{Name: sdkaws.String(s.Name), ValueFrom: sdkaws.String(s.ValueFrom)})
		}
		if lc := c.LogConfiguration; lc.LogDriver != "" || lc.Options != nil {
			cd.LogConfiguration = &ecstypes.LogConfiguration{LogDriver: ecstypes.LogDriver(lc.LogDriver), Options: lc.Options}
		}
		for _, m := range c.MountPoints {
			cd.MountPoints = append(cd.MountPoints, ecstypes.MountPoint{
				SourceVolume:  sdkaws.String(m.SourceVolume),
				ContainerPath: sdkaws.String(m.ContainerPath),
			})
		}
		in.ContainerDefinitions = append(in.ContainerDefinitions, cd)
	}
	return in, nil
}

// optional is s, or nil (left out) when it is empty.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func enumCheck[T ~string](path string, v T, values []T) error {
	if slices.Contains(values, v) {
		return nil
	}
	return fmt.Errorf("%s: %q is not one of %v", path, string(v), values)
}

func validate(td *plan.TaskDefinition) error {
	if !namePattern.MatchString(td.Family) {
		return errors.New("family: must be 1 to 255 letters, digits, hyphens or underscores")
	}
	if td.NetworkMode != "" {
		if err := enumCheck("networkMode", ecstypes.NetworkMode(td.NetworkMode), ecstypes.NetworkMode("").Values()); err != nil {
			return err
		}
	}
	for i, c := range td.RequiresCompatibilities {
		if err := enumCheck(fmt.Sprintf("requiresCompatibilities[%d]", i), ecstypes.Compatibility(c), ecstypes.Compatibility("").Values()); err != nil {
			return err
		}
	}
	if e := td.EphemeralStorage; e != nil && (e.SizeInGiB < 0 || e.SizeInGiB > math.MaxInt32) {
		return fmt.Errorf("ephemeralStorage.sizeInGiB: %d is out of range", e.SizeInGiB)
	}
	if len(td.ContainerDefinitions) == 0 {
		return errors.New("containerDefinitions: at least one container is required")
	}
	for i, v := range td.Volumes {
		if v.Name == "" {
			return fmt.Errorf("volumes[%d].name: required", i)
		}
	}
	for i, c := range td.ContainerDefinitions {
		at := fmt.Sprintf("containerDefinitions[%d]", i)
		if !namePattern.MatchString(c.Name) {
			return fmt.Errorf("%s.name: must be 1 to 255 letters, digits, hyphens or underscores", at)
		}
		if strings.TrimSpace(c.Image) == "" {
			return fmt.Errorf("%s.image: required", at)
		}
		for j, e := range c.Environment {
			if e.Name == "" {
				return fmt.Errorf("%s.environment[%d].name: required", at, j)
			}
		}
		for j, s := range c.Secrets {
			if s.Name == "" || s.ValueFrom == "" {
				return fmt.Errorf("%s.secrets[%d]: name and valueFrom are required", at, j)
			}
		}
		if lc := c.LogConfiguration; lc.LogDriver != "" || lc.Options != nil {
			if err := enumCheck(at+".logConfiguration.logDriver", ecstypes.LogDriver(lc.LogDriver), ecstypes.LogDriver("").Values()); err != nil {
				return err
			}
		}
		for j, m := range c.MountPoints {
			if m.SourceVolume == "" || m.ContainerPath == "" {
				return fmt.Errorf("%s.mountPoints[%d]: sourceVolume and containerPath are required", at, j)
			}
		}
	}
	return nil
}
