package verify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/flowplan/flowplan/executor/aws"
	"github.com/flowplan/flowplan/plan"
)

// AWS is what verify reads from AWS; *AWSClient implements it with the
// SDK.
type AWS interface {
	AccountID(ctx context.Context) (string, error)
	// RoleTrustPolicy returns the role's trust policy document (JSON), or
	// found=false when there is no such role.
	RoleTrustPolicy(ctx context.Context, name string) (policy string, found bool, err error)
	// SecretExists reports whether Secrets Manager holds the secret (a name
	// or an ARN).
	SecretExists(ctx context.Context, id string) (bool, error)
	// ParameterExists reports whether SSM Parameter Store holds the
	// parameter of that name.
	ParameterExists(ctx context.Context, name string) (bool, error)
	// RepositoryExists reports whether ECR holds the repository.
	RepositoryExists(ctx context.Context, registryID, name string) (bool, error)
	// ImageExists reports whether the ECR repository (a URI without tag)
	// holds the tag.
	ImageExists(ctx context.Context, repositoryURI, tag string) (bool, error)
	// SubnetVPCs maps each of ids that exists to its VPC id.
	SubnetVPCs(ctx context.Context, ids []string) (map[string]string, error)
	// SecurityGroupVPCs maps each of ids that exists to its VPC id.
	SecurityGroupVPCs(ctx context.Context, ids []string) (map[string]string, error)
}

// ecsTasksPrincipal is the service that must be allowed to assume the task
// and execution roles.
const ecsTasksPrincipal = "ecs-tasks.amazonaws.com"

func couldNotCheck(f *findings, check, resource string, neededBy []string, err error) {
	f.add(check, resource, neededBy, "could not be checked: "+err.Error(),
		"make sure the credentials deployer runs with may read it (the apply reads and writes with the same ones), then verify again")
}

// checkIAM checks that each task and execution role exists and trusts
// ecs-tasks.amazonaws.com.
func checkIAM(ctx context.Context, a AWS, u uses, f *findings) {
	type role struct {
		arn      string
		kind     string
		neededBy []string
	}
	var roles []*role
	byARN := map[string]*role{}
	for _, t := range u.taskDefs {
		for _, r := range []struct{ arn, kind string }{{t.td.ExecutionRoleArn, "execution"}, {t.td.TaskRoleArn, "task"}} {
			if r.arn == "" {
				continue
			}
			if x, ok := byARN[r.arn]; ok {
				x.neededBy = append(x.neededBy, t.neededBy...)
				continue
			}
			x := &role{arn: r.arn, kind: r.kind, neededBy: slices.Clone(t.neededBy)}
			byARN[r.arn] = x
			roles = append(roles, x)
		}
	}
	for _, r := range roles {
		name := roleName(r.arn)
		res := "IAM role " + name
		policy, found, err := a.RoleTrustPolicy(ctx, name)
		switch {
		case err != nil:
			couldNotCheck(f, CheckIAM, res, r.neededBy, err)
		case !found:
			f.add(CheckIAM, res, r.neededBy, fmt.Sprintf("the %s role %s does not exist", r.kind, r.arn),
				fmt.Sprintf("create the role %s with a trust policy that lets %s assume it", name, ecsTasksPrincipal))
		case !trusts(policy, ecsTasksPrincipal):
			f.add(CheckIAM, res, r.neededBy, fmt.Sprintf("the role's trust policy does not let %s assume it, so ECS cannot start the task", ecsTasksPrincipal),
				fmt.Sprintf("add a statement to the role's trust policy: Effect Allow, Principal {\"Service\": %q}, Action sts:AssumeRole", ecsTasksPrincipal))
		}
	}
}

// roleName is the last path element of a role ARN
// (arn:aws:iam::ACCOUNT:role/PATH/NAME).
func roleName(arn string) string {
	_, res, ok := strings.Cut(arn, ":role/")
	if !ok {
		return arn
	}
	return res[strings.LastIndexByte(res, '/')+1:]
}

// trusts reports whether a trust policy allows service to call
// sts:AssumeRole. IAM returns the document URL-encoded.
func trusts(policy, service string) bool {
	if dec, err := url.QueryUnescape(policy); err == nil && !strings.HasPrefix(strings.TrimSpace(policy), "{") {
		policy = dec
	}
	var doc struct {
		Statement json.RawMessage `json:"Statement"`
	}
	if json.Unmarshal([]byte(policy), &doc) != nil {
		return false
	}
	type statement struct {
		Effect    string          `json:"Effect"`
		Action    json.RawMessage `json:"Action"`
		Principal json.RawMessage `json:"Principal"`
	}
	var stmts []statement
	if json.Unmarshal(doc.Statement, &stmts) != nil {
		var one statement
		if json.Unmarshal(doc.Statement, &one) != nil {
			return false
		}
		stmts = []statement{one}
	}
	for _, s := range stmts {
		if s.Effect != "Allow" {
			continue
		}
		if !slices.ContainsFunc(stringOrList(s.Action), func(a string) bool {
			return a == "*" || strings.EqualFold(a, "sts:*") || strings.EqualFold(a, "sts:AssumeRole")
		}) {
			continue
		}
		var p struct {
			Service json.RawMessage `json:"Service"`
		}
		if json.Unmarshal(s.Principal, &p) == nil && slices.Contains(stringOrList(p.Service), service) {
			return true
		}
	}
	return false
}

