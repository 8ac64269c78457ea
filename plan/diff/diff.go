package diff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/flowplan/flowplan/extractor/spec"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/flowplan/flowplan/plan"
	"github.com/flowplan/flowplan/plan/render"
)

// Kind says what happened to a resource or a field.
type Kind string

// The change kinds.
const (
	Added   Kind = "added"
	Removed Kind = "removed"
	Changed Kind = "changed"
)

// Symbol is the one-character mark of the kind: +, - or ~.
func (k Kind) Symbol() string {
	switch k {
	case Added:
		return "+"
	case Removed:
		return "-"
	}
	return "~"
}

// ResourceType names what a change is about.
type ResourceType string

// The resource types, in the order the views list them.
const (
	ResourcePlan           ResourceType = "plan" // top-level fields: project, deployment type, target, inputs, aws
	ResourceImage          ResourceType = "image"
	ResourceTaskDefinition ResourceType = "task_definition"
	ResourceFlow           ResourceType = "flow"
	ResourceBlock          ResourceType = "block"
	ResourceDeployment     ResourceType = "deployment"
	ResourceSkipped        ResourceType = "skipped"
)

// Change is one difference. A change with an empty Path is about the whole
// resource (added or removed, Old or New holding all of it); otherwise it
// is about one field, at a dotted path into the resource's plan JSON where
// list elements with an identity are written [key] (containers, env and
// secrets by name, task_customizations by JSON-patch path, inputs by
// name) and other list elements [index].
type Change struct {
	Kind         Kind         `json:"kind"`
	ResourceType ResourceType `json:"resource_type"`
	// ID is the resource's name in the new plan (the old one when removed):
	// image local name, task definition family, block name, flow name,
	// "<flow name>/<deployment name>", skipped file path, or the project name.
	ID string `json:"id"`
	// OldID is the resource's name in the old plan when it differs from ID
	// (plans of different deployment types).
	OldID string `json:"old_id,omitempty"`
	// Flow is the flow the resource belongs to ("" for plan, images, shared
	// task definitions and skipped files).
	Flow string `json:"flow,omitempty"`
	Path string `json:"path"`
	// Old and New are JSON values; absent for the side that has none.
	Old json.RawMessage `json:"old,omitempty"`
	New json.RawMessage `json:"new,omitempty"`
	// TypeOnly marks a field whose values differ only by the deployment
	// type (e.g. "-dev" becoming "-main") when the plans' types differ.
	TypeOnly bool `json:"type_only,omitempty"`
	// Note explains the change for people: a schedule in words, or what an
	// added or removed resource is.
	Note string `json:"note,omitempty"`
	// Provenance marks a change of where the plan came from rather than of
	// what it deploys: a flow file's sha256, path or FLOW_SPEC line, the
	// pyproject.toml hash, the generator version, an input's source.
	// Such changes are listed apart and not counted as resource changes.
	Provenance bool `json:"provenance,omitempty"`
}

// PlanInfo identifies one side of the comparison.
type PlanInfo struct {
	Project        string `json:"project"`
	Version        string `json:"version"`
	DeploymentType string `json:"deployment_type"`
	Target         string `json:"target"`
	Digest         string `json:"digest"`
}

// Result is the semantic difference between two plans.
type Result struct {
	Old PlanInfo `json:"old"`
	New PlanInfo `json:"new"`
	// Notes say how the plans were compared when that is not obvious
	// (different deployment types or targets).
	Notes   []string `json:"notes"`
	Changes []Change `json:"changes"`
}

// Empty reports whether the plans deploy the same: no change other than
// provenance. The CLI's --exit-code gives 0 when it is, 2 when it is not.
func (r *Result) Empty() bool {
	for _, c := range r.Changes {
		if !c.Provenance {
			return false
		}
	}
	return true
}

// Identical reports whether the plans have the same content, provenance
// included.
func (r *Result) Identical() bool { return len(r.Changes) == 0 }

// ProvenanceChanges returns the provenance-only changes, in order.
func (r *Result) ProvenanceChanges() []Change {
	var out []Change
	for _, c := range r.Changes {
		if c.Provenance {
			out = append(out, c)
		}
	}
	return out
}

// Counts are a Result's numbers, terraform-style: resources added,
// removed and changed (a resource with any field change), and the field
// changes themselves.
type Counts struct {
	Added        int `json:"added"`
	Removed      int `json:"removed"`
	Changed      int `json:"changed"`
	FieldChanges int `json:"field_changes"`
}

