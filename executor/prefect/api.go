package prefect

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
)

// call sends a request and decodes a 2xx JSON answer into out (when not
// nil). notFoundOK makes an API 404 ("... not found") return found=false
// instead of an error; a 404 for a missing route is always an error.
func (c *Client) call(ctx context.Context, method, path string, body, out any, notFoundOK bool) (found bool, err error) {
	r, err := c.send(ctx, method, path, body)
	if err != nil {
		return false, err
	}
	if r.status == http.StatusNotFound && notFoundOK && !isRouteMiss(r) {
		return false, nil
	}
	if r.status < 200 || r.status > 299 || isHTML(r) {
		apiErr := c.apiError(method, path, r)
		if c.retryCodes[r.status] && c.maxRetries > 0 {
			return false, fmt.Errorf("gave up after %d retries: %w", c.maxRetries, apiErr)
		}
		return false, apiErr
	}
	if out != nil {
		if err := json.Unmarshal(r.body, out); err != nil {
			return false, fmt.Errorf("%s %s: decode response: %w", method, path, err)
		}
	}
	return true, nil
}

func seg(s string) string { return url.PathEscape(s) }

// Health checks that PREFECT_API_URL answers as a Prefect API (GET /health).
func (c *Client) Health(ctx context.Context) error {
	var ok bool
	if _, err := c.call(ctx, http.MethodGet, "/health", nil, &ok, false); err != nil {
		return err
	}
	return nil
}

// ReadVersion returns the server's version (GET /admin/version), e.g.
// "2.10.6".
func (c *Client) ReadVersion(ctx context.Context) (string, error) {
	var v string
	if _, err := c.call(ctx, http.MethodGet, "/admin/version", nil, &v, false); err != nil {
		return "", err
	}
	return v, nil
}

// ReadFlowByName returns the flow with that name, or nil if there is none.
func (c *Client) ReadFlowByName(ctx context.Context, name string) (*Flow, error) {
	var f Flow
	found, err := c.call(ctx, http.MethodGet, "/flows/name/"+seg(name), nil, &f, true)
	if err != nil || !found {
		return nil, err
	}
	return &f, nil
}

// CreateFlow creates the flow, or returns the existing one of that name
// (POST /flows/ is idempotent on the name).
func (c *Client) CreateFlow(ctx context.Context, name string) (*Flow, error) {
	var f Flow
	if _, err := c.call(ctx, http.MethodPost, "/flows/", map[string]any{"name": name}, &f, false); err != nil {
		return nil, err
	}
	return &f, nil
}

// ReadBlockType returns the registered block type with that slug; a missing
// one is an ErrBlockTypeNotRegistered error saying how to register it.
func (c *Client) ReadBlockType(ctx context.Context, slug string) (*BlockType, error) {
	var bt BlockType
	found, err := c.call(ctx, http.MethodGet, "/block_types/slug/"+seg(slug), nil, &bt, true)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, &APIError{
			Method: http.MethodGet, Path: "/block_types/slug/" + seg(slug), Status: http.StatusNotFound,
			Detail: "Block type not found", kind: ErrBlockTypeNotRegistered,
			message: fmt.Sprintf("block type %s is not registered on the Prefect API at %s: run `prefect block register -m %s` against it",
				slug, c.base, blockCollection(slug)),
		}
	}
	return &bt, nil
}

// blockCollection names the Python module that registers a block type.
func blockCollection(slug string) string {
	switch slug {
	case "ecs-task", "aws-credentials", "s3-bucket":
		return "prefect_aws"
	case "github-repository", "github-credentials":
		return "prefect_github"
	}
	return "prefect.filesystems"
}

