// Package discover finds a project's flow files the way the original tool
// did, with Python 3.11's glob.glob("<flows_folder>/**/*_flow.py",
// recursive=True), except that it reports what glob silently skips.
package discover

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// FlowSuffix is the file name ending that marks a flow file.
const FlowSuffix = "_flow.py"

// FlowFiles returns every <flowsFolder>/**/*_flow.py under root,
// slash-separated, relative to root, sorted. As Python's glob does, names
// starting with "." are matched neither by "*" nor by "**", symlinked
// directories are followed, and every name ending in "_flow.py" is
// returned whatever its type (a directory or a broken symlink of that name
// fails later, when it is read). Unlike glob, which silently skips them,
// an unreadable directory, a symlink loop and a missing flows folder are
// errors. flowsFolder is slash-separated, relative to root; "." is root.
func FlowFiles(ctx context.Context, root, flowsFolder string) ([]string, error) {
	return flowFiles(ctx, osDirs{root: root}, flowsFolder)
}

// dirs is the file system seen by the walk; paths are slash-separated,
// relative to the project root.
type dirs interface {
	ReadDir(name string) ([]fs.DirEntry, error)
	Stat(name string) (fs.FileInfo, error) // follows symlinks
}

type osDirs struct{ root string }

func (o osDirs) ReadDir(name string) ([]fs.DirEntry, error) {
	return os.ReadDir(filepath.Join(o.root, filepath.FromSlash(name)))
}

func (o osDirs) Stat(name string) (fs.FileInfo, error) {
	return os.Stat(filepath.Join(o.root, filepath.FromSlash(name)))
}

func flowFiles(ctx context.Context, fsys dirs, flowsFolder string) ([]string, error) {
	folder := path.Clean(filepath.ToSlash(flowsFolder))
	if strings.ContainsAny(folder, "*?[") {
		return nil, fmt.Errorf("flows folder %q holds a glob character (*, ? or [), which the original tool read as a pattern: rename the folder", flowsFolder)
	}
	info, err := fsys.Stat(folder)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("flows folder %q does not exist (set [tool.prefect] flows_folder): %w", flowsFolder, err)
	case err != nil:
		return nil, fmt.Errorf("flows folder %q: %w", flowsFolder, err)
	case !info.IsDir():
		return nil, fmt.Errorf("flows folder %q is not a directory", flowsFolder)
	}
	w := walker{ctx: ctx, fsys: fsys}
	if err := w.walk(folder, []fs.FileInfo{info}); err != nil {
		return nil, err
	}
	sort.Strings(w.found)
	return w.found, nil
}

type walker struct {
	ctx   context.Context
	fsys  dirs
	found []string
}

// walk lists dir: its *_flow.py names are results, its directories (and
// symlinks to directories) are walked in turn. ancestors holds the
// directories from the flows folder down to dir, to detect loops.
func (w *walker) walk(dir string, ancestors []fs.FileInfo) error {
	if err := w.ctx.Err(); err != nil {
		return fmt.Errorf("finding flow files: %w", err)
	}
	entries, err := w.fsys.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("cannot list directory %q: %w", dir, err)
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		p := join(dir, name)
		if strings.HasSuffix(name, FlowSuffix) {
			w.found = append(w.found, p)
		}
		info, isDir := w.dirInfo(p, e)
		if !isDir {
			continue
		}
		for _, a := range ancestors {
			if os.SameFile(a, info) {
				return fmt.Errorf("symlink loop: %q leads back to a directory that contains it", p)
			}
		}
		if err := w.walk(p, append(ancestors[:len(ancestors):len(ancestors)], info)); err != nil {
			return err
		}
	}
	return nil
}

// dirInfo reports whether the entry is a directory, following symlinks as
// Python's DirEntry.is_dir() does; an entry whose target cannot be read is
// not one.
func (w *walker) dirInfo(p string, e fs.DirEntry) (fs.FileInfo, bool) {
	if !e.IsDir() && e.Type()&fs.ModeSymlink == 0 {
		return nil, false
	}
	info, err := w.fsys.Stat(p)
	if err != nil || !info.IsDir() {
		return nil, false
	}
	return info, true
}

func join(dir, name string) string {
	if dir == "." {
		return name
	}
	return dir + "/" + name
}
