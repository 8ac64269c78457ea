// Package registry asks a container registry that is not ECR (a private
// registry, a pull-through cache, the CNCF Distribution registry of the
// integration tests) whether it already holds an image tag, over the
// Docker Registry HTTP API V2 that the OCI distribution specification
// standardised: HEAD /v2/<name>/manifests/<tag>.
//
// It answers the registry's authentication challenge as docker does: HTTP
// Basic with the configured user name and password, or a Bearer token
// fetched from the realm the registry names (with the same credentials, or
// anonymously). Like docker, it talks HTTPS, and falls back to plain HTTP
// only for a registry on the loopback interface, which docker treats as
// insecure by default.
package registry

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// manifestTypes are the manifest media types a lookup accepts: Docker's
// schema 2 image and list, and OCI's image manifest and index.
var manifestTypes = []string{
	"application/vnd.docker.distribution.manifest.v2+json",
	"application/vnd.docker.distribution.manifest.list.v2+json",
	"application/vnd.oci.image.manifest.v1+json",
	"application/vnd.oci.image.index.v1+json",
}

// Credentials are a registry user name and password. The password is never
// part of an error.
type Credentials struct {
	User     string
	Password string
}

// Client looks up image tags. It is safe for concurrent use.
type Client struct {
	http  *http.Client
	creds Credentials
	// hint tells the user how to give credentials, for the error when a
	// registry asks for them and there are none.
	hint string

	mu      sync.Mutex
	schemes map[string]string // host -> "https" or "http", once known
	auths   map[string]string // host + scope -> Authorization that worked
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient replaces the HTTP client (default: one with a 30 s
// timeout per request).
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// WithCredentialsHint sets what the error says when a registry asks for
// credentials and the client has none, e.g. "set REGISTRY_PASSWORD".
func WithCredentialsHint(hint string) Option { return func(c *Client) { c.hint = hint } }

// New returns a Client that authenticates with creds (zero: anonymously).
func New(creds Credentials, opts ...Option) *Client {
	c := &Client{
		http:    &http.Client{Timeout: 30 * time.Second},
		creds:   creds,
		schemes: map[string]string{},
		auths:   map[string]string{},
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// SplitRepository splits a repository URI (host[:port]/name, no tag) into
// the registry host and the repository name.
func SplitRepository(repository string) (host, name string, err error) {
	host, name, ok := strings.Cut(repository, "/")
	if !ok || host == "" || name == "" || strings.ContainsAny(name, "@:") {
		return "", "", fmt.Errorf("repository %q is not HOST/NAME", repository)
	}
	return host, name, nil
}

// ImageExists reports whether the registry holds repository:tag, where
// repository is host[:port]/name. A missing repository or tag is false
// with no error.
func (c *Client) ImageExists(ctx context.Context, repository, tag string) (bool, error) {
	host, name, err := SplitRepository(repository)
	if err != nil {
		return false, err
	}
	if tag == "" || strings.ContainsAny(tag, "/@:") {
		return false, fmt.Errorf("tag %q is not a tag", tag)
	}
	path := "/v2/" + name + "/manifests/" + url.PathEscape(tag)
	resp, err := c.do(ctx, host, path, "repository:"+name+":pull")
	if err != nil {
		return false, err
	}
	defer drain(resp)
	switch resp.StatusCode {
	case http.StatusOK:
		return true, nil
	case http.StatusNotFound:
		return false, nil
	}
	return false, fmt.Errorf("registry %s: HEAD %s: %s", host, path, resp.Status)
}

// do sends HEAD path to host with the authorization that worked last for
// host and scope, and answers one authentication challenge.
func (c *Client) do(ctx context.Context, host, path, scope string) (*http.Response, error) {
	key := host + " " + scope
	c.mu.Lock()
	auth := c.auths[key]
	c.mu.Unlock()
	resp, err := c.head(ctx, host, path, auth)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusUnauthorized {
		return resp, nil
	}
	challenge := resp.Header.Get("WWW-Authenticate")
	drain(resp)
	auth, err = c.authorize(ctx, host, challenge, scope)
	if err != nil {
		return nil, err
	}
	resp, err = c.head(ctx, host, path, auth)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
		drain(resp)
		return nil, fmt.Errorf("registry %s refused the credentials for %s: %s", host, scope, resp.Status)
	}
	c.mu.Lock()
	c.auths[key] = auth
	c.mu.Unlock()
	return resp, nil
}

// head sends one HEAD request with the given Authorization header ("" for
// none), over HTTPS, or HTTP for a loopback host that does not speak TLS.
func (c *Client) head(ctx context.Context, host, path, auth string) (*http.Response, error) {
	c.mu.Lock()
	scheme, known := c.schemes[host]
	c.mu.Unlock()
	if !known {
		scheme = "https"
	}
	resp, err := c.send(ctx, http.MethodHead, scheme+"://"+host+path, auth)
	if err != nil && !known && isLoopback(host) && ctx.Err() == nil {
		scheme = "http"
		resp, err = c.send(ctx, http.MethodHead, scheme+"://"+host+path, auth)
	}
	if err != nil {
		return nil, fmt.Errorf("registry %s: %w", host, err)
	}
	if !known {
		c.mu.Lock()
		c.schemes[host] = scheme
		c.mu.Unlock()
	}
	return resp, nil
}

func (c *Client) send(ctx context.Context, method, target, auth string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, target, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", strings.Join(manifestTypes, ", "))
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	return c.http.Do(req)
}

// authorize answers a WWW-Authenticate challenge with an Authorization
// header value.
func (c *Client) authorize(ctx context.Context, host, challenge, scope string) (string, error) {
	kind, params := parseChallenge(challenge)
	switch strings.ToLower(kind) {
	case "basic":
		if c.creds.User == "" && c.creds.Password == "" {
			return "", c.noCredentials(host)
		}
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(c.creds.User+":"+c.creds.Password)), nil
	case "bearer":
		token, err := c.token(ctx, host, params, scope)
		if err != nil {
			return "", err
		}
		return "Bearer " + token, nil
	}
	return "", fmt.Errorf("registry %s asks for authentication this client does not speak: %q", host, kind)
}

func (c *Client) noCredentials(host string) error {
	msg := fmt.Sprintf("registry %s asks for credentials and none were given", host)
	if c.hint != "" {
		msg += ": " + c.hint
	}
	return errors.New(msg)
}

// token fetches a bearer token for scope from the realm of a Bearer
// challenge.
func (c *Client) token(ctx context.Context, host string, params map[string]string, scope string) (string, error) {
	realm, err := url.Parse(params["realm"])
	if err != nil || realm.Host == "" || (realm.Scheme != "https" && realm.Scheme != "http") {
		return "", fmt.Errorf("registry %s: its token realm %q is not an http(s) URL", host, params["realm"])
	}
	q := realm.Query()
	if s := params["service"]; s != "" {
		q.Set("service", s)
	}
	q.Set("scope", scope)
	realm.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, realm.String(), nil)
	if err != nil {
		return "", fmt.Errorf("registry %s: %w", host, err)
	}
	if c.creds.User != "" || c.creds.Password != "" {
		req.SetBasicAuth(c.creds.User, c.creds.Password)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return "", fmt.Errorf("registry %s: getting a token from %s: %w", host, realm.Host, err)
	}
	defer drain(resp)
	switch {
	case resp.StatusCode == http.StatusUnauthorized && c.creds.User == "" && c.creds.Password == "":
		return "", c.noCredentials(host)
	case resp.StatusCode != http.StatusOK:
		return "", fmt.Errorf("registry %s: getting a token from %s: %s", host, realm.Host, resp.Status)
	}
	var body struct {
		Token       string `json:"token"`
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&body); err != nil {
		return "", fmt.Errorf("registry %s: reading the token from %s: %w", host, realm.Host, err)
	}
	tok := body.Token
	if tok == "" {
		tok = body.AccessToken
	}
	if tok == "" {
		return "", fmt.Errorf("registry %s: the token response of %s holds no token", host, realm.Host)
	}
	return tok, nil
}

// parseChallenge reads `Scheme key="value", key2="value2"` (RFC 7235,
// quoted-string values with backslash escapes, or tokens).
func parseChallenge(h string) (string, map[string]string) {
	h = strings.TrimSpace(h)
	kind, rest, _ := strings.Cut(h, " ")
	params := map[string]string{}
	for rest = strings.TrimSpace(rest); rest != ""; {
		key, after, ok := strings.Cut(rest, "=")
		if !ok {
			break
		}
		key = strings.ToLower(strings.TrimSpace(key))
		after = strings.TrimLeft(after, " ")
		var value string
		if strings.HasPrefix(after, `"`) {
			var b strings.Builder
			i := 1
			for ; i < len(after) && after[i] != '"'; i++ {
				if after[i] == '\\' && i+1 < len(after) {
					i++
				}
				b.WriteByte(after[i])
			}
			value, rest = b.String(), after[min(i+1, len(after)):]
		} else {
			value, rest, _ = strings.Cut(after, ",")
			value = strings.TrimSpace(value)
			rest = "," + rest
		}
		params[key] = value
		rest = strings.TrimLeft(strings.TrimSpace(rest), ",")
		rest = strings.TrimSpace(rest)
	}
	return kind, params
}

// isLoopback reports whether host (with or without a port) is localhost or
// a loopback address.
func isLoopback(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// drain reads what is left of a response body and closes it, so the
// connection can be reused.
func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
}
