package verify

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/flowplan/flowplan/executor"
	"github.com/flowplan/flowplan/executor/prefect"
	"github.com/flowplan/flowplan/plan"
)

// Prefect is the part of the Prefect API verify reads; *prefect.Client
// implements it.
type Prefect interface {
	BaseURL() string
	ReadVersion(ctx context.Context) (string, error)
	ReadBlockType(ctx context.Context, slug string) (*prefect.BlockType, error)
	ReadLatestBlockSchema(ctx context.Context, blockTypeID string) (*prefect.BlockSchema, error)
	ReadBlockDocumentByName(ctx context.Context, typeSlug, name string) (*prefect.BlockDocument, error)
	ReadWorkPool(ctx context.Context, name string) (*prefect.WorkPool, error)
}

// checkPrefect checks that the Prefect API answers with the key, that its
// version fits the plan's target, that the block types the plan saves or
// names are registered, and that the storage blocks, the infrastructure
// blocks the plan does not save itself and the work pools the deployments
// name exist. Work queues are not checked: Prefect creates a deployment's
// queue (in its pool) when the deployment is created.
func checkPrefect(ctx context.Context, opts Options, p *plan.Plan, u uses, f *findings) {
	pc := opts.Prefect
	probe := opts.PrefectProbe
	if probe == nil {
		probe = pc
	}
	var all []string
	for _, du := range u.deployments {
		all = append(all, du.label)
	}
	api := "Prefect API " + pc.BaseURL()
	v, err := probe.ReadVersion(ctx)
	if err != nil {
		fix := "check PREFECT_API_URL and that the server is running"
		var apiErr *prefect.APIError
		if errors.As(err, &apiErr) && (apiErr.Status == 401 || apiErr.Status == 403) {
			fix = "check PREFECT_API_KEY: the server refuses it"
		}
		f.add(CheckPrefect, api, all, "cannot be read: "+err.Error(), fix)
		return
	}
	if err := executor.CheckPrefectVersion(p, pc.BaseURL(), v); err != nil {
		f.add(CheckPrefect, api, all, fmt.Sprintf("version %s does not fit the plan's target %s: %v", v, p.Target, err),
			"make the plan again with flowspec-extract --prefect-target for this server, or apply it to a server of the target's version")
	}

	// Block types: those of the blocks the plan saves and of the blocks
	// the deployments name.
	typeNeeds := map[string][]string{}
	var types []string
	need := func(slug, who string) {
		if _, ok := typeNeeds[slug]; !ok {
			types = append(types, slug)
		}
		typeNeeds[slug] = append(typeNeeds[slug], who)
	}
	saved := map[plan.BlockRef]bool{}
	for i := range p.Flows {
		if b := p.Flows[i].Block; b != nil {
			need(b.BlockTypeSlug, flowLabel(&p.Flows[i]))
			saved[plan.BlockRef{BlockTypeSlug: b.BlockTypeSlug, Name: b.Name}] = true
		}
	}
	type blockUse struct {
		ref      plan.BlockRef
		neededBy []string
	}
	var blocks []*blockUse
	byRef := map[plan.BlockRef]*blockUse{}
	pools := map[string][]string{}
	var poolNames []string
	for _, du := range u.deployments {
		for _, ref := range []*plan.BlockRef{du.d.StorageBlock, du.d.InfrastructureBlock} {
			if ref == nil {
				continue
			}
			need(ref.BlockTypeSlug, du.label)
			if saved[*ref] {
				continue
			}
			if b, ok := byRef[*ref]; ok {
				b.neededBy = append(b.neededBy, du.label)
				continue
			}
			b := &blockUse{ref: *ref, neededBy: []string{du.label}}
			byRef[*ref] = b
			blocks = append(blocks, b)
		}
		if pool := du.d.Request.WorkPoolName; pool != nil && *pool != "" {
			if _, ok := pools[*pool]; !ok {
				poolNames = append(poolNames, *pool)
			}
			pools[*pool] = append(pools[*pool], du.label)
		}
	}
	slices.Sort(types)
	missingType := map[string]bool{}
	for _, slug := range types {
		res := "Prefect block type " + slug
		bt, err := pc.ReadBlockType(ctx, slug)
		if err == nil {
			_, err = pc.ReadLatestBlockSchema(ctx, bt.ID)
		}
		switch {
		case errors.Is(err, prefect.ErrBlockTypeNotRegistered):
			missingType[slug] = true
			f.add(CheckPrefect, res, typeNeeds[slug], "is not registered on the server, so its blocks can be neither read nor saved",
				fmt.Sprintf("register it on the server: prefect block register -m %s", blockModule(slug)))
		case err != nil:
			missingType[slug] = true
			couldNotCheck(f, CheckPrefect, res, typeNeeds[slug], err)
		}
	}
	for _, b := range blocks {
		if missingType[b.ref.BlockTypeSlug] {
			continue
		}
		res := "Prefect block " + b.ref.BlockTypeSlug + "/" + b.ref.Name
		doc, err := pc.ReadBlockDocumentByName(ctx, b.ref.BlockTypeSlug, b.ref.Name)
		switch {
		case err != nil:
			couldNotCheck(f, CheckPrefect, res, b.neededBy, err)
		case doc == nil:
			f.add(CheckPrefect, res, b.neededBy, "does not exist, and the plan does not create it",
				fmt.Sprintf("create the %s block %s on the server (in the UI, or with its block class's save())", b.ref.BlockTypeSlug, b.ref.Name))
		}
	}
	slices.Sort(poolNames)
	for _, name := range poolNames {
		res := "Prefect work pool " + name
		wp, err := pc.ReadWorkPool(ctx, name)
		switch {
		case err != nil:
			couldNotCheck(f, CheckPrefect, res, pools[name], err)
		case wp == nil:
			f.add(CheckPrefect, res, pools[name], "does not exist, and the plan does not create it",
				fmt.Sprintf("create it: prefect work-pool create %s --type ecs", name))
		}
	}
}

// blockModule names the Python module whose `prefect block register -m`
// registers a block type.
func blockModule(slug string) string {
	switch slug {
	case "ecs-task", "aws-credentials", "s3-bucket":
		return "prefect_aws"
	case "github-repository", "github-credentials":
		return "prefect_github"
	}
	return "prefect.filesystems"
}
