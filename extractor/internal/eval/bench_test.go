package eval

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/bench/corpus"
)

// BenchmarkEvalFile evaluates realistic generated flow files (imports, SQL
// templates, helpers, tasks, a flow and a FLOW_SPEC with deployments).
func BenchmarkEvalFile(b *testing.B) {
	files := make([][]byte, 50)
	size := 0
	for i := range files {
		files[i] = []byte(corpus.FlowFile(i))
		size += len(files[i])
	}
	in := New(Options{DeploymentType: "main", Getenv: testEnv})
	r := in.EvalFile(context.Background(), "src/x_flow.py", files[0])
	require.Empty(b, r.Diags.Errors())
	require.NotNil(b, r.FlowSpec)
	b.SetBytes(int64(size / len(files)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			in.EvalFile(context.Background(), "src/x_flow.py", files[i%len(files)])
			i++
		}
	})
}
