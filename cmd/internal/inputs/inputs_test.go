package inputs

import (
	"flag"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/extractor"
)

func TestResolve(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    map[string]Input
		wantErr string
	}{
		{
			name: "defaults",
			want: map[string]Input{
				"deployment-type": {"deployment-type", "dev", "default"},
				"aws-account-id":  {"aws-account-id", "", "apply"},
				"subnets":         {"subnets", "[]", "default"},
				"prefect-target":  {"prefect-target", "prefect2-agent", "default"},
				"storage-block":   {"storage-block", "data-flows-dev", "default"},
				"git-branch":      {"git-branch", "dev-v2", "default"},
				"registry":        {"registry", "${aws_account_id}.dkr.ecr.us-east-1.amazonaws.com", "default"},
			},
		},
		{
			name: "the default registry is the account's ECR in the region",
			args: []string{"-aws-region", "eu-west-1", "-aws-account-id", "210987654321"},
			want: map[string]Input{"registry": {"registry", "210987654321.dkr.ecr.eu-west-1.amazonaws.com", "default"}},
		},
		{
			name: "a registry from the environment",
			env:  map[string]string{"FLOWPLAN_REGISTRY": "registry.example.com:5000/data-team/"},
			want: map[string]Input{"registry": {"registry", "registry.example.com:5000/data-team", "env:FLOWPLAN_REGISTRY"}},
		},
		{name: "a registry that docker would read as a Docker Hub account", args: []string{"-registry", "datateam"}, wantErr: `registry "datateam": docker would read "datateam" as a Docker Hub account, not a registry host: give a host with a dot or a port, or localhost (from flag)`},
		{
			name: "environment in order, flag first",
			args: []string{"-aws-region", "eu-west-1"},
			env:  map[string]string{"DEPLOYMENT_TYPE": "Main ", "CIRCLE_SHA1": "", "GIT_SHA": "abcdef123", "AWS_DEFAULT_REGION": "us-west-2"},
			want: map[string]Input{
				"deployment-type": {"deployment-type", "main", "env:DEPLOYMENT_TYPE"},
				"git-sha":         {"git-sha", "abcdef123", "env:GIT_SHA"},
				"aws-region":      {"aws-region", "eu-west-1", "flag"},
			},
		},
		{name: "bad type", env: map[string]string{"POCKET_PREFECT_DEPLOYMENT_TYPE": "prod"}, wantErr: `deployment type "prod" (from env:POCKET_PREFECT_DEPLOYMENT_TYPE) must be dev, staging or main`},
		{name: "bad subnets", args: []string{"-subnets", "subnet-1"}, wantErr: "subnets (from flag) must be a JSON list of strings"},
		{name: "bad target", args: []string{"-prefect-target", "prefect4"}, wantErr: `prefect target "prefect4" (from flag)`},
		{name: "empty git sha", args: []string{"-git-sha="}, wantErr: "git sha (from flag) is empty"},
		{name: "short account id", env: map[string]string{"AWS_ACCOUNT_ID": "12"}, wantErr: `AWS account id "12" (from env:AWS_ACCOUNT_ID) must be 12 digits`},
		{name: "account id with letters", args: []string{"-aws-account-id", "12345678901x"}, wantErr: "must be 12 digits"},
		{name: "infrastructure block without a slug", args: []string{"-infrastructure-block", "foo"}, wantErr: `infrastructure block "foo" must be <block type slug>/<block name>, like ecs-task/my-block (from flag)`},
		{
			name: "the original's whole -ib argument",
			env:  map[string]string{"POCKET_PREFECT_INFRASTRUCTURE_BLOCK": "-ib ecs-task/shared", "AWS_ACCOUNT_ID": "123456789012"},
			want: map[string]Input{
				"infrastructure-block": {"infrastructure-block", "-ib ecs-task/shared", "env:POCKET_PREFECT_INFRASTRUCTURE_BLOCK"},
				"aws-account-id":       {"aws-account-id", "123456789012", "env:AWS_ACCOUNT_ID"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := flag.NewFlagSet("t", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			var f Flags
			f.Register(fs)
			require.NoError(t, fs.Parse(tt.args))
			r, err := f.Resolve(func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok })
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			for name, in := range tt.want {
				assert.Equal(t, in, r.Get(name))
			}
			assert.Len(t, r.All, len(Specs()))
			opts := r.PlanOptions(&extractor.Result{EnvReads: []extractor.EnvRead{{Name: "X", Value: "1", Found: true}, {Name: "Y"}}}, "v")
			assert.Equal(t, r.DeploymentType(), opts.DeploymentType)
			if in := r.Get("registry"); in.Source == "default" {
				assert.Empty(t, opts.Registry, "the plan derives the default registry itself")
			} else {
				assert.Equal(t, in.Value, opts.Registry)
			}
			assert.Equal(t, "env:X", opts.Inputs[len(opts.Inputs)-2].Source)
			assert.Equal(t, "env:Y (unset)", opts.Inputs[len(opts.Inputs)-1].Source)
		})
	}
}
