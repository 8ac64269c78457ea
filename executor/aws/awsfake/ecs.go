package awsfake

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The subset of RegisterTaskDefinition the fake models. Requests with other
// fields are refused with SerializationException, so a client sending
// something the fake cannot check fails loudly instead of passing unchecked.
type registerInput struct {
	Family                  string                `json:"family"`
	TaskRoleArn             *string               `json:"taskRoleArn,omitempty"`
	ExecutionRoleArn        *string               `json:"executionRoleArn,omitempty"`
	NetworkMode             string                `json:"networkMode,omitempty"`
	ContainerDefinitions    []containerDefinition `json:"containerDefinitions"`
	Volumes                 []volume              `json:"volumes,omitempty"`
	PlacementConstraints    []placementConstraint `json:"placementConstraints,omitempty"`
	RequiresCompatibilities []string              `json:"requiresCompatibilities,omitempty"`
	CPU                     *string               `json:"cpu,omitempty"`
	Memory                  *string               `json:"memory,omitempty"`
	Tags                    []tag                 `json:"tags,omitempty"`
	PidMode                 string                `json:"pidMode,omitempty"`
	IpcMode                 string                `json:"ipcMode,omitempty"`
	EphemeralStorage        *ephemeralStorage     `json:"ephemeralStorage,omitempty"`
	RuntimePlatform         *runtimePlatform      `json:"runtimePlatform,omitempty"`
}

type containerDefinition struct {
	Name                   string            `json:"name"`
	Image                  string            `json:"image"`
	CPU                    *int32            `json:"cpu,omitempty"`
	Memory                 *int32            `json:"memory,omitempty"`
	MemoryReservation      *int32            `json:"memoryReservation,omitempty"`
	Essential              *bool             `json:"essential,omitempty"`
	EntryPoint             []string          `json:"entryPoint,omitempty"`
	Command                []string          `json:"command,omitempty"`
	WorkingDirectory       *string           `json:"workingDirectory,omitempty"`
	User                   *string           `json:"user,omitempty"`
	Environment            []keyValue        `json:"environment,omitempty"`
	Secrets                []secret          `json:"secrets,omitempty"`
	PortMappings           []portMapping     `json:"portMappings,omitempty"`
	MountPoints            []mountPoint      `json:"mountPoints,omitempty"`
	VolumesFrom            []volumeFrom      `json:"volumesFrom,omitempty"`
	LogConfiguration       *logConfiguration `json:"logConfiguration,omitempty"`
	SystemControls         []systemControl   `json:"systemControls,omitempty"`
	DockerLabels           map[string]string `json:"dockerLabels,omitempty"`
	ReadonlyRootFilesystem *bool             `json:"readonlyRootFilesystem,omitempty"`
}

type keyValue struct {
	Name  *string `json:"name,omitempty"`
	Value *string `json:"value,omitempty"`
}

type secret struct {
	Name      string `json:"name"`
	ValueFrom string `json:"valueFrom"`
}

type portMapping struct {
	ContainerPort *int32 `json:"containerPort,omitempty"`
	HostPort      *int32 `json:"hostPort,omitempty"`
	Protocol      string `json:"protocol,omitempty"`
	Name          string `json:"name,omitempty"`
	AppProtocol   string `json:"appProtocol,omitempty"`
}

type mountPoint struct {
	SourceVolume  *string `json:"sourceVolume,omitempty"`
	ContainerPath *string `json:"containerPath,omitempty"`
	ReadOnly      *bool   `json:"readOnly,omitempty"`
}

type volumeFrom struct {
	SourceContainer *string `json:"sourceContainer,omitempty"`
	ReadOnly        *bool   `json:"readOnly,omitempty"`
}

type logConfiguration struct {
	LogDriver     string            `json:"logDriver"`
	Options       map[string]string `json:"options,omitempty"`
	SecretOptions []secret          `json:"secretOptions,omitempty"`
}

