package eval

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/flowplan/flowplan/extractor/internal/lift"
	"github.com/flowplan/flowplan/extractor/internal/pysyntax"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

// json.dumps as CPython's json module writes (the C encoder's output),
// and pydantic v1's BaseModel.json(), which dumps .dict() with pydantic's
// encoder for the values JSON has no type for.

// jsonOptions are json.dumps' keyword arguments that the extractor models.
type jsonOptions struct {
	indent     *string // nil: one line
	itemSep    string
	keySep     string
	sortKeys   bool
	ensureASCI bool
	allowNaN   bool
	skipKeys   bool
	// pydantic is pydantic_encoder as default=: models, enums, dates and
	// sets are turned into JSON values.
	pydantic bool
}

// jsonAttr is an attribute of the json module: dumps is modeled.
func (s *session) jsonAttr(name string) (value.Value, bool) {
	if name == "dumps" {
		return &builtin{name: "dumps", fn: func(c *call) value.Value {
			c.arity(1, 1)
			opts, u := c.m.jsonDumpsOptions(c)
			if u != nil {
				return *u
			}
			return value.Str(c.m.jsonDumps(c.at, c.arg(0), opts))
		}}, true
	}
	return nil, false
}

// jsonDumpsOptions reads json.dumps' keyword arguments.
func (m *module) jsonDumpsOptions(c *call) (jsonOptions, *value.Unknown) {
	opts := jsonOptions{itemSep: ", ", keySep: ": ", ensureASCI: true, allowNaN: true}
	sepsGiven := false
	for _, k := range c.kwargs {
		v := m.need(k.v)
		switch k.name {
		case "indent":
			switch x := v.(type) {
			case value.NoneType:
				opts.indent = nil
			case value.Int:
				if !x.V.IsInt64() || x.V.Int64() > 1000 {
					u := m.unknown(k.node, "json.dumps(indent=%s) is not modeled", x.V.String())
					return opts, &u
				}
				s := strings.Repeat(" ", int(max(x.V.Int64(), 0)))
				opts.indent = &s
			case value.Str:
				s := string(x)
				opts.indent = &s
			default:
				u := m.unknown(k.node, "json.dumps(indent=...) as a %s is not modeled", typeName(v))
				return opts, &u
			}
		case "separators":
			t, ok := v.(*value.Tuple)
			if !ok {
				if l, isList := v.(*value.List); isList {
					t, ok = &value.Tuple{Elems: l.Elems}, true
				}
			}
			if !ok || len(t.Elems) != 2 {
				u := m.unknown(k.node, "json.dumps(separators=...) that is not a pair of strings is not modeled")
				return opts, &u
			}
			a, ok1 := t.Elems[0].(value.Str)
			b, ok2 := t.Elems[1].(value.Str)
			if !ok1 || !ok2 {
				u := m.unknown(k.node, "json.dumps(separators=...) that is not a pair of strings is not modeled")
				return opts, &u
			}
			opts.itemSep, opts.keySep, sepsGiven = string(a), string(b), true
		case "sort_keys", "ensure_ascii", "allow_nan", "skipkeys", "check_circular":
			b := m.truth(k.node, v)
			switch k.name {
			case "sort_keys":
				opts.sortKeys = b
			case "ensure_ascii":
				opts.ensureASCI = b
			case "allow_nan":
				opts.allowNaN = b
			case "skipkeys":
				opts.skipKeys = b
			}
		default:
			u := m.unknown(k.node, "json.dumps(%s=...) is not modeled", k.name)
			return opts, &u
		}
	}
	if opts.indent != nil && !sepsGiven {
		opts.itemSep = "," // with an indent, the item separator loses its space
	}
	return opts, nil
}

// jsonDumps writes v as json.dumps does with opts; the errors are the
// encoder's (TypeError, ValueError).
func (m *module) jsonDumps(at pysyntax.Node, v value.Value, opts jsonOptions) string {
	var b strings.Builder
	m.jsonEncode(at, &b, v, opts, 0)
	return b.String()
}

