package prefect

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Kinds of API errors, for errors.Is.
var (
	// ErrUnauthorized: the server refused the API key (401/403).
	ErrUnauthorized = errors.New("PREFECT_API_KEY rejected")
	// ErrNotPrefectAPI: PREFECT_API_URL answers, but not as a Prefect API.
	ErrNotPrefectAPI = errors.New("PREFECT_API_URL does not look like a Prefect API")
	// ErrInvalidRequest: the server rejected a request body (422).
	ErrInvalidRequest = errors.New("request rejected by the Prefect API")
	// ErrBlockTypeNotRegistered: a block type the plan needs is missing.
	ErrBlockTypeNotRegistered = errors.New("block type not registered")
	// ErrStatus: any other unexpected status.
	ErrStatus = errors.New("unexpected Prefect API response")
)

// APIError is an unexpected answer from the API.
type APIError struct {
	Method string
	Path   string
	Status int
	// Detail is the server's explanation (the "detail" of its JSON body),
	// with the API key removed.
	Detail string

	kind    error
	message string
}

func (e *APIError) Error() string { return e.message }

// Unwrap returns the error's kind (ErrUnauthorized, ErrNotPrefectAPI, ...).
func (e *APIError) Unwrap() error { return e.kind }

// detailOf extracts FastAPI's "detail": a string, or a list of
// {"loc": [...], "msg": ...} validation errors joined as "loc: msg".
func detailOf(body []byte) (string, bool) {
	var v struct {
		Detail json.RawMessage `json:"detail"`
	}
	if err := json.Unmarshal(body, &v); err != nil || len(v.Detail) == 0 {
		return "", false
	}
	var s string
	if err := json.Unmarshal(v.Detail, &s); err == nil {
		return s, true
	}
	var list []struct {
		Loc []any  `json:"loc"`
		Msg string `json:"msg"`
	}
	if err := json.Unmarshal(v.Detail, &list); err == nil && len(list) > 0 {
		parts := make([]string, 0, len(list))
		for _, item := range list {
			loc := make([]string, len(item.Loc))
			for i, l := range item.Loc {
				loc[i] = fmt.Sprint(l)
			}
			parts = append(parts, strings.Join(loc, ".")+": "+item.Msg)
		}
		return strings.Join(parts, "; "), true
	}
	return string(v.Detail), true
}

func isHTML(r *response) bool {
	ct := strings.ToLower(r.contentType)
	if strings.Contains(ct, "text/html") {
		return true
	}
	trimmed := strings.ToLower(strings.TrimSpace(string(r.body[:min(len(r.body), 64)])))
	return strings.HasPrefix(trimmed, "<!doctype html") || strings.HasPrefix(trimmed, "<html")
}

// isRouteMiss tells a 404 for a missing route (wrong PREFECT_API_URL:
// FastAPI's bare "Not Found", a non-JSON or HTML page) from the API's own
// "Flow not found"-style answers about a missing object.
func isRouteMiss(r *response) bool {
	if r.status != http.StatusNotFound {
		return false
	}
	if isHTML(r) {
		return true
	}
	detail, ok := detailOf(r.body)
	return !ok || detail == "Not Found"
}

// apiError turns an unexpected response into an error that says what to do.
func (c *Client) apiError(method, path string, r *response) *APIError {
	detail, ok := detailOf(r.body)
	if !ok {
		detail = strings.TrimSpace(string(r.body[:min(len(r.body), 200)]))
	}
	e := &APIError{Method: method, Path: path, Status: r.status, Detail: c.redact(detail)}
	where := fmt.Sprintf("%s %s%s", method, c.base, path)
	switch {
	case r.status == http.StatusUnauthorized || r.status == http.StatusForbidden:
		e.kind = ErrUnauthorized
		if c.apiKey == "" {
			e.message = fmt.Sprintf("PREFECT_API_KEY rejected: the Prefect API at %s requires an API key (HTTP %d on %s) and PREFECT_API_KEY is not set: set it to an API key of this workspace",
				c.base, r.status, where)
		} else {
			e.message = fmt.Sprintf("PREFECT_API_KEY rejected by the Prefect API at %s (HTTP %d on %s): check that the key is current and belongs to the account and workspace in PREFECT_API_URL",
				c.base, r.status, where)
		}
	case isHTML(r) || isRouteMiss(r):
		e.kind = ErrNotPrefectAPI
		e.message = fmt.Sprintf("PREFECT_API_URL does not look like a Prefect API (%s answered HTTP %d with %s): set it to the API base, e.g. http://127.0.0.1:4200/api or https://api.prefect.cloud/api/accounts/<account id>/workspaces/<workspace id>",
			where, r.status, describeBody(r))
	case r.status == http.StatusUnprocessableEntity:
		e.kind = ErrInvalidRequest
		e.message = fmt.Sprintf("Prefect API rejected %s %s (HTTP 422): %s", method, path, e.Detail)
	default:
		e.kind = ErrStatus
		e.message = fmt.Sprintf("Prefect API error on %s %s: HTTP %d: %s", method, path, r.status, e.Detail)
	}
	e.message = c.redact(e.message)
	return e
}

func describeBody(r *response) string {
	switch {
	case isHTML(r):
		return "an HTML page"
	case len(r.body) == 0:
		return "an empty body"
	}
	if d, ok := detailOf(r.body); ok {
		return fmt.Sprintf("%q", d)
	}
	return "a body that is not Prefect's JSON"
}

// IsConflict reports whether err is the API's 409 Conflict, which Prefect
// answers when a create meets an object that already exists (a block
// document of that name), or breaks a reference.
func IsConflict(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.Status == http.StatusConflict
}
