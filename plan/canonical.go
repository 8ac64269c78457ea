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
	"strings"
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
	content, err := p.canonicalContent()
	if err != nil {
		return nil, err
	}
	return spliceDigest(content, digestOf(content))
}

// ComputeDigest returns "sha256:<hex>" of the canonical JSON of the plan
// without its digest field.
func (p *Plan) ComputeDigest() (string, error) {
	content, err := p.canonicalContent()
	if err != nil {
		return "", err
	}
	return digestOf(content), nil
}

// Seal sets the plan's Digest and returns its canonical JSON (as
// MarshalCanonical gives it), encoding the plan once where
// ComputeDigest and MarshalCanonical would encode it twice: for writing a
// plan just built.
func (p *Plan) Seal() ([]byte, error) {
	content, err := p.canonicalContent()
	if err != nil {
		return nil, err
	}
	digest := digestOf(content)
	out, err := spliceDigest(content, digest)
	if err != nil {
		return nil, err
	}
	p.Digest = digest
	return out, nil
}

// canonicalContent is the canonical JSON of the plan without its digest.
func (p *Plan) canonicalContent() ([]byte, error) {
	c := *p
	c.Digest = ""
	return canonicalJSON(c)
}

func digestOf(content []byte) string {
	sum := sha256.Sum256(content)
	return DigestPrefix + hex.EncodeToString(sum[:])
}

