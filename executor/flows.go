package executor

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/flowplan/flowplan/executor/prefect"
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
			var live *ecstypes.TaskDefinition
			var liveARN string
			live, liveARN, err = a.readTaskDefinition(ctx, im.TaskDefinition.Family)
			if err == nil {
				out, err = a.reconcileTaskDefinition(ctx, im.TaskDefinition, live, liveARN, a.opts.DryRun)
			}
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

// liveFlow is the live state of a flow's resources, read before comparing.
type liveFlow struct {
	td      *ecstypes.TaskDefinition
	tdARN   string
	tdErr   error
	block   *prefect.BlockDocument
	blkErr  error
	flow    *prefect.Flow
	flowErr error
	deps    []*prefect.Deployment
	depErrs []error
}

// readFlow reads everything the flow's resources compare against, the
// independent reads at once: the task definition, the block, the flow and
// (when the flow exists) its deployments, plus the shared lookups its
// deployments need (storage block, work pools), which are read once per
// apply.
func (a *applier) readFlow(ctx context.Context, f plan.Flow) *liveFlow {
	lf := &liveFlow{deps: make([]*prefect.Deployment, len(f.Deployments)), depErrs: make([]error, len(f.Deployments))}
	var wg sync.WaitGroup
	if f.TaskDefinition != nil {
		wg.Go(func() { lf.td, lf.tdARN, lf.tdErr = a.readTaskDefinition(ctx, f.TaskDefinition.Family) })
	}
	if f.Block != nil {
		wg.Go(func() {
			if _, err := a.blockType(ctx, f.Block.BlockTypeSlug); err != nil {
				lf.blkErr = err
				return
			}
			lf.block, lf.blkErr = a.readBlock(ctx, f.Block)
		})
	}
	wg.Go(func() {
		lf.flow, lf.flowErr = a.opts.Prefect.ReadFlowByName(ctx, f.Name)
		if lf.flowErr != nil {
			lf.flowErr = fmt.Errorf("reading flow %s: %w", f.Name, lf.flowErr)
			return
		}
		if lf.flow == nil {
			return // a new flow has no deployments yet
		}
		var dwg sync.WaitGroup
		for j, d := range f.Deployments {
			dwg.Go(func() {
				lf.deps[j], lf.depErrs[j] = a.opts.Prefect.ReadDeploymentByName(ctx, d.FlowName, d.Name)
				if lf.depErrs[j] != nil {
					lf.depErrs[j] = fmt.Errorf("reading deployment %s: %w", deploymentName(d), lf.depErrs[j])
				}
			})
		}
		dwg.Wait()
	})
	for _, d := range f.Deployments {
		if d.StorageBlock != nil {
			wg.Go(func() { _, _ = a.blockID(ctx, *d.StorageBlock, "storage") })
		}
		if d.Request.WorkPoolName != nil {
			wg.Go(func() { _ = a.checkWorkPool(ctx, *d.Request.WorkPoolName) })
		}
	}
	wg.Wait()
	return lf
}

