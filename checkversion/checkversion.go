// Package checkversion implements `deployer check-version`: a sub-project's
// version must be greater, by PEP 440, than the same sub-project's version
// at a git ref (the release branch), so that every change ships under a new
// version.
package checkversion

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/flowplan/flowplan/extractor/project"
)

// DefaultAgainst is the ref compared against when none is given.
const DefaultAgainst = "origin/main-v2"

// MissingVersion is the version assumed when the sub-project does not exist
// at the ref yet.
const MissingVersion = "0.0.0"

// Result is the outcome of a check.
type Result struct {
	Local   string // the local version, as written
	Against string // the version at the ref, as written, or MissingVersion
	// Where names what Local was compared with: "<ref>:<path>" or a file.
	Where string
	// Missing is set when the sub-project's pyproject.toml does not exist
	// there, so Against is MissingVersion.
	Missing bool
}

// String says what was compared and that the check passed.
func (r Result) String() string {
	missing := ""
	if r.Missing {
		missing = " (not there yet)"
	}
	return fmt.Sprintf("version %s is greater than %s at %s%s: version check passed", r.Local, r.Against, r.Where, missing)
}

// NotGreaterError is returned when the local version is not greater.
type NotGreaterError struct{ Result }

func (e *NotGreaterError) Error() string {
	return fmt.Sprintf("version %s is not greater than %s at %s: bump the version in %s", e.Local, e.Against, e.Where, project.PyprojectFile)
}

// Check compares projectDir's pyproject.toml version with the one at
// against: a path to a pyproject.toml (or to a directory holding one) when
// such a file or directory exists, else a git ref ("" means
// DefaultAgainst), read with `git show <ref>:<path from the repository
// top>`. It returns a *NotGreaterError unless the local version is greater.
func Check(ctx context.Context, projectDir, against string) (Result, error) {
	local, err := readLocal(projectDir)
	if err != nil {
		return Result{}, err
	}
	if against == "" {
		against = DefaultAgainst
	}
	res := Result{Local: local}
	var theirs []byte
	if file, ok := asFile(against); ok {
		res.Where = file
		theirs, err = os.ReadFile(file)
		if err != nil {
			return Result{}, fmt.Errorf("reading %s: %w", file, err)
		}
	} else {
		res.Where, theirs, res.Missing, err = readAtRef(ctx, projectDir, against)
		if err != nil {
			return Result{}, err
		}
	}
	if res.Missing {
		res.Against = MissingVersion
	} else {
		_, v, err := project.ReadNameVersion(res.Where, theirs)
		if err != nil {
			return Result{}, fmt.Errorf("reading the version at %s: %w", res.Where, err)
		}
		if v == "" {
			return Result{}, fmt.Errorf("%s has no version ([tool.poetry] version or [project] version)", res.Where)
		}
		res.Against = v
	}
	return res, compare(res)
}

func readLocal(projectDir string) (string, error) {
	file := filepath.Join(projectDir, project.PyprojectFile)
	src, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("reading the local version: %w", err)
	}
	_, v, err := project.ReadNameVersion(file, src)
	if err != nil {
		return "", fmt.Errorf("reading the local version: %w", err)
	}
	if v == "" {
		return "", fmt.Errorf("%s has no version: check-version needs [tool.poetry] version or [project] version", file)
	}
	return v, nil
}

// asFile resolves against as a pyproject.toml file, or a directory holding
// one, when it exists.
func asFile(against string) (string, bool) {
	info, err := os.Stat(against)
	if err != nil {
		return "", false
	}
	if info.IsDir() {
		file := filepath.Join(against, project.PyprojectFile)
		if _, err := os.Stat(file); err != nil {
			return "", false
		}
		return file, true
	}
	return against, true
}

// readAtRef reads the sub-project's pyproject.toml at ref; missing is set
// when the ref exists but the file does not.
func readAtRef(ctx context.Context, projectDir, ref string) (where string, src []byte, missing bool, err error) {
	if strings.HasPrefix(ref, "-") {
		return "", nil, false, fmt.Errorf("git ref %q: a ref cannot start with '-'", ref)
	}
	prefix, err := git(ctx, projectDir, "rev-parse", "--show-prefix")
	if err != nil {
		return "", nil, false, fmt.Errorf("%s is not inside a git repository: %w", projectDir, err)
	}
	path := strings.TrimSpace(string(prefix)) + project.PyprojectFile
	where = ref + ":" + path
	if _, err := git(ctx, projectDir, "rev-parse", "--verify", "--quiet", "--end-of-options", ref+"^{commit}"); err != nil {
		return where, nil, false, fmt.Errorf("git ref %q not found (fetch it first, e.g. git fetch origin main-v2): %w", ref, err)
	}
	if _, err := git(ctx, projectDir, "cat-file", "-e", "--end-of-options", where); err != nil {
		if ctx.Err() != nil {
			return where, nil, false, fmt.Errorf("checking %s: %w", where, ctx.Err())
		}
		return where, nil, true, nil
	}
	src, err = git(ctx, projectDir, "show", "--end-of-options", where)
	if err != nil {
		return where, nil, false, fmt.Errorf("reading %s: %w", where, err)
	}
	return where, src, false, nil
}

// git runs git in dir and returns its standard output; a failure carries
// git's standard error.
func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		var exitErr *exec.ExitError
		if msg != "" && errors.As(err, &exitErr) {
			return nil, fmt.Errorf("git %s: %s: %w", strings.Join(args, " "), msg, err)
		}
		return nil, fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
	}
	return out, nil
}

func compare(r Result) error {
	local, err := Parse(r.Local)
	if err != nil {
		return fmt.Errorf("the local version: %w", err)
	}
	theirs, err := Parse(r.Against)
	if err != nil {
		return fmt.Errorf("the version at %s: %w", r.Where, err)
	}
	if Compare(local, theirs) <= 0 {
		return &NotGreaterError{Result: r}
	}
	return nil
}
