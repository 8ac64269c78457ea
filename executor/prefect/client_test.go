package prefect_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/executor/prefect"
	"github.com/flowplan/flowplan/executor/prefect/prefectfake"
	"github.com/flowplan/flowplan/plan"
)

// raw is a JSON value sent as written.
func raw(s string) plan.Nullable[json.RawMessage] { return plan.Some(json.RawMessage(s)) }

// sleeps records the waits a client asked for, without waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return nil
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

func newClient(t *testing.T, url string, opts ...prefect.Option) (*prefect.Client, *sleeps) {
	t.Helper()
	sl := &sleeps{}
	opts = append([]prefect.Option{prefect.WithSleep(sl.sleep), prefect.WithRandom(func() float64 { return 0.5 })}, opts...)
	c, err := prefect.New(url, opts...)
	require.NoError(t, err)
	return c, sl
}

func ptr[T any](v T) *T { return &v }

func TestResourcesRoundTrip(t *testing.T) {
	tests := []struct {
		version     prefectfake.Version
		wantVersion string
		deployment  func(flowID, storageID, infraID string) prefect.DeploymentCreate
		changed     func(d *prefect.DeploymentCreate)
		update      prefect.DeploymentUpdate
		check       func(t *testing.T, d *prefect.Deployment)
	}{
		{
			version:     prefectfake.Prefect2,
			wantVersion: "2.10.6",
			deployment: func(flowID, storageID, infraID string) prefect.DeploymentCreate {
				return prefect.DeploymentCreate{
					Name: "daily-main", FlowID: flowID, DeploymentUpdate: prefect.DeploymentUpdate{
						Version: plan.Some("abc1234"), Description: plan.Some("Loads things."),
						Tags: plan.Some([]string{"proj", "main"}), Parameters: raw(`{"n": 1}`),
						WorkQueueName: plan.Some("prefect-v2-queue-main"),
						Path:          plan.Some("proj/src/flows"), Entrypoint: plan.Some("x_flow.py:x"),
						StorageDocumentID: plan.Some(storageID), InfrastructureDocumentID: plan.Some(infraID),
						Schedule:               plan.Some(plan.Schedule{Cron: ptr("0 1 * * *"), Timezone: ptr("UTC")}),
						InfraOverrides:         raw(`{"env.A": "1"}`),
						ParameterOpenAPISchema: raw(`{"title": "Parameters", "type": "object", "properties": {}}`),
						ManifestPath:           plan.Null[string](),
					},
				}
			},
			changed: func(d *prefect.DeploymentCreate) { d.Version = plan.Some("def5678") },
			update:  prefect.DeploymentUpdate{Description: plan.Some("New."), Schedule: plan.Null[plan.Schedule]()},
			check: func(t *testing.T, d *prefect.Deployment) {
				require.NotNil(t, d.Description)
				assert.Equal(t, "New.", *d.Description)
				assert.Nil(t, d.Schedule, "schedule cleared by the explicit null")
				assert.Equal(t, map[string]any{"env.A": "1"}, d.InfraOverrides)
				require.NotNil(t, d.WorkPoolName)
				assert.Equal(t, "default-agent-pool", *d.WorkPoolName, "a 2.10 server reports the queue's pool")
			},
		},
		{
			version:     prefectfake.Prefect3,
			wantVersion: "3.4.0",
			deployment: func(flowID, storageID, _ string) prefect.DeploymentCreate {
				return prefect.DeploymentCreate{
					Name: "daily-main", FlowID: flowID, DeploymentUpdate: prefect.DeploymentUpdate{
						Version: plan.Some("abc1234"), Tags: plan.Some([]string{"proj"}),
						WorkPoolName: plan.Some("pool-main"), WorkQueueName: plan.Some("default"),
						Entrypoint: plan.Some("src/x_flow.py:x"), StorageDocumentID: plan.Some(storageID),
						PullSteps:              raw(`[{"prefect.deployments.steps.git_clone": {"repository": "r"}}]`),
						Schedules:              plan.Some([]plan.DeploymentSchedule{{Schedule: plan.Schedule{Cron: ptr("0 1 * * *"), Timezone: ptr("UTC")}, Active: true}}),
						JobVariables:           raw(`{"task_definition_arn": "arn:td"}`),
						EnforceParameterSchema: plan.Some(false),
					},
				}
			},
			changed: func(d *prefect.DeploymentCreate) { d.Version = plan.Some("def5678") },
			update:  prefect.DeploymentUpdate{Description: plan.Some("New."), Paused: plan.Some(true)},
			check: func(t *testing.T, d *prefect.Deployment) {
				require.NotNil(t, d.Description)
				assert.Equal(t, "New.", *d.Description)
				assert.Equal(t, ptr(true), d.Paused)
				require.Len(t, d.Schedules, 1, "PATCH without schedules keeps them")
				assert.Equal(t, "0 1 * * *", d.Schedules[0].Schedule.Cron)
				assert.Equal(t, map[string]any{"task_definition_arn": "arn:td"}, d.JobVariables)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.wantVersion, func(t *testing.T) {
			ctx := context.Background()
			fake := prefectfake.Start(t, prefectfake.WithVersion(tt.version),
				prefectfake.WithBlockDocument("github", "data-flows-main", map[string]any{"repository": "https://github.com/x/y"}),
				prefectfake.WithWorkPool("pool-main", "ecs"))
			c, _ := newClient(t, fake.URL)

			require.NoError(t, c.Health(ctx))
			v, err := c.ReadVersion(ctx)
			require.NoError(t, err)
			assert.Equal(t, tt.wantVersion, v)

			// Flows: missing, created, read, created again (same id).
			f, err := c.ReadFlowByName(ctx, "proj.flows.x")
			require.NoError(t, err)
			assert.Nil(t, f)
			created, err := c.CreateFlow(ctx, "proj.flows.x")
			require.NoError(t, err)
			assert.Equal(t, "proj.flows.x", created.Name)
			f, err = c.ReadFlowByName(ctx, "proj.flows.x")
			require.NoError(t, err)
			require.NotNil(t, f)
			assert.Equal(t, created.ID, f.ID)
			again, err := c.CreateFlow(ctx, "proj.flows.x")
			require.NoError(t, err)
			assert.Equal(t, created.ID, again.ID)

			// Storage block lookup.
			storage, err := c.ReadBlockDocumentByName(ctx, "github", "data-flows-main")
			require.NoError(t, err)
			require.NotNil(t, storage)
			assert.Equal(t, "https://github.com/x/y", storage.Data["repository"])

			// ECS task block: type, newest schema, create, read, update.
			bt, err := c.ReadBlockType(ctx, "ecs-task")
			require.NoError(t, err)
			assert.Equal(t, "ecs-task", bt.Slug)
			schema, err := c.ReadLatestBlockSchema(ctx, bt.ID)
			require.NoError(t, err)
			assert.Equal(t, bt.ID, schema.BlockTypeID)
			missing, err := c.ReadBlockDocumentByName(ctx, "ecs-task", "proj-flows-x-main")
			require.NoError(t, err)
			assert.Nil(t, missing)
			doc, err := c.CreateBlockDocument(ctx, prefect.BlockDocumentCreate{
				Name: "proj-flows-x-main", BlockSchemaID: schema.ID, BlockTypeID: bt.ID,
				Data: map[string]any{"task_definition_arn": "arn:1", "cluster": "prefect-v2-agent-main"},
			})
			require.NoError(t, err)
			require.NoError(t, c.UpdateBlockDocument(ctx, doc.ID, prefect.BlockDocumentUpdate{
				BlockSchemaID: schema.ID, Data: map[string]any{"task_definition_arn": "arn:2"},
			}))
			doc, err = c.ReadBlockDocumentByName(ctx, "ecs-task", "proj-flows-x-main")
			require.NoError(t, err)
			assert.Equal(t, map[string]any{"task_definition_arn": "arn:2", "cluster": "prefect-v2-agent-main"}, doc.Data,
				"merge_existing_data defaults to true")

			// Work pools.
			pool, err := c.ReadWorkPool(ctx, "pool-main")
			require.NoError(t, err)
			require.NotNil(t, pool)
			assert.Equal(t, "ecs", pool.Type)
			nopool, err := c.ReadWorkPool(ctx, "nope")
			require.NoError(t, err)
			assert.Nil(t, nopool)

			// Deployments: missing, created, upserted, patched.
			d, err := c.ReadDeploymentByName(ctx, "proj.flows.x", "daily-main")
			require.NoError(t, err)
			assert.Nil(t, d)
			body := tt.deployment(created.ID, storage.ID, doc.ID)
			first, err := c.CreateDeployment(ctx, body)
			require.NoError(t, err)
			tt.changed(&body)
			second, err := c.CreateDeployment(ctx, body)
			require.NoError(t, err)
			assert.Equal(t, first.ID, second.ID, "POST upserts on flow id and name")
			assert.Equal(t, ptr("def5678"), second.Version)
			require.NoError(t, c.UpdateDeployment(ctx, first.ID, tt.update))
			d, err = c.ReadDeploymentByName(ctx, "proj.flows.x", "daily-main")
			require.NoError(t, err)
			require.NotNil(t, d)
			assert.Equal(t, first.ID, d.ID)
			assert.Equal(t, ptr("def5678"), d.Version)
			assert.NotEmpty(t, d.Raw)
			tt.check(t, d)
			assert.Equal(t, 1, fake.DeploymentCount())

			st := c.Stats()
			reads, writes := fake.Counts()
			assert.Equal(t, int64(reads), st.Reads)
			assert.Equal(t, int64(writes), st.Writes)
			assert.Equal(t, int64(7), st.Writes, "2 flow POSTs, block POST+PATCH, 2 deployment POSTs, 1 PATCH")
			assert.Equal(t, st.Reads+st.Writes, st.Requests)
			assert.Equal(t, int64(2), st.ByMethod[http.MethodPatch])
		})
	}
}

func TestUnknownFieldIsRejected(t *testing.T) {
	tests := []struct {
		name    string
		version prefectfake.Version
		body    prefect.DeploymentCreate
		want    string
	}{
		{
			name: "job_variables on Prefect 2", version: prefectfake.Prefect2,
			body: prefect.DeploymentCreate{Name: "d", DeploymentUpdate: prefect.DeploymentUpdate{JobVariables: raw(`{"a": 1}`)}},
			want: "body.job_variables: extra fields not permitted",
		},
		{
			name: "infra_overrides on Prefect 3", version: prefectfake.Prefect3,
			body: prefect.DeploymentCreate{Name: "d", DeploymentUpdate: prefect.DeploymentUpdate{InfraOverrides: raw(`{"a": 1}`)}},
			want: "body.infra_overrides: Extra inputs are not permitted",
		},
		{
			name: "schedule on Prefect 3", version: prefectfake.Prefect3,
			body: prefect.DeploymentCreate{Name: "d", DeploymentUpdate: prefect.DeploymentUpdate{Schedule: plan.Some(plan.Schedule{Cron: ptr("* * * * *")})}},
			want: "body.schedule: Extra inputs are not permitted",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			fake := prefectfake.Start(t, prefectfake.WithVersion(tt.version))
			c, _ := newClient(t, fake.URL)
			f, err := c.CreateFlow(ctx, "f")
			require.NoError(t, err)
			tt.body.FlowID = f.ID
			_, err = c.CreateDeployment(ctx, tt.body)
			require.Error(t, err)
			assert.ErrorIs(t, err, prefect.ErrInvalidRequest)
			assert.Contains(t, err.Error(), "HTTP 422")
			assert.Contains(t, err.Error(), tt.want)
			var apiErr *prefect.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, http.StatusUnprocessableEntity, apiErr.Status)
			assert.Equal(t, 0, fake.DeploymentCount())
		})
	}
}

