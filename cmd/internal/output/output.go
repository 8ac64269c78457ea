// Package output writes the commands' results: to stdout for "-", and to a
// file so that a failed run never leaves half a plan behind.
package output

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// FolderError is an output path whose folder cannot take the file: it is
// missing, not a folder, or read-only. The commands treat it as a usage
// problem (exit 2): the run was asked to write where it cannot.
type FolderError struct {
	Path   string // the output path as given
	Folder string // its folder
	Reason string // "does not exist", "is read-only", ...
}

func (e *FolderError) Error() string {
	return fmt.Sprintf("cannot write %s: folder %s %s", e.Path, e.Folder, e.Reason)
}

// Check makes sure the folder of path exists and can take a new file,
// before any work is done to fill it. "-" and "" (stdout) and existing
// non-regular files (devices, pipes) pass.
func Check(path string) error {
	if path == "-" || path == "" {
		return nil
	}
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		if fi.IsDir() {
			return &FolderError{Path: path, Folder: path, Reason: "is a folder, not a file name"}
		}
		return nil
	}
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &FolderError{Path: path, Folder: dir, Reason: "does not exist"}
	case err != nil:
		return &FolderError{Path: path, Folder: dir, Reason: "cannot be read: " + unwrapPath(err).Error()}
	case !fi.IsDir():
		return &FolderError{Path: path, Folder: dir, Reason: "is not a folder"}
	}
	if err := canWrite(dir); err != nil {
		return folderWriteError(path, dir, err)
	}
	return nil
}

func folderWriteError(path, dir string, err error) *FolderError {
	err = unwrapPath(err)
	switch {
	case errors.Is(err, syscall.EROFS):
		return &FolderError{Path: path, Folder: dir, Reason: "is on a read-only file system"}
	case errors.Is(err, fs.ErrPermission):
		return &FolderError{Path: path, Folder: dir, Reason: "is read-only for this user"}
	case errors.Is(err, fs.ErrNotExist):
		return &FolderError{Path: path, Folder: dir, Reason: "does not exist"}
	}
	return &FolderError{Path: path, Folder: dir, Reason: "cannot take a new file: " + err.Error()}
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

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
			return &FolderError{Path: path, Folder: path, Reason: "is a folder, not a file name"}
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
		return folderWriteError(path, filepath.Dir(path), err)
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
