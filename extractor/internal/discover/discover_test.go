package discover

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tree describes a directory tree: a path ending in "/" is a directory, a
// value starting with "->" a symlink to the rest, anything else a file.
type tree map[string]string

func (tr tree) build(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for p, v := range tr {
		full := filepath.Join(root, filepath.FromSlash(p))
		if strings.HasSuffix(p, "/") {
			require.NoError(t, os.MkdirAll(full, 0o755))
			continue
		}
		require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
		if target, ok := strings.CutPrefix(v, "->"); ok {
			require.NoError(t, os.Symlink(target, full))
			continue
		}
		require.NoError(t, os.WriteFile(full, []byte(v), 0o644))
	}
	return root
}

// pythonGlob runs the original tool's glob in root and returns its matches,
// normalized to slash-separated paths relative to root, sorted.
func pythonGlob(t *testing.T, root, flowsFolder string) []string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	script := `
import glob, json, os, sys
os.chdir(sys.argv[1])
found = glob.glob(os.path.join(sys.argv[2], "**/*_flow.py"), recursive=True)
print(json.dumps(sorted(os.path.normpath(p) for p in found)))
`
	out, err := exec.Command(py, "-c", script, root, flowsFolder).Output()
	require.NoError(t, err)
	var got []string
	require.NoError(t, json.Unmarshal(out, &got))
	return got
}

func TestFlowFilesMatchesPythonGlob(t *testing.T) {
	tests := []struct {
		name   string
		tree   tree
		folder string
	}{
		{
			name: "nested folders, hidden names, near misses",
			tree: tree{
				"src/a_flow.py":                  "",
				"src/_flow.py":                   "",
				"src/examples/hello_flow.py":     "",
				"src/examples/deep/er/x_flow.py": "",
				"src/.hidden/secret_flow.py":     "",
				"src/examples/.dot_flow.py":      "",
				"src/flow.py":                    "",
				"src/a_flow.pyc":                 "",
				"src/A_FLOW.PY":                  "",
				"src/b_flow.py.bak":              "",
				"src/__pycache__/c_flow.py":      "",
				"other/outside_flow.py":          "",
				"src/empty/":                     "",
			},
			folder: "src",
		},
		{
			name: "flows folder is the project root",
			tree: tree{
				"top_flow.py":             "",
				"jobs/cleanup_flow.py":    "",
				".hidden/ignored_flow.py": "",
				".venv/lib/site_flow.py":  "",
				"src/x_flow.py":           "",
			},
			folder: ".",
		},
		{
			name: "spaces and unicode in paths",
			tree: tree{
				"my flows/daily jobs/load data_flow.py": "",
				"my flows/Équipe/straße_flow.py":        "",
				"my flows/it's/o_neil_flow.py":          "",
			},
			folder: "my flows",
		},
		{
			name: "same file name in two folders",
			tree: tree{
				"src/finance/etl_flow.py": "",
				"src/growth/etl_flow.py":  "",
			},
			folder: "src",
		},
		{
			name: "symlinks to directories are followed, to files matched, broken ones matched",
			tree: tree{
				"shared/reports/report_flow.py": "",
				"src/linked":                    "->../shared",
				"src/real_flow.py":              "",
				"src/alias_flow.py":             "->real_flow.py",
				"src/broken_flow.py":            "->nowhere.py",
				"src/broken_dir":                "->nowhere",
			},
			folder: "src",
		},
		{
			name: "a directory named like a flow file",
			tree: tree{
				"src/odd_flow.py/inner_flow.py": "",
			},
			folder: "src",
		},
		{
			name: "hidden flows folder itself",
			tree: tree{
				".flows/x_flow.py":         "",
				".flows/.y/hidden_flow.py": "",
			},
			folder: ".flows",
		},
		{
			name:   "nested flows folder written with ./ and a trailing slash",
			tree:   tree{"pipelines/prod/a_flow.py": "", "pipelines/b_flow.py": ""},
			folder: "./pipelines/prod/",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := tc.tree.build(t)
			want := pythonGlob(t, root, tc.folder)
			got, err := FlowFiles(context.Background(), root, tc.folder)
			require.NoError(t, err)
			if len(want) == 0 {
				want = nil
			}
			if len(got) == 0 {
				got = nil
			}
			assert.Equal(t, want, got)
		})
	}
}

