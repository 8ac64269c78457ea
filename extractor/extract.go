// Package extractor runs the static extraction of a Prefect data project:
// read pyproject.toml, find every *_flow.py, evaluate each FLOW_SPEC without
// running Python, and lift it into a validated spec. Every file is checked;
// every finding is reported, positioned, in the per-file results.
package extractor

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/flowplan/flowplan/extractor/diag"
	"github.com/flowplan/flowplan/extractor/internal/discover"
	"github.com/flowplan/flowplan/extractor/internal/eval"
	"github.com/flowplan/flowplan/extractor/internal/lift"
	"github.com/flowplan/flowplan/extractor/project"
	"github.com/flowplan/flowplan/extractor/spec"
)

// Options configure one extraction.
type Options struct {
	ProjectDir     string                           // the sub-project root holding pyproject.toml
	DeploymentType spec.DeploymentType              // CommonSettings reads it; "" is dev
	Getenv         func(name string) (string, bool) // the environment flow files may read; nil means empty
	// EnvNames lists the environment's variable names, which pydantic
	// settings models need (they read variables in any case); nil makes
	// such a read an error.
	EnvNames    func() []string
	Concurrency int // files evaluated at once; 0 means 2*GOMAXPROCS
	// FlowsFolder, when set, replaces [tool.prefect] flows_folder (the
	// worker-era original's DF_CONFIG_FLOWS_PATH_OVERRIDE).
	FlowsFolder string
}

// EnvRead is one environment variable a flow file read, with what it found.
type EnvRead = eval.EnvRead

// Result is the outcome of an extraction.
type Result struct {
	Project *project.Project
	Files   []spec.FileResult // sorted by path
	// EnvReads lists every environment variable read by any flow file,
	// sorted by name: these are inputs of the plan.
	EnvReads []EnvRead
}

// Failed reports whether any flow file failed.
func (r *Result) Failed() bool {
	for _, f := range r.Files {
		if f.Status == spec.StatusError {
			return true
		}
	}
	return false
}

// Extract reads the project and every flow file in it. An error is returned
// only when the project itself cannot be read; failures of single flow files
// are reported in their FileResult.
func Extract(ctx context.Context, opts Options) (*Result, error) {
	proj, err := project.Load(ctx, opts.ProjectDir)
	if err != nil {
		return nil, err
	}
	if opts.FlowsFolder != "" {
		if err := proj.SetFlowsFolder(opts.FlowsFolder); err != nil {
			return nil, err
		}
	}
	paths, err := discover.FlowFiles(ctx, proj.Root, proj.FlowsFolder)
	if err != nil {
		return nil, fmt.Errorf("finding flow files under %s: %w", proj.FlowsFolder, err)
	}

	interp := eval.New(eval.Options{
		DeploymentType: opts.DeploymentType,
		Getenv:         opts.Getenv,
		EnvNames:       opts.EnvNames,
		Modules:        project.NewModuleFinder(proj),
	})
	// The worker-era default work pool comes from the environment, as in
	// the original: it decides pool names, so it is also a plan input.
	pool := EnvRead{Name: defaultWorkPoolEnv}
	if opts.Getenv != nil {
		pool.Value, pool.Found = opts.Getenv(defaultWorkPoolEnv)
	}
	liftCtx, brokenEnvs := liftContext(proj, pool)

	results := make([]spec.FileResult, len(paths))
	reads := make([][]EnvRead, len(paths))
	workers := opts.Concurrency
	if workers <= 0 {
		// A worker spends most of its time parsing in C, and Go lends its
		// processor (P) to another goroutine while it is there: two
		// workers per P keep each P busy with Go work while the other
		// worker parses.
		workers = 2 * runtime.GOMAXPROCS(0)
	}
	// Workers take the next file from a shared counter: handing files out
	// over a channel woke the sender once per file.
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf []byte // the worker's source buffer, reused file after file
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= len(paths) {
					return
				}
				results[i], reads[i], buf = extractFile(ctx, interp, proj, paths[i], liftCtx, brokenEnvs, buf)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("extraction interrupted: %w", err)
	}
	if len(proj.WorkerEnvs) > 0 {
		reads = append(reads, []EnvRead{pool})
	}
	return &Result{Project: proj, Files: results, EnvReads: mergeEnvReads(reads)}, nil
}

// defaultWorkPoolEnv names the worker-era default work pool.
const defaultWorkPoolEnv = "DF_CONFIG_DEFAULT_WORK_POOL"

