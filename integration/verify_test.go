//go:build integration

package integration

import (
	"encoding/json"
	"flag"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/executor/prefect/prefectfake"
	"github.com/flowplan/flowplan/plan"
	"github.com/flowplan/flowplan/plan/plantest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// The example project's roles and secrets (deployment type main).
var (
	exampleRoles   = []string{"data-flows-prefect-main-exec-role", "data-flows-prefect-main-task-role"}
	exampleSecrets = []string{"/my/secretsmanager/secret", "data-flows/production/marketing-api-token", "data-flows/snowflake/credentials"}
)

const ecsTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// verifyAccount writes to moto directly (uncounted): the clients a test
// uses to build, and then break, the account a plan needs.
type verifyAccount struct {
	iam *iam.Client
	sm  *secretsmanager.Client
	ssm *ssm.Client
	ec2 *ec2.Client
	ecr *ecr.Client
}

func (w *world) account() verifyAccount {
	cfg := sdkaws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDINTEGRATION", "integration-secret", ""),
		BaseEndpoint: sdkaws.String(w.e.moto.url),
	}
	return verifyAccount{iam: iam.NewFromConfig(cfg), sm: secretsmanager.NewFromConfig(cfg), ssm: ssm.NewFromConfig(cfg), ec2: ec2.NewFromConfig(cfg), ecr: ecr.NewFromConfig(cfg)}
}

// verifyFinding is one finding of deployer verify --format json.
type verifyFinding struct {
	Check    string   `json:"check"`
	Resource string   `json:"resource"`
	NeededBy []string `json:"needed_by"`
	Problem  string   `json:"problem"`
	Fix      string   `json:"fix"`
}

// verify runs deployer verify --format json and returns the findings'
// resources, sorted, after checking that verify wrote nothing anywhere.
func (w *world) verify(project, planPath string, args ...string) ([]string, []verifyFinding, result) {
	w.t.Helper()
	w.aws.clear()
	writes := w.prefectWrites()
	r := w.run(project, "deployer", append([]string{"verify", planPath, "--format", "json"}, args...)...)
	var report struct {
		Findings []verifyFinding `json:"findings"`
	}
	require.NoError(w.t, json.Unmarshal([]byte(r.stdout), &report), "%s", r)
	var resources []string
	for _, f := range report.Findings {
		resources = append(resources, f.Resource)
		assert.NotEmpty(w.t, f.NeededBy, "finding without plan path: %+v", f)
		assert.NotEmpty(w.t, f.Fix, "finding without fix: %+v", f)
	}
	slices.Sort(resources)
	want := 0
	if len(report.Findings) > 0 {
		want = 1
	}
	require.Equal(w.t, want, r.code, "%s", r)
	assert.Equal(w.t, writes, w.prefectWrites(), "verify wrote to Prefect")
	w.aws.mu.Lock()
	for call, n := range w.aws.calls {
		_, op, _ := strings.Cut(call, ":")
		if n > 0 && !strings.HasPrefix(op, "Get") && !strings.HasPrefix(op, "Describe") && !strings.HasPrefix(op, "List") {
			w.t.Errorf("verify called %s %d times: it must only read", call, n)
		}
	}
	w.aws.mu.Unlock()
	return resources, report.Findings, r
}

// verifyPlan extracts the example project for ECR (moto's account) with
// the given subnets and security groups.
func (w *world) verifyPlan(project, name string, subnets, groups []string) string {
	w.t.Helper()
	sj, _ := json.Marshal(subnets)
	gj, _ := json.Marshal(groups)
	out := filepath.Join(w.dir, name+".json")
	r := w.run(project, "flowspec-extract", "--deployment-type", "main", "--git-sha", "4f2c1e9d0b7a", "--skip-invalid",
		"--aws-account-id", motoAccount, "--subnets", string(sj), "--security-groups", string(gj), "-o", out)
	require.Equal(w.t, 0, r.code, "%s", r)
	return out
}

