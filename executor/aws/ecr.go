package aws

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
)

// AuthorizationToken returns the caller's default registry host (no
// scheme), the user name and the password from ECR GetAuthorizationToken.
// Errors never contain the token or the password.
func (c *Client) AuthorizationToken(ctx context.Context) (registry, user, password string, err error) {
	ctx, cancel := c.callContext(ctx)
	defer cancel()
	out, err := c.ecr.GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		return "", "", "", fmt.Errorf("ecr GetAuthorizationToken: %w", err)
	}
	if len(out.AuthorizationData) == 0 {
		return "", "", "", errors.New("ecr GetAuthorizationToken: the response has no authorization data")
	}
	data := out.AuthorizationData[0]
	registry, err = registryHost(sdkaws.ToString(data.ProxyEndpoint))
	if err != nil {
		return "", "", "", fmt.Errorf("ecr GetAuthorizationToken: %w", err)
	}
	user, password, err = splitToken(sdkaws.ToString(data.AuthorizationToken))
	if err != nil {
		return "", "", "", fmt.Errorf("ecr GetAuthorizationToken: %w", err)
	}
	return registry, user, password, nil
}

// registryHost turns a proxy endpoint such as
// https://123.dkr.ecr.us-east-1.amazonaws.com into its host.
func registryHost(endpoint string) (string, error) {
	if endpoint == "" {
		return "", errors.New("the authorization data has no proxy endpoint")
	}
	if !strings.Contains(endpoint, "://") {
		return endpoint, nil
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("proxy endpoint %q is not a URL", endpoint)
	}
	return u.Host, nil
}

// splitToken decodes base64("user:password"). Its errors do not quote the
// token.
func splitToken(token string) (user, password string, err error) {
	if token == "" {
		return "", "", errors.New("the authorization data has no token")
	}
	raw, err := base64.StdEncoding.DecodeString(token)
	if err != nil {
		return "", "", errors.New("the authorization token is not base64")
	}
	user, password, ok := strings.Cut(string(raw), ":")
	if !ok || user == "" || password == "" {
		return "", "", errors.New(`the authorization token is not "user:password"`)
	}
	return user, password, nil
}
