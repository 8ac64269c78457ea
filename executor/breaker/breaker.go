// Package breaker gives up on an HTTP endpoint that is down, for the
// whole apply at once rather than request by request: after consecutive
// connection failures (refused, reset, unresolvable, timed out, or a
// gateway's 502/503/504) to one host, or a run of them that has lasted a
// time window, the breaker opens for that host, and every request to it
// fails at once with an error naming the endpoint. Retry loops waiting to
// try again are woken through Done.
//
// A Prefect or AWS outage thus ends an apply in about the window (30 s by
// default) instead of every resource retrying on its own for minutes.
package breaker

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// ErrOpen is wrapped by the error of every request refused by an open
// breaker.
var ErrOpen = errors.New("endpoint is down")

// Defaults: a run of this many connection failures in a row, or one that
// has lasted this long, opens the breaker.
const (
	DefaultThreshold = 8
	DefaultWindow    = 30 * time.Second
)

// OpenError says which endpoint is down and why the breaker thinks so.
type OpenError struct {
	// Service names what is down, e.g. "the Prefect API" or "AWS".
	Service string
	// Endpoint is scheme://host of the endpoint.
	Endpoint string
	Failures int
	Over     time.Duration
	Last     error
}

func (e *OpenError) Error() string {
	return fmt.Sprintf("%s at %s is down: %d connection failures in a row over %s (the last: %v); %s",
		e.Service, e.Endpoint, e.Failures, e.Over.Round(100*time.Millisecond), e.Last, GivingUp)
}

// GivingUp ends every OpenError's message.
const GivingUp = "giving up on it for this run"

func (e *OpenError) Unwrap() error { return ErrOpen }

// Breaker tracks the endpoints of one service. It is safe for concurrent
// use.
type Breaker struct {
	service   string
	threshold int
	window    time.Duration
	now       func() time.Time

	mu    sync.Mutex
	hosts map[string]*hostState
	open  *OpenError
	done  chan struct{}
}

type hostState struct {
	failures    int
	streakStart time.Time
}

// Option configures a Breaker.
type Option func(*Breaker)

// WithThreshold sets how many connection failures in a row open it.
func WithThreshold(n int) Option { return func(b *Breaker) { b.threshold = n } }

// WithWindow sets how long a run of failures may last before it opens.
func WithWindow(d time.Duration) Option { return func(b *Breaker) { b.window = d } }

// WithClock replaces time.Now.
func WithClock(now func() time.Time) Option { return func(b *Breaker) { b.now = now } }

// New returns a closed breaker for service ("the Prefect API", "AWS").
func New(service string, opts ...Option) *Breaker {
	b := &Breaker{service: service, threshold: DefaultThreshold, window: DefaultWindow, now: time.Now,
		hosts: map[string]*hostState{}, done: make(chan struct{})}
	for _, o := range opts {
		o(b)
	}
	return b
}

// Done is closed when the breaker opens.
func (b *Breaker) Done() <-chan struct{} { return b.done }

// Err is the *OpenError once the breaker is open, else nil.
func (b *Breaker) Err() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.open == nil {
		return nil
	}
	return b.open
}

// Sleep waits d, unless ctx ends or the breaker opens first: a retry loop
// waiting to try a down endpoint again gives up with the breaker.
func (b *Breaker) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-b.done:
		return b.Err()
	}
}

// Transport wraps rt (nil: http.DefaultTransport): requests go through the
// breaker.
func (b *Breaker) Transport(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	return &transport{b: b, next: rt}
}

type transport struct {
	b    *Breaker
	next http.RoundTripper
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.b.Err(); err != nil {
		return nil, err
	}
	start := t.b.now()
	resp, err := t.next.RoundTrip(req)
	endpoint := req.URL.Scheme + "://" + req.URL.Host
	switch {
	case err != nil && req.Context().Err() != nil:
		// The caller gave up (Ctrl-C, its own deadline): no news about
		// the endpoint.
	case err != nil && isConnectionFailure(err):
		t.b.failure(endpoint, start, err)
	case err == nil && isGatewayFailure(resp.StatusCode):
		t.b.failure(endpoint, start, fmt.Errorf("HTTP %d %s", resp.StatusCode, http.StatusText(resp.StatusCode)))
	case err == nil:
		t.b.success(endpoint)
	}
	return resp, err
}

func (b *Breaker) success(endpoint string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.hosts, endpoint)
}

func (b *Breaker) failure(endpoint string, start time.Time, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.open != nil {
		return
	}
	h := b.hosts[endpoint]
	if h == nil {
		h = &hostState{streakStart: start}
		b.hosts[endpoint] = h
	}
	if start.Before(h.streakStart) {
		h.streakStart = start
	}
	h.failures++
	over := b.now().Sub(h.streakStart)
	if h.failures >= b.threshold || over >= b.window {
		b.open = &OpenError{Service: b.service, Endpoint: endpoint, Failures: h.failures, Over: over, Last: err}
		close(b.done)
	}
}

// isConnectionFailure tells a failure to reach the endpoint (no answer at
// all) from any answer.
func isConnectionFailure(err error) bool {
	if errors.Is(err, ErrOpen) {
		return false
	}
	var netErr net.Error
	var opErr *net.OpError
	var dnsErr *net.DNSError
	return errors.As(err, &opErr) || errors.As(err, &dnsErr) || (errors.As(err, &netErr) && netErr.Timeout()) ||
		errors.Is(err, context.DeadlineExceeded) || isDropped(err)
}

// isDropped reports a connection closed before the answer came.
func isDropped(err error) bool {
	s := err.Error()
	for _, part := range []string{"EOF", "connection reset", "broken pipe", "server closed", "connection refused"} {
		if strings.Contains(strings.ToLower(s), strings.ToLower(part)) {
			return true
		}
	}
	return false
}

// isGatewayFailure: a proxy in front of a down service answers 502, 503
// or 504.
func isGatewayFailure(status int) bool {
	return status == http.StatusBadGateway || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout
}