func TestRetries(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		faults     []prefectfake.Fault
		opts       []prefect.Option
		wantSleeps []time.Duration
		wantErr    string
		wantStatus int
	}{
		{
			name:       "429 with Retry-After seconds",
			faults:     []prefectfake.Fault{{Status: 429, RetryAfter: "3"}},
			opts:       []prefect.Option{prefect.WithJitterFactor(0)},
			wantSleeps: []time.Duration{3 * time.Second},
		},
		{
			name:   "429 with Retry-After waits at least that long, plus jitter",
			faults: []prefectfake.Fault{{Status: 429, RetryAfter: "10"}},
			// random 0.5, jitter 0.2: 10s + 10s*0.2*0.5
			wantSleeps: []time.Duration{11 * time.Second},
		},
		{
			name:       "429 with Retry-After as an HTTP date",
			faults:     []prefectfake.Fault{{Status: 429, RetryAfter: now.Add(7 * time.Second).Format(http.TimeFormat)}},
			opts:       []prefect.Option{prefect.WithJitterFactor(0), prefect.WithClock(func() time.Time { return now })},
			wantSleeps: []time.Duration{7 * time.Second},
		},
		{
			name:       "503 backs off 2^n seconds",
			faults:     []prefectfake.Fault{{Status: 503}, {Status: 503}, {Status: 503}},
			wantSleeps: []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second},
		},
		{
			name:       "502 is retried as by Prefect 2.10",
			faults:     []prefectfake.Fault{{Status: 502}},
			wantSleeps: []time.Duration{2 * time.Second},
		},
		{
			name:       "extra retry codes",
			faults:     []prefectfake.Fault{{Status: 500}},
			opts:       []prefect.Option{prefect.WithExtraRetryCodes(500)},
			wantSleeps: []time.Duration{2 * time.Second},
		},
		{
			name:       "500 is not retried by default",
			faults:     []prefectfake.Fault{{Status: 500}},
			wantErr:    "Prefect API error on POST /flows/: HTTP 500",
			wantStatus: 500,
		},
		{
			name:       "gives up after the configured retries",
			faults:     []prefectfake.Fault{{Status: 503}, {Status: 503}, {Status: 503}},
			opts:       []prefect.Option{prefect.WithMaxRetries(2)},
			wantSleeps: []time.Duration{2 * time.Second, 4 * time.Second},
			wantErr:    "gave up after 2 retries: Prefect API error on POST /flows/: HTTP 503",
			wantStatus: 503,
		},
		{
			name:       "gives up after five retries by default",
			faults:     []prefectfake.Fault{{Status: 429}, {Status: 429}, {Status: 429}, {Status: 429}, {Status: 429}, {Status: 429}},
			wantSleeps: []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 32 * time.Second},
			wantErr:    "gave up after 5 retries",
			wantStatus: 429,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := prefectfake.Start(t)
			fake.Fail(http.MethodPost, "/flows/", tt.faults...)
			c, sl := newClient(t, fake.URL, tt.opts...)
			f, err := c.CreateFlow(context.Background(), "f")
			assert.Equal(t, tt.wantSleeps, sl.all())
			requests := fake.Requests()
			assert.Len(t, requests, len(tt.wantSleeps)+1, "one request per attempt")
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				var apiErr *prefect.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tt.wantStatus, apiErr.Status)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "f", f.Name)
			assert.Equal(t, http.StatusCreated, requests[len(requests)-1].Status)
			assert.Equal(t, int64(len(tt.wantSleeps)), c.Stats().Retries)
			assert.Equal(t, int64(1), c.Stats().Writes, "a retried call counts once")
		})
	}
}