type systemControl struct {
	Namespace string `json:"namespace,omitempty"`
	Value     string `json:"value,omitempty"`
}

type volume struct {
	Name string      `json:"name"`
	Host *hostVolume `json:"host,omitempty"`
}

type hostVolume struct {
	SourcePath *string `json:"sourcePath,omitempty"`
}

type placementConstraint struct {
	Type       string `json:"type,omitempty"`
	Expression string `json:"expression,omitempty"`
}

type tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type ephemeralStorage struct {
	SizeInGiB int32 `json:"sizeInGiB"`
}

type runtimePlatform struct {
	CPUArchitecture       string `json:"cpuArchitecture,omitempty"`
	OperatingSystemFamily string `json:"operatingSystemFamily,omitempty"`
}

type listInput struct {
	FamilyPrefix *string `json:"familyPrefix,omitempty"`
	Status       string  `json:"status,omitempty"`
	Sort         string  `json:"sort,omitempty"`
	MaxResults   *int32  `json:"maxResults,omitempty"`
	NextToken    *string `json:"nextToken,omitempty"`
}

type describeInput struct {
	TaskDefinition string   `json:"taskDefinition"`
	Include        []string `json:"include,omitempty"`
}

type deregisterInput struct {
	TaskDefinition string `json:"taskDefinition"`
}

// revision is one stored task definition revision.
type revision struct {
	family    string
	number    int32
	arn       string
	status    string
	described map[string]any
	tags      []tag
}

// snapshot encodes the described form while the caller holds the lock, so
// that later changes (deregistration) do not race with response encoding.
func (r *revision) snapshot() json.RawMessage {
	raw, err := json.Marshal(r.described)
	if err != nil {
		// described holds only JSON-decoded values and plain Go scalars.
		panic(fmt.Sprintf("awsfake: encoding stored task definition: %v", err))
	}
	return raw
}

func (s *Server) ecsOperation(op string) jsonOperation {
	switch op {
	case "RegisterTaskDefinition":
		return s.registerTaskDefinition
	case "ListTaskDefinitions":
		return s.listTaskDefinitions
	case "DescribeTaskDefinition":
		return s.describeTaskDefinition
	case "DeregisterTaskDefinition":
		return s.deregisterTaskDefinition
	}
	return nil
}

func serializationError(err error) *apiError {
	return &apiError{status: 400, code: "SerializationException", message: err.Error()}
}

func (s *Server) registerTaskDefinition(body []byte) (any, *apiError) {
	if len(body) > 64*1024 {
		return nil, clientError("Actual length: '%d'. Max allowed length is '65536' bytes.", len(body))
	}
	var in registerInput
	if err := decodeStrict(body, &in); err != nil {
		return nil, serializationError(err)
	}
	cpu, memory, aerr := validateRegister(&in)
	if aerr != nil {
		return nil, aerr
	}
	described, err := s.describeRegistration(&in, cpu, memory)
	if err != nil {
		return nil, &apiError{status: 500, code: "ServerException", message: err.Error()}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	revs := s.families[in.Family]
	rev := &revision{
		family:    in.Family,
		number:    int32(len(revs) + 1),
		status:    "ACTIVE",
		described: described,
		tags:      in.Tags,
	}
	rev.arn = fmt.Sprintf("arn:aws:ecs:%s:%s:task-definition/%s:%d", s.opts.Region, s.opts.Account, rev.family, rev.number)
	described["taskDefinitionArn"] = rev.arn
	described["revision"] = rev.number
	described["status"] = rev.status
	s.families[in.Family] = append(revs, rev)
	return map[string]any{"taskDefinition": rev.snapshot(), "tags": tagsOrEmpty(in.Tags)}, nil
}

func tagsOrEmpty(t []tag) []tag {
	if t == nil {
		return []tag{}
	}
	return t
}

var (
	familyPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)
	vcpuPattern   = regexp.MustCompile(`(?i)^([0-9]+(?:\.[0-9]+)?)\s*vcpu$`)
	gbPattern     = regexp.MustCompile(`(?i)^([0-9]+(?:\.[0-9]+)?)\s*gb$`)
	digitsPattern = regexp.MustCompile(`^[0-9]+$`)
)

