package inputs

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// git runs git in dir and returns its trimmed output.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "git %s: %s", strings.Join(args, " "), out)
	return strings.TrimSpace(string(out))
}

// TestReadGitOriginAgreesWithGit checks the config reader against git's
// own answer (git ls-remote --get-url origin reads the config and uses no
// network) in the layouts a user has: a clone, a sub-project folder in it,
// a linked worktree, a worktree of a bare mirror, insteadOf rewriting and
// quoted values.
func TestReadGitOriginAgreesWithGit(t *testing.T) {
	root := t.TempDir()
	upstream := filepath.Join(root, "upstream")
	require.NoError(t, os.MkdirAll(filepath.Join(upstream, "data-products"), 0o755))
	git(t, upstream, "init", "-q", "-b", "main-v2")
	require.NoError(t, os.WriteFile(filepath.Join(upstream, "data-products", "pyproject.toml"), []byte("[tool.poetry]\n"), 0o644))
	git(t, upstream, "add", ".")
	git(t, upstream, "commit", "-q", "-m", "init")

	clone := filepath.Join(root, "clone")
	git(t, root, "clone", "-q", upstream, clone)
	worktree := filepath.Join(root, "base")
	git(t, clone, "worktree", "add", "-q", worktree, "origin/main-v2")

	mirror := filepath.Join(root, "mirror.git")
	git(t, root, "clone", "-q", "--mirror", upstream, mirror)
	git(t, mirror, "remote", "set-url", "origin", "https://github.com/Pocket/data-flows.git")
	mirrorTree := filepath.Join(root, "mirror-head")
	git(t, mirror, "worktree", "add", "-q", mirrorTree, "main-v2")

	rewritten := filepath.Join(root, "rewritten")
	git(t, root, "clone", "-q", upstream, rewritten)
	git(t, rewritten, "remote", "set-url", "origin", "gh:Pocket/data-flows.git")
	git(t, rewritten, "config", "url.https://github.com/.insteadOf", "gh:")
	git(t, rewritten, "config", "url.https://example.com/.insteadOf", "g")

	quoted := filepath.Join(root, "quoted")
	git(t, root, "clone", "-q", upstream, quoted)
	cfg := filepath.Join(quoted, ".git", "config")
	b, err := os.ReadFile(cfg)
	require.NoError(t, err)
	b = append(b, []byte("# a comment\n[remote \"origin\"] ; another\n\tpushurl = \"ignored\"\n")...)
	require.NoError(t, os.WriteFile(cfg, b, 0o644))
	git(t, quoted, "remote", "set-url", "origin", "https://example.com/with space#and-hash.git")

	for _, dir := range []string{
		clone,
		filepath.Join(clone, "data-products"),
		filepath.Join(worktree, "data-products"),
		filepath.Join(mirrorTree, "data-products"),
		filepath.Join(rewritten, "data-products"),
		quoted,
	} {
		t.Run(strings.TrimPrefix(dir, root), func(t *testing.T) {
			want := git(t, dir, "ls-remote", "--get-url", "origin")
			got, err := ReadGitOrigin(dir)
			require.NoError(t, err)
			assert.Equal(t, want, got.URL)
			assert.False(t, got.Stripped)
		})
	}

	t.Run("credentials are removed", func(t *testing.T) {
		git(t, clone, "remote", "set-url", "origin", "https://x-access-token:ghs_secret@github.com/Pocket/data-flows.git")
		got, err := ReadGitOrigin(clone)
		require.NoError(t, err)
		assert.Equal(t, "https://github.com/Pocket/data-flows.git", got.URL)
		assert.True(t, got.Stripped)
		git(t, clone, "remote", "set-url", "origin", "git@github.com:Pocket/data-flows.git")
		got, err = ReadGitOrigin(clone)
		require.NoError(t, err)
		assert.Equal(t, "git@github.com:Pocket/data-flows.git", got.URL, "an ssh user name is no secret")
	})
	t.Run("no origin", func(t *testing.T) {
		git(t, upstream, "ls-files")
		_, err := ReadGitOrigin(filepath.Join(upstream, "data-products"))
		require.ErrorContains(t, err, "has no origin remote")
	})
	t.Run("not a checkout", func(t *testing.T) {
		plain := t.TempDir()
		_, err := ReadGitOrigin(plain)
		require.ErrorIs(t, err, errNoCheckout)
	})
}