func TestConnectionRefusedIsRetriedThenReported(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())

	c, sl := newClient(t, "http://"+addr+"/api", prefect.WithAPIKey("pnu_secret_refused"), prefect.WithMaxRetries(3))
	_, err = c.ReadFlowByName(context.Background(), "f")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the Prefect API at http://"+addr+"/api is unreachable")
	assert.Contains(t, err.Error(), "after 4 attempts")
	assert.Contains(t, err.Error(), "connection refused")
	assert.NotContains(t, err.Error(), "pnu_secret_refused")
	assert.Equal(t, []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second}, sl.all())
	assert.Equal(t, int64(4), c.Stats().Requests)
}

func TestAttemptTimeoutIsRetried(t *testing.T) {
	fake := prefectfake.Start(t, prefectfake.WithLatency(300*time.Millisecond))
	c, sl := newClient(t, fake.URL, prefect.WithTimeout(30*time.Millisecond), prefect.WithMaxRetries(1))
	_, err := c.ReadVersion(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "after 2 attempts")
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Len(t, sl.all(), 1)
}

func TestCancelledContextStopsRetrying(t *testing.T) {
	fake := prefectfake.Start(t)
	fake.Fail(http.MethodGet, "/admin/version", prefectfake.Fault{Status: 503}, prefectfake.Fault{Status: 503})
	ctx, cancel := context.WithCancel(context.Background())
	c, err := prefect.New(fake.URL, prefect.WithSleep(func(ctx context.Context, _ time.Duration) error {
		cancel()
		return ctx.Err()
	}))
	require.NoError(t, err)
	_, err = c.ReadVersion(ctx)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Len(t, fake.Requests(), 1)
}

