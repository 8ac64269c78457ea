package main

import (
	"context"
	"fmt"

	"github.com/flowplan/flowplan/checkversion"
	"github.com/flowplan/flowplan/cmd/internal/inputs"
	"github.com/flowplan/flowplan/cmd/internal/output"
	"github.com/flowplan/flowplan/executor"
)

const deployEnvsUsage = `Usage: deployer deploy-envs [--build-only] [flags]

The original 'deploy-cli deploy-envs', run from a sub-project root: reads
pyproject.toml, builds every docker env's image and (unless --build-only)
logs in to its registry (ECR, or the --registry given), tags and pushes
it; an image the registry already holds under the commit's tag is left
alone unless --force-build. The plan comes from flowspec-extract
--skip-invalid (see below): flow files are read statically (no Python runs)
and their failures do not stop the images.

The plan inputs come from the flags below or the same environment variables
flowspec-extract reads.

Exit codes: 0 every image built (and pushed); 1 an image failed, the
project cannot be read or flowspec-extract is missing; 2 bad usage.
` + extractNote

const deployFlowsUsage = `Usage: deployer deploy-flows [--validate-only] [--save-plan FILE] [flags]

The original 'deploy-cli deploy-flows', run from a sub-project root:
flowspec-extract evaluates every flow file's FLOW_SPEC statically (no Python
runs) and makes the plan, and deployer applies its flows (task definitions,
blocks, flows, deployments; images come from deploy-envs). Every failing
flow file is listed and nothing is applied while any fails. --validate-only
only checks the flow specs, by running flowspec-extract --validate-only.
--save-plan keeps the plan it applied.

The plan inputs come from the flags below or the same environment variables
flowspec-extract reads; PREFECT_API_URL, PREFECT_API_KEY and the AWS SDK's
default chain as for apply.

Exit codes: 0 valid (and applied); 1 a flow file or a resource failed, the
project cannot be read or flowspec-extract is missing; 2 bad usage.
` + extractNote

// extractNote is the part of deploy-envs' and deploy-flows' help about
// flowspec-extract.
const extractNote = `
deployer itself reads no Python: it runs the flowspec-extract program found
next to its own executable, else on PATH, with the input flags given and its
own environment; flowspec-extract's messages appear on stderr.
`

const checkVersionUsage = `Usage: deployer check-version [--against REF] [--project DIR]
       deployer --check-version

The original 'deploy-cli --check-version', run from a sub-project root: the
sub-project's version in pyproject.toml must be greater, by PEP 440 (epochs,
pre-, post- and dev-releases), than the same sub-project's version at REF
(default origin/main-v2; a path to a pyproject.toml also works). A
sub-project missing there counts as 0.0.0.

Exit codes: 0 the local version is greater; 1 it is not, or a version cannot
be read; 2 bad usage.
`

// extractArgs are the flowspec-extract arguments for the project and the
// input flags given to deployer; the inputs from the environment reach it
// through its environment, which is deployer's.
func extractArgs(project string, in *inputs.Flags) []string {
	return append([]string{"--project=" + project}, in.Args()...)
}

func runDeployEnvs(ctx context.Context, e env, args []string) int {
	fs := newFlagSet(e, "deploy-envs")
	var f applyFlags
	var in inputs.Flags
	fs.BoolVar(&f.buildOnly, "build-only", false, "only run docker build")
	f.register(fs, false)
	f.registerForceBuild(fs)
	in.Register(fs)
	pos, code, ok := parseFlags(e, fs, deployEnvsUsage, args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		e.errorf("deploy-envs: unexpected argument %q", pos[0])
		return exitUsage
	}
	f.only = executor.OnlyImages
	// The inputs are checked here, so that a bad one is a usage error
	// (exit 2) before flowspec-extract runs.
	_, err := in.Resolve(e.lookup, f.project)
	if err == nil {
		err = f.check()
	}
	if err != nil {
		e.errorf("deploy-envs: %v", err)
		return exitUsage
	}
	// The images do not depend on the flows: a failing flow file is
	// skipped (and reported), as --skip-invalid does.
	p, _, err := extractPlan(ctx, e, append(extractArgs(f.project, &in), "--skip-invalid"))
	if err != nil {
		e.errorf("deploy-envs: %v", err)
		return exitFailed
	}
	if len(p.Images) == 0 {
		e.errorf("deploy-envs: the project declares no docker envs ([tool.prefect.envs] or [tool.prefect.docker])")
		return exitFailed
	}
	return applyPlan(ctx, e, p, f)
}

func runDeployFlows(ctx context.Context, e env, args []string) int {
	fs := newFlagSet(e, "deploy-flows")
	var f applyFlags
	var in inputs.Flags
	var validateOnly bool
	var savePlan string
	fs.BoolVar(&validateOnly, "validate-only", false, "only validate the flow specs")
	fs.StringVar(&savePlan, "save-plan", "", "write the plan that is applied to this file")
	f.register(fs, false)
	in.Register(fs)
	pos, code, ok := parseFlags(e, fs, deployFlowsUsage, args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		e.errorf("deploy-flows: unexpected argument %q", pos[0])
		return exitUsage
	}
	f.only = executor.OnlyFlows
	// The inputs are checked here, so that a bad one is a usage error
	// (exit 2) before flowspec-extract runs.
	_, err := in.Resolve(e.lookup, f.project)
	if err == nil {
		err = f.check()
	}
	if err == nil && savePlan != "" {
		if err = output.Check(savePlan); err != nil {
			err = fmt.Errorf("--save-plan: %w", err)
		}
	}
	if err != nil {
		e.errorf("deploy-flows: %v", err)
		return exitUsage
	}
	if validateOnly {
		// flowspec-extract --validate-only prints the report: the code is
		// checked, and inputs only a deployment needs may be missing.
		if err := runExtract(ctx, e, append(extractArgs(f.project, &in), "--validate-only"), e.stdout); err != nil {
			e.errorf("deploy-flows: %v", err)
			return exitFailed
		}
		return exitOK
	}
	p, b, err := extractPlan(ctx, e, extractArgs(f.project, &in))
	if err != nil {
		e.errorf("deploy-flows: nothing applied: %v", err)
		return exitFailed
	}
	if savePlan != "" {
		if err := output.Write(savePlan, e.stdout, b); err != nil {
			e.errorf("deploy-flows: saving the plan: %v", err)
			return writeExitCode(err)
		}
		fmt.Fprintf(e.stderr, "deployer: plan %s saved to %s\n", p.Digest, savePlan)
	}
	return applyPlan(ctx, e, p, f)
}

func runCheckVersion(ctx context.Context, e env, args []string) int {
	fs := newFlagSet(e, "check-version")
	var against, project string
	fs.StringVar(&against, "against", checkversion.DefaultAgainst, "git ref (or pyproject.toml path) to compare with")
	fs.StringVar(&project, "project", ".", "the sub-project root holding pyproject.toml")
	pos, code, ok := parseFlags(e, fs, checkVersionUsage, args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		e.errorf("check-version: unexpected argument %q", pos[0])
		return exitUsage
	}
	r, err := checkversion.Check(ctx, project, against)
	if err != nil {
		// A *checkversion.NotGreaterError names both versions.
		e.errorf("check-version: %v", err)
		return exitFailed
	}
	fmt.Fprintln(e.stdout, r.String())
	return exitOK
}
