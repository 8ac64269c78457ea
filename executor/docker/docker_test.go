package docker

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/executor/docker/fakedocker"
)

var update = flag.Bool("update", false, "rewrite golden files")

// fake returns a Runner on the fake docker script, run in a fresh project
// directory, logging to a fresh file, plus the output buffer and log path.
func fake(t *testing.T, env ...string) (*Runner, *bytes.Buffer, string) {
	t.Helper()
	script, err := fakedocker.Path()
	require.NoError(t, err)
	log := filepath.Join(t.TempDir(), "docker.log")
	var out bytes.Buffer
	r := New(script, t.TempDir(), &out).WithEnv(append([]string{"FAKE_DOCKER_LOG=" + log}, env...)...)
	return r, &out, log
}

func calls(t *testing.T, log string) []fakedocker.Call {
	t.Helper()
	c, err := fakedocker.ReadLog(log)
	require.NoError(t, err)
	return c
}

func TestBuildRunsExactlyTheOriginalCommand(t *testing.T) {
	r, _, log := fake(t)
	err := r.Build(t.Context(), BuildSpec{
		LocalName:  "data-products-base-py-3.10",
		Dockerfile: "docker/base/Dockerfile",
		Context:    ".",
		BuildArgs:  map[string]string{"PYTHON_VERSION": "3.10"},
	})
	require.NoError(t, err)
	got := calls(t, log)
	require.Len(t, got, 1)
	assert.Equal(t, []string{
		"build", "-t", "data-products-base-py-3.10", "-f", "docker/base/Dockerfile",
		"--platform", "linux/amd64", "--build-arg", "PYTHON_VERSION=3.10", ".",
	}, got[0].Args)
	assert.Empty(t, got[0].Stdin)
	wantDir, err := filepath.EvalSymlinks(r.dir)
	require.NoError(t, err)
	assert.Equal(t, wantDir, got[0].Dir, "runs from the project root")
}

