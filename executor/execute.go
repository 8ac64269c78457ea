package executor

import (
	"context"
	"fmt"

	"github.com/flowplan/flowplan/executor/prefect"
	"github.com/flowplan/flowplan/plan"
)

// execute applies a flow's change set in order: task definition, block,
// flow, deployments. A resource that fails stops what depends on it; the
// other deployments of the flow still run. The ids and ARN of resources
// created here become known as it goes: a change compared against one of
// them while it was unknown is compared again with the known value before
// it is written.
func (a *applier) execute(ctx context.Context, fc *flowChanges) []Result {
	f := fc.flow
	r := &flowRun{flow: f}
	arn, registered := "", false
	if c := fc.taskDef; c != nil {
		res := Result{Kind: KindTaskDefinition, Name: c.td.Family, order: resultOrder{step: stepTaskDefinition}}
		var err error
		arn, err = c.liveARN, c.err
		if err == nil && c.op != OpNoOp {
			arn, err = a.registerTaskDefinition(ctx, c)
			registered = err == nil
		}
		if err != nil {
			res.Action, res.Error = Failed, err.Error()
			r.add(res)
			r.failRest(stepBlock, taskDefinitionFailed(c.td))
			return r.results
		}
		res.Action, res.Changes, res.Detail = c.op.action(), fieldNames(c.changes), arn
		r.add(res)
	}

	ownBlockID := unknownID
	var ownBlockErr error
	if c := fc.block; c != nil {
		res := Result{Kind: KindBlock, Name: blockName(f.Block), order: resultOrder{step: stepBlock}}
		err := c.err
		id := ""
		if err == nil {
			id, res.Action, res.Changes, err = a.reconcileBlock(ctx, f.Block, arn, c.live)
		}
		if err == nil && f.TaskDefinition != nil && (registered || res.Action == Created || res.Action == Updated) {
			err = a.settleBlock(ctx, f, arn, &res)
		}
		if err != nil {
			res.Action, res.Error = Failed, err.Error()
			ownBlockErr = blockFailed(f.Block)
		}
		if id != "" {
			ownBlockID = id
		}
		r.add(res)
	}

	flowRes := Result{Kind: KindFlow, Name: f.Name, Action: fc.flowRes.op.action(), order: resultOrder{step: stepFlow}}
	flowID, err := a.createFlow(ctx, fc.flowRes)
	if err != nil {
		flowRes.Action, flowRes.Error = Failed, err.Error()
		r.add(flowRes)
		r.failRest(stepDeployment, flowFailed(f.Name))
		return r.results
	}
	r.add(flowRes)

	major := wantMajor(targetOf(a.plan))
	for j := range fc.deployments {
		c := &fc.deployments[j]
		res := Result{Kind: KindDeployment, Name: deploymentName(c.d), order: resultOrder{step: stepDeployment, sub: j}}
		err := c.failure(ownBlockErr)
		if err == nil {
			refs := c.refs
			refs.flowID = flowID
			if c.ownBlock {
				refs.infrastructureID = ownBlockID
			}
			if refs != c.refs {
				own := c.ownBlock
				*c = compareDeployment(c.d, refs, c.live, major)
				c.ownBlock = own
			}
			err = c.err
		}
		if err == nil {
			err = a.writeDeployment(ctx, c, major)
		}
		if err != nil {
			res.Action, res.Error = Failed, err.Error()
		} else {
			res.Action, res.Changes, res.Detail = c.op.action(), fieldNames(c.changes), c.method
		}
		r.add(res)
	}
	return r.results
}

// registerTaskDefinition registers the plan's task definition as a new
// revision and returns its ARN.
func (a *applier) registerTaskDefinition(ctx context.Context, c *taskDefinitionChange) (string, error) {
	arn, err := a.opts.ECS.RegisterTaskDefinition(ctx, c.input)
	if err != nil {
		return "", fmt.Errorf("registering task definition %s: %w", c.td.Family, err)
	}
	return arn, nil
}

