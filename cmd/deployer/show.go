package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/flowplan/flowplan/cmd/internal/output"

	"github.com/flowplan/flowplan/plan"
	"github.com/flowplan/flowplan/plan/diff"
	"github.com/flowplan/flowplan/plan/prefectyaml"
	"github.com/flowplan/flowplan/plan/render"
)

const showUsage = `Usage: deployer show PLAN [--format text|markdown|json]

Summarizes a plan for a reviewer: the images, then per flow its task
definition essentials and each deployment (schedule in words and cron,
parameters, resources, secrets by name only). A plan whose digest does not
match its content is shown with a warning on stderr (apply would refuse it).

Exit codes: 0 shown; 1 the plan cannot be read; 2 bad usage.
`

const diffUsage = `Usage: deployer diff OLD NEW [--format text|markdown|json] [--exit-code]

Compares two plans by resource identity (image, task definition family,
block, flow, deployment): + added, - removed, ~ changed with old -> new
values per field. Plans for different deployment types are compared with the
type suffix removed, and the output says so. Provenance (a flow file's
sha256, path and FLOW_SPEC line, the pyproject.toml hash, an input's source)
is listed apart and is no change to deploy. A skipped file's reason is
summed up. Markdown has one collapsible section per flow, ready for a pull
request comment, whose diff blocks GitHub colours (a changed value is its
old line removed and its new line added).

Exit codes: 0 compared; 1 a plan cannot be read; 2 bad usage. With
--exit-code (as terraform's -detailed-exitcode), 0 nothing to deploy
differs (provenance may) and 2 something does; bad usage then also exits 2,
but prints nothing on stdout and its reason on stderr.
`

const exportUsage = `Usage: deployer export prefect-yaml PLAN [-o FILE]

Writes the plan's worker-era deployments as the prefect.yaml that
'prefect deploy --all' reads, for teams that deploy with the Prefect CLI.
Agent-era flows, unresolved account ids and values prefect deploy would
change are refused, each named.

Exit codes: 0 written; 1 the plan cannot be read or expressed (or its digest
does not match); 2 bad usage.
`

func formatFlag(fs interface {
	StringVar(p *string, name, value, usage string)
}, dst *string) {
	names := make([]string, 0, len(render.Formats()))
	for _, f := range render.Formats() {
		names = append(names, string(f))
	}
	fs.StringVar(dst, "format", string(render.FormatText), "output format: "+strings.Join(names, ", "))
}

func runShow(_ context.Context, e env, args []string) int {
	fs := newFlagSet(e, "show")
	var format string
	formatFlag(fs, &format)
	pos, code, ok := parseFlags(e, fs, showUsage, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		e.errorf("show: want exactly one PLAN argument, got %d (see deployer help show)", len(pos))
		return exitUsage
	}
	f, err := render.ParseFormat(format)
	if err != nil {
		e.errorf("show: %v", err)
		return exitUsage
	}
	p, raw, err := readPlanBytes(pos[0])
	if err != nil {
		e.errorf("show: %v", err)
		return exitFailed
	}
	warnDigest(e, pos[0], plan.VerifyDigestOf(raw, p))
	if err := render.Show(e.stdout, p, f, render.Options{}); err != nil {
		e.errorf("show: %v", err)
		return exitFailed
	}
	return exitOK
}

// writeExitCode is the exit code of a failed write of a command's result:
// a folder that cannot take the file is a usage problem.
func writeExitCode(err error) int {
	var fe *output.FolderError
	if errors.As(err, &fe) {
		return exitUsage
	}
	return exitFailed
}

// warnDigest says on stderr when a plan was changed after it was written
// (err is its digest check).
func warnDigest(e env, path string, err error) {
	if err != nil {
		fmt.Fprintf(e.stderr, "deployer: warning: %s: %v (apply would refuse this plan)\n", path, err)
	}
}

func runDiff(_ context.Context, e env, args []string) int {
	const exitDifferent = 2
	fs := newFlagSet(e, "diff")
	var format string
	var exitCode bool
	formatFlag(fs, &format)
	fs.BoolVar(&exitCode, "exit-code", false, "exit 2 when the plans differ, 0 when they are equal")
	pos, code, ok := parseFlags(e, fs, diffUsage, args)
	if !ok {
		return code
	}
	if len(pos) != 2 {
		e.errorf("diff: want OLD and NEW plan arguments, got %d (see deployer help diff)", len(pos))
		return exitUsage
	}
	f, err := render.ParseFormat(format)
	if err != nil {
		e.errorf("diff: %v", err)
		return exitUsage
	}
	// The two plans are read, parsed and checked at once: on a large plan
	// that is most of a diff's time.
	plans := make([]*plan.Plan, 2)
	errs, digestErrs := make([]error, 2), make([]error, 2)
	var wg sync.WaitGroup
	for i, path := range pos {
		wg.Go(func() {
			// A diff compares what is derived from the flows' specs, not
			// the specs: they are skipped, unless the file is not as
			// flowplan wrote it and its digest needs the whole plan.
			var raw []byte
			if plans[i], raw, errs[i] = readPlanWith(path, plan.ParseWithoutSpecs); errs[i] != nil {
				return
			}
			if !plan.FileMatchesDigest(raw, plans[i].Digest) {
				if plans[i], errs[i] = plan.Parse(raw); errs[i] == nil {
					digestErrs[i] = plans[i].VerifyDigest()
				}
			}
		})
	}
	wg.Wait()
	for i, path := range pos {
		if errs[i] != nil {
			e.errorf("diff: %v", errs[i])
			return exitFailed
		}
		warnDigest(e, path, digestErrs[i])
	}
	r := diff.Plans(plans[0], plans[1])
	if err := diff.Write(e.stdout, r, f, render.Options{}); err != nil {
		e.errorf("diff: %v", err)
		return exitFailed
	}
	if exitCode && !r.Empty() {
		return exitDifferent
	}
	return exitOK
}

func runExport(_ context.Context, e env, args []string) int {
	if len(args) == 0 || args[0] != "prefect-yaml" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			fmt.Fprint(e.stdout, exportUsage)
			return exitOK
		}
		e.errorf("export: want 'export prefect-yaml PLAN' (see deployer help export)")
		return exitUsage
	}
	fs := newFlagSet(e, "export prefect-yaml")
	var out string
	fs.StringVar(&out, "o", "-", "write prefect.yaml to this file (- is stdout)")
	pos, code, ok := parseFlags(e, fs, exportUsage, args[1:])
	if !ok {
		return code
	}
	if len(pos) != 1 {
		e.errorf("export prefect-yaml: want exactly one PLAN argument, got %d", len(pos))
		return exitUsage
	}
	if err := output.Check(out); err != nil {
		e.errorf("export prefect-yaml: -o: %v", err)
		return exitUsage
	}
	p, err := readPlan(pos[0])
	if err != nil {
		e.errorf("export prefect-yaml: %v", err)
		return exitFailed
	}
	if err := p.VerifyDigest(); err != nil {
		e.errorf("export prefect-yaml: refusing %s: %v", pos[0], err)
		return exitFailed
	}
	b, err := prefectyaml.Marshal(p)
	if err != nil {
		e.errorf("export prefect-yaml: %v", err)
		return exitFailed
	}
	if err := output.Write(out, e.stdout, b); err != nil {
		e.errorf("export prefect-yaml: %v", err)
		return writeExitCode(err)
	}
	return exitOK
}
