// Package docker runs the docker program for the executor: build an image
// exactly as the original tool did, log in to a registry with the password
// on standard input only, tag and push. The program's output is streamed
// line by line with a prefix naming the image, and failures report the
// command line (without secrets), the exit status and the last lines of
// output.
package docker

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"time"
)

// DefaultPlatform is the platform images are built for, as the original did.
const DefaultPlatform = "linux/amd64"

// tailLines is how many lines of output an error keeps.
const tailLines = 20

// Runner runs one docker program. A Runner and the copies made by
// WithPrefix and WithEnv share one output, and may run commands
// concurrently: lines of different commands never mix within a line.
type Runner struct {
	program string
	dir     string
	env     []string
	prefix  string
	out     *syncWriter
}

// New returns a Runner for program (a name looked up on PATH or a path),
// run in dir (the project root; "" is the current directory), writing the
// program's output to out (nil discards it).
func New(program, dir string, out io.Writer) *Runner {
	if out == nil {
		out = io.Discard
	}
	return &Runner{program: program, dir: dir, out: &syncWriter{w: out}}
}

// FromEnv returns a Runner for the program named by the DOCKER variable of
// getenv, or "docker" when it is unset or empty.
func FromEnv(getenv func(string) string, dir string, out io.Writer) *Runner {
	return New(cmp.Or(getenv("DOCKER"), "docker"), dir, out)
}

// WithPrefix returns a copy whose output lines start with "[label] ".
func (r *Runner) WithPrefix(label string) *Runner {
	c := *r
	c.prefix = "[" + label + "] "
	return &c
}

// WithEnv returns a copy that adds KEY=VALUE entries to the environment the
// program inherits.
func (r *Runner) WithEnv(kv ...string) *Runner {
	c := *r
	c.env = append(slices.Clip(r.env), kv...)
	return &c
}

// Program returns the docker program the Runner runs.
func (r *Runner) Program() string { return r.program }

// BuildSpec describes one image build.
type BuildSpec struct {
	// LocalName is the image name given to -t.
	LocalName string
	// Dockerfile is the path given to -f, relative to the Runner's dir.
	Dockerfile string
	// Context is the build context directory, relative to the Runner's dir.
	Context string
	// BuildArgs become --build-arg NAME=VALUE, sorted by name.
	BuildArgs map[string]string
	// Platform is given to --platform; empty means DefaultPlatform.
	Platform string
}

// BuildArgs returns the arguments of docker for spec:
// build -t <local> -f <dockerfile> --platform <platform> [--build-arg K=V]... <context>.
func BuildArgs(spec BuildSpec) ([]string, error) {
	if err := positional("image name", spec.LocalName); err != nil {
		return nil, err
	}
	if err := positional("dockerfile", spec.Dockerfile); err != nil {
		return nil, err
	}
	if err := positional("build context", spec.Context); err != nil {
		return nil, err
	}
	args := []string{"build", "-t", spec.LocalName, "-f", spec.Dockerfile, "--platform", cmp.Or(spec.Platform, DefaultPlatform)}
	for _, name := range slices.Sorted(maps.Keys(spec.BuildArgs)) {
		if name == "" || strings.Contains(name, "=") {
			return nil, fmt.Errorf("docker build: build argument name %q is empty or holds '='", name)
		}
		args = append(args, "--build-arg", name+"="+spec.BuildArgs[name])
	}
	return append(args, spec.Context), nil
}

// positional refuses empty values and values docker would read as options.
func positional(what, v string) error {
	if v == "" {
		return fmt.Errorf("docker: the %s is empty", what)
	}
	if strings.HasPrefix(v, "-") {
		return fmt.Errorf("docker: the %s %q starts with '-'", what, v)
	}
	return nil
}

// Build runs docker build for spec.
func (r *Runner) Build(ctx context.Context, spec BuildSpec) error {
	args, err := BuildArgs(spec)
	if err != nil {
		return err
	}
	return r.run(ctx, args, "", nil)
}

// Login runs docker login --username <user> --password-stdin <registry>,
// writing password to the program's standard input. The password is never
// in the arguments, and is masked in streamed output and errors.
func (r *Runner) Login(ctx context.Context, registry, user, password string) error {
	if err := positional("registry", registry); err != nil {
		return err
	}
	if err := positional("user name", user); err != nil {
		return err
	}
	if password == "" {
		return errors.New("docker login: the password is empty")
	}
	return r.run(ctx, []string{"login", "--username", user, "--password-stdin", registry}, password, []string{password})
}

