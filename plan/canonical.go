package plan

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"unicode/utf8"
)

// DigestPrefix starts every plan digest.
const DigestPrefix = "sha256:"

// ErrDigestMismatch is returned (wrapped) by VerifyDigest when the plan's
// content no longer matches its digest.
var ErrDigestMismatch = errors.New("plan digest mismatch")

// MarshalCanonical returns the plan's canonical JSON: UTF-8, object keys
// sorted, no HTML escaping, two-space indentation, a final newline, numbers
// as written, and the digest of the content. The receiver is not changed;
// the digest written is always the one of the content (Digest is ignored).
func (p *Plan) MarshalCanonical() ([]byte, error) {
	digest, err := p.ComputeDigest()
	if err != nil {
		return nil, err
	}
	c := *p
	c.Digest = digest
	return canonicalJSON(c)
}

// ComputeDigest returns "sha256:<hex>" of the canonical JSON of the plan
// without its digest field.
func (p *Plan) ComputeDigest() (string, error) {
	c := *p
	c.Digest = ""
	b, err := canonicalJSON(c)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return DigestPrefix + hex.EncodeToString(sum[:]), nil
}

// VerifyDigest recomputes the digest over the plan's content and compares it
// with the recorded one: a plan modified after it was written fails.
func (p *Plan) VerifyDigest() error {
	if p.Digest == "" {
		return fmt.Errorf("%w: the plan has no digest", ErrDigestMismatch)
	}
	got, err := p.ComputeDigest()
	if err != nil {
		return fmt.Errorf("computing the plan digest: %w", err)
	}
	if got != p.Digest {
		return fmt.Errorf("%w: the plan says %s but its content hashes to %s: it was modified after it was written",
			ErrDigestMismatch, p.Digest, got)
	}
	return nil
}

// Parse reads a plan strictly: unknown fields, trailing data and any
// schema_version other than SchemaVersion are errors. It does not check the
// digest; call VerifyDigest for that.
func Parse(b []byte) (*Plan, error) {
	var head struct {
		SchemaVersion *int `json:"schema_version"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, fmt.Errorf("reading plan: %w", err)
	}
	if head.SchemaVersion == nil {
		return nil, fmt.Errorf("reading plan: no schema_version (is this a flowplan plan?)")
	}
	if *head.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("reading plan: schema_version %d, this flowplan reads %d only", *head.SchemaVersion, SchemaVersion)
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	var p Plan
	if err := d.Decode(&p); err != nil {
		return nil, fmt.Errorf("reading plan: %w", err)
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, fmt.Errorf("reading plan: data after the plan object")
	}
	return &p, nil
}

// canonicalJSON encodes v, then re-encodes the result with sorted keys and
// numbers kept as written.
func canonicalJSON(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encoding plan: %w", err)
	}
	return Canonicalize(raw)
}

// Canonicalize re-encodes a JSON document in the plan's canonical form.
func Canonicalize(raw []byte) ([]byte, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var tree any
	if err := d.Decode(&tree); err != nil {
		return nil, fmt.Errorf("canonicalizing JSON: %w", err)
	}
	var buf bytes.Buffer
	buf.Grow(len(raw) + len(raw)/2)
	if err := writeCanonical(&buf, tree, 0); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

func writeCanonical(buf *bytes.Buffer, v any, depth int) error {
	switch x := v.(type) {
	case nil:
		buf.WriteString("null")
	case bool:
		if x {
			buf.WriteString("true")
		} else {
			buf.WriteString("false")
		}
	case json.Number:
		buf.WriteString(x.String())
	case string:
		writeString(buf, x)
	case []any:
		if len(x) == 0 {
			buf.WriteString("[]")
			return nil
		}
		buf.WriteString("[\n")
		for i, e := range x {
			indent(buf, depth+1)
			if err := writeCanonical(buf, e, depth+1); err != nil {
				return err
			}
			if i < len(x)-1 {
				buf.WriteByte(',')
			}
			buf.WriteByte('\n')
		}
		indent(buf, depth)
		buf.WriteByte(']')
	case map[string]any:
		if len(x) == 0 {
			buf.WriteString("{}")
			return nil
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		buf.WriteString("{\n")
		for i, k := range keys {
			indent(buf, depth+1)
			writeString(buf, k)
			buf.WriteString(": ")
			if err := writeCanonical(buf, x[k], depth+1); err != nil {
				return err
			}
			if i < len(keys)-1 {
				buf.WriteByte(',')
			}
			buf.WriteByte('\n')
		}
		indent(buf, depth)
		buf.WriteByte('}')
	default:
		return fmt.Errorf("canonicalizing JSON: unexpected %T", v)
	}
	return nil
}

func indent(buf *bytes.Buffer, depth int) {
	for range depth {
		buf.WriteString("  ")
	}
}

// writeString writes s as a JSON string the way encoding/json does with
// HTML escaping off: quotes, backslashes and control characters escaped,
// U+2028/U+2029 escaped, invalid UTF-8 replaced by U+FFFD.
func writeString(buf *bytes.Buffer, s string) {
	const hexDigits = "0123456789abcdef"
	buf.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			buf.WriteString(s[start:i])
			switch c {
			case '"', '\\':
				buf.WriteByte('\\')
				buf.WriteByte(c)
			case '\n':
				buf.WriteString(`\n`)
			case '\r':
				buf.WriteString(`\r`)
			case '\t':
				buf.WriteString(`\t`)
			default:
				buf.WriteString(`\u00`)
				buf.WriteByte(hexDigits[c>>4])
				buf.WriteByte(hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf.WriteString(s[start:i])
			buf.WriteString(`\ufffd`)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			buf.WriteString(s[start:i])
			buf.WriteString(`\u202`)
			buf.WriteByte(hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	buf.WriteString(s[start:])
	buf.WriteByte('"')
}
