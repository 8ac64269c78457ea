package awsfake

import (
	"encoding/base64"
	"fmt"
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
	if op == "GetAuthorizationToken" {
		return s.getAuthorizationToken
	}
	return nil
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
