package awsfake

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"time"
)

type getAuthorizationTokenInput struct {
	RegistryIDs []string `json:"registryIds,omitempty"`
}

type authorizationData struct {
	AuthorizationToken string  `json:"authorizationToken"`
	ExpiresAt          float64 `json:"expiresAt"`
	ProxyEndpoint      string  `json:"proxyEndpoint"`
}

func (s *Server) ecrOperation(op string) jsonOperation {
	switch op {
	case "GetAuthorizationToken":
		return s.getAuthorizationToken
	case "DescribeImages":
		return s.describeImages
	}
	return nil
}

// PutImage records that repository (an ECR repository name, such as
// "data-flows-prefect-envs", not a URI) holds an image tagged tag, creating
// the repository if needed. The fake docker program cannot push to this
// server, so tests call PutImage to stand for a push that happened; only
// DescribeImages sees it.
func (s *Server) PutImage(repository, tag string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.images[repository] == nil {
		s.images[repository] = map[string]bool{}
	}
	s.images[repository][tag] = true
}

type imageIdentifier struct {
	ImageDigest string `json:"imageDigest,omitempty"`
	ImageTag    string `json:"imageTag,omitempty"`
}

type describeImagesInput struct {
	RegistryID     string            `json:"registryId,omitempty"`
	RepositoryName string            `json:"repositoryName"`
	ImageIDs       []imageIdentifier `json:"imageIds,omitempty"`
	MaxResults     int               `json:"maxResults,omitempty"`
	NextToken      string            `json:"nextToken,omitempty"`
}

type imageDetail struct {
	RegistryID     string   `json:"registryId"`
	RepositoryName string   `json:"repositoryName"`
	ImageDigest    string   `json:"imageDigest"`
	ImageTags      []string `json:"imageTags"`
}

// describeImages answers as ECR does for the repositories and tags
// PutImage recorded: RepositoryNotFoundException for a repository that holds
// nothing (or another account's registry), ImageNotFoundException for an
// asked-for tag it does not hold. Only lookups by tag are modelled.
func (s *Server) describeImages(body []byte) (any, *apiError) {
	var in describeImagesInput
	if err := decodeStrict(body, &in); err != nil {
		return nil, &apiError{status: 400, code: "SerializationException", message: err.Error()}
	}
	if in.RepositoryName == "" {
		return nil, &apiError{status: 400, code: "InvalidParameterException", message: "repositoryName must not be empty"}
	}
	registry := in.RegistryID
	if registry == "" {
		registry = s.opts.Account
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tags, ok := s.images[in.RepositoryName]
	if !ok || registry != s.opts.Account {
		return nil, &apiError{status: 400, code: "RepositoryNotFoundException",
			message: fmt.Sprintf("The repository with name '%s' does not exist in the registry with id '%s'", in.RepositoryName, registry)}
	}
	var want []string
	if len(in.ImageIDs) == 0 {
		for tag := range tags {
			want = append(want, tag)
		}
		slices.Sort(want)
	}
	for _, id := range in.ImageIDs {
		if id.ImageTag == "" {
			return nil, clientError("awsfake: DescribeImages by digest is not modelled")
		}
		if !tags[id.ImageTag] {
			return nil, &apiError{status: 400, code: "ImageNotFoundException",
				message: fmt.Sprintf("The image with imageId {imageDigest:'null', imageTag:'%s'} does not exist within the repository with name '%s' in the registry with id '%s'", id.ImageTag, in.RepositoryName, registry)}
		}
		want = append(want, id.ImageTag)
	}
	details := []imageDetail{}
	for _, tag := range want {
		sum := sha256.Sum256([]byte(in.RepositoryName + ":" + tag))
		details = append(details, imageDetail{
			RegistryID: registry, RepositoryName: in.RepositoryName,
			ImageDigest: "sha256:" + hex.EncodeToString(sum[:]), ImageTags: []string{tag},
		})
	}
	return map[string]any{"imageDetails": details}, nil
}

func (s *Server) getAuthorizationToken(body []byte) (any, *apiError) {
	var in getAuthorizationTokenInput
	if err := decodeStrict(body, &in); err != nil {
		return nil, &apiError{status: 400, code: "SerializationException", message: err.Error()}
	}
	ids := in.RegistryIDs
	if len(ids) == 0 {
		ids = []string{s.opts.Account}
	}
	token := base64.StdEncoding.EncodeToString([]byte("AWS:" + s.opts.ECRPassword))
	expires := s.opts.Now().Add(12 * time.Hour)
	var data []authorizationData
	for _, id := range ids {
		data = append(data, authorizationData{
			AuthorizationToken: token,
			ExpiresAt:          float64(expires.UnixMilli()) / 1000,
			ProxyEndpoint:      fmt.Sprintf("https://%s.dkr.ecr.%s.amazonaws.com", id, s.opts.Region),
		})
	}
	return map[string]any{"authorizationData": data}, nil
}
