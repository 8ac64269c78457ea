// Package output writes the commands' results: to stdout for "-", and to a
// file so that a failed run never leaves half a plan behind.
package output

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Write writes b to path, or to stdout when path is "-" or "".
//
// A regular file (or a new one) is written through a temporary file in the
// same folder, renamed into place, so readers see the old or the new
// content, never a part. Anything else that already exists at path (a
// device such as /dev/null or /dev/stdout, a named pipe) is written to
// directly: renaming over it would replace the device with a file.
func Write(path string, stdout io.Writer, b []byte) error {
	if path == "-" || path == "" {
		_, err := stdout.Write(b)
		return err
	}
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		if fi.IsDir() {
			return fmt.Errorf("writing %s: it is a directory", path)
		}
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		_, werr := f.Write(b)
		if err := errors.Join(werr, f.Close()); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".flowplan-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.Write(b)
	if err := errors.Join(werr, tmp.Chmod(0o644), tmp.Close()); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