// TestVerifyEmptyAccount: against an empty moto and a Prefect server
// without the storage block, every missing piece is reported, each once,
// and the markdown report is the golden one.
func TestVerifyEmptyAccount(t *testing.T) {
	w := newWorld(t, worldOptions{})
	w.prefect = prefectfake.Start(t, prefectfake.WithAPIKey(prefectKey))
	project := w.exampleProject()
	planPath := w.verifyPlan(project, "empty", []string{"subnet-0123456789abcdef0"}, []string{"sg-0123456789abcdef0"})

	resources, findings, _ := w.verify(project, planPath)
	assert.Equal(t, []string{
		"ECR repository data-flows-prefect-envs",
		"IAM role data-flows-prefect-main-exec-role",
		"IAM role data-flows-prefect-main-task-role",
		"Prefect block github/data-flows-main",
		"Secrets Manager secret /my/secretsmanager/secret",
		"Secrets Manager secret data-flows/production/marketing-api-token",
		"Secrets Manager secret data-flows/snowflake/credentials",
		"security group sg-0123456789abcdef0",
		"subnet subnet-0123456789abcdef0",
	}, resources)
	for _, f := range findings {
		if strings.HasPrefix(f.Resource, "IAM role") {
			assert.Equal(t, []string{"src/examples/hello_flow.py", "src/marketing/campaign_metrics_flow.py"}, f.NeededBy, "one finding for a role both flows need")
		}
	}

	r := w.run(project, "deployer", "verify", planPath, "--format", "markdown")
	require.Equal(t, 1, r.code, "%s", r)
	plantest.Golden(t, filepath.Join("testdata", "verify-empty-account.golden.md"), []byte(r.stdout), *update)

	r = w.run(project, "deployer", "verify", planPath, "--format", "yaml")
	assert.Equal(t, 2, r.code, "%s", r)

	t.Log("apply --verify stops before any work")
	a := w.run(project, "deployer", "apply", planPath, "--verify", "--dry-run")
	assert.Equal(t, 1, a.code, "%s", a)
	assert.Contains(t, a.stderr, "nothing was applied")
	assert.Zero(t, w.prefectWrites())
}