func TestAuthErrors(t *testing.T) {
	const serverKey = "pnu_server_key_0123456789"
	tests := []struct {
		name    string
		key     string
		wantErr string
	}{
		{name: "wrong key", key: "pnu_wrong_key_9876543210", wantErr: "PREFECT_API_KEY rejected by the Prefect API at"},
		{name: "no key", key: "", wantErr: "PREFECT_API_KEY is not set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := prefectfake.Start(t, prefectfake.WithAPIKey(serverKey))
			c, sl := newClient(t, fake.URL, prefect.WithAPIKey(tt.key))
			_, err := c.ReadFlowByName(context.Background(), "f")
			require.Error(t, err)
			assert.ErrorIs(t, err, prefect.ErrUnauthorized)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.Contains(t, err.Error(), "HTTP 401")
			assert.NotContains(t, err.Error(), serverKey)
			if tt.key != "" {
				assert.NotContains(t, err.Error(), tt.key)
			}
			assert.Empty(t, sl.all(), "401 is not retried")
		})
	}
	t.Run("right key", func(t *testing.T) {
		fake := prefectfake.Start(t, prefectfake.WithAPIKey(serverKey))
		c, _ := newClient(t, fake.URL, prefect.WithAPIKey(serverKey))
		_, err := c.CreateFlow(context.Background(), "f")
		require.NoError(t, err)
	})
}

