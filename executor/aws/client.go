// Package aws is the executor's access to AWS: the account id from STS,
// ECS task definitions (latest revision of a family, registration, and the
// normalized comparison that decides whether a new revision is needed), and
// the ECR registry credentials for docker login and the lookup of an
// already pushed image tag.
//
// Clients come from aws-sdk-go-v2 with the default config chain, so
// AWS_REGION, profiles, SSO and AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_ECS /
// _ECR / _STS all apply, and the SDK's standard retryer retries throttling
// and server errors.
package aws

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/flowplan/flowplan/executor/breaker"
)

// STS gives the account id of the caller.
type STS interface {
	AccountID(ctx context.Context) (string, error)
}

// ECS reads and registers task definitions.
type ECS interface {
	// LatestTaskDefinition returns the newest ACTIVE revision of family and
	// its ARN, or nil and "" when the family has none.
	LatestTaskDefinition(ctx context.Context, family string) (*ecstypes.TaskDefinition, string, error)
	// RegisterTaskDefinition registers a new revision and returns its ARN.
	RegisterTaskDefinition(ctx context.Context, in *ecs.RegisterTaskDefinitionInput) (string, error)
}

// ECR gives registry credentials for docker login and tells whether an
// image tag is already pushed.
type ECR interface {
	// AuthorizationToken returns the registry host (no scheme), the user
	// name and the password. The password must never be logged.
	AuthorizationToken(ctx context.Context) (registry, user, password string, err error)
	// ImageExists reports whether the repository (a URI without tag)
	// holds an image tagged tag.
	ImageExists(ctx context.Context, repositoryURI, tag string) (bool, error)
}

// Options adjust the default config chain. Zero values keep the SDK's
// defaults.
type Options struct {
	// Region overrides the region from the environment and profile.
	Region string
	// Profile selects a shared config profile (like AWS_PROFILE).
	Profile string
	// MaxAttempts caps attempts per call, retries included (SDK default 3).
	MaxAttempts int
	// MaxBackoff caps the delay between retries (SDK default 20s).
	MaxBackoff time.Duration
	// CallTimeout bounds each call, retries included; 0 means no bound
	// beyond the caller's context.
	CallTimeout time.Duration
	// Breaker, when set, sees every request: once it opens for an
	// endpoint (AWS is down), calls to it fail at once and are not
	// retried.
	Breaker *breaker.Breaker
}

// responseHeaderTimeout bounds the wait for an answer's headers when a
// breaker watches the endpoints: twice that is the breaker's window.
const responseHeaderTimeout = breaker.DefaultWindow / 2

// breakerClient sends the SDK's requests through a breaker's transport.
type breakerClient struct{ rt http.RoundTripper }

func (c breakerClient) Do(req *http.Request) (*http.Response, error) { return c.rt.RoundTrip(req) }

// doer is an SDK HTTP client as a RoundTripper.
type doer struct{ c sdkaws.HTTPClient }

func (d doer) RoundTrip(req *http.Request) (*http.Response, error) { return d.c.Do(req) }

// LoadConfig loads the SDK configuration through the default chain
// (environment, shared config and credentials files, SSO, IMDS).
func LoadConfig(ctx context.Context, opts Options) (sdkaws.Config, error) {
	var loads []func(*config.LoadOptions) error
	if opts.Region != "" {
		loads = append(loads, config.WithRegion(opts.Region))
	}
	if opts.Profile != "" {
		loads = append(loads, config.WithSharedConfigProfile(opts.Profile))
	}
	if opts.MaxAttempts > 0 || opts.MaxBackoff > 0 || opts.Breaker != nil {
		loads = append(loads, config.WithRetryer(func() sdkaws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				if opts.MaxAttempts > 0 {
					o.MaxAttempts = opts.MaxAttempts
				}
				if opts.MaxBackoff > 0 {
					o.MaxBackoff = opts.MaxBackoff
				}
				if opts.Breaker != nil {
					// First in the list: an open breaker is never retried.
					o.Retryables = append([]retry.IsErrorRetryable{retry.IsErrorRetryableFunc(func(err error) sdkaws.Ternary {
						if errors.Is(err, breaker.ErrOpen) {
							return sdkaws.FalseTernary
						}
						return sdkaws.UnknownTernary
					})}, o.Retryables...)
				}
			})
		}))
	}

	cfg, err := config.LoadDefaultConfig(ctx, loads...)
	if err != nil {
		return sdkaws.Config{}, fmt.Errorf("loading AWS configuration: %w", err)
	}
	if opts.Breaker != nil {
		// Wrapped after loading: the SDK sets a custom CA bundle
		// (AWS_CA_BUNDLE) on its own client type only.
		inner := cfg.HTTPClient
		if bc, ok := inner.(*awshttp.BuildableClient); ok {
			// An endpoint that takes connections but never answers counts
			// as down too: AWS's control-plane calls answer in seconds.
			inner = bc.WithTransportOptions(func(tr *http.Transport) { tr.ResponseHeaderTimeout = responseHeaderTimeout })
		} else if inner == nil {
			inner = awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) { tr.ResponseHeaderTimeout = responseHeaderTimeout })
		}
		cfg.HTTPClient = breakerClient{rt: opts.Breaker.Transport(doer{inner})}
	}
	if cfg.Region == "" {
		return sdkaws.Config{}, fmt.Errorf("loading AWS configuration: no region: set AWS_REGION or a profile region")
	}
	return cfg, nil
}

// Client implements STS, ECS and ECR with the SDK's clients.
type Client struct {
	region      string
	callTimeout time.Duration
	sts         *sts.Client
	ecs         *ecs.Client
	ecr         *ecr.Client
}

var (
	_ STS = (*Client)(nil)
	_ ECS = (*Client)(nil)
	_ ECR = (*Client)(nil)
)

// New builds a Client from a loaded configuration; callTimeout bounds each
// call (0: no bound beyond the caller's context).
func New(cfg sdkaws.Config, callTimeout time.Duration) *Client {
	return &Client{
		region:      cfg.Region,
		callTimeout: callTimeout,
		sts:         sts.NewFromConfig(cfg),
		ecs:         ecs.NewFromConfig(cfg),
		ecr:         ecr.NewFromConfig(cfg),
	}
}

// Load loads the configuration with LoadConfig and builds a Client.
func Load(ctx context.Context, opts Options) (*Client, error) {
	cfg, err := LoadConfig(ctx, opts)
	if err != nil {
		return nil, err
	}
	return New(cfg, opts.CallTimeout), nil
}

// Region returns the region the clients call.
func (c *Client) Region() string { return c.region }

// callContext applies the per-call timeout.
func (c *Client) callContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if c.callTimeout > 0 {
		return context.WithTimeout(ctx, c.callTimeout)
	}
	return context.WithCancel(ctx)
}

// AccountID returns the caller's account id from STS GetCallerIdentity.
func (c *Client) AccountID(ctx context.Context) (string, error) {
	ctx, cancel := c.callContext(ctx)
	defer cancel()
	out, err := c.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", fmt.Errorf("sts GetCallerIdentity: %w", err)
	}
	if out.Account == nil || *out.Account == "" {
		return "", fmt.Errorf("sts GetCallerIdentity: the response has no account id")
	}
	return *out.Account, nil
}
