package prefectyaml

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// node is a YAML value: a *mapping, a sequence or a scalar (already
// rendered, e.g. `"text"`, `5`, `true`, `null`).
type node any

// mapping is a YAML mapping that keeps its keys in the order added.
type mapping struct {
	keys []string
	vals []node
}

type sequence []node

type scalar string

func (m *mapping) set(key string, v node) {
	m.keys = append(m.keys, key)
	m.vals = append(m.vals, v)
}

func str(s string) (scalar, error) {
	q, err := quote(s)
	return scalar(q), err
}

func boolean(b bool) scalar {
	if b {
		return "true"
	}
	return "false"
}

const null scalar = "null"

// quote writes s as a YAML double-quoted scalar. The escapes used (\" \\
// \n \t \r \uXXXX \UXXXXXXXX) mean the same in JSON (but \U) and YAML 1.1
// and 1.2. Every rune that is not printable, and every YAML line break
// (NEL, U+2028, U+2029), is escaped, so no folding can change the value;
// printable text, non-ASCII included, is written as is.
func quote(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("string %q is not valid UTF-8", s)
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == ' ' || (unicode.IsPrint(r) && r != 0x85 && r != 0x2028 && r != 0x2029):
			b.WriteRune(r)
		case r > 0xFFFF:
			fmt.Fprintf(&b, `\U%08X`, r)
		default:
			fmt.Fprintf(&b, `\u%04X`, r)
		}
	}
	b.WriteByte('"')
	return b.String(), nil
}

// plainKey matches keys written without quotes: they cannot be read as
// anything but the same string by YAML 1.1 or 1.2.
var plainKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)

// yaml11Words are plain scalars YAML 1.1 (PyYAML, which Prefect uses) reads
// as booleans or null.
var yaml11Words = map[string]bool{
	"y": true, "yes": true, "n": true, "no": true, "true": true, "false": true,
	"on": true, "off": true, "null": true,
}

func renderKey(k string) (string, error) {
	if plainKey.MatchString(k) && !yaml11Words[strings.ToLower(k)] {
		return k, nil
	}
	return quote(k)
}

// intLiteral is a JSON integer, which YAML 1.1 and 1.2 read as the same int.
var intLiteral = regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)

// floatLiteral splits a JSON number that is not an integer.
var floatLiteral = regexp.MustCompile(`^(-?[0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?)([0-9]+))?$`)

// number renders a JSON number so that PyYAML reads the same value: an
// integer as written; any other number with a fraction and, if it has
// one, an explicitly signed exponent (PyYAML reads `1e-07` or `1.5e5` as
// strings). The digits are not changed, so no precision is lost.
func number(n string) (scalar, error) {
	if intLiteral.MatchString(n) {
		return scalar(n), nil
	}
	m := floatLiteral.FindStringSubmatch(n)
	if m == nil {
		return "", fmt.Errorf("%q is not a JSON number", n)
	}
	frac := m[2]
	if frac == "" {
		frac = "0"
	}
	out := m[1] + "." + frac
	if m[4] != "" {
		sign := m[3]
		if sign == "" {
			sign = "+"
		}
		out += "e" + sign + m[4]
	}
	return scalar(out), nil
}

// seconds renders an interval length in seconds: an integer when it is
// whole, otherwise the shortest decimal that reads back the same float.
func seconds(v float64) (scalar, error) {
	return number(strconv.FormatFloat(v, 'f', -1, 64))
}

// fromJSON converts a JSON document to a node, keeping object key order and
// numbers as written. Duplicate keys are an error (YAML forbids them).
func fromJSON(raw []byte) (node, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	n, err := jsonValue(d)
	if err != nil {
		return nil, err
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("data after the JSON value")
	}
	return n, nil
}

func jsonValue(d *json.Decoder) (node, error) {
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			m := &mapping{}
			seen := map[string]bool{}
			for d.More() {
				kt, err := d.Token()
				if err != nil {
					return nil, err
				}
				k := kt.(string) // the decoder only yields strings as object keys
				if seen[k] {
					return nil, fmt.Errorf("duplicate key %q", k)
				}
				seen[k] = true
				v, err := jsonValue(d)
				if err != nil {
					return nil, err
				}
				m.set(k, v)
			}
			_, err := d.Token() // '}'
			return m, err
		case '[':
			s := sequence{}
			for d.More() {
				v, err := jsonValue(d)
				if err != nil {
					return nil, err
				}
				s = append(s, v)
			}
			_, err := d.Token() // ']'
			return s, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case string:
		return str(t)
	case json.Number:
		return number(t.String())
	case bool:
		return boolean(t), nil
	case nil:
		return null, nil
	}
	return nil, fmt.Errorf("unexpected JSON token %v", tok)
}

// emit writes m as a block-style YAML document. Empty collections are
// written in flow style (`{}`, `[]`).
func emit(b *bytes.Buffer, m *mapping) error {
	return emitEntries(b, m, 0, false)
}

// emitEntries writes a mapping's entries at indent; with inline the first
// entry continues the current line (after a sequence's "- ").
func emitEntries(b *bytes.Buffer, m *mapping, indent int, inline bool) error {
	for i, k := range m.keys {
		if i > 0 || !inline {
			b.WriteString(strings.Repeat(" ", indent))
		}
		key, err := renderKey(k)
		if err != nil {
			return err
		}
		b.WriteString(key)
		b.WriteByte(':')
		if err := emitValue(b, m.vals[i], indent); err != nil {
			return err
		}
	}
	return nil
}

// emitValue writes the value of a mapping entry whose key is at indent.
func emitValue(b *bytes.Buffer, v node, indent int) error {
	switch t := v.(type) {
	case *mapping:
		if len(t.keys) == 0 {
			b.WriteString(" {}\n")
			return nil
		}
		b.WriteByte('\n')
		return emitEntries(b, t, indent+2, false)
	case sequence:
		if len(t) == 0 {
			b.WriteString(" []\n")
			return nil
		}
		b.WriteByte('\n')
		return emitItems(b, t, indent+2)
	case scalar:
		b.WriteByte(' ')
		b.WriteString(string(t))
		b.WriteByte('\n')
		return nil
	}
	return fmt.Errorf("unexpected YAML node %T", v)
}

// emitItems writes a sequence's items at indent.
func emitItems(b *bytes.Buffer, s sequence, indent int) error {
	for _, item := range s {
		b.WriteString(strings.Repeat(" ", indent))
		b.WriteByte('-')
		switch t := item.(type) {
		case *mapping:
			if len(t.keys) == 0 {
				b.WriteString(" {}\n")
				continue
			}
			b.WriteByte(' ')
			if err := emitEntries(b, t, indent+2, true); err != nil {
				return err
			}
		case sequence:
			if len(t) == 0 {
				b.WriteString(" []\n")
				continue
			}
			b.WriteByte('\n')
			if err := emitItems(b, t, indent+2); err != nil {
				return err
			}
		case scalar:
			b.WriteByte(' ')
			b.WriteString(string(t))
			b.WriteByte('\n')
		default:
			return fmt.Errorf("unexpected YAML node %T", item)
		}
	}
	return nil
}
