package prefectfake

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type reply struct {
	status int
	header http.Header
	body   any
}

func call(t *testing.T, s *Server, method, path, body string, header ...string) reply {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, s.URL+path, r)
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	out := reply{status: resp.StatusCode, header: resp.Header}
	if len(raw) > 0 {
		require.NoError(t, json.Unmarshal(raw, &out.body), "body %s", raw)
	}
	return out
}

func field(t *testing.T, v any, key string) any {
	t.Helper()
	m, ok := v.(map[string]any)
	require.True(t, ok, "not an object: %v", v)
	return m[key]
}

// fixture creates a flow, an ECS task block and a storage block and returns
// the replacements for {flow}, {infra}, {storage}, {deployment}.
func fixture(t *testing.T, s *Server) *strings.Replacer {
	t.Helper()
	flow := call(t, s, "POST", "/flows/", `{"name":"proj.flows.x"}`)
	require.Equal(t, http.StatusCreated, flow.status)
	bt := call(t, s, "GET", "/block_types/slug/ecs-task", "")
	require.Equal(t, http.StatusOK, bt.status)
	typeID := field(t, bt.body, "id").(string)
	schemas := call(t, s, "POST", "/block_schemas/filter", `{"block_schemas":{"block_type_id":{"any_":["`+typeID+`"]}},"limit":1}`)
	require.Equal(t, http.StatusOK, schemas.status)
	list := schemas.body.([]any)
	require.Len(t, list, 1)
	doc := call(t, s, "POST", "/block_documents/", `{"name":"proj-x-main","data":{"cluster":"c"},"block_schema_id":"`+
		field(t, list[0], "id").(string)+`","block_type_id":"`+typeID+`","is_anonymous":false}`)
	require.Equal(t, http.StatusCreated, doc.status, "%v", doc.body)
	storage, err := s.AddBlockDocument("github", "data-flows-main", map[string]any{"repository": "r"})
	require.NoError(t, err)
	dep := call(t, s, "POST", "/deployments/", `{"name":"base","flow_id":"`+field(t, flow.body, "id").(string)+`"}`)
	require.Contains(t, []int{200, 201}, dep.status, "%v", dep.body)
	return strings.NewReplacer("{flow}", field(t, flow.body, "id").(string), "{infra}", field(t, doc.body, "id").(string),
		"{storage}", storage, "{deployment}", field(t, dep.body, "id").(string), "{type}", typeID,
		"{schema}", field(t, list[0], "id").(string))
}

