package prefectfake

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files")

// requestSchemas are the request bodies the fake validates: the roots copied
// out of the OpenAPI documents together with everything they reference.
var requestSchemas = []string{
	schemaFlowCreate,
	schemaBlockDocumentCreate,
	schemaBlockDocumentUpdate,
	schemaDeploymentCreate,
	schemaDeploymentUpdate,
	schemaBlockSchemaFilter,
}

// sharedContractsDir finds ../shared/contracts next to the repository root
// (the layout of the workspace the contracts were taken from); env
// FLOWPLAN_SHARED_CONTRACTS overrides it. A fresh clone has neither, and the
// drift test is skipped: the copies under contracts/ are what the fake uses.
func sharedContractsDir(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("FLOWPLAN_SHARED_CONTRACTS"); dir != "" {
		return dir
	}
	dir, err := filepath.Abs(".")
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(dir), "shared", "contracts")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// TestContractsMatchSource re-extracts the request schemas from the shared
// OpenAPI documents, applies the documented Prefect 2.10.6 patches, and
// compares with the embedded copies (-update rewrites them).
func TestContractsMatchSource(t *testing.T) {
	dir := sharedContractsDir(t)
	tests := []struct {
		source string
		target string
		patch  func(map[string]any) error
	}{
		{source: "prefect-2.6-openapi.json", target: "contracts/prefect2.json", patch: patchPrefect2},
		{source: "prefect-3-openapi.json", target: "contracts/prefect3.json", patch: patchPrefect3},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(dir, tt.source))
			if errors.Is(err, os.ErrNotExist) || dir == "" {
				t.Skipf("shared contracts not present (%v): nothing to compare the embedded copy with", err)
			}
			require.NoError(t, err)
			got, err := extractContract(raw, tt.source, tt.patch)
			require.NoError(t, err)
			if *update {
				require.NoError(t, os.WriteFile(tt.target, got, 0o644))
			}
			want, err := os.ReadFile(tt.target)
			require.NoError(t, err)
			require.Equal(t, string(want), string(got), "embedded contract is stale: run go test -run TestContractsMatchSource -update")
		})
	}
}

// extractContract copies the request schemas and their transitive $refs out of
// an OpenAPI document into a small document of the same shape, so the
// "#/components/schemas/..." references keep working.
func extractContract(raw []byte, source string, patch func(map[string]any) error) ([]byte, error) {
	var doc struct {
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("parse %s: %w", source, err)
	}
	all := doc.Components.Schemas
	picked := map[string]any{}
	queue := append([]string(nil), requestSchemas...)
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if _, done := picked[name]; done {
			continue
		}
		s, ok := all[name]
		if !ok {
			return nil, fmt.Errorf("%s: schema %s not found", source, name)
		}
		picked[name] = s
		queue = append(queue, refsOf(s)...)
	}
	if err := patch(picked); err != nil {
		return nil, fmt.Errorf("patch %s: %w", source, err)
	}
	out := map[string]any{
		"$comment":   "Request schemas copied from " + source + " (components.schemas); see contracts.go for the changes made to them.",
		"components": map[string]any{"schemas": picked},
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		return nil, fmt.Errorf("encode %s: %w", source, err)
	}
	return buf.Bytes(), nil
}

func refsOf(v any) []string {
	var refs []string
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if s, ok := v[k].(string); ok && k == "$ref" {
				refs = append(refs, strings.TrimPrefix(s, "#/components/schemas/"))
				continue
			}
			refs = append(refs, refsOf(v[k])...)
		}
	case []any:
		for _, e := range v {
			refs = append(refs, refsOf(e)...)
		}
	}
	return refs
}

func schemaObject(schemas map[string]any, name string) (map[string]any, map[string]any, error) {
	s, ok := schemas[name].(map[string]any)
	if !ok {
		return nil, nil, fmt.Errorf("schema %s missing", name)
	}
	props, ok := s["properties"].(map[string]any)
	if !ok {
		return nil, nil, fmt.Errorf("schema %s has no properties", name)
	}
	return s, props, nil
}

