package project

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/extractor/diag"
)

var update = flag.Bool("update", false, "rewrite golden files")

// writeTree creates files (slash-separated paths -> content) under a new
// temporary directory named name, and returns that directory.
func writeTree(t *testing.T, name string, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	for p, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if strings.HasSuffix(p, "/") {
			require.NoError(t, os.MkdirAll(full, 0o755))
			continue
		}
		require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
		require.NoError(t, os.WriteFile(full, []byte(content), 0o644))
	}
	return dir
}

const dockerfile = "ARG PYTHON_VERSION\nFROM prefecthq/prefect:2-python${PYTHON_VERSION}\n"

func TestLoad(t *testing.T) {
	tests := []struct {
		name        string
		pyproject   string
		extra       map[string]string
		wantName    string
		wantSlug    string
		wantVersion string
		wantFolder  string
		wantEnvs    map[string]DockerEnv
		wantWorker  map[string]WorkerDockerEnv
		wantRoots   []string
	}{
		{
			name:        "poetry with an env",
			pyproject:   "[tool.poetry]\nname = \"data-products\"\nversion = \"0.1.0\"\n\n[tool.prefect]\nflows_folder = \"src\"\n\n[tool.prefect.envs.base]\npython_version = \"3.10\"\ndockerfile_path = \".docker/base/Dockerfile\"\n",
			extra:       map[string]string{".docker/base/Dockerfile": dockerfile},
			wantName:    "data-products",
			wantSlug:    "data-products",
			wantVersion: "0.1.0",
			wantFolder:  "src",
			wantEnvs:    map[string]DockerEnv{"base": {Name: "base", PythonVersion: "3.10", DockerfilePath: ".docker/base/Dockerfile", BuildContext: "."}},
			wantWorker:  map[string]WorkerDockerEnv{},
			wantRoots:   []string{"src", "."},
		},
		{
			name:        "pep 621 with a dynamic version and default flows folder",
			pyproject:   "[project]\nname = \"Marketing.Analytics\"\ndynamic = [\"version\"]\n",
			wantName:    "Marketing.Analytics",
			wantSlug:    "marketing-analytics",
			wantVersion: "",
			wantFolder:  "src",
			wantEnvs:    map[string]DockerEnv{},
			wantWorker:  map[string]WorkerDockerEnv{},
			wantRoots:   []string{"src", "."},
		},
		{
			name:        "pep 621 version",
			pyproject:   "[project]\nname = \"x\"\nversion = \"2.0.0rc1\"\n",
			wantName:    "x",
			wantSlug:    "x",
			wantVersion: "2.0.0rc1",
			wantFolder:  "src",
			wantEnvs:    map[string]DockerEnv{},
			wantWorker:  map[string]WorkerDockerEnv{},
			wantRoots:   []string{"src", "."},
		},
		{
			name:        "flows folder dot, build context, poetry packages",
			pyproject:   "[tool.poetry]\nname = \"p\"\nversion = \"1\"\npackages = [{include = \"shared\", from = \"lib\"}, {include = \"top\"}, {include = \"x\", from = \"./src/\"}]\n[tool.prefect]\nflows_folder = \".\"\n[tool.prefect.envs.\"with space\"]\npython_version = \"3.10\"\ndockerfile_path = \"docker/Dockerfile\"\ndocker_build_context = \"docker\"\n",
			extra:       map[string]string{"docker/Dockerfile": dockerfile},
			wantName:    "p",
			wantSlug:    "p",
			wantVersion: "1",
			wantFolder:  ".",
			wantEnvs:    map[string]DockerEnv{"with space": {Name: "with space", PythonVersion: "3.10", DockerfilePath: "docker/Dockerfile", BuildContext: "docker"}},
			wantWorker:  map[string]WorkerDockerEnv{},
			wantRoots:   []string{".", "src", "lib"},
		},
		{
			name:        "flows folder is cleaned",
			pyproject:   "[tool.poetry]\nname = \"p\"\nversion = \"1\"\n[tool.prefect]\nflows_folder = \"./flows//daily/\"\n",
			wantName:    "p",
			wantSlug:    "p",
			wantVersion: "1",
			wantFolder:  "flows/daily",
			wantEnvs:    map[string]DockerEnv{},
			wantWorker:  map[string]WorkerDockerEnv{},
			wantRoots:   []string{"flows/daily", ".", "src"},
		},
		{
			name:        "worker era envs",
			pyproject:   "[tool.poetry]\nname = \"w\"\nversion = \"0.0.1\"\n[tool.prefect.docker.main]\npython_version = \"3.11\"\ndockerfile_path = \"Dockerfile\"\n[tool.prefect.docker.gpu]\npython_version = \"3.10\"\ndockerfile_path = \"Dockerfile\"\ndependency_group = \"gpu\"\n",
			extra:       map[string]string{"Dockerfile": dockerfile},
			wantName:    "w",
			wantSlug:    "w",
			wantVersion: "0.0.1",
			wantFolder:  "src",
			wantEnvs:    map[string]DockerEnv{},
			wantWorker: map[string]WorkerDockerEnv{
				"main": {Name: "main", PythonVersion: "3.11", DockerfilePath: "Dockerfile", DependencyGroup: "main"},
				"gpu":  {Name: "gpu", PythonVersion: "3.10", DockerfilePath: "Dockerfile", DependencyGroup: "gpu"},
			},
			wantRoots: []string{"src", "."},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{"pyproject.toml": tc.pyproject}
			for k, v := range tc.extra {
				files[k] = v
			}
			dir := writeTree(t, "my-project", files)
			p, err := Load(context.Background(), dir)
			require.NoError(t, err)
			assert.Equal(t, dir, p.Root)
			assert.Equal(t, "my-project", p.RootName)
			assert.Equal(t, tc.wantName, p.Name)
			assert.Equal(t, tc.wantSlug, p.Slug)
			assert.Equal(t, tc.wantVersion, p.Version)
			assert.Equal(t, tc.wantFolder, p.FlowsFolder)
			assert.Equal(t, tc.wantEnvs, p.Envs)
			assert.Equal(t, tc.wantWorker, p.WorkerEnvs)
			assert.Equal(t, tc.wantRoots, p.SourceRoots)
			assert.Empty(t, p.Diags.Errors(), "%v", p.Diags)
			assert.Len(t, p.PyprojectSHA256, 64)
		})
	}
}

