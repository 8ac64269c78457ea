// Package prefect is a client for the Prefect REST API (Prefect 2.10 and 3)
// covering what flowplan deploys: flows, block documents, deployments, work
// pools. It retries as Prefect's own client does, times out every request,
// explains configuration errors, keeps the API key out of every error, and
// counts its reads and writes.
package prefect

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/flowplan/flowplan/executor/breaker"
)

// Defaults taken from Prefect 2.10.6 (src/prefect/client/base.py and
// settings.py).
const (
	// DefaultMaxRetries is PrefectHttpxClient.RETRY_MAX.
	DefaultMaxRetries = 5
	// DefaultTimeout is PREFECT_API_REQUEST_TIMEOUT, applied to each attempt.
	DefaultTimeout = 30 * time.Second
	// DefaultJitterFactor is PREFECT_CLIENT_RETRY_JITTER_FACTOR.
	DefaultJitterFactor = 0.2
)

// defaultRetryCodes are the statuses Prefect 2.10.6's client retries: 429,
// 503 and 502.
var defaultRetryCodes = []int{http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusBadGateway}

// maxResponseBytes bounds what is read of one response.
const maxResponseBytes = 32 << 20

// Client talks to one Prefect API. It is safe for concurrent use.
type Client struct {
	base       string
	apiKey     string
	http       *http.Client
	timeout    time.Duration
	maxRetries int
	retryCodes map[int]bool
	jitter     float64
	sleep      func(ctx context.Context, d time.Duration) error
	now        func() time.Time
	random     func() float64
	breaker    *breaker.Breaker

	mu    sync.Mutex
	stats Stats
}

// Option configures a Client.
type Option func(*Client)

// WithAPIKey sends "Authorization: Bearer <key>" (PREFECT_API_KEY); an empty
// key sends no header.
func WithAPIKey(key string) Option { return func(c *Client) { c.apiKey = key } }

// WithHTTPClient replaces the http.Client (default: a new one).
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// WithTimeout sets the timeout of each attempt (default 30s).
func WithTimeout(d time.Duration) Option { return func(c *Client) { c.timeout = d } }

// WithMaxRetries sets how many times a request is retried after the first
// attempt (default 5; 0 disables retries).
func WithMaxRetries(n int) Option { return func(c *Client) { c.maxRetries = n } }

// WithExtraRetryCodes adds statuses to retry besides 429, 502 and 503
// (PREFECT_CLIENT_RETRY_EXTRA_CODES).
func WithExtraRetryCodes(codes ...int) Option {
	return func(c *Client) {
		for _, code := range codes {
			c.retryCodes[code] = true
		}
	}
}

// WithJitterFactor sets the retry jitter (default 0.2; 0 disables it).
func WithJitterFactor(f float64) Option { return func(c *Client) { c.jitter = f } }

// WithSleep replaces the wait between retries (tests pass one that records
// the durations and returns at once).
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(c *Client) { c.sleep = sleep }
}

// WithBreaker sends every request through b and waits between retries
// with b.Sleep, so that once b opens (the API is down) calls fail at once
// and retry loops stop waiting. Later WithHTTPClient options replace the
// transport b wraps.
func WithBreaker(b *breaker.Breaker) Option {
	return func(c *Client) { c.breaker = b; c.sleep = b.Sleep }
}

// WithClock replaces time.Now, used to read a Retry-After HTTP date.
func WithClock(now func() time.Time) Option { return func(c *Client) { c.now = now } }

// WithRandom replaces the source of the jitter, a function returning values
// in [0, 1).
func WithRandom(random func() float64) Option { return func(c *Client) { c.random = random } }

// New returns a client for the API at baseURL (PREFECT_API_URL, e.g.
// http://127.0.0.1:4200/api or https://api.prefect.cloud/api/accounts/<id>/workspaces/<id>).
func New(baseURL string, opts ...Option) (*Client, error) {
	base := strings.TrimRight(strings.TrimSpace(baseURL), "/")
	if base == "" {
		return nil, errors.New("PREFECT_API_URL is not set: set it to the Prefect API base URL, e.g. http://127.0.0.1:4200/api")
	}
	if !strings.HasPrefix(base, "http://") && !strings.HasPrefix(base, "https://") {
		return nil, fmt.Errorf("PREFECT_API_URL %q is not an http(s) URL", base)
	}
	c := &Client{
		base:       base,
		http:       &http.Client{},
		timeout:    DefaultTimeout,
		maxRetries: DefaultMaxRetries,
		retryCodes: map[int]bool{},
		jitter:     DefaultJitterFactor,
		sleep:      sleepContext,
		now:        time.Now,
		random:     rand.Float64,
		stats:      Stats{ByMethod: map[string]int64{}},
	}
	for _, code := range defaultRetryCodes {
		c.retryCodes[code] = true
	}
	for _, o := range opts {
		o(c)
	}
	if c.breaker != nil {
		h := *c.http
		h.Transport = c.breaker.Transport(h.Transport)
		c.http = &h
	}
	if c.maxRetries < 0 {
		return nil, fmt.Errorf("prefect client: max retries %d is negative", c.maxRetries)
	}
	return c, nil
}

