package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/flowplan/flowplan/executor/aws"
	"github.com/flowplan/flowplan/executor/aws/awsfake"
	"github.com/flowplan/flowplan/executor/docker/fakedocker"
	"github.com/flowplan/flowplan/executor/prefect/prefectfake"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"deployer": func() {
			os.Exit(runProcess(os.Args[1:], os.Stdout, os.Stderr, os.LookupEnv))
		},
	})
}

// buildFlowspecExtract builds flowspec-extract into a folder of its own.
func buildFlowspecExtract(t *testing.T) string {
	t.Helper()
	return buildCommand(t, "../flowspec-extract", filepath.Join(t.TempDir(), "flowspec-extract"))
}

// buildDeployer builds deployer as make build does, without cgo, into a
// folder of its own.
func buildDeployer(t *testing.T) string {
	t.Helper()
	return buildCommand(t, ".", filepath.Join(t.TempDir(), "deployer"), "CGO_ENABLED=0")
}

// buildCommand builds the main package in dir as the binary bin, with env
// added to the environment.
func buildCommand(t *testing.T, dir, bin string, env ...string) string {
	t.Helper()
	cmd := exec.Command("go", "build", "-o", bin, dir)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("building %s: %v\n%s", bin, err, out)
	}
	return bin
}

// fakes are the servers one script talks to.
type fakes struct {
	prefect *prefectfake.Server
	aws     *awsfake.Server
}

const fakesKey = "fakes"

func TestScripts(t *testing.T) {
	extract := buildFlowspecExtract(t)
	// The real deployer binary, for the scripts that signal it.
	deployerBin := buildDeployer(t)
	docker, err := fakedocker.Path()
	if err != nil {
		t.Fatal(err)
	}
	repoRoot, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "script"),
		Setup: func(env *testscript.Env) error {
			opts := []prefectfake.Option{
				prefectfake.WithAPIKey("pnu_script-secret-key"),
				prefectfake.WithBlockDocument("github", "data-flows-main", map[string]any{"repository": "https://github.com/example/data-flows", "reference": "main-v2"}),
				prefectfake.WithBlockDocument("github", "data-flows-dev", map[string]any{"repository": "https://github.com/example/data-flows", "reference": "dev-v2"}),
				prefectfake.WithBlockDocument("github", "data-flows-staging", map[string]any{"repository": "https://github.com/example/data-flows", "reference": "staging-v2"}),
			}
			pf, err := prefectfake.New(opts...)
			if err != nil {
				return err
			}
			af := awsfake.New(awsfake.Options{ECRPassword: "ecr-script-password"})
			env.Defer(pf.Close)
			env.Defer(af.Close)
			env.Values[fakesKey] = &fakes{prefect: pf, aws: af}
			env.Setenv("PREFECT_API_URL", pf.URL)
			env.Setenv("PREFECT_API_KEY", "pnu_script-secret-key")
			env.Setenv("DOCKER", docker)
			env.Setenv("FAKE_DOCKER_LOG", filepath.Join(env.WorkDir, "docker.log"))
			// deployer deploy-envs and deploy-flows find flowspec-extract
			// on PATH (the deployer of the scripts is this test binary).
			env.Setenv("PATH", filepath.Dir(extract)+string(os.PathListSeparator)+env.Getenv("PATH"))
			env.Setenv("DEPLOYER_BIN", deployerBin)
			env.Setenv("EXAMPLE_PROJECT", filepath.Join(repoRoot, "testdata", "example-project"))
			env.Setenv("WORKER_PROJECT", filepath.Join(repoRoot, "testdata", "projects", "worker-era"))
			env.Setenv("REPO_ROOT", repoRoot)
			for _, kv := range gitEnv {
				k, v, _ := strings.Cut(kv, "=")
				env.Setenv(k, v)
			}
			for _, kv := range af.Env() {
				k, v, _ := strings.Cut(kv, "=")
				env.Setenv(k, v)
			}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exec-code":         execCode,
			"cp-tree":           cpTree,
			"prefect-writes":    countCmd(func(f *fakes) int { _, w := f.prefect.Counts(); return w }),
			"ecs-registrations": countCmd(func(f *fakes) int { return f.aws.Calls(awsfake.ECSRegisterTaskDefinition) }),
			"reset-fakes": func(ts *testscript.TestScript, neg bool, args []string) {
				f := ts.Value(fakesKey).(*fakes)
				f.prefect.ResetRequests()
				f.aws.ResetCalls()
			},
			"ecr-image": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: ecr-image REPOSITORY TAG")
				}
				ts.Value(fakesKey).(*fakes).aws.PutImage(args[0], args[1])
			},
			"prefect-latency": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: prefect-latency DURATION")
				}
				d, err := time.ParseDuration(args[0])
				ts.Check(err)
				ts.Value(fakesKey).(*fakes).prefect.SetLatency(d)
			},
			"prefect-down-after": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: prefect-down-after N")
				}
				n, err := strconv.Atoi(args[0])
				ts.Check(err)
				ts.Value(fakesKey).(*fakes).prefect.GoDownAfter(n)
			},
			"prefect-drop": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: prefect-drop METHOD PATH")
				}
				ts.Value(fakesKey).(*fakes).prefect.Fail(args[0], args[1], prefectfake.Fault{DropAfterHandling: true})
			},
			"block-on-newest-revision": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: block-on-newest-revision NAME (an ecs-task block named as its task definition family)")
				}
				f := ts.Value(fakesKey).(*fakes)
				doc, ok := f.prefect.BlockDocument("ecs-task", args[0])
				if !ok {
					ts.Fatalf("no block ecs-task/%s", args[0])
				}
				_, latest, err := aws.New(f.aws.Config(), 0).LatestTaskDefinition(context.Background(), args[0])
				ts.Check(err)
				if got := doc["data"].(map[string]any)["task_definition_arn"]; got != latest {
					ts.Fatalf("block %s is on %v, the newest revision is %s", args[0], got, latest)
				}
			},
			"prefect-fail": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 3 {
					ts.Fatalf("usage: prefect-fail METHOD PATH STATUS")
				}
				status, err := strconv.Atoi(args[2])
				ts.Check(err)
				ts.Value(fakesKey).(*fakes).prefect.Fail(args[0], args[1], prefectfake.Fault{Status: status})
			},
		},
	})
}

// countCmd makes a command that checks a count on the fakes: NAME N.
func countCmd(count func(*fakes) int) func(ts *testscript.TestScript, neg bool, args []string) {
	return func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) != 1 {
			ts.Fatalf("want one count")
		}
		want, err := strconv.Atoi(args[0])
		ts.Check(err)
		got := count(ts.Value(fakesKey).(*fakes))
		if (got == want) == neg {
			ts.Fatalf("count is %d, want %s%d", got, map[bool]string{true: "not ", false: ""}[neg], want)
		}
	}
}

// execCode runs a command and checks its exact exit code: exec-code N
// PROGRAM ARGS... (exec only tells success from failure).
func execCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exec-code CODE PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("running %s: %v", args[1], err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", args[1], got, want)
	}
}

// gitEnv makes git in scripts independent of the user's configuration.
var gitEnv = []string{"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
	"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com"}

// cpTree copies a folder tree into the work dir: cp-tree SRC DST.
func cpTree(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: cp-tree SRC DST")
	}
	src, dst := ts.MkAbs(args[0]), ts.MkAbs(args[1])
	ts.Check(os.CopyFS(dst, os.DirFS(src)))
}