func TestRequestValidation(t *testing.T) {
	tests := []struct {
		name       string
		version    Version
		method     string
		path       string
		body       string
		wantStatus int
		wantDetail []any // exact detail, when set
		wantText   string
	}{
		{
			name: "unknown field, Prefect 2", version: Prefect2, method: "POST", path: "/flows/",
			body: `{"name":"f","owner":"me"}`, wantStatus: 422,
			wantDetail: []any{map[string]any{"loc": []any{"body", "owner"}, "msg": "extra fields not permitted", "type": "value_error.extra"}},
		},
		{
			name: "unknown field, Prefect 3", version: Prefect3, method: "POST", path: "/flows/",
			body: `{"name":"f","owner":"me"}`, wantStatus: 422,
			wantDetail: []any{map[string]any{"loc": []any{"body", "owner"}, "msg": "Extra inputs are not permitted", "type": "extra_forbidden"}},
		},
		{name: "missing name", version: Prefect2, method: "POST", path: "/flows/", body: `{}`, wantStatus: 422, wantText: "missing property 'name'"},
		{name: "not JSON", version: Prefect2, method: "POST", path: "/flows/", body: `{"name":`, wantStatus: 422, wantText: "JSON decode error"},
		{name: "missing flow_id", version: Prefect2, method: "POST", path: "/deployments/", body: `{"name":"d"}`, wantStatus: 422, wantText: "flow_id"},
		{
			name: "flow_id not a UUID", version: Prefect3, method: "POST", path: "/deployments/",
			body: `{"name":"d","flow_id":"flow-1"}`, wantStatus: 422, wantText: "uuid",
		},
		{
			name: "Prefect client's 2.10 body with nulls", version: Prefect2, method: "POST", path: "/deployments/",
			body: `{"name":"d","flow_id":"{flow}","version":null,"schedule":null,"parameters":{},"tags":[],"work_queue_name":"q",
				"description":null,"storage_document_id":"{storage}","path":null,"entrypoint":"x_flow.py:x","manifest_path":null,
				"infrastructure_document_id":"{infra}","infra_overrides":{},"parameter_openapi_schema":null,
				"is_schedule_active":true,"work_pool_name":"default-agent-pool"}`,
			wantStatus: 201,
		},
		{
			name: "2.10 deployment with pull_steps and a cron schedule", version: Prefect2, method: "POST", path: "/deployments/",
			body:       `{"name":"d","flow_id":"{flow}","pull_steps":[{"git_clone":{}}],"schedule":{"cron":"0 0 * * *","timezone":null,"day_or":true}}`,
			wantStatus: 201,
		},
		{
			name: "enforce_parameter_schema is not a 2.10 field", version: Prefect2, method: "POST", path: "/deployments/",
			body: `{"name":"d","flow_id":"{flow}","enforce_parameter_schema":true}`, wantStatus: 422,
			wantDetail: []any{map[string]any{"loc": []any{"body", "enforce_parameter_schema"}, "msg": "extra fields not permitted", "type": "value_error.extra"}},
		},
		{
			name: "unknown key inside a cron schedule", version: Prefect2, method: "POST", path: "/deployments/",
			body: `{"name":"d","flow_id":"{flow}","schedule":{"cron":"0 0 * * *","tz":"UTC"}}`, wantStatus: 422, wantText: `"tz"`,
		},
		{
			name: "Prefect 3 schedules", version: Prefect3, method: "POST", path: "/deployments/",
			body: `{"name":"d","flow_id":"{flow}","schedules":[{"schedule":{"cron":"0 0 * * *","timezone":"UTC"},"active":true}],
				"job_variables":{"task_definition_arn":"arn"},"work_pool_name":"pool","work_queue_name":"default","enforce_parameter_schema":false}`,
			wantStatus: 201,
		},
		{
			name: "Prefect 3 has no infra_overrides", version: Prefect3, method: "POST", path: "/deployments/",
			body: `{"name":"d","flow_id":"{flow}","infra_overrides":{}}`, wantStatus: 422,
			wantDetail: []any{map[string]any{"loc": []any{"body", "infra_overrides"}, "msg": "Extra inputs are not permitted", "type": "extra_forbidden"}},
		},
		{
			name: "2.10 PATCH cannot set pull_steps", version: Prefect2, method: "PATCH", path: "/deployments/{deployment}",
			body: `{"pull_steps":[]}`, wantStatus: 422, wantText: "pull_steps",
		},
		{
			name: "2.10 PATCH with a null schedule", version: Prefect2, method: "PATCH", path: "/deployments/{deployment}",
			body: `{"schedule":null,"work_pool_name":"pool"}`, wantStatus: 204,
		},
		{
			name: "2.10 block names are lowercase letters, digits and dashes", version: Prefect2, method: "POST", path: "/block_documents/",
			body:       `{"name":"proj.x","data":{},"block_schema_id":"{schema}","block_type_id":"{type}"}`,
			wantStatus: 422, wantText: "^[a-z0-9-]*$",
		},
		{
			name: "block document needs a name unless anonymous", version: Prefect3, method: "POST", path: "/block_documents/",
			body:       `{"data":{},"block_schema_id":"{schema}","block_type_id":"{type}"}`,
			wantStatus: 422, wantText: "Names must be provided for block documents.",
		},
		{
			name: "block name already taken", version: Prefect2, method: "POST", path: "/block_documents/",
			body:       `{"name":"proj-x-main","data":{},"block_schema_id":"{schema}","block_type_id":"{type}"}`,
			wantStatus: 409, wantDetail: nil, wantText: "Block already exists",
		},
		{
			name: "block schema of another type", version: Prefect2, method: "POST", path: "/block_documents/",
			body:       `{"name":"other","data":{},"block_schema_id":"00000000-0000-4000-8000-999999999999","block_type_id":"{type}"}`,
			wantStatus: 409, wantText: "Data integrity conflict",
		},
		{
			name: "block update with an unknown field", version: Prefect2, method: "PATCH", path: "/block_documents/{infra}",
			body: `{"data":{},"name":"x"}`, wantStatus: 422, wantText: "extra fields not permitted",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Start(t, WithVersion(tt.version), WithWorkPool("pool", "ecs"))
			rep := fixture(t, s)
			got := call(t, s, tt.method, rep.Replace(tt.path), rep.Replace(tt.body))
			require.Equal(t, tt.wantStatus, got.status, "%v", got.body)
			if tt.wantDetail != nil {
				assert.Equal(t, tt.wantDetail, field(t, got.body, "detail"))
			}
			if tt.wantText != "" {
				raw, err := json.Marshal(got.body)
				require.NoError(t, err)
				assert.Contains(t, string(raw), tt.wantText)
			}
		})
	}
}