// TestVerifyCompleteAccount builds the whole account the example needs in
// moto (roles, secrets, repository, one VPC's subnet and security group),
// checks verify passes, then takes one piece away at a time.
func TestVerifyCompleteAccount(t *testing.T) {
	w := newWorld(t, worldOptions{})
	ctx := t.Context()
	acct := w.account()
	vpcA, subnetA, groupA := acct.exampleAccount(t)
	vpcB := acct.vpc(t, "10.2.0.0/16")
	subnetB := acct.subnet(t, vpcB, "10.2.1.0/24")

	project := w.exampleProject()
	planPath := w.verifyPlan(project, "complete", []string{subnetA}, []string{groupA})
	resources, _, r := w.verify(project, planPath)
	require.Empty(t, resources, "%s", r)
	assert.Positive(t, w.aws.count("iam:GetRole"), "the roles were read from moto")
	assert.Positive(t, w.aws.count("secretsmanager:DescribeSecret"))
	assert.Positive(t, w.aws.count("ec2:DescribeSubnets"))
	assert.Positive(t, w.aws.count("ecr:DescribeRepositories"))
	text := w.run(project, "deployer", "verify", planPath)
	require.Equal(t, 0, text.code, "%s", text)
	assert.Regexp(t, `^Verify of plan sha256:[0-9a-f]{64}: no findings \(checked iam, secrets, ecr, network, fargate, prefect\)\.\n$`, text.stdout)

	t.Log("one missing piece at a time")
	steps := []struct {
		name           string
		breakIt, fixIt func()
		want           string
	}{
		{"a role ECS tasks cannot assume", func() {
			_, err := acct.iam.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: sdkaws.String(exampleRoles[0]),
				PolicyDocument: sdkaws.String(strings.Replace(ecsTrust, "ecs-tasks", "ec2", 1))})
			require.NoError(t, err)
		}, func() {
			_, err := acct.iam.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: sdkaws.String(exampleRoles[0]), PolicyDocument: sdkaws.String(ecsTrust)})
			require.NoError(t, err)
		}, "IAM role " + exampleRoles[0]},
		{"a deleted role", func() {
			_, err := acct.iam.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: sdkaws.String(exampleRoles[1])})
			require.NoError(t, err)
		}, func() {
			_, err := acct.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: sdkaws.String(exampleRoles[1]), AssumeRolePolicyDocument: sdkaws.String(ecsTrust)})
			require.NoError(t, err)
		}, "IAM role " + exampleRoles[1]},
		{"a deleted secret", func() {
			_, err := acct.sm.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: sdkaws.String(exampleSecrets[2]), ForceDeleteWithoutRecovery: sdkaws.Bool(true)})
			require.NoError(t, err)
		}, func() {
			_, err := acct.sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: sdkaws.String(exampleSecrets[2]), SecretString: sdkaws.String("x")})
			require.NoError(t, err)
		}, "Secrets Manager secret " + exampleSecrets[2]},
		{"a deleted repository", func() {
			_, err := acct.ecr.DeleteRepository(ctx, &ecr.DeleteRepositoryInput{RepositoryName: sdkaws.String("data-flows-prefect-envs")})
			require.NoError(t, err)
		}, func() {
			_, err := acct.ecr.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: sdkaws.String("data-flows-prefect-envs")})
			require.NoError(t, err)
		}, "ECR repository data-flows-prefect-envs"},
	}
	for _, s := range steps {
		s.breakIt()
		resources, _, r := w.verify(project, planPath)
		assert.Equal(t, []string{s.want}, resources, "%s: %s", s.name, r)
		s.fixIt()
		resources, _, r = w.verify(project, planPath)
		require.Empty(t, resources, "%s, repaired: %s", s.name, r)
	}

	t.Log("a subnet of another VPC")
	other := w.verifyPlan(project, "two-vpcs", []string{subnetA, subnetB}, []string{groupA})
	resources, findings, r := w.verify(project, other)
	require.Equal(t, []string{"VPCs " + strings.Join(sortedPair(vpcA, vpcB), ", ")}, resources, "%s", r)
	assert.Contains(t, findings[0].Problem, "subnet "+subnetB)

	t.Log("no subnets at all")
	none := w.verifyPlan(project, "no-subnets", nil, []string{groupA})
	resources, _, r = w.verify(project, none)
	assert.Equal(t, []string{"subnets"}, resources, "%s", r)

	t.Log("the storage block missing in Prefect")
	w.prefect = prefectfake.Start(t, prefectfake.WithAPIKey(prefectKey))
	resources, _, r = w.verify(project, planPath)
	assert.Equal(t, []string{"Prefect block github/data-flows-main"}, resources, "%s", r)

	t.Log("a Prefect 3 server for a Prefect 2 plan")
	w.prefect = prefectfake.Start(t, prefectfake.WithAPIKey(prefectKey), prefectfake.WithVersion(prefectfake.Prefect3),
		prefectfake.WithBlockDocument("github", "data-flows-main", map[string]any{"repository": "https://github.com/example/data-flows", "reference": "main-v2"}))
	resources, _, r = w.verify(project, planPath)
	assert.Len(t, resources, 1, "%s", r)
	assert.True(t, strings.HasPrefix(resources[0], "Prefect API "), "%v", resources)

	t.Log("--images: the plan's image is built by the apply, unless --only flows")
	resources, _, r = w.verify(project, planPath, "--images")
	assert.Len(t, resources, 1, "only the Prefect version finding remains: %s", r)
	resources, _, r = w.verify(project, planPath, "--images", "--only", "flows")
	p := readPlan(t, planPath)
	assert.Contains(t, resources, "image "+p.Images[0].URI, "%s", r)
}

func sortedPair(a, b string) []string {
	s := []string{a, b}
	slices.Sort(s)
	return s
}

// roles creates the roles with a trust policy that lets ECS tasks assume
// them.
func (a verifyAccount) roles(t *testing.T, names ...string) {
	t.Helper()
	for _, role := range names {
		_, err := a.iam.CreateRole(t.Context(), &iam.CreateRoleInput{RoleName: sdkaws.String(role), AssumeRolePolicyDocument: sdkaws.String(ecsTrust)})
		require.NoError(t, err)
	}
}

func (a verifyAccount) vpc(t *testing.T, cidr string) string {
	t.Helper()
	out, err := a.ec2.CreateVpc(t.Context(), &ec2.CreateVpcInput{CidrBlock: sdkaws.String(cidr)})
	require.NoError(t, err)
	return sdkaws.ToString(out.Vpc.VpcId)
}

func (a verifyAccount) subnet(t *testing.T, vpcID, cidr string) string {
	t.Helper()
	out, err := a.ec2.CreateSubnet(t.Context(), &ec2.CreateSubnetInput{VpcId: sdkaws.String(vpcID), CidrBlock: sdkaws.String(cidr)})
	require.NoError(t, err)
	return sdkaws.ToString(out.Subnet.SubnetId)
}

