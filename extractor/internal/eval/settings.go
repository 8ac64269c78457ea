package eval

import (
	"slices"
	"strings"

	"github.com/flowplan/flowplan/extractor/diag"
	"github.com/flowplan/flowplan/extractor/internal/pysyntax"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

// pydantic v1's BaseSettings and the bases of the seed's common.settings.
// A settings model is a model whose fields not given to the constructor
// come from environment variables (the extractor's environment, recorded
// as an input of the plan), then from their defaults; its Config defaults
// are extra = "forbid" and validate_all = True.

const (
	classBaseSettings   = "pydantic.BaseSettings"
	classSettings       = "common.settings.Settings"
	classNestedSettings = "common.settings.NestedSettings"
	classSecretSettings = "common.settings.SecretSettings"
)

// libraryModel is the model definition of a library class that project
// models derive from (BaseSettings, common.settings' bases), or nil.
func (s *session) libraryModel(c *value.Class) *modelDef {
	if d, ok := s.libModels[c.ID]; ok {
		return d
	}
	var d *modelDef
	switch c.ID {
	case classBaseSettings:
		d = &modelDef{cls: c, settings: true, config: map[string]value.Value{
			"extra": value.Str("forbid"), "validate_all": value.Bool(true),
		}}
	case classSettings:
		// class Settings(BaseSettings) with env_prefix "df_config_" and
		// env_nested_delimiter "__".
		base := s.libraryModel(&value.Class{ID: classBaseSettings, Name: "BaseSettings", Module: "pydantic"})
		d = &modelDef{cls: c, settings: true, bases: []*modelDef{base}}
		d.inheritConfig()
		d.config["env_prefix"] = value.Str("df_config_")
		d.config["env_nested_delimiter"] = value.Str("__")
	case classNestedSettings:
		d = &modelDef{cls: c, config: map[string]value.Value{"validate_assignment": value.Bool(true)}}
	case classSecretSettings:
		base := s.libraryModel(&value.Class{ID: classSettings, Name: "Settings", Module: "common.settings"})
		d = &modelDef{cls: c, settings: true, bases: []*modelDef{base}}
		d.inheritConfig()
		d.broken = diag.Errorf(diag.Pos{File: "common/settings.py"}, "SecretSettings",
			"cannot know statically: SecretSettings reads its values from a secrets manager (AWS Secrets Manager) when it is built")
	default:
		return nil
	}
	if s.libModels == nil {
		s.libModels = map[string]*modelDef{}
	}
	s.libModels[c.ID] = d
	return d
}

// commonSettingsAttr is an attribute of the seed's common.settings module.
func (s *session) commonSettingsAttr(a string) (value.Value, bool) {
	switch a {
	case "CommonSettings":
		return s.class(classCommonSettings, a, "common.settings"), true
	case "Settings":
		return s.class(classSettings, a, "common.settings"), true
	case "NestedSettings":
		return s.class(classNestedSettings, a, "common.settings"), true
	case "SecretSettings":
		return s.class(classSecretSettings, a, "common.settings"), true
	case "get_cached_settings":
		return &builtin{name: a, fn: getCachedSettings}, true
	}
	return nil, false
}

// getCachedSettings is common.settings.get_cached_settings, a
// functools.cache of settings(): one instance per class.
func getCachedSettings(c *call) value.Value {
	c.noKwargs()
	c.arity(1, 1)
	cls, ok := c.arg(0).(*value.Class)
	if !ok {
		return c.m.unknown(c.at, "get_cached_settings() of a %s is not modeled", typeName(c.arg(0)))
	}
	if v, ok := c.m.s.cachedSettings[cls]; ok {
		return v
	}
	v := c.m.callValue(&call{m: c.m, at: c.at, name: cls.Name}, cls)
	if c.m.s.cachedSettings == nil {
		c.m.s.cachedSettings = map[*value.Class]value.Value{}
	}
	c.m.s.cachedSettings[cls] = v
	return v
}

// settingsInitOptions are BaseSettings.__init__'s own keyword arguments,
// which read files or change the lookup: not modeled.
var settingsInitOptions = []string{"_env_file", "_env_file_encoding", "_env_nested_delimiter", "_secrets_dir"}

// constructSettings builds a settings model: the environment's values for
// the fields, updated by the constructor's keyword arguments (which win),
// validated as any model with a Config.
func (m *module) constructSettings(c *call, cls *value.Class, def *modelDef) value.Value {
	if len(c.args) > 0 {
		panic(c.raise("TypeError", "BaseSettings.__init__() takes 1 positional argument but %d were given", len(c.args)+1))
	}
	for _, k := range c.kwargs {
		if slices.Contains(settingsInitOptions, k.name) {
			return m.unknown(k.node, "BaseSettings(%s=...) is not modeled", k.name)
		}
	}
	caseSensitive := def.configBool("case_sensitive", false)
	prefix := ""
	if p, ok := def.config["env_prefix"].(value.Str); ok {
		prefix = string(p)
	}
	delim := ""
	if d, ok := def.config["env_nested_delimiter"].(value.Str); ok {
		delim = string(d)
	}
	given := map[string]bool{}
	for _, k := range c.kwargs {
		given[k.name] = true
	}
	var fromEnv []kwArg
	for _, f := range def.fields {
		names := f.env
		if names == nil {
			names = []string{prefix + f.name}
		}
		var val string
		found := false
		for _, n := range names {
			v, ok, u := m.settingsEnv(c.at, n, caseSensitive)
			if u != nil {
				return *u
			}
			if ok {
				val, found = v, true
				break
			}
		}
		complexField := isComplexAnnotation(f.annotation, f.annValues)
		if complexField {
			// A list, dict or model comes from JSON in the variable, and
			// from variables named after it and the nested delimiter.
			if found {
				return m.unknown(c.at, "%s.%s (%s) would be read from environment variable %s as JSON, which is not modeled", cls.Name, f.name, f.annSrc, names[0])
			}
			if delim != "" {
				for _, n := range names {
					if hit := m.settingsEnvPrefixed(n+delim, caseSensitive); hit != "" {
						return m.unknown(c.at, "%s.%s (%s) would be built from environment variable %s, which is not modeled", cls.Name, f.name, f.annSrc, hit)
					}
				}
			}
			continue
		}
		if found {
			fromEnv = append(fromEnv, kwArg{name: f.key(), v: value.Str(val), node: c.at})
		}
	}
	// deep_update(env, init): the constructor's arguments replace the
	// environment's values, which keep their place.
	var kwargs []kwArg
	for _, k := range fromEnv {
		if !given[k.name] {
			kwargs = append(kwargs, k)
		}
	}
	kwargs = append(kwargs, c.kwargs...)
	return m.constructValidated(c, cls, def, kwargs)
}

// settingsEnv looks an environment variable up as pydantic's
// EnvSettingsSource does: by exact name, or (the default) in the
// environment with every name lowercased. u is set when the answer
// cannot be known.
func (m *module) settingsEnv(at pysyntax.Node, name string, caseSensitive bool) (string, bool, *value.Unknown) {
	e := m.s.environ()
	if caseSensitive {
		v, ok := e.get(m, name)
		return v, ok, nil
	}
	lower := strings.ToLower(name)
	if !isASCII(name) {
		u := m.unknown(at, "the environment variable for %q would be looked up with its non-ASCII name lowercased, which is not modeled", name)
		return "", false, &u
	}
	names, ok := m.settingsEnvNames()
	if !ok {
		u := m.unknown(at, "a settings model reads environment variable %s in any case, and this environment's variable names are not known", name)
		return "", false, &u
	}
	var match []string
	for _, n := range names {
		if strings.ToLower(n) == lower {
			match = append(match, n)
		}
	}
	switch len(match) {
	case 0:
		m.s.envReads[lower] = EnvRead{Name: lower}
		return "", false, nil
	case 1:
		v, ok := e.get(m, match[0])
		return v, ok, nil
	}
	u := m.unknown(at, "environment variables %s all match %s in any case; which one a settings model reads depends on the environment's order", strings.Join(match, ", "), name)
	return "", false, &u
}

// settingsEnvPrefixed is the first environment variable whose lowercased
// name starts with prefix, or "".
func (m *module) settingsEnvPrefixed(prefix string, caseSensitive bool) string {
	names, ok := m.settingsEnvNames()
	if !ok {
		return "(the environment's names are not known)"
	}
	for _, n := range names {
		if caseSensitive && strings.HasPrefix(n, prefix) || !caseSensitive && strings.HasPrefix(strings.ToLower(n), strings.ToLower(prefix)) {
			return n
		}
	}
	return ""
}

// settingsEnvNames lists the environment's variable names: the
// extractor's, and those the evaluated code set.
func (m *module) settingsEnvNames() ([]string, bool) {
	if m.s.in.opts.EnvNames == nil {
		return nil, false
	}
	names := m.s.in.opts.EnvNames()
	for n := range m.s.environ().vals {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names, true
}

// isComplexAnnotation tells the field types pydantic's settings read as
// JSON from the environment: models, lists, dicts, sets, tuples, and
// unions or Optionals of them. An annotation the check cannot read counts
// as complex.
func isComplexAnnotation(ann pysyntax.Expr, annv map[pysyntax.Expr]value.Value) bool {
	if ann == nil {
		return false
	}
	if _, ok := annv[ann].(*value.Class); ok {
		return true
	}
	name, args := annotationHead(ann)
	switch name {
	case "str", "int", "float", "bool", "Any", "Literal":
		return false
	case "Optional", "Union":
		for _, a := range args {
			if isComplexAnnotation(a, annv) {
				return true
			}
		}
		return false
	}
	if b, ok := ann.(*pysyntax.BinaryExpr); ok && b.Op == "|" {
		return isComplexAnnotation(b.X, annv) || isComplexAnnotation(b.Y, annv)
	}
	if c, ok := ann.(*pysyntax.Const); ok && c.Name == "None" {
		return false
	}
	return true
}

// fieldEnvNames reads Field(env=...): a name, or a list or tuple of names
// tried in order. Other forms are not modeled.
func fieldEnvNames(c *call, k kwArg) ([]string, *diag.Diagnostic) {
	var elems []value.Value
	switch x := k.v.(type) {
	case value.Str:
		return []string{string(x)}, nil
	case *value.List:
		elems = x.Elems
	case *value.Tuple:
		elems = x.Elems
	default:
		return nil, c.m.unknown(k.node, "Field(env=...) as a %s is not modeled", typeName(k.v)).Err
	}
	out := make([]string, 0, len(elems))
	for _, e := range elems {
		s, ok := e.(value.Str)
		if !ok {
			return nil, c.m.unknown(k.node, "Field(env=...) holding a %s is not modeled", typeName(e)).Err
		}
		out = append(out, string(s))
	}
	return out, nil
}
