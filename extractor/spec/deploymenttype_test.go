package spec

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseDeploymentType(t *testing.T) {
	tests := []struct {
		in        string
		want      DeploymentType
		scheduled bool
		wantErr   string
	}{
		{in: "dev", want: DeploymentDev},
		{in: "staging", want: DeploymentStaging},
		{in: "main", want: DeploymentMain, scheduled: true},
		{in: "prod", wantErr: `deployment type "prod" must be dev, staging or main`},
		{in: "Main", wantErr: `deployment type "Main" must be dev, staging or main`},
		{in: "", wantErr: `deployment type "" must be dev, staging or main`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDeploymentType(tt.in)
			if tt.wantErr != "" {
				assert.EqualError(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.in, got.String())
			assert.Equal(t, tt.scheduled, got.Scheduled())
		})
	}
}

// The JSON form is the bare name, as plans have always written it.
func TestDeploymentTypeJSON(t *testing.T) {
	b, err := json.Marshal(struct {
		T DeploymentType `json:"deployment_type"`
	}{DeploymentStaging})
	require.NoError(t, err)
	assert.JSONEq(t, `{"deployment_type":"staging"}`, string(b))
}
