package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/flowplan/flowplan/extractor/spec"
)

// PlaceholderAWSAccountID stands for the AWS account id in every
// plan-generated value that needs it (ARNs, ECR image URIs) when the account
// was not given; Plan.Unknowns then lists UnknownAWSAccountID. The executor
// resolves it with ResolveAccount (from STS) before applying.
const PlaceholderAWSAccountID = "${aws_account_id}"

// placeholderTaskDefinitionARNPrefix starts the placeholder for the ARN of a
// task definition revision, which only exists once the executor has
// registered (or found) it.
const placeholderTaskDefinitionARNPrefix = "${task_definition_arn:"

// TaskDefinitionARNPlaceholder is the value of an ECS task block's
// task_definition_arn in the plan: it names the family whose current
// revision ARN the executor puts there.
func TaskDefinitionARNPlaceholder(family string) string {
	return placeholderTaskDefinitionARNPrefix + family + "}"
}

// IsTaskDefinitionARNPlaceholder reports whether s is a
// TaskDefinitionARNPlaceholder, and for which family.
func IsTaskDefinitionARNPlaceholder(s string) (family string, ok bool) {
	if strings.HasPrefix(s, placeholderTaskDefinitionARNPrefix) && strings.HasSuffix(s, "}") {
		return s[len(placeholderTaskDefinitionARNPrefix) : len(s)-1], true
	}
	return "", false
}

var accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)

// IsAccountID reports whether s is an AWS account id: 12 digits.
func IsAccountID(s string) bool { return accountIDPattern.MatchString(s) }

// ResolveAccount returns a copy of the plan with the AWS account id filled
// in wherever the plan generated PlaceholderAWSAccountID: ARNs, image URIs,
// the worker-era task_definition_arn job variable, the aws-account-id and
// (default ECR) registry inputs.
// User-written values (parameters, envars, secret names, job variables) are
// never touched. The copy's Digest is recomputed: verify the original's
// digest before resolving. A plan without the placeholder is returned as a
// copy unchanged.
func (p *Plan) ResolveAccount(accountID string) (*Plan, error) {
	if !accountIDPattern.MatchString(accountID) {
		return nil, fmt.Errorf("resolving the plan's AWS account id: %q is not a 12-digit account id", accountID)
	}
	out, err := p.clone()
	if err != nil {
		return nil, err
	}
	if !slices.Contains(out.Unknowns, UnknownAWSAccountID) {
		return out, nil
	}
	if out.AWS.AccountID != PlaceholderAWSAccountID {
		return nil, fmt.Errorf("resolving the plan's AWS account id: unknowns lists %s but aws.account_id is %q", UnknownAWSAccountID, out.AWS.AccountID)
	}
	out.AWS.AccountID = accountID
	out.Unknowns = slices.DeleteFunc(out.Unknowns, func(u string) bool { return u == UnknownAWSAccountID })
	for i := range out.Inputs {
		in := &out.Inputs[i]
		switch {
		case in.Name == "aws-account-id" && in.Value == "":
			in.Value = accountID
		case in.Name == "registry":
			in.Value = resolveImage(in.Value, accountID)
		}
	}
	for i := range out.Images {
		im := &out.Images[i]
		im.Repository = resolveImage(im.Repository, accountID)
		im.URI = resolveImage(im.URI, accountID)
		resolveTaskDefinition(im.TaskDefinition, accountID)
	}
	for i := range out.Flows {
		f := &out.Flows[i]
		resolveTaskDefinition(f.TaskDefinition, accountID)
		for j := range f.Deployments {
			r := &f.Deployments[j].Request
			if f.API != spec.APIWorker || r.WorkPoolName == nil || !strings.Contains(*r.WorkPoolName, "aws") {
				continue // only AWS work pools get the plan's task_definition_arn
			}
			if r.InfraOverrides, err = resolveJobVariables(r.InfraOverrides, accountID); err != nil {
				return nil, err
			}
			if r.JobVariables, err = resolveJobVariables(r.JobVariables, accountID); err != nil {
				return nil, err
			}
		}
	}
	if out.Digest, err = out.ComputeDigest(); err != nil {
		return nil, err
	}
	return out, nil
}

func resolveTaskDefinition(td *TaskDefinition, account string) {
	if td == nil {
		return
	}
	td.TaskRoleArn = resolveARN(td.TaskRoleArn, account)
	td.ExecutionRoleArn = resolveARN(td.ExecutionRoleArn, account)
	for i := range td.ContainerDefinitions {
		c := &td.ContainerDefinitions[i]
		c.Image = resolveImage(c.Image, account)
		for j := range c.Secrets {
			c.Secrets[j].ValueFrom = resolveARN(c.Secrets[j].ValueFrom, account)
		}
	}
}

// resolveARN replaces the account field (the fifth) of an ARN when it is the
// placeholder; the resource part after it is left alone.
func resolveARN(arn, account string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) == 6 && parts[0] == "arn" && parts[4] == PlaceholderAWSAccountID {
		parts[4] = account
		return strings.Join(parts, ":")
	}
	return arn
}

// resolveImage replaces the placeholder registry account at the start of an
// ECR image URI.
func resolveImage(uri, account string) string {
	if rest, ok := strings.CutPrefix(uri, PlaceholderAWSAccountID+".dkr.ecr."); ok {
		return account + ".dkr.ecr." + rest
	}
	return uri
}

// resolveJobVariables resolves the task_definition_arn job variable the plan
// added for AWS work pools.
func resolveJobVariables(raw json.RawMessage, account string) (json.RawMessage, error) {
	if len(raw) == 0 {
		return raw, nil
	}
	var vars map[string]json.RawMessage
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&vars); err != nil {
		return nil, fmt.Errorf("resolving job variables: %w", err)
	}
	arnRaw, ok := vars["task_definition_arn"]
	if !ok {
		return raw, nil
	}
	var arn string
	if err := json.Unmarshal(arnRaw, &arn); err != nil {
		return raw, nil // not a string: not the plan's ARN
	}
	resolved := resolveARN(arn, account)
	if resolved == arn {
		return raw, nil
	}
	b, err := json.Marshal(resolved)
	if err != nil {
		return nil, fmt.Errorf("resolving job variables: %w", err)
	}
	vars["task_definition_arn"] = b
	out, err := json.Marshal(vars)
	if err != nil {
		return nil, fmt.Errorf("resolving job variables: %w", err)
	}
	return out, nil
}

// clone deep-copies the plan through its JSON form.
func (p *Plan) clone() (*Plan, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("copying plan: %w", err)
	}
	var out Plan
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("copying plan: %w", err)
	}
	return &out, nil
}
