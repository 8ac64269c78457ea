package inputs

import (
	"flag"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
		{name: "malformed subnet id", env: map[string]string{"POCKET_AWS_SUBNETS": `["subnet-0123abcd", "subnet-1"]`},
			wantErr: `--subnets "[\"subnet-0123abcd\", \"subnet-1\"]" (from env:POCKET_AWS_SUBNETS): "subnet-1" is not a subnet id (subnet- and 8 or 17 hexadecimal digits)`},
		{name: "security group id in subnets", args: []string{"-subnets", `["sg-0123abcd"]`}, wantErr: `"sg-0123abcd" is not a subnet id`},
		{name: "malformed security group", args: []string{"-security-groups", `["sg-XYZ"]`}, wantErr: `"sg-XYZ" is not a security-group id (sg- and 8 or 17 hexadecimal digits)`},
		{name: "region with a space", args: []string{"-aws-region", "us east"}, wantErr: `--aws-region "us east" (from flag): not an AWS region name such as us-east-1`},
		{name: "region from the environment", env: map[string]string{"DEFAULT_AWS_REGION": "useast1"}, wantErr: `--aws-region "useast1" (from env:DEFAULT_AWS_REGION)`},
		{name: "git sha with a space", args: []string{"-git-sha", "zz top"}, wantErr: `--git-sha "zz top" (from flag): a commit sha (or a word such as dev)`},
		{name: "storage block Prefect refuses", args: []string{"-storage-block", "Data_Flows"}, wantErr: `--storage-block "Data_Flows" (from flag): Prefect refuses block names other than lowercase letters, digits and dashes`},
		{name: "infrastructure block name Prefect refuses", args: []string{"-infrastructure-block", "ecs-task/My Block"}, wantErr: `infrastructure block "ecs-task/My Block" must be <block type slug>/<block name>`},
		{name: "infrastructure block with capitals", args: []string{"-infrastructure-block", "ecs-task/MyBlock"}, wantErr: `--infrastructure-block "ecs-task/MyBlock" (from flag): Prefect refuses`},
		{name: "repository with a token", args: []string{"-git-repository", "https://x:ghp_secret@github.com/o/r.git"}, wantErr: "holds credentials"},
		{name: "repository that is no URL", env: map[string]string{"DF_CONFIG_GH_REPO": "Pocket/data-flows"}, wantErr: `--git-repository "Pocket/data-flows" (from env:DF_CONFIG_GH_REPO): not a repository URL`},
		{name: "branch git refuses", args: []string{"-git-branch", "main..v2"}, wantErr: `--git-branch "main..v2" (from flag): not a git branch name`},
		{name: "flows folder outside the project", env: map[string]string{"MOZILLA_FLOWS_PATH_OVERRIDE": "../elsewhere"}, wantErr: `--flows-folder "../elsewhere" (from env:MOZILLA_FLOWS_PATH_OVERRIDE): must stay inside the project root`},
		{name: "several problems at once", args: []string{"-aws-region", "x", "-git-sha", "a b"}, wantErr: "--git-sha \"a b\" (from flag): a commit sha (or a word such as dev) of letters, digits, '.', '_' and '-': its first 7 characters end image tags and deployment versions\n--aws-region \"x\""},
		{
			name: "ids, names, URLs and folders that are fine",
			args: []string{"-subnets", `["subnet-0123abcd", "subnet-0123456789abcdef0"]`, "-security-groups", `["sg-89abcdef"]`, "-aws-region", "us-gov-west-1",
				"-git-sha", "3f9a1c27d4b5", "-storage-block", "data-flows-main", "-git-repository", "git@github.com:Pocket/data-flows.git", "-git-branch", "release/v2"},
			env: map[string]string{"DF_CONFIG_FLOWS_PATH_OVERRIDE": "flows", "MOZILLA_FLOWS_PATH_OVERRIDE": "ignored"},
			want: map[string]Input{
				"flows-folder":   {"flows-folder", "flows", "env:DF_CONFIG_FLOWS_PATH_OVERRIDE"},
				"git-repository": {"git-repository", "git@github.com:Pocket/data-flows.git", "flag"},
			},
		},
		{
			name: "the old flows folder variable",
			env:  map[string]string{"MOZILLA_FLOWS_PATH_OVERRIDE": "./flows/"},
			want: map[string]Input{"flows-folder": {"flows-folder", "./flows/", "env:MOZILLA_FLOWS_PATH_OVERRIDE"}},
		},
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
			r, err := f.Resolve(func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }, t.TempDir())
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			for name, in := range tt.want {
				assert.Equal(t, in, r.Get(name))
			}
			assert.Len(t, r.All, len(Specs()))
			opts := r.PlanOptions(nil, nil, []EnvRead{{Name: "X", Value: "1", Found: true}, {Name: "Y"}}, "v")
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

func TestArgsForwardsTheFlagsSet(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	var f Flags
	f.Register(fs)
	require.NoError(t, fs.Parse([]string{"--registry", "127.0.0.1:5000/team", "-deployment-type=Main", "--git-sha", "a b"}))
	// in the order of Specs, as given (flowspec-extract resolves them again)
	assert.Equal(t, []string{"--deployment-type=Main", "--git-sha=a b", "--registry=127.0.0.1:5000/team"}, f.Args())

	var none Flags
	none.Register(flag.NewFlagSet("t", flag.ContinueOnError))
	assert.Empty(t, none.Args())
}