func TestDeploymentUpsert(t *testing.T) {
	tests := []struct {
		version         Version
		wantDescription any
		wantTags        any
	}{
		// 2.10.6 builds the row from every DeploymentCreate field: what the
		// second POST leaves out goes back to its default.
		{version: Prefect2, wantDescription: nil, wantTags: []any{}},
		// Prefect 3 updates only the fields sent.
		{version: Prefect3, wantDescription: "first", wantTags: []any{"a"}},
	}
	for _, tt := range tests {
		t.Run(map[Version]string{Prefect2: "prefect2", Prefect3: "prefect3"}[tt.version], func(t *testing.T) {
			s := Start(t, WithVersion(tt.version))
			rep := fixture(t, s)
			first := call(t, s, "POST", "/deployments/", rep.Replace(`{"name":"d","flow_id":"{flow}","description":"first","tags":["a"],"version":"1"}`))
			require.Equal(t, http.StatusCreated, first.status, "%v", first.body)
			second := call(t, s, "POST", "/deployments/", rep.Replace(`{"name":"d","flow_id":"{flow}","version":"2"}`))
			require.Equal(t, http.StatusOK, second.status, "%v", second.body)
			assert.Equal(t, field(t, first.body, "id"), field(t, second.body, "id"))
			got, ok := s.Deployment("proj.flows.x", "d")
			require.True(t, ok)
			assert.Equal(t, "2", got["version"])
			assert.Equal(t, tt.wantDescription, got["description"])
			assert.Equal(t, tt.wantTags, got["tags"])
			assert.Equal(t, 2, s.DeploymentCount(), "base and d")

			byName := call(t, s, "GET", "/deployments/name/proj.flows.x/d", "")
			require.Equal(t, http.StatusOK, byName.status)
			assert.Equal(t, got["id"], field(t, byName.body, "id"))
			missing := call(t, s, "GET", "/deployments/name/proj.flows.x/nope", "")
			assert.Equal(t, http.StatusNotFound, missing.status)
			assert.Equal(t, "Deployment not found", field(t, missing.body, "detail"))
		})
	}
}

