package checkversion

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func pyproject(version string) string {
	return "[tool.poetry]\nname = \"data-products\"\nversion = \"" + version + "\"\n"
}

// repo is a temporary git repository with the sub-project in a subfolder.
type repo struct {
	t   *testing.T
	top string
}

func newRepo(t *testing.T) *repo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	r := &repo{t: t, top: t.TempDir()}
	r.git("init", "-q", "-b", "main")
	return r
}

func (r *repo) git(args ...string) {
	r.t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = r.top
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+r.top)
	out, err := cmd.CombinedOutput()
	require.NoError(r.t, err, "git %v: %s", args, out)
}

func (r *repo) write(rel, content string) {
	r.t.Helper()
	full := filepath.Join(r.top, filepath.FromSlash(rel))
	require.NoError(r.t, os.MkdirAll(filepath.Dir(full), 0o755))
	require.NoError(r.t, os.WriteFile(full, []byte(content), 0o644))
}

func (r *repo) commit(msg string) {
	r.t.Helper()
	r.git("add", "-A")
	r.git("commit", "-q", "--allow-empty", "-m", msg)
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name        string
		atRef       string // version on origin/main-v2; "" means the sub-project is not there
		local       string
		against     string
		wantAgainst string
		wantMissing bool
		wantOK      bool
	}{
		{name: "bumped", atRef: "0.1.0", local: "0.2.0", wantAgainst: "0.1.0", wantOK: true},
		{name: "not bumped", atRef: "0.1.0", local: "0.1.0", wantAgainst: "0.1.0"},
		{name: "equal by normalization", atRef: "1.0", local: "1.0.0", wantAgainst: "1.0"},
		{name: "lower", atRef: "0.10.0", local: "0.9.0", wantAgainst: "0.10.0"},
		{name: "new sub-project", local: "0.0.1", wantAgainst: "0.0.0", wantMissing: true, wantOK: true},
		{name: "new sub-project at 0.0.0", local: "0.0.0", wantAgainst: "0.0.0", wantMissing: true},
		{name: "release after its candidate", atRef: "1.0.0rc1", local: "1.0.0", wantAgainst: "1.0.0rc1", wantOK: true},
		{name: "candidate after the release", atRef: "1.0.0", local: "1.0.0rc1", wantAgainst: "1.0.0"},
		{name: "post release", atRef: "1.0.0", local: "1.0.0.post1", wantAgainst: "1.0.0", wantOK: true},
		{name: "dev release of the next version", atRef: "1.0.0", local: "1.0.1.dev0", wantAgainst: "1.0.0", wantOK: true},
		{name: "epoch", atRef: "2024.1", local: "1!0.1", wantAgainst: "2024.1", wantOK: true},
		{name: "explicit ref", atRef: "0.1.0", local: "0.2.0", against: "origin/main-v2", wantAgainst: "0.1.0", wantOK: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newRepo(t)
			r.write("README.md", "data-flows\n")
			if tc.atRef != "" {
				r.write("data-products/pyproject.toml", pyproject(tc.atRef))
			}
			r.commit("release")
			r.git("update-ref", "refs/remotes/origin/main-v2", "HEAD")
			r.write("data-products/pyproject.toml", pyproject(tc.local))
			r.commit("work")

			res, err := Check(context.Background(), filepath.Join(r.top, "data-products"), tc.against)
			assert.Equal(t, tc.wantAgainst, res.Against)
			assert.Equal(t, tc.local, res.Local)
			assert.Equal(t, tc.wantMissing, res.Missing)
			assert.Equal(t, "origin/main-v2:data-products/pyproject.toml", res.Where)
			if tc.wantOK {
				require.NoError(t, err)
				assert.Contains(t, res.String(), "version check passed")
				return
			}
			var ng *NotGreaterError
			require.True(t, errors.As(err, &ng), "want NotGreaterError, got %v", err)
			assert.Equal(t, "version "+tc.local+" is not greater than "+tc.wantAgainst+" at origin/main-v2:data-products/pyproject.toml: bump the version in pyproject.toml", err.Error())
		})
	}
}

