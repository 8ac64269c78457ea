// Package prefectfake is an in-memory fake of the Prefect REST API for tests:
// the endpoints flowplan uses, with state, the real server's upsert rules,
// request bodies validated against the request schemas of Prefect 2 (2.10.6)
// or Prefect 3, fault injection, latency and a request log.
package prefectfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Version selects the Prefect major version the fake imitates.
type Version int

// The supported Prefect major versions.
const (
	Prefect2 Version = 2
	Prefect3 Version = 3
)

// APIPrefix is the path under which the API is served; Server.URL includes it.
const APIPrefix = "/api"

// Fault is one forced response, served instead of the real handler.
type Fault struct {
	// Status is the HTTP status to answer with, e.g. 429 or 503.
	Status int
	// RetryAfter, when set, is sent as the Retry-After header.
	RetryAfter string
	// Body is the response body; a Prefect-like {"detail": ...} when empty.
	Body string
	// DropAfterHandling lets the real handler serve the request (its
	// changes are made) and then closes the connection without sending
	// the answer, as a network that fails after the server committed: the
	// client sees a dropped connection and cannot know the write happened.
	DropAfterHandling bool
}

// Request is one entry of the request log.
type Request struct {
	Method string
	// Path is relative to the API base, e.g. "/flows/" or "/deployments/<id>".
	Path   string
	Query  string
	Body   []byte
	Status int
}

// IsWrite reports whether the request changes state (anything but GET and
// the POST .../filter queries).
func (r Request) IsWrite() bool {
	return isWrite(r.Method, r.Path)
}

func isWrite(method, path string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	case http.MethodPost:
		return !strings.HasSuffix(path, "/filter") && !strings.HasSuffix(path, "/count")
	}
	return true
}

// Option configures a Server.
type Option func(*Server)

// WithVersion selects Prefect 2 (the default) or Prefect 3 behaviour and
// request schemas.
func WithVersion(v Version) Option { return func(s *Server) { s.version = v } }

// WithServerVersion sets the string /admin/version answers (default
// "2.10.6" for Prefect 2, "3.4.0" for Prefect 3).
func WithServerVersion(v string) Option { return func(s *Server) { s.serverVersion = v } }

// WithAPIKey makes the server require "Authorization: Bearer <key>".
func WithAPIKey(key string) Option { return func(s *Server) { s.apiKey = key } }

// WithLatency delays every response by d.
func WithLatency(d time.Duration) Option { return func(s *Server) { s.latency = d } }

// WithoutBlockType leaves a default block type ("ecs-task", "github")
// unregistered, as on a server where its collection was never registered.
func WithoutBlockType(slug string) Option {
	return func(s *Server) { s.skipBlockTypes = append(s.skipBlockTypes, slug) }
}

// WithBlockDocument stores a block document of a registered block type at
// start, e.g. the GitHub storage block deployments refer to.
func WithBlockDocument(typeSlug, name string, data map[string]any) Option {
	return func(s *Server) {
		s.seedDocs = append(s.seedDocs, seedDoc{typeSlug: typeSlug, name: name, data: data})
	}
}

// WithWorkPool creates a work pool of the given type (e.g. "ecs") at start.
func WithWorkPool(name, poolType string) Option {
	return func(s *Server) { s.seedPools = append(s.seedPools, [2]string{name, poolType}) }
}

type seedDoc struct {
	typeSlug, name string
	data           map[string]any
}

// Server is a running fake Prefect API.
type Server struct {
	// URL is the API base URL (PREFECT_API_URL), ending in /api.
	URL string

	http          *httptest.Server
	version       Version
	serverVersion string
	apiKey        string
	now           func() time.Time
	valid         validators

	skipBlockTypes []string
	seedDocs       []seedDoc
	seedPools      [][2]string

	mu      sync.Mutex
	latency time.Duration
	// seen counts the requests received; those beyond downAfter are
	// dropped (-1: none).
	seen      int
	downAfter int
	faults    map[string][]Fault
	log       []Request
	state
}