// ReadLatestBlockSchema returns the newest schema of a block type (POST
// /block_schemas/filter, which the server orders newest first).
func (c *Client) ReadLatestBlockSchema(ctx context.Context, blockTypeID string) (*BlockSchema, error) {
	body := map[string]any{
		"block_schemas": map[string]any{"block_type_id": map[string]any{"any_": []string{blockTypeID}}},
		"limit":         1,
	}
	var list []BlockSchema
	if _, err := c.call(ctx, http.MethodPost, "/block_schemas/filter", body, &list, false); err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("block type %s has no block schema on the Prefect API at %s: register its collection with `prefect block register`: %w",
			blockTypeID, c.base, ErrBlockTypeNotRegistered)
	}
	return &list[0], nil
}

// ReadBlockDocumentByName returns the block document of that type and name,
// or nil if there is none.
func (c *Client) ReadBlockDocumentByName(ctx context.Context, typeSlug, name string) (*BlockDocument, error) {
	var d BlockDocument
	found, err := c.call(ctx, http.MethodGet, "/block_types/slug/"+seg(typeSlug)+"/block_documents/name/"+seg(name), nil, &d, true)
	if err != nil || !found {
		return nil, err
	}
	return &d, nil
}

// CreateBlockDocument saves a new block document.
func (c *Client) CreateBlockDocument(ctx context.Context, doc BlockDocumentCreate) (*BlockDocument, error) {
	var d BlockDocument
	if _, err := c.call(ctx, http.MethodPost, "/block_documents/", doc, &d, false); err != nil {
		return nil, err
	}
	return &d, nil
}

// UpdateBlockDocument changes a block document's data (and schema).
func (c *Client) UpdateBlockDocument(ctx context.Context, id string, update BlockDocumentUpdate) error {
	_, err := c.call(ctx, http.MethodPatch, "/block_documents/"+seg(id), update, nil, false)
	return err
}

// ReadDeploymentByName returns the deployment of that flow and name, or nil
// if there is none.
func (c *Client) ReadDeploymentByName(ctx context.Context, flowName, deploymentName string) (*Deployment, error) {
	var raw json.RawMessage
	found, err := c.call(ctx, http.MethodGet, "/deployments/name/"+seg(flowName)+"/"+seg(deploymentName), nil, &raw, true)
	if err != nil || !found {
		return nil, err
	}
	return decodeDeployment(raw)
}

func decodeDeployment(raw json.RawMessage) (*Deployment, error) {
	var d Deployment
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("decode deployment: %w", err)
	}
	d.Raw = raw
	return &d, nil
}

// CreateDeployment sends POST /deployments/, which creates the deployment or
// replaces the one with the same flow id and name. Beware: the server then
// deletes the deployment's auto-scheduled runs (PrefectHQ/prefect#17764), and
// Prefect 2.10.6 resets every field the body leaves out to its default;
// write only when something changed.
func (c *Client) CreateDeployment(ctx context.Context, body DeploymentCreate) (*Deployment, error) {
	var raw json.RawMessage
	if _, err := c.call(ctx, http.MethodPost, "/deployments/", body, &raw, false); err != nil {
		return nil, err
	}
	return decodeDeployment(raw)
}

// UpdateDeployment sends PATCH /deployments/{id}, which changes only the
// fields sent and keeps the others (and, on Prefect 3, the schedules unless
// Schedules is sent). It too deletes the deployment's auto-scheduled runs in
// both 2.10.6 and 3 (models.deployments.update_deployment), so it is no
// cheaper than an upsert for the scheduler; its use is a partial update.
func (c *Client) UpdateDeployment(ctx context.Context, id string, update DeploymentUpdate) error {
	_, err := c.call(ctx, http.MethodPatch, "/deployments/"+seg(id), update, nil, false)
	return err
}

// ReadWorkPool returns the work pool with that name, or nil if there is none.
func (c *Client) ReadWorkPool(ctx context.Context, name string) (*WorkPool, error) {
	var p WorkPool
	found, err := c.call(ctx, http.MethodGet, "/work_pools/"+seg(name), nil, &p, true)
	if err != nil || !found {
		return nil, err
	}
	return &p, nil
}
