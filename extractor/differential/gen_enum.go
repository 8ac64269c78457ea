package differential

import (
	"fmt"
	"strconv"
)

// Enum classes as flow files declare them (Pocket/data-flows'
// shared/api_clients/sqs.py): str and int mixins, a plain Enum, StrEnum and
// IntEnum with auto(); values may repeat, which makes aliases.

// enumMemberNames are identifiers for members; StrEnum's auto() lower-cases
// them.
var enumMemberNames = []string{"alpha", "Beta", "GAMMA", "prod", "staging_eu", "Straße", "ÑANDÚ", "café"}

// enumConstants defines an enum class and binds module-level names computed
// from it; a member of a mixin class may also go into a deployment's
// parameters (g.enumMembers).
func (g *gen) enumConstants() {
	cls := g.fresh("Kind")
	style := g.intn(5)
	base := []string{"str, Enum", "int, Enum", "Enum", "StrEnum", "IntEnum"}[style]
	g.needEnum = true
	g.emit("class %s(%s):", cls, base)
	n := 2 + g.intn(3)
	var members []string
	used := map[string]bool{}
	for len(members) < n {
		name := enumMemberNames[g.intn(len(enumMemberNames))]
		if used[name] {
			continue
		}
		used[name] = true
		members = append(members, name)
		var v string
		switch {
		case style >= 3 && g.chance(0.6):
			v = "auto()"
		case style == 1 || style == 4:
			v = strconv.Itoa(g.intn(4))
		default:
			v = g.strLit()
		}
		g.emit("    %s = %s", name, v)
	}
	member := cls + "." + members[g.intn(len(members))]
	bind := func(t pyType, nonEmpty bool, format string, args ...any) {
		name := g.fresh("E")
		g.emit("%s = "+format, append([]any{name}, args...)...)
		g.names = append(g.names, binding{name: name, typ: t, nonEmpty: nonEmpty})
	}
	valueType := tStr
	if style == 1 || style == 4 {
		valueType = tInt
	}
	bind(valueType, false, "%s.value", member)
	bind(tStr, true, "%s.name", member)
	bind(tListStr, true, "[m.name for m in %s]", cls)
	bind(tInt, false, "len(%s)", cls)
	switch g.intn(4) {
	case 0:
		bind(tStr, true, "str(%s)", member)
	case 1:
		bind(tStr, true, "f\"{%s}|{%s!r}\"", member, member)
	case 2:
		bind(tStr, true, "%s(%s.value).name", cls, member)
	default:
		bind(tBool, false, "%s in %s and %s == %s.value", member, cls, member, member)
	}
	if style != 2 {
		g.enumMembers = append(g.enumMembers, member)
	}
}

// enumParam is a parameters item holding an enum member, or "".
func (g *gen) enumParam() string {
	if len(g.enumMembers) == 0 || !g.chance(0.5) {
		return ""
	}
	return fmt.Sprintf("\"member\": %s", g.enumMembers[g.intn(len(g.enumMembers))])
}
