package prefectfake

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// object is a stored resource in its JSON form.
type object = map[string]any

// state is the server's in-memory database; guarded by Server.mu.
type state struct {
	seq          int
	flows        map[string]object // by id
	flowIDs      map[string]string // name -> id
	blockTypes   map[string]object // by slug
	blockSchemas []object
	blockDocs    map[string]object // by id
	deployments  map[string]object // by id
	workPools    map[string]object // by name
}

func newState() state {
	return state{
		flows:       map[string]object{},
		flowIDs:     map[string]string{},
		blockTypes:  map[string]object{},
		blockDocs:   map[string]object{},
		deployments: map[string]object{},
		workPools:   map[string]object{},
	}
}

// newID returns a deterministic, well-formed UUID (version 4 layout).
func (st *state) newID() string {
	st.seq++
	return fmt.Sprintf("00000000-0000-4000-8000-%012d", st.seq)
}

func (s *Server) timestamp() string {
	return s.now().UTC().Format("2006-01-02T15:04:05.000000+00:00")
}

// defaultBlockTypes are registered at start unless WithoutBlockType names
// them: prefect-aws's ECS task infrastructure block and prefect's GitHub
// storage block, with the field names of their block schemas.
var defaultBlockTypes = []struct {
	slug, name, version string
	capabilities        []string
	fields              []string
}{
	{
		slug: "ecs-task", name: "ECS Task", version: "0.2.1",
		capabilities: []string{"run-infrastructure"},
		fields: []string{"type", "env", "labels", "name", "command", "aws_credentials", "task_definition_arn",
			"task_definition", "family", "image", "auto_deregister_task_definition", "cpu", "memory",
			"execution_role_arn", "configure_cloudwatch_logs", "cloudwatch_logs_options", "stream_output",
			"launch_type", "vpc_id", "cluster", "task_role_arn", "task_customizations",
			"task_start_timeout_seconds", "task_watch_poll_interval"},
	},
	{
		slug: "github", name: "GitHub", version: "2.10.6",
		capabilities: []string{"get-directory"},
		fields:       []string{"repository", "reference", "access_token", "include_git_objects"},
	},
}

func (s *Server) seed() error {
	skip := map[string]bool{}
	for _, slug := range s.skipBlockTypes {
		skip[slug] = true
	}
	for _, bt := range defaultBlockTypes {
		if skip[bt.slug] {
			continue
		}
		s.addBlockType(bt.slug, bt.name, bt.version, bt.capabilities, bt.fields)
	}
	for _, d := range s.seedDocs {
		if _, err := s.addBlockDocument(d.typeSlug, d.name, d.data); err != nil {
			return err
		}
	}
	for _, p := range s.seedPools {
		s.addWorkPool(p[0], p[1])
	}
	return nil
}

func (s *Server) addBlockType(slug, name, version string, capabilities, fields []string) {
	now := s.timestamp()
	typeID := s.newID()
	s.blockTypes[slug] = object{
		"id": typeID, "created": now, "updated": now, "name": name, "slug": slug,
		"logo_url": nil, "documentation_url": nil, "description": nil, "code_example": nil,
		"is_protected": false,
	}
	props := object{}
	for _, f := range fields {
		props[f] = object{"title": f}
	}
	caps := make([]any, len(capabilities))
	for i, c := range capabilities {
		caps[i] = c
	}
	s.blockSchemas = append(s.blockSchemas, object{
		"id": s.newID(), "created": now, "updated": now, "checksum": "sha256:" + slug + "-" + version,
		"fields": object{"title": name, "type": "object", "properties": props,
			"block_type_slug": slug, "secret_fields": []any{}, "block_schema_references": object{}},
		"block_type_id": typeID, "block_type": s.blockTypes[slug], "capabilities": caps, "version": version,
	})
}

// AddBlockDocument stores a block document of a registered block type (a
// storage block, say) and returns its id.
func (s *Server) AddBlockDocument(typeSlug, name string, data map[string]any) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addBlockDocument(typeSlug, name, data)
}

func (s *Server) addBlockDocument(typeSlug, name string, data map[string]any) (string, error) {
	bt, ok := s.blockTypes[typeSlug]
	if !ok {
		return "", fmt.Errorf("block type %q is not registered", typeSlug)
	}
	schema := s.latestSchema(bt["id"].(string))
	now := s.timestamp()
	id := s.newID()
	s.blockDocs[id] = object{
		"id": id, "created": now, "updated": now, "name": name, "data": clone(data),
		"block_schema_id": schema["id"], "block_type_id": bt["id"],
		"block_document_references": object{}, "is_anonymous": false,
	}
	return id, nil
}

// AddWorkPool creates a work pool of the given type.
func (s *Server) AddWorkPool(name, poolType string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addWorkPool(name, poolType)
}

func (s *Server) addWorkPool(name, poolType string) {
	now := s.timestamp()
	s.workPools[name] = object{
		"id": s.newID(), "created": now, "updated": now, "name": name, "description": nil,
		"type": poolType, "base_job_template": object{}, "is_paused": false,
		"concurrency_limit": nil, "default_queue_id": s.newID(), "status": "READY",
	}
}

// RemoveWorkPool deletes a work pool.
func (s *Server) RemoveWorkPool(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.workPools, name)
}

// Flow returns the stored flow with that name.
func (s *Server) Flow(name string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.flowIDs[name]
	if !ok {
		return nil, false
	}
	return clone(s.flows[id]), true
}

// BlockDocument returns the stored block document of that type and name.
func (s *Server) BlockDocument(typeSlug, name string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.blockDocByName(typeSlug, name)
	if d == nil {
		return nil, false
	}
	return clone(d), true
}

// Deployment returns the stored deployment, as GET
// /deployments/name/{flow}/{name} would.
func (s *Server) Deployment(flowName, name string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.deploymentByName(flowName, name)
	if d == nil {
		return nil, false
	}
	return clone(s.deploymentResponse(d)), true
}

// DeploymentCount returns how many deployments are stored.
func (s *Server) DeploymentCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.deployments)
}

func (s *Server) blockDocByName(typeSlug, name string) object {
	bt, ok := s.blockTypes[typeSlug]
	if !ok {
		return nil
	}
	for _, d := range s.blockDocs {
		if d["block_type_id"] == bt["id"] && d["name"] == name {
			return d
		}
	}
	return nil
}

func (s *Server) deploymentByName(flowName, name string) object {
	flowID, ok := s.flowIDs[flowName]
	if !ok {
		return nil
	}
	for _, d := range s.deployments {
		if d["flow_id"] == flowID && d["name"] == name {
			return d
		}
	}
	return nil
}

// latestSchema is the newest block schema of a block type (the server orders
// by created, descending; ties keep registration order reversed).
func (s *Server) latestSchema(typeID string) object {
	schemas := s.schemasNewestFirst()
	for _, bs := range schemas {
		if bs["block_type_id"] == typeID {
			return bs
		}
	}
	return nil
}

func (s *Server) schemasNewestFirst() []object {
	out := make([]object, len(s.blockSchemas))
	for i, bs := range s.blockSchemas {
		out[len(out)-1-i] = bs
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, _ := time.Parse(time.RFC3339Nano, out[i]["created"].(string))
		b, _ := time.Parse(time.RFC3339Nano, out[j]["created"].(string))
		return a.After(b)
	})
	return out
}

// clone deep-copies a JSON value through encoding/json.
func clone(v map[string]any) map[string]any {
	if v == nil {
		return nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("prefectfake: stored value is not JSON: %v", err))
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		panic(fmt.Sprintf("prefectfake: stored value is not JSON: %v", err))
	}
	return out
}