// liftContext tells the lift stage which docker envs exist. An env whose
// configuration is broken (say, a missing Dockerfile) is still declared, so
// that its flows get the env's own error rather than "not declared".
func liftContext(proj *project.Project, pool EnvRead) (lift.Context, map[string][]string) {
	lc := lift.Context{AgentEnvs: map[string]bool{}, WorkerEnvs: map[string]bool{}, Timezones: &lift.Timezones{}}
	for name := range proj.Envs {
		lc.AgentEnvs[name] = true
	}
	for name := range proj.WorkerEnvs {
		lc.WorkerEnvs[name] = true
	}
	if pool.Found {
		lc.DefaultWorkPool = pool.Value
	}
	broken := map[string][]string{}
	for _, d := range proj.Diags.Errors() {
		if d.Construct != "" {
			broken[d.Construct] = append(broken[d.Construct], d.Error())
		}
	}
	return lc, broken
}

// extractFile reads the flow file rel into buf, whose storage it returns
// for the next file: nothing keeps the bytes (the parser copies them).
func extractFile(ctx context.Context, interp *eval.Interpreter, proj *project.Project, rel string, lc lift.Context, brokenEnvs map[string][]string, buf []byte) (spec.FileResult, []EnvRead, []byte) {
	res := spec.FileResult{Path: rel, Errors: []string{}, Warnings: []string{}}
	src, err := readFile(filepath.Join(proj.Root, filepath.FromSlash(rel)), buf)
	if err != nil {
		res.Status = spec.StatusError
		res.Errors = append(res.Errors, fmt.Sprintf("%s: cannot read flow file: %v", rel, err))
		return res, nil, buf
	}
	sum := sha256.Sum256(src)
	res.SHA256 = hex.EncodeToString(sum[:])

	mod := interp.EvalFile(ctx, rel, src)
	diags := append(diag.List(nil), mod.Diags...)
	if mod.Invalid != nil {
		// pydantic refused to build a model and the module stopped there:
		// lift says which arguments it refused.
		why := lift.LiftModel(mod.Invalid, lc)
		if !why.HasErrors() {
			why.Add(mod.InvalidDiag)
		}
		diags = append(diags, why...)
	}
	switch {
	case mod.FlowSpec == nil && !diags.HasErrors():
		res.Status = spec.StatusMissing
	case mod.FlowSpec != nil && !diags.HasErrors():
		res.FlowSpecLine = mod.FlowSpecPos.Line
		lifted, ld := lift.Lift(mod.FlowSpec, mod.FlowSpecPos, lc)
		diags = append(diags, ld...)
		if lifted != nil && !ld.HasErrors() {
			diags = append(diags, envErrors(lifted, mod.FlowSpecPos, brokenEnvs)...)
		}
		res.Spec = lifted
	}
	diags.Sort()
	for _, d := range diags {
		if d.Severity == diag.SeverityWarning {
			res.Warnings = append(res.Warnings, d.Error())
		} else {
			res.Errors = append(res.Errors, d.Error())
		}
	}
	if len(res.Errors) > 0 {
		res.Status = spec.StatusError
		res.Spec = nil
	} else if res.Status == "" {
		res.Status = spec.StatusOK
	}
	return res, mod.EnvReads, src
}

// envErrors fails a flow whose docker env is declared but broken.
func envErrors(s *spec.Spec, at diag.Pos, brokenEnvs map[string][]string) diag.List {
	env := ""
	if s.Agent != nil {
		env = s.Agent.DockerEnv
	} else if s.Worker != nil {
		env = s.Worker.DockerEnv
	}
	var out diag.List
	for _, msg := range brokenEnvs[env] {
		out.Add(diag.Errorf(at, "", "docker env %q cannot be used: %s", env, msg))
	}
	return out
}

func mergeEnvReads(perFile [][]EnvRead) []EnvRead {
	seen := map[string]EnvRead{}
	for _, rs := range perFile {
		for _, r := range rs {
			seen[r.Name] = r
		}
	}
	out := make([]EnvRead, 0, len(seen))
	for _, r := range seen {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// ReadAnnotation reads annotation source text as the extractor reads a
// flow parameter's annotation (a type expression, or why it is not one),
// for specs built by hand.
func ReadAnnotation(src string) (*spec.TypeExpr, string) { return eval.ReadAnnotation(src) }
