// Package diff compares two deployment plans by resource identity and
// reports what was added, removed or changed, field by field: what
// `deployer diff OLD NEW` prints.
//
//	r := diff.Plans(oldPlan, newPlan)
//	err := diff.Write(os.Stdout, r, render.FormatMarkdown, render.Options{})
//	if r.Empty() { /* --exit-code: 0 */ } else { /* --exit-code: 2 */ }
//
// Resources are images (by API and env), task definitions (by family),
// ECS task blocks (by name), flows (by flow name), deployments (by flow
// name and deployment name), skipped files (by path) and the plan's own
// settings. Plans of different deployment types (dev against main) are
// matched with the "-<type>" suffix removed, and the Result's Notes say so.
package diff
