// Package project reads a Prefect data sub-project's pyproject.toml: its
// name and version (Poetry or PEP 621), [tool.prefect] flows_folder and the
// docker environments, agent era ([tool.prefect.envs.<name>]) and worker era
// ([tool.prefect.docker.<name>]).
package project

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/flowplan/flowplan/extractor/diag"
	"github.com/flowplan/flowplan/extractor/slug"
)

// PyprojectFile is the file Load reads in the project root.
const PyprojectFile = "pyproject.toml"

// SeedPythonVersion is the only python_version the original tool accepted
// for an agent-era docker env.
const SeedPythonVersion = "3.10"

// DockerEnv is an agent-era docker environment, [tool.prefect.envs.<name>].
// Paths are as written, relative to the project root.
type DockerEnv struct {
	Name           string
	PythonVersion  string
	DockerfilePath string
	BuildContext   string // docker_build_context, default "."
}

// WorkerDockerEnv is a worker-era docker environment,
// [tool.prefect.docker.<name>].
type WorkerDockerEnv struct {
	Name            string
	PythonVersion   string
	DockerfilePath  string
	DependencyGroup string // dependency_group, default "main"
}

// Project is what flowplan needs from a sub-project.
type Project struct {
	Root            string // absolute, cleaned
	RootName        string // last path element of Root (e.g. "data-products")
	Name            string // [tool.poetry] name or [project] name, as written
	Slug            string // slug.Make(Name)
	Version         string // may be "" (a dynamic PEP 621 version, or none)
	FlowsFolder     string // [tool.prefect] flows_folder, default "src", slash-separated relative
	Envs            map[string]DockerEnv
	WorkerEnvs      map[string]WorkerDockerEnv
	SourceRoots     []string // where project-local modules are looked up, slash-separated relative to Root
	PyprojectSHA256 string
	// PrefectVersion is the prefect version locked in poetry.lock, the
	// worker-era images' PREFECT_VERSION build argument ("" when unknown;
	// read only for projects with worker-era envs).
	PrefectVersion string
	// Diags holds findings that do not stop the project from loading. An
	// error about one docker env has the env's name as its Construct, so
	// that only the flows using that env fail.
	Diags diag.List
}

// Load reads dir/pyproject.toml. It fails when the file is missing or
// malformed, has no project name, or a key has the wrong type; problems of
// a single docker env are reported in Project.Diags instead.
func Load(ctx context.Context, dir string) (*Project, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("loading project: %w", err)
	}
	root, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("project directory %q: %w", dir, err)
	}
	root = filepath.Clean(root)
	src, err := os.ReadFile(filepath.Join(root, PyprojectFile))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: no %s here: run from a sub-project root or pass --project: %w", root, PyprojectFile, err)
		}
		return nil, fmt.Errorf("reading %s: %w", PyprojectFile, err)
	}
	p, err := parse(root, src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", root, err)
	}
	return p, nil
}

// parse builds a Project from pyproject.toml's bytes; root is used for the
// file-system checks of the docker envs.
func parse(root string, src []byte) (*Project, error) {
	doc, err := parseDocument(PyprojectFile, src)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(src)
	p := &Project{
		Root:            root,
		RootName:        filepath.Base(root),
		PyprojectSHA256: hex.EncodeToString(sum[:]),
		Envs:            map[string]DockerEnv{},
		WorkerEnvs:      map[string]WorkerDockerEnv{},
	}
	if err := p.readNameAndVersion(doc); err != nil {
		return nil, err
	}
	if err := p.readFlowsFolder(doc); err != nil {
		return nil, err
	}
	if err := p.readEnvs(doc); err != nil {
		return nil, err
	}
	if err := p.readSourceRoots(doc); err != nil {
		return nil, err
	}
	p.readPrefectVersion()
	p.Diags.Sort()
	return p, nil
}

