package output

import (
	"bytes"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		path    func() string
		content string
		stdout  string
		check   func(t *testing.T, path string)
		wantErr string
	}{
		{name: "stdout", path: func() string { return "-" }, content: "plan", stdout: "plan"},
		{name: "new file", path: func() string { return filepath.Join(dir, "new.json") }, content: "plan",
			check: func(t *testing.T, path string) {
				b, err := os.ReadFile(path)
				require.NoError(t, err)
				require.Equal(t, "plan", string(b))
				fi, err := os.Stat(path)
				require.NoError(t, err)
				require.Equal(t, os.FileMode(0o644), fi.Mode().Perm())
			}},
		{name: "replaces a file", path: func() string {
			p := filepath.Join(dir, "old.json")
			require.NoError(t, os.WriteFile(p, []byte("a much longer old plan"), 0o644))
			return p
		}, content: "new", check: func(t *testing.T, path string) {
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			require.Equal(t, "new", string(b))
		}},
		{name: "a named pipe stays a pipe", path: func() string {
			p := filepath.Join(dir, "fifo")
			require.NoError(t, syscall.Mkfifo(p, 0o600))
			go func() {
				f, err := os.Open(p)
				if err == nil {
					_, _ = f.Read(make([]byte, 16))
					f.Close()
				}
			}()
			return p
		}, content: "x", check: func(t *testing.T, path string) {
			fi, err := os.Stat(path)
			require.NoError(t, err)
			require.Equal(t, os.ModeNamedPipe, fi.Mode().Type())
		}},
		{name: "a directory is refused", path: func() string { return dir }, content: "x", wantErr: "is a folder, not a file name"},
		{name: "missing folder", path: func() string { return filepath.Join(dir, "nope", "p.json") }, content: "x", wantErr: "folder " + filepath.Join(dir, "nope") + " does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout bytes.Buffer
			path := tt.path()
			err := Write(path, &stdout, []byte(tt.content))
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.stdout, stdout.String())
			if tt.check != nil {
				tt.check(t, path)
			}
		})
	}
}
