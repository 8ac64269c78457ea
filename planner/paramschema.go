package planner

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/flowplan/flowplan/extractor/spec"
)

// ParameterSchema builds the deployment's parameter_openapi_schema from the
// flow function's signature the way Prefect 2.10's parameter_schema() does
// with pydantic v1: title "Parameters", type "object", one property per
// parameter (title = name, position = index in the signature, the
// annotation's type schema, the default unless it is None), required =
// parameters without a default, in signature order. Parameters whose name
// starts with "_" are left out (pydantic ignores such fields). An
// annotation that cannot be resolved statically gives an untyped property
// (what Prefect gives for types pydantic cannot describe) and a warning.
// The types are the parameters' type expressions (Type), as the extractor
// read them from the annotations; the annotation text only labels the
// warnings.
func ParameterSchema(params []spec.Parameter) (json.RawMessage, []string, error) {
	props := map[string]any{}
	required := []string{}
	var warnings []string
	for pos, prm := range params {
		if strings.HasPrefix(prm.Name, "_") {
			warnings = append(warnings, fmt.Sprintf("parameter %s is left out of the parameter schema: pydantic ignores fields whose name starts with an underscore", prm.Name))
			continue
		}
		prop := map[string]any{}
		if prm.Annotation != "" || prm.Type != nil {
			ts, err := annotationSchema(prm)
			var unread *unreadError
			switch {
			case errors.As(err, &unread):
				return nil, nil, err
			case err != nil:
				warnings = append(warnings, fmt.Sprintf("parameter %s: annotation `%s` cannot be resolved statically (%v); its schema property is left untyped", prm.Name, prm.Annotation, err))
			default:
				for k, v := range ts {
					prop[k] = v
				}
			}
		}
		prop["title"] = prm.Name
		prop["position"] = pos
		if prm.HasDefault {
			if d := bytes.TrimSpace(prm.Default); len(d) > 0 && string(d) != "null" {
				prop["default"] = json.RawMessage(d)
			}
		} else {
			required = append(required, prm.Name)
		}
		props[prm.Name] = prop
	}
	schema := map[string]any{"title": "Parameters", "type": "object", "properties": props}
	if len(required) > 0 {
		schema["required"] = required
	}
	b, err := json.Marshal(schema)
	if err != nil {
		return nil, nil, fmt.Errorf("encoding the parameter schema: %w", err)
	}
	return b, warnings, nil
}

// unreadError is a parameter whose annotation the extractor did not read
// as a type: a spec not built by the extractor, which the planner cannot
// describe without guessing.
type unreadError struct{ param, annotation string }

func (e *unreadError) Error() string {
	return fmt.Sprintf("parameter %s: annotation `%s` was not read as a type expression (a spec not lifted by the extractor?)", e.param, e.annotation)
}

// annotationSchema returns pydantic v1's type schema for a parameter's
// annotation (the part of a property besides title, default and position),
// from the type expression the extractor read from it.
func annotationSchema(prm spec.Parameter) (map[string]any, error) {
	switch {
	case prm.TypeError != "":
		return nil, errors.New(prm.TypeError)
	case prm.Type == nil:
		return nil, &unreadError{prm.Name, prm.Annotation}
	case prm.Type.Literal == spec.LiteralStr:
		return nil, fmt.Errorf("a string annotation (forward reference) is not evaluated")
	}
	return typeSchema(*prm.Type, true)
}

// typing names, with or without the "typing." prefix.
func typingName(name string) string {
	if rest, ok := strings.CutPrefix(name, "typing."); ok {
		return rest
	}
	return name
}