// reconcileBlock saves the flow's ECS task block, with the task definition
// ARN arn in effect, against the live block read before (nil when
// missing): created when missing, updated when a managed data field
// differs. The update sends the managed fields only and lets the server
// merge them into the stored data (merge_existing_data, the API's
// default), so fields set on the block by hand (a vpc_id, say) survive;
// Block.save(overwrite=True) in the original replaced them. It returns the
// block document id.
func (a *applier) reconcileBlock(ctx context.Context, b *plan.Block, arn string, live *prefect.BlockDocument) (string, Action, []string, error) {
	bt, err := a.blockType(ctx, b.BlockTypeSlug)
	if err != nil {
		return "", Failed, nil, err
	}
	c := compareBlock(b, arn, bt, live)
	if c.err != nil {
		return "", Failed, nil, c.err
	}
	switch c.op {
	case OpNoOp:
		return live.ID, Unchanged, nil, nil
	case OpUpdate:
		return a.updateBlock(ctx, c)
	}
	doc, err := a.opts.Prefect.CreateBlockDocument(ctx, prefect.BlockDocumentCreate{
		Name: b.Name, Data: c.data, BlockSchemaID: bt.schemaID, BlockTypeID: bt.typeID,
	})
	if err == nil {
		return doc.ID, Created, nil, nil
	}
	if !prefect.IsConflict(err) {
		return "", Failed, nil, fmt.Errorf("creating block %s/%s: %w", b.BlockTypeSlug, b.Name, err)
	}
	// 409: the block exists after all. Either this create's answer was
	// lost and its retry refused, or another apply made it meanwhile:
	// read it, and update it if it differs.
	live, err = a.readBlock(ctx, b)
	if err != nil {
		return "", Failed, nil, fmt.Errorf("creating block %s/%s: it already exists (HTTP 409), and reading it back failed: %w", b.BlockTypeSlug, b.Name, err)
	}
	if live == nil {
		return "", Failed, nil, fmt.Errorf("creating block %s/%s: the server answered 409 (already exists) but has no such block", b.BlockTypeSlug, b.Name)
	}
	c = compareBlock(b, arn, bt, live)
	if c.err != nil {
		return "", Failed, nil, c.err
	}
	if c.op == OpNoOp {
		return live.ID, Created, nil, nil // its content is what this apply would have created
	}
	return a.updateBlock(ctx, c)
}

// updateBlock writes the block's managed data fields.
func (a *applier) updateBlock(ctx context.Context, c *blockChange) (string, Action, []string, error) {
	b, changes := c.block, fieldNames(c.changes)
	err := a.opts.Prefect.UpdateBlockDocument(ctx, c.live.ID, prefect.BlockDocumentUpdate{BlockSchemaID: c.bt.schemaID, Data: c.data})
	if err != nil {
		return "", Failed, changes, fmt.Errorf("updating block %s/%s: %w", b.BlockTypeSlug, b.Name, err)
	}
	return c.live.ID, Updated, changes, nil
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
		_, action, changes, err := a.reconcileBlock(ctx, f.Block, newer, live)
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

// createFlow creates the flow when the read found none, and returns its
// id. A flow is only a name: when another apply (or this create's lost
// answer) made it meanwhile, the existing one is the one.
func (a *applier) createFlow(ctx context.Context, c flowChange) (string, error) {
	if c.err != nil {
		return "", c.err
	}
	if c.op == OpNoOp {
		return c.live.ID, nil
	}
	fl, err := a.opts.Prefect.CreateFlow(ctx, c.name)
	if prefect.IsConflict(err) {
		if existing, rerr := a.opts.Prefect.ReadFlowByName(ctx, c.name); rerr == nil && existing != nil {
			return existing.ID, nil
		}
	}
	if err != nil {
		return "", fmt.Errorf("creating flow %s: %w", c.name, err)
	}
	return fl.ID, nil
}

// writeDeployment creates or updates the deployment as its change says
// (see compareDeployment).
func (a *applier) writeDeployment(ctx context.Context, c *deploymentChange, major int) error {
	d := c.d
	switch {
	case c.op == OpNoOp:
		return nil
	case c.op == OpCreate:
		if _, err := a.opts.Prefect.CreateDeployment(ctx, c.body); err != nil {
			return fmt.Errorf("creating deployment %s/%s: %w", d.FlowName, d.Name, err)
		}
		return nil
	case c.method == "PATCH":
		patch, err := c.body.Only(fieldNames(c.changes))
		if err != nil {
			return fmt.Errorf("deployment %s/%s: %w", d.FlowName, d.Name, err)
		}
		if err := a.opts.Prefect.UpdateDeployment(ctx, c.live.ID, patch); err != nil {
			return fmt.Errorf("updating deployment %s/%s: %w", d.FlowName, d.Name, err)
		}
		return nil
	}
	body := c.body
	if major == 2 {
		managed, err := requestFields(body)
		if err != nil {
			return fmt.Errorf("deployment %s/%s: %w", d.FlowName, d.Name, err)
		}
		for _, f := range d.Unmanaged {
			v, ok := c.liveFields[f]
			if _, isManaged := managed[f]; !ok || isManaged {
				continue
			}
			if err := body.SetJSON(f, v); err != nil {
				return fmt.Errorf("deployment %s/%s: %w", d.FlowName, d.Name, err)
			}
		}
	}
	if _, err := a.opts.Prefect.CreateDeployment(ctx, body); err != nil {
		return fmt.Errorf("updating deployment %s/%s: %w", d.FlowName, d.Name, err)
	}
	return nil
}
