package pysyntax

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkPrepareSource reads the benchmark corpus's flow files (written by
// go run ./bench/gencorpus DIR; set FLOWPLAN_CORPUS=DIR) as CPython's
// tokenizer would, without parsing them.
func BenchmarkPrepareSource(b *testing.B) {
	dir := os.Getenv("FLOWPLAN_CORPUS")
	if dir == "" {
		b.Skip("FLOWPLAN_CORPUS is not set")
	}
	var files [][]byte
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".py" {
			return err
		}
		src, err := os.ReadFile(p)
		files = append(files, src)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, src := range files {
			if _, _, d := PrepareSource("f.py", src); d != nil {
				b.Fatal(d)
			}
		}
	}
}
