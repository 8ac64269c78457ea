// Package differential checks the static extractor against CPython: the same
// flow files are lifted by the Go extractor and by CPython importing them
// with test stubs (testdata/differential/lift.py), and the results must be
// equal field by field. This package holds the JSON comparison, the runner
// for lift.py and a seeded generator of flow-file cases.
package differential

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// object is a JSON object with its keys in document order.
type object struct {
	keys []string
	vals []any
}

// decodeOrdered reads one JSON value keeping object key order and number
// literals (json.Number), so 1 and 1.0 stay different, as they are in Python.
func decodeOrdered(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("trailing data after JSON value")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("reading JSON: %w", err)
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := &object{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, fmt.Errorf("reading JSON key: %w", err)
				}
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				o.keys = append(o.keys, kt.(string))
				o.vals = append(o.vals, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, fmt.Errorf("reading JSON: %w", err)
			}
			return o, nil
		case '[':
			arr := []any{}
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				arr = append(arr, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, fmt.Errorf("reading JSON: %w", err)
			}
			return arr, nil
		}
		return nil, fmt.Errorf("unexpected JSON delimiter %v", t)
	default:
		return t, nil
	}
}

// Diff compares two JSON documents and returns "" when they are equal, or a
// description of the first difference: its JSON path (e.g.
// `$.deployments[0].parameters["x"]`) and both values. Object keys must be in
// the same order; numbers must be the same literal after normalizing the
// exponent spelling (Python's repr and Go's agree otherwise), except under
// the keys named in byValue, whose numbers compare by value: Go's
// encoding/json writes a whole float64 as 5400 where Python writes 5400.0.
func Diff(want, got []byte, byValue ...string) (string, error) {
	a, err := decodeOrdered(want)
	if err != nil {
		return "", fmt.Errorf("decoding the expected JSON: %w", err)
	}
	b, err := decodeOrdered(got)
	if err != nil {
		return "", fmt.Errorf("decoding the actual JSON: %w", err)
	}
	d := differ{byValue: map[string]bool{}}
	for _, k := range byValue {
		d.byValue[k] = true
	}
	return d.values("$", "", a, b), nil
}

type differ struct {
	byValue map[string]bool
}

// values compares a and b found at path, under the object key key.
func (d differ) values(path, key string, a, b any) string {
	switch x := a.(type) {
	case *object:
		y, ok := b.(*object)
		if !ok {
			return mismatch(path, a, b)
		}
		for i := 0; i < len(x.keys) || i < len(y.keys); i++ {
			switch {
			case i >= len(x.keys):
				return fmt.Sprintf("%s: unexpected key %q (value %s)", path, y.keys[i], render(y.vals[i]))
			case i >= len(y.keys):
				return fmt.Sprintf("%s: missing key %q (want %s)", path, x.keys[i], render(x.vals[i]))
			case x.keys[i] != y.keys[i]:
				return fmt.Sprintf("%s: key %d is %q, want %q (keys %q, want %q)", path, i, y.keys[i], x.keys[i], y.keys, x.keys)
			}
			if m := d.values(path+keyPath(x.keys[i]), x.keys[i], x.vals[i], y.vals[i]); m != "" {
				return m
			}
		}
		return ""
	case []any:
		y, ok := b.([]any)
		if !ok {
			return mismatch(path, a, b)
		}
		for i := 0; i < len(x) && i < len(y); i++ {
			if m := d.values(fmt.Sprintf("%s[%d]", path, i), key, x[i], y[i]); m != "" {
				return m
			}
		}
		if len(x) != len(y) {
			return fmt.Sprintf("%s: length %d, want %d (got %s, want %s)", path, len(y), len(x), render(b), render(a))
		}
		return ""
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return mismatch(path, a, b)
		}
		if d.byValue[key] {
			fx, errx := x.Float64()
			fy, erry := y.Float64()
			if errx != nil || erry != nil || fx != fy {
				return mismatch(path, a, b)
			}
			return ""
		}
		if normNumber(x) != normNumber(y) {
			return mismatch(path, a, b)
		}
		return ""
	default:
		if a != b {
			return mismatch(path, a, b)
		}
		return ""
	}
}

// normNumber spells exponents one way: Python writes 1e+20, Go's JSON 1e+20
// too, but a literal may come as 1E20 from elsewhere.
func normNumber(n json.Number) string {
	return strings.ToLower(n.String())
}

func keyPath(k string) string {
	if isIdent(k) {
		return "." + k
	}
	return "[" + strconv.Quote(k) + "]"
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (i > 0 && r >= '0' && r <= '9') {
			continue
		}
		return false
	}
	return true
}

func mismatch(path string, want, got any) string {
	return fmt.Sprintf("%s: got %s, want %s", path, render(got), render(want))
}

// render writes a decoded value back as compact JSON, shortened.
func render(v any) string {
	var b strings.Builder
	writeJSON(&b, v)
	s := b.String()
	if r := []rune(s); len(r) > 200 {
		return string(r[:197]) + "..."
	}
	return s
}

func writeJSON(b *strings.Builder, v any) {
	switch x := v.(type) {
	case *object:
		b.WriteByte('{')
		for i, k := range x.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Quote(k))
			b.WriteByte(':')
			writeJSON(b, x.vals[i])
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, e)
		}
		b.WriteByte(']')
	case string:
		b.WriteString(strconv.Quote(x))
	case json.Number:
		b.WriteString(x.String())
	case nil:
		b.WriteString("null")
	default:
		fmt.Fprint(b, x)
	}
}
