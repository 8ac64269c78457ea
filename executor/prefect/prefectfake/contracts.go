package prefectfake

import (
	"bytes"
	"embed"
	"fmt"
	"regexp"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The request schemas live in contracts/, copied from the Prefect OpenAPI
// documents (prefect-2.6-openapi.json and prefect-3-openapi.json) by
// TestContractsMatchSource, which also detects drift from those documents.
//
// prefect2.json is the 2.6 document changed to what a 2.10.6 server accepts,
// following src/prefect/server/schemas/actions.py and schedules.py at tag
// 2.10.6:
//   - DeploymentCreate gains work_pool_name and pull_steps, DeploymentUpdate
//     gains work_pool_name, BlockDocumentUpdate gains block_schema_id (added
//     after 2.6).
//   - Optional[...] fields accept null: pydantic v1 does not say so in the
//     OpenAPI document, but the server (and the Prefect client, which sends
//     e.g. "manifest_path": null) relies on it.
//   - required fields are declared (FlowCreate.name, DeploymentCreate.name and
//     flow_id, BlockDocumentCreate.block_schema_id and block_type_id: Field(...)
//     in core.py) and BlockDocumentCreate.name carries 2.10.6's
//     validate_block_document_name pattern ^[a-z0-9-]*$.
//
// In both versions every action model (ActionBaseModel, extra = "forbid")
// gets additionalProperties:false, so an unknown field is a 422 as on the
// real server. prefect3.json is the Prefect 3 document's schemas unchanged
// apart from that (they already declare it).
//
//go:embed contracts/prefect2.json contracts/prefect3.json
var contractFiles embed.FS

// Names of the request body schemas in components.schemas.
const (
	schemaFlowCreate          = "FlowCreate"
	schemaBlockDocumentCreate = "BlockDocumentCreate"
	schemaBlockDocumentUpdate = "BlockDocumentUpdate"
	schemaDeploymentCreate    = "DeploymentCreate"
	schemaDeploymentUpdate    = "DeploymentUpdate"
	schemaBlockSchemaFilter   = "Body_read_block_schemas_block_schemas_filter_post"
)

// validators holds one compiled schema per request body name.
type validators map[string]*jsonschema.Schema

// naiveDateTime is an ISO 8601 date-time without an offset, which pydantic's
// datetime parsing accepts (and the server reads as UTC).
var naiveDateTime = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$`)

// dateTimeFormat accepts what pydantic v1/v2 accept for a datetime string:
// RFC 3339 with an offset, or the same without one.
func dateTimeFormat(v any) error {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	if _, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return nil
	}
	if naiveDateTime.MatchString(s) {
		return nil
	}
	return fmt.Errorf("%q is not an ISO 8601 date-time", s)
}

// loadValidators compiles the request schemas of one Prefect major version.
func loadValidators(v Version) (validators, error) {
	file := "contracts/prefect2.json"
	if v == Prefect3 {
		file = "contracts/prefect3.json"
	}
	raw, err := contractFiles.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read embedded %s: %w", file, err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("parse embedded %s: %w", file, err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	c.RegisterFormat(&jsonschema.Format{Name: "date-time", Validate: dateTimeFormat})
	url := "mem:///" + file
	if err := c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("add %s: %w", file, err)
	}
	out := validators{}
	for _, name := range []string{schemaFlowCreate, schemaBlockDocumentCreate, schemaBlockDocumentUpdate,
		schemaDeploymentCreate, schemaDeploymentUpdate, schemaBlockSchemaFilter} {
		s, err := c.Compile(url + "#/components/schemas/" + name)
		if err != nil {
			return nil, fmt.Errorf("compile %s from %s: %w", name, file, err)
		}
		out[name] = s
	}
	return out, nil
}