func stringOrList(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var list []string
	_ = json.Unmarshal(raw, &list)
	return list
}

// checkSecrets checks that every secret a container reads exists in the
// plan's region: a Secrets Manager ARN in Secrets Manager, an SSM
// parameter ARN in Parameter Store. ECS reads a valueFrom that is no ARN
// as the name of a parameter in the task's region (a Secrets Manager
// secret must be named by its full ARN), so a bare name is looked up in
// Parameter Store only.
func checkSecrets(ctx context.Context, a AWS, region string, u uses, f *findings) {
	type secret struct {
		name, valueFrom string
		neededBy        []string
	}
	var list []*secret
	byRef := map[string]*secret{}
	for _, t := range u.taskDefs {
		for _, c := range t.td.ContainerDefinitions {
			for _, s := range c.Secrets {
				if x, ok := byRef[s.ValueFrom]; ok {
					x.neededBy = append(x.neededBy, t.neededBy...)
					continue
				}
				x := &secret{name: s.Name, valueFrom: s.ValueFrom, neededBy: slices.Clone(t.neededBy)}
				byRef[s.ValueFrom] = x
				list = append(list, x)
			}
		}
	}
	for _, s := range list {
		ref := secretRefOf(s.valueFrom)
		res := ref.describe()
		if ref.region != "" && ref.region != region {
			f.add(CheckSecrets, res, s.neededBy,
				fmt.Sprintf("%s (environment variable %s) is in region %s, but the plan's tasks run in %s", s.valueFrom, s.name, ref.region, region),
				"reference a secret in the plan's region")
			continue
		}
		found, err := ref.exists(ctx, a)
		switch {
		case err != nil:
			couldNotCheck(f, CheckSecrets, res, s.neededBy, err)
		case !found:
			f.add(CheckSecrets, res, s.neededBy,
				fmt.Sprintf("%s (environment variable %s) does not exist in %s, so the task cannot start", s.valueFrom, s.name, region),
				ref.fix(region))
		}
	}
}

// secretRef is a container secret's valueFrom, taken apart.
type secretRef struct {
	service string // "secretsmanager", "ssm" or "" (a bare name: an SSM parameter's)
	id      string // the secret's or the parameter's name
	region  string // from an ARN
}

func secretRefOf(valueFrom string) secretRef {
	parts := strings.SplitN(valueFrom, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return secretRef{id: valueFrom}
	}
	switch parts[2] {
	case "secretsmanager":
		// arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME[:json-key:stage:version]
		name, _ := strings.CutPrefix(parts[5], "secret:")
		if i := strings.IndexByte(name, ':'); i >= 0 {
			name = name[:i]
		}
		return secretRef{service: "secretsmanager", id: name, region: parts[3]}
	case "ssm":
		// arn:aws:ssm:REGION:ACCOUNT:parameter/NAME: a name with slashes
		// keeps its leading one.
		name, _ := strings.CutPrefix(parts[5], "parameter")
		if strings.Count(name, "/") == 1 {
			name = strings.TrimPrefix(name, "/")
		}
		return secretRef{service: "ssm", id: name, region: parts[3]}
	}
	return secretRef{id: valueFrom}
}

func (s secretRef) describe() string {
	switch s.service {
	case "secretsmanager":
		return "Secrets Manager secret " + s.id
	}
	return "SSM parameter " + s.id
}

func (s secretRef) exists(ctx context.Context, a AWS) (bool, error) {
	if s.service == "secretsmanager" {
		return a.SecretExists(ctx, s.id)
	}
	return a.ParameterExists(ctx, s.id)
}

func (s secretRef) fix(region string) string {
	switch s.service {
	case "secretsmanager":
		return fmt.Sprintf("create the secret %s in Secrets Manager in %s (aws secretsmanager create-secret --name %s), or fix the name in the FLOW_SPEC's secrets", s.id, region, s.id)
	case "ssm":
		return fmt.Sprintf("create the parameter %s in SSM Parameter Store in %s, or fix the name in the FLOW_SPEC's secrets", s.id, region)
	}
	return fmt.Sprintf("create the parameter %s in SSM Parameter Store in %s, or, for a Secrets Manager secret, reference it by its full ARN (ECS reads a bare name from Parameter Store only)", s.id, region)
}