func TestFlowFilesKnownResult(t *testing.T) {
	// Checked by hand, so the test means something without python3 too.
	root := tree{
		"src/examples/hello_flow.py": "",
		"src/b_flow.py":              "",
		"src/.hidden/x_flow.py":      "",
		"src/notes.py":               "",
	}.build(t)
	got, err := FlowFiles(context.Background(), root, "src")
	require.NoError(t, err)
	assert.Equal(t, []string{"src/b_flow.py", "src/examples/hello_flow.py"}, got)
}

func TestFlowFilesErrors(t *testing.T) {
	tests := []struct {
		name    string
		tree    tree
		folder  string
		wantErr string
	}{
		{"missing flows folder", tree{"x/": ""}, "src", `flows folder "src" does not exist`},
		{"flows folder is a file", tree{"src": "x"}, "src", `flows folder "src" is not a directory`},
		{"glob characters", tree{"src[1]/a_flow.py": ""}, "src[1]", "glob character"},
		{"symlink to an ancestor", tree{"src/a/b_flow.py": "", "src/a/up": "->.."}, "src", `symlink loop: "src/a/up"`},
		{"symlink to itself through the root", tree{"src/a_flow.py": "", "src/root": "->.."}, "src", `symlink loop: "src/root/src"`},
		{"symlink to the flows folder from itself", tree{"src/self": "->."}, "src", `symlink loop: "src/self"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := tc.tree.build(t)
			_, err := FlowFiles(context.Background(), root, tc.folder)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantErr)
		})
	}
}

// failingDirs makes one directory unreadable, which root cannot do with
// permissions.
type failingDirs struct {
	osDirs
	fail string
}

func (f failingDirs) ReadDir(name string) ([]fs.DirEntry, error) {
	if name == f.fail {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return f.osDirs.ReadDir(name)
}

func TestFlowFilesUnreadableDirectory(t *testing.T) {
	root := tree{"src/ok/a_flow.py": "", "src/locked/b_flow.py": ""}.build(t)
	_, err := flowFiles(context.Background(), failingDirs{osDirs: osDirs{root: root}, fail: "src/locked"}, "src")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `cannot list directory "src/locked"`)
	assert.True(t, errors.Is(err, fs.ErrPermission))
}

func TestFlowFilesUnreadableDirectoryOnDisk(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads every directory; TestFlowFilesUnreadableDirectory covers this")
	}
	root := tree{"src/locked/b_flow.py": ""}.build(t)
	locked := filepath.Join(root, "src", "locked")
	require.NoError(t, os.Chmod(locked, 0o000))
	t.Cleanup(func() { _ = os.Chmod(locked, 0o755) })
	_, err := FlowFiles(context.Background(), root, "src")
	require.Error(t, err)
	assert.True(t, errors.Is(err, fs.ErrPermission))
}

func TestFlowFilesCancelled(t *testing.T) {
	root := tree{"src/a_flow.py": ""}.build(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := FlowFiles(ctx, root, "src")
	require.ErrorIs(t, err, context.Canceled)
}

func TestSampleProjects(t *testing.T) {
	base := filepath.Join("..", "..", "..", "testdata")
	tests := []struct {
		dir, folder string
		want        []string
	}{
		{"example-project", "src", []string{"src/examples/hello_flow.py", "src/legacy/nightly_export_flow.py", "src/marketing/campaign_metrics_flow.py", "src/sandbox/scratch_flow.py"}},
		{"projects/flows-dot", ".", []string{"jobs/cleanup_flow.py", "top_level_flow.py"}},
		{"projects/spaces in path", "my flows", []string{"my flows/daily jobs/load data_flow.py"}},
		{"projects/same-file-names", "src", []string{"src/finance/etl_flow.py", "src/growth/etl_flow.py"}},
	}
	for _, tc := range tests {
		t.Run(tc.dir, func(t *testing.T) {
			got, err := FlowFiles(context.Background(), filepath.Join(base, filepath.FromSlash(tc.dir)), tc.folder)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}
