package eval

import (
	"github.com/flowplan/flowplan/extractor/spec"
	"sort"
	"strings"

	"github.com/flowplan/flowplan/extractor/diag"
	"github.com/flowplan/flowplan/extractor/internal/pysyntax"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

const classCommonSettings = "common.settings.CommonSettings"

// importStmt is `import a.b as c`.
func (m *module) importStmt(st *pysyntax.ImportStmt) {
	for i := range st.Names {
		n := &st.Names[i]
		mod := m.importModule(n, n.Name)
		if n.Alias != "" {
			m.bind(n.Alias, mod, st)
			continue
		}
		top := strings.SplitN(n.Name, ".", 2)[0]
		if top == n.Name {
			m.bind(top, mod, st)
			continue
		}
		m.bind(top, m.importModule(n, top), st)
	}
}

// fromImport is `from module import a as b`.
func (m *module) fromImport(st *pysyntax.FromImportStmt) {
	if st.Module == "__future__" && st.Level == 0 {
		return
	}
	name := st.Module
	if st.Level > 0 {
		parts := []string{}
		if m.pkg != "" {
			parts = strings.Split(m.pkg, ".")
		}
		if st.Level-1 > len(parts) || (m.pkg == "" && m.name == "__main__") {
			panic(m.raise(st, "ImportError", "attempted relative import with no known parent package"))
		}
		base := strings.Join(parts[:len(parts)-(st.Level-1)], ".")
		switch {
		case base == "":
			name = st.Module
		case st.Module == "":
			name = base
		default:
			name = base + "." + st.Module
		}
		if name == "" {
			panic(m.raise(st, "ImportError", "attempted relative import beyond top-level package"))
		}
	}
	mod := m.importModule(st, name)
	mo, _ := mod.(*moduleObj)
	if st.Star {
		switch {
		case mo == nil || mo.unknown != nil:
			err := m.unknown(st, "`from %s import *` imports names from a module the extractor does not know", name).Err
			if mo != nil && mo.unknown != nil {
				err = mo.unknown
			}
			m.starUnknown = err
		case mo.ns != nil:
			m.starImportProject(st, mo)
		case starExports(name) != nil:
			// The names the extractor models are bound; the real module
			// exports more, which stay unknown.
			for _, k := range starExports(name) {
				m.bind(k, m.moduleAttr(st, mo, k), st)
			}
			m.starUnknown = m.unknown(st, "`from %s import *` binds names of %s that the extractor does not model", name, name).Err
		default:
			m.starUnknown = m.unknown(st, "`from %s import *` is not supported for this library module", name).Err
		}
		return
	}
	for i := range st.Names {
		n := &st.Names[i]
		bindAs := n.Alias
		if bindAs == "" {
			bindAs = n.Name
		}
		if u, ok := mod.(value.Unknown); ok {
			m.bind(bindAs, u, st)
			continue
		}
		var v value.Value
		if mo.ns != nil {
			if x, ok := mo.ns.get(n.Name); ok {
				v = x
			} else if sub := m.importSubmodule(n, name+"."+n.Name); sub != nil {
				v = sub
			} else if m.s.importing(name) {
				panic(m.raise(n, "ImportError", "cannot import name '%s' from partially initialized module '%s' (most likely due to a circular import) (%s)", n.Name, name, m.s.modulePath(name)))
			} else {
				panic(m.raise(n, "ImportError", "cannot import name '%s' from '%s' (%s)", n.Name, name, m.s.modulePath(name)))
			}
		} else {
			v = m.moduleAttr(n, mo, n.Name)
		}
		m.bind(bindAs, v, st)
	}
}

// starImportProject is `from module import *` of a project module: the
// names its __all__ lists, else every name not starting with an
// underscore, as Python binds them.
func (m *module) starImportProject(st *pysyntax.FromImportStmt, mo *moduleObj) {
	all, ok := mo.ns.get("__all__")
	if !ok {
		names := make([]string, 0, len(mo.ns.vals))
		for k := range mo.ns.vals {
			if !strings.HasPrefix(k, "_") {
				names = append(names, k)
			}
		}
		sort.Strings(names)
		for _, k := range names {
			m.bind(k, mo.ns.vals[k], st)
		}
		return
	}
	for _, n := range m.iterate(st, m.need(all)) {
		k, isStr := m.need(n).(value.Str)
		if !isStr {
			panic(m.raise(st, "TypeError", "Item in %s.__all__ must be str, not %s", mo.name, typeName(n)))
		}
		v, bound := mo.ns.get(string(k))
		if !bound {
			panic(m.raise(st, "AttributeError", "module '%s' has no attribute '%s'", mo.name, string(k)))
		}
		m.bind(string(k), v, st)
	}
}

// starExports lists the names of a library module that a star import
// binds and the extractor models, or nil for a module it does not model
// that way.
func starExports(module string) []string {
	switch module {
	case "common.deployment", "flowspec":
		return []string{"FlowDeployment", "FlowEnvar", "FlowSecret", "FlowSpec"}
	case "common.deployment.worker", "flowspec.worker":
		return []string{"FlowDeployment", "FlowSpec"}
	case "prefect.server.schemas.schedules", "prefect.orion.schemas.schedules", "prefect.client.schemas.schedules":
		return []string{"CronSchedule", "IntervalSchedule", "RRuleSchedule"}
	case "common.settings":
		return []string{"CommonSettings", "NestedSettings", "SecretSettings", "Settings", "get_cached_settings"}
	case "prefect":
		return []string{"flow", "task"}
	}
	return nil
}

// importSubmodule imports a project-local submodule, or returns nil.
func (m *module) importSubmodule(at pysyntax.Node, name string) value.Value {
	if m.s.in.opts.Modules == nil {
		return nil
	}
	if mo, ok := m.s.modules[name]; ok {
		return mo
	}
	_, _, ok, _ := m.s.in.opts.Modules.Find(name)
	if !ok {
		return nil
	}
	return m.importModule(at, name)
}

// importing reports whether module name is being imported: its body has
// not finished running.
func (s *session) importing(name string) bool {
	for _, n := range s.stack {
		if n == name {
			return true
		}
	}
	return false
}

func (s *session) modulePath(name string) string {
	if mo := s.modules[name]; mo != nil && mo.path != "" {
		return mo.path
	}
	return "unknown location"
}

// importModule resolves a module by dotted name: a library module the
// extractor knows, a project-local module, or an unknown module.
func (m *module) importModule(at pysyntax.Node, name string) value.Value {
	if mo := m.s.knownModule(name); mo != nil {
		return mo
	}
	if mo, ok := m.s.modules[name]; ok {
		return mo
	}
	if m.s.in.opts.Modules != nil {
		mo, found, exc := m.s.importLocal(at, m, name)
		if exc != nil {
			panic(exc)
		}
		if found {
			return mo
		}
	}
	err := m.unknown(at, "module %s is not known to the extractor (it is not a project module)", name).Err
	return &moduleObj{name: name, unknown: err}
}

// moduleAttr is module.name.
func (m *module) moduleAttr(at pysyntax.Node, mo *moduleObj, name string) value.Value {
	if mo.unknown != nil {
		m.s.unknown++ // it may have no such attribute
		return value.Unknown{Err: diag.Errorf(m.f.PosOf(at), m.f.Text(at), "cannot know statically: %s.%s comes from module %s, which the extractor does not know", mo.name, name, mo.name)}
	}
	if mo.ns != nil {
		if v, ok := mo.ns.get(name); ok {
			return m.checkTaint(v)
		}
		if sub, ok := m.s.modules[mo.name+"."+name]; ok {
			return sub
		}
		panic(m.raise(at, "AttributeError", "module '%s' has no attribute '%s'", mo.name, name))
	}
	if p := m.s.patched[mo.name]; p != nil {
		if v, ok := p.set[name]; ok {
			return m.checkTaint(v)
		}
		return p.why
	}
	if v, ok := mo.attr(name); ok {
		return v
	}
	if sub := m.s.knownModule(mo.name + "." + name); sub != nil {
		return sub
	}
	if sub, ok := m.s.modules[mo.name+"."+name]; ok {
		return sub
	}
	return m.unknown(at, "%s.%s is not known to the extractor", mo.name, name)
}

// ---- project-local modules ----

// parsedModule is a project-local module as found and parsed, shared by
// the sessions that import it (read-only once stored).
type parsedModule struct {
	path  string // display path
	raw   []byte // the file's bytes
	file  *pysyntax.File
	diags diag.List // syntax errors: file is nil
	err   error     // the module could not be read or parsing stopped
	found bool
}

// parsedLocal finds and parses a project-local module once per Interpreter.
func (s *session) parsedLocal(name string) *parsedModule {
	s.in.mu.Lock()
	pm := s.in.parsed[name]
	s.in.mu.Unlock()
	if pm != nil {
		return pm
	}
	pm = &parsedModule{}
	displayPath, src, ok, err := s.in.opts.Modules.Find(name)
	switch {
	case err != nil:
		pm.err = err
	case ok:
		pm.found, pm.path, pm.raw = true, displayPath, src
		pm.file, pm.diags, pm.err = s.in.parse(s.ctx, displayPath, src)
	}
	if pm.err != nil && s.ctx.Err() != nil {
		return pm // a cancelled parse is not kept
	}
	s.in.mu.Lock()
	if prev := s.in.parsed[name]; prev != nil {
		pm = prev
	} else {
		s.in.parsed[name] = pm
	}
	s.in.mu.Unlock()
	return pm
}

// importLocal executes a project-local module in this session, as Python
// does the first time a module is imported: each flow file sees the module
// as its own code leaves it. The module is registered before its body runs,
// so a circular import finds it partially initialized.
func (s *session) importLocal(at pysyntax.Node, from *module, name string) (*moduleObj, bool, *pyExc) {
	if mo, ok := s.modules[name]; ok {
		return mo, true, nil
	}
	pm := s.parsedLocal(name)
	switch {
	case pm.err != nil && !pm.found:
		return nil, false, from.raise(at, "ImportError", "cannot read module %s: %v", name, pm.err)
	case !pm.found:
		return nil, false, nil
	case pm.err != nil:
		return nil, true, &pyExc{Type: "Cancelled", Diag: diag.Errorf(from.f.PosOf(at), from.f.Text(at), "evaluation stopped: %v", pm.err)}
	case len(pm.diags) > 0:
		return nil, true, &pyExc{Type: "SyntaxError", Diag: diag.Errorf(from.f.PosOf(at), from.f.Text(at), "importing %s fails: %s (at %s)", name, pm.diags[0].Msg, pm.diags[0].Pos)}
	}
	if len(s.stack) >= maxModuleNest {
		return nil, false, from.raise(at, "LimitExceeded", "local imports nested deeper than %d modules", maxModuleNest)
	}
	pkg := name
	if !strings.HasSuffix(pm.path, "__init__.py") {
		if i := strings.LastIndexByte(name, '.'); i >= 0 {
			pkg = name[:i]
		} else {
			pkg = ""
		}
	}
	lm := s.newModule(pm.file, pm.raw, name, pkg)
	mo := &moduleObj{name: name, ns: lm.ns, path: pm.path}
	s.modules[name] = mo
	s.stack = append(s.stack, name)
	exc := s.run(lm)
	s.stack = s.stack[:len(s.stack)-1]
	if exc != nil {
		delete(s.modules, name) // Python removes a module whose import failed
		if exc.fatal() {
			return nil, true, exc
		}
		d := *exc.Diag
		return nil, true, &pyExc{Type: exc.Type, Invalid: exc.Invalid, obj: exc.obj, unknowns: exc.unknowns,
			Diag: diag.Errorf(from.f.PosOf(at), from.f.Text(at), "importing %s fails: %s (at %s)", name, d.Msg, d.Pos)}
	}
	return mo, true, nil
}

// copyValue deep-copies mutable values so that a flow file's mutations of
// an imported module stay in that flow file.
func (s *session) copyValue(v value.Value, depth int) value.Value {
	if depth > maxCallDepth || !mutable(v) {
		if t, ok := v.(*value.Tuple); ok && depth <= maxCallDepth {
			out := &value.Tuple{Elems: make([]value.Value, len(t.Elems))}
			for i, e := range t.Elems {
				out.Elems[i] = s.copyValue(e, depth+1)
			}
			return out
		}
		return v
	}
	if s.copies == nil {
		s.copies = map[any]value.Value{}
	}
	if c, ok := s.copies[v]; ok {
		return c
	}
	switch x := v.(type) {
	case *value.List:
		out := &value.List{Elems: make([]value.Value, len(x.Elems))}
		s.copies[v] = out
		for i, e := range x.Elems {
			out.Elems[i] = s.copyValue(e, depth+1)
		}
		return out
	case *value.Dict:
		out := &value.Dict{Keys: append([]value.Value(nil), x.Keys...), Vals: make([]value.Value, len(x.Vals))}
		s.copies[v] = out
		for i, e := range x.Vals {
			out.Vals[i] = s.copyValue(e, depth+1)
		}
		return out
	case *value.Set:
		out := &value.Set{Frozen: x.Frozen, Elems: append([]value.Value(nil), x.Elems...)}
		s.copies[v] = out
		return out
	case *value.Instance:
		out := *x
		s.copies[v] = &out
		if x.Fields != nil {
			out.Fields = s.copyValue(x.Fields, depth+1).(*value.Dict)
		}
		if x.State != nil {
			out.State = s.copyState(x.State, depth)
		}
		if x.Private != nil {
			out.Private = s.copyValue(x.Private, depth+1).(*value.Dict)
		}
		return &out
	}
	return v
}

// ---- library modules ----

func (s *session) class(id, name, module string) *value.Class {
	return &value.Class{ID: id, Name: name, Module: module}
}

// knownModule returns the library module the extractor models, or nil.
func (s *session) knownModule(name string) *moduleObj {
	attrs := func(f func(string) (value.Value, bool)) *moduleObj { return &moduleObj{name: name, attr: f} }
	switch name {
	case "common.deployment", "flowspec":
		return attrs(func(a string) (value.Value, bool) {
			switch a {
			case "FlowSpec":
				return s.class(value.ClassAgentFlowSpec, a, name), true
			case "FlowDeployment":
				return s.class(value.ClassAgentFlowDeployment, a, name), true
			case "FlowEnvar":
				return s.class(value.ClassAgentFlowEnvar, a, name), true
			case "FlowSecret":
				return s.class(value.ClassAgentFlowSecret, a, name), true
			}
			return nil, false
		})
	case "common.deployment.worker", "flowspec.worker":
		return attrs(func(a string) (value.Value, bool) {
			switch a {
			case "FlowSpec":
				return s.class(value.ClassWorkerFlowSpec, a, name), true
			case "FlowDeployment":
				return s.class(value.ClassWorkerFlowDeployment, a, name), true
			}
			return nil, false
		})
	case "prefect.server.schemas.schedules", "prefect.orion.schemas.schedules", "prefect.client.schemas.schedules":
		return attrs(func(a string) (value.Value, bool) {
			switch a {
			case "CronSchedule":
				return s.class(value.ClassCronSchedule, a, name), true
			case "IntervalSchedule":
				return s.class(value.ClassIntervalSchedule, a, name), true
			case "RRuleSchedule":
				return s.class(value.ClassRRuleSchedule, a, name), true
			}
			return nil, false
		})
	case "common.settings":
		return attrs(s.commonSettingsAttr)
	case "prefect":
		return attrs(func(a string) (value.Value, bool) {
			switch a {
			case "flow":
				return prefectFlow(), true
			case "task":
				return prefectTask(), true
			}
			return nil, false
		})
	case "json":
		return attrs(func(a string) (value.Value, bool) { return s.jsonAttr(a) })
	case "os":
		return attrs(func(a string) (value.Value, bool) {
			switch a {
			case "getenv":
				return &builtin{name: "getenv", fn: func(c *call) value.Value {
					c.onlyKwargs("key", "default")
					c.arity(0, 2)
					k, ok := c.param(0, "key")
					if !ok {
						panic(c.raise("TypeError", "getenv() missing 1 required positional argument: 'key'"))
					}
					def, hasDef := c.param(1, "default")
					if !hasDef {
						def = value.None
					}
					return c.m.envGet(c, k, def)
				}}, true
			case "environ":
				return s.environ(), true
			case "sep":
				return value.Str("/"), true
			}
			return nil, false
		})
	case "os.path":
		return attrs(func(a string) (value.Value, bool) {
			switch a {
			case "join":
				return &builtin{name: "join", fn: osPathJoin}, true
			case "basename", "dirname":
				return &builtin{name: a, fn: func(c *call) value.Value {
					c.noKwargs()
					c.arity(1, 1)
					p, ok := value.Plain(c.arg(0)).(value.Str)
					if !ok {
						panic(c.raise("TypeError", "expected str, bytes or os.PathLike object, not %s", typeName(c.arg(0))))
					}
					i := strings.LastIndexByte(string(p), '/') + 1
					if a == "basename" {
						return p[i:]
					}
					head := string(p[:i])
					if head != "" && strings.Trim(head, "/") != "" {
						head = strings.TrimRight(head, "/")
					}
					return value.Str(head)
				}}, true
			}
			return nil, false
		})
	case "datetime":
		return attrs(func(a string) (value.Value, bool) { return s.datetimeAttr(a) })
	case "pendulum":
		return attrs(func(a string) (value.Value, bool) {
			if a == "parser" {
				return s.knownModule("pendulum.parser"), true
			}
			return s.pendulumAttr(a)
		})
	case "pendulum.parser":
		return attrs(func(a string) (value.Value, bool) {
			if a == "parse" {
				return &builtin{name: "parse", fn: pendulumParse}, true
			}
			return nil, false
		})
	case "dateutil", "dateutil.parser":
		return attrs(func(a string) (value.Value, bool) {
			if a == "parse" && name == "dateutil.parser" {
				return &builtin{name: "parse", fn: dateutilParse}, true
			}
			if a == "parser" && name == "dateutil" {
				return s.knownModule("dateutil.parser"), true
			}
			return nil, false
		})
	case "enum":
		s.enumUsed = true
		return attrs(s.enumAttr)
	case "typing", "pydantic", "dataclasses", "prefect.server", "prefect.server.schemas", "prefect.orion",
		"prefect.orion.schemas", "prefect.client", "prefect.client.schemas", "common", "dateutil.tz":
		return attrs(func(a string) (value.Value, bool) { return s.typingAttr(name, a) })
	}
	return nil
}

// typingAttr names the helpers data models use in their class bodies.
func (s *session) typingAttr(module, a string) (value.Value, bool) {
	switch module {
	case "common":
		if a == "get_script_path" {
			return &builtin{name: a, fn: func(c *call) value.Value {
				return c.m.unknown(c.at, "common.get_script_path() is the directory of the calling file on the machine that runs it: a plan holding it would hold this checkout's absolute path")
			}}, true
		}
	case "typing":
		switch a {
		case "Optional", "List", "Dict", "Any", "Union", "Tuple", "Set", "Literal", "Mapping", "Sequence":
			return &typeObj{name: "typing." + a, ctor: func(c *call) value.Value {
				return c.m.unknown(c.at, "typing.%s cannot be called", a)
			}}, true
		}
	case "pydantic":
		switch a {
		case "BaseModel":
			return s.class(classBaseModel, a, module), true
		case "Field":
			return &builtin{name: "Field", fn: pydanticField}, true
		case "PrivateAttr":
			return &builtin{name: "PrivateAttr", fn: privateAttr}, true
		case "BaseSettings":
			return s.class("pydantic.BaseSettings", a, module), true
		case "ValidationError":
			return pydanticValidationError, true
		case "ConfigError":
			return pydanticConfigError, true
		case "validator", "root_validator":
			return &builtin{name: a, fn: func(c *call) value.Value { return &value.Function{Name: "validator-decorator"} }}, true
		}
	case "dataclasses":
		switch a {
		case "dataclass":
			return &builtin{name: "dataclass", fn: func(c *call) value.Value {
				return c.m.unknown(c.at, "dataclass() called directly is not supported")
			}}, true
		case "field":
			return &builtin{name: "field", fn: dataclassField}, true
		}
	}
	return nil, false
}

func osPathJoin(c *call) value.Value {
	c.noKwargs()
	c.arity(1, -1)
	if x, ok := c.arg(0).(*value.EnumMember); ok && x.Mixin == "str" && len(c.args) == 1 {
		return x // posixpath.join returns its only argument itself
	}
	out := ""
	for i := range c.args {
		p, ok := value.Plain(c.arg(i)).(value.Str)
		if !ok {
			panic(c.raise("TypeError", "join() argument must be str, bytes, or os.PathLike object, not '%s'", typeName(c.arg(i))))
		}
		switch {
		case strings.HasPrefix(string(p), "/"):
			out = string(p)
		case out == "" || strings.HasSuffix(out, "/"):
			out += string(p)
		default:
			out += "/" + string(p)
		}
	}
	return value.Str(out)
}

// ---- os.environ ----

// environ is os.environ: reads come from Options.Getenv and are recorded;
// assignments at module level change what later reads see.
type environ struct {
	vals map[string]string
}

func (*environ) TypeName() string { return "_Environ" }

func (s *session) environ() *environ {
	if s.env == nil {
		s.env = &environ{vals: map[string]string{}}
	}
	return s.env
}

func (e *environ) get(m *module, name string) (string, bool) {
	if v, ok := e.vals[name]; ok {
		return v, true
	}
	return m.s.getenv(name)
}

func (e *environ) set(m *module, name, v string) { e.vals[name] = v }

func (m *module) envGet(c *call, k, def value.Value) value.Value {
	name, ok := value.Plain(m.need(k)).(value.Str)
	if !ok {
		panic(c.raise("TypeError", "str expected, not %s", typeName(k)))
	}
	if v, found := m.s.environ().get(m, string(name)); found {
		return value.Str(v)
	}
	return def
}

func (m *module) environAttr(at pysyntax.Node, e *environ, name string) value.Value {
	switch name {
	case "get":
		return &builtin{name: "get", fn: func(c *call) value.Value {
			c.noKwargs()
			c.arity(1, 2)
			var def value.Value = value.None
			if len(c.args) == 2 {
				def = c.args[1]
			}
			return c.m.envGet(c, c.args[0], def)
		}}
	case "setdefault":
		return &builtin{name: "setdefault", fn: func(c *call) value.Value {
			c.noKwargs()
			c.arity(2, 2)
			k, ok1 := c.arg(0).(value.Str)
			v, ok2 := c.arg(1).(value.Str)
			if !ok1 || !ok2 {
				panic(c.raise("TypeError", "str expected, not %s", typeName(c.arg(1))))
			}
			if cur, found := e.get(c.m, string(k)); found {
				return value.Str(cur)
			}
			e.set(c.m, string(k), string(v))
			return v
		}}
	}
	return m.unknown(at, "os.environ.%s is not supported", name)
}

// ---- common.settings.CommonSettings ----

func (m *module) commonSettings(c *call) value.Value {
	for _, k := range c.kwargs {
		if k.name == "deployment_type" {
			return c.m.unknown(c.at, "CommonSettings(deployment_type=...) is not supported")
		}
	}
	dt := m.s.in.opts.DeploymentType
	fields := &value.Dict{}
	fields.Keys = append(fields.Keys, value.Str("deployment_type"))
	fields.Vals = append(fields.Vals, value.Str(dt.String()))
	cls := &value.Class{ID: classCommonSettings, Name: "CommonSettings", Module: "common.settings"}
	return &value.Instance{Class: cls, Pos: m.f.PosOf(c.at), Src: m.f.Text(c.at), Fields: fields}
}

func (m *module) instanceAttr(at pysyntax.Node, x *value.Instance, name string) value.Value {
	if x.State != nil {
		return m.stateField(at, x, name)
	}
	if x.Class.ID == classCommonSettings && x.Fields != nil {
		dt := spec.DeploymentType(x.Fields.Vals[0].(value.Str))
		switch name {
		case "deployment_type":
			return value.Str(dt)
		case "is_production":
			return value.Bool(dt == spec.DeploymentMain)
		case "dev_or_production":
			if dt == spec.DeploymentMain {
				return value.Str("production")
			}
			return value.Str("dev")
		case "deployment_type_value":
			return &builtin{name: "deployment_type_value", fn: func(c *call) value.Value {
				c.onlyKwargs("dev", "staging", "main")
				c.arity(0, 3)
				idx := map[spec.DeploymentType]int{spec.DeploymentDev: 0, spec.DeploymentStaging: 1, spec.DeploymentMain: 2}[dt]
				if i := idx; i < len(c.args) {
					if _, dup := c.kw(dt.String()); dup {
						panic(c.raise("TypeError", "deployment_type_value() got multiple values for argument '%s'", dt))
					}
					return c.args[i]
				}
				if v, ok := c.kw(dt.String()); ok {
					return v
				}
				return value.None
			}}
		}
		return m.unknown(at, "CommonSettings.%s is not known to the extractor", name)
	}
	if def := m.s.models[x.Class]; def != nil && x.Fields != nil {
		return m.modelAttr(at, x, def, name)
	}
	return m.unknown(at, "attribute %s of a %s instance is not evaluated (only its arguments are)", name, x.Class.Name)
}

// ---- prefect ----

// flowDecorator is the value of prefect.flow, or of flow(...) with its
// keyword arguments when called without a function.
type flowDecorator struct {
	kwargs []kwArg
	called bool
	task   bool
}

func (*flowDecorator) TypeName() string { return "function" }

func prefectFlow() value.Value { return &flowDecorator{} }
func prefectTask() value.Value { return &flowDecorator{task: true} }