// fargateMemory lists, per task cpu unit count, the memory sizes (MiB)
// Fargate accepts.
func fargateMemory(cpu int) []int {
	span := func(lo, hi, step int) []int {
		var out []int
		for m := lo; m <= hi; m += step {
			out = append(out, m)
		}
		return out
	}
	switch cpu {
	case 256:
		return []int{512, 1024, 2048}
	case 512:
		return span(1024, 4096, 1024)
	case 1024:
		return span(2048, 8192, 1024)
	case 2048:
		return span(4096, 16384, 1024)
	case 4096:
		return span(8192, 30720, 1024)
	case 8192:
		return span(16384, 61440, 4096)
	case 16384:
		return span(32768, 122880, 8192)
	}
	return nil
}

// parseUnits reads a task-level cpu or memory string the way ECS does:
// an integer, or a number with the unit ("1 vCPU", "2 GB") that ECS turns
// into cpu units or MiB.
func parseUnits(s string, unit *regexp.Regexp) (int, bool) {
	s = strings.TrimSpace(s)
	if digitsPattern.MatchString(s) {
		n, err := strconv.Atoi(s)
		return n, err == nil
	}
	if m := unit.FindStringSubmatch(s); m != nil {
		f, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			return 0, false
		}
		n := f * 1024
		if n != math.Trunc(n) {
			return 0, false
		}
		return int(n), true
	}
	return 0, false
}