func TestLoadRelativeDirIsMadeAbsolute(t *testing.T) {
	dir := writeTree(t, "rel", map[string]string{"pyproject.toml": "[tool.poetry]\nname = \"r\"\n"})
	t.Chdir(filepath.Dir(dir))
	p, err := Load(context.Background(), "./rel/")
	require.NoError(t, err)
	assert.Equal(t, dir, p.Root)
	assert.Equal(t, "rel", p.RootName)
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name      string
		pyproject string // "" means no pyproject.toml at all
		wantPos   string // "" when the error has no position
		wantMsg   string
	}{
		{"no pyproject", "", "", "no pyproject.toml here"},
		{"malformed toml", "[tool.poetry]\nname = \"x\"\nversion = 1.0.0\n", "pyproject.toml:3:", "malformed TOML"},
		{"malformed toml after unicode", "[tool.poetry]\nname = \"ünï\" = 3\n", "pyproject.toml:2:", "malformed TOML"},
		{"unterminated table header", "[tool.poetry\nname = \"x\"\n", "pyproject.toml:1:", "malformed TOML"},
		{"duplicate key", "[tool.poetry]\nname = \"x\"\nname = \"y\"\n", "pyproject.toml:3:", "malformed TOML"},
		{"no name", "[tool.poetry]\nversion = \"1\"\n", "pyproject.toml:1:1", "no project name"},
		{"no name at all", "[build-system]\nrequires = []\n", "", "no project name"},
		{"name not a string", "[tool.poetry]\nname = 3\n", "pyproject.toml:2:1", "[tool.poetry] name must be a string, not the integer 3"},
		{"empty name", "[tool.poetry]\nname = \"\"\n", "pyproject.toml:2:1", "the project name is empty"},
		{"name without letters", "[tool.poetry]\nname = \"___\"\n", "pyproject.toml:2:1", "no letters or digits"},
		{"poetry not a table", "[tool]\npoetry = \"x\"\n", "pyproject.toml:2:1", "[tool] poetry must be a table, not the string \"x\""},
		{"version not a string", "[tool.poetry]\nname = \"x\"\nversion = 1\n", "pyproject.toml:3:1", "[tool.poetry] version must be a string, not the integer 1"},
		{"flows_folder a number", "[tool.poetry]\nname = \"x\"\n[tool.prefect]\nflows_folder = 3\n", "pyproject.toml:4:1", "[tool.prefect] flows_folder must be a string, not the integer 3"},
		{"flows_folder absolute", "[tool.poetry]\nname = \"x\"\n[tool.prefect]\nflows_folder = \"/etc\"\n", "pyproject.toml:4:1", "must be relative to the project root"},
		{"flows_folder outside", "[tool.poetry]\nname = \"x\"\n[tool.prefect]\nflows_folder = \"src/../../x\"\n", "pyproject.toml:4:1", "must stay inside the project root"},
		{"flows_folder empty", "[tool.poetry]\nname = \"x\"\n[tool.prefect]\nflows_folder = \"\"\n", "pyproject.toml:4:1", "empty path"},
		{"envs not a table", "[tool.poetry]\nname = \"x\"\n[tool.prefect]\nenvs = 3\n", "pyproject.toml:4:1", "[tool.prefect] envs must be a table, not the integer 3"},
		{"prefect not a table", "[tool.poetry]\nname = \"x\"\n[tool]\nprefect = []\n", "pyproject.toml:4:1", "[tool] prefect must be a table, not an array"},
		{"packages not an array", "[tool.poetry]\nname = \"x\"\npackages = \"src\"\n", "pyproject.toml:3:1", "[tool.poetry] packages must be an array of tables"},
		{"packages from not a string", "[tool.poetry]\nname = \"x\"\npackages = [{include = \"a\", from = 1}]\n", "pyproject.toml:3:1", "packages[0].from must be a string"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{"README.md": "x"}
			if tc.pyproject != "" {
				files["pyproject.toml"] = tc.pyproject
			}
			dir := writeTree(t, "broken", files)
			_, err := Load(context.Background(), dir)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantMsg)
			var d *diag.Diagnostic
			if tc.wantPos == "" {
				if errors.As(err, &d) {
					assert.False(t, d.Pos.IsValid(), "unexpected position %s", d.Pos)
				}
				return
			}
			require.True(t, errors.As(err, &d), "want a positioned diagnostic, got %v", err)
			assert.True(t, strings.HasPrefix(d.Pos.String(), tc.wantPos), "position %s, want %s", d.Pos, tc.wantPos)
		})
	}
}

