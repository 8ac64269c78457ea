package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/executor/aws/awsfake"
	"github.com/flowplan/flowplan/executor/docker/fakedocker"
	"github.com/flowplan/flowplan/executor/prefect/prefectfake"
)

// TestReadmeRunsAsWritten runs the README's Quick start and its two CI
// examples, command by command as written, on the bundled example project
// and on a worker-era project, against the Prefect, AWS and docker fakes.
//
// What a test cannot do is done by the harness, and only that: the
// Quick start's `make build` (the binaries are built by the test and put
// in ./bin), the CI services' own steps (checkout is a git clone whose
// origin has a main-v2 branch, workspaces and artifacts are copies,
// `go install` lines are checked and skipped, a step guarded by a pull
// request condition is skipped). The worker-era project deploys to
// Prefect 3 workers: its CI environment sets FLOWPLAN_PREFECT_TARGET, as a
// CI context would.
func TestReadmeRunsAsWritten(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	quick := codeBlocks(t, string(readme), "## Quick start", "sh")
	require.Len(t, quick, 1)
	ci := codeBlocks(t, string(readme), "## In CI", "yaml")
	require.Len(t, ci, 2, "CircleCI and GitHub Actions")

	bin := t.TempDir()
	// as make build does: deployer without cgo
	buildCommand(t, "../flowspec-extract", filepath.Join(bin, "flowspec-extract"))
	buildCommand(t, ".", filepath.Join(bin, "deployer"), "CGO_ENABLED=0")
	dockerProgram, err := fakedocker.Path()
	require.NoError(t, err)
	repoRoot, err := filepath.Abs("../..")
	require.NoError(t, err)

	projects := []struct {
		name, dir string
		env       []string
		prefect   []prefectfake.Option
		// failing are the Quick start lines expected to exit 1.
		failing []string
	}{
		{
			name: "example project", dir: filepath.Join(repoRoot, "testdata", "example-project"),
			// the example holds one broken flow on purpose, as the README says
			failing: []string{"flowspec-extract --validate-only"},
		},
		{
			name: "worker-era project", dir: filepath.Join(repoRoot, "testdata", "projects", "worker-era"),
			env: []string{"FLOWPLAN_PREFECT_TARGET=prefect3"},
			prefect: []prefectfake.Option{prefectfake.WithVersion(prefectfake.Prefect3),
				prefectfake.WithWorkPool("analytics-aws-ecs-main", "ecs"), prefectfake.WithWorkPool("ml-gpu-main", "ecs"),
				prefectfake.WithWorkPool("mozilla-aws-ecs-fargate-main", "ecs")},
		},
	}
	for _, proj := range projects {
		t.Run(proj.name, func(t *testing.T) {
			fakeEnv := func(t *testing.T) []string {
				opts := append([]prefectfake.Option{
					prefectfake.WithBlockDocument("github", "data-flows-main", map[string]any{"repository": "https://github.com/example/data-flows", "reference": "main-v2"}),
					prefectfake.WithBlockDocument("github", "data-flows-dev", map[string]any{"repository": "https://github.com/example/data-flows", "reference": "dev-v2"}),
				}, proj.prefect...)
				pf := prefectfake.Start(t, opts...)
				af := awsfake.New(awsfake.Options{})
				t.Cleanup(af.Close)
				home := t.TempDir()
				env := []string{
					"PATH=" + bin + ":" + os.Getenv("PATH"), "HOME=" + home, "TMPDIR=" + t.TempDir(),
					"PREFECT_API_URL=" + pf.URL, "DOCKER=" + dockerProgram, "FAKE_DOCKER_LOG=" + filepath.Join(home, "docker.log"),
				}
				env = append(env, gitEnv...)
				env = append(env, af.Env()...)
				return append(env, proj.env...)
			}

			t.Run("quick start", func(t *testing.T) {
				work := t.TempDir()
				require.NoError(t, os.CopyFS(filepath.Join(work, "testdata", "example-project"), os.DirFS(proj.dir)))
				require.NoError(t, os.Mkdir(filepath.Join(work, "bin"), 0o755))
				for _, name := range []string{"flowspec-extract", "deployer"} {
					require.NoError(t, os.Symlink(filepath.Join(bin, name), filepath.Join(work, "bin", name)))
				}
				lines := commandLines(quick[0])
				require.Equal(t, "make build", lines[0], "the harness builds the binaries in place of the Quick start's first line")
				steps := []step{}
				for _, l := range lines[1:] {
					code := 0
					for _, f := range proj.failing {
						if l == f {
							code = 1
						}
					}
					steps = append(steps, step{cmd: l, code: code})
				}
				env := fakeEnv(t)
				if proj.name == "worker-era project" {
					// "your sub-project" is a git checkout: its origin is the
					// repository the worker-era deployments clone
					gitRun(t, work, env, "init", "-q", "-b", "main-v2")
					gitRun(t, work, env, "remote", "add", "origin", "https://github.com/example/data-flows.git")
				}
				out := runSteps(t, work, env, steps)
				assert.Contains(t, out, "Apply of plan sha256:")
				assert.Regexp(t, `Dry run of plan sha256:[0-9a-f]{64}: [1-9][0-9]* would create`, out)
			})

			// a repository as CI checks it out: data-products on main-v2
			// and on the branch of the pull request (one change)
			upstream := t.TempDir()
			env := fakeEnv(t)
			require.NoError(t, os.CopyFS(filepath.Join(upstream, "data-products"), os.DirFS(proj.dir)))
			gitRun(t, upstream, env, "init", "-q", "-b", "main-v2")
			gitRun(t, upstream, env, "add", ".")
			gitRun(t, upstream, env, "commit", "-q", "-m", "flows")
			gitRun(t, upstream, env, "checkout", "-q", "-b", "feature")
			pyproject := filepath.Join(upstream, "data-products", "pyproject.toml")
			b, err := os.ReadFile(pyproject)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(pyproject, bumpVersion(t, b), 0o644))
			gitRun(t, upstream, env, "commit", "-q", "-am", "bump")
			sha := gitOut(t, upstream, env, "rev-parse", "HEAD")
			checkout := func(t *testing.T) string {
				dir := filepath.Join(t.TempDir(), "project")
				gitRun(t, filepath.Dir(dir), env, "clone", "-q", "-b", "feature", upstream, dir)
				gitRun(t, dir, env, "remote", "set-url", "origin", "https://github.com/example/data-flows.git")
				return dir
			}

			t.Run("CircleCI", func(t *testing.T) {
				jobs := ciRunSteps(t, ci[0])
				plan := checkout(t)
				ciEnv := append(env, "CIRCLE_SHA1="+sha, "CIRCLE_PULL_REQUEST=")
				out := runSteps(t, plan, ciEnv, steps0(jobs["plan"]))
				assert.NotContains(t, out, "__step_exit 1")
				diff, err := os.ReadFile(filepath.Join(plan, "plans", "diff.md"))
				require.NoError(t, err)
				assert.Contains(t, string(diff), "### flowplan diff:")
				// the apply job: a fresh checkout, the workspace attached
				apply := checkout(t)
				require.NoError(t, os.CopyFS(filepath.Join(apply, "plans"), os.DirFS(filepath.Join(plan, "plans"))))
				out = runSteps(t, apply, ciEnv, steps0(jobs["apply"]))
				assert.Contains(t, out, "Apply of plan sha256:")
			})

			t.Run("GitHub Actions", func(t *testing.T) {
				jobs := ciRunSteps(t, ci[1])
				temp := t.TempDir()
				plan := checkout(t)
				ghEnv := append(env, "GITHUB_SHA="+sha, "RUNNER_TEMP="+temp)
				runSteps(t, plan, ghEnv, steps0(jobs["plan"]))
				diff, err := os.ReadFile(filepath.Join(temp, "diff.md"))
				require.NoError(t, err)
				assert.Contains(t, string(diff), "### flowplan diff:")
				// upload-artifact of new.json, download-artifact into the
				// apply job's workspace
				apply := checkout(t)
				b, err := os.ReadFile(filepath.Join(temp, "new.json"))
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(filepath.Join(apply, "new.json"), b, 0o644))
				out := runSteps(t, apply, ghEnv, steps0(jobs["apply"]))
				assert.Contains(t, out, `"event":"apply_end"`)
			})
		})
	}
}