func TestPrefect3SchedulesOnUpsertAndPatch(t *testing.T) {
	s := Start(t, WithVersion(Prefect3))
	rep := fixture(t, s)
	body := rep.Replace(`{"name":"d","flow_id":"{flow}","schedules":[{"schedule":{"cron":"0 1 * * *"}}]}`)
	created := call(t, s, "POST", "/deployments/", body)
	require.Equal(t, http.StatusCreated, created.status)
	id := field(t, created.body, "id").(string)

	require.Equal(t, http.StatusNoContent, call(t, s, "PATCH", "/deployments/"+id, `{"description":"x"}`).status)
	d, _ := s.Deployment("proj.flows.x", "d")
	require.Len(t, d["schedules"], 1, "PATCH without schedules keeps them")
	sched := d["schedules"].([]any)[0].(map[string]any)
	assert.Equal(t, true, sched["active"])
	assert.Equal(t, id, sched["deployment_id"])

	require.Equal(t, http.StatusOK, call(t, s, "POST", "/deployments/", rep.Replace(`{"name":"d","flow_id":"{flow}"}`)).status)
	d, _ = s.Deployment("proj.flows.x", "d")
	assert.Equal(t, []any{}, d["schedules"], "an upsert replaces the schedules")
	assert.Equal(t, "x", d["description"])
}

func TestDeploymentReferences(t *testing.T) {
	tests := []struct {
		name       string
		body       string
		wantStatus int
		wantDetail string
	}{
		{name: "missing work pool", body: `{"name":"d","flow_id":"{flow}","work_pool_name":"nope"}`, wantStatus: 404, wantDetail: `Work pool "nope" not found.`},
		{name: "default agent pool needs no pool", body: `{"name":"d","flow_id":"{flow}","work_pool_name":"default-agent-pool"}`, wantStatus: 201},
		{name: "missing flow", body: `{"name":"d","flow_id":"00000000-0000-4000-8000-999999999999"}`, wantStatus: 409, wantDetail: "Data integrity conflict: flow_id does not name an existing flow"},
		{
			name: "missing storage block", body: `{"name":"d","flow_id":"{flow}","storage_document_id":"00000000-0000-4000-8000-999999999999"}`,
			wantStatus: 409, wantDetail: "Error creating deployment. Could not find storage block with id: 00000000-0000-4000-8000-999999999999.",
		},
		{
			name: "missing infrastructure block", body: `{"name":"d","flow_id":"{flow}","infrastructure_document_id":"00000000-0000-4000-8000-999999999999"}`,
			wantStatus: 409, wantDetail: "Error creating deployment. Could not find infrastructure block with id: 00000000-0000-4000-8000-999999999999.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Start(t)
			rep := fixture(t, s)
			got := call(t, s, "POST", "/deployments/", rep.Replace(tt.body))
			require.Equal(t, tt.wantStatus, got.status, "%v", got.body)
			if tt.wantDetail != "" {
				assert.Equal(t, tt.wantDetail, field(t, got.body, "detail"))
			}
		})
	}
}

func TestBlockDocumentUpdate(t *testing.T) {
	tests := []struct {
		name string
		body string
		want map[string]any
	}{
		{name: "merges by default", body: `{"data":{"vpc_id":"v"}}`, want: map[string]any{"cluster": "c", "vpc_id": "v"}},
		{name: "replaces without merge", body: `{"data":{"vpc_id":"v"},"merge_existing_data":false}`, want: map[string]any{"vpc_id": "v"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Start(t)
			rep := fixture(t, s)
			require.Equal(t, http.StatusNoContent, call(t, s, "PATCH", rep.Replace("/block_documents/{infra}"), tt.body).status)
			d, ok := s.BlockDocument("ecs-task", "proj-x-main")
			require.True(t, ok)
			assert.Equal(t, tt.want, d["data"])
			got := call(t, s, "GET", "/block_types/slug/ecs-task/block_documents/name/proj-x-main", "")
			require.Equal(t, http.StatusOK, got.status)
			assert.Equal(t, tt.want, field(t, got.body, "data"))
			assert.Equal(t, "ecs-task", field(t, field(t, got.body, "block_type"), "slug"))
		})
	}
	t.Run("missing document", func(t *testing.T) {
		s := Start(t)
		got := call(t, s, "PATCH", "/block_documents/00000000-0000-4000-8000-999999999999", `{"data":{}}`)
		assert.Equal(t, http.StatusNotFound, got.status)
	})
}

