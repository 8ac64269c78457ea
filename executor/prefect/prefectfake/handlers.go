package prefectfake

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"sort"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// defaultAgentPool is the work pool a Prefect 2.10 server puts work queues in
// when a deployment names a queue but no pool.
const defaultAgentPool = "default-agent-pool"

func (s *Server) routes(mux *http.ServeMux) {
	p := APIPrefix
	mux.HandleFunc("GET "+p+"/health", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, http.StatusOK, true) })
	mux.HandleFunc("GET "+p+"/hello", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, http.StatusOK, "👋") })
	mux.HandleFunc("GET "+p+"/admin/version", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.serverVersion)
	})
	mux.HandleFunc("POST "+p+"/flows/", s.createFlow)
	mux.HandleFunc("GET "+p+"/flows/name/{name}", s.readFlowByName)
	mux.HandleFunc("GET "+p+"/block_types/slug/{slug}", s.readBlockType)
	mux.HandleFunc("GET "+p+"/block_types/slug/{slug}/block_documents/name/{name}", s.readBlockDocumentByName)
	mux.HandleFunc("POST "+p+"/block_schemas/filter", s.filterBlockSchemas)
	mux.HandleFunc("POST "+p+"/block_documents/", s.createBlockDocument)
	mux.HandleFunc("GET "+p+"/block_documents/{id}", s.readBlockDocument)
	mux.HandleFunc("PATCH "+p+"/block_documents/{id}", s.updateBlockDocument)
	mux.HandleFunc("POST "+p+"/deployments/", s.createDeployment)
	mux.HandleFunc("GET "+p+"/deployments/{id}", s.readDeployment)
	mux.HandleFunc("PATCH "+p+"/deployments/{id}", s.updateDeployment)
	mux.HandleFunc("GET "+p+"/deployments/name/{flow}/{name}", s.readDeploymentByName)
	mux.HandleFunc("GET "+p+"/work_pools/{name}", s.readWorkPool)
	// Unknown routes answer as FastAPI does.
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { writeDetail(w, http.StatusNotFound, "Not Found") })
}

