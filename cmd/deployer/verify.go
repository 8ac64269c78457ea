package main

import (
	"context"
	"fmt"
	"time"

	"github.com/flowplan/flowplan/executor"
	"github.com/flowplan/flowplan/executor/aws"
	"github.com/flowplan/flowplan/executor/prefect"
	"github.com/flowplan/flowplan/executor/registry"
	"github.com/flowplan/flowplan/executor/verify"
	"github.com/flowplan/flowplan/plan"
)

const verifyUsage = `Usage: deployer verify PLAN [flags]

Checks, reading only, what would make an apply of the plan or the first run
of its flows fail, against the same accounts and with the same credentials
as apply (PREFECT_API_URL, PREFECT_API_KEY, the AWS SDK's default chain,
AWS_ENDPOINT_URL included):
  iam      the task and execution roles exist and trust ecs-tasks.amazonaws.com
  secrets  every secret a container reads exists in the plan's region
           (a Secrets Manager ARN; an SSM parameter ARN or name)
  ecr      the ECR repositories the images are pushed to exist
  images   (with --images) every image the containers run is in its
           registry or built by the apply
  network  the subnets and security groups exist and share one VPC; an
           agent-era plan names at least one subnet
  fargate  task sizes (task definitions and each deployment's cpu and
           memory), ephemeral storage (21 to 200 GiB), log configuration
  prefect  the API answers with the key, its version fits the plan's
           target, the block types are registered, and the storage blocks
           and work pools the deployments name exist (the ECS task blocks
           and work queues are created by the apply)
Each finding names the resource, the plan paths that need it and the fix.
Results go to stdout.

Exit codes: 0 no findings; 1 findings (or the plan cannot be read or
checked); 2 bad usage.
`

// verifyFlags are verify's flags; apply --verify uses them too.
type verifyFlags struct {
	format string
	images bool
	only   string
}

func runVerify(ctx context.Context, e env, args []string) int {
	fs := newFlagSet(e, "verify")
	var f verifyFlags
	fs.StringVar(&f.format, "format", verify.FormatText, "text, markdown (for a pull request comment) or json")
	fs.BoolVar(&f.images, "images", false, "also check that every image tag the plan uses is in its registry or built by the apply")
	fs.StringVar(&f.only, "only", "", "check for an apply with this --only: flows means the apply builds no image")
	pos, code, ok := parseFlags(e, fs, verifyUsage, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		e.errorf("verify: want exactly one PLAN argument, got %d (see deployer help verify)", len(pos))
		return exitUsage
	}
	switch f.format {
	case verify.FormatText, verify.FormatMarkdown, verify.FormatJSON:
	default:
		e.errorf("verify: --format %q: must be text, markdown or json", f.format)
		return exitUsage
	}
	switch f.only {
	case "", executor.OnlyImages, executor.OnlyFlows:
	default:
		e.errorf("verify: --only %q: must be images or flows", f.only)
		return exitUsage
	}
	p, err := readPlan(pos[0])
	if err != nil {
		e.errorf("verify: %v", err)
		return exitFailed
	}
	if err := p.VerifyDigest(); err != nil {
		fmt.Fprintf(e.stderr, "deployer: warning: %v\n", err)
	}
	r, err := verifyPlan(ctx, e, p, f)
	if err != nil {
		e.errorf("verify: %v", err)
		return exitFailed
	}
	if err := r.Write(e.stdout, f.format); err != nil {
		e.errorf("verify: %v", err)
		return exitFailed
	}
	if !r.OK() {
		return exitFailed
	}
	return exitOK
}

// verifyPlan builds the clients from the environment, as apply does, and
// verifies p.
func verifyPlan(ctx context.Context, e env, p *plan.Plan, f verifyFlags) (*verify.Report, error) {
	opts := verify.Options{Images: f.images, ImagesBuilt: f.only != executor.OnlyFlows}
	cfg, err := aws.LoadConfig(ctx, aws.Options{})
	if err != nil {
		return nil, err
	}
	opts.AWS = verify.NewAWSClient(cfg, 2*time.Minute)
	if f.only != executor.OnlyImages && len(p.Flows) > 0 {
		pc, err := prefectFromEnv(e)
		if err != nil {
			return nil, err
		}
		probe, err := prefectFromEnv(e, prefect.WithMaxRetries(0), prefect.WithTimeout(reachTimeout))
		if err != nil {
			return nil, err
		}
		opts.Prefect, opts.PrefectProbe = pc, probe
	}
	if f.images {
		creds, err := registryCredentials(e)
		if err != nil {
			return nil, err
		}
		opts.Registry = registry.New(creds, registry.WithCredentialsHint("set "+registryUserEnv+" and "+registryPasswordEnv))
	}
	return verify.Verify(ctx, p, opts)
}
