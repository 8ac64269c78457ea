package executor

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/flowplan/flowplan/executor/prefect"
	"github.com/flowplan/flowplan/plan"
)

// unknownID stands for the id of a resource a dry run would create: it
// compares unequal to every live value.
const unknownID = "(known after apply)"

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

// blockData is the block's managed data with the task definition ARN in
// effect ("" in a dry run that would register a new revision).
func blockData(b *plan.Block, arn string) (map[string]any, error) {
	raw, err := json.Marshal(b.Data)
	if err != nil {
		return nil, fmt.Errorf("encoding block %s: %w", b.Name, err)
	}
	var data map[string]any
	if err := json.Unmarshal(raw, &data); err != nil {
		return nil, fmt.Errorf("encoding block %s: %w", b.Name, err)
	}
	if family, ok := plan.IsTaskDefinitionARNPlaceholder(b.Data.TaskDefinitionArn); ok {
		if family != b.TaskDefinitionFamily {
			return nil, fmt.Errorf("block %s: task_definition_arn names family %s, but the block's family is %s", b.Name, family, b.TaskDefinitionFamily)
		}
		if arn == "" {
			arn = unknownID
		}
		data["task_definition_arn"] = arn
	}
	return data, nil
}

// reconcileBlock saves the flow's ECS task block: created when missing,
// updated when a managed data field differs. The update sends the managed
// fields only and lets the server merge them into the stored data
// (merge_existing_data, the API's default), so fields set on the block by
// hand (a vpc_id, say) survive; Block.save(overwrite=True) in the original
// replaced them. live is the block as read before (nil when missing); dry
// compares without writing. It returns the block document id ("" when a
// dry run would create it).
func (a *applier) reconcileBlock(ctx context.Context, b *plan.Block, arn string, live *prefect.BlockDocument, dry bool) (string, Action, []string, error) {
	data, err := blockData(b, arn)
	if err != nil {
		return "", Failed, nil, err
	}
	bt, err := a.blockType(ctx, b.BlockTypeSlug)
	if err != nil {
		return "", Failed, nil, err
	}
	if live == nil {
		if dry {
			return "", Created, nil, nil
		}
		doc, err := a.opts.Prefect.CreateBlockDocument(ctx, prefect.BlockDocumentCreate{
			Name: b.Name, Data: data, BlockSchemaID: bt.schemaID, BlockTypeID: bt.typeID,
		})
		if err == nil {
			return doc.ID, Created, nil, nil
		}
		if !prefect.IsConflict(err) {
			return "", Failed, nil, fmt.Errorf("creating block %s/%s: %w", b.BlockTypeSlug, b.Name, err)
		}
		// 409: the block exists after all. Either this create's answer was
		// lost and its retry refused, or another apply made it meanwhile:
		// read it, and update it below if it differs.
		live, err = a.readBlock(ctx, b)
		if err != nil {
			return "", Failed, nil, fmt.Errorf("creating block %s/%s: it already exists (HTTP 409), and reading it back failed: %w", b.BlockTypeSlug, b.Name, err)
		}
		if live == nil {
			return "", Failed, nil, fmt.Errorf("creating block %s/%s: the server answered 409 (already exists) but has no such block", b.BlockTypeSlug, b.Name)
		}
		id, action, changes, err := a.updateBlock(ctx, b, bt, data, live)
		if action == Unchanged {
			action = Created // its content is what this apply would have created
		}
		return id, action, changes, err
	}
	changes, err := blockChanges(b, data, live)
	if err != nil {
		return "", Failed, nil, err
	}
	if len(changes) == 0 {
		return live.ID, Unchanged, nil, nil
	}
	if dry {
		return live.ID, Updated, changes, nil
	}
	return a.updateBlock(ctx, b, bt, data, live)
}

// blockChanges lists the managed data fields whose live value differs.
func blockChanges(b *plan.Block, data map[string]any, live *prefect.BlockDocument) ([]string, error) {
	var changes []string
	for k, v := range data {
		want, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("encoding block %s: %w", b.Name, err)
		}
		have, err := json.Marshal(live.Data[k])
		if err != nil {
			return nil, fmt.Errorf("decoding block %s: %w", b.Name, err)
		}
		if !sameJSON(want, have) {
			changes = append(changes, k)
		}
	}
	sort.Strings(changes)
	return changes, nil
}

// updateBlock writes the managed data fields that differ from live.
func (a *applier) updateBlock(ctx context.Context, b *plan.Block, bt blockTypeInfo, data map[string]any, live *prefect.BlockDocument) (string, Action, []string, error) {
	changes, err := blockChanges(b, data, live)
	if err != nil {
		return "", Failed, nil, err
	}
	if len(changes) == 0 {
		return live.ID, Unchanged, nil, nil
	}
	err = a.opts.Prefect.UpdateBlockDocument(ctx, live.ID, prefect.BlockDocumentUpdate{BlockSchemaID: bt.schemaID, Data: data})
	if err != nil {
		return "", Failed, changes, fmt.Errorf("updating block %s/%s: %w", b.BlockTypeSlug, b.Name, err)
	}
	return live.ID, Updated, changes, nil
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
