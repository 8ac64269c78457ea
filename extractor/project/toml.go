package project

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/flowplan/flowplan/extractor/diag"
)

// document is a decoded pyproject.toml together with where each key sits.
type document struct {
	file  string         // display name, "pyproject.toml"
	data  map[string]any // the decoded document
	lines map[string]int // dotted key path (parts joined by "\x00") -> line of the key or table header
}

// parseDocument decodes src. A syntax error becomes a positioned
// diagnostic naming file:line:col and go-toml's message.
func parseDocument(file string, src []byte) (*document, error) {
	var data map[string]any
	if err := toml.Unmarshal(src, &data); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			line, col := de.Position()
			pos := diag.Pos{File: file, Line: line, Col: runeColumn(src, line, col)}
			return nil, diag.Errorf(pos, lineText(src, line), "malformed TOML: %s", strings.TrimPrefix(de.Error(), "toml: "))
		}
		return nil, fmt.Errorf("%s: malformed TOML: %w", file, err)
	}
	if data == nil {
		data = map[string]any{}
	}
	return &document{file: file, data: data, lines: keyLines(src)}, nil
}

// keyLines records the line of every table header and every key of a
// key/value pair (outside inline tables), by full dotted path.
func keyLines(src []byte) map[string]int {
	lines := map[string]int{}
	var p unstable.Parser
	p.Reset(src)
	var table []string
	for p.NextExpression() {
		expr := p.Expression()
		switch expr.Kind {
		case unstable.Table, unstable.ArrayTable:
			table, _ = keyParts(&p, expr, nil)
			if line, ok := firstKeyLine(&p, expr); ok {
				record(lines, table, line)
			}
		case unstable.KeyValue:
			path, line := keyParts(&p, expr, table)
			if line > 0 {
				record(lines, path, line)
			}
		}
	}
	return lines
}

func record(lines map[string]int, path []string, line int) {
	k := strings.Join(path, "\x00")
	if _, seen := lines[k]; !seen {
		lines[k] = line
	}
}

func keyParts(p *unstable.Parser, n *unstable.Node, prefix []string) ([]string, int) {
	path := append([]string(nil), prefix...)
	line := 0
	it := n.Key()
	for it.Next() {
		k := it.Node()
		path = append(path, string(k.Data))
		if line == 0 && k.Raw.Length > 0 {
			line = p.Shape(k.Raw).Start.Line
		}
	}
	return path, line
}

func firstKeyLine(p *unstable.Parser, n *unstable.Node) (int, bool) {
	it := n.Key()
	if it.Next() && it.Node().Raw.Length > 0 {
		return p.Shape(it.Node().Raw).Start.Line, true
	}
	return 0, false
}

// pos returns the position of the deepest recorded key on path.
func (d *document) pos(path ...string) diag.Pos {
	for n := len(path); n > 0; n-- {
		if line, ok := d.lines[strings.Join(path[:n], "\x00")]; ok {
			return diag.Pos{File: d.file, Line: line, Col: 1}
		}
	}
	return diag.Pos{File: d.file}
}

// lookup walks nested tables; ok is false when a step is missing. A step
// through a value that is not a table is an error naming the key.
func (d *document) lookup(path ...string) (any, bool, error) {
	var cur any = d.data
	for i, k := range path {
		tbl, isTable := cur.(map[string]any)
		if !isTable {
			return nil, false, d.typeError(path[:i], cur, "a table")
		}
		v, ok := tbl[k]
		if !ok {
			return nil, false, nil
		}
		cur = v
	}
	return cur, true, nil
}

// str reads an optional string.
func (d *document) str(path ...string) (string, bool, error) {
	v, ok, err := d.lookup(path...)
	if err != nil || !ok {
		return "", false, err
	}
	s, isStr := v.(string)
	if !isStr {
		return "", false, d.typeError(path, v, "a string")
	}
	return s, true, nil
}

// table reads an optional table.
func (d *document) table(path ...string) (map[string]any, bool, error) {
	v, ok, err := d.lookup(path...)
	if err != nil || !ok {
		return nil, false, err
	}
	t, isTable := v.(map[string]any)
	if !isTable {
		return nil, false, d.typeError(path, v, "a table")
	}
	return t, true, nil
}

func (d *document) typeError(path []string, v any, want string) error {
	return diag.Errorf(d.pos(path...), "", "%s must be %s, not %s", keyName(path), want, describe(v))
}

// keyName shows a key path as TOML would write it: [tool.prefect] flows_folder.
func keyName(path []string) string {
	quoted := make([]string, len(path))
	for i, k := range path {
		quoted[i] = quoteKey(k)
	}
	if len(path) <= 1 {
		return strings.Join(quoted, ".")
	}
	return "[" + strings.Join(quoted[:len(quoted)-1], ".") + "] " + quoted[len(quoted)-1]
}

func quoteKey(k string) string {
	if k == "" {
		return `""`
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return fmt.Sprintf("%q", k)
		}
	}
	return k
}

// describe names a decoded TOML value's type, with the value when short.
func describe(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("the string %q", x)
	case int64:
		return fmt.Sprintf("the integer %d", x)
	case float64:
		return fmt.Sprintf("the float %v", x)
	case bool:
		return fmt.Sprintf("the boolean %v", x)
	case map[string]any:
		return "a table"
	case []any:
		return "an array"
	default:
		return fmt.Sprintf("a %T (%v)", v, v)
	}
}

// runeColumn turns go-toml's 1-based byte column on a 1-based line into a
// 1-based character column.
func runeColumn(src []byte, line, col int) int {
	text := []byte(lineText(src, line))
	if col-1 > len(text) || col < 1 {
		return col
	}
	return utf8.RuneCount(text[:col-1]) + 1
}

func lineText(src []byte, line int) string {
	for i := 1; i < line; i++ {
		nl := bytes.IndexByte(src, '\n')
		if nl < 0 {
			return ""
		}
		src = src[nl+1:]
	}
	if nl := bytes.IndexByte(src, '\n'); nl >= 0 {
		src = src[:nl]
	}
	return strings.TrimRight(string(src), "\r")
}
