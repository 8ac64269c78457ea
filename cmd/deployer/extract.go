package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/flowplan/flowplan/plan"
)

// deployer holds deploy credentials, so it links no Python parser or
// evaluator and builds without cgo: deploy-envs and deploy-flows read the
// flow files by running flowspec-extract, the program that does, and apply
// the plan it writes. The two meet at the plan, the same artifact CI
// hands from flowspec-extract to deployer apply.

// extractProgram is the program deploy-envs and deploy-flows run.
const extractProgram = "flowspec-extract"

// extractStopDelay is how long flowspec-extract has to stop after an
// interrupt before it is killed.
const extractStopDelay = 5 * time.Second

// findExtract returns the flowspec-extract to run: the one next to
// deployer's own executable (make build and a release put both in one
// folder), else the first on PATH. The error says where it looked.
func findExtract(e env) (string, error) {
	var looked []string
	if self, err := os.Executable(); err == nil {
		dir := filepath.Dir(self)
		candidate := filepath.Join(dir, extractProgram)
		if isExecutable(candidate) {
			return candidate, nil
		}
		looked = append(looked, "next to deployer in "+dir)
	} else {
		looked = append(looked, fmt.Sprintf("not next to deployer (its own path is unknown: %v)", err))
	}
	path, err := exec.LookPath(extractProgram)
	if err == nil {
		return path, nil
	}
	looked = append(looked, fmt.Sprintf("on PATH=%s", e.getenv("PATH")))
	if errors.Is(err, exec.ErrDot) {
		looked[len(looked)-1] += " (only relative to the current folder, which is not trusted: " + path + ")"
	}
	return "", fmt.Errorf("%s not found: it reads the flow files for deployer; looked %s and %s. Install it next to deployer (make build puts both in bin/) or on PATH",
		extractProgram, looked[0], looked[1])
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// extractError is a run of flowspec-extract that did not succeed. Its own
// diagnostics went to deployer's stderr.
type extractError struct {
	path string
	code int    // the exit code, or -1
	sig  string // the signal that ended it, if any
	err  error  // a failure to start or wait for it
}

func (e *extractError) Error() string {
	switch {
	case e.err != nil:
		return fmt.Sprintf("running %s: %v", e.path, e.err)
	case e.sig != "":
		return fmt.Sprintf("%s was stopped by signal %s", e.path, e.sig)
	case e.code == 1:
		return fmt.Sprintf("%s exited 1: a flow file failed or the plan could not be made (its report is above)", e.path)
	case e.code == 2:
		return fmt.Sprintf("%s exited 2: the project cannot be read or an input is missing (its message is above)", e.path)
	}
	return fmt.Sprintf("%s exited %d (its message, if any, is above)", e.path, e.code)
}

// runExtract runs flowspec-extract with args in the current folder and
// deployer's own environment, its standard output to stdout and its
// diagnostics passed through to deployer's stderr. An interrupt of
// deployer interrupts it.
func runExtract(ctx context.Context, e env, args []string, stdout io.Writer) error {
	path, err := findExtract(e)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Stdout, cmd.Stderr = stdout, e.stderr
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = extractStopDelay
	err = cmd.Run()
	if err == nil {
		return nil
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return &extractError{path: path, code: -1, err: err}
	}
	xe := &extractError{path: path, code: ee.ExitCode()}
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		xe.sig = ws.Signal().String()
	}
	return xe
}

// extractPlan runs flowspec-extract on the project with the given
// arguments and returns the plan it writes, its digest checked. The
// plan's bytes are returned too: they are what was checked.
func extractPlan(ctx context.Context, e env, args []string) (*plan.Plan, []byte, error) {
	var out bytes.Buffer
	if err := runExtract(ctx, e, append(args, "-o", "-"), &out); err != nil {
		return nil, nil, err
	}
	b := out.Bytes()
	p, err := plan.Parse(b)
	if err == nil {
		err = plan.VerifyDigestOf(b, p)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("the plan %s wrote: %w", extractProgram, err)
	}
	return p, b, nil
}
