//go:build integration

package integration

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// awsProxy stands between deployer and moto: it counts the calls of each
// action ("ecs:RegisterTaskDefinition", "sts:GetCallerIdentity") and
// answers the calls a fault matches with ECS's throttling error instead of
// passing them on, as an AWS endpoint under load does.
type awsProxy struct {
	url string

	mu     sync.Mutex
	calls  map[string]int
	faults []*throttle
}

// throttle answers ThrottlingException to the calls of action whose body
// holds match ("" matches all), times times (-1: until cleared).
type throttle struct {
	action string
	match  string
	times  int
	hits   int
}

func startAWSProxy(t *testing.T, target string) *awsProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &awsProxy{calls: map[string]int{}}
	forward := httputil.NewSingleHostReverseProxy(u)
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		action := awsAction(r, body)
		if p.throttled(action, body) {
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			w.Header().Set("X-Amzn-ErrorType", "ThrottlingException")
			w.WriteHeader(http.StatusBadRequest)
			_ = json.NewEncoder(w).Encode(map[string]string{"__type": "ThrottlingException", "message": "Rate exceeded"})
			return
		}
		forward.ServeHTTP(w, r)
	}))
	p.url = srv
	return p
}

// awsAction names the call "service:Operation": the service from the
// SigV4 credential scope (ecs, ecr, sts, iam, ec2, secretsmanager, ssm),
// the operation from X-Amz-Target (AWS JSON protocols) or the form's
// Action (query protocols).
func awsAction(r *http.Request, body []byte) string {
	service := "unknown"
	if _, cred, ok := strings.Cut(r.Header.Get("Authorization"), "Credential="); ok {
		cred, _, _ = strings.Cut(cred, ",")
		if scope := strings.Split(cred, "/"); len(scope) == 5 {
			service = scope[3]
		}
	}
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		_, op, _ := strings.Cut(target, ".")
		return service + ":" + op
	}
	if form, err := url.ParseQuery(string(body)); err == nil && form.Get("Action") != "" {
		return service + ":" + form.Get("Action")
	}
	return service + ":" + r.Method + " " + r.URL.Path
}

func (p *awsProxy) throttled(action string, body []byte) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls[action]++
	for _, f := range p.faults {
		if f.action == action && bytes.Contains(body, []byte(f.match)) && f.times != 0 {
			f.hits++
			if f.times > 0 {
				f.times--
			}
			return true
		}
	}
	return false
}

// throttle adds a fault and returns it (its hits count the throttled calls).
func (p *awsProxy) throttle(action, match string, times int) *throttle {
	p.mu.Lock()
	defer p.mu.Unlock()
	f := &throttle{action: action, match: match, times: times}
	p.faults = append(p.faults, f)
	return f
}

func (p *awsProxy) hits(f *throttle) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return f.hits
}

// clear removes every fault and zeroes the counts.
func (p *awsProxy) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults = nil
	p.calls = map[string]int{}
}

func (p *awsProxy) count(action string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls[action]
}

// registryProxy stands between the docker engine and the registry on a
// port of its own, and can go down: then it closes every connection it
// holds, refuses new ones, and stays down until up is called. downOnPush
// takes it down when a manifest for a given tag arrives, the last request
// of a push, so a push fails exactly there.
type registryProxy struct {
	host   string // 127.0.0.1:port, what images are pushed to
	target *url.URL

	mu      sync.Mutex
	server  *http.Server
	downTag string
	down    bool
}

func startRegistryProxy(t *testing.T, registryHost string) *registryProxy {
	t.Helper()
	p := &registryProxy{target: &url.URL{Scheme: "http", Host: registryHost}}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.host = l.Addr().String()
	p.serveOn(l)
	t.Cleanup(p.close)
	return p
}

func (p *registryProxy) serveOn(l net.Listener) {
	forward := httputil.NewSingleHostReverseProxy(p.target)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && p.takeDownAt(r.URL.Path) {
			// The registry goes away in the middle of the push.
			if hj, ok := w.(http.Hijacker); ok {
				if c, _, err := hj.Hijack(); err == nil {
					c.Close()
				}
			}
			go p.goDown()
			return
		}
		forward.ServeHTTP(w, r)
	})}
	p.mu.Lock()
	p.server = srv
	p.mu.Unlock()
	go func() { _ = srv.Serve(l) }()
}

// takeDownAt reports whether path is the manifest of the tag the proxy is
// to go down at.
func (p *registryProxy) takeDownAt(path string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.downTag != "" && strings.Contains(path, "/manifests/") && strings.HasSuffix(path, "/"+p.downTag)
}

// downOnPush arms the proxy to go down when tag's manifest is pushed.
func (p *registryProxy) downOnPush(tag string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.downTag = tag
}

func (p *registryProxy) goDown() {
	p.mu.Lock()
	srv := p.server
	p.down, p.downTag, p.server = true, "", nil
	p.mu.Unlock()
	if srv != nil {
		_ = srv.Close() // closes the listener and every connection
	}
}

func (p *registryProxy) isDown() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.down
}

// up listens again on the same port.
func (p *registryProxy) up() error {
	l, err := net.Listen("tcp", p.host)
	if err != nil {
		return fmt.Errorf("registry proxy: listening again on %s: %w", p.host, err)
	}
	p.mu.Lock()
	p.down = false
	p.mu.Unlock()
	p.serveOn(l)
	return nil
}

func (p *registryProxy) close() {
	p.mu.Lock()
	srv := p.server
	p.server = nil
	p.mu.Unlock()
	if srv != nil {
		_ = srv.Close()
	}
}

// serve runs handler on a loopback port for the test's duration and
// returns its URL.
func serve(t *testing.T, handler http.Handler) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: handler}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + l.Addr().String()
}
