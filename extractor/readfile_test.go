package extractor

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	var buf []byte // reused, as extraction's workers do
	for _, size := range []int{0, 1, 10_000, 16 << 10, 16<<10 + 1, 100_003, 5} {
		name := filepath.Join(dir, "f.py")
		want := bytes.Repeat([]byte("abcdefg\n"), size/8+1)[:size]
		require.NoError(t, os.WriteFile(name, want, 0o644))
		got, err := readFile(name, buf)
		require.NoError(t, err, "size %d", size)
		assert.Equal(t, want, got, "size %d", size)
		buf = got
	}

	_, err := readFile(filepath.Join(dir, "missing.py"), nil)
	var pathErr *fs.PathError
	require.ErrorAs(t, err, &pathErr)
	assert.ErrorIs(t, err, fs.ErrNotExist)
	assert.Contains(t, err.Error(), "missing.py")

	_, err = readFile(dir, nil)
	require.Error(t, err, "a directory cannot be read as a file")
	assert.Contains(t, err.Error(), dir)
}