// decode parses and validates a request body against the named request
// schema; on failure it has written a FastAPI-style 422 and returns false.
func (s *Server) decode(w http.ResponseWriter, r *http.Request, schema string) (object, bool) {
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(r.Body); err != nil {
		writeDetail(w, http.StatusBadRequest, "cannot read body")
		return nil, false
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
	if err != nil {
		writeDetail(w, http.StatusUnprocessableEntity, []any{object{
			"loc": []any{"body", 0}, "msg": "JSON decode error: " + err.Error(), "type": "value_error.jsondecode",
		}})
		return nil, false
	}
	if err := s.valid[schema].Validate(doc); err != nil {
		var ve *jsonschema.ValidationError
		if !errors.As(err, &ve) {
			writeDetail(w, http.StatusInternalServerError, err.Error())
			return nil, false
		}
		writeDetail(w, http.StatusUnprocessableEntity, s.validationDetail(ve))
		return nil, false
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		writeDetail(w, http.StatusUnprocessableEntity, []any{object{"loc": []any{"body"}, "msg": "value is not a valid dict", "type": "type_error.dict"}})
		return nil, false
	}
	return obj, true
}

// validationDetail lists the leaf errors the way FastAPI reports pydantic
// errors: {"loc": ["body", field...], "msg": ..., "type": ...}; unknown
// fields use pydantic's own wording for the server's version.
func (s *Server) validationDetail(ve *jsonschema.ValidationError) []any {
	printer := message.NewPrinter(language.English)
	var out []any
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		loc := []any{"body"}
		for _, l := range e.InstanceLocation {
			loc = append(loc, l)
		}
		if ap, ok := e.ErrorKind.(*kind.AdditionalProperties); ok {
			for _, prop := range ap.Properties {
				entry := object{"loc": append(append([]any(nil), loc...), prop)}
				if s.version == Prefect3 {
					entry["type"], entry["msg"] = "extra_forbidden", "Extra inputs are not permitted"
				} else {
					entry["type"], entry["msg"] = "value_error.extra", "extra fields not permitted"
				}
				out = append(out, entry)
			}
			return
		}
		out = append(out, object{"loc": loc, "msg": e.ErrorKind.LocalizedString(printer), "type": "value_error.jsonschema"})
	}
	walk(ve)
	return out
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func (s *Server) createFlow(w http.ResponseWriter, r *http.Request) {
	body, ok := s.decode(w, r, schemaFlowCreate)
	if !ok {
		return
	}
	name := str(body["name"])
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.flowIDs[name]; ok {
		writeJSON(w, http.StatusOK, s.flows[id])
		return
	}
	now := s.timestamp()
	id := s.newID()
	f := object{"id": id, "created": now, "updated": now, "name": name, "tags": orEmptyList(body["tags"])}
	if s.version == Prefect3 {
		f["labels"] = orEmptyMap(body["labels"])
	}
	s.flows[id] = f
	s.flowIDs[name] = id
	writeJSON(w, http.StatusCreated, f)
}

func (s *Server) readFlowByName(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.flowIDs[r.PathValue("name")]
	if !ok {
		writeDetail(w, http.StatusNotFound, "Flow not found")
		return
	}
	writeJSON(w, http.StatusOK, s.flows[id])
}

func (s *Server) readBlockType(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	bt, ok := s.blockTypes[r.PathValue("slug")]
	if !ok {
		writeDetail(w, http.StatusNotFound, "Block type not found")
		return
	}
	writeJSON(w, http.StatusOK, bt)
}

func (s *Server) blockDocResponse(d object) object {
	out := clone(d)
	for _, bt := range s.blockTypes {
		if bt["id"] == d["block_type_id"] {
			out["block_type"] = bt
			out["block_type_name"] = bt["name"]
		}
	}
	for _, bs := range s.blockSchemas {
		if bs["id"] == d["block_schema_id"] {
			out["block_schema"] = bs
		}
	}
	return out
}

func (s *Server) readBlockDocumentByName(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.blockDocByName(r.PathValue("slug"), r.PathValue("name"))
	if d == nil {
		writeDetail(w, http.StatusNotFound, "Block document not found")
		return
	}
	writeJSON(w, http.StatusOK, s.blockDocResponse(d))
}

func (s *Server) readBlockDocument(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.blockDocs[r.PathValue("id")]
	if !ok {
		writeDetail(w, http.StatusNotFound, "Block document not found")
		return
	}
	writeJSON(w, http.StatusOK, s.blockDocResponse(d))
}

// filterBlockSchemas supports the block_type_id and id "any_" filters, offset
// and limit; results are newest first, as the real server orders them.
func (s *Server) filterBlockSchemas(w http.ResponseWriter, r *http.Request) {
	body, ok := s.decode(w, r, schemaBlockSchemaFilter)
	if !ok {
		return
	}
	filter, _ := body["block_schemas"].(map[string]any)
	anyOf := func(field string) map[string]bool {
		f, _ := filter[field].(map[string]any)
		list, ok := f["any_"].([]any)
		if !ok {
			return nil
		}
		set := map[string]bool{}
		for _, v := range list {
			set[str(v)] = true
		}
		return set
	}
	typeIDs, ids := anyOf("block_type_id"), anyOf("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []any{}
	for _, bs := range s.schemasNewestFirst() {
		if typeIDs != nil && !typeIDs[str(bs["block_type_id"])] {
			continue
		}
		if ids != nil && !ids[str(bs["id"])] {
			continue
		}
		out = append(out, bs)
	}
	offset, limit := intField(body["offset"], 0), intField(body["limit"], len(out))
	if offset > len(out) {
		offset = len(out)
	}
	out = out[offset:]
	if limit < len(out) {
		out = out[:limit]
	}
	writeJSON(w, http.StatusOK, out)
}

func intField(v any, def int) int {
	n, ok := v.(interface{ Int64() (int64, error) })
	if !ok {
		return def
	}
	i, err := n.Int64()
	if err != nil {
		return def
	}
	return int(i)
}

func (s *Server) createBlockDocument(w http.ResponseWriter, r *http.Request) {
	body, ok := s.decode(w, r, schemaBlockDocumentCreate)
	if !ok {
		return
	}
	anonymous, _ := body["is_anonymous"].(bool)
	name := str(body["name"])
	if !anonymous && name == "" {
		writeDetail(w, http.StatusUnprocessableEntity, []any{object{"loc": []any{"body", "__root__"},
			"msg": "Names must be provided for block documents.", "type": "value_error"}})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	typeID, schemaID := str(body["block_type_id"]), str(body["block_schema_id"])
	var schema object
	for _, bs := range s.blockSchemas {
		if bs["id"] == schemaID {
			schema = bs
		}
	}
	if schema == nil || schema["block_type_id"] != typeID {
		writeDetail(w, http.StatusConflict, "Data integrity conflict: block_schema_id and block_type_id must name a registered block schema of that block type")
		return
	}
	for _, d := range s.blockDocs {
		if name != "" && d["block_type_id"] == typeID && d["name"] == name {
			writeDetail(w, http.StatusConflict, "Block already exists")
			return
		}
	}
	now := s.timestamp()
	id := s.newID()
	d := object{"id": id, "created": now, "updated": now, "name": body["name"], "data": orEmptyMap(body["data"]),
		"block_schema_id": schemaID, "block_type_id": typeID, "block_document_references": object{},
		"is_anonymous": anonymous}
	s.blockDocs[id] = d
	writeJSON(w, http.StatusCreated, s.blockDocResponse(d))
}

// updateBlockDocument follows 2.10.6's models.block_documents: with
// merge_existing_data (the default) the new data's top-level keys are merged
// into the stored data, otherwise the data is replaced.
func (s *Server) updateBlockDocument(w http.ResponseWriter, r *http.Request) {
	body, ok := s.decode(w, r, schemaBlockDocumentUpdate)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.blockDocs[r.PathValue("id")]
	if !ok {
		writeDetail(w, http.StatusNotFound, "Block document not found")
		return
	}
	merge := true
	if m, ok := body["merge_existing_data"].(bool); ok {
		merge = m
	}
	if data, ok := body["data"].(map[string]any); ok {
		if merge {
			cur := d["data"].(map[string]any)
			for k, v := range data {
				cur[k] = v
			}
		} else {
			d["data"] = data
		}
	}
	if sid := str(body["block_schema_id"]); sid != "" && sid != d["block_schema_id"] {
		var schema object
		for _, bs := range s.blockSchemas {
			if bs["id"] == sid {
				schema = bs
			}
		}
		if schema == nil || schema["block_type_id"] != d["block_type_id"] {
			writeDetail(w, http.StatusBadRequest, "Must migrate block document to a block schema of the same block type.")
			return
		}
		d["block_schema_id"] = sid
	}
	d["updated"] = s.timestamp()
	w.WriteHeader(http.StatusNoContent)
}

// deploymentDefaults are the values of fields a request leaves out, per
// version (DeploymentCreate / core.Deployment defaults).
func (s *Server) deploymentDefaults() object {
	common := object{
		"version": nil, "description": nil, "parameters": object{}, "tags": []any{}, "pull_steps": nil,
		"work_queue_name": nil, "work_pool_name": nil, "parameter_openapi_schema": nil, "path": nil,
		"entrypoint": nil, "storage_document_id": nil, "infrastructure_document_id": nil,
		"created_by": nil, "updated_by": nil,
	}
	if s.version == Prefect3 {
		common["paused"] = false
		common["schedules"] = []any{}
		common["job_variables"] = object{}
		common["enforce_parameter_schema"] = true
		common["concurrency_limit"] = nil
		common["labels"] = object{}
		return common
	}
	common["schedule"] = nil
	common["is_schedule_active"] = true
	common["infra_overrides"] = object{}
	common["manifest_path"] = nil
	return common
}

// checkDeploymentRefs checks what the real create/update handlers check
// before writing; it returns a status and detail, or 0.
func (s *Server) checkDeploymentRefs(body object, create bool) (int, string) {
	if create {
		if _, ok := s.flows[str(body["flow_id"])]; !ok {
			return http.StatusConflict, "Data integrity conflict: flow_id does not name an existing flow"
		}
	}
	if pool := str(body["work_pool_name"]); pool != "" && pool != defaultAgentPool {
		if _, ok := s.workPools[pool]; !ok {
			return http.StatusNotFound, fmt.Sprintf("Work pool %q not found.", pool)
		}
	}
	for _, ref := range []struct{ field, what string }{
		{"infrastructure_document_id", "infrastructure block"}, {"storage_document_id", "storage block"},
	} {
		if id := str(body[ref.field]); id != "" {
			if _, ok := s.blockDocs[id]; !ok {
				return http.StatusConflict, fmt.Sprintf("Error creating deployment. Could not find %s with id: %s.", ref.what, id)
			}
		}
	}
	return 0, ""
}

// createDeployment upserts on (flow_id, name) like the real server. Prefect
// 2.10.6 builds the stored row from every DeploymentCreate field, defaults
// included, so an upsert resets whatever the request leaves out; Prefect 3
// updates only the fields sent. Both replace the schedules (and delete the
// deployment's auto-scheduled runs, which the fake does not model).
func (s *Server) createDeployment(w http.ResponseWriter, r *http.Request) {
	body, ok := s.decode(w, r, schemaDeploymentCreate)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if status, detail := s.checkDeploymentRefs(body, true); status != 0 {
		writeDetail(w, status, detail)
		return
	}
	now := s.timestamp()
	var existing object
	for _, d := range s.deployments {
		if d["flow_id"] == body["flow_id"] && d["name"] == body["name"] {
			existing = d
		}
	}
	status := http.StatusOK
	var d object
	switch {
	case existing == nil:
		status = http.StatusCreated
		d = s.deploymentDefaults()
		d["id"], d["created"] = s.newID(), now
	case s.version == Prefect2:
		d = s.deploymentDefaults()
		d["id"], d["created"] = existing["id"], existing["created"]
	default:
		d = existing
		d["schedules"] = []any{}
	}
	for k, v := range body {
		if k == "schedules" {
			continue
		}
		d[k] = v
	}
	if s.version == Prefect3 {
		d["schedules"] = s.newSchedules(str(d["id"]), body["schedules"], now)
	}
	d["updated"] = now
	s.deployments[str(d["id"])] = d
	writeJSON(w, status, s.deploymentResponse(d))
}

func (s *Server) newSchedules(deploymentID string, v any, now string) []any {
	list, _ := v.([]any)
	out := []any{}
	for _, item := range list {
		in, _ := item.(map[string]any)
		sc := object{"id": s.newID(), "created": now, "updated": now, "deployment_id": deploymentID,
			"schedule": in["schedule"], "active": true, "max_scheduled_runs": nil, "parameters": object{}, "slug": nil}
		for _, k := range []string{"active", "max_scheduled_runs", "parameters", "slug"} {
			if val, ok := in[k]; ok && val != nil {
				sc[k] = val
			}
		}
		out = append(out, sc)
	}
	return out
}

// deploymentResponse renders a stored deployment; on Prefect 2 a deployment
// with a queue but no pool reports the default agent pool its queue is in.
func (s *Server) deploymentResponse(d object) object {
	out := clone(d)
	if s.version == Prefect2 && out["work_pool_name"] == nil && out["work_queue_name"] != nil {
		out["work_pool_name"] = defaultAgentPool
	}
	return out
}

func (s *Server) readDeployment(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.deployments[r.PathValue("id")]
	if !ok {
		writeDetail(w, http.StatusNotFound, "Deployment not found")
		return
	}
	writeJSON(w, http.StatusOK, s.deploymentResponse(d))
}

func (s *Server) readDeploymentByName(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.deploymentByName(r.PathValue("flow"), r.PathValue("name"))
	if d == nil {
		writeDetail(w, http.StatusNotFound, "Deployment not found")
		return
	}
	writeJSON(w, http.StatusOK, s.deploymentResponse(d))
}

// updateDeployment applies only the fields sent (exclude_unset on the
// server). Prefect 3 replaces the schedules only when "schedules" is sent.
func (s *Server) updateDeployment(w http.ResponseWriter, r *http.Request) {
	body, ok := s.decode(w, r, schemaDeploymentUpdate)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.deployments[r.PathValue("id")]
	if !ok {
		writeDetail(w, http.StatusNotFound, "Deployment not found.")
		return
	}
	if status, detail := s.checkDeploymentRefs(body, false); status != 0 {
		writeDetail(w, status, detail)
		return
	}
	now := s.timestamp()
	keys := make([]string, 0, len(body))
	for k := range body {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k == "schedules" {
			if body[k] != nil {
				d["schedules"] = s.newSchedules(str(d["id"]), body[k], now)
			}
			continue
		}
		d[k] = body[k]
	}
	d["updated"] = now
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) readWorkPool(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := r.PathValue("name")
	p, ok := s.workPools[name]
	if !ok {
		writeDetail(w, http.StatusNotFound, fmt.Sprintf("Work pool %q not found.", name))
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func orEmptyList(v any) any {
	if v == nil {
		return []any{}
	}
	return v
}

func orEmptyMap(v any) any {
	if v == nil {
		return object{}
	}
	return v
}