// step is one command line of a README block and the exit code it must
// have. A CI step (ci) runs in a shell of its own from the checkout, with
// bash -eo pipefail as CircleCI and GitHub run them.
type step struct {
	cmd  string
	code int
	ci   bool
}

func steps0(cmds []string) []step {
	out := make([]step, len(cmds))
	for i, c := range cmds {
		out[i] = step{cmd: c, ci: true}
	}
	return out
}

// runSteps runs the commands in one bash process in dir, as a user pastes
// them, and checks each one's exit code.
func runSteps(t *testing.T, dir string, env []string, steps []step) string {
	t.Helper()
	var script strings.Builder
	for i, s := range steps {
		if s.ci {
			fmt.Fprintf(&script, "(cd %q && bash -eo pipefail -c %s)\necho \"__step_exit $? $(pwd) %d\"\n", dir, shellQuote(s.cmd), i)
			continue
		}
		fmt.Fprintf(&script, "%s\necho \"__step_exit $? $(pwd) %d\"\n", s.cmd, i)
	}
	cmd := exec.Command("bash", "-c", script.String())
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	got := map[int]int{}
	marker := regexp.MustCompile(`(?m)^__step_exit (\d+) \S+ (\d+)$`)
	for _, m := range marker.FindAllStringSubmatch(string(out), -1) {
		code, _ := strconv.Atoi(m[1])
		i, _ := strconv.Atoi(m[2])
		got[i] = code
	}
	for i, s := range steps {
		code, ran := got[i]
		require.True(t, ran, "step %q did not run:\n%s", s.cmd, out)
		assert.Equal(t, s.code, code, "step %q:\n%s", s.cmd, out)
	}
	return string(out)
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// codeBlocks returns the fenced blocks of the given language in the README
// section that starts with heading.
func codeBlocks(t *testing.T, readme, heading, lang string) []string {
	t.Helper()
	start := strings.Index(readme, heading+"\n")
	require.GreaterOrEqual(t, start, 0, heading)
	section := readme[start+len(heading):]
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	var blocks []string
	for {
		i := strings.Index(section, "```"+lang+"\n")
		if i < 0 {
			return blocks
		}
		section = section[i+len("```"+lang+"\n"):]
		j := strings.Index(section, "```\n")
		require.GreaterOrEqual(t, j, 0)
		blocks = append(blocks, section[:j])
		section = section[j:]
	}
}

// commandLines are a shell block's lines without comments and blanks.
func commandLines(block string) []string {
	var out []string
	for _, l := range strings.Split(block, "\n") {
		if i := strings.Index(l, "  #"); i >= 0 {
			l = l[:i]
		}
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// goInstall is the only line of the CI examples the harness skips.
const goInstall = "go install github.com/flowplan/flowplan/cmd/...@latest"

// ciRunSteps reads the shell of every `run:` of each job of a CI YAML
// example, in order: `run: cmd` and `run: |` blocks. A step guarded by an
// `if:` (GitHub's pull request comment) is left out, and `go install`
// lines are checked and skipped.
func ciRunSteps(t *testing.T, yaml string) map[string][]string {
	t.Helper()
	jobs := map[string][]string{}
	job := ""
	inJobs := false
	lines := strings.Split(yaml, "\n")
	jobHeader := regexp.MustCompile(`^  ([a-z]+):\s*$`)
	runLine := regexp.MustCompile(`^(\s*)(- )?(if: .*|run: (.*))$`)
	guarded := false
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		switch {
		case l == "jobs:":
			inJobs = true
			continue
		case !strings.HasPrefix(l, " ") && l != "":
			inJobs = false
		}
		if !inJobs {
			continue
		}
		if m := jobHeader.FindStringSubmatch(l); m != nil {
			job = m[1]
			continue
		}
		m := runLine.FindStringSubmatch(l)
		if m == nil {
			if strings.Contains(l, "- ") && !strings.Contains(l, "run:") {
				guarded = false
			}
			continue
		}
		if strings.HasPrefix(m[3], "if: ") {
			guarded = m[2] != "" // "- if:" starts a guarded step
			continue
		}
		cmd := strings.TrimSpace(m[4])
		var body []string
		if cmd == "|" {
			indent := ""
			for i+1 < len(lines) {
				next := lines[i+1]
				if indent == "" {
					indent = next[:len(next)-len(strings.TrimLeft(next, " "))]
				}
				if !strings.HasPrefix(next, indent) || strings.TrimSpace(next) == "" {
					break
				}
				body = append(body, strings.TrimPrefix(next, indent))
				i++
			}
		} else {
			body = []string{cmd}
		}
		if guarded && m[2] == "" {
			guarded = false
			continue // the pull request comment of GitHub Actions
		}
		guarded = false
		text := strings.Join(body, "\n")
		if text == goInstall {
			continue
		}
		require.NotContains(t, text, "go install", "only %q is skipped", goInstall)
		jobs[job] = append(jobs[job], text)
	}
	require.NotEmpty(t, jobs["plan"])
	require.NotEmpty(t, jobs["apply"])
	return jobs
}

func gitRun(t *testing.T, dir string, env []string, args ...string) {
	t.Helper()
	gitOut(t, dir, env, args...)
}

func gitOut(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "git %s: %s", strings.Join(args, " "), out)
	return strings.TrimSpace(string(out))
}

// bumpVersion raises the patch version of pyproject.toml's version line.
func bumpVersion(t *testing.T, pyproject []byte) []byte {
	t.Helper()
	var out strings.Builder
	sc := bufio.NewScanner(strings.NewReader(string(pyproject)))
	done := false
	re := regexp.MustCompile(`^version = "(\d+)\.(\d+)\.(\d+)"$`)
	for sc.Scan() {
		l := sc.Text()
		if m := re.FindStringSubmatch(l); m != nil && !done {
			patch, _ := strconv.Atoi(m[3])
			l = fmt.Sprintf(`version = "%s.%s.%d"`, m[1], m[2], patch+1)
			done = true
		}
		out.WriteString(l + "\n")
	}
	require.True(t, done, "no version line")
	return []byte(out.String())
}