// validateRegister checks a registration as ECS does for the modelled
// fields and returns the task-level cpu and memory in units ("" if absent).
func validateRegister(in *registerInput) (string, string, *apiError) {
	if !familyPattern.MatchString(in.Family) {
		return "", "", clientError("Family must be 1 to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores, got %q.", in.Family)
	}
	if len(in.ContainerDefinitions) == 0 {
		return "", "", clientError("Container list cannot be empty.")
	}
	if len(in.ContainerDefinitions) > 10 {
		return "", "", clientError("Too many containers: %d, at most 10 are allowed.", len(in.ContainerDefinitions))
	}
	fargate := false
	for _, c := range in.RequiresCompatibilities {
		switch c {
		case "FARGATE":
			fargate = true
		case "EC2", "EXTERNAL", "MANAGED_INSTANCES":
		default:
			return "", "", clientError("Invalid compatibility %q: expected one of EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES.", c)
		}
	}
	switch in.NetworkMode {
	case "", "bridge", "host", "awsvpc", "none":
	default:
		return "", "", clientError("Invalid networkMode %q.", in.NetworkMode)
	}
	if in.EphemeralStorage != nil {
		if n := in.EphemeralStorage.SizeInGiB; n < 21 || n > 200 {
			return "", "", clientError("The ephemeral storage size must be between 21 and 200 GiB, got %d.", n)
		}
	}
	var cpu, memory string
	cpuUnits, memMiB := 0, 0
	if in.CPU != nil {
		n, ok := parseUnits(*in.CPU, vcpuPattern)
		if !ok || n <= 0 {
			return "", "", clientError("Invalid 'cpu' setting for task: %q.", *in.CPU)
		}
		cpu, cpuUnits = strconv.Itoa(n), n
	}
	if in.Memory != nil {
		n, ok := parseUnits(*in.Memory, gbPattern)
		if !ok || n <= 0 {
			return "", "", clientError("Invalid 'memory' setting for task: %q.", *in.Memory)
		}
		memory, memMiB = strconv.Itoa(n), n
	}

	volumes := map[string]bool{}
	for i, v := range in.Volumes {
		if v.Name == "" {
			return "", "", clientError("volumes[%d].name should not be null or empty.", i)
		}
		if volumes[v.Name] {
			return "", "", clientError("Duplicate volume name %q.", v.Name)
		}
		volumes[v.Name] = true
		if fargate && v.Host != nil && v.Host.SourcePath != nil {
			return "", "", clientError("Fargate does not support host volumes with a sourcePath (volume %q).", v.Name)
		}
	}

	names := map[string]bool{}
	needsExecRole := ""
	for i, c := range in.ContainerDefinitions {
		if !familyPattern.MatchString(c.Name) {
			return "", "", clientError("Container.name must be 1 to 255 letters, numbers, hyphens, and underscores, got %q.", c.Name)
		}
		if names[c.Name] {
			return "", "", clientError("Duplicate container name %q.", c.Name)
		}
		names[c.Name] = true
		if strings.TrimSpace(c.Image) == "" {
			return "", "", clientError("Container.image should not be null or empty.")
		}
		for j, e := range c.Environment {
			if e.Name == nil || *e.Name == "" {
				return "", "", clientError("containerDefinitions[%d].environment[%d].name should not be null or empty.", i, j)
			}
		}
		for j, sec := range c.Secrets {
			if sec.Name == "" || sec.ValueFrom == "" {
				return "", "", clientError("containerDefinitions[%d].secrets[%d] needs a name and a valueFrom.", i, j)
			}
			needsExecRole = "secrets"
		}
		for _, m := range c.MountPoints {
			if m.ContainerPath == nil || *m.ContainerPath == "" {
				return "", "", clientError("Invalid 'containerPath' setting for container '%s'.", c.Name)
			}
			if m.SourceVolume == nil || !volumes[*m.SourceVolume] {
				src := ""
				if m.SourceVolume != nil {
					src = *m.SourceVolume
				}
				return "", "", clientError("Invalid 'sourceVolume' setting for container '%s': no volume named '%s'.", c.Name, src)
			}
		}
		if lc := c.LogConfiguration; lc != nil {
			switch lc.LogDriver {
			case "awslogs", "splunk", "awsfirelens":
			case "json-file", "syslog", "journald", "gelf", "fluentd":
				if fargate {
					return "", "", clientError("Fargate does not support log driver %q.", lc.LogDriver)
				}
			default:
				return "", "", clientError("Invalid logDriver %q.", lc.LogDriver)
			}
			if lc.LogDriver == "awslogs" {
				needsExecRole = "log driver awslogs"
			}
		}
	}

	if fargate {
		if in.NetworkMode != "awsvpc" {
			return "", "", clientError("Fargate only supports network mode 'awsvpc'.")
		}
		if cpu == "" {
			return "", "", clientError("Fargate requires that 'cpu' be defined at the task level.")
		}
		if memory == "" {
			return "", "", clientError("Fargate requires that 'memory' be defined at the task level.")
		}
		if !slices.Contains(fargateMemory(cpuUnits), memMiB) {
			return "", "", clientError("No Fargate configuration exists for given values: %d CPU, %d memory.", cpuUnits, memMiB)
		}
		if needsExecRole != "" && (in.ExecutionRoleArn == nil || *in.ExecutionRoleArn == "") {
			return "", "", clientError("Fargate requires task definition to have execution role ARN to support %s.", needsExecRole)
		}
	}
	return cpu, memory, nil
}