func TestFaultsLogAndCounts(t *testing.T) {
	s := Start(t)
	s.Fail("POST", "/flows/", Fault{Status: 429, RetryAfter: "2"}, Fault{Status: 503, Body: `{"detail":"down"}`})
	first := call(t, s, "POST", "/flows/", `{"name":"f"}`)
	assert.Equal(t, http.StatusTooManyRequests, first.status)
	assert.Equal(t, "2", first.header.Get("Retry-After"))
	assert.Equal(t, "Too Many Requests", field(t, first.body, "detail"))
	second := call(t, s, "POST", "/flows/", `{"name":"f"}`)
	assert.Equal(t, http.StatusServiceUnavailable, second.status)
	assert.Equal(t, "down", field(t, second.body, "detail"))
	third := call(t, s, "POST", "/flows/", `{"name":"f"}`)
	assert.Equal(t, http.StatusCreated, third.status)
	fourth := call(t, s, "GET", "/flows/name/f", "")
	assert.Equal(t, http.StatusOK, fourth.status)
	_, stored := s.Flow("f")
	assert.True(t, stored)

	log := s.Requests()
	require.Len(t, log, 4)
	assert.Equal(t, Request{Method: "POST", Path: "/flows/", Body: []byte(`{"name":"f"}`), Status: 429}, log[0])
	assert.Equal(t, []int{429, 503, 201, 200}, []int{log[0].Status, log[1].Status, log[2].Status, log[3].Status})
	reads, writes := s.Counts()
	assert.Equal(t, 1, reads)
	assert.Equal(t, 3, writes)
	s.ResetRequests()
	assert.Empty(t, s.Requests())
}

func TestAuthLatencyAndMeta(t *testing.T) {
	s := Start(t, WithAPIKey("k1"), WithLatency(40*time.Millisecond), WithVersion(Prefect3))
	assert.Equal(t, http.StatusUnauthorized, call(t, s, "GET", "/health", "").status)
	assert.Equal(t, http.StatusUnauthorized, call(t, s, "GET", "/health", "", "Authorization", "Bearer k2").status)
	start := time.Now()
	health := call(t, s, "GET", "/health", "", "Authorization", "Bearer k1")
	assert.GreaterOrEqual(t, time.Since(start), 40*time.Millisecond)
	assert.Equal(t, true, health.body)
	s.SetLatency(0)
	version := call(t, s, "GET", "/admin/version", "", "Authorization", "Bearer k1")
	assert.Equal(t, "3.4.0", version.body)
	miss := call(t, s, "GET", "/no/such/route", "", "Authorization", "Bearer k1")
	assert.Equal(t, http.StatusNotFound, miss.status)
	assert.Equal(t, "Not Found", field(t, miss.body, "detail"))
}

func TestOptions(t *testing.T) {
	_, err := New(WithVersion(4))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "unsupported Prefect version 4")

	_, err = New(WithoutBlockType("github"), WithBlockDocument("github", "x", nil))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `block type "github" is not registered`)

	s := Start(t, WithServerVersion("2.14.0"), WithoutBlockType("ecs-task"), WithWorkPool("p", "ecs"))
	assert.Equal(t, "2.14.0", call(t, s, "GET", "/admin/version", "").body)
	assert.Equal(t, http.StatusNotFound, call(t, s, "GET", "/block_types/slug/ecs-task", "").status)
	assert.Equal(t, "ecs", field(t, call(t, s, "GET", "/work_pools/p", "").body, "type"))
	s.RemoveWorkPool("p")
	gone := call(t, s, "GET", "/work_pools/p", "")
	assert.Equal(t, http.StatusNotFound, gone.status)
	assert.Equal(t, `Work pool "p" not found.`, field(t, gone.body, "detail"))
}