// Counts counts the result's changes.
func (r *Result) Counts() Counts { return countChanges(r.Changes) }

func countChanges(changes []Change) Counts {
	var c Counts
	seen := map[string]bool{}
	for _, ch := range changes {
		if ch.Provenance {
			continue
		}
		if ch.Path == "" {
			switch ch.Kind {
			case Added:
				c.Added++
			case Removed:
				c.Removed++
			}
			continue
		}
		c.FieldChanges++
		key := string(ch.ResourceType) + "\x00" + ch.ID
		if !seen[key] {
			seen[key] = true
			c.Changed++
		}
	}
	return c
}

// Plans compares two plans resource by resource: images by API and env,
// task definitions by family, blocks by name, flows by flow name,
// deployments by flow name and deployment name, skipped files by path,
// and the plan's own settings. When the plans' deployment types differ,
// names are matched without their "-<type>" suffix, and field values that
// differ only by the type are marked TypeOnly. The plans' digests are not
// compared (they follow from the content).
func Plans(old, new *plan.Plan) *Result {
	return plans(old, new, false)
}

// plans is Plans; reference converts whole resources before walking them,
// the plain way walkTyped must agree with (for tests).
func plans(old, new *plan.Plan, reference bool) *Result {
	d := &differ{oldType: old.DeploymentType, newType: new.DeploymentType, reference: reference}
	r := &Result{Old: info(old), New: info(new), Notes: []string{}, Changes: []Change{}}
	if d.oldType != d.newType {
		r.Notes = append(r.Notes, fmt.Sprintf(
			"comparing a %s plan with a %s plan: names differ by their -%s/-%s suffix; resources are matched by their names without it "+
				"(images by env, task definitions by family, blocks by name, deployments by flow and name), "+
				"and values that differ only by %s -> %s are counted but not listed in text and markdown",
			d.oldType, d.newType, d.oldType, d.newType, d.oldType, d.newType))
	}
	if old.Target != new.Target {
		r.Notes = append(r.Notes, fmt.Sprintf(
			"comparing a %s plan with a %s plan: the deployment requests have different shapes, so request fields appear as removed and added",
			old.Target, new.Target))
	}
	oldUnknown := slices.Contains(old.Unknowns, plan.UnknownAWSAccountID)
	newUnknown := slices.Contains(new.Unknowns, plan.UnknownAWSAccountID)
	if oldUnknown != newUnknown {
		side := "new"
		if oldUnknown {
			side = "old"
		}
		r.Notes = append(r.Notes, fmt.Sprintf("only the %s plan leaves the AWS account id for apply time: %s in its ARNs and image URIs is %s",
			side, plan.PlaceholderAWSAccountID, render.UnknownAccountText))
	}
	d.plan(old, new)
	d.images(old, new)
	d.flows(old, new)
	d.skipped(old, new)
	r.Changes = d.changes
	return r
}

func info(p *plan.Plan) PlanInfo {
	return PlanInfo{Project: p.Project.Name, Version: p.Project.Version, DeploymentType: p.DeploymentType.String(), Target: p.Target, Digest: p.Digest}
}

type differ struct {
	oldType, newType spec.DeploymentType
	reference        bool // see plans
	changes          []Change
}

// resource is one side of a matched resource.
type resource struct {
	name  string
	value any // anything json.Marshal takes
	note  string
}

// compare emits the changes between two sides of one resource (either may
// be nil).
func (d *differ) compare(rt ResourceType, flow string, o, n *resource) {
	switch {
	case o == nil && n == nil:
		return
	case o == nil:
		d.changes = append(d.changes, Change{Kind: Added, ResourceType: rt, ID: n.name, Flow: flow, New: marshal(n.value), Note: n.note})
		return
	case n == nil:
		d.changes = append(d.changes, Change{Kind: Removed, ResourceType: rt, ID: o.name, Flow: flow, Old: marshal(o.value), Note: o.note})
		return
	}
	base := Change{ResourceType: rt, ID: n.name, Flow: flow}
	if o.name != n.name {
		base.OldID = o.name
	}
	emit := func(k Kind, path string, ov, nv any) {
		c := base
		c.Kind, c.Path = k, path
		if k != Added {
			c.Old = marshal(ov)
		}
		if k != Removed {
			c.New = marshal(nv)
		}
		c.TypeOnly = k == Changed && d.oldType != d.newType && equalJSON(substituteType(ov, d.oldType.String(), d.newType.String()), nv)
		c.Provenance = isProvenance(rt, path)
		if rt == ResourceSkipped && path == "reason" {
			c.Note = "reason: " + summarizeReason(stringOf(ov)) + " -> " + summarizeReason(stringOf(nv))
		}
		d.changes = append(d.changes, c)
	}
	if d.reference {
		walk(decode(marshal(o.value)), decode(marshal(n.value)), "", emit)
		return
	}
	walkTyped(reflect.ValueOf(o.value), reflect.ValueOf(n.value), "", emit)
}

