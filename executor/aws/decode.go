package aws

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// registerJSON is the task definition as the plan writes it: the
// RegisterTaskDefinition request shape in AWS's field names, limited to the
// fields flowplan uses.
type registerJSON struct {
	Family                  string          `json:"family"`
	NetworkMode             string          `json:"networkMode,omitempty"`
	RequiresCompatibilities []string        `json:"requiresCompatibilities,omitempty"`
	CPU                     *string         `json:"cpu,omitempty"`
	Memory                  *string         `json:"memory,omitempty"`
	EphemeralStorage        *storageJSON    `json:"ephemeralStorage,omitempty"`
	TaskRoleArn             *string         `json:"taskRoleArn,omitempty"`
	ExecutionRoleArn        *string         `json:"executionRoleArn,omitempty"`
	ContainerDefinitions    []containerJSON `json:"containerDefinitions"`
	Volumes                 []volumeJSON    `json:"volumes,omitempty"`
}

type storageJSON struct {
	SizeInGiB int32 `json:"sizeInGiB"`
}

type containerJSON struct {
	Name             string       `json:"name"`
	Image            string       `json:"image"`
	Environment      []envJSON    `json:"environment,omitempty"`
	Secrets          []secretJSON `json:"secrets,omitempty"`
	LogConfiguration *logJSON     `json:"logConfiguration,omitempty"`
	MountPoints      []mountJSON  `json:"mountPoints,omitempty"`
}

type envJSON struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type secretJSON struct {
	Name      string `json:"name"`
	ValueFrom string `json:"valueFrom"`
}

type logJSON struct {
	LogDriver string            `json:"logDriver"`
	Options   map[string]string `json:"options,omitempty"`
}

type mountJSON struct {
	SourceVolume  string `json:"sourceVolume"`
	ContainerPath string `json:"containerPath"`
	ReadOnly      *bool  `json:"readOnly,omitempty"`
}

type volumeJSON struct {
	Name string    `json:"name"`
	Host *hostJSON `json:"host,omitempty"`
}

type hostJSON struct {
	SourcePath *string `json:"sourcePath,omitempty"`
}

var namePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)

// DecodeRegisterInput decodes a task definition written in AWS's field
// names (family, networkMode, requiresCompatibilities, cpu, memory,
// ephemeralStorage{sizeInGiB}, taskRoleArn, executionRoleArn,
// containerDefinitions[{name, image, environment[{name, value}],
// secrets[{name, valueFrom}], logConfiguration{logDriver, options},
// mountPoints[{sourceVolume, containerPath, readOnly}]}],
// volumes[{name, host{sourcePath}}]) into a RegisterTaskDefinition request.
//
// It is strict: a field it does not know (or spelled in another case), a
// value of the wrong type, trailing data, a missing family, container,
// container name or image, or an enum value ECS does not define is an
// error naming the JSON path.
func DecodeRegisterInput(raw json.RawMessage) (*ecs.RegisterTaskDefinitionInput, error) {
	var generic any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&generic); err != nil {
		return nil, fmt.Errorf("task definition: %w", err)
	}
	if dec.More() {
		return nil, errors.New("task definition: trailing data after the JSON object")
	}
	if err := checkFields(generic, reflect.TypeFor[registerJSON](), ""); err != nil {
		return nil, fmt.Errorf("task definition: %w", err)
	}
	var td registerJSON
	strict := json.NewDecoder(bytes.NewReader(raw))
	strict.DisallowUnknownFields()
	if err := strict.Decode(&td); err != nil {
		return nil, fmt.Errorf("task definition: %w", err)
	}
	if err := td.validate(); err != nil {
		return nil, fmt.Errorf("task definition %q: %w", td.Family, err)
	}
	return td.input(), nil
}

// checkFields walks a decoded JSON value against the Go type it will be
// decoded into and refuses object keys that are not exactly a json tag
// (encoding/json would match them case-insensitively).
func checkFields(v any, t reflect.Type, path string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil // a type error that json.Decode reports with context
		}
		fields := map[string]reflect.Type{}
		for f := range t.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			fields[name] = f.Type
		}
		for _, key := range slices.Sorted(maps.Keys(obj)) {
			ft, ok := fields[key]
			if !ok {
				return fmt.Errorf("%s: unknown field %q", orRoot(path), key)
			}
			if err := checkFields(obj[key], ft, joinPath(path, key)); err != nil {
				return err
			}
		}
	case reflect.Slice:
		arr, ok := v.([]any)
		if !ok {
			return nil
		}
		for i, item := range arr {
			if err := checkFields(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func orRoot(path string) string {
	if path == "" {
		return "top level"
	}
	return path
}

func enumCheck[T ~string](path string, v T, values []T) error {
	if slices.Contains(values, v) {
		return nil
	}
	return fmt.Errorf("%s: %q is not one of %v", path, string(v), values)
}

func (td *registerJSON) validate() error {
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
		if lc := c.LogConfiguration; lc != nil {
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

func (td *registerJSON) input() *ecs.RegisterTaskDefinitionInput {
	in := &ecs.RegisterTaskDefinitionInput{
		Family:           sdkaws.String(td.Family),
		NetworkMode:      ecstypes.NetworkMode(td.NetworkMode),
		Cpu:              td.CPU,
		Memory:           td.Memory,
		TaskRoleArn:      td.TaskRoleArn,
		ExecutionRoleArn: td.ExecutionRoleArn,
	}
	for _, c := range td.RequiresCompatibilities {
		in.RequiresCompatibilities = append(in.RequiresCompatibilities, ecstypes.Compatibility(c))
	}
	if td.EphemeralStorage != nil {
		in.EphemeralStorage = &ecstypes.EphemeralStorage{SizeInGiB: td.EphemeralStorage.SizeInGiB}
	}
	for _, v := range td.Volumes {
		vol := ecstypes.Volume{Name: sdkaws.String(v.Name)}
		if v.Host != nil {
			vol.Host = &ecstypes.HostVolumeProperties{SourcePath: v.Host.SourcePath}
		}
		in.Volumes = append(in.Volumes, vol)
	}
	for _, c := range td.ContainerDefinitions {
		cd := ecstypes.ContainerDefinition{Name: sdkaws.String(c.Name), Image: sdkaws.String(c.Image)}
		for _, e := range c.Environment {
			cd.Environment = append(cd.Environment, ecstypes.KeyValuePair{Name: sdkaws.String(e.Name), Value: sdkaws.String(e.Value)})
		}
		for _, s := range c.Secrets {
			cd.Secrets = append(cd.Secrets, ecstypes.Secret{Name: sdkaws.String(s.Name), ValueFrom: sdkaws.String(s.ValueFrom)})
		}
		if lc := c.LogConfiguration; lc != nil {
			cd.LogConfiguration = &ecstypes.LogConfiguration{LogDriver: ecstypes.LogDriver(lc.LogDriver), Options: lc.Options}
		}
		for _, m := range c.MountPoints {
			cd.MountPoints = append(cd.MountPoints, ecstypes.MountPoint{
				SourceVolume:  sdkaws.String(m.SourceVolume),
				ContainerPath: sdkaws.String(m.ContainerPath),
				ReadOnly:      m.ReadOnly,
			})
		}
		in.ContainerDefinitions = append(in.ContainerDefinitions, cd)
	}
	return in
}