func TestMalformedTOMLColumnCountsCharacters(t *testing.T) {
	dir := writeTree(t, "cols", map[string]string{"pyproject.toml": "[tool.poetry]\nname = \"ééé\" x\n"})
	_, err := Load(context.Background(), dir)
	var d *diag.Diagnostic
	require.True(t, errors.As(err, &d), "%v", err)
	// name = "ééé" x: the stray x is the 14th character (and 17th byte).
	assert.Equal(t, diag.Pos{File: "pyproject.toml", Line: 2, Col: 14}, d.Pos)
	assert.Equal(t, `name = "ééé" x`, d.Construct)
	assert.Equal(t, "pyproject.toml:2:14: malformed TOML: expected newline but got U+0078 'x' (in `name = \"ééé\" x`)", d.Error())
}

func TestLoadCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Load(ctx, t.TempDir())
	require.ErrorIs(t, err, context.Canceled)
}

func TestEnvDiagnostics(t *testing.T) {
	tests := []struct {
		name     string
		env      string            // body of [tool.prefect.envs.e] or a whole section when it starts with "["
		extra    map[string]string // more files
		wantErrs []string          // substrings of error diagnostics, in order
		wantWarn []string          // substrings of warnings, in order
	}{
		{name: "good", env: "python_version = \"3.10\"\ndockerfile_path = \"Dockerfile\"\n", extra: map[string]string{"Dockerfile": dockerfile}},
		{
			name:     "missing dockerfile",
			env:      "python_version = \"3.10\"\ndockerfile_path = \".docker/main/Dockerfile\"\n",
			wantErrs: []string{`pyproject.toml:7:1: [tool.prefect.envs.e] dockerfile_path ".docker/main/Dockerfile" does not exist (in ` + "`e`)"},
		},
		{
			name:     "dockerfile is a directory",
			env:      "python_version = \"3.10\"\ndockerfile_path = \"docker\"\n",
			extra:    map[string]string{"docker/": ""},
			wantErrs: []string{`dockerfile_path "docker" is not a file`},
		},
		{
			name:     "build context missing or a file",
			env:      "python_version = \"3.10\"\ndockerfile_path = \"Dockerfile\"\ndocker_build_context = \"Dockerfile\"\n",
			extra:    map[string]string{"Dockerfile": dockerfile},
			wantErrs: []string{`docker_build_context "Dockerfile" is not a directory`},
		},
		{
			name:     "python version unquoted",
			env:      "python_version = 3.10\ndockerfile_path = \"Dockerfile\"\n",
			extra:    map[string]string{"Dockerfile": dockerfile},
			wantErrs: []string{"pyproject.toml:6:1: [tool.prefect.envs.e] python_version must be a string, not the float 3.1 (unquoted, TOML reads it as the number 3.1: write it in quotes)"},
		},
		{
			name:     "python version the seed did not allow",
			env:      "python_version = \"3.11\"\ndockerfile_path = \"Dockerfile\"\n",
			extra:    map[string]string{"Dockerfile": dockerfile},
			wantWarn: []string{`pyproject.toml:6:1: warning: [tool.prefect.envs.e] python_version "3.11": the original tool accepted only "3.10"`},
		},
		{
			name:     "missing keys",
			env:      "docker_build_context = \".\"\n",
			wantErrs: []string{"pyproject.toml:5:1: [tool.prefect.envs.e] has no dockerfile_path", "pyproject.toml:5:1: [tool.prefect.envs.e] has no python_version"},
		},
		{
			name:     "typo in a key",
			env:      "python_version = \"3.10\"\ndockerfile_path = \"Dockerfile\"\ndocker_build_contxt = \"x\"\n",
			extra:    map[string]string{"Dockerfile": dockerfile},
			wantWarn: []string{"[tool.prefect.envs.e]: unknown key docker_build_contxt is ignored (did you mean docker_build_context?)"},
		},
		{
			name:     "env not a table",
			env:      "[tool.prefect.envs]\ne = \"base\"\n",
			wantErrs: []string{"pyproject.toml:6:1: [tool.prefect.envs.e] must be a table, not the string \"base\""},
		},
		{
			name:     "worker env with a missing dockerfile",
			env:      "[tool.prefect.docker.e]\npython_version = \"3.12\"\ndockerfile_path = \"nope/Dockerfile\"\ndependency_group = 7\n",
			wantErrs: []string{`pyproject.toml:7:1: [tool.prefect.docker.e] dockerfile_path "nope/Dockerfile" does not exist`, `pyproject.toml:8:1: [tool.prefect.docker.e] dependency_group must be a string, not the integer 7`},
			wantWarn: []string{"no poetry.lock: worker-era images are built without the PREFECT_VERSION build argument"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := tc.env
			if !strings.HasPrefix(body, "[") {
				body = "[tool.prefect.envs.e]\n" + body
			}
			files := map[string]string{"pyproject.toml": "[tool.poetry]\nname = \"x\"\nversion = \"1\"\n\n" + body}
			for k, v := range tc.extra {
				files[k] = v
			}
			p, err := Load(context.Background(), writeTree(t, "envs", files))
			require.NoError(t, err, "a broken env must not stop the project from loading")
			errs, warns := p.Diags.Errors(), p.Diags.Warnings()
			require.Len(t, errs, len(tc.wantErrs), "%v", p.Diags)
			require.Len(t, warns, len(tc.wantWarn), "%v", p.Diags)
			for i, want := range tc.wantErrs {
				assert.Contains(t, errs[i].Error(), want)
				assert.Equal(t, "e", errs[i].Construct, "env errors name their env")
			}
			for i, want := range tc.wantWarn {
				assert.Contains(t, warns[i].Error(), want)
			}
		})
	}
}

