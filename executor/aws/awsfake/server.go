// Package awsfake serves fake ECS, ECR and STS endpoints over HTTP that speak
// the real wire protocols (AWS JSON 1.1 for ECS and ECR, the query protocol
// with XML responses for STS), so that tests drive the real aws-sdk-go-v2
// clients against them.
//
// One Server answers all three services on one URL: point the SDK at it with
// BaseEndpoint, AWS_ENDPOINT_URL, or the service-specific
// AWS_ENDPOINT_URL_ECS / _ECR / _STS, with any static credentials.
//
// The ECS fake keeps task definitions per family with revisions and ARNs,
// validates registrations as ECS does for the fields it models, and adds on
// describe what ECS adds (revision, status, registeredAt, compatibilities,
// requiresAttributes, container defaults, its own order of environment and
// secrets). The ECR fake hands out login tokens and answers DescribeImages
// for the images tests record with PutImage. Every service checks that a SigV4 Authorization header is present
// and scoped to the right service and region, counts calls per action, and
// supports injected faults and latency.
package awsfake

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Action names used by Calls, InjectFault and CallCounts.
const (
	ECSRegisterTaskDefinition   = "ecs:RegisterTaskDefinition"
	ECSListTaskDefinitions      = "ecs:ListTaskDefinitions"
	ECSDescribeTaskDefinition   = "ecs:DescribeTaskDefinition"
	ECSDeregisterTaskDefinition = "ecs:DeregisterTaskDefinition"
	ECRGetAuthorizationToken    = "ecr:GetAuthorizationToken"
	ECRDescribeImages           = "ecr:DescribeImages"
	STSGetCallerIdentity        = "sts:GetCallerIdentity"
)

const (
	ecsTargetPrefix = "AmazonEC2ContainerServiceV20141113."
	ecrTargetPrefix = "AmazonEC2ContainerRegistry_V20150921."
	maxBodyBytes    = 1 << 20
)

// Fault is a kind of failure the server returns instead of handling a call.
type Fault int

const (
	// Throttle answers 400 with the service's throttling error code
	// (ThrottlingException for ECS and ECR, Throttling for STS), which the
	// SDK's standard retryer retries.
	Throttle Fault = iota + 1
	// ServerError answers 500 with the service's internal error code.
	ServerError
)

// Options configure a Server. Zero values take the defaults noted.
type Options struct {
	// Account is the account id in ARNs and GetCallerIdentity; default 123456789012.
	Account string
	// Region is the region in ARNs and the region requests must be signed
	// for; default us-east-1.
	Region string
	// Latency delays every request.
	Latency time.Duration
	// ECRPassword is the registry password GetAuthorizationToken hands out;
	// default a random string.
	ECRPassword string
	// ListPageSize caps how many ARNs one ListTaskDefinitions page holds,
	// below the request's maxResults; default 100 (the ECS maximum).
	ListPageSize int
	// Now returns the time stamped on registrations; default time.Now.
	Now func() time.Time
}

// Server is a running fake. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base endpoint of all three services.
	URL string

	srv  *httptest.Server
	opts Options

	mu       sync.Mutex
	latency  time.Duration
	calls    map[string]int
	faults   map[string][]Fault
	families map[string][]*revision
	// images maps an ECR repository name to its image tags (see PutImage).
	images map[string]map[string]bool
}

// New starts a Server. Close it when done.
func New(opts Options) *Server {
	if opts.Account == "" {
		opts.Account = "123456789012"
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.ECRPassword == "" {
		var b [24]byte
		_, _ = rand.Read(b[:])
		opts.ECRPassword = "ecr-" + hex.EncodeToString(b[:])
	}
	if opts.ListPageSize <= 0 || opts.ListPageSize > 100 {
		opts.ListPageSize = 100
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{
		opts:     opts,
		latency:  opts.Latency,
		calls:    map[string]int{},
		faults:   map[string][]Fault{},
		families: map[string][]*revision{},
		images:   map[string]map[string]bool{},
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.srv.URL
	return s
}

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

// Account returns the account id the server uses.
func (s *Server) Account() string { return s.opts.Account }

// Region returns the region the server uses.
func (s *Server) Region() string { return s.opts.Region }

// ECRPassword returns the registry password GetAuthorizationToken hands out.
func (s *Server) ECRPassword() string { return s.opts.ECRPassword }

// Registry returns the registry host GetAuthorizationToken names.
func (s *Server) Registry() string {
	return fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com", s.opts.Account, s.opts.Region)
}

// Env returns the environment that points the default AWS config chain at
// this server with static credentials, as KEY=VALUE strings (for
// testscript or exec.Cmd). Credentials and config files are pointed at
// missing paths so that nothing from the host leaks in.
func (s *Server) Env() []string {
	return []string{
		"AWS_ENDPOINT_URL=" + s.URL,
		"AWS_REGION=" + s.opts.Region,
		"AWS_ACCESS_KEY_ID=AKIDFAKE",
		"AWS_SECRET_ACCESS_KEY=fake-secret",
		"AWS_CONFIG_FILE=/nonexistent/awsfake/config",
		"AWS_SHARED_CREDENTIALS_FILE=/nonexistent/awsfake/credentials",
		"AWS_EC2_METADATA_DISABLED=true",
	}
}

// Config returns an SDK configuration that reaches this server directly
// (BaseEndpoint, its region, static credentials), keeping the SDK's default
// retryer; for tests that run in parallel and so cannot set the environment.
func (s *Server) Config() aws.Config {
	return aws.Config{
		Region:       s.opts.Region,
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDFAKE", "fake-secret", ""),
		BaseEndpoint: aws.String(s.URL),
	}
}

// SetLatency changes the delay of every following request.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// InjectFault makes the next n calls of action fail with f.
func (s *Server) InjectFault(action string, f Fault, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults[action] = append(s.faults[action], f)
	}
}

// Calls returns how many requests for action arrived (faulted ones included).
func (s *Server) Calls(action string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[action]
}

// CallCounts returns a copy of the per-action request counts.
func (s *Server) CallCounts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.calls)
}