// describeRegistration builds what DescribeTaskDefinition returns for a
// valid registration: the request plus what ECS adds.
func (s *Server) describeRegistration(in *registerInput, cpu, memory string) (map[string]any, error) {
	td := *in
	td.Tags = nil
	raw, err := json.Marshal(td)
	if err != nil {
		return nil, fmt.Errorf("encoding task definition: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("decoding task definition: %w", err)
	}
	if cpu != "" {
		m["cpu"] = cpu
	}
	if memory != "" {
		m["memory"] = memory
	}
	networkMode := cmp.Or(in.NetworkMode, "bridge")
	m["networkMode"] = networkMode
	setDefault(m, "volumes", []any{})
	setDefault(m, "placementConstraints", []any{})
	setDefault(m, "requiresCompatibilities", []any{})
	for _, v := range m["volumes"].([]any) {
		setDefault(v.(map[string]any), "host", map[string]any{})
	}

	compat := []string{"EC2"}
	if networkMode == "awsvpc" && cpu != "" && memory != "" {
		compat = append(compat, "FARGATE")
	}
	m["compatibilities"] = compat

	attrs := map[string]bool{}
	if in.TaskRoleArn != nil {
		attrs["com.amazonaws.ecs.capability.task-iam-role"] = true
	}
	if networkMode == "awsvpc" {
		attrs["ecs.capability.task-eni"] = true
	}
	for i, c := range in.ContainerDefinitions {
		cm := m["containerDefinitions"].([]any)[i].(map[string]any)
		setDefault(cm, "cpu", 0)
		setDefault(cm, "essential", true)
		setDefault(cm, "portMappings", []any{})
		setDefault(cm, "environment", []any{})
		setDefault(cm, "mountPoints", []any{})
		setDefault(cm, "volumesFrom", []any{})
		setDefault(cm, "systemControls", []any{})
		for _, mp := range cm["mountPoints"].([]any) {
			setDefault(mp.(map[string]any), "readOnly", false)
		}
		// ECS keeps environment and secrets in an order of its own; the
		// fake returns them sorted by descending name.
		reverseByName(cm["environment"].([]any))
		if sec, ok := cm["secrets"].([]any); ok {
			reverseByName(sec)
			attrs["ecs.capability.secrets.asm.environment-variables"] = true
		}
		if lc, ok := cm["logConfiguration"].(map[string]any); ok {
			setDefault(lc, "secretOptions", []any{})
			attrs["com.amazonaws.ecs.capability.logging-driver."+c.LogConfiguration.LogDriver] = true
			attrs["com.amazonaws.ecs.capability.docker-remote-api.1.19"] = true
			if c.LogConfiguration.LogDriver == "awslogs" && in.ExecutionRoleArn != nil {
				attrs["ecs.capability.execution-role-awslogs"] = true
			}
		}
	}
	var req []map[string]string
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		req = append(req, map[string]string{"name": name})
	}
	if req != nil {
		m["requiresAttributes"] = req
	}
	m["registeredAt"] = float64(s.opts.Now().UnixMilli()) / 1000
	m["registeredBy"] = fmt.Sprintf("arn:aws:iam::%s:user/awsfake", s.opts.Account)
	return m, nil
}

func setDefault(m map[string]any, key string, v any) {
	if _, ok := m[key]; !ok {
		m[key] = v
	}
}

func reverseByName(items []any) {
	name := func(v any) string {
		s, _ := v.(map[string]any)["name"].(string)
		return s
	}
	slices.SortStableFunc(items, func(a, b any) int { return strings.Compare(name(b), name(a)) })
}

