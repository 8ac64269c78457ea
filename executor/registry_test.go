package executor

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/executor/registry"
	"github.com/flowplan/flowplan/plan"
)

// privateRegistry answers HEAD /v2/<name>/manifests/<tag> for the tags it
// holds, behind HTTP Basic authentication, as a CNCF Distribution registry
// with an htpasswd file does.
type privateRegistry struct {
	host string
	mu   sync.Mutex
	tags map[string]bool // "name:tag"
	hits int
}

const (
	registryUser     = "flowplan-ci"
	registryPassword = "registry-s3cret"
)

func startPrivateRegistry(t *testing.T) *privateRegistry {
	t.Helper()
	r := &privateRegistry{tags: map[string]bool{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.hits++
		if user, pass, ok := req.BasicAuth(); !ok || user != registryUser || pass != registryPassword {
			w.Header().Set("WWW-Authenticate", `Basic realm="private"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		name, tag, _ := strings.Cut(strings.TrimPrefix(req.URL.Path, "/v2/"), "/manifests/")
		if !r.tags[name+":"+tag] {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	r.host = strings.TrimPrefix(srv.URL, "http://")
	return r
}

func (r *privateRegistry) put(name, tag string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tags[name+":"+tag] = true
}

// privatePlan is the agent plan of one flow with its image pushed to the
// registry under the prefix team.
func privatePlan(t *testing.T, reg *privateRegistry, account string) *plan.Plan {
	t.Helper()
	o := agentOptions(account)
	o.Registry = reg.host + "/team"
	return buildPlan(t, agentProject(), agentFiles(1, 1), o)
}

func TestImagesGoToThePlansRegistry(t *testing.T) {
	creds := registry.Credentials{User: registryUser, Password: registryPassword}
	tests := []struct {
		name       string
		pushed     bool
		login      registry.Credentials
		lookup     registry.Credentials
		want       Action
		wantDocker []string // first argument of each docker call
		wantErr    string
	}{
		{name: "not pushed yet", login: creds, lookup: creds, want: Pushed, wantDocker: []string{"build", "login", "tag", "push"}},
		{name: "already pushed", pushed: true, login: creds, lookup: creds, want: Unchanged},
		{name: "no login credentials: docker's own are used", want: Pushed, lookup: creds, wantDocker: []string{"build", "tag", "push"}},
		{name: "the lookup needs credentials", login: creds, want: Failed, wantErr: "checking whether registry "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			reg := startPrivateRegistry(t)
			p := privatePlan(t, reg, testAccount)
			im := p.Images[0]
			require.Equal(t, reg.host+"/team/data-flows-prefect-envs", im.Repository)
			if tt.pushed {
				reg.put("team/data-flows-prefect-envs", im.Tag)
			}
			s := f.apply(t, p, func(o *Options) {
				o.Only = OnlyImages
				o.ECR = nil // not needed: nothing goes to ECR
				o.Registry = registry.New(tt.lookup, registry.WithCredentialsHint("set THE_VARIABLES"))
				o.RegistryLogin = tt.login
			})
			r, _ := s.Find(KindImage, im.LocalName)
			require.Equal(t, tt.want, r.Action, r.Error)
			if tt.wantErr != "" {
				assert.Contains(t, r.Error, tt.wantErr)
				assert.Contains(t, r.Error, "asks for credentials and none were given: set THE_VARIABLES")
			}
			if tt.want == Unchanged {
				assert.Equal(t, im.URI+" is already in registry "+reg.host+" (--force-build rebuilds it)", r.Detail)
			}
			var got []string
			for _, c := range f.dockerCalls(t) {
				got = append(got, c.Args[0])
				if c.Args[0] == "login" {
					assert.Equal(t, []string{"login", "--username", registryUser, "--password-stdin", reg.host}, c.Args)
					assert.Equal(t, registryPassword, c.Stdin)
				}
				assert.NotContains(t, strings.Join(c.Args, " "), registryPassword)
			}
			assert.Equal(t, tt.wantDocker, got)
			assert.Empty(t, f.aws.CallCounts(), "nothing asks ECR")
			assert.NotContains(t, f.dockerOut.String(), registryPassword)
		})
	}
}

func TestAPrivateRegistryNeedsNoECRClient(t *testing.T) {
	reg := startPrivateRegistry(t)
	p := privatePlan(t, reg, testAccount)
	_, err := Apply(t.Context(), p, Options{Only: OnlyImages})
	require.EqualError(t, err, "apply: missing clients: Docker")
	// With the account left open the plan still needs STS, but not ECR.
	open := privatePlan(t, reg, "")
	_, err = Apply(t.Context(), open, Options{Only: OnlyImages})
	require.EqualError(t, err, "apply: missing clients: Docker, STS")
}

func TestECRLoginRefusesAnotherAccountsRegistry(t *testing.T) {
	f := newFixture(t)
	p := agentPlan(t, 1, 1)
	// the plan's images go to ECR of 123456789012; the credentials are of
	// another account's registry
	other := newFixtureWith(t, fixtureConfig{aws: awsOptions("210987654321")})
	s := f.apply(t, p, func(o *Options) {
		o.Only = OnlyImages
		o.ECR = other.awsClient
	})
	r, _ := s.Find(KindImage, p.Images[0].LocalName)
	require.Equal(t, Failed, r.Action)
	assert.Contains(t, r.Error, "the image is pushed to registry 123456789012.dkr.ecr.us-east-1.amazonaws.com, but the ECR credentials are for 210987654321.dkr.ecr.us-east-1.amazonaws.com")
}