// A server that echoes the Authorization header back must not get the key
// into an error.
func TestAPIKeyNeverInErrors(t *testing.T) {
	const key = "pnu_echoed_secret_42"
	tests := []struct {
		name   string
		status int
	}{
		{name: "422", status: http.StatusUnprocessableEntity},
		{name: "500", status: http.StatusInternalServerError},
		{name: "403", status: http.StatusForbidden},
		{name: "404 route", status: http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				_ = json.NewEncoder(w).Encode(map[string]any{"detail": "bad header " + r.Header.Get("Authorization")})
			}))
			t.Cleanup(srv.Close)
			c, _ := newClient(t, srv.URL, prefect.WithAPIKey(key))
			_, err := c.CreateFlow(context.Background(), "f")
			require.Error(t, err)
			assert.NotContains(t, err.Error(), key)
			var apiErr *prefect.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.NotContains(t, apiErr.Detail, key)
			assert.Contains(t, apiErr.Detail, "[PREFECT_API_KEY]")
		})
	}
}

func TestNotAPrefectAPI(t *testing.T) {
	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte("<!DOCTYPE html><html><body>Prefect UI</body></html>"))
	}))
	t.Cleanup(html.Close)
	plain404 := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(plain404.Close)
	fake := prefectfake.Start(t)

	tests := []struct {
		name string
		url  string
		want string
	}{
		{name: "HTML page with 200", url: html.URL, want: "answered HTTP 200 with an HTML page"},
		{name: "base URL without /api", url: strings.TrimSuffix(fake.URL, "/api"), want: `answered HTTP 404 with "Not Found"`},
		{name: "plain-text 404", url: plain404.URL, want: "answered HTTP 404 with a body that is not Prefect's JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newClient(t, tt.url)
			_, err := c.ReadFlowByName(context.Background(), "f")
			require.Error(t, err)
			assert.ErrorIs(t, err, prefect.ErrNotPrefectAPI)
			assert.Contains(t, err.Error(), "PREFECT_API_URL does not look like a Prefect API")
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, err.Error(), "set it to the API base")
		})
	}
}

func TestMissingBlockType(t *testing.T) {
	fake := prefectfake.Start(t, prefectfake.WithoutBlockType("ecs-task"))
	c, _ := newClient(t, fake.URL)
	_, err := c.ReadBlockType(context.Background(), "ecs-task")
	require.Error(t, err)
	assert.ErrorIs(t, err, prefect.ErrBlockTypeNotRegistered)
	assert.Contains(t, err.Error(), "block type ecs-task is not registered on the Prefect API at "+fake.URL)
	assert.Contains(t, err.Error(), "run `prefect block register -m prefect_aws`")

	bt, err := c.ReadBlockType(context.Background(), "github")
	require.NoError(t, err)
	assert.Equal(t, "github", bt.Slug)
}

