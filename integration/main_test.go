//go:build integration

package integration

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"
)

// engines are the services every test shares, started once by TestMain.
type engines struct {
	root     string // temporary folder holding everything below
	bin      string // deployer, flowspec-extract, sleeper, the docker wrapper
	repo     string // the repository root
	docker   *dockerEngine
	registry *distribution
	moto     *motoServer
}

// shared is set by TestMain before any test runs and not changed after.
var shared *engines

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) (code int) {
	root, err := os.MkdirTemp("", "flowplan-it-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "integration:", err)
		return 1
	}
	e := &engines{root: root, bin: filepath.Join(root, "bin")}

	var once sync.Once
	teardown := func() { once.Do(func() { e.teardown() }) }
	defer teardown()

	// Ctrl-C and SIGTERM stop the services and remove their files before
	// the process ends; a test binary killed outright leaves the kernel
	// to stop them (Pdeathsig).
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-signals
		fmt.Fprintf(os.Stderr, "integration: %v: stopping the services\n", s)
		teardown()
		if s == syscall.SIGTERM {
			os.Exit(143)
		}
		os.Exit(130)
	}()

	start := time.Now()
	if err := e.setUp(context.Background()); err != nil {
		fmt.Fprintf(os.Stderr, "integration: FAILED to set up: %v\n", err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "integration: dockerd, docker-registry and moto.server up in %s under %s\n", time.Since(start).Round(time.Millisecond), root)
	shared = e
	return m.Run()
}

// setUp builds the binaries and starts the engines, at once.
func (e *engines) setUp(ctx context.Context) error {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return errors.New("cannot locate the repository")
	}
	e.repo = filepath.Clean(filepath.Join(filepath.Dir(file), ".."))

	var err error
	if e.docker, err = newDockerEngine(filepath.Join(e.root, "docker")); err != nil {
		return err
	}
	if e.registry, err = newDistribution(filepath.Join(e.root, "registry")); err != nil {
		return err
	}
	if e.moto, err = newMoto(filepath.Join(e.root, "moto")); err != nil {
		return err
	}
	errs := make([]error, 4)
	var wg sync.WaitGroup
	wg.Go(func() { errs[0] = e.build(ctx) })
	wg.Go(func() { errs[1] = e.docker.run(ctx) })
	wg.Go(func() { errs[2] = e.registry.run(ctx) })
	wg.Go(func() { errs[3] = e.moto.run(ctx) })
	wg.Wait()
	return errors.Join(errs...)
}

// build compiles deployer and flowspec-extract as users get them, the
// static sleeper the slow test image runs, and writes the docker wrapper
// that logs each command line before running the engine's client.
func (e *engines) build(ctx context.Context) error {
	if err := os.MkdirAll(e.bin, 0o755); err != nil {
		return err
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("MISSING go: the go command is not on PATH: %w", err)
	}
	// As make build: deployer without cgo, next to the flowspec-extract
	// it runs for deploy-envs and deploy-flows.
	for _, b := range []struct{ pkg, cgo string }{{"./cmd/deployer", "0"}, {"./cmd/flowspec-extract", "1"}} {
		cmd := exec.CommandContext(ctx, goTool, "build", "-o", e.bin+string(filepath.Separator), b.pkg)
		cmd.Dir = e.repo
		cmd.Env = append(os.Environ(), "CGO_ENABLED="+b.cgo)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("building %s: %w\n%s", b.pkg, err, out)
		}
	}
	cmd := exec.CommandContext(ctx, goTool, "build", "-o", filepath.Join(e.bin, "sleeper"), "./integration/testdata/sleeper")
	cmd.Dir = e.repo
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building the sleeper: %w\n%s", err, out)
	}
	dockerd, err := program("dockerd", "docker.io")
	if err != nil {
		return err
	}
	cli, err := dockerClient(dockerd)
	if err != nil {
		return err
	}
	// One line per invocation, the arguments separated by tabs; the
	// standard input (a login password) passes through unread.
	wrapper := "#!/bin/sh\nIFS=\"$(printf '\\t')\"\nprintf '%s\\n' \"$*\" >>\"$FLOWPLAN_IT_DOCKER_LOG\"\nexec " + cli + " \"$@\"\n"
	return os.WriteFile(filepath.Join(e.bin, "docker"), []byte(wrapper), 0o755)
}

// teardown stops the engines and removes their files, unless
// FLOWPLAN_IT_KEEP is set (to read the logs).
func (e *engines) teardown() {
	var wg sync.WaitGroup
	for _, s := range []*service{e.serviceOf(e.docker), e.serviceOf(e.registry), e.serviceOf(e.moto)} {
		if s != nil {
			wg.Go(func() { s.stop(20 * time.Second) })
		}
	}
	wg.Wait()
	if os.Getenv("FLOWPLAN_IT_KEEP") != "" {
		fmt.Fprintf(os.Stderr, "integration: kept %s (FLOWPLAN_IT_KEEP)\n", e.root)
		return
	}
	if err := unmountUnder(e.root); err != nil {
		fmt.Fprintln(os.Stderr, "integration:", err)
	}
	if err := os.RemoveAll(e.root); err != nil {
		fmt.Fprintln(os.Stderr, "integration: removing the services' files:", err)
	}
}

func (e *engines) serviceOf(v any) *service {
	switch s := v.(type) {
	case *dockerEngine:
		if s != nil {
			return s.service
		}
	case *distribution:
		if s != nil {
			return s.service
		}
	case *motoServer:
		if s != nil {
			return s.service
		}
	}
	return nil
}