// isProvenance tells the fields that say where a plan came from (a file's
// hash, path and FLOW_SPEC line, the pyproject.toml hash, the generator,
// an input's source) from those that say what it deploys.
func isProvenance(rt ResourceType, path string) bool {
	switch rt {
	case ResourceFlow:
		return path == "sha256" || path == "flow_spec_line" || path == "path"
	case ResourcePlan:
		return path == "project.pyproject_sha256" || path == "generator.version" ||
			(strings.HasPrefix(path, "inputs[") && strings.HasSuffix(path, "].source"))
	}
	return false
}

// maxReason bounds a skipped file's reason as the views show it.
const maxReason = 160

// summarizeReason shortens a skipped file's reason (every error of the
// file, joined by "; ", can run to kilobytes) to its first error and how
// many more there are.
func summarizeReason(reason string) string {
	parts := strings.Split(reason, "; ")
	first := parts[0]
	if len(first) > maxReason {
		cut := maxReason
		for cut > 0 && !utf8.RuneStart(first[cut]) {
			cut--
		}
		first = first[:cut] + "…"
	}
	if len(parts) > 1 {
		first += fmt.Sprintf(" (and %d more)", len(parts)-1)
	}
	return first
}

func stringOf(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return string(marshal(v))
}

// key is a resource's identity: its name without the plan's type suffix.
func key(name string, typ spec.DeploymentType) string {
	return strings.TrimSuffix(name, "-"+typ.String())
}

func (d *differ) plan(old, new *plan.Plan) {
	top := func(p *plan.Plan) *resource {
		v := struct {
			SchemaVersion  int                 `json:"schema_version"`
			Generator      plan.Generator      `json:"generator"`
			Project        plan.Project        `json:"project"`
			DeploymentType spec.DeploymentType `json:"deployment_type"`
			Target         string              `json:"target"`
			AWS            plan.AWS            `json:"aws"`
			Inputs         []plan.Input        `json:"inputs"`
			Unknowns       []string            `json:"unknowns"`
		}{p.SchemaVersion, p.Generator, p.Project, p.DeploymentType, p.Target, p.AWS, p.Inputs, p.Unknowns}
		return &resource{name: p.Project.Name, value: v}
	}
	d.compare(ResourcePlan, "", top(old), top(new))
}

func (d *differ) images(old, new *plan.Plan) {
	index := func(p *plan.Plan) (map[string]*plan.Image, []string) {
		m := map[string]*plan.Image{}
		var keys []string
		for i := range p.Images {
			k := string(p.Images[i].API) + "\x00" + p.Images[i].Env
			m[k] = &p.Images[i]
			keys = append(keys, k)
		}
		return m, keys
	}
	om, ok := index(old)
	nm, nk := index(new)
	for _, k := range union(nk, ok) {
		o, n := om[k], nm[k]
		d.compare(ResourceImage, "", imageResource(o), imageResource(n))
		var otd, ntd *plan.TaskDefinition
		if o != nil {
			otd = o.TaskDefinition
		}
		if n != nil {
			ntd = n.TaskDefinition
		}
		d.compare(ResourceTaskDefinition, "", taskDefinitionResource(otd), taskDefinitionResource(ntd))
	}
}

func imageResource(im *plan.Image) *resource {
	if im == nil {
		return nil
	}
	own := *im
	own.TaskDefinition = nil // compared as a resource of its own
	return &resource{name: im.LocalName, value: own, note: fmt.Sprintf("%s image of env %q: %s", im.API, im.Env, im.URI)}
}

func taskDefinitionResource(td *plan.TaskDefinition) *resource {
	if td == nil {
		return nil
	}
	note := "cpu " + td.Cpu + ", memory " + td.Memory
	if len(td.ContainerDefinitions) > 0 {
		note += ", image " + td.ContainerDefinitions[0].Image
	}
	return &resource{name: td.Family, value: td, note: note}
}