// typeSchema is pydantic v1's field_type_schema for the type a. top is
// true for the parameter's own annotation (not a nested argument).
func typeSchema(a spec.TypeExpr, top bool) (map[string]any, error) {
	if a.Union != nil {
		return unionSchema(a.Union, top)
	}
	if a.Literal != spec.NotLiteral {
		if a.Literal == spec.LiteralNone {
			return map[string]any{"type": "null"}, nil // the annotation None
		}
		return nil, fmt.Errorf("a literal value is not a type")
	}
	if a.Ellipsis {
		return nil, fmt.Errorf("... is not a type")
	}
	name := a.Name
	switch name {
	case "builtins.str", "builtins.int", "builtins.float", "builtins.bool", "builtins.list", "builtins.dict",
		"builtins.tuple", "builtins.set", "builtins.frozenset", "builtins.bytes":
		name = strings.TrimPrefix(name, "builtins.")
	}
	tn := typingName(name)
	switch {
	case name == "Any" || name == "typing.Any" || name == "object":
		return noArgs(a, map[string]any{})
	case name == "str":
		return noArgs(a, map[string]any{"type": "string"})
	case name == "int":
		return noArgs(a, map[string]any{"type": "integer"})
	case name == "float":
		return noArgs(a, map[string]any{"type": "number"})
	case name == "bool":
		return noArgs(a, map[string]any{"type": "boolean"})
	case name == "bytes":
		return noArgs(a, map[string]any{"type": "string", "format": "binary"})
	case name == "datetime.datetime":
		return noArgs(a, map[string]any{"type": "string", "format": "date-time"})
	case name == "datetime.date":
		return noArgs(a, map[string]any{"type": "string", "format": "date"})
	case name == "datetime.time":
		return noArgs(a, map[string]any{"type": "string", "format": "time"})
	case name == "datetime.timedelta":
		return noArgs(a, map[string]any{"type": "number", "format": "time-delta"})
	case name == "list" || tn == "List":
		return sequenceSchema(a, false)
	case name == "set" || name == "frozenset" || tn == "Set" || tn == "FrozenSet":
		return sequenceSchema(a, true)
	case name == "tuple" || tn == "Tuple":
		return tupleSchema(a)
	case name == "dict" || tn == "Dict":
		return dictSchema(a)
	case tn == "Optional":
		if len(a.Args) != 1 {
			//lint:ignore ST1005 the message starts with the Python type it is about
			return nil, fmt.Errorf("Optional takes one argument, got %d", len(a.Args))
		}
		return unionSchema([]spec.TypeExpr{a.Args[0], {Literal: spec.LiteralNone}}, top)
	case tn == "Union":
		if len(a.Args) == 0 {
			//lint:ignore ST1005 the message starts with the Python type it is about
			return nil, fmt.Errorf("Union without arguments")
		}
		return unionSchema(a.Args, top)
	case tn == "Literal":
		return literalSchema(a.Args, top)
	}
	return nil, fmt.Errorf("%s is not a type flowplan knows", name)
}

func noArgs(a spec.TypeExpr, s map[string]any) (map[string]any, error) {
	if len(a.Args) > 0 {
		return nil, fmt.Errorf("%s takes no subscript", a.Name)
	}
	return s, nil
}

// sequenceSchema: list[X], List[X], set[X], Set[X] (X defaults to Any).
func sequenceSchema(a spec.TypeExpr, unique bool) (map[string]any, error) {
	items := map[string]any{}
	switch len(a.Args) {
	case 0:
	case 1:
		var err error
		if items, err = typeSchema(a.Args[0], false); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%s takes one argument, got %d", a.Name, len(a.Args))
	}
	s := map[string]any{"type": "array", "items": items}
	if unique {
		s["uniqueItems"] = true
	}
	return s, nil
}

// tupleSchema: tuple, tuple[X, ...], tuple[X, Y].
func tupleSchema(a spec.TypeExpr) (map[string]any, error) {
	switch {
	case len(a.Args) == 0:
		return map[string]any{"type": "array", "items": map[string]any{}}, nil
	case len(a.Args) == 2 && a.Args[1].Ellipsis:
		items, err := typeSchema(a.Args[0], false)
		if err != nil {
			return nil, err
		}
		return map[string]any{"type": "array", "items": items}, nil
	}
	items := make([]any, 0, len(a.Args))
	for _, arg := range a.Args {
		s, err := typeSchema(arg, false)
		if err != nil {
			return nil, err
		}
		items = append(items, s)
	}
	return map[string]any{"type": "array", "minItems": len(items), "maxItems": len(items), "items": items}, nil
}

// dictSchema: dict, dict[K, V]: an object, with additionalProperties when
// the values are not Any.
func dictSchema(a spec.TypeExpr) (map[string]any, error) {
	switch len(a.Args) {
	case 0:
		return map[string]any{"type": "object"}, nil
	case 2:
		if _, err := typeSchema(a.Args[0], false); err != nil {
			return nil, err
		}
		vals, err := typeSchema(a.Args[1], false)
		if err != nil {
			return nil, err
		}
		s := map[string]any{"type": "object"}
		if len(vals) > 0 {
			s["additionalProperties"] = vals
		}
		return s, nil
	}
	return nil, fmt.Errorf("%s takes two arguments, got %d", a.Name, len(a.Args))
}