func TestNewRejectsBadConfiguration(t *testing.T) {
	tests := []struct {
		name string
		url  string
		opts []prefect.Option
		want string
	}{
		{name: "empty URL", url: " ", want: "PREFECT_API_URL is not set"},
		{name: "not http", url: "127.0.0.1:4200/api", want: "is not an http(s) URL"},
		{name: "negative retries", url: "http://x/api", opts: []prefect.Option{prefect.WithMaxRetries(-1)}, want: "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := prefect.New(tt.url, tt.opts...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestRequestBodies(t *testing.T) {
	tests := []struct {
		name string
		body any
		want string
		err  string
	}{
		{
			name: "unset fields are left out",
			body: prefect.DeploymentCreate{Name: "d", FlowID: "f"},
			want: `{"name":"d","flow_id":"f"}`,
		},
		{
			name: "empty objects and lists are sent, unset ones are not",
			body: prefect.DeploymentUpdate{Tags: plan.Some([]string{}), Parameters: raw(`{}`)},
			want: `{"tags":[],"parameters":{}}`,
		},
		{
			name: "null fields are sent as null",
			body: prefect.DeploymentUpdate{Version: plan.Some("v"), Description: plan.Null[string](), Schedule: plan.Null[plan.Schedule]()},
			want: `{"version":"v","description":null,"schedule":null}`,
		},
		{
			name: "free-form JSON is sent as written, every digit kept",
			body: prefect.DeploymentUpdate{Parameters: raw(`{"big": 123456789012345678901234567890, "x": null}`)},
			want: `{"parameters":{"big":123456789012345678901234567890,"x":null}}`,
		},
		{
			name: "the create's own fields come first",
			body: prefect.DeploymentCreate{Name: "d", FlowID: "f", DeploymentUpdate: prefect.DeploymentUpdate{Path: plan.Null[string]()}},
			want: `{"name":"d","flow_id":"f","path":null}`,
		},
		{
			name: "block document update as Block.save sends it",
			body: prefect.BlockDocumentUpdate{BlockSchemaID: "s", Data: map[string]any{"a": 1}},
			want: `{"block_schema_id":"s","data":{"a":1}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(tt.body)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.JSONEq(t, tt.want, string(got))
			assert.Equal(t, tt.want, string(got), "field order follows the struct")
		})
	}
}

// The fake's latency is per request, not serialized: concurrent calls (as
// the executor makes for flows in parallel) overlap.
func TestConcurrentCallsOverlapLatency(t *testing.T) {
	const calls, latency = 16, 50 * time.Millisecond
	fake := prefectfake.Start(t, prefectfake.WithLatency(latency))
	c, _ := newClient(t, fake.URL)
	start := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, calls)
	for i := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = c.CreateFlow(context.Background(), "f")
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	for _, err := range errs {
		require.NoError(t, err)
	}
	assert.Less(t, elapsed, calls*latency/2)
	assert.Equal(t, int64(calls), c.Stats().Writes)
	_, writes := fake.Counts()
	assert.Equal(t, calls, writes)
	_, ok := fake.Flow("f")
	assert.True(t, ok)
}

func TestDeploymentUpdateFields(t *testing.T) {
	var u prefect.DeploymentUpdate
	require.NoError(t, u.SetJSON("description", json.RawMessage(`null`)))
	require.NoError(t, u.SetJSON("is_schedule_active", json.RawMessage(`false`)))
	require.NoError(t, u.SetJSON("schedule", json.RawMessage(`{"cron": "0 1 * * *", "day_or": true, "timezone": null}`)))
	require.NoError(t, u.SetJSON("parameters", json.RawMessage(`{"n": 10000000000000000000001}`)))
	got, err := json.Marshal(u)
	require.NoError(t, err)
	assert.Equal(t, `{"description":null,"parameters":{"n":10000000000000000000001},"schedule":{"cron":"0 1 * * *","day_or":true},"is_schedule_active":false}`, string(got))

	assert.ErrorContains(t, u.SetJSON("nope", json.RawMessage(`1`)), `unknown field "nope"`)
	assert.ErrorContains(t, u.SetJSON("paused", json.RawMessage(`"yes"`)), `field "paused"`)

	only, err := u.Only([]string{"schedule", "description"})
	require.NoError(t, err)
	got, err = json.Marshal(only)
	require.NoError(t, err)
	assert.Equal(t, `{"description":null,"schedule":{"cron":"0 1 * * *","day_or":true}}`, string(got))
	_, err = u.Only([]string{"name"})
	assert.ErrorContains(t, err, `unknown field "name"`)
}