func (d *differ) flows(old, new *plan.Plan) {
	index := func(p *plan.Plan) (map[string]*plan.Flow, []string) {
		m := map[string]*plan.Flow{}
		keys := make([]string, 0, len(p.Flows))
		for i := range p.Flows {
			m[p.Flows[i].Name] = &p.Flows[i]
			keys = append(keys, p.Flows[i].Name)
		}
		return m, keys
	}
	om, ok := index(old)
	nm, nk := index(new)
	names := union(nk, ok)
	sort.Strings(names)
	// Flows are compared on every CPU, in chunks of consecutive names
	// whose changes are then joined in order: a flow's changes depend on
	// nothing else.
	const chunk = 32
	parts := make([][]Change, (len(names)+chunk-1)/chunk)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(parts)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(parts) {
					return
				}
				sub := &differ{oldType: d.oldType, newType: d.newType, reference: d.reference}
				sub.flowRange(names[i*chunk:min(len(names), (i+1)*chunk)], om, nm)
				parts[i] = sub.changes
			}
		})
	}
	wg.Wait()
	for _, p := range parts {
		d.changes = append(d.changes, p...)
	}
}

// flowRange compares the flows of names, each with its task definition,
// block and deployments.
func (d *differ) flowRange(names []string, om, nm map[string]*plan.Flow) {
	for _, name := range names {
		o, n := om[name], nm[name]
		d.compare(ResourceFlow, name, flowResource(o), flowResource(n))
		var otd, ntd *plan.TaskDefinition
		var ob, nb *plan.Block
		var od, nd []plan.Deployment
		if o != nil {
			otd, ob, od = o.TaskDefinition, o.Block, o.Deployments
		}
		if n != nil {
			ntd, nb, nd = n.TaskDefinition, n.Block, n.Deployments
		}
		d.compare(ResourceTaskDefinition, name, taskDefinitionResource(otd), taskDefinitionResource(ntd))
		d.compare(ResourceBlock, name, blockResource(ob), blockResource(nb))
		d.deployments(name, od, nd)
	}
}

// flowFields are a flow's own fields: its spec shows through the derived
// resources, which are compared on their own.
type flowFields struct {
	Path                 string   `json:"path"`
	SHA256               string   `json:"sha256"`
	FlowSpecLine         int      `json:"flow_spec_line"`
	API                  string   `json:"api"`
	Name                 string   `json:"name"`
	Function             string   `json:"function"`
	Image                string   `json:"image"`
	TaskDefinitionFamily string   `json:"task_definition_family"`
	Warnings             []string `json:"warnings"`
}

func flowResource(f *plan.Flow) *resource {
	if f == nil {
		return nil
	}
	v := flowFields{
		Path: f.Path, SHA256: f.SHA256, FlowSpecLine: f.FlowSpecLine, API: string(f.API), Name: f.Name,
		Function: f.Function, Image: f.Image, TaskDefinitionFamily: f.TaskDefinitionFamily, Warnings: f.Warnings,
	}
	return &resource{name: f.Name, value: v, note: fmt.Sprintf("%s era flow %s in %s:%d", f.API, f.Function, f.Path, f.FlowSpecLine)}
}

func blockResource(b *plan.Block) *resource {
	if b == nil {
		return nil
	}
	return &resource{name: b.Name, value: b, note: b.BlockTypeSlug + " block on cluster " + b.Data.Cluster}
}

func (d *differ) deployments(flow string, old, new []plan.Deployment) {
	om := map[string]*plan.Deployment{}
	var ok []string
	for i := range old {
		k := key(old[i].Name, d.oldType)
		om[k] = &old[i]
		ok = append(ok, k)
	}
	nm := map[string]*plan.Deployment{}
	var nk []string
	for i := range new {
		k := key(new[i].Name, d.newType)
		nm[k] = &new[i]
		nk = append(nk, k)
	}
	keys := union(nk, ok)
	sort.Strings(keys)
	for _, k := range keys {
		o, n := om[k], nm[k]
		start := len(d.changes)
		d.compare(ResourceDeployment, flow, d.deploymentResource(o, d.oldType), d.deploymentResource(n, d.newType))
		// Say what a schedule change means, once per deployment.
		for i := start; i < len(d.changes); i++ {
			c := &d.changes[i]
			if strings.HasPrefix(c.Path, "request.schedule") && o != nil && n != nil {
				ot := render.DeploymentSchedule(d.oldType, *o).Text
				nt := render.DeploymentSchedule(d.newType, *n).Text
				c.Note = "schedule: " + ot + " -> " + nt
				c.TypeOnly = false
				break
			}
		}
	}
}