// unionSchema: typing flattens nested unions and drops duplicates; pydantic
// v1 drops None (it only makes the field nullable) and, for one remaining
// member, describes that member alone, else anyOf the members.
func unionSchema(members []spec.TypeExpr, top bool) (map[string]any, error) {
	var flat []spec.TypeExpr
	seen := map[string]bool{}
	var add func(m spec.TypeExpr) error
	add = func(m spec.TypeExpr) error {
		if m.Union != nil {
			for _, x := range m.Union {
				if err := add(x); err != nil {
					return err
				}
			}
			return nil
		}
		if tn := typingName(m.Name); tn == "Union" || tn == "Optional" {
			inner := m.Args
			if tn == "Optional" {
				if len(inner) != 1 {
					//lint:ignore ST1005 the message starts with the Python type it is about
					return fmt.Errorf("Optional takes one argument, got %d", len(inner))
				}
				inner = []spec.TypeExpr{inner[0], {Literal: spec.LiteralNone}}
			}
			for _, x := range inner {
				if err := add(x); err != nil {
					return err
				}
			}
			return nil
		}
		key := annotKey(m)
		if !seen[key] {
			seen[key] = true
			flat = append(flat, m)
		}
		return nil
	}
	for _, m := range members {
		if err := add(m); err != nil {
			return nil, err
		}
	}
	var rest []spec.TypeExpr
	for _, m := range flat {
		if m.Literal == spec.LiteralNone {
			continue
		}
		rest = append(rest, m)
	}
	switch len(rest) {
	case 0:
		return map[string]any{"type": "null"}, nil
	case 1:
		return typeSchema(rest[0], top)
	}
	anyOf := make([]any, 0, len(rest))
	for _, m := range rest {
		s, err := typeSchema(m, false)
		if err != nil {
			return nil, err
		}
		anyOf = append(anyOf, s)
	}
	return map[string]any{"anyOf": anyOf}, nil
}

// annotKey identifies an annotation for union de-duplication.
func annotKey(a spec.TypeExpr) string {
	var b strings.Builder
	b.WriteString(a.Name)
	if a.Literal != spec.NotLiteral {
		fmt.Fprintf(&b, "lit:%d:%s", a.Literal, a.Value)
	}
	if len(a.Args) > 0 {
		b.WriteByte('[')
		for _, x := range a.Args {
			b.WriteString(annotKey(x))
			b.WriteByte(',')
		}
		b.WriteByte(']')
	}
	return b.String()
}

// literalSchema: Literal[...] gives {"enum": values, "type": T} when all
// values have one type, else anyOf one such schema per type, in order of
// first appearance.
func literalSchema(args []spec.TypeExpr, top bool) (map[string]any, error) {
	if len(args) == 0 {
		//lint:ignore ST1005 the message starts with the Python type it is about
		return nil, fmt.Errorf("Literal without arguments")
	}
	type group struct {
		typ    string
		values []any
	}
	var groups []*group
	byType := map[string]*group{}
	seen := map[string]bool{}
	var add func(a spec.TypeExpr) error
	add = func(a spec.TypeExpr) error {
		if typingName(a.Name) == "Literal" {
			for _, x := range a.Args {
				if err := add(x); err != nil {
					return err
				}
			}
			return nil
		}
		if a.Literal == spec.NotLiteral {
			//lint:ignore ST1005 the message starts with the Python type it is about
			return fmt.Errorf("Literal argument is not a literal value")
		}
		var typ string
		var v any
		switch a.Literal {
		case spec.LiteralNone:
			typ, v = "", nil
		case spec.LiteralBool:
			typ, v = "boolean", a.Value == "True"
		case spec.LiteralStr:
			typ, v = "string", a.Value
		case spec.LiteralInt:
			typ, v = "integer", json.Number(a.Value)
		}
		key := fmt.Sprintf("%s:%v", typ, v)
		if seen[key] {
			return nil
		}
		seen[key] = true
		g := byType[typ]
		if g == nil {
			g = &group{typ: typ}
			byType[typ] = g
			groups = append(groups, g)
		}
		g.values = append(g.values, v)
		return nil
	}
	for _, a := range args {
		if err := add(a); err != nil {
			return nil, err
		}
	}
	one := func(g *group) map[string]any {
		s := map[string]any{"enum": g.values}
		if g.typ != "" {
			s["type"] = g.typ
		}
		return s
	}
	if len(groups) == 1 {
		return one(groups[0]), nil
	}
	if !top {
		return nil, fmt.Errorf("a Literal mixing value types inside another type")
	}
	anyOf := make([]any, 0, len(groups))
	for _, g := range groups {
		anyOf = append(anyOf, one(g))
	}
	return map[string]any{"anyOf": anyOf}, nil
}
