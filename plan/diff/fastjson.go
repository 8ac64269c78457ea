package diff

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// decodeValid decodes JSON that is known to be valid (the diff's own
// encoding of plan values) as encoding/json decodes into any with
// UseNumber: objects as map[string]any, arrays as []any, numbers as
// json.Number written as they are, strings unescaped. A hand-written
// descent over the bytes is several times faster than encoding/json's
// generic decoding, which dominated diffs of large plans.
func decodeValid(b []byte) (any, error) {
	d := &fastDecoder{in: b}
	d.space()
	v, err := d.value()
	if err != nil {
		return nil, err
	}
	d.space()
	if d.pos != len(d.in) {
		return nil, fmt.Errorf("decoding JSON: data after the value at offset %d", d.pos)
	}
	return v, nil
}

type fastDecoder struct {
	in  []byte
	pos int
}

func (d *fastDecoder) space() {
	for d.pos < len(d.in) {
		switch d.in[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *fastDecoder) fail(what string) error {
	return fmt.Errorf("decoding JSON: %s at offset %d", what, d.pos)
}

func (d *fastDecoder) value() (any, error) {
	if d.pos >= len(d.in) {
		return nil, d.fail("unexpected end")
	}
	switch c := d.in[d.pos]; {
	case c == '{':
		return d.object()
	case c == '[':
		return d.array()
	case c == '"':
		return d.str()
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	case c == '-' || ('0' <= c && c <= '9'):
		start := d.pos
		for d.pos < len(d.in) {
			switch c := d.in[d.pos]; {
			case '0' <= c && c <= '9', c == '-', c == '+', c == '.', c == 'e', c == 'E':
				d.pos++
				continue
			}
			break
		}
		return json.Number(d.in[start:d.pos]), nil
	}
	return nil, d.fail(fmt.Sprintf("unexpected %q", d.in[d.pos]))
}

func (d *fastDecoder) literal(word string) error {
	if len(d.in)-d.pos < len(word) || string(d.in[d.pos:d.pos+len(word)]) != word {
		return d.fail("bad literal")
	}
	d.pos += len(word)
	return nil
}

func (d *fastDecoder) object() (any, error) {
	d.pos++ // {
	m := map[string]any{}
	d.space()
	if d.pos < len(d.in) && d.in[d.pos] == '}' {
		d.pos++
		return m, nil
	}
	for {
		d.space()
		if d.pos >= len(d.in) || d.in[d.pos] != '"' {
			return nil, d.fail("expected a key")
		}
		k, err := d.str()
		if err != nil {
			return nil, err
		}
		d.space()
		if d.pos >= len(d.in) || d.in[d.pos] != ':' {
			return nil, d.fail("expected ':'")
		}
		d.pos++
		d.space()
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		m[k] = v
		done, err := d.afterElement('}')
		if err != nil {
			return nil, err
		}
		if done {
			return m, nil
		}
	}
}

// afterElement reads the ',' or the closing bracket after an element of
// an object or array; done says the bracket closed it.
func (d *fastDecoder) afterElement(closing byte) (done bool, err error) {
	d.space()
	if d.pos >= len(d.in) {
		return false, d.fail("unexpected end")
	}
	switch d.in[d.pos] {
	case ',':
		d.pos++
		return false, nil
	case closing:
		d.pos++
		return true, nil
	}
	return false, d.fail("expected ',' or '" + string(closing) + "'")
}

func (d *fastDecoder) array() (any, error) {
	d.pos++ // [
	list := []any{}
	d.space()
	if d.pos < len(d.in) && d.in[d.pos] == ']' {
		d.pos++
		return list, nil
	}
	for {
		d.space()
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		list = append(list, v)
		done, err := d.afterElement(']')
		if err != nil {
			return nil, err
		}
		if done {
			return list, nil
		}
	}
}

// str reads a string; one with escapes (rare in plans) is left to
// encoding/json.
func (d *fastDecoder) str() (string, error) {
	start := d.pos
	d.pos++ // "
	escaped := false
	for d.pos < len(d.in) {
		switch d.in[d.pos] {
		case '\\':
			escaped = true
			d.pos += 2
			continue
		case '"':
			d.pos++
			raw := d.in[start:d.pos]
			if !escaped {
				s := string(raw[1 : len(raw)-1])
				if !utf8.ValidString(s) {
					// as encoding/json: invalid bytes become U+FFFD
					var out string
					if err := json.Unmarshal(raw, &out); err != nil {
						return "", err
					}
					return out, nil
				}
				return s, nil
			}
			var out string
			if err := json.Unmarshal(raw, &out); err != nil {
				return "", fmt.Errorf("decoding JSON string at offset %d: %w", start, err)
			}
			return out, nil
		}
		d.pos++
	}
	return "", d.fail("unterminated string")
}