func (d *differ) deploymentResource(dep *plan.Deployment, typ spec.DeploymentType) *resource {
	if dep == nil {
		return nil
	}
	where := dep.Request.WorkQueueName
	if dep.Request.WorkPoolName != nil {
		where = *dep.Request.WorkPoolName + "/" + where
	}
	return &resource{
		name:  dep.FlowName + "/" + dep.Name,
		value: dep,
		note:  "schedule " + render.DeploymentSchedule(typ, *dep).Text + "; work queue " + where,
	}
}

func (d *differ) skipped(old, new *plan.Plan) {
	om := map[string]*plan.Skipped{}
	var ok []string
	for i := range old.Skipped {
		om[old.Skipped[i].Path] = &old.Skipped[i]
		ok = append(ok, old.Skipped[i].Path)
	}
	nm := map[string]*plan.Skipped{}
	var nk []string
	for i := range new.Skipped {
		nm[new.Skipped[i].Path] = &new.Skipped[i]
		nk = append(nk, new.Skipped[i].Path)
	}
	side := func(s *plan.Skipped) *resource {
		if s == nil {
			return nil
		}
		return &resource{name: s.Path, value: s, note: summarizeReason(s.Reason)}
	}
	for _, k := range union(nk, ok) {
		d.compare(ResourceSkipped, "", side(om[k]), side(nm[k]))
	}
}