// BaseURL returns the API base URL the client talks to.
func (c *Client) BaseURL() string { return c.base }

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Stats counts the client's calls: Reads and Writes are API calls (GET and
// POST .../filter are reads), Requests the HTTP requests sent including
// retries, ByMethod the requests per HTTP method.
type Stats struct {
	Reads    int64
	Writes   int64
	Requests int64
	Retries  int64
	ByMethod map[string]int64
}

// Stats returns a snapshot of the counters.
func (c *Client) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	s.ByMethod = make(map[string]int64, len(c.stats.ByMethod))
	for k, v := range c.stats.ByMethod {
		s.ByMethod[k] = v
	}
	return s
}

func (c *Client) count(f func(s *Stats)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f(&c.stats)
}

func isRead(method, path string) bool {
	return method == http.MethodGet || (method == http.MethodPost && strings.HasSuffix(path, "/filter"))
}

// response is a completed HTTP exchange.
type response struct {
	status      int
	contentType string
	retryAfter  string
	body        []byte
}

// send performs one API call with retries. body, when not nil, is sent as
// JSON. Non-retryable statuses are returned to the caller to interpret.
func (c *Client) send(ctx context.Context, method, path string, body any) (*response, error) {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return nil, fmt.Errorf("%s %s: encode request: %w", method, path, err)
		}
	}
	c.count(func(s *Stats) {
		if isRead(method, path) {
			s.Reads++
		} else {
			s.Writes++
		}
	})
	for attempt := 0; ; attempt++ {
		resp, err := c.attempt(ctx, method, path, payload)
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s %s: %w", method, path, ctx.Err())
		}
		var wait time.Duration
		switch {
		case errors.Is(err, breaker.ErrOpen):
			// The endpoint is known to be down: no retry can help.
			return nil, fmt.Errorf("%s %s: %w", method, path, err)
		case err != nil:
			if attempt >= c.maxRetries {
				return nil, fmt.Errorf("the Prefect API at %s is unreachable: %s %s failed after %d attempts: %w",
					c.base, method, path, attempt+1, c.redactErr(err))
			}
			wait = c.backoff(attempt + 1)
		case c.retryCodes[resp.status]:
			if attempt >= c.maxRetries {
				return resp, nil
			}
			if d, ok := c.retryAfter(resp); ok {
				wait = c.jitterAtLeast(d)
			} else {
				wait = c.backoff(attempt + 1)
			}
		default:
			return resp, nil
		}
		c.count(func(s *Stats) { s.Retries++ })
		if err := c.sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("%s %s: waiting to retry: %w", method, path, err)
		}
	}
}

func (c *Client) attempt(ctx context.Context, method, path string, payload []byte) (*response, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var reader io.Reader
	if payload != nil {
		reader = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, reader)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "flowplan")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.apiKey)
	}
	c.count(func(s *Stats) {
		s.Requests++
		s.ByMethod[method]++
	})
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return nil, fmt.Errorf("read response: %w", err)
	}
	return &response{
		status:      resp.StatusCode,
		contentType: resp.Header.Get("Content-Type"),
		retryAfter:  resp.Header.Get("Retry-After"),
		body:        data,
	}, nil
}

// backoff is Prefect's exponential wait, 2^n seconds for the n-th retry,
// with symmetric jitter.
func (c *Client) backoff(n int) time.Duration {
	secs := math.Pow(2, float64(n))
	if c.jitter > 0 {
		secs *= 1 + c.jitter*(2*c.random()-1)
	}
	return time.Duration(secs * float64(time.Second))
}

// jitterAtLeast waits at least what the server asked for, and up to
// (1 + jitter) times that, as Prefect does for Retry-After.
func (c *Client) jitterAtLeast(d time.Duration) time.Duration {
	if c.jitter <= 0 || d <= 0 {
		return d
	}
	return d + time.Duration(float64(d)*c.jitter*c.random())
}

// retryAfter reads Retry-After as seconds or as an HTTP date.
func (c *Client) retryAfter(r *response) (time.Duration, bool) {
	v := strings.TrimSpace(r.retryAfter)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs < 0 || math.IsNaN(secs) || math.IsInf(secs, 0) {
			return 0, false
		}
		return time.Duration(secs * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(c.now())
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// redactErr hides the API key should it appear in a transport error.
func (c *Client) redactErr(err error) error {
	if c.apiKey == "" || !strings.Contains(err.Error(), c.apiKey) {
		return err
	}
	return errors.New(c.redact(err.Error()))
}

func (c *Client) redact(s string) string {
	if c.apiKey == "" {
		return s
	}
	return strings.ReplaceAll(s, c.apiKey, "[PREFECT_API_KEY]")
}