// checkECR checks that the ECR repositories the images go to exist
// (docker push does not create them).
func checkECR(ctx context.Context, a AWS, p *plan.Plan, u uses, f *findings) {
	seen := map[string]bool{}
	for _, im := range p.Images {
		host, name, _ := strings.Cut(im.Repository, "/")
		if !aws.IsECRRegistry(host) || seen[im.Repository] {
			continue
		}
		seen[im.Repository] = true
		var needed []string
		for _, other := range p.Images {
			if other.Repository == im.Repository {
				needed = append(needed, "image "+other.LocalName)
			}
		}
		account, _, _ := strings.Cut(host, ".")
		res := "ECR repository " + name
		ok, err := a.RepositoryExists(ctx, account, name)
		switch {
		case err != nil:
			couldNotCheck(f, CheckECR, res, needed, err)
		case !ok:
			f.add(CheckECR, res, needed, fmt.Sprintf("%s does not exist, so pushing the images fails", im.Repository),
				fmt.Sprintf("create it: aws ecr create-repository --repository-name %s --region %s", name, p.AWS.Region))
		}
	}
}

// checkNetwork checks that the plan's subnets and security groups exist in
// its region and share one VPC, and that an agent-era plan, which sends
// its subnets as every run's network configuration, names at least one.
func checkNetwork(ctx context.Context, a AWS, p *plan.Plan, u uses, f *findings) {
	needing := func(id string) []string {
		var out []string
		for _, du := range u.deployments {
			if strings.Contains(string(du.d.Request.InfraOverrides), `"`+id+`"`) || strings.Contains(string(du.d.Request.JobVariables), `"`+id+`"`) {
				out = append(out, du.label)
			}
		}
		if len(out) == 0 {
			out = []string{"aws input"}
		}
		return out
	}
	if len(p.AWS.Subnets) == 0 && agentDeployments(u) {
		var all []string
		for _, du := range u.deployments {
			if du.d.InfrastructureBlock != nil {
				all = append(all, du.label)
			}
		}
		f.add(CheckNetwork, "subnets", all, "the plan names no subnets, and every run's network configuration sends that empty list: Fargate tasks in awsvpc mode need at least one subnet",
			"make the plan again with flowspec-extract --subnets '[\"subnet-...\"]' (or POCKET_AWS_SUBNETS)")
	}
	vpcs := map[string][]string{} // VPC id -> resources in it
	for _, kind := range []struct {
		name string
		ids  []string
		read func(context.Context, []string) (map[string]string, error)
		flag string
	}{
		{"subnet", p.AWS.Subnets, a.SubnetVPCs, "--subnets"},
		{"security group", p.AWS.SecurityGroups, a.SecurityGroupVPCs, "--security-groups"},
	} {
		if len(kind.ids) == 0 {
			continue
		}
		found, err := kind.read(ctx, kind.ids)
		if err != nil {
			couldNotCheck(f, CheckNetwork, kind.name+"s "+strings.Join(kind.ids, ", "), needing(kind.ids[0]), err)
			continue
		}
		for _, id := range kind.ids {
			vpc, ok := found[id]
			if !ok {
				f.add(CheckNetwork, kind.name+" "+id, needing(id), fmt.Sprintf("%s %s does not exist in %s", kind.name, id, p.AWS.Region),
					fmt.Sprintf("make the plan again with %s naming one that exists in %s", kind.flag, p.AWS.Region))
				continue
			}
			vpcs[vpc] = append(vpcs[vpc], kind.name+" "+id)
		}
	}
	if len(vpcs) > 1 {
		var parts []string
		var ids []string
		for vpc, members := range vpcs {
			parts = append(parts, vpc+": "+strings.Join(members, ", "))
			ids = append(ids, vpc)
		}
		slices.Sort(parts)
		slices.Sort(ids)
		var all []string
		for _, id := range append(slices.Clone(p.AWS.Subnets), p.AWS.SecurityGroups...) {
			all = append(all, needing(id)...)
		}
		f.add(CheckNetwork, "VPCs "+strings.Join(ids, ", "), all,
			"the subnets and security groups are in different VPCs ("+strings.Join(parts, "; ")+"), which ECS refuses",
			"make the plan again with subnets and security groups of one VPC")
	}
}

func agentDeployments(u uses) bool {
	return slices.ContainsFunc(u.deployments, func(du deploymentUse) bool { return du.d.InfrastructureBlock != nil })
}