// union returns the keys of a in order, then those of b not in a.
func union(a, b []string) []string {
	seen := make(map[string]bool, len(a))
	out := make([]string, 0, len(a)+len(b))
	for _, k := range a {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	for _, k := range b {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// marshal encodes v as JSON (sorted keys, no HTML escaping). Plan values
// always encode; a failure would be a bug in the plan types, so it is
// shown in the output rather than lost.
func marshal(v any) json.RawMessage {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		b, _ := json.Marshal("unencodable value: " + err.Error())
		return b
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// decode reads JSON keeping numbers as written.
func decode(b []byte) any {
	v, err := decodeValid(b)
	if err != nil {
		return string(b)
	}
	return v
}

// equalJSON compares decoded JSON values: scalars directly, composites by
// their encoding.
func equalJSON(a, b any) bool {
	switch a.(type) {
	case map[string]any, []any:
		return bytes.Equal(marshal(a), marshal(b))
	}
	switch b.(type) {
	case map[string]any, []any:
		return false
	}
	return a == b
}

// substituteType replaces the deployment type oldType by newType in every
// string of v where it stands as a word (not inside a longer word).
func substituteType(v any, oldType, newType string) any {
	switch t := v.(type) {
	case string:
		return replaceWord(t, oldType, newType)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = substituteType(e, oldType, newType)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = substituteType(e, oldType, newType)
		}
		return out
	}
	return v
}

func replaceWord(s, old, new string) string {
	if old == "" || !strings.Contains(s, old) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if strings.HasPrefix(s[i:], old) && (i == 0 || !isWordByte(s[i-1])) &&
			(i+len(old) == len(s) || !isWordByte(s[i+len(old)])) {
			b.WriteString(new)
			i += len(old)
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// walk calls emit for every difference between two decoded JSON values.
func walk(o, n any, path string, emit func(Kind, string, any, any)) {
	switch ot := o.(type) {
	case map[string]any:
		nt, ok := n.(map[string]any)
		if !ok {
			break
		}
		keys := make([]string, 0, len(ot)+len(nt))
		for k := range ot {
			keys = append(keys, k)
		}
		for k := range nt {
			if _, ok := ot[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			ov, inOld := ot[k]
			nv, inNew := nt[k]
			p := joinField(path, k)
			switch {
			case !inOld:
				emit(Added, p, nil, nv)
			case !inNew:
				emit(Removed, p, ov, nil)
			default:
				walk(ov, nv, p, emit)
			}
		}
		return
	case []any:
		nt, ok := n.([]any)
		if !ok {
			break
		}
		if allScalars(ot) && allScalars(nt) {
			break // a list of plain values is shown whole
		}
		if field, ok := listKey(ot, nt); ok {
			walkKeyed(ot, nt, path, field, emit)
			return
		}
		for i := 0; i < max(len(ot), len(nt)); i++ {
			p := path + "[" + strconv.Itoa(i) + "]"
			switch {
			case i >= len(ot):
				emit(Added, p, nil, nt[i])
			case i >= len(nt):
				emit(Removed, p, ot[i], nil)
			default:
				walk(ot[i], nt[i], p, emit)
			}
		}
		return
	}
	if !equalJSON(o, n) {
		emit(Changed, path, o, n)
	}
}

// keyFields are the fields that identify list elements, in order of
// preference: name (containers, env, secrets, inputs, volumes), path
// (JSON-patch operations), sourceVolume (mount points).
var keyFields = []string{"name", "path", "sourceVolume"}

// singleKeyField marks lists whose elements are one-key objects (pull
// steps), identified by that key.
const singleKeyField = "\x00single"

// listKey finds a field that every element of both lists has as a string,
// with values unique within each list.
func listKey(a, b []any) (string, bool) {
	for _, f := range append(keyFields, singleKeyField) {
		if uniqueKeys(a, f) && uniqueKeys(b, f) {
			return f, true
		}
	}
	return "", false
}

func elementKey(e any, field string) (string, bool) {
	m, ok := e.(map[string]any)
	if !ok {
		return "", false
	}
	if field == singleKeyField {
		if len(m) != 1 {
			return "", false
		}
		for k := range m {
			return k, true
		}
	}
	s, ok := m[field].(string)
	return s, ok
}

func uniqueKeys(list []any, field string) bool {
	seen := map[string]bool{}
	for _, e := range list {
		k, ok := elementKey(e, field)
		if !ok || seen[k] {
			return false
		}
		seen[k] = true
	}
	return true
}

// walkKeyed matches list elements by key. An element that is a name and
// one value (env {name, value}, secrets {name, valueFrom}) is compared by
// that value directly, at path[key]; so is the value of a one-key object
// (a pull step), at path[its key].
func walkKeyed(o, n []any, path, field string, emit func(Kind, string, any, any)) {
	index := func(list []any) (map[string]any, []string) {
		m := make(map[string]any, len(list))
		keys := make([]string, 0, len(list))
		for _, e := range list {
			k, _ := elementKey(e, field)
			m[k] = e
			keys = append(keys, k)
		}
		return m, keys
	}
	om, ok := index(o)
	nm, nk := index(n)
	for _, k := range union(ok, nk) {
		ov, inOld := om[k]
		nv, inNew := nm[k]
		p := path + "[" + quoteKey(k) + "]"
		switch {
		case !inOld:
			emit(Added, p, nil, nv)
		case !inNew:
			emit(Removed, p, ov, nil)
		case field == singleKeyField:
			walk(ov.(map[string]any)[k], nv.(map[string]any)[k], p, emit)
		default:
			if a, b, ok := pairValues(ov, nv, field); ok {
				walk(a, b, p, emit)
				continue
			}
			walk(ov, nv, p, emit)
		}
	}
}

// pairValues returns the one non-key value of two {key, value} objects
// that have the same other field.
func pairValues(o, n any, field string) (any, any, bool) {
	om, nm := o.(map[string]any), n.(map[string]any)
	if len(om) != 2 || len(nm) != 2 {
		return nil, nil, false
	}
	for k, ov := range om {
		if k == field {
			continue
		}
		nv, ok := nm[k]
		return ov, nv, ok
	}
	return nil, nil, false
}

func allScalars(list []any) bool {
	for _, e := range list {
		switch e.(type) {
		case map[string]any, []any:
			return false
		}
	}
	return true
}

// joinField appends an object key to a path: .name for plain keys,
// ["key"] for keys with other characters (env.NAME overrides).
func joinField(path, k string) string {
	plain := k != ""
	for i := 0; i < len(k); i++ {
		if !isWordByte(k[i]) && k[i] != '-' {
			plain = false
			break
		}
	}
	if !plain {
		return path + "[" + strconv.Quote(k) + "]"
	}
	if path == "" {
		return k
	}
	return path + "." + k
}

// quoteKey writes a list element's key bare unless it holds brackets or
// quotes.
func quoteKey(k string) string {
	if k == "" || strings.ContainsAny(k, "[]\"") {
		return strconv.Quote(k)
	}
	return k
}
