package aws

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
)

// ImageExists reports whether the ECR repository at repositoryURI
// (<account>.dkr.ecr.<region>.amazonaws.com/<name>) holds an image tagged
// tag, with DescribeImages. A missing repository or tag is false with no
// error.
func (c *Client) ImageExists(ctx context.Context, repositoryURI, tag string) (bool, error) {
	registryID, name, err := splitRepositoryURI(repositoryURI)
	if err != nil {
		return false, err
	}
	ctx, cancel := c.callContext(ctx)
	defer cancel()
	_, err = c.ecr.DescribeImages(ctx, &ecr.DescribeImagesInput{
		RegistryId:     sdkaws.String(registryID),
		RepositoryName: sdkaws.String(name),
		ImageIds:       []ecrtypes.ImageIdentifier{{ImageTag: sdkaws.String(tag)}},
	})
	var noImage *ecrtypes.ImageNotFoundException
	var noRepo *ecrtypes.RepositoryNotFoundException
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &noImage), errors.As(err, &noRepo):
		return false, nil
	}
	return false, fmt.Errorf("ecr DescribeImages %s:%s: %w", repositoryURI, tag, err)
}

// ecrHostPattern matches a private ECR registry host:
// <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn].
var ecrHostPattern = regexp.MustCompile(`^[0-9]{12}\.dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$`)

// IsECRRegistry reports whether host (no scheme, no path) is a private
// ECR registry, whose credentials come from GetAuthorizationToken.
func IsECRRegistry(host string) bool { return ecrHostPattern.MatchString(host) }

// splitRepositoryURI splits an ECR repository URI into the registry id (the
// account) and the repository name.
func splitRepositoryURI(uri string) (registryID, name string, err error) {
	host, name, ok := strings.Cut(uri, "/")
	registryID, rest, isECR := strings.Cut(host, ".dkr.ecr.")
	if !ok || name == "" || !isECR || registryID == "" || rest == "" {
		return "", "", fmt.Errorf("repository %q is not an ECR repository URI (<account>.dkr.ecr.<region>.amazonaws.com/<name>)", uri)
	}
	return registryID, name, nil
}

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
