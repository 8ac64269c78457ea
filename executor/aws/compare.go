package aws

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// FieldDiff is one compared field whose normalized values differ, both
// rendered as canonical JSON.
type FieldDiff struct {
	Field   string `json:"field"`
	Desired string `json:"desired"`
	Live    string `json:"live"`
}

// Diff returns the compared fields whose normalized values differ, in a
// fixed order: those where registering desired would give a task
// definition that differs from live. A nil live (no revision yet) differs
// in the field "taskDefinition".
//
// The compared fields are the original tool's (taskRoleArn,
// executionRoleArn, requiresCompatibilities, cpu, memory, ephemeralStorage;
// in the first container image, environment, secrets, logConfiguration) plus
// those the plan also sets and a new revision must carry (networkMode,
// volumes, the number of containers, the first container's name and
// mountPoints). Everything else AWS returns on describe (revision, status,
// registeredAt, compatibilities, requiresAttributes, container defaults such
// as cpu 0, essential, portMappings) is ignored.
func Diff(desired *ecs.RegisterTaskDefinitionInput, live *ecstypes.TaskDefinition) []FieldDiff {
	if live == nil {
		return []FieldDiff{{Field: "taskDefinition", Desired: canonical(sdkaws.ToString(desired.Family)), Live: "null"}}
	}
	want := normalizedTaskDefinition{
		taskRoleArn:             desired.TaskRoleArn,
		executionRoleArn:        desired.ExecutionRoleArn,
		requiresCompatibilities: desired.RequiresCompatibilities,
		cpu:                     desired.Cpu,
		memory:                  desired.Memory,
		ephemeralStorage:        desired.EphemeralStorage,
		networkMode:             desired.NetworkMode,
		volumes:                 desired.Volumes,
		containers:              desired.ContainerDefinitions,
	}
	have := normalizedTaskDefinition{
		taskRoleArn:             live.TaskRoleArn,
		executionRoleArn:        live.ExecutionRoleArn,
		requiresCompatibilities: live.RequiresCompatibilities,
		cpu:                     live.Cpu,
		memory:                  live.Memory,
		ephemeralStorage:        live.EphemeralStorage,
		networkMode:             live.NetworkMode,
		volumes:                 live.Volumes,
		containers:              live.ContainerDefinitions,
	}
	wantFields, haveFields := want.fields(), have.fields()
	var diffs []FieldDiff
	for i, f := range wantFields {
		if f.value != haveFields[i].value {
			diffs = append(diffs, FieldDiff{Field: f.name, Desired: f.value, Live: haveFields[i].value})
		}
	}
	return diffs
}

// normalizedTaskDefinition holds the compared fields of either side.
type normalizedTaskDefinition struct {
	taskRoleArn             *string
	executionRoleArn        *string
	requiresCompatibilities []ecstypes.Compatibility
	cpu                     *string
	memory                  *string
	ephemeralStorage        *ecstypes.EphemeralStorage
	networkMode             ecstypes.NetworkMode
	volumes                 []ecstypes.Volume
	containers              []ecstypes.ContainerDefinition
}

type namedValue struct {
	name  string
	value string
}

// fields renders every compared field in canonical form, in a fixed order.
func (n normalizedTaskDefinition) fields() []namedValue {
	const first = "containerDefinitions[0]."
	var c ecstypes.ContainerDefinition
	if len(n.containers) > 0 {
		c = n.containers[0]
	}
	return []namedValue{
		{"taskRoleArn", canonical(sdkaws.ToString(n.taskRoleArn))},
		{"executionRoleArn", canonical(sdkaws.ToString(n.executionRoleArn))},
		{"requiresCompatibilities", canonical(sortedSet(n.requiresCompatibilities))},
		{"cpu", canonical(units(sdkaws.ToString(n.cpu), vcpuPattern))},
		{"memory", canonical(units(sdkaws.ToString(n.memory), gbPattern))},
		{"ephemeralStorage", canonical(storageGiB(n.ephemeralStorage))},
		{"networkMode", canonical(string(cmp.Or(n.networkMode, ecstypes.NetworkModeBridge)))},
		{"volumes", canonical(volumes(n.volumes))},
		{"containerDefinitions", canonical(len(n.containers))},
		{first + "name", canonical(sdkaws.ToString(c.Name))},
		{first + "image", canonical(sdkaws.ToString(c.Image))},
		{first + "environment", canonical(environment(c.Environment))},
		{first + "secrets", canonical(secrets(c.Secrets))},
		{first + "logConfiguration", canonical(logConfiguration(c.LogConfiguration))},
		{first + "mountPoints", canonical(mountPoints(c.MountPoints))},
	}
}

// canonical renders a normalized value as JSON (maps with sorted keys).
func canonical(v any) string {
	raw, err := json.Marshal(v)
	if err != nil {
		// Only strings, ints, slices and maps of those reach here.
		panic(fmt.Sprintf("aws: rendering a normalized value: %v", err))
	}
	return string(raw)
}