func (s *Server) listTaskDefinitions(body []byte) (any, *apiError) {
	var in listInput
	if err := decodeStrict(body, &in); err != nil {
		return nil, serializationError(err)
	}
	status := cmp.Or(in.Status, "ACTIVE")
	if status != "ACTIVE" && status != "INACTIVE" && status != "DELETE_IN_PROGRESS" {
		return nil, clientError("Invalid status %q.", in.Status)
	}
	order := cmp.Or(in.Sort, "ASC")
	if order != "ASC" && order != "DESC" {
		return nil, clientError("Invalid sort %q.", in.Sort)
	}
	pageSize := s.opts.ListPageSize
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 100 {
			return nil, &apiError{status: 400, code: "InvalidParameterException", message: "maxResults must be between 1 and 100"}
		}
		pageSize = min(pageSize, int(*in.MaxResults))
	}
	start := 0
	if in.NextToken != nil {
		n, err := strconv.Atoi(strings.TrimPrefix(*in.NextToken, "awsfake-"))
		if err != nil || !strings.HasPrefix(*in.NextToken, "awsfake-") || n < 0 {
			return nil, &apiError{status: 400, code: "InvalidParameterException", message: "Invalid nextToken"}
		}
		start = n
	}

	s.mu.Lock()
	var matched []*revision
	for family, revs := range s.families {
		// Despite its name, familyPrefix is "the full family name" (the ECS
		// API reference), and moto agrees: "flow" does not list "flow-x".
		if in.FamilyPrefix != nil && family != *in.FamilyPrefix {
			continue
		}
		for _, r := range revs {
			if r.status == status {
				matched = append(matched, r)
			}
		}
	}
	s.mu.Unlock()

	slices.SortFunc(matched, func(a, b *revision) int {
		return cmp.Or(strings.Compare(a.family, b.family), cmp.Compare(a.number, b.number))
	})
	if order == "DESC" {
		slices.Reverse(matched)
	}
	arns := []string{}
	for i := start; i < len(matched) && i < start+pageSize; i++ {
		arns = append(arns, matched[i].arn)
	}
	out := map[string]any{"taskDefinitionArns": arns}
	if start+pageSize < len(matched) {
		out["nextToken"] = fmt.Sprintf("awsfake-%d", start+pageSize)
	}
	return out, nil
}

// lookup resolves "family", "family:revision" or a full ARN. A bare family
// names its latest ACTIVE revision. The caller holds s.mu.
func (s *Server) lookup(ref string) *revision {
	if i := strings.Index(ref, ":task-definition/"); i >= 0 && strings.HasPrefix(ref, "arn:") {
		prefix := fmt.Sprintf("arn:aws:ecs:%s:%s:task-definition/", s.opts.Region, s.opts.Account)
		if !strings.HasPrefix(ref, prefix) {
			return nil
		}
		ref = ref[i+len(":task-definition/"):]
	}
	family, rev, hasRev := strings.Cut(ref, ":")
	revs := s.families[family]
	if !hasRev {
		for i := len(revs) - 1; i >= 0; i-- {
			if revs[i].status == "ACTIVE" {
				return revs[i]
			}
		}
		return nil
	}
	n, err := strconv.Atoi(rev)
	if err != nil || n < 1 || n > len(revs) {
		return nil
	}
	return revs[n-1]
}

func (s *Server) describeTaskDefinition(body []byte) (any, *apiError) {
	var in describeInput
	if err := decodeStrict(body, &in); err != nil {
		return nil, serializationError(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.lookup(in.TaskDefinition)
	if r == nil {
		return nil, clientError("Unable to describe task definition.")
	}
	out := map[string]any{"taskDefinition": r.snapshot()}
	if slices.Contains(in.Include, "TAGS") {
		out["tags"] = tagsOrEmpty(r.tags)
	}
	return out, nil
}

func (s *Server) deregisterTaskDefinition(body []byte) (any, *apiError) {
	var in deregisterInput
	if err := decodeStrict(body, &in); err != nil {
		return nil, serializationError(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !strings.Contains(strings.TrimPrefix(in.TaskDefinition, "arn:"), ":") {
		return nil, clientError("Revision must be specified to deregister a task definition.")
	}
	r := s.lookup(in.TaskDefinition)
	if r == nil {
		return nil, clientError("The specified task definition does not exist.")
	}
	r.status = "INACTIVE"
	r.described["status"] = "INACTIVE"
	r.described["deregisteredAt"] = float64(s.opts.Now().UnixMilli()) / 1000
	return map[string]any{"taskDefinition": r.snapshot()}, nil
}

// TaskDefinitions returns, for a family, every stored revision as
// DescribeTaskDefinition would return it (JSON), oldest first.
func (s *Server) TaskDefinitions(family string) []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []json.RawMessage
	for _, r := range s.families[family] {
		out = append(out, r.snapshot())
	}
	return out
}

// Families returns the families that have at least one revision, sorted.
func (s *Server) Families() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for f := range s.families {
		out = append(out, f)
	}
	slices.Sort(out)
	return out
}