func TestCheckUncommittedLocalVersionCounts(t *testing.T) {
	r := newRepo(t)
	r.write("pyproject.toml", pyproject("1.0.0"))
	r.commit("release")
	r.git("branch", "main-v2")
	r.write("pyproject.toml", pyproject("1.1.0"))
	res, err := Check(context.Background(), r.top, "main-v2")
	require.NoError(t, err)
	assert.Equal(t, Result{Local: "1.1.0", Against: "1.0.0", Where: "main-v2:pyproject.toml"}, res)
}

func TestCheckAgainstAFile(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte(pyproject("0.3.0")), 0o644))
	released := filepath.Join(dir, "released")
	require.NoError(t, os.MkdirAll(released, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(released, "pyproject.toml"), []byte("[project]\nname = \"x\"\nversion = \"0.3.0a1\"\n"), 0o644))

	res, err := Check(context.Background(), dir, filepath.Join(released, "pyproject.toml"))
	require.NoError(t, err, "no git repository is needed for a file")
	assert.Equal(t, Result{Local: "0.3.0", Against: "0.3.0a1", Where: filepath.Join(released, "pyproject.toml")}, res)

	res, err = Check(context.Background(), dir, released)
	require.NoError(t, err, "a directory holding pyproject.toml works too")
	assert.Equal(t, "0.3.0a1", res.Against)

	_, err = Check(context.Background(), dir, filepath.Join(dir, "pyproject.toml"))
	var ng *NotGreaterError
	require.True(t, errors.As(err, &ng))
}

func TestCheckErrors(t *testing.T) {
	gitRepo := func(t *testing.T, local string) string {
		r := newRepo(t)
		r.write("sub/pyproject.toml", local)
		r.commit("one")
		r.git("update-ref", "refs/remotes/origin/main-v2", "HEAD")
		return filepath.Join(r.top, "sub")
	}
	tests := []struct {
		name    string
		dir     func(t *testing.T) string
		against string
		wantErr string
	}{
		{"unknown ref", func(t *testing.T) string { return gitRepo(t, pyproject("1.0")) }, "origin/nope", `git ref "origin/nope" not found`},
		{"option-like ref", func(t *testing.T) string { return gitRepo(t, pyproject("1.0")) }, "--output=/tmp/x", "cannot start with '-'"},
		{"not a git repository", func(t *testing.T) string {
			d := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(d, "pyproject.toml"), []byte(pyproject("1.0")), 0o644))
			return d
		}, "", "is not inside a git repository"},
		{"no local pyproject", func(t *testing.T) string { return t.TempDir() }, "", "reading the local version"},
		{"no local version", func(t *testing.T) string { return gitRepo(t, "[project]\nname = \"x\"\ndynamic = [\"version\"]\n") }, "", "has no version"},
		{"invalid local version", func(t *testing.T) string { return gitRepo(t, pyproject("one")) }, "", `the local version: invalid PEP 440 version "one"`},
		{"malformed local pyproject", func(t *testing.T) string { return gitRepo(t, "[tool.poetry\n") }, "", "malformed TOML"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Check(context.Background(), tc.dir(t), tc.against)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantErr)
			var ng *NotGreaterError
			assert.False(t, errors.As(err, &ng))
		})
	}
}

func TestCheckBrokenVersionAtRef(t *testing.T) {
	r := newRepo(t)
	r.write("pyproject.toml", "[tool.poetry]\nname = \"x\"\nversion = \"not a version\"\n")
	r.commit("bad")
	r.git("update-ref", "refs/remotes/origin/main-v2", "HEAD")
	r.write("pyproject.toml", pyproject("1.0"))
	_, err := Check(context.Background(), r.top, "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `the version at origin/main-v2:pyproject.toml: invalid PEP 440 version "not a version"`)
}

func TestCheckCancelled(t *testing.T) {
	r := newRepo(t)
	r.write("pyproject.toml", pyproject("1.0"))
	r.commit("one")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Check(ctx, r.top, "HEAD")
	require.ErrorIs(t, err, context.Canceled)
}
