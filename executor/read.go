package executor

import (
	"context"
	"errors"
	"fmt"
	"sync"

	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/flowplan/flowplan/executor/prefect"
	"github.com/flowplan/flowplan/plan"
)

// liveFlow is the live state of a flow's resources and of what they refer
// to, read before comparing. Each read keeps its error: a resource whose
// read failed fails, the others go on.
type liveFlow struct {
	td      *ecstypes.TaskDefinition
	tdARN   string
	tdErr   error
	bt      blockTypeInfo
	btErr   error
	block   *prefect.BlockDocument
	blkErr  error
	flow    *prefect.Flow
	flowErr error
	deps    []liveDeployment
}

// liveDeployment is what a deployment compares against and refers to.
type liveDeployment struct {
	dep     *prefect.Deployment
	err     error
	storage idLookup // the storage block's id
	infra   idLookup // an infrastructure block's id, when it is not the flow's own
	poolErr error    // why the work pool cannot be used
}

// idLookup is the id of a block a resource refers to, or why it has none.
type idLookup struct {
	id  string
	err error
}

// readFlow reads everything the flow's resources compare against, the
// independent reads at once: the task definition, the block, the flow and
// (when the flow exists) its deployments, plus the shared lookups its
// deployments need (storage and infrastructure blocks, work pools), which
// are read once per apply.
func (a *applier) readFlow(ctx context.Context, f plan.Flow) *liveFlow {
	lf := &liveFlow{deps: make([]liveDeployment, len(f.Deployments))}
	var wg sync.WaitGroup
	if f.TaskDefinition != nil {
		wg.Go(func() { lf.td, lf.tdARN, lf.tdErr = a.readTaskDefinition(ctx, f.TaskDefinition.Family) })
	}
	if f.Block != nil {
		wg.Go(func() {
			if lf.bt, lf.btErr = a.blockType(ctx, f.Block.BlockTypeSlug); lf.btErr != nil {
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
				ld := &lf.deps[j]
				ld.dep, ld.err = a.opts.Prefect.ReadDeploymentByName(ctx, d.FlowName, d.Name)
				if ld.err != nil {
					ld.err = fmt.Errorf("reading deployment %s: %w", deploymentName(d), ld.err)
				}
			})
		}
		dwg.Wait()
	})
	for j, d := range f.Deployments {
		ld := &lf.deps[j]
		if d.StorageBlock != nil {
			wg.Go(func() { ld.storage.id, ld.storage.err = a.blockID(ctx, *d.StorageBlock, "storage") })
		}
		if ib := d.InfrastructureBlock; ib != nil && !isOwnBlock(f, *ib) {
			wg.Go(func() { ld.infra.id, ld.infra.err = a.blockID(ctx, *ib, "infrastructure") })
		}
		if d.Request.WorkPoolName != nil {
			wg.Go(func() { ld.poolErr = a.checkWorkPool(ctx, *d.Request.WorkPoolName) })
		}
	}
	wg.Wait()
	return lf
}

// isOwnBlock reports whether ref names the flow's own block.
func isOwnBlock(f plan.Flow, ref plan.BlockRef) bool {
	return f.Block != nil && ref.BlockTypeSlug == f.Block.BlockTypeSlug && ref.Name == f.Block.Name
}

// readTaskDefinition reads the family's latest ACTIVE revision.
func (a *applier) readTaskDefinition(ctx context.Context, family string) (*ecstypes.TaskDefinition, string, error) {
	live, arn, err := a.opts.ECS.LatestTaskDefinition(ctx, family)
	if err != nil {
		return nil, "", fmt.Errorf("reading task definition %s: %w", family, err)
	}
	return live, arn, nil
}

// blockTypeInfo is a block type with its newest schema.
type blockTypeInfo struct {
	typeID   string
	schemaID string
}

func (a *applier) blockType(ctx context.Context, slug string) (blockTypeInfo, error) {
	return a.blockTypes.get(slug, func() (blockTypeInfo, error) {
		bt, err := a.opts.Prefect.ReadBlockType(ctx, slug)
		if err != nil {
			return blockTypeInfo{}, fmt.Errorf("reading block type %s: %w", slug, err)
		}
		schema, err := a.opts.Prefect.ReadLatestBlockSchema(ctx, bt.ID)
		if err != nil {
			return blockTypeInfo{}, fmt.Errorf("reading the schema of block type %s: %w", slug, err)
		}
		return blockTypeInfo{typeID: bt.ID, schemaID: schema.ID}, nil
	})
}

// readBlock reads a block document by type and name (nil when missing).
func (a *applier) readBlock(ctx context.Context, b *plan.Block) (*prefect.BlockDocument, error) {
	doc, err := a.opts.Prefect.ReadBlockDocumentByName(ctx, b.BlockTypeSlug, b.Name)
	if err != nil {
		return nil, fmt.Errorf("reading block %s: %w", blockName(b), err)
	}
	return doc, nil
}

// blockID looks up an existing block the deployments refer to (the storage
// block, or an infrastructure block named by the plan's override): it must
// exist, as the original required; nothing creates it.
func (a *applier) blockID(ctx context.Context, ref plan.BlockRef, role string) (string, error) {
	return a.blockIDs.get(ref.BlockTypeSlug+"/"+ref.Name, func() (string, error) {
		doc, err := a.opts.Prefect.ReadBlockDocumentByName(ctx, ref.BlockTypeSlug, ref.Name)
		if err != nil {
			return "", fmt.Errorf("reading %s block %s/%s: %w", role, ref.BlockTypeSlug, ref.Name, err)
		}
		if doc == nil {
			return "", fmt.Errorf("%s block %s/%s does not exist on the Prefect API at %s: create it there (or name another one when making the plan)",
				role, ref.BlockTypeSlug, ref.Name, a.opts.Prefect.BaseURL())
		}
		return doc.ID, nil
	})
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