func TestPoetryAndPEP621Names(t *testing.T) {
	dir := writeTree(t, "both", map[string]string{"pyproject.toml": "[project]\nname = \"pep-name\"\nversion = \"2\"\n[tool.poetry]\nname = \"poetry-name\"\nversion = \"1\"\n"})
	p, err := Load(context.Background(), dir)
	require.NoError(t, err)
	assert.Equal(t, "poetry-name", p.Name)
	assert.Equal(t, "1", p.Version)
	require.Len(t, p.Diags.Warnings(), 1)
	assert.Contains(t, p.Diags.Warnings()[0].Error(), `pyproject.toml:2:1: warning: [project] name "pep-name" differs from [tool.poetry] name "poetry-name"`)
}

// TestSampleProjects loads every sample project of the repository and
// compares what it read with a golden JSON file.
func TestSampleProjects(t *testing.T) {
	dirs := []string{filepath.Join("..", "..", "testdata", "example-project")}
	more, err := filepath.Glob(filepath.Join("..", "..", "testdata", "projects", "*", PyprojectFile))
	require.NoError(t, err)
	for _, f := range more {
		dirs = append(dirs, filepath.Dir(f))
	}
	require.Greater(t, len(dirs), 5)
	for _, dir := range dirs {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			p, err := Load(context.Background(), dir)
			require.NoError(t, err)
			type golden struct {
				RootName, Name, Slug, Version, FlowsFolder string
				Envs                                       map[string]DockerEnv
				WorkerEnvs                                 map[string]WorkerDockerEnv
				SourceRoots                                []string
				Diags                                      []string
			}
			g := golden{RootName: p.RootName, Name: p.Name, Slug: p.Slug, Version: p.Version, FlowsFolder: p.FlowsFolder,
				Envs: p.Envs, WorkerEnvs: p.WorkerEnvs, SourceRoots: p.SourceRoots, Diags: []string{}}
			for _, d := range p.Diags {
				g.Diags = append(g.Diags, d.Error())
			}
			got, err := json.MarshalIndent(g, "", "  ")
			require.NoError(t, err)
			got = append(got, '\n')
			file := filepath.Join("testdata", "golden", strings.ReplaceAll(name, " ", "_")+".json")
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(file), 0o755))
				require.NoError(t, os.WriteFile(file, got, 0o644))
			}
			want, err := os.ReadFile(file)
			require.NoError(t, err, "run go test -update to create %s", file)
			assert.Equal(t, string(want), string(got))
		})
	}
}

