package eval

import (
	"github.com/flowplan/flowplan/extractor/internal/pysyntax"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

// A pydantic v1 model's `class Config:` settings. Only the settings whose
// effect the extractor reproduces are accepted; any other makes the model
// unusable, with the reason, rather than silently ignored.

// configNoEffect are the settings that change nothing the extractor can
// observe: schema and ORM options.
var configNoEffect = map[string]bool{
	"title": true, "schema_extra": true, "orm_mode": true, "arbitrary_types_allowed": true,
}

// configBool are the boolean settings the extractor honours.
var configBool = map[string]bool{
	"allow_mutation": true, "frozen": true, "allow_population_by_field_name": true, "validate_assignment": true,
	"anystr_strip_whitespace": true, "validate_all": true, "case_sensitive": true, "use_enum_values": true,
}

// modelConfig runs a model's nested Config class body: simple assignments
// only, each checked against what the extractor models.
func (m *module) modelConfig(def *modelDef, st *pysyntax.ClassStmt, brk func(pysyntax.Node, string, ...any)) {
	if len(st.Bases) > 0 || len(st.Decorators) > 0 {
		brk(st, "a Config class with bases or decorators is not supported")
		return
	}
	for i, s := range st.Body {
		switch x := s.(type) {
		case *pysyntax.ExprStmt:
			if _, ok := x.X.(*pysyntax.StrLit); ok && i == 0 {
				continue
			}
			brk(s, "Config bodies hold only settings")
		case *pysyntax.SimpleStmt:
			if x.Keyword != "pass" {
				brk(s, "Config bodies hold only settings")
			}
		case *pysyntax.AssignStmt:
			id, ok := x.Targets[0].(*pysyntax.Ident)
			if len(x.Targets) != 1 || !ok || x.Value == nil {
				brk(s, "Config bodies hold only simple settings (name = value)")
				continue
			}
			v := m.eval(x.Value)
			if why := checkConfig(id.Name, v); why != "" {
				brk(x.Value, "Config.%s: %s", id.Name, why)
				continue
			}
			if def.config == nil {
				def.config = map[string]value.Value{}
			}
			def.config[id.Name] = v
		default:
			brk(s, "Config bodies hold only settings")
		}
	}
}

// checkConfig says why a setting's value is not one the extractor models.
func checkConfig(name string, v value.Value) string {
	switch {
	case configNoEffect[name]:
		return ""
	case name == "env_prefix" || name == "env_file_encoding":
		if _, ok := v.(value.Str); ok || (name == "env_file_encoding" && v == value.Value(value.None)) {
			return ""
		}
		return "only a string is supported"
	case name == "env_nested_delimiter":
		if _, ok := v.(value.Str); ok || v == value.Value(value.None) {
			return ""
		}
		return "only a string or None is supported"
	case name == "env_file" || name == "secrets_dir":
		if v == value.Value(value.None) {
			return ""
		}
		return "reading settings from files is not modeled"
	case name == "extra":
		if s, ok := v.(value.Str); ok && (s == "ignore" || s == "forbid" || s == "allow") {
			return ""
		}
		return "only the strings \"ignore\", \"forbid\" and \"allow\" are supported"
	case configBool[name]:
		if _, ok := v.(value.Bool); !ok {
			return "only True or False is supported"
		}
		return ""
	}
	return "this setting is not modeled"
}

// inheritConfig gives def the settings of its bases: as pydantic v1 merges
// them, the first base wins over later ones.
func (def *modelDef) inheritConfig() {
	for i := len(def.bases) - 1; i >= 0; i-- {
		for k, v := range def.bases[i].config {
			if def.config == nil {
				def.config = map[string]value.Value{}
			}
			def.config[k] = v
		}
	}
}

func (def *modelDef) configBool(name string, dflt bool) bool {
	if b, ok := def.config[name].(value.Bool); ok {
		return bool(b)
	}
	return dflt
}

// extra is Config.extra: "ignore" (the default), "forbid" or "allow".
func (def *modelDef) extra() string {
	if s, ok := def.config["extra"].(value.Str); ok {
		return string(s)
	}
	return "ignore"
}

// immutable tells a model whose instances refuse assignment.
func (def *modelDef) immutable() bool {
	return !def.configBool("allow_mutation", true) || def.configBool("frozen", false)
}