// exampleAccount creates everything the example project's main plan needs
// in moto: its roles, its secrets, its ECR repository and one VPC with a
// subnet and a security group, whose ids it returns.
func (a verifyAccount) exampleAccount(t *testing.T) (vpc, subnet, group string) {
	t.Helper()
	ctx := t.Context()
	a.roles(t, exampleRoles...)
	for _, s := range exampleSecrets {
		_, err := a.sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: sdkaws.String(s), SecretString: sdkaws.String("x")})
		require.NoError(t, err)
	}
	_, err := a.ecr.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: sdkaws.String("data-flows-prefect-envs")})
	require.NoError(t, err)
	vpc = a.vpc(t, "10.1.0.0/16")
	subnet = a.subnet(t, vpc, "10.1.1.0/24")
	sg, err := a.ec2.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: sdkaws.String("flows"), Description: sdkaws.String("flows"), VpcId: sdkaws.String(vpc)})
	require.NoError(t, err)
	return vpc, subnet, sdkaws.ToString(sg.GroupId)
}

// putParameter creates (or overwrites) an SSM SecureString parameter.
func (a verifyAccount) putParameter(t *testing.T, name string) {
	t.Helper()
	_, err := a.ssm.PutParameter(t.Context(), &ssm.PutParameterInput{Name: sdkaws.String(name), Value: sdkaws.String("x"), Type: ssmtypes.ParameterTypeSecureString, Overwrite: sdkaws.Bool(true)})
	require.NoError(t, err)
}

func (a verifyAccount) deleteParameter(t *testing.T, name string) {
	t.Helper()
	_, err := a.ssm.DeleteParameter(t.Context(), &ssm.DeleteParameterInput{Name: sdkaws.String(name)})
	require.NoError(t, err)
}

// TestVerifySSMParameters: the hello flow's secrets, rewritten as ECS
// takes them from Parameter Store (a parameter ARN, and a bare name that
// only SSM holds), are looked up in SSM: present, no finding; each one
// missing, one finding naming the parameter and the flow.
func TestVerifySSMParameters(t *testing.T) {
	w := newWorld(t, worldOptions{})
	acct := w.account()
	_, subnet, group := acct.exampleAccount(t)
	project := w.exampleProject()
	planPath := w.verifyPlan(project, "complete", []string{subnet}, []string{group})

	const (
		hierarchical = "/data-flows/ssm/api-token" // by ARN
		bare         = "data-flows-ssm-only-token" // by name, in SSM only
	)
	arn := "arn:aws:ssm:us-east-1:" + motoAccount + ":parameter" + hierarchical
	ssmPlan := w.rewritePlan(planPath, "ssm", func(td *plan.TaskDefinition) {
		td.ContainerDefinitions[0].Secrets = []plan.Secret{{Name: "API_TOKEN", ValueFrom: arn}, {Name: "ONLY_TOKEN", ValueFrom: bare}}
	})
	acct.putParameter(t, hierarchical)
	acct.putParameter(t, bare)

	resources, _, r := w.verify(project, ssmPlan)
	require.Empty(t, resources, "%s", r)
	assert.Positive(t, w.aws.count("ssm:DescribeParameters"), "the parameters were read from moto's SSM")
	assert.Equal(t, 2, w.aws.count("secretsmanager:DescribeSecret"), "Secrets Manager is asked for the campaign flow's two secrets only")

	for _, tc := range []struct{ name, resource, valueFrom, env string }{
		{hierarchical, "SSM parameter " + hierarchical, arn, "API_TOKEN"},
		{bare, "SSM parameter " + bare, bare, "ONLY_TOKEN"},
	} {
		t.Log("missing: " + tc.name)
		acct.deleteParameter(t, tc.name)
		resources, findings, r := w.verify(project, ssmPlan)
		require.Equal(t, []string{tc.resource}, resources, "%s", r)
		f := findings[0]
		assert.Equal(t, "secrets", f.Check)
		assert.Equal(t, []string{"src/examples/hello_flow.py"}, f.NeededBy)
		assert.Contains(t, f.Problem, tc.valueFrom+" (environment variable "+tc.env+") does not exist in us-east-1")
		assert.Contains(t, f.Fix, tc.name)
		acct.putParameter(t, tc.name)
	}

	t.Log("a bare name that only Secrets Manager holds: ECS reads bare names from SSM alone")
	acct.deleteParameter(t, bare)
	_, err := acct.sm.CreateSecret(t.Context(), &secretsmanager.CreateSecretInput{Name: sdkaws.String(bare), SecretString: sdkaws.String("x")})
	require.NoError(t, err)
	resources, findings, r := w.verify(project, ssmPlan)
	require.Equal(t, []string{"SSM parameter " + bare}, resources, "%s", r)
	assert.Contains(t, findings[0].Fix, "full ARN")
}

