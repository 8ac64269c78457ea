package registry

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeRegistry serves HEAD /v2/<name>/manifests/<tag> for the tags it
// holds, behind no authentication, HTTP Basic, or Bearer tokens from its
// own /token endpoint, the way CNCF Distribution and Docker Hub do.
type fakeRegistry struct {
	auth     string // "", "basic" or "bearer"
	user     string
	password string
	tags     map[string]bool // "name:tag"
	fail     int             // status every manifest request gets, when set

	url         string
	tokenCalls  atomic.Int32
	headCalls   atomic.Int32
	lastAccepts atomic.Value
}

const testToken = "tok-3f9a"

func (f *fakeRegistry) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /token", func(w http.ResponseWriter, r *http.Request) {
		f.tokenCalls.Add(1)
		user, pass, ok := r.BasicAuth()
		if !ok || user != f.user || pass != f.password {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if r.URL.Query().Get("service") != "fake-registry" || !strings.HasPrefix(r.URL.Query().Get("scope"), "repository:") {
			http.Error(w, "bad service or scope", http.StatusBadRequest)
			return
		}
		_, _ = w.Write([]byte(`{"access_token":"` + testToken + `","expires_in":300}`))
	})
	mux.HandleFunc("/v2/", func(w http.ResponseWriter, r *http.Request) {
		f.headCalls.Add(1)
		f.lastAccepts.Store(r.Header.Get("Accept"))
		switch f.auth {
		case "basic":
			user, pass, ok := r.BasicAuth()
			if !ok || user != f.user || pass != f.password {
				w.Header().Set("WWW-Authenticate", `Basic realm="fake"`)
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
		case "bearer":
			if r.Header.Get("Authorization") != "Bearer "+testToken {
				w.Header().Set("WWW-Authenticate", `Bearer realm="`+f.url+`/token",service="fake-registry",scope="repository:x:pull"`)
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
		}
		if f.fail != 0 {
			w.WriteHeader(f.fail)
			return
		}
		rest := strings.TrimPrefix(r.URL.Path, "/v2/")
		name, tag, ok := strings.Cut(rest, "/manifests/")
		if r.Method != http.MethodHead || !ok {
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		if !f.tags[name+":"+tag] {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		w.Header().Set("Docker-Content-Digest", "sha256:0123")
		w.WriteHeader(http.StatusOK)
	})
	return mux
}

func start(t *testing.T, f *fakeRegistry) (host string) {
	t.Helper()
	srv := httptest.NewServer(f.handler())
	t.Cleanup(srv.Close)
	f.url = srv.URL
	return strings.TrimPrefix(srv.URL, "http://")
}

func TestImageExists(t *testing.T) {
	creds := Credentials{User: "flowplan", Password: "s3cret-pw"}
	tests := []struct {
		name    string
		auth    string
		creds   Credentials
		fail    int
		tag     string
		want    bool
		wantErr string
	}{
		{name: "anonymous, present", tag: "app-3f9a1c2", want: true},
		{name: "anonymous, absent", tag: "app-0000000", want: false},
		{name: "basic, present", auth: "basic", creds: creds, tag: "app-3f9a1c2", want: true},
		{name: "basic, absent", auth: "basic", creds: creds, tag: "app-0000000", want: false},
		{name: "basic, wrong password", auth: "basic", creds: Credentials{User: "flowplan", Password: "nope"}, tag: "app-3f9a1c2", wantErr: "refused the credentials for repository:team/app:pull: 401"},
		{name: "basic, no credentials", auth: "basic", tag: "app-3f9a1c2", wantErr: "asks for credentials and none were given: set THE_PASSWORD"},
		{name: "bearer, present", auth: "bearer", creds: creds, tag: "app-3f9a1c2", want: true},
		{name: "bearer, no credentials", auth: "bearer", tag: "app-3f9a1c2", wantErr: "asks for credentials and none were given"},
		{name: "server error", fail: http.StatusServiceUnavailable, tag: "app-3f9a1c2", wantErr: "503 Service Unavailable"},
		{name: "a tag with a colon", tag: "a:b", wantErr: `tag "a:b" is not a tag`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeRegistry{auth: tt.auth, user: creds.User, password: creds.Password, fail: tt.fail,
				tags: map[string]bool{"team/app:app-3f9a1c2": true}}
			host := start(t, f)
			c := New(tt.creds, WithCredentialsHint("set THE_PASSWORD"))
			got, err := c.ImageExists(t.Context(), host+"/team/app", tt.tag)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				assert.NotContains(t, err.Error(), creds.Password)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Contains(t, f.lastAccepts.Load(), "application/vnd.oci.image.index.v1+json")
		})
	}
}

func TestAuthorizationIsReusedPerRepository(t *testing.T) {
	f := &fakeRegistry{auth: "bearer", user: "u", password: "p", tags: map[string]bool{"team/app:a": true}}
	host := start(t, f)
	c := New(Credentials{User: "u", Password: "p"})
	for _, tag := range []string{"a", "b", "a"} {
		_, err := c.ImageExists(t.Context(), host+"/team/app", tag)
		require.NoError(t, err)
	}
	assert.EqualValues(t, 1, f.tokenCalls.Load())
	// the first lookup was challenged once, the others sent the token at once
	assert.EqualValues(t, 4, f.headCalls.Load())
}

func TestHTTPSFirstAndHTTPOnlyOnLoopback(t *testing.T) {
	f := &fakeRegistry{tags: map[string]bool{"team/app:a": true}}
	tlsSrv := httptest.NewTLSServer(f.handler())
	t.Cleanup(tlsSrv.Close)
	c := New(Credentials{}, WithHTTPClient(tlsSrv.Client()))
	ok, err := c.ImageExists(t.Context(), strings.TrimPrefix(tlsSrv.URL, "https://")+"/team/app", "a")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, map[string]string{strings.TrimPrefix(tlsSrv.URL, "https://"): "https"}, c.schemes)

	// A plain HTTP registry on loopback is reached after HTTPS fails, and
	// remembered.
	plain := &fakeRegistry{tags: map[string]bool{"team/app:a": true}}
	host := start(t, plain)
	c = New(Credentials{})
	for range 2 {
		ok, err = c.ImageExists(t.Context(), host+"/team/app", "a")
		require.NoError(t, err)
		assert.True(t, ok)
	}
	assert.Equal(t, "http", c.schemes[host])
	assert.EqualValues(t, 2, plain.headCalls.Load())
}

func TestNoHTTPFallbackOffLoopback(t *testing.T) {
	// registry.invalid never resolves; what matters is that one HTTPS
	// attempt is made and no plain-HTTP one.
	var attempts []string
	c := New(Credentials{}, WithHTTPClient(&http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		attempts = append(attempts, r.URL.Scheme)
		return nil, assert.AnError
	})}))
	_, err := c.ImageExists(t.Context(), "registry.invalid:5000/team/app", "a")
	require.Error(t, err)
	assert.Equal(t, []string{"https"}, attempts)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestParseChallenge(t *testing.T) {
	kind, params := parseChallenge(`Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull,push"`)
	assert.Equal(t, "Bearer", kind)
	assert.Equal(t, map[string]string{
		"realm": "https://auth.example.com/token", "service": "registry.example.com", "scope": "repository:a/b:pull,push",
	}, params)
	kind, params = parseChallenge(`Basic realm="say \"hi\"", charset=UTF-8`)
	assert.Equal(t, "Basic", kind)
	assert.Equal(t, map[string]string{"realm": `say "hi"`, "charset": "UTF-8"}, params)
}

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost:5000": true, "127.0.0.1:5000": true, "127.3.4.5": true, "[::1]:5000": true,
		"registry.example.com": false, "10.0.0.1:5000": false, "localhost.example.com": false,
	} {
		assert.Equal(t, want, isLoopback(host), host)
	}
}

func TestSplitRepository(t *testing.T) {
	host, name, err := SplitRepository("127.0.0.1:5000/flowplan/data-flows-prefect-envs")
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:5000", host)
	assert.Equal(t, "flowplan/data-flows-prefect-envs", name)
	for _, bad := range []string{"noslash", "/name", "host/", "host/name:tag"} {
		_, _, err := SplitRepository(bad)
		assert.Error(t, err, bad)
	}
}
