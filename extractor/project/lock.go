package project

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/pelletier/go-toml/v2"

	"github.com/flowplan/flowplan/extractor/diag"
)

// LockFile is Poetry's lock file, read for the Prefect version the
// worker-era images are built with.
const LockFile = "poetry.lock"

// readPrefectVersion sets PrefectVersion from poetry.lock: the original's
// get_prefect_version.sh asked `poetry show prefect`, which reports the
// locked version. Only worker-era envs need it, so a missing lock file or
// package is a warning for those projects, not an error.
func (p *Project) readPrefectVersion() {
	if len(p.WorkerEnvs) == 0 {
		return
	}
	at := diag.Pos{File: LockFile}
	src, err := os.ReadFile(filepath.Join(p.Root, LockFile))
	if errors.Is(err, fs.ErrNotExist) {
		p.Diags.Add(diag.Warningf(diag.Pos{File: PyprojectFile}, "", "no %s: worker-era images are built without the PREFECT_VERSION build argument (run `poetry lock`)", LockFile))
		return
	}
	if err != nil {
		p.Diags.Add(diag.Warningf(at, "", "cannot read %s: %v; worker-era images are built without PREFECT_VERSION", LockFile, err))
		return
	}
	var lock struct {
		Package []struct {
			Name    string `toml:"name"`
			Version string `toml:"version"`
		} `toml:"package"`
	}
	if err := toml.Unmarshal(src, &lock); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			line, col := de.Position()
			at.Line, at.Col = line, col
		}
		p.Diags.Add(diag.Warningf(at, "", "malformed %s: %v; worker-era images are built without PREFECT_VERSION", LockFile, err))
		return
	}
	for _, pkg := range lock.Package {
		if pkg.Name == "prefect" {
			p.PrefectVersion = pkg.Version
			return
		}
	}
	p.Diags.Add(diag.Warningf(at, "", "%s", fmt.Sprintf("%s locks no prefect package: worker-era images are built without PREFECT_VERSION", LockFile)))
}