// New starts a fake server; Close stops it.
func New(opts ...Option) (*Server, error) {
	s := &Server{version: Prefect2, now: time.Now, faults: map[string][]Fault{}, downAfter: -1}
	for _, o := range opts {
		o(s)
	}
	if s.version != Prefect2 && s.version != Prefect3 {
		return nil, fmt.Errorf("prefectfake: unsupported Prefect version %d", s.version)
	}
	if s.serverVersion == "" {
		s.serverVersion = map[Version]string{Prefect2: "2.10.6", Prefect3: "3.4.0"}[s.version]
	}
	v, err := loadValidators(s.version)
	if err != nil {
		return nil, fmt.Errorf("prefectfake: %w", err)
	}
	s.valid = v
	s.state = newState()
	if err := s.seed(); err != nil {
		return nil, fmt.Errorf("prefectfake: %w", err)
	}
	s.http = httptest.NewServer(s.handler())
	s.URL = s.http.URL + APIPrefix
	return s, nil
}

// Start is New for tests: it fails the test on error and closes the server
// when the test ends.
func Start(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s, err := New(opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Close)
	return s
}

// Close stops the server.
func (s *Server) Close() { s.http.Close() }

// Version reports which Prefect major version the server imitates.
func (s *Server) Version() Version { return s.version }

// SetLatency changes the delay added to every response.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// Fail queues forced responses for method and path (relative to the API
// base, e.g. "POST", "/flows/"): the next len(faults) matching requests get
// them in order, later ones reach the real handler again.
func (s *Server) Fail(method, path string, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := method + " " + path
	s.faults[key] = append(s.faults[key], faults...)
}

// GoDownAfter makes the server drop the connection of every request after
// the next n, without handling them, as a server that went down mid-apply
// (n = 0: from now on); a negative n brings it back up.
func (s *Server) GoDownAfter(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n < 0 {
		s.downAfter = -1
		return
	}
	s.downAfter = s.seen + n
}

// Requests returns a copy of the request log.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
}

// Counts returns how many logged requests were reads and writes.
func (s *Server) Counts() (reads, writes int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.log {
		if r.IsWrite() {
			writes++
		} else {
			reads++
		}
	}
	return reads, writes
}

type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (s *Server) handler() http.Handler {
	mux := http.NewServeMux()
	s.routes(mux)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			writeDetail(w, http.StatusBadRequest, "cannot read body: "+err.Error())
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		path := strings.TrimPrefix(r.URL.Path, APIPrefix)
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}

		s.mu.Lock()
		s.seen++
		down := s.downAfter >= 0 && s.seen > s.downAfter
		latency := s.latency
		var fault *Fault
		if q := s.faults[r.Method+" "+path]; len(q) > 0 && !down {
			fault = &q[0]
			s.faults[r.Method+" "+path] = q[1:]
		}
		s.mu.Unlock()

		if down {
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					_ = conn.Close()
					return
				}
			}
			panic(http.ErrAbortHandler)
		}
		logged := false
		logRequest := func() {
			if logged {
				return
			}
			logged = true
			s.mu.Lock()
			s.log = append(s.log, Request{Method: r.Method, Path: path, Query: r.URL.RawQuery, Body: body, Status: rec.status})
			s.mu.Unlock()
		}
		defer logRequest()
		if latency > 0 {
			select {
			case <-time.After(latency):
			case <-r.Context().Done():
				return
			}
		}
		if s.apiKey != "" && r.Header.Get("Authorization") != "Bearer "+s.apiKey {
			writeDetail(rec, http.StatusUnauthorized, "Invalid authentication credentials")
			return
		}
		if fault != nil && fault.DropAfterHandling {
			served := httptest.NewRecorder()
			mux.ServeHTTP(served, r)
			rec.status = served.Code
			logRequest() // before the client can see the connection close
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					_ = conn.Close()
					return
				}
			}
			panic(http.ErrAbortHandler) // closes the connection without an answer
		}
		if fault != nil {
			if fault.RetryAfter != "" {
				rec.Header().Set("Retry-After", fault.RetryAfter)
			}
			if fault.Body != "" {
				rec.Header().Set("Content-Type", "application/json")
				rec.WriteHeader(fault.Status)
				_, _ = io.WriteString(rec, fault.Body)
				return
			}
			writeDetail(rec, fault.Status, http.StatusText(fault.Status))
			return
		}
		mux.ServeHTTP(rec, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeDetail(w http.ResponseWriter, status int, detail any) {
	writeJSON(w, status, map[string]any{"detail": detail})
}