// ResetCalls sets every call count back to zero.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = map[string]int{}
}

// takeFault counts a call of action and pops its next injected fault.
func (s *Server) takeFault(action string) (Fault, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[action]++
	var f Fault
	if q := s.faults[action]; len(q) > 0 {
		f, s.faults[action] = q[0], q[1:]
	}
	return f, s.latency
}

// protocol answers errors and results in one service's wire format.
type protocol interface {
	writeError(w http.ResponseWriter, status int, code, message string)
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		http.Error(w, "reading body: "+err.Error(), http.StatusBadRequest)
		return
	}
	if len(body) > maxBodyBytes {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	target := r.Header.Get("X-Amz-Target")
	switch {
	case strings.HasPrefix(target, ecsTargetPrefix):
		s.serveJSON(w, r, body, "ecs", strings.TrimPrefix(target, ecsTargetPrefix), s.ecsOperation)
	case strings.HasPrefix(target, ecrTargetPrefix):
		s.serveJSON(w, r, body, "ecr", strings.TrimPrefix(target, ecrTargetPrefix), s.ecrOperation)
	case target == "" && r.Method == http.MethodPost:
		s.serveSTS(w, r, body)
	default:
		jsonProtocol{}.writeError(w, http.StatusBadRequest, "UnknownOperationException",
			fmt.Sprintf("unknown X-Amz-Target %q", target))
	}
}

// admit checks the signature header, counts the call, waits the latency and
// applies an injected fault. It reports whether the call should proceed.
func (s *Server) admit(w http.ResponseWriter, r *http.Request, p protocol, service, action string, throttleCode, serverCode string) bool {
	if status, code, msg := s.checkAuth(r, service); status != 0 {
		p.writeError(w, status, code, msg)
		return false
	}
	fault, latency := s.takeFault(action)
	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return false
		}
	}
	switch fault {
	case Throttle:
		p.writeError(w, http.StatusBadRequest, throttleCode, "Rate exceeded")
		return false
	case ServerError:
		p.writeError(w, http.StatusInternalServerError, serverCode, "injected server error")
		return false
	}
	return true
}

// checkAuth requires a SigV4 Authorization header whose credential scope
// names this server's region and the given service.
func (s *Server) checkAuth(r *http.Request, service string) (int, string, string) {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return http.StatusBadRequest, "MissingAuthenticationTokenException", "Missing Authentication Token"
	}
	const algo = "AWS4-HMAC-SHA256 "
	if !strings.HasPrefix(auth, algo) || r.Header.Get("X-Amz-Date") == "" {
		return http.StatusBadRequest, "IncompleteSignatureException", "Authorization header is not a SigV4 signature"
	}
	var credential string
	for part := range strings.SplitSeq(strings.TrimPrefix(auth, algo), ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "Credential="); ok {
			credential = v
		}
	}
	if !strings.Contains(auth, "Signature=") || !strings.Contains(auth, "SignedHeaders=") {
		return http.StatusBadRequest, "IncompleteSignatureException", "Authorization header lacks SignedHeaders or Signature"
	}
	// Credential=AKID/20240101/us-east-1/ecs/aws4_request
	scope := strings.Split(credential, "/")
	if len(scope) != 5 || scope[4] != "aws4_request" {
		return http.StatusBadRequest, "IncompleteSignatureException", "malformed Credential in Authorization header"
	}
	if scope[2] != s.opts.Region {
		return http.StatusForbidden, "InvalidSignatureException",
			fmt.Sprintf("Credential should be scoped to a valid region, not '%s'", scope[2])
	}
	if scope[3] != service {
		return http.StatusForbidden, "InvalidSignatureException",
			fmt.Sprintf("Credential should be scoped to correct service: '%s'", service)
	}
	return 0, "", ""
}

// decodeStrict decodes a JSON object, refusing unknown fields and trailing data.
func decodeStrict(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after JSON object")
	}
	return nil
}
