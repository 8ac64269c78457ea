package executor

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/flowplan/flowplan/plan"
)

// readFanOut is how many flows are read at once per write slot by default.
const readFanOut = 4

// Steps of a flow, for the order of its results.
const (
	stepTaskDefinition = iota
	stepBlock
	stepFlow
	stepDeployment
)

// applyFlows registers the worker-era docker envs' task definitions, then
// applies the flows. Each flow's live state is read first, up to
// ReadConcurrency flows at once (reads change nothing, so they fan out
// further); only a flow with something to create or update then takes one
// of the Concurrency write slots. A no-op apply therefore costs a fraction
// of the first one.
func (a *applier) applyFlows(ctx context.Context) {
	var envs []int
	for i, im := range a.plan.Images {
		if im.TaskDefinition != nil {
			envs = append(envs, i)
		}
	}
	forEach(ctx, len(envs), a.opts.Concurrency, func(ctx context.Context, k int) {
		im := a.plan.Images[envs[k]]
		order := resultOrder{phase: 1, index: envs[k]}
		var out taskDefOutcome
		err := a.imageFailure(im.LocalName)
		if err == nil && ctx.Err() != nil {
			err = errors.New(msgNotStarted)
		}
		if err == nil {
			out, err = a.applyTaskDefinition(ctx, im.TaskDefinition)
		}
		a.mu.Lock()
		a.envTaskDefs[im.LocalName] = err
		a.mu.Unlock()
		a.record(a.taskDefinitionResult(im.TaskDefinition, "", order, out, err))
	})
	writeSlots := make(chan struct{}, a.opts.Concurrency)
	forEach(ctx, len(a.plan.Flows), a.readConcurrency(), func(ctx context.Context, i int) {
		a.applyFlow(ctx, i, writeSlots)
	})
}

func (a *applier) readConcurrency() int {
	if a.opts.ReadConcurrency > 0 {
		return a.opts.ReadConcurrency
	}
	return readFanOut * a.opts.Concurrency
}

// imageFailure reports why the image a resource runs in failed in this
// apply, if it did.
func (a *applier) imageFailure(image string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if msg, ok := a.failedImages[image]; ok {
		return fmt.Errorf("not applied: image %s failed: %s", image, msg)
	}
	return nil
}

// flowRun collects the results of one pass over a flow.
type flowRun struct {
	flow    plan.Flow
	results []Result
}

func (r *flowRun) add(res Result) {
	r.results = append(r.results, res)
}

// failRest records every resource of the flow from step on as failed
// because of cause.
func (r *flowRun) failRest(from int, cause error) {
	f := r.flow
	if from <= stepTaskDefinition && f.TaskDefinition != nil {
		r.add(Result{Kind: KindTaskDefinition, Name: f.TaskDefinition.Family, Action: Failed, Error: cause.Error(), order: resultOrder{step: stepTaskDefinition}})
	}
	if from <= stepBlock && f.Block != nil {
		r.add(Result{Kind: KindBlock, Name: blockName(f.Block), Action: Failed, Error: cause.Error(), order: resultOrder{step: stepBlock}})
	}
	if from <= stepFlow {
		r.add(Result{Kind: KindFlow, Name: f.Name, Action: Failed, Error: cause.Error(), order: resultOrder{step: stepFlow}})
	}
	for i, d := range f.Deployments {
		r.add(Result{Kind: KindDeployment, Name: deploymentName(d), Action: Failed, Error: cause.Error(), order: resultOrder{step: stepDeployment, sub: i}})
	}
}

func blockName(b *plan.Block) string { return b.BlockTypeSlug + "/" + b.Name }

func deploymentName(d plan.Deployment) string { return d.FlowName + "/" + d.Name }

// applyFlow reads the flow's live state and compares the plan with it,
// which gives the flow's change set. A dry run reports the change set;
// otherwise, only when something is to be created or updated, it takes a
// write slot and executes the change set.
func (a *applier) applyFlow(ctx context.Context, i int, writeSlots chan struct{}) {
	f := a.plan.Flows[i]
	start := a.now()
	var results []Result
	if ctx.Err() != nil {
		// Interrupted before this flow's turn: nothing of it starts.
		r := &flowRun{flow: f}
		r.failRest(stepTaskDefinition, errors.New(msgNotStarted))
		for _, res := range r.results {
			res.Flow = f.Name
			res.order.phase, res.order.index = 2, i
			a.record(res)
		}
		return
	}
	a.emit(Event{Type: EventFlowStart, Flow: f.Name})
	if err := a.flowBlocked(f); err != nil {
		r := &flowRun{flow: f}
		r.failRest(stepTaskDefinition, err)
		results = r.results
	} else {
		changes := compareFlow(f, a.readFlow(ctx, f), wantMajor(targetOf(a.plan)))
		results = changes.results()
		if !a.opts.DryRun && changes.writes() {
			select {
			case writeSlots <- struct{}{}:
				results = a.execute(ctx, changes)
				<-writeSlots
			case <-ctx.Done():
				r := &flowRun{flow: f}
				r.failRest(stepTaskDefinition, errors.New(msgNotStarted))
				results = r.results
			}
		}
	}
	var errs []string
	for _, res := range results {
		res.Flow = f.Name
		res.order.phase, res.order.index = 2, i
		res = a.explainInterruption(res)
		if res.Action == Failed {
			errs = append(errs, fmt.Sprintf("%s %s: %s", res.Kind, res.Name, res.Error))
		}
		a.record(res)
	}
	end := Event{Type: EventFlowEnd, Flow: f.Name, Elapsed: a.now().Sub(start), Message: describe(results, a.opts.DryRun)}
	if len(errs) > 0 {
		end.Error = strings.Join(errs, "; ")
	}
	a.emit(end)
}

// flowBlocked reports why the flow cannot be applied at all: its image or
// its docker env's task definition failed in this apply.
func (a *applier) flowBlocked(f plan.Flow) error {
	if err := a.imageFailure(f.Image); err != nil {
		return err
	}
	if f.TaskDefinition == nil {
		a.mu.Lock()
		envErr, ok := a.envTaskDefs[f.Image]
		a.mu.Unlock()
		if ok && envErr != nil {
			return fmt.Errorf("not applied: the task definition of image %s failed: %w", f.Image, envErr)
		}
	}
	return nil
}

// describe sums up a flow's results for its end event, e.g. "task
// definition unchanged, block updated, flow unchanged, 2 deployments
// unchanged".
func describe(results []Result, dryRun bool) string {
	count := map[Kind]map[Action]int{}
	for _, r := range results {
		if count[r.Kind] == nil {
			count[r.Kind] = map[Action]int{}
		}
		count[r.Kind][r.Action]++
	}
	var parts []string
	for _, k := range []Kind{KindTaskDefinition, KindBlock, KindFlow, KindDeployment} {
		for _, act := range []Action{Created, Updated, Unchanged, Failed} {
			n := count[k][act]
			if n == 0 {
				continue
			}
			noun := strings.ReplaceAll(string(k), "_", " ")
			if n > 1 {
				parts = append(parts, fmt.Sprintf("%d %ss %s", n, noun, verb(act, dryRun)))
			} else {
				parts = append(parts, fmt.Sprintf("%s %s", noun, verb(act, dryRun)))
			}
		}
	}
	return strings.Join(parts, ", ")
}