func (p *Project) readNameAndVersion(doc *document) error {
	poetryName, hasPoetry, err := doc.str("tool", "poetry", "name")
	if err != nil {
		return err
	}
	pepName, hasPEP, err := doc.str("project", "name")
	if err != nil {
		return err
	}
	switch {
	case hasPoetry:
		p.Name = poetryName
		if hasPEP && pepName != poetryName {
			p.Diags.Add(diag.Warningf(doc.pos("project", "name"), "",
				"[project] name %q differs from [tool.poetry] name %q; flowplan uses the Poetry name, as the original tool did", pepName, poetryName))
		}
	case hasPEP:
		p.Name = pepName
	default:
		return diag.Errorf(doc.pos("tool", "poetry"), "", "no project name: set [tool.poetry] name or [project] name")
	}
	if strings.TrimSpace(p.Name) == "" {
		return diag.Errorf(doc.pos("tool", "poetry", "name"), "", "the project name is empty")
	}
	p.Slug = slug.Make(p.Name)
	if p.Slug == "" {
		return diag.Errorf(doc.pos("tool", "poetry", "name"), "", "the project name %q has no letters or digits to make a name from", p.Name)
	}

	if hasPoetry {
		v, _, err := doc.str("tool", "poetry", "version")
		if err != nil {
			return err
		}
		p.Version = v
	}
	if p.Version == "" {
		v, _, err := doc.str("project", "version")
		if err != nil {
			return err
		}
		p.Version = v
	}
	return nil
}

func (p *Project) readFlowsFolder(doc *document) error {
	folder, ok, err := doc.str("tool", "prefect", "flows_folder")
	if err != nil {
		return err
	}
	if !ok {
		folder = "src"
	}
	clean, err := relativeInside(folder)
	if err != nil {
		return diag.Errorf(doc.pos("tool", "prefect", "flows_folder"), "", "[tool.prefect] flows_folder %q: %v", folder, err)
	}
	p.FlowsFolder = clean
	return nil
}

// SetFlowsFolder replaces the flows folder read from pyproject.toml (the
// worker-era original's DF_CONFIG_FLOWS_PATH_OVERRIDE): flow files are
// found there, and it comes first among the source roots, as the original
// put it on sys.path.
func (p *Project) SetFlowsFolder(folder string) error {
	clean, err := relativeInside(folder)
	if err != nil {
		return fmt.Errorf("flows folder %q: %w", folder, err)
	}
	p.FlowsFolder = clean
	roots := []string{clean}
	for _, r := range p.SourceRoots {
		if r != clean {
			roots = append(roots, r)
		}
	}
	p.SourceRoots = roots
	return nil
}

// relativeInside cleans a slash-separated path that must stay inside the
// project root.
func relativeInside(p string) (string, error) {
	if p == "" {
		return "", errors.New("empty path (use \".\" for the project root)")
	}
	if path.IsAbs(p) || filepath.IsAbs(p) {
		return "", errors.New("must be relative to the project root")
	}
	clean := path.Clean(filepath.ToSlash(p))
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return "", errors.New("must stay inside the project root")
	}
	return clean, nil
}

func (p *Project) readSourceRoots(doc *document) error {
	roots := []string{p.FlowsFolder, ".", "src"}
	pkgs, ok, err := doc.lookup("tool", "poetry", "packages")
	if err != nil {
		return err
	}
	if ok {
		list, isList := pkgs.([]any)
		if !isList {
			return doc.typeError([]string{"tool", "poetry", "packages"}, pkgs, "an array of tables")
		}
		for i, item := range list {
			tbl, isTable := item.(map[string]any)
			if !isTable {
				return diag.Errorf(doc.pos("tool", "poetry", "packages"), "", "[tool.poetry] packages[%d] must be a table, not %s", i, describe(item))
			}
			from := "."
			if v, has := tbl["from"]; has {
				s, isStr := v.(string)
				if !isStr {
					return diag.Errorf(doc.pos("tool", "poetry", "packages"), "", "[tool.poetry] packages[%d].from must be a string, not %s", i, describe(v))
				}
				from = s
			}
			clean, err := relativeInside(from)
			if err != nil {
				p.Diags.Add(diag.Warningf(doc.pos("tool", "poetry", "packages"), "", "[tool.poetry] packages[%d].from %q is not used to find modules: %v", i, from, err))
				continue
			}
			roots = append(roots, clean)
		}
	}
	seen := map[string]bool{}
	for _, r := range roots {
		if !seen[r] {
			seen[r] = true
			p.SourceRoots = append(p.SourceRoots, r)
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ReadNameVersion reads only the project name and version from the bytes of
// a pyproject.toml (file names it in errors), with Load's rules: the
// [tool.poetry] name and version first, else [project]'s; the version may
// be "".
func ReadNameVersion(file string, src []byte) (name, version string, err error) {
	doc, err := parseDocument(file, src)
	if err != nil {
		return "", "", err
	}
	var p Project
	if err := p.readNameAndVersion(doc); err != nil {
		return "", "", err
	}
	return p.Name, p.Version, nil
}