// applyFlow reads the flow's live state, compares, and only when something
// is to be created or updated (and this is no dry run) takes a write slot
// and writes, in order: task definition, block, flow, deployments.
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
		lf := a.readFlow(ctx, f)
		results = a.reconcileFlowResources(ctx, f, lf, true)
		if !a.opts.DryRun && slices.ContainsFunc(results, func(r Result) bool { return r.Action == Created || r.Action == Updated }) {
			select {
			case writeSlots <- struct{}{}:
				results = a.reconcileFlowResources(ctx, f, lf, false)
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

// reconcileFlowResources compares (dry) or applies the flow's resources
// against the live state read before. A failure stops what depends on it;
// the other deployments of the flow still run.
func (a *applier) reconcileFlowResources(ctx context.Context, f plan.Flow, lf *liveFlow, dry bool) []Result {
	r := &flowRun{flow: f}
	var arn string
	registered := false
	if f.TaskDefinition != nil {
		out, err := lf.tdOutcome(ctx, a, f.TaskDefinition, dry)
		r.add(a.taskDefinitionResult(f.TaskDefinition, f.Name, resultOrder{step: stepTaskDefinition}, out, err))
		if err != nil {
			r.failRest(stepBlock, fmt.Errorf("not applied: task definition %s failed", f.TaskDefinition.Family))
			return r.results
		}
		arn, registered = out.arn, out.registered
	}

	ownBlockID := ""
	var ownBlockErr error
	if f.Block != nil {
		res := Result{Kind: KindBlock, Name: blockName(f.Block), order: resultOrder{step: stepBlock}}
		err := lf.blkErr
		if err == nil {
			ownBlockID, res.Action, res.Changes, err = a.reconcileBlock(ctx, f.Block, arn, lf.block, dry)
		}
		if err == nil && !dry && f.TaskDefinition != nil && (registered || res.Action == Created || res.Action == Updated) {
			err = a.settleBlock(ctx, f, arn, &res)
		}
		if err != nil {
			res.Action, res.Error = Failed, err.Error()
			ownBlockErr = fmt.Errorf("not applied: block %s failed", blockName(f.Block))
		}
		if ownBlockID == "" {
			ownBlockID = unknownID
		}
		r.add(res)
	}

	flowRes := Result{Kind: KindFlow, Name: f.Name, Action: Unchanged, order: resultOrder{step: stepFlow}}
	flowID, err := a.reconcileFlow(ctx, f.Name, lf.flow, lf.flowErr, dry)
	if lf.flow == nil {
		flowRes.Action = Created
	}
	if err != nil {
		flowRes.Action, flowRes.Error = Failed, err.Error()
		r.add(flowRes)
		r.failRest(stepDeployment, fmt.Errorf("not applied: flow %s failed", f.Name))
		return r.results
	}
	r.add(flowRes)

	for j, d := range f.Deployments {
		res := Result{Kind: KindDeployment, Name: deploymentName(d), order: resultOrder{step: stepDeployment, sub: j}}
		err := lf.depErrs[j]
		var out deploymentOutcome
		if err == nil {
			out, err = a.deployment(ctx, f, d, flowID, lf.deps[j], ownBlockID, ownBlockErr, dry)
		}
		if err != nil {
			res.Action, res.Error = Failed, err.Error()
		} else {
			res.Action, res.Changes, res.Detail = out.action, out.changes, out.how
		}
		r.add(res)
	}
	return r.results
}

func (lf *liveFlow) tdOutcome(ctx context.Context, a *applier, td *plan.TaskDefinition, dry bool) (taskDefOutcome, error) {
	if lf.tdErr != nil {
		return taskDefOutcome{}, lf.tdErr
	}
	return a.reconcileTaskDefinition(ctx, td, lf.td, lf.tdARN, dry)
}

// settleBlock makes an apply that wrote something end with the block on
// the family's newest revision of the plan's content. Two applies of one
// plan at once each register a revision and each save the block; whichever
// writes the block last then re-reads the family and moves the block to a
// newer equal revision when there is one, until none is newer. As every
// apply that writes checks after its last write, the last check sees the
// newest revision, and the block ends on it.
func (a *applier) settleBlock(ctx context.Context, f plan.Flow, arn string, res *Result) error {
	for range 5 {
		newer, err := a.newerEqualRevision(ctx, f.TaskDefinition, arn)
		if err != nil || newer == "" {
			return err
		}
		live, err := a.readBlock(ctx, f.Block)
		if err != nil {
			return err
		}
		if live == nil {
			return fmt.Errorf("block %s disappeared while it was being applied", blockName(f.Block))
		}
		_, action, changes, err := a.reconcileBlock(ctx, f.Block, newer, live, false)
		if err != nil {
			return err
		}
		arn = newer
		if action == Updated && res.Action != Created {
			res.Action = Updated
			res.Changes = changes
		}
		res.Detail = "on " + newer + ", the newest revision of the same content (another apply registered it meanwhile)"
	}
	return nil
}

// reconcileFlow creates the flow only when the read found none. It
// returns the flow id (unknownID when a dry run would create it).
func (a *applier) reconcileFlow(ctx context.Context, name string, live *prefect.Flow, readErr error, dry bool) (string, error) {
	if readErr != nil {
		return "", readErr
	}
	if live != nil {
		return live.ID, nil
	}
	if dry {
		return unknownID, nil
	}
	fl, err := a.opts.Prefect.CreateFlow(ctx, name)
	if prefect.IsConflict(err) {
		// Made meanwhile (another apply, or this create's lost answer):
		// a flow is only a name, so the existing one is the one.
		if existing, rerr := a.opts.Prefect.ReadFlowByName(ctx, name); rerr == nil && existing != nil {
			return existing.ID, nil
		}
	}
	if err != nil {
		return "", fmt.Errorf("creating flow %s: %w", name, err)
	}
	return fl.ID, nil
}

// deployment resolves what a deployment refers to (storage block,
// infrastructure block, work pool) and reconciles it.
func (a *applier) deployment(ctx context.Context, f plan.Flow, d plan.Deployment, flowID string, live *prefect.Deployment, ownBlockID string, ownBlockErr error, dry bool) (deploymentOutcome, error) {
	refs := deploymentRefs{flowID: flowID}
	if d.StorageBlock != nil {
		id, err := a.blockID(ctx, *d.StorageBlock, "storage")
		if err != nil {
			return deploymentOutcome{}, err
		}
		refs.storageID = id
	}
	if ib := d.InfrastructureBlock; ib != nil {
		if f.Block != nil && ib.BlockTypeSlug == f.Block.BlockTypeSlug && ib.Name == f.Block.Name {
			if ownBlockErr != nil {
				return deploymentOutcome{}, ownBlockErr
			}
			refs.infrastructureID = ownBlockID
		} else {
			id, err := a.blockID(ctx, *ib, "infrastructure")
			if err != nil {
				return deploymentOutcome{}, err
			}
			refs.infrastructureID = id
		}
	}
	if pool := d.Request.WorkPoolName; pool != nil {
		if err := a.checkWorkPool(ctx, *pool); err != nil {
			return deploymentOutcome{}, err
		}
	}
	return a.reconcileDeployment(ctx, d, refs, live, dry)
}

// errNoWorkPool marks a work pool that does not exist.
var errNoWorkPool = errors.New("work pool does not exist")

// checkWorkPool makes sure the work pool a deployment names exists before
// the deployment is written (the server would otherwise refuse it, or on
// Prefect 2 create the deployment without a pool to run it).
func (a *applier) checkWorkPool(ctx context.Context, name string) error {
	_, err := a.workPools.get(name, func() (bool, error) {
		p, err := a.opts.Prefect.ReadWorkPool(ctx, name)
		if err != nil {
			return false, fmt.Errorf("reading work pool %s: %w", name, err)
		}
		if p == nil {
			return false, fmt.Errorf("work pool %s: %w on the Prefect API at %s: create it (prefect work-pool create %s --type <type>) or name another pool in the flow spec",
				name, errNoWorkPool, a.opts.Prefect.BaseURL(), name)
		}
		return true, nil
	})
	return err
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
