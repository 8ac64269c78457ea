package verify

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/flowplan/flowplan/executor"
	"github.com/flowplan/flowplan/executor/aws"
	"github.com/flowplan/flowplan/plan"
)

// checkImages checks that every image the plan's containers run is in its
// registry or built and pushed by the apply (the plan's own images, unless
// the apply leaves them out).
func checkImages(ctx context.Context, opts Options, p *plan.Plan, u uses, f *findings) {
	built := map[string]string{} // URI -> local name
	for _, im := range p.Images {
		built[im.URI] = im.LocalName
	}
	var uris []string
	for uri := range built {
		uris = append(uris, uri)
	}
	for _, t := range u.taskDefs {
		for _, c := range t.td.ContainerDefinitions {
			if !slices.Contains(uris, c.Image) {
				uris = append(uris, c.Image)
			}
		}
	}
	slices.Sort(uris)
	for _, uri := range uris {
		needed := u.imagesNeeding(uri)
		local, ours := built[uri]
		if ours {
			needed = append(needed, "image "+local)
			if opts.ImagesBuilt {
				continue
			}
		}
		repo, tag := splitImage(uri)
		host, _, _ := strings.Cut(repo, "/")
		var lookup executor.ImageLookup = opts.Registry
		if aws.IsECRRegistry(host) {
			lookup = nil
			if opts.AWS != nil {
				lookup = opts.AWS
			}
		}
		res := "image " + uri
		if lookup == nil {
			f.add(CheckImages, res, needed, "could not be checked: no client for registry "+host,
				"run verify with the credentials of that registry")
			continue
		}
		ok, err := lookup.ImageExists(ctx, repo, tag)
		switch {
		case err != nil:
			couldNotCheck(f, CheckImages, res, needed, err)
		case !ok && ours:
			f.add(CheckImages, res, needed, fmt.Sprintf("%s does not hold tag %s, and this apply does not build it", repo, tag),
				"apply the images first (deployer apply PLAN --only images), or apply without --only flows")
		case !ok:
			f.add(CheckImages, res, needed, fmt.Sprintf("%s does not hold tag %s, and the plan does not build it", repo, tag),
				"push the image, or fix the image in the plan's inputs")
		}
	}
}

// splitImage splits REPOSITORY:TAG (the tag after the last colon that
// follows the last slash).
func splitImage(uri string) (repo, tag string) {
	slash := strings.LastIndexByte(uri, '/')
	colon := strings.LastIndexByte(uri, ':')
	if colon <= slash {
		return uri, "latest"
	}
	return uri[:colon], uri[colon+1:]
}
