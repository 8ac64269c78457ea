// Command deployer applies, shows and compares flowplan deployment plans,
// and keeps the original deploy-cli's entry points (deploy-envs,
// deploy-flows, check-version) working from a sub-project root.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	buildversion "github.com/flowplan/flowplan/cmd/internal/version"
	"io"
	"os"

	"github.com/flowplan/flowplan/cmd/internal/interrupt"
)

// Exit codes shared by the subcommands (diff --exit-code also uses 2 for
// plans that differ, see diffUsage).
const (
	exitOK     = 0 // success
	exitFailed = 1 // the work failed (a resource, a check, an unreadable plan)
	exitUsage  = 2 // bad flags or arguments
)

const mainUsage = `Usage: deployer <command> [flags] [arguments]

Applies flowplan deployment plans to Docker, ECR, ECS and the Prefect API,
shows them to reviewers and compares them.

Commands:
  apply PLAN            apply a plan (images, task definitions, blocks, deployments)
  show PLAN             summarize a plan for a reviewer
  verify PLAN           check, reading only, what would make the apply or a flow run fail
  diff OLD NEW          compare two plans resource by resource
  export prefect-yaml PLAN
                        write a worker-era plan as prefect.yaml
  deploy-envs           (from a sub-project root) build and push the docker envs
  deploy-flows          (from a sub-project root) extract, plan and apply the flows
  check-version         check the sub-project's version is greater than on the release branch
  help [command]        show a command's help

Flags:
  --check-version       same as the check-version command
  --version             print deployer's version and exit
  -h, --help            this help

Environment: PREFECT_API_URL, PREFECT_API_KEY (sent as a Bearer token, never
printed), the AWS SDK's default chain (AWS_REGION, AWS_PROFILE,
AWS_ENDPOINT_URL, ...), DOCKER (the docker program, default docker).

Exit codes: 0 success; 1 failure (see each command); 2 bad usage;
130 interrupted (SIGINT, Ctrl-C), 143 terminated (SIGTERM).
Run 'deployer help <command>' for a command's flags and exit codes.
`

func main() {
	os.Exit(runProcess(os.Args[1:], os.Stdout, os.Stderr, os.LookupEnv))
}

// runProcess runs deployer as a process: SIGINT (Ctrl-C) and SIGTERM stop
// the work (nothing new starts, requests and docker in flight are
// cancelled, each flow is summed up in one line) and the exit code is then
// 130 or 143.
func runProcess(args []string, stdout, stderr io.Writer, lookup func(string) (string, bool)) int {
	ctx, stop := interrupt.Context(context.Background(), stderr, "deployer")
	defer stop()
	code := run(ctx, args, stdout, stderr, lookup)
	if c, ok := interrupt.ExitCode(ctx); ok {
		return c
	}
	return code
}

// env is the process environment as the commands see it.
type env struct {
	stdout, stderr io.Writer
	lookup         func(string) (string, bool)
}

func (e env) getenv(name string) string {
	v, _ := e.lookup(name)
	return v
}

func (e env) errorf(format string, args ...any) {
	fmt.Fprintf(e.stderr, "deployer: "+format+"\n", args...)
}

type command struct {
	run func(ctx context.Context, e env, args []string) int
}

func commands() map[string]command {
	return map[string]command{
		"apply":         {runApply},
		"show":          {runShow},
		"verify":        {runVerify},
		"diff":          {runDiff},
		"export":        {runExport},
		"deploy-envs":   {runDeployEnvs},
		"deploy-flows":  {runDeployFlows},
		"check-version": {runCheckVersion},
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, lookup func(string) (string, bool)) int {
	e := env{stdout: stdout, stderr: stderr, lookup: lookup}
	if len(args) == 0 {
		fmt.Fprint(stderr, mainUsage)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help":
		fmt.Fprint(stdout, mainUsage)
		return exitOK
	case "--version", "-version", "version":
		fmt.Fprintln(stdout, buildversion.Describe("deployer"))
		return exitOK
	case "--check-version", "-check-version":
		return runCheckVersion(ctx, e, args[1:])
	case "help":
		if len(args) == 1 {
			fmt.Fprint(stdout, mainUsage)
			return exitOK
		}
		c, ok := commands()[args[1]]
		if !ok {
			e.errorf("help: unknown command %q", args[1])
			return exitUsage
		}
		return c.run(ctx, e, []string{"-h"})
	}
	c, ok := commands()[args[0]]
	if !ok {
		e.errorf("unknown command %q (run 'deployer help')", args[0])
		return exitUsage
	}
	return c.run(ctx, e, args[1:])
}

// newFlagSet returns a flag set that reports its errors on stderr; -h is
// handled by parseFlags.
func newFlagSet(e env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("deployer "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {} // parseFlags prints the help, or a hint after an error
	return fs
}

// printHelp writes a command's usage text and its flags to w.
func printHelp(w io.Writer, fs *flag.FlagSet, usage string) {
	fmt.Fprint(w, usage)
	fmt.Fprintln(w, "\nFlags:")
	out := fs.Output()
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(out)
}

// parseFlags parses args, allowing flags after the positional arguments
// (deployer apply plan.json --dry-run), and reports whether to go on and
// with which exit code to stop otherwise: -h prints the help to stdout
// (exit 0), a bad flag is a usage error (exit 2).
func parseFlags(e env, fs *flag.FlagSet, usage string, args []string) ([]string, int, bool) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				printHelp(e.stdout, fs, usage)
				return nil, exitOK, false
			}
			fmt.Fprintf(e.stderr, "run '%s -h' for its flags\n", fs.Name())
			return nil, exitUsage, false
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, 0, true
		}
		if args[0] == "--" {
			return append(positional, args[1:]...), 0, true
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}