func (m *module) jsonEncode(at pysyntax.Node, b *strings.Builder, v value.Value, opts jsonOptions, depth int) {
	if depth > 500 {
		panic(m.raise(at, "RecursionError", "maximum recursion depth exceeded while encoding a JSON object"))
	}
	newline := func(level int) {
		if opts.indent != nil {
			b.WriteString("\n" + strings.Repeat(*opts.indent, level))
		}
	}
	switch x := v.(type) {
	case value.Unknown:
		panic(unknownSignal{x})
	case value.Str:
		jsonString(b, string(x), opts.ensureASCI)
	case value.NoneType:
		b.WriteString("null")
	case value.Bool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case value.Int:
		b.WriteString(x.V.String())
	case value.Float:
		b.WriteString(m.jsonFloat(at, float64(x), opts))
	case *value.List, *value.Tuple:
		var elems []value.Value
		if l, ok := x.(*value.List); ok {
			elems = l.Elems
		} else {
			elems = x.(*value.Tuple).Elems
		}
		if len(elems) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[")
		for i, e := range elems {
			if i > 0 {
				b.WriteString(opts.itemSep)
			}
			newline(depth + 1)
			m.jsonEncode(at, b, e, opts, depth+1)
		}
		newline(depth)
		b.WriteString("]")
	case *value.Dict:
		m.jsonObject(at, b, x, opts, depth)
	case *value.EnumMember:
		// A str, int or float enum is written as its value, as json's
		// encoder reads it; pydantic's encoder writes any member's value.
		if x.Mixin != "" || opts.pydantic {
			m.jsonEncode(at, b, x.Value, opts, depth+1)
			return
		}
		panic(m.raise(at, "TypeError", "Object of type %s is not JSON serializable", x.Class.Name))
	default:
		if opts.pydantic {
			if out, ok := m.pydanticEncode(at, v); ok {
				m.jsonEncode(at, b, out, opts, depth+1)
				return
			}
		}
		if inst, ok := v.(*value.Instance); ok && inst.Class != nil {
			panic(m.raise(at, "TypeError", "Object of type %s is not JSON serializable", inst.Class.Name))
		}
		switch v.(type) {
		case *value.Set, value.Bytes, *value.Function, *value.Class, *builtin:
			panic(m.raise(at, "TypeError", "Object of type %s is not JSON serializable", typeName(v)))
		}
		panic(unknownSignal{m.unknown(at, "the JSON encoding of a %s value is not modeled", typeName(v))})
	}
}

// jsonObject writes a dict: keys that are str, or int, float, bool or
// None converted to their JSON text; others are a TypeError (or skipped).
func (m *module) jsonObject(at pysyntax.Node, b *strings.Builder, d *value.Dict, opts jsonOptions, depth int) {
	if len(d.Keys) == 0 {
		b.WriteString("{}")
		return
	}
	idx := make([]int, len(d.Keys))
	for i := range idx {
		idx[i] = i
	}
	if opts.sortKeys {
		// sorted(dct.items()): the keys are compared as Python compares
		// them, before they are converted.
		sort.SliceStable(idx, func(i, j int) bool { return m.order(at, "<", d.Keys[idx[i]], d.Keys[idx[j]]) == -1 })
	}
	b.WriteString("{")
	first := true
	for _, i := range idx {
		k := m.need(d.Keys[i])
		if f, isFloat := k.(value.Float); isFloat {
			m.jsonFloat(at, float64(f), opts) // allow_nan applies to keys too
		}
		key, ok := lift.JSONKey(value.Plain(k))
		if !ok {
			if opts.skipKeys {
				continue
			}
			panic(m.raise(at, "TypeError", "keys must be str, int, float, bool or None, not %s", typeName(k)))
		}
		if !first {
			b.WriteString(opts.itemSep)
		}
		first = false
		if opts.indent != nil {
			b.WriteString("\n" + strings.Repeat(*opts.indent, depth+1))
		}
		jsonString(b, key, opts.ensureASCI)
		b.WriteString(opts.keySep)
		m.jsonEncode(at, b, d.Vals[i], opts, depth+1)
	}
	if opts.indent != nil {
		b.WriteString("\n" + strings.Repeat(*opts.indent, depth))
	}
	b.WriteString("}")
}

func (m *module) jsonFloat(at pysyntax.Node, f float64, opts jsonOptions) string {
	if !opts.allowNaN && (math.IsNaN(f) || math.IsInf(f, 0)) {
		panic(m.raise(at, "ValueError", "Out of range float values are not JSON compliant"))
	}
	return lift.JSONFloat(f)
}

// jsonString writes s as a JSON string literal, as CPython's encoder
// does: with ensure_ascii, every non-ASCII character as \uXXXX (a
// surrogate pair above U+FFFF), lowercase hex.
func jsonString(b *strings.Builder, s string, ascii bool) {
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			switch {
			case r < 0x20:
				fmt.Fprintf(b, `\u%04x`, r)
			case r < utf8.RuneSelf || !ascii:
				b.WriteRune(r)
			case r > 0xFFFF:
				r -= 0x10000
				fmt.Fprintf(b, `\u%04x\u%04x`, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
			default:
				fmt.Fprintf(b, `\u%04x`, r)
			}
		}
	}
	b.WriteByte('"')
}

// pydanticEncode is pydantic v1's pydantic_encoder for the values the
// extractor models: a project model gives its .dict(); ok is false for
// any other value (the caller then refuses or raises as json does).
func (m *module) pydanticEncode(at pysyntax.Node, v value.Value) (value.Value, bool) {
	if x, ok := v.(*value.Instance); ok && x.Fields != nil {
		if def := m.s.models[x.Class]; def != nil && !def.dataclass {
			return m.modelDict(at, x, dictOptions{}, nil, nil, 0), true
		}
	}
	return nil, false
}

// modelJSONCall is a project model's .json(): its .dict() with the same
// options, dumped with pydantic's encoder and json.dumps' other keyword
// arguments.
func (m *module) modelJSONCall(c *call, x *value.Instance) value.Value {
	if len(c.args) > 0 {
		panic(c.raise("TypeError", "json() takes 1 positional argument but %d were given", len(c.args)+1))
	}
	dictKw := map[string]bool{"include": true, "exclude": true, "by_alias": true, "skip_defaults": true, "exclude_unset": true, "exclude_defaults": true, "exclude_none": true}
	dc := &call{m: c.m, at: c.at, name: c.name}
	jc := &call{m: c.m, at: c.at, name: c.name}
	for _, k := range c.kwargs {
		switch {
		case dictKw[k.name]:
			dc.kwargs = append(dc.kwargs, k)
		case k.name == "encoder" || k.name == "models_as_dict" || k.name == "default":
			return m.unknown(k.node, ".json(%s=...) is not modeled", k.name)
		default:
			jc.kwargs = append(jc.kwargs, k)
		}
	}
	d := m.modelDictCall(dc, x)
	if u, ok := d.(value.Unknown); ok {
		return u
	}
	opts, u := m.jsonDumpsOptions(jc)
	if u != nil {
		return *u
	}
	opts.pydantic = true
	return value.Str(m.jsonDumps(c.at, d, opts))
}
