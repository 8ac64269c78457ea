package project

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/flowplan/flowplan/extractor/diag"
)

// readEnvs reads [tool.prefect.envs] and [tool.prefect.docker]. A section
// that is not a table is fatal; a broken env is an error diagnostic whose
// Construct is the env's name.
func (p *Project) readEnvs(doc *document) error {
	agent, _, err := doc.table("tool", "prefect", "envs")
	if err != nil {
		return err
	}
	for _, name := range sortedKeys(agent) {
		e := envReader{doc: doc, p: p, section: "envs", name: name}
		tbl, ok := e.tableOf(agent[name])
		if !ok {
			continue
		}
		e.warnUnknownKeys(tbl, []string{"python_version", "dockerfile_path", "docker_build_context"})
		env := DockerEnv{
			Name:           name,
			PythonVersion:  e.str(tbl, "python_version", true, ""),
			DockerfilePath: e.str(tbl, "dockerfile_path", true, ""),
			BuildContext:   e.str(tbl, "docker_build_context", false, "."),
		}
		if env.PythonVersion != "" && env.PythonVersion != SeedPythonVersion {
			p.Diags.Add(diag.Warningf(e.pos("python_version"), name,
				"%s python_version %q: the original tool accepted only %q; images are built with PYTHON_VERSION=%s",
				e.header(), env.PythonVersion, SeedPythonVersion, env.PythonVersion))
		}
		e.checkPath("dockerfile_path", env.DockerfilePath, false)
		e.checkPath("docker_build_context", env.BuildContext, true)
		p.Envs[name] = env
	}

	worker, _, err := doc.table("tool", "prefect", "docker")
	if err != nil {
		return err
	}
	for _, name := range sortedKeys(worker) {
		e := envReader{doc: doc, p: p, section: "docker", name: name}
		tbl, ok := e.tableOf(worker[name])
		if !ok {
			continue
		}
		e.warnUnknownKeys(tbl, []string{"python_version", "dockerfile_path", "dependency_group"})
		env := WorkerDockerEnv{
			Name:            name,
			PythonVersion:   e.str(tbl, "python_version", true, ""),
			DockerfilePath:  e.str(tbl, "dockerfile_path", true, ""),
			DependencyGroup: e.str(tbl, "dependency_group", false, "main"),
		}
		e.checkPath("dockerfile_path", env.DockerfilePath, false)
		p.WorkerEnvs[name] = env
	}
	return nil
}

// envReader reads one env table, reporting into p.Diags.
type envReader struct {
	doc     *document
	p       *Project
	section string // "envs" or "docker"
	name    string
}

func (e envReader) path(key ...string) []string {
	return append([]string{"tool", "prefect", e.section, e.name}, key...)
}

func (e envReader) pos(key ...string) diag.Pos { return e.doc.pos(e.path(key...)...) }

func (e envReader) header() string {
	return "[tool.prefect." + e.section + "." + quoteKey(e.name) + "]"
}

func (e envReader) fail(key string, format string, args ...any) {
	var at diag.Pos
	if key == "" {
		at = e.pos()
	} else {
		at = e.pos(key)
	}
	e.p.Diags.Add(diag.Errorf(at, e.name, "%s %s", e.header(), fmt.Sprintf(format, args...)))
}

func (e envReader) tableOf(v any) (map[string]any, bool) {
	tbl, ok := v.(map[string]any)
	if !ok {
		e.fail("", "must be a table, not %s", describe(v))
	}
	return tbl, ok
}

// str reads a string key; a missing required key or a wrong type is an
// error diagnostic and yields "".
func (e envReader) str(tbl map[string]any, key string, required bool, def string) string {
	v, ok := tbl[key]
	if !ok {
		if required {
			e.fail("", "has no %s", key)
		}
		return def
	}
	s, isStr := v.(string)
	if !isStr {
		hint := ""
		if f, isFloat := v.(float64); isFloat && key == "python_version" {
			hint = fmt.Sprintf(" (unquoted, TOML reads it as the number %v: write it in quotes)", f)
		}
		e.fail(key, "%s must be a string, not %s%s", key, describe(v), hint)
		return ""
	}
	if s == "" && required {
		e.fail(key, "%s is empty", key)
	}
	return s
}

// checkPath requires a path, relative to the project root or absolute, to
// name an existing file (or directory when dir is set).
func (e envReader) checkPath(key, p string, dir bool) {
	if p == "" {
		return
	}
	full := filepath.FromSlash(p)
	if !filepath.IsAbs(full) {
		full = filepath.Join(e.p.Root, full)
	}
	info, err := os.Stat(full)
	switch {
	case err != nil && os.IsNotExist(err):
		e.fail(key, "%s %q does not exist", key, p)
	case err != nil:
		e.fail(key, "%s %q cannot be read: %v", key, p, err)
	case dir && !info.IsDir():
		e.fail(key, "%s %q is not a directory", key, p)
	case !dir && !info.Mode().IsRegular():
		e.fail(key, "%s %q is not a file", key, p)
	}
}

func (e envReader) warnUnknownKeys(tbl map[string]any, known []string) {
	var unknown []string
	for k := range tbl {
		if !contains(known, k) {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		msg := fmt.Sprintf("%s: unknown key %s is ignored", e.header(), quoteKey(k))
		if best := closest(k, known); best != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", best)
		} else {
			msg += " (known keys: " + strings.Join(known, ", ") + ")"
		}
		e.p.Diags.Add(diag.Warningf(e.pos(k), e.name, "%s", msg))
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// closest returns the known key within a small edit distance of k.
func closest(k string, known []string) string {
	best, bestDist := "", 4
	for _, c := range known {
		if d := editDistance(k, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