// patchPrefect2 turns the 2.6 document's request schemas into what a 2.10.6
// server accepts (src/prefect/server/schemas/actions.py and schedules.py at
// tag 2.10.6), as described in contracts.go.
func patchPrefect2(schemas map[string]any) error {
	type change struct {
		schema   string
		add      map[string]any
		nullable []string
		required []string
		set      map[string]any
	}
	uuid := map[string]any{"type": "string", "format": "uuid"}
	changes := []change{
		{schema: schemaFlowCreate, required: []string{"name"}},
		{
			schema: schemaDeploymentCreate,
			add: map[string]any{
				"work_pool_name": map[string]any{"type": "string"},
				"pull_steps":     map[string]any{"type": "array", "items": map[string]any{"type": "object"}},
			},
			nullable: []string{"is_schedule_active", "pull_steps", "manifest_path", "work_queue_name", "work_pool_name",
				"storage_document_id", "infrastructure_document_id", "schedule", "description",
				"parameter_openapi_schema", "path", "version", "entrypoint", "infra_overrides"},
			required: []string{"name", "flow_id"},
		},
		{
			schema: schemaDeploymentUpdate,
			add:    map[string]any{"work_pool_name": map[string]any{"type": "string"}},
			nullable: []string{"version", "schedule", "description", "work_queue_name", "work_pool_name", "path",
				"infra_overrides", "entrypoint", "manifest_path", "storage_document_id", "infrastructure_document_id"},
		},
		{
			schema:   schemaBlockDocumentCreate,
			set:      map[string]any{"name": map[string]any{"type": "string", "pattern": "^[a-z0-9-]*$"}},
			nullable: []string{"name"},
			required: []string{"block_schema_id", "block_type_id"},
		},
		{
			schema:   schemaBlockDocumentUpdate,
			add:      map[string]any{"block_schema_id": uuid},
			nullable: []string{"block_schema_id"},
		},
		{schema: "CronSchedule", nullable: []string{"timezone"}},
		{schema: "IntervalSchedule", nullable: []string{"timezone", "anchor_date"}},
		{schema: "RRuleSchedule", nullable: []string{"timezone"}},
	}
	for _, c := range changes {
		s, props, err := schemaObject(schemas, c.schema)
		if err != nil {
			return err
		}
		for k, v := range c.add {
			if _, exists := props[k]; exists {
				return fmt.Errorf("%s.%s already present: the patch is obsolete", c.schema, k)
			}
			props[k] = v
		}
		for k, v := range c.set {
			p, ok := props[k].(map[string]any)
			if !ok {
				return fmt.Errorf("%s.%s missing", c.schema, k)
			}
			for kk, vv := range v.(map[string]any) {
				p[kk] = vv
			}
		}
		for _, k := range c.nullable {
			p, ok := props[k]
			if !ok {
				return fmt.Errorf("%s.%s missing", c.schema, k)
			}
			props[k] = map[string]any{"anyOf": []any{p, map[string]any{"type": "null"}}}
		}
		if len(c.required) > 0 {
			req := make([]any, len(c.required))
			for i, r := range c.required {
				req[i] = r
			}
			s["required"] = req
		}
	}
	return forbidExtra(schemas)
}

// patchPrefect3 only enforces extra="forbid" on the action models, which the
// Prefect 3 document already declares.
func patchPrefect3(schemas map[string]any) error {
	return forbidExtra(schemas)
}

// forbidExtra sets additionalProperties:false on Prefect's action models
// (ActionBaseModel: extra = "forbid"), whatever the document says.
func forbidExtra(schemas map[string]any) error {
	for _, name := range []string{schemaFlowCreate, schemaBlockDocumentCreate, schemaBlockDocumentUpdate, schemaDeploymentCreate, schemaDeploymentUpdate} {
		s, _, err := schemaObject(schemas, name)
		if err != nil {
			return err
		}
		s["additionalProperties"] = false
	}
	return nil
}