// Tag runs docker tag <src> <dst>.
func (r *Runner) Tag(ctx context.Context, src, dst string) error {
	if err := positional("source image", src); err != nil {
		return err
	}
	if err := positional("target image", dst); err != nil {
		return err
	}
	return r.run(ctx, []string{"tag", src, dst}, "", nil)
}

// Push runs docker push <image>.
func (r *Runner) Push(ctx context.Context, image string) error {
	if err := positional("image", image); err != nil {
		return err
	}
	return r.run(ctx, []string{"push", image}, "", nil)
}

// CommandError is a docker command that failed.
type CommandError struct {
	// Command is the command line, shell-quoted.
	Command string
	// ExitCode is the exit status, or -1 when the program did not exit
	// normally (not started, killed, cancelled).
	ExitCode int
	// Tail holds the last lines of output, secrets masked.
	Tail []string
	// Err is the underlying error.
	Err error
}

func (e *CommandError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %v", e.Command, e.Err)
	if len(e.Tail) > 0 {
		b.WriteString("\nlast output:")
		for _, line := range e.Tail {
			b.WriteString("\n  ")
			b.WriteString(line)
		}
	}
	return b.String()
}

func (e *CommandError) Unwrap() error { return e.Err }

// mask is the text that replaces a secret.
const mask = "********"

func (r *Runner) run(ctx context.Context, args []string, stdin string, secrets []string) error {
	cmd := exec.CommandContext(ctx, r.program, args...)
	cmd.Dir = r.dir
	if len(r.env) > 0 {
		cmd.Env = append(cmd.Environ(), r.env...)
	}
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	configureProcess(cmd)
	cmd.WaitDelay = 5 * time.Second

	tail := &tailBuffer{max: tailLines}
	emit := func(line string) {
		for _, s := range secrets {
			line = strings.ReplaceAll(line, s, mask)
		}
		tail.add(line)
		r.out.writeLine(r.prefix + line)
	}
	stdout, stderr := &lineWriter{emit: emit}, &lineWriter{emit: emit}
	cmd.Stdout, cmd.Stderr = stdout, stderr

	err := cmd.Run()
	stdout.flush()
	stderr.flush()
	if err == nil {
		return nil
	}
	cerr := &CommandError{Command: commandLine(r.program, args), ExitCode: -1, Tail: tail.lines(), Err: err}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) && exitErr.Exited() {
		cerr.ExitCode = exitErr.ExitCode()
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		cerr.Err = fmt.Errorf("%w (%v)", ctxErr, err)
	}
	return cerr
}

// commandLine renders a command for messages, quoting where a shell would
// need it.
func commandLine(program string, args []string) string {
	parts := []string{shellQuote(program)}
	for _, a := range args {
		parts = append(parts, shellQuote(a))
	}
	return strings.Join(parts, " ")
}

func shellQuote(s string) string {
	if s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@%+,", r))
	}) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// syncWriter serializes whole lines onto one writer.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) writeLine(line string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// An output that fails to take a progress line does not fail the build.
	_, _ = io.WriteString(s.w, line+"\n")
}

// maxLine bounds a line held while waiting for its end.
const maxLine = 64 * 1024

// lineWriter splits a stream into lines ("\n" or "\r\n" ended) and hands
// each to emit.
type lineWriter struct {
	buf  []byte
	emit func(string)
}

func (l *lineWriter) Write(p []byte) (int, error) {
	l.buf = append(l.buf, p...)
	for {
		i := slices.Index(l.buf, '\n')
		if i < 0 {
			break
		}
		l.emit(strings.TrimSuffix(string(l.buf[:i]), "\r"))
		l.buf = l.buf[i+1:]
	}
	if len(l.buf) > maxLine {
		l.emit(string(l.buf))
		l.buf = l.buf[:0]
	}
	return len(p), nil
}

// flush emits a last line that had no newline.
func (l *lineWriter) flush() {
	if len(l.buf) > 0 {
		l.emit(strings.TrimSuffix(string(l.buf), "\r"))
		l.buf = nil
	}
}

// tailBuffer keeps the last max lines.
type tailBuffer struct {
	mu   sync.Mutex
	max  int
	keep []string
}

func (t *tailBuffer) add(line string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.keep = append(t.keep, line)
	if len(t.keep) > t.max {
		t.keep = slices.Delete(t.keep, 0, len(t.keep)-t.max)
	}
}

func (t *tailBuffer) lines() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.keep)
}