// spliceDigest inserts the top-level "digest" member into canonical
// content, before the first top-level key that sorts after it (top-level
// members are the lines indented by exactly two spaces).
func spliceDigest(content []byte, digest string) ([]byte, error) {
	if !bytes.HasPrefix(content, []byte("{\n")) || !bytes.HasSuffix(content, []byte("\n}\n")) {
		return nil, fmt.Errorf("encoding plan: canonical content is not an object")
	}
	var line bytes.Buffer
	line.WriteString("  ")
	writeString(&line, "digest")
	line.WriteString(": ")
	writeString(&line, digest)
	at := -1
	for start := 2; start < len(content); {
		if bytes.HasPrefix(content[start:], []byte(`  "`)) {
			key := content[start+3:]
			if k := bytes.IndexByte(key, '"'); k >= 0 && string(key[:k]) > "digest" {
				at = start
				break
			}
		}
		j := bytes.IndexByte(content[start:], '\n')
		if j < 0 {
			break
		}
		start += j + 1
	}
	out := make([]byte, 0, len(content)+line.Len()+2)
	if at < 0 { // digest is the last member: the member before it gets a comma
		end := len(content) - len("\n}\n")
		if end == 1 { // {} has no members: not canonical content of a plan
			return nil, fmt.Errorf("encoding plan: empty plan object")
		}
		out = append(out, content[:end]...)
		out = append(out, ',', '\n')
		out = append(out, line.Bytes()...)
		return append(out, content[end:]...), nil
	}
	out = append(out, content[:at]...)
	out = append(out, line.Bytes()...)
	out = append(out, ',', '\n')
	return append(out, content[at:]...), nil
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

// VerifyDigestOf is VerifyDigest for a plan p parsed from the bytes b, as
// a reader of a plan file has them. A file as flowplan writes it is the
// canonical content with the digest member spliced in: taking that member
// out and hashing the rest checks it without encoding the plan again
// (about a twentieth of the time on a 16 MB plan). Any other file (say,
// one reformatted by hand) is checked by VerifyDigest.
func VerifyDigestOf(b []byte, p *Plan) error {
	if FileMatchesDigest(b, p.Digest) {
		return nil
	}
	return p.VerifyDigest()
}

// FileMatchesDigest reports whether b is a plan file as flowplan writes
// it whose content hashes to digest. False does not mean the plan was
// changed: a reformatted file needs VerifyDigest.
func FileMatchesDigest(b []byte, digest string) bool {
	content, ok := withoutDigestMember(b, digest)
	return ok && digestOf(content) == digest
}

// ParseWithoutSpecs is Parse for readers that do not use the flows' lifted
// specs (deployer diff compares what is derived from them): each flow's
// spec is checked to be JSON and left empty. On a large plan it takes two
// thirds of Parse's time. Its errors are Parse's.
func ParseWithoutSpecs(b []byte) (*Plan, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	var lp struct {
		Plan
		Flows []struct {
			Flow
			Spec skipValue `json:"spec"`
		} `json:"flows"`
	}
	err := d.Decode(&lp)
	if err == nil {
		if _, tokErr := d.Token(); tokErr != io.EOF {
			err = errors.New("data after the plan object")
		}
	}
	if err != nil || lp.SchemaVersion != SchemaVersion {
		return Parse(b) // for its precise error
	}
	p := lp.Plan
	p.Flows = make([]Flow, len(lp.Flows))
	for i := range lp.Flows {
		p.Flows[i] = lp.Flows[i].Flow
	}
	return &p, nil
}

// skipValue takes any JSON value and keeps nothing.
type skipValue struct{}

func (*skipValue) UnmarshalJSON([]byte) error { return nil }

// withoutDigestMember removes the top-level "digest" member, as
// spliceDigest writes it, from canonical plan bytes.
func withoutDigestMember(b []byte, digest string) ([]byte, bool) {
	if digest == "" {
		return nil, false
	}
	var line bytes.Buffer
	line.WriteString("\n  ")
	writeString(&line, "digest")
	line.WriteString(": ")
	writeString(&line, digest)
	member := line.Bytes()
	if i := bytes.Index(b, append(member, ',', '\n')); i >= 0 {
		// "\n  "digest": "...",\n": keep the first newline
		out := make([]byte, 0, len(b))
		out = append(out, b[:i+1]...)
		return append(out, b[i+len(member)+2:]...), true
	}
	last := append([]byte{','}, append(member, []byte("\n}\n")...)...)
	if bytes.HasSuffix(b, last) {
		out := make([]byte, 0, len(b))
		out = append(out, b[:len(b)-len(last)]...)
		return append(out, []byte("\n}\n")...), true
	}
	return nil, false
}

// Parse reads a plan strictly: unknown fields, trailing data and any
// schema_version other than SchemaVersion are errors. It does not check the
// digest; call VerifyDigest for that. An error that has a place in the
// text is a *ReadError with its line and column.
func Parse(b []byte) (*Plan, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	var p Plan
	err := d.Decode(&p)
	if err == nil {
		if _, tokErr := d.Token(); tokErr != io.EOF {
			err = errors.New("data after the plan object")
		}
	}
	if err != nil {
		// A plan of another schema version may fail for its new fields:
		// say which version it is rather than which field.
		if v, ok := peekSchemaVersion(b); ok && v != SchemaVersion {
			return nil, wrongSchemaVersion(v)
		}
		return nil, explainReadError(b, err)
	}
	switch {
	case p.SchemaVersion == 0 && !bytes.Contains(b, []byte(`"schema_version"`)):
		return nil, &ReadError{Msg: "no schema_version: this is not a plan written by flowspec-extract"}
	case p.SchemaVersion != SchemaVersion:
		return nil, wrongSchemaVersion(p.SchemaVersion)
	}
	return &p, nil
}

func wrongSchemaVersion(v int) error {
	return &ReadError{Msg: fmt.Sprintf("schema_version %d, but this flowplan reads schema_version %d only", v, SchemaVersion)}
}

// peekSchemaVersion reads the top-level schema_version of a JSON object,
// if it is one and has it as a whole number.
func peekSchemaVersion(b []byte) (int, bool) {
	var head struct {
		SchemaVersion *int `json:"schema_version"`
	}
	if json.Unmarshal(b, &head) != nil || head.SchemaVersion == nil {
		return 0, false
	}
	return *head.SchemaVersion, true
}

// canonicalJSON encodes v (HTML escaping off), then re-encodes the result
// in canonical form.
func canonicalJSON(v any) ([]byte, error) {
	var raw bytes.Buffer
	enc := json.NewEncoder(&raw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encoding plan: %w", err)
	}
	return Canonicalize(raw.Bytes())
}

// Canonicalize re-encodes a JSON document in the plan's canonical form:
// object keys sorted (by their decoded text), two-space indentation,
// strings re-escaped without HTML escaping, numbers as written, a final
// newline.
func Canonicalize(raw []byte) ([]byte, error) {
	if !json.Valid(raw) {
		return nil, fmt.Errorf("canonicalizing JSON: invalid JSON")
	}
	c := &canonicalizer{in: raw}
	// Indentation about doubles compact JSON (1.7x for the example plan,
	// 2x for 1,000 flows); a larger guess was memory touched for nothing.
	c.out.Grow(2*len(raw) + 4096)
	c.skipSpace()
	if err := c.value(0); err != nil {
		return nil, err
	}
	c.out.WriteByte('\n')
	return c.out.Bytes(), nil
}

// canonicalizer rewrites valid JSON; it relies on json.Valid having
// accepted the input.
type canonicalizer struct {
	in  []byte
	pos int
	out bytes.Buffer
}

type member struct {
	key        string
	start, end int // the value's bytes in in
}

func (c *canonicalizer) skipSpace() {
	for c.pos < len(c.in) {
		switch c.in[c.pos] {
		case ' ', '\t', '\n', '\r':
			c.pos++
		default:
			return
		}
	}
}

// value writes the value at c.pos and leaves c.pos after it.
func (c *canonicalizer) value(depth int) error {
	switch c.in[c.pos] {
	case '{':
		return c.object(depth)
	case '[':
		return c.array(depth)
	case '"':
		start := c.pos
		c.skipString()
		return c.writeStringToken(c.in[start:c.pos])
	default:
		start := c.pos
		for c.pos < len(c.in) && !strings.ContainsRune(",]} \t\n\r", rune(c.in[c.pos])) {
			c.pos++
		}
		c.out.Write(c.in[start:c.pos])
		return nil
	}
}

func (c *canonicalizer) object(depth int) error {
	c.pos++ // {
	var members []member
	for {
		c.skipSpace()
		if c.in[c.pos] == '}' {
			c.pos++
			break
		}
		if c.in[c.pos] == ',' {
			c.pos++
			c.skipSpace()
		}
		ks := c.pos
		c.skipString()
		key, err := decodeStringToken(c.in[ks:c.pos])
		if err != nil {
			return err
		}
		c.skipSpace()
		c.pos++ // :
		c.skipSpace()
		vs := c.pos
		c.skipValue()
		members = append(members, member{key: key, start: vs, end: c.pos})
	}
	if len(members) == 0 {
		c.out.WriteString("{}")
		return nil
	}
	sort.SliceStable(members, func(i, j int) bool { return members[i].key < members[j].key })
	for i := 1; i < len(members); i++ {
		if members[i].key == members[i-1].key {
			return fmt.Errorf("canonicalizing JSON: duplicate key %q", members[i].key)
		}
	}
	after := c.pos
	c.out.WriteString("{\n")
	for i, m := range members {
		indent(&c.out, depth+1)
		writeString(&c.out, m.key)
		c.out.WriteString(": ")
		c.pos = m.start
		if err := c.value(depth + 1); err != nil {
			return err
		}
		if i < len(members)-1 {
			c.out.WriteByte(',')
		}
		c.out.WriteByte('\n')
	}
	indent(&c.out, depth)
	c.out.WriteByte('}')
	c.pos = after
	return nil
}

func (c *canonicalizer) array(depth int) error {
	c.pos++ // [
	c.skipSpace()
	if c.in[c.pos] == ']' {
		c.pos++
		c.out.WriteString("[]")
		return nil
	}
	c.out.WriteString("[\n")
	for {
		c.skipSpace()
		indent(&c.out, depth+1)
		if err := c.value(depth + 1); err != nil {
			return err
		}
		c.skipSpace()
		if c.in[c.pos] == ',' {
			c.pos++
			c.out.WriteString(",\n")
			continue
		}
		c.pos++ // ]
		break
	}
	c.out.WriteByte('\n')
	indent(&c.out, depth)
	c.out.WriteByte(']')
	return nil
}

// skipString moves past the string token at c.pos.
func (c *canonicalizer) skipString() {
	c.pos++ // opening quote
	for c.pos < len(c.in) {
		switch c.in[c.pos] {
		case '\\':
			c.pos += 2
		case '"':
			c.pos++
			return
		default:
			c.pos++
		}
	}
}

// skipValue moves past the value at c.pos.
func (c *canonicalizer) skipValue() {
	depth := 0
	for c.pos < len(c.in) {
		switch c.in[c.pos] {
		case '"':
			c.skipString()
			if depth == 0 {
				return
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return
			}
			depth--
			if depth == 0 {
				c.pos++
				return
			}
		case ',':
			if depth == 0 {
				return
			}
		case ' ', '\t', '\n', '\r':
			if depth == 0 {
				return
			}
		}
		c.pos++
	}
}

// writeStringToken writes a JSON string token in canonical escaping; plain
// ASCII without escapes is copied as is.
func (c *canonicalizer) writeStringToken(tok []byte) error {
	plain := true
	for _, b := range tok[1 : len(tok)-1] {
		if b == '\\' || b >= utf8.RuneSelf {
			plain = false
			break
		}
	}
	if plain {
		c.out.Write(tok)
		return nil
	}
	s, err := decodeStringToken(tok)
	if err != nil {
		return err
	}
	writeString(&c.out, s)
	return nil
}

func decodeStringToken(tok []byte) (string, error) {
	if bytes.IndexByte(tok, '\\') < 0 {
		return string(tok[1 : len(tok)-1]), nil
	}
	var s string
	if err := json.Unmarshal(tok, &s); err != nil {
		return "", fmt.Errorf("canonicalizing JSON: %w", err)
	}
	return s, nil
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

// VerifyApproved checks the plan's content against its digest and that the
// digest is the approved one (deployer apply --expect-digest).
func (p *Plan) VerifyApproved(expected string) error {
	if err := p.VerifyDigest(); err != nil {
		return err
	}
	if expected != p.Digest {
		return fmt.Errorf("%w: the plan is %s, not the approved %s", ErrDigestMismatch, p.Digest, expected)
	}
	return nil
}