func TestBuildArgs(t *testing.T) {
	tests := []struct {
		name string
		spec BuildSpec
		want []string
		err  string
	}{
		{"sorted build args and a platform", BuildSpec{LocalName: "img", Dockerfile: "Dockerfile", Context: "ctx dir", Platform: "linux/arm64",
			BuildArgs: map[string]string{"Z": "last", "A": "first=1", "M": ""}},
			[]string{"build", "-t", "img", "-f", "Dockerfile", "--platform", "linux/arm64", "--build-arg", "A=first=1", "--build-arg", "M=", "--build-arg", "Z=last", "ctx dir"}, ""},
		{"no build args", BuildSpec{LocalName: "img", Dockerfile: "D", Context: "."},
			[]string{"build", "-t", "img", "-f", "D", "--platform", "linux/amd64", "."}, ""},
		{"no image name", BuildSpec{Dockerfile: "D", Context: "."}, nil, "the image name is empty"},
		{"no dockerfile", BuildSpec{LocalName: "img", Context: "."}, nil, "the dockerfile is empty"},
		{"context read as an option", BuildSpec{LocalName: "img", Dockerfile: "D", Context: "-"}, nil, `the build context "-" starts with '-'`},
		{"image read as an option", BuildSpec{LocalName: "--push", Dockerfile: "D", Context: "."}, nil, `the image name "--push" starts with '-'`},
		{"build arg name with =", BuildSpec{LocalName: "img", Dockerfile: "D", Context: ".", BuildArgs: map[string]string{"A=B": "c"}}, nil, `build argument name "A=B"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := BuildArgs(tt.spec)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestBuildOutputIsPrefixedLineByLine(t *testing.T) {
	r, out, _ := fake(t)
	require.NoError(t, r.WithPrefix("base").Build(t.Context(), BuildSpec{LocalName: "proj-base-py-3.10", Dockerfile: "Dockerfile", Context: "."}))
	got := out.String()
	for line := range strings.Lines(got) {
		assert.True(t, strings.HasPrefix(line, "[base] "), "unprefixed line %q", line)
	}
	// stdout and stderr interleave by whole lines in an order that depends
	// on scheduling; the golden file holds the lines sorted.
	lines := slices.Sorted(strings.Lines(got))
	const golden = "testdata/build_output.golden"
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(strings.Join(lines, "")), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), strings.Join(lines, ""))
	assert.Contains(t, got, "[base] Step 1/3 : ARG PYTHON_VERSION\n")
	assert.Contains(t, got, "[base] #5 [internal] load metadata\n", "stderr is streamed too")
}

func TestLoginSendsThePasswordOnlyOnStdin(t *testing.T) {
	const password = "eyJwYXlsb2FkIjoic2VjcmV0In0="
	r, out, log := fake(t)
	require.NoError(t, r.WithPrefix("ecr").Login(t.Context(), "123456789012.dkr.ecr.us-east-1.amazonaws.com", "AWS", password))
	got := calls(t, log)
	require.Len(t, got, 1)
	assert.Equal(t, []string{"login", "--username", "AWS", "--password-stdin", "123456789012.dkr.ecr.us-east-1.amazonaws.com"}, got[0].Args)
	assert.Equal(t, password, got[0].Stdin)
	for _, a := range got[0].Args {
		assert.NotContains(t, a, password)
	}
	assert.Equal(t, "[ecr] Login Succeeded\n", out.String())
}

func TestLoginFailureNeverShowsThePassword(t *testing.T) {
	const password = "hunter2-very-secret"
	// A docker that echoes what it reads and fails.
	script := filepath.Join(t.TempDir(), "docker")
	require.NoError(t, os.WriteFile(script, []byte("#!/bin/sh\necho \"got: $(cat)\"\necho \"denied for $(cat)\" >&2\nexit 7\n"), 0o755))
	var out bytes.Buffer
	err := New(script, "", &out).Login(t.Context(), "reg.example", "AWS", password)
	var cerr *CommandError
	require.ErrorAs(t, err, &cerr)
	assert.Equal(t, 7, cerr.ExitCode)
	assert.Equal(t, script+" login --username AWS --password-stdin reg.example", cerr.Command)
	assert.Equal(t, []string{"got: ********", "denied for "}, cerr.Tail)
	assert.NotContains(t, err.Error(), password)
	assert.NotContains(t, out.String(), password)
	assert.Contains(t, out.String(), "got: ********\n")

	_, _, log := fake(t)
	assert.ErrorContains(t, New("unused", "", nil).Login(t.Context(), "reg", "AWS", ""), "password is empty")
	assert.Empty(t, calls(t, log))
}

func TestTagAndPush(t *testing.T) {
	r, out, log := fake(t)
	const ecrImage = "123456789012.dkr.ecr.us-east-1.amazonaws.com/data-flows-prefect-envs:proj-base-py-3.10-abc1234"
	b := r.WithPrefix("base")
	require.NoError(t, b.Tag(t.Context(), "proj-base-py-3.10:latest", ecrImage))
	require.NoError(t, b.Push(t.Context(), ecrImage))
	got := calls(t, log)
	require.Len(t, got, 2)
	assert.Equal(t, []string{"tag", "proj-base-py-3.10:latest", ecrImage}, got[0].Args)
	assert.Equal(t, []string{"push", ecrImage}, got[1].Args)
	assert.Contains(t, out.String(), "[base] The push refers to repository [123456789012.dkr.ecr.us-east-1.amazonaws.com/data-flows-prefect-envs]\n")
	assert.Contains(t, out.String(), "[base] proj-base-py-3.10-abc1234: digest: sha256:")

	assert.ErrorContains(t, b.Tag(t.Context(), "", "x"), "source image is empty")
	assert.ErrorContains(t, b.Push(t.Context(), "-a"), `image "-a" starts with '-'`)
}

func TestFailureReportsCommandStatusAndLastLines(t *testing.T) {
	r, out, _ := fake(t, "FAKE_DOCKER_FAIL=tag,build", "FAKE_DOCKER_EXIT=3")
	err := r.WithPrefix("base").Build(t.Context(), BuildSpec{LocalName: "img", Dockerfile: "my Dockerfile", Context: "."})
	var cerr *CommandError
	require.ErrorAs(t, err, &cerr)
	assert.Equal(t, 3, cerr.ExitCode)
	assert.True(t, strings.HasSuffix(cerr.Command, "/docker build -t img -f 'my Dockerfile' --platform linux/amd64 ."), cerr.Command)
	assert.Equal(t, []string{"fake docker: build: simulated failure", "ERROR: failed to build: exit code: 3"}, cerr.Tail)
	msg := err.Error()
	assert.Contains(t, msg, "exit status 3")
	assert.Contains(t, msg, "\nlast output:\n  fake docker: build: simulated failure\n  ERROR: failed to build: exit code: 3")
	assert.Contains(t, out.String(), "[base] ERROR: failed to build")

	// Push is not in the failure list.
	require.NoError(t, r.Push(t.Context(), "img"))
}

func TestTailKeepsTheLastLines(t *testing.T) {
	script := filepath.Join(t.TempDir(), "docker")
	require.NoError(t, os.WriteFile(script, []byte("#!/bin/sh\ni=1\nwhile [ $i -le 30 ]; do echo line $i; i=$((i+1)); done\nprintf 'no newline'\nexit 1\n"), 0o755))
	err := New(script, "", nil).Push(t.Context(), "img")
	var cerr *CommandError
	require.ErrorAs(t, err, &cerr)
	require.Len(t, cerr.Tail, tailLines)
	assert.Equal(t, "line 12", cerr.Tail[0])
	assert.Equal(t, "no newline", cerr.Tail[tailLines-1])
}

func TestMissingProgram(t *testing.T) {
	err := New(filepath.Join(t.TempDir(), "no-docker"), "", nil).Push(t.Context(), "img")
	var cerr *CommandError
	require.ErrorAs(t, err, &cerr)
	assert.Equal(t, -1, cerr.ExitCode)
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestCancelKillsTheProgram(t *testing.T) {
	r, _, _ := fake(t, "FAKE_DOCKER_SLEEP=30")
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := r.Push(ctx, "img")
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), err.Error())
	assert.Less(t, time.Since(start), 3*time.Second, "the sleeping child is killed with its group")
}

func TestFromEnv(t *testing.T) {
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	assert.Equal(t, "docker", FromEnv(getenv, "", nil).Program())
	env["DOCKER"] = "/opt/bin/podman"
	assert.Equal(t, "/opt/bin/podman", FromEnv(getenv, "", nil).Program())
}

func TestConcurrentImagesDoNotMixLines(t *testing.T) {
	r, out, log := fake(t)
	var wg sync.WaitGroup
	labels := []string{"base", "spark", "ml", "dbt"}
	errs := make([]error, len(labels))
	for i, label := range labels {
		wg.Go(func() {
			errs[i] = r.WithPrefix(label).Build(t.Context(), BuildSpec{LocalName: label, Dockerfile: "D", Context: "."})
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	assert.Len(t, calls(t, log), len(labels))
	want, err := os.ReadFile("testdata/build_output.golden")
	require.NoError(t, err)
	var oneBuild []string
	for line := range strings.Lines(string(want)) {
		oneBuild = append(oneBuild, strings.TrimPrefix(line, "[base] "))
	}
	perLabel := map[string][]string{}
	for line := range strings.Lines(out.String()) {
		label, rest, ok := strings.Cut(strings.TrimPrefix(line, "["), "] ")
		require.True(t, ok && strings.HasPrefix(line, "["), "line %q", line)
		perLabel[label] = append(perLabel[label], rest)
	}
	assert.Len(t, perLabel, len(labels))
	for _, label := range labels {
		// Each image's lines arrive whole and unmixed (the Successfully
		// tagged line names the image).
		wantLines := slices.Clone(oneBuild)
		for i, l := range wantLines {
			wantLines[i] = strings.Replace(l, "proj-base-py-3.10", label, 1)
		}
		assert.ElementsMatch(t, wantLines, perLabel[label], label)
	}
}

func TestLineWriter(t *testing.T) {
	var got []string
	w := &lineWriter{emit: func(s string) { got = append(got, s) }}
	for _, chunk := range []string{"Step 1", "/5\r\nStep", " 2/5\n\nlast"} {
		n, err := w.Write([]byte(chunk))
		require.NoError(t, err)
		assert.Equal(t, len(chunk), n)
	}
	assert.Equal(t, []string{"Step 1/5", "Step 2/5", ""}, got)
	w.flush()
	assert.Equal(t, []string{"Step 1/5", "Step 2/5", "", "last"}, got)
}

func TestShellQuote(t *testing.T) {
	assert.Equal(t, "repo/x:tag-1", shellQuote("repo/x:tag-1"))
	assert.Equal(t, "PYTHON_VERSION=3.10", shellQuote("PYTHON_VERSION=3.10"))
	assert.Equal(t, "''", shellQuote(""))
	assert.Equal(t, `'it'\''s here'`, shellQuote("it's here"))
}