func FuzzLoadPyproject(f *testing.F) {
	f.Add([]byte("[tool.poetry]\nname = \"x\"\nversion = \"1\"\n"))
	root := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := parse(root, data)
		if err != nil {
			var d *diag.Diagnostic
			if errors.As(err, &d) && d.Pos.IsValid() {
				assert.Equal(t, "pyproject.toml", d.Pos.File)
			}
			return
		}
		assert.NotEmpty(t, p.Name)
		assert.NotEmpty(t, p.Slug)
		assert.NotEmpty(t, p.SourceRoots)
		assert.False(t, strings.HasPrefix(p.FlowsFolder, "/"))
	})
}

func TestPrefectVersionFromLockFile(t *testing.T) {
	const pyproject = "[tool.poetry]\nname = \"x\"\nversion = \"1\"\n\n[tool.prefect.docker.base]\npython_version = \"3.11\"\ndockerfile_path = \"Dockerfile\"\n"
	const agentOnly = "[tool.poetry]\nname = \"x\"\nversion = \"1\"\n"
	tests := []struct {
		name     string
		files    map[string]string
		want     string
		wantWarn string
	}{
		{name: "locked prefect", files: map[string]string{"pyproject.toml": pyproject, "poetry.lock": "[[package]]\nname = \"pandas\"\nversion = \"2.0.3\"\n\n[[package]]\nname = \"prefect\"\nversion = \"2.14.2\"\n"}, want: "2.14.2"},
		{name: "no lock file", files: map[string]string{"pyproject.toml": pyproject}, wantWarn: "no poetry.lock"},
		{name: "prefect not locked", files: map[string]string{"pyproject.toml": pyproject, "poetry.lock": "[[package]]\nname = \"pandas\"\nversion = \"2.0.3\"\n"}, wantWarn: "poetry.lock locks no prefect package"},
		{name: "malformed lock file", files: map[string]string{"pyproject.toml": pyproject, "poetry.lock": "[[package]\n"}, wantWarn: "poetry.lock:1:"},
		{name: "agent-era projects do not need it", files: map[string]string{"pyproject.toml": agentOnly}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.files["Dockerfile"] = "FROM scratch\n"
			p, err := Load(context.Background(), writeTree(t, "lock", tc.files))
			require.NoError(t, err)
			assert.Equal(t, tc.want, p.PrefectVersion)
			if tc.wantWarn == "" {
				assert.Empty(t, p.Diags.Warnings())
				return
			}
			require.Len(t, p.Diags.Warnings(), 1)
			assert.Contains(t, p.Diags.Warnings()[0].Error(), tc.wantWarn)
		})
	}
}
