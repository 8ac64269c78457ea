package project

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestModuleFinder(t *testing.T) {
	dir := writeTree(t, "mods", map[string]string{
		"pyproject.toml":                "[tool.poetry]\nname = \"m\"\npackages = [{include = \"libpkg\", from = \"lib\"}]\n[tool.prefect]\nflows_folder = \"flows\"\n",
		"flows/local.py":                "A = 'flows'\n",
		"flows/shared/__init__.py":      "",
		"flows/shared/only_in_flows.py": "B = 1\n",
		"shared/utils.py":               "C = 'root'\n",
		"shared/pkg/__init__.py":        "D = 'pkg init'\n",
		"src/shared/utils.py":           "C = 'src, shadowed by the root'\n",
		"src/srconly.py":                "E = 1\n",
		"lib/libpkg/__init__.py":        "F = 1\n",
		"lib/libpkg/mod.py":             "G = 1\n",
		"both/__init__.py":              "H = 'package'\n",
		"both.py":                       "H = 'module wins'\n",
		"filemod.py":                    "I = 1\n",
		"ünï/mod.py":                    "J = 1\n",
	})
	p, err := Load(context.Background(), dir)
	require.NoError(t, err)
	require.Equal(t, []string{"flows", ".", "src", "lib"}, p.SourceRoots)
	f := NewModuleFinder(p)

	tests := []struct {
		module, wantPath, wantSrc string
		wantOK, wantErr           bool
	}{
		{module: "local", wantPath: "flows/local.py", wantSrc: "A = 'flows'\n", wantOK: true},
		{module: "shared.only_in_flows", wantPath: "flows/shared/only_in_flows.py", wantSrc: "B = 1\n", wantOK: true},
		{module: "shared.utils", wantPath: "shared/utils.py", wantSrc: "C = 'root'\n", wantOK: true},
		{module: "shared.pkg", wantPath: "shared/pkg/__init__.py", wantSrc: "D = 'pkg init'\n", wantOK: true},
		{module: "srconly", wantPath: "src/srconly.py", wantSrc: "E = 1\n", wantOK: true},
		{module: "libpkg", wantPath: "lib/libpkg/__init__.py", wantSrc: "F = 1\n", wantOK: true},
		{module: "libpkg.mod", wantPath: "lib/libpkg/mod.py", wantSrc: "G = 1\n", wantOK: true},
		{module: "both", wantPath: "both.py", wantSrc: "H = 'module wins'\n", wantOK: true},
		{module: "ünï.mod", wantPath: "ünï/mod.py", wantSrc: "J = 1\n", wantOK: true},
		{module: "pandas", wantOK: false},
		{module: "filemod.sub", wantOK: false},
		{module: "shared", wantPath: "flows/shared/__init__.py", wantSrc: "", wantOK: true}, // empty, but it exists
		{module: "", wantErr: true},
		{module: ".relative", wantErr: true},
		{module: "a..b", wantErr: true},
		{module: "../etc/passwd", wantErr: true},
		{module: "1abc", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.module, func(t *testing.T) {
			display, src, ok, err := f.Find(tc.module)
			if tc.wantErr {
				require.Error(t, err)
				assert.False(t, ok)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.wantOK, ok)
			assert.Equal(t, tc.wantPath, display)
			assert.Equal(t, tc.wantSrc, string(src))
		})
	}
}

func TestModuleFinderUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		// root reads any file: make the candidate a broken symlink loop instead.
		dir := writeTree(t, "unreadable", map[string]string{"pyproject.toml": "[tool.poetry]\nname = \"u\"\n"})
		require.NoError(t, os.MkdirAll(filepath.Join(dir, "src"), 0o755))
		require.NoError(t, os.Symlink("loop.py", filepath.Join(dir, "src", "loop.py")))
		p, err := Load(context.Background(), dir)
		require.NoError(t, err)
		_, _, ok, err := NewModuleFinder(p).Find("loop")
		require.Error(t, err)
		assert.False(t, ok)
		assert.Contains(t, err.Error(), "reading module loop")
		return
	}
	dir := writeTree(t, "unreadable", map[string]string{"pyproject.toml": "[tool.poetry]\nname = \"u\"\n", "src/secret.py": "X = 1\n"})
	require.NoError(t, os.Chmod(filepath.Join(dir, "src", "secret.py"), 0o000))
	p, err := Load(context.Background(), dir)
	require.NoError(t, err)
	_, _, ok, err := NewModuleFinder(p).Find("secret")
	require.Error(t, err)
	assert.False(t, ok)
}

func TestModuleFinderRemembers(t *testing.T) {
	dir := writeTree(t, "cache", map[string]string{"pyproject.toml": "[tool.poetry]\nname = \"c\"\n", "src/m.py": "X = 1\n"})
	p, err := Load(context.Background(), dir)
	require.NoError(t, err)
	f := NewModuleFinder(p)
	_, src, ok, err := f.Find("m")
	require.NoError(t, err)
	require.True(t, ok)
	require.NoError(t, os.Remove(filepath.Join(dir, "src", "m.py")))
	_, again, ok, err := f.Find("m")
	require.NoError(t, err)
	assert.True(t, ok, "one finder sees one consistent project")
	assert.Equal(t, src, again)
}
