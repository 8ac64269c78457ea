package project

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"unicode"
)

// ModuleFinder finds project-local Python modules by dotted path in the
// project's source roots. It is safe for concurrent use and remembers what
// it found.
type ModuleFinder struct {
	root  string
	roots []string

	mu    sync.Mutex
	found map[string]foundModule
}

type foundModule struct {
	display string
	src     []byte
	ok      bool
	err     error
}

// NewModuleFinder looks modules up in p's SourceRoots.
func NewModuleFinder(p *Project) *ModuleFinder {
	return &ModuleFinder{root: p.Root, roots: append([]string(nil), p.SourceRoots...), found: map[string]foundModule{}}
}

// Find resolves a dotted module path such as "shared.utils": in each source
// root in order, <root>/shared/utils.py, then <root>/shared/utils/__init__.py;
// the first that exists wins. displayPath is slash-separated, relative to
// the project root. ok is false when no root has the module; err reports a
// malformed module path or a file that exists but cannot be read.
func (f *ModuleFinder) Find(modulePath string) (displayPath string, src []byte, ok bool, err error) {
	f.mu.Lock()
	m, cached := f.found[modulePath]
	f.mu.Unlock()
	if !cached {
		m = f.find(modulePath)
		f.mu.Lock()
		f.found[modulePath] = m
		f.mu.Unlock()
	}
	return m.display, m.src, m.ok, m.err
}

func (f *ModuleFinder) find(modulePath string) foundModule {
	parts := strings.Split(modulePath, ".")
	for _, part := range parts {
		if !isIdentifier(part) {
			return foundModule{err: fmt.Errorf("module path %q: %q is not a Python identifier", modulePath, part)}
		}
	}
	rel := strings.Join(parts, "/")
	for _, root := range f.roots {
		for _, candidate := range []string{rel + ".py", rel + "/__init__.py"} {
			display := path.Join(root, candidate)
			src, err := os.ReadFile(filepath.Join(f.root, filepath.FromSlash(display)))
			switch {
			case err == nil:
				return foundModule{display: display, src: src, ok: true}
			case errors.Is(err, fs.ErrNotExist), isNotDir(err):
				continue
			default:
				return foundModule{display: display, err: fmt.Errorf("reading module %s: %w", modulePath, err)}
			}
		}
	}
	return foundModule{}
}

// isNotDir reports a candidate that cannot be a module file: a step of its
// path is a file (shared.py exists but shared.utils is asked for), or the
// candidate itself is a directory.
func isNotDir(err error) bool {
	return errors.Is(err, syscall.ENOTDIR) || errors.Is(err, syscall.EISDIR)
}

// isIdentifier reports whether s is a Python identifier (letters, digits
// and underscores, not starting with a digit).
func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r == '_' || unicode.IsLetter(r) || (i > 0 && (unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r))) {
			continue
		}
		return false
	}
	return true
}
