// Package eval is a hermetic evaluator of module-level Python: it computes
// the values a flow file binds at import time (above all FLOW_SPEC) without
// running Python. Whatever cannot be known statically becomes a
// value.Unknown carrying a positioned reason; it is an error only when the
// result depends on it. Python exceptions that certainly happen at import
// time are reported as diagnostics naming the exception.
package eval

import (
	"context"
	"fmt"
	"github.com/flowplan/flowplan/extractor/spec"
	"runtime/debug"
	"sort"
	"sync"

	"github.com/flowplan/flowplan/extractor/diag"
	"github.com/flowplan/flowplan/extractor/internal/pysyntax"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

// ModuleFinder locates project-local modules.
type ModuleFinder interface {
	// Find locates a project-local module by dotted path ("shared.utils");
	// ok=false when not a project module.
	Find(modulePath string) (displayPath string, src []byte, ok bool, err error)
}

// Options configure an Interpreter.
type Options struct {
	DeploymentType spec.DeploymentType              // common.settings.CommonSettings' deployment_type; "" is dev
	Getenv         func(name string) (string, bool) // the extractor's environment; nil means empty env
	// EnvNames lists the environment's variable names, for pydantic
	// settings, which look variables up in any case; nil means unknown
	// (a settings model reading the environment is then refused).
	EnvNames func() []string
	// StepLimit bounds the evaluation steps of one flow file; 0 means the
	// default, 5,000,000.
	StepLimit int
	Modules   ModuleFinder // may be nil
}

// EnvRead is one environment variable read by evaluated code.
type EnvRead struct {
	Name  string
	Value string
	Found bool
}

// ModuleResult is what evaluating one flow file tells.
type ModuleResult struct {
	FlowSpec    value.Value // nil when FLOW_SPEC is never bound at module level
	FlowSpecPos diag.Pos    // the assignment that counted
	Diags       diag.List   // errors FLOW_SPEC depends on, and warnings
	EnvReads    []EnvRead   // env vars read, sorted by name, deduplicated
	// Invalid is set when building a deployment model raised pydantic's
	// ValidationError that stopped the module: lift.LiftModel tells why,
	// and InvalidDiag is the error to report if it finds nothing.
	Invalid     *value.Instance
	InvalidDiag *diag.Diagnostic
}

// Interpreter evaluates flow files. It is safe for concurrent EvalFile
// calls and caches the parsed project-local modules; each flow file
// executes the modules it imports anew, as its own Python process would.
type Interpreter struct {
	opts    Options
	parsers sync.Pool

	mu     sync.Mutex
	parsed map[string]*parsedModule // project-local modules, by dotted name
}

func (in *Interpreter) stepLimit() int {
	if in.opts.StepLimit > 0 {
		return in.opts.StepLimit
	}
	return maxSteps
}

// New creates an Interpreter.
func New(opts Options) *Interpreter {
	if opts.DeploymentType == "" {
		opts.DeploymentType = spec.DeploymentDev
	}
	return &Interpreter{opts: opts, parsed: map[string]*parsedModule{}}
}

func (in *Interpreter) parse(ctx context.Context, path string, src []byte) (*pysyntax.File, diag.List, error) {
	p, _ := in.parsers.Get().(*pysyntax.Parser)
	if p == nil {
		var err error
		if p, err = pysyntax.NewParser(); err != nil {
			return nil, nil, err
		}
	}
	f, diags, err := p.Parse(ctx, path, src)
	in.parsers.Put(p)
	return f, diags, err
}

// EvalFile evaluates a flow file's module level and reports its FLOW_SPEC.
func (in *Interpreter) EvalFile(ctx context.Context, displayPath string, src []byte) (res *ModuleResult) {
	res = &ModuleResult{}
	s := newSession(ctx, in)
	defer func() {
		if r := recover(); r != nil {
			res.FlowSpec = nil
			res.Diags = append(res.Diags, diag.Errorf(diag.Pos{File: displayPath}, "",
				"internal error in the evaluator: %v\n%s", r, debug.Stack()))
		}
	}()
	f, diags, err := in.parse(ctx, displayPath, src)
	if err != nil {
		res.Diags.Add(diag.Errorf(diag.Pos{File: displayPath}, "", "evaluation stopped: %v", err))
		return res
	}
	if len(diags) > 0 {
		res.Diags = diags
		return res
	}
	m := s.newModule(f, src, "__main__", packageOf(displayPath))
	m.trackFlowSpec = true
	exc := s.run(m)
	res.Diags = append(res.Diags, s.warnings...)
	if exc != nil {
		if exc.Invalid != nil {
			res.Invalid, res.InvalidDiag = exc.Invalid, exc.diagnostic()
		} else {
			res.Diags.Add(exc.diagnostic())
		}
		res.EnvReads = s.sortedEnvReads()
		return res
	}
	if v, ok := m.ns.get("FLOW_SPEC"); ok {
		res.FlowSpec = s.resolveTaint(v, 0)
		res.FlowSpecPos = m.flowSpecPos
		if len(s.poisoned) > 0 {
			res.FlowSpec = nil
			res.Diags = append(res.Diags, s.poisoned...)
		}
	}
	res.EnvReads = s.sortedEnvReads()
	return res
}

// packageOf is the package a flow file's relative imports resolve against:
// its directory as a dotted path.
func packageOf(displayPath string) string {
	dir := ""
	for i := len(displayPath) - 1; i >= 0; i-- {
		if displayPath[i] == '/' || displayPath[i] == '\\' {
			dir = displayPath[:i]
			break
		}
	}
	out := make([]byte, 0, len(dir))
	for i := 0; i < len(dir); i++ {
		if dir[i] == '/' || dir[i] == '\\' {
			out = append(out, '.')
		} else {
			out = append(out, dir[i])
		}
	}
	return string(out)
}

// session is the state of one EvalFile call.
type session struct {
	ctx      context.Context
	in       *Interpreter
	envReads map[string]EnvRead
	warnings diag.List
	// modules are the project-local modules this file imported, copied
	// from the Interpreter's cache so that mutations stay in this file.
	modules map[string]*moduleObj
	stack   []string // local modules being evaluated, for cycles
	taint   map[any]*diag.Diagnostic
	steps   int
	depth   int
	unknown int // how many Unknowns have been made, to tell uncertain try bodies
	copies  map[any]value.Value
	env     *environ
	indexes map[any]*keyIndex // lookup indexes of large dicts and sets
	models  map[*value.Class]*modelDef
	// poisoned lists effects the extractor cannot follow nor bound (exec,
	// globals(), a patched class): each is an error for FLOW_SPEC.
	poisoned diag.List
	// patched holds assignments to attributes of library modules, by module.
	patched map[string]*modulePatch
	// fullFiles are the files whose function bodies were parsed, by path.
	fullFiles map[string]*fullFile
	calls     int // project function calls in progress
	// validatorNames are the pydantic validator functions defined, by
	// module and qualified name, as pydantic's registry keeps them.
	validatorNames map[string]bool
	// libModels are the library classes project models derive from, by
	// class id; cachedSettings are get_cached_settings' instances.
	libModels      map[string]*modelDef
	cachedSettings map[*value.Class]value.Value
	// enums are the project's enum classes (enums.go); enumUsed is set
	// once the enum module is imported.
	enums    map[*value.Class]*enumDef
	enumUsed bool
	// handling are the exceptions being handled (except and finally
	// clauses running), innermost last: a bare raise re-raises the last.
	handling []*pyExc
	// reporting is set while the message of an exception that ends the
	// module is written: project __str__ and __repr__ do not run then.
	reporting int
}

func newSession(ctx context.Context, in *Interpreter) *session {
	return &session{
		ctx: ctx, in: in,
		envReads: map[string]EnvRead{}, validatorNames: map[string]bool{},
		modules: map[string]*moduleObj{},
		taint:   map[any]*diag.Diagnostic{},
		models:  map[*value.Class]*modelDef{},
	}
}

func (s *session) sortedEnvReads() []EnvRead {
	if len(s.envReads) == 0 {
		return nil
	}
	out := make([]EnvRead, 0, len(s.envReads))
	for _, r := range s.envReads {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (s *session) getenv(name string) (string, bool) {
	var v string
	var ok bool
	if s.in.opts.Getenv != nil {
		v, ok = s.in.opts.Getenv(name)
	}
	s.envReads[name] = EnvRead{Name: name, Value: v, Found: ok}
	return v, ok
}

// Limits that keep hostile or broken sources from hanging or exhausting
// memory. They are far above what flow files do.
const (
	maxSteps      = 5_000_000 // evaluation steps per flow file
	maxCallDepth  = 200       // nested evaluation depth
	maxSeqLen     = 1_000_000 // elements of a list, tuple, dict or set
	maxStrLen     = 10 << 20  // bytes of a str
	maxIntBits    = 1 << 20   // bits of an int
	maxModuleNest = 50        // nested local imports
)

func (s *session) step(m *module, n pysyntax.Node) {
	s.steps++
	if limit := s.in.stepLimit(); s.steps > limit {
		panic(m.raise(n, "LimitExceeded", "evaluation takes more than %d steps; refusing to continue", limit))
	}
	if s.steps&1023 == 0 {
		if err := s.ctx.Err(); err != nil {
			panic(m.raise(n, "Cancelled", "evaluation cancelled: %v", err))
		}
	}
}

// pyExc is a Python exception that certainly happens, or a refusal of the
// evaluator (limits, cancellation); it unwinds evaluation as a Go panic and
// is recovered at statement level.
type pyExc struct {
	Type string // Python exception class name, or LimitExceeded / Cancelled
	Diag *diag.Diagnostic
	// Invalid is the deployment model whose construction pydantic refused,
	// for a ValidationError; lift says why (lift.LiftModel).
	Invalid *value.Instance
	// validation holds a project model's ValidationError entries, which a
	// model that validates it as a field nests under its own location.
	validation []fieldError
	// obj is the exception object an except clause binds (exceptions.go);
	// nil until asked for, and for exceptions of unknown class.
	obj *exceptionObj
	// unknowns is session.unknown when it was raised: a try statement
	// whose body made Unknowns before that may have raised another.
	unknowns int
}

func (e *pyExc) diagnostic() *diag.Diagnostic { return e.Diag }

// fatal reports whether the exception is a refusal that no except clause
// may catch.
func (e *pyExc) fatal() bool { return e.Type == "LimitExceeded" || e.Type == "Cancelled" }

func (e *pyExc) String() string { return fmt.Sprintf("%s: %s", e.Type, e.Diag.Error()) }