// sortedSet sorts and de-duplicates; absent and empty are alike.
func sortedSet[T ~string](items []T) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, string(it))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

var (
	vcpuPattern   = regexp.MustCompile(`(?i)^([0-9]+(?:\.[0-9]+)?)\s*vcpu$`)
	gbPattern     = regexp.MustCompile(`(?i)^([0-9]+(?:\.[0-9]+)?)\s*gb$`)
	digitsPattern = regexp.MustCompile(`^[0-9]+$`)
)

// units renders task-level cpu or memory as ECS stores it: "1 vCPU" is
// "1024" cpu units, "2 GB" is "2048" MiB, "0256" is "256". Other text is
// kept as written, so it only equals itself.
func units(s string, unit *regexp.Regexp) string {
	s = strings.TrimSpace(s)
	if digitsPattern.MatchString(s) {
		if n, err := strconv.ParseUint(s, 10, 64); err == nil {
			return strconv.FormatUint(n, 10)
		}
		return s
	}
	if m := unit.FindStringSubmatch(s); m != nil {
		if f, err := strconv.ParseFloat(m[1], 64); err == nil && f*1024 == math.Trunc(f*1024) {
			return strconv.FormatFloat(f*1024, 'f', 0, 64)
		}
	}
	return s
}

// defaultEphemeralGiB is what Fargate gives when ephemeralStorage is absent.
const defaultEphemeralGiB = 20

func storageGiB(e *ecstypes.EphemeralStorage) int32 {
	if e == nil || e.SizeInGiB == 0 {
		return defaultEphemeralGiB
	}
	return e.SizeInGiB
}

type normVolume struct {
	Name       string `json:"name"`
	SourcePath string `json:"sourcePath,omitempty"`
	// Other marks a volume with a configuration flowplan does not write
	// (docker, EFS, FSx, S3 files, configured at launch): never equal to one
	// the plan asks for.
	Other bool `json:"other,omitempty"`
}

func volumes(vs []ecstypes.Volume) []normVolume {
	out := []normVolume{}
	for _, v := range vs {
		nv := normVolume{Name: sdkaws.ToString(v.Name)}
		if v.Host != nil {
			nv.SourcePath = sdkaws.ToString(v.Host.SourcePath)
		}
		nv.Other = v.DockerVolumeConfiguration != nil || v.EfsVolumeConfiguration != nil ||
			v.FsxWindowsFileServerVolumeConfiguration != nil || v.S3filesVolumeConfiguration != nil ||
			sdkaws.ToBool(v.ConfiguredAtLaunch)
		out = append(out, nv)
	}
	slices.SortFunc(out, func(a, b normVolume) int { return strings.Compare(a.Name, b.Name) })
	return out
}

type pair struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

func sortPairs(ps []pair) []pair {
	slices.SortFunc(ps, func(a, b pair) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.Value, b.Value))
	})
	return ps
}

// environment sorts by name; an absent value is the empty string.
func environment(kvs []ecstypes.KeyValuePair) []pair {
	out := []pair{}
	for _, kv := range kvs {
		out = append(out, pair{sdkaws.ToString(kv.Name), sdkaws.ToString(kv.Value)})
	}
	return sortPairs(out)
}

func secrets(ss []ecstypes.Secret) []pair {
	out := []pair{}
	for _, s := range ss {
		out = append(out, pair{sdkaws.ToString(s.Name), sdkaws.ToString(s.ValueFrom)})
	}
	return sortPairs(out)
}

type normLog struct {
	LogDriver     string            `json:"logDriver"`
	Options       map[string]string `json:"options"`
	SecretOptions []pair            `json:"secretOptions"`
}

// logConfiguration treats an absent configuration like an empty one, and
// absent options or secretOptions like empty ones.
func logConfiguration(lc *ecstypes.LogConfiguration) normLog {
	out := normLog{Options: map[string]string{}, SecretOptions: []pair{}}
	if lc == nil {
		return out
	}
	out.LogDriver = string(lc.LogDriver)
	for k, v := range lc.Options {
		out.Options[k] = v
	}
	out.SecretOptions = secrets(lc.SecretOptions)
	return out
}

type normMount struct {
	SourceVolume  string `json:"sourceVolume"`
	ContainerPath string `json:"containerPath"`
	ReadOnly      bool   `json:"readOnly"`
}

// mountPoints sorts by container path; an absent readOnly is false.
func mountPoints(ms []ecstypes.MountPoint) []normMount {
	out := []normMount{}
	for _, m := range ms {
		out = append(out, normMount{
			SourceVolume:  sdkaws.ToString(m.SourceVolume),
			ContainerPath: sdkaws.ToString(m.ContainerPath),
			ReadOnly:      sdkaws.ToBool(m.ReadOnly),
		})
	}
	slices.SortFunc(out, func(a, b normMount) int {
		return cmp.Or(strings.Compare(a.ContainerPath, b.ContainerPath), strings.Compare(a.SourceVolume, b.SourceVolume))
	})
	return out
}
