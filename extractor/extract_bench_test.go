package extractor_test

import (
	"context"
	"testing"

	"github.com/flowplan/flowplan/bench/corpus"
	"github.com/flowplan/flowplan/extractor"
	"github.com/flowplan/flowplan/extractor/spec"
)

// BenchmarkExtractCorpus extracts a generated project of 1,000 realistic
// flow files (about 10 MB); bench/extract.sh compares the same work with
// CPython's ast.parse.
func BenchmarkExtractCorpus(b *testing.B) {
	dir := b.TempDir()
	if err := corpus.Write(dir, 1000); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := extractor.Extract(context.Background(), extractor.Options{ProjectDir: dir, DeploymentType: "main"})
		if err != nil {
			b.Fatal(err)
		}
		for _, f := range res.Files {
			if f.Status != spec.StatusOK {
				b.Fatalf("%s: %s %v", f.Path, f.Status, f.Errors)
			}
		}
	}
}