// TestVerifyWorkerEra verifies the worker-era sample project, planned for
// Prefect 3 and the world's registry (the CNCF one, not ECR): an empty
// account lacks only the roles; with them there is nothing to find; then
// a work pool is taken away in Prefect. With --images the tags are looked
// up in the registry itself: missing before the images are pushed (when
// the apply does not build them), present after.
func TestVerifyWorkerEra(t *testing.T) {
	w := newWorld(t, worldOptions{worker: true})
	project := w.workerProject(0)
	planPath := w.extract(project, "plan", append([]string{"--git-sha", "4f2c1e9d0b7a"}, workerArgs...)...)
	p := readPlan(t, planPath)
	require.Len(t, p.Images, 2)

	t.Log("an empty account: the roles are missing, nothing else")
	resources, _, r := w.verify(project, planPath)
	assert.Equal(t, []string{"IAM role " + exampleRoles[0], "IAM role " + exampleRoles[1]}, resources, "%s", r)

	w.account().roles(t, exampleRoles...)
	resources, _, r = w.verify(project, planPath)
	require.Empty(t, resources, "%s", r)
	text := w.run(project, "deployer", "verify", planPath)
	require.Equal(t, 0, text.code, "%s", text)
	assert.Regexp(t, `: no findings \(checked iam, secrets, ecr, network, fargate, prefect\)\.\n$`, text.stdout)
	assert.Zero(t, w.aws.count("ecr:DescribeRepositories"), "the registry is not ECR")

	t.Log("a work pool missing in Prefect")
	w.prefect.RemoveWorkPool("ml-gpu-main")
	resources, findings, r := w.verify(project, planPath)
	require.Equal(t, []string{"Prefect work pool ml-gpu-main"}, resources, "%s", r)
	require.Len(t, findings[0].NeededBy, 1)
	assert.Contains(t, findings[0].NeededBy[0], "deployment weekly-retrain-main")
	assert.Contains(t, findings[0].Fix, "prefect work-pool create ml-gpu-main")
	w.prefect.AddWorkPool("ml-gpu-main", "ecs")
	resources, _, r = w.verify(project, planPath)
	require.Empty(t, resources, "%s", r)

	t.Log("--images against the registry: built by the apply, so no finding")
	resources, _, r = w.verify(project, planPath, "--images")
	require.Empty(t, resources, "%s", r)

	var images []string
	for _, im := range p.Images {
		images = append(images, "image "+im.URI)
	}
	slices.Sort(images)
	t.Log("--images --only flows before the images are pushed: each tag missing")
	resources, findings, r = w.verify(project, planPath, "--images", "--only", "flows")
	require.Equal(t, images, resources, "%s", r)
	for _, f := range findings {
		assert.Equal(t, "images", f.Check)
		assert.Contains(t, f.Problem, "does not hold tag")
	}
	assert.Empty(t, w.dockerCommands(""), "verify asks the registry's HTTP API, not docker")

	t.Log("after apply --only images: every tag present")
	a := w.run(project, "deployer", "apply", planPath, "--only", "images")
	require.Equal(t, 0, a.code, "%s", a)
	resources, _, r = w.verify(project, planPath, "--images", "--only", "flows")
	require.Empty(t, resources, "%s", r)

	t.Log("a plan of a new commit, its images not pushed: each tag missing")
	next := w.extract(project, "next", append([]string{"--git-sha", "9b8a7c6d5e4f"}, workerArgs...)...)
	var nextImages []string
	for _, im := range readPlan(t, next).Images {
		nextImages = append(nextImages, "image "+im.URI)
	}
	slices.Sort(nextImages)
	resources, _, r = w.verify(project, next, "--images", "--only", "flows")
	require.Equal(t, nextImages, resources, "%s", r)
}
