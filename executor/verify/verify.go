// Package verify finds what would make an apply of a plan, or the first
// run of its flows, fail, before anyone approves the plan: IAM roles that
// do not exist or that ECS tasks cannot assume, secrets that are not there,
// an ECR repository nobody created, subnets and security groups that do
// not exist or sit in different VPCs, task sizes Fargate refuses, and a
// Prefect server that is unreachable, of the wrong version or without the
// blocks, block types and work pools the deployments name.
//
// Verify only reads. Each Finding names the resource, the plan paths that
// need it and the fix; a Report with no findings means the plan's
// dependencies are all in place.
package verify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/flowplan/flowplan/executor"
	"github.com/flowplan/flowplan/plan"
)

// The checks a finding can come from, in the order reports list them.
const (
	CheckIAM     = "iam"
	CheckSecrets = "secrets"
	CheckECR     = "ecr"
	CheckImages  = "images"
	CheckNetwork = "network"
	CheckFargate = "fargate"
	CheckPrefect = "prefect"
)

var checkOrder = []string{CheckIAM, CheckSecrets, CheckECR, CheckImages, CheckNetwork, CheckFargate, CheckPrefect}

// Finding is one thing that would make the apply or a flow run fail.
type Finding struct {
	Check string `json:"check"` // one of the Check* constants
	// Resource names what is missing or wrong, e.g. "IAM role
	// data-flows-prefect-main-task-role".
	Resource string `json:"resource"`
	// NeededBy lists the plan paths that need the resource: a flow file,
	// "file: deployment NAME", or "image LOCAL_NAME", sorted.
	NeededBy []string `json:"needed_by"`
	Problem  string   `json:"problem"`
	Fix      string   `json:"fix"`
}

// Report is the outcome of one Verify.
type Report struct {
	Digest string `json:"digest"`
	Target string `json:"target"`
	Region string `json:"region"`
	// Checked lists the checks that ran, in order.
	Checked  []string  `json:"checked"`
	Findings []Finding `json:"findings"`
}

// OK reports whether nothing was found.
func (r *Report) OK() bool { return len(r.Findings) == 0 }

// Options say what to check with which clients. AWS is needed for the AWS
// checks and Prefect for the Prefect ones; a nil client skips its checks
// (and Report.Checked says so).
type Options struct {
	AWS     AWS
	Prefect Prefect
	// PrefectProbe, when set, reads the server's version first instead of
	// Prefect: a client without retries, so that an address nothing answers
	// is reported at once.
	PrefectProbe Prefect
	// Registry looks up image tags in a registry that is not ECR (with
	// Images).
	Registry executor.ImageLookup
	// Images checks that every image tag the plan uses is in its registry
	// or built by the apply.
	Images bool
	// ImagesBuilt says the apply builds and pushes the plan's images (an
	// apply without --only flows): an image missing from its registry is
	// then no finding.
	ImagesBuilt bool
}

// Verify runs every check the options allow on p and returns the report.
// The error is for a plan that cannot be checked at all (its AWS account
// cannot be resolved); anything wrong with a resource is a Finding.
func Verify(ctx context.Context, p *plan.Plan, opts Options) (*Report, error) {
	if p == nil {
		return nil, errors.New("verify: no plan")
	}
	target := p.Target
	if target == "" {
		target = plan.TargetPrefect2Agent
	}
	r := &Report{Digest: p.Digest, Target: target, Region: p.AWS.Region}
	f := &findings{byKey: map[string]int{}}

	if slices.Contains(p.Unknowns, plan.UnknownAWSAccountID) && opts.AWS != nil {
		account, err := opts.AWS.AccountID(ctx)
		if err != nil {
			return nil, fmt.Errorf("verify: resolving the plan's AWS account id from STS: %w", err)
		}
		if p, err = p.ResolveAccount(account); err != nil {
			return nil, fmt.Errorf("verify: resolving the plan's AWS account id: %w", err)
		}
	}
	u := usesOf(p)

	checkFargate(p, u, f)
	r.Checked = append(r.Checked, CheckFargate)
	if opts.AWS != nil {
		checkIAM(ctx, opts.AWS, u, f)
		checkSecrets(ctx, opts.AWS, p.AWS.Region, u, f)
		checkECR(ctx, opts.AWS, p, u, f)
		checkNetwork(ctx, opts.AWS, p, u, f)
		r.Checked = append(r.Checked, CheckIAM, CheckSecrets, CheckECR, CheckNetwork)
	}
	if opts.Images {
		checkImages(ctx, opts, p, u, f)
		r.Checked = append(r.Checked, CheckImages)
	}
	if opts.Prefect != nil && len(p.Flows) > 0 {
		checkPrefect(ctx, opts, p, u, f)
		r.Checked = append(r.Checked, CheckPrefect)
	}
	slices.SortFunc(r.Checked, func(a, b string) int { return slices.Index(checkOrder, a) - slices.Index(checkOrder, b) })
	r.Findings = f.sorted()
	return r, nil
}

// findings collects findings, one per check and resource: a resource that
// several flows need is reported once, with every one of them.
type findings struct {
	list  []Finding
	byKey map[string]int
}

func (f *findings) add(check, resource string, neededBy []string, problem, fix string) {
	key := check + "\x00" + resource + "\x00" + problem
	if i, ok := f.byKey[key]; ok {
		f.list[i].NeededBy = append(f.list[i].NeededBy, neededBy...)
		return
	}
	f.byKey[key] = len(f.list)
	f.list = append(f.list, Finding{Check: check, Resource: resource, NeededBy: slices.Clone(neededBy), Problem: problem, Fix: fix})
}

func (f *findings) sorted() []Finding {
	out := slices.Clone(f.list)
	for i := range out {
		slices.Sort(out[i].NeededBy)
		out[i].NeededBy = slices.Compact(out[i].NeededBy)
		if out[i].NeededBy == nil {
			out[i].NeededBy = []string{}
		}
	}
	slices.SortStableFunc(out, func(a, b Finding) int {
		if d := slices.Index(checkOrder, a.Check) - slices.Index(checkOrder, b.Check); d != 0 {
			return d
		}
		return strings.Compare(a.Resource, b.Resource)
	})
	if out == nil {
		out = []Finding{}
	}
	return out
}
