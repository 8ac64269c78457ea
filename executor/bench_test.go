package executor

import (
	"context"
	"testing"
	"time"

	"github.com/flowplan/flowplan/executor/aws/awsfake"
)

// BenchmarkApply applies a plan of 200 flows x 2 deployments to fakes that
// answer every request after 20 ms, then applies it again. It reports both
// wall times and request counts, and fails unless the no-op re-apply makes
// only reads and takes under a third of the first apply's time:
//
//	go test ./executor -run '^$' -bench BenchmarkApply -benchtime 1x
func BenchmarkApply(b *testing.B) {
	const latency = 20 * time.Millisecond
	p := agentPlan(b, 200, 2)
	for b.Loop() {
		f := newFixtureWith(b, prefectfakeLatency(latency))
		f.aws.SetLatency(latency)
		ctx := context.Background()

		start := time.Now()
		first, err := Apply(ctx, p, f.options(onlyFlows))
		firstTime := time.Since(start)
		if err != nil || first.Failed() || first.Count(Created) != 200*5 {
			b.Fatalf("first apply: %v, %d created, failed %v", err, first.Count(Created), first.Failed())
		}
		firstReads, firstWrites := f.prefect.Counts()
		firstAWS := f.aws.CallCounts()

		f.reset(b)
		start = time.Now()
		noop, err := Apply(ctx, p, f.options(onlyFlows))
		noopTime := time.Since(start)
		if err != nil || noop.Failed() || noop.Changed() {
			b.Fatalf("no-op apply: %v, changed %v, failed %v", err, noop.Changed(), noop.Failed())
		}
		noopReads, noopWrites := f.prefect.Counts()
		noopAWS := f.aws.CallCounts()

		b.ReportMetric(firstTime.Seconds(), "first-s")
		b.ReportMetric(noopTime.Seconds(), "noop-s")
		b.ReportMetric(noopTime.Seconds()/firstTime.Seconds(), "noop/first")
		b.ReportMetric(float64(firstReads), "first-prefect-reads")
		b.ReportMetric(float64(firstWrites), "first-prefect-writes")
		b.ReportMetric(float64(firstAWS[awsfake.ECSListTaskDefinitions]+firstAWS[awsfake.ECSDescribeTaskDefinition]), "first-ecs-reads")
		b.ReportMetric(float64(firstAWS[awsfake.ECSRegisterTaskDefinition]), "first-ecs-registers")
		b.ReportMetric(float64(noopReads), "noop-prefect-reads")
		b.ReportMetric(float64(noopWrites), "noop-prefect-writes")
		b.ReportMetric(float64(noopAWS[awsfake.ECSListTaskDefinitions]+noopAWS[awsfake.ECSDescribeTaskDefinition]), "noop-ecs-reads")
		b.ReportMetric(float64(noopAWS[awsfake.ECSRegisterTaskDefinition]), "noop-ecs-registers")

		if noopWrites != 0 || noopAWS[awsfake.ECSRegisterTaskDefinition] != 0 {
			b.Errorf("no-op re-apply wrote: %d Prefect writes, %d registrations", noopWrites, noopAWS[awsfake.ECSRegisterTaskDefinition])
		}
		if noopTime*3 >= firstTime {
			b.Errorf("no-op re-apply took %s, not under a third of the first apply's %s", noopTime, firstTime)
		}
	}
}
