package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ReadError is a plan that cannot be read, with where: the line and
// column (1-based, columns in characters) of the offending token, and the
// field it belongs to, e.g. flows[2].deployments[0].request.tags. Line is
// 0 when the problem has no position (a missing schema_version).
type ReadError struct {
	Line, Column int
	// Field is the JSON path of the value ("" at the top level).
	Field string
	// Msg says what was found and what was expected.
	Msg string
}

func (e *ReadError) Error() string {
	msg := e.Msg
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if e.Line == 0 {
		return msg
	}
	return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, msg)
}

// explainReadError finds why b does not read as a Plan, as a ReadError
// positioned at the offending token. It is only called once a fast decode
// failed, so it may take its time; decodeErr is that decode's error, used
// when nothing more precise is found.
func explainReadError(b []byte, decodeErr error) error {
	var probe struct{}
	if err := json.Unmarshal(b, &probe); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return syntaxError(b, se)
		}
	}
	w := &walker{in: b, dec: json.NewDecoder(bytes.NewReader(b))}
	w.dec.UseNumber()
	if err := w.value(reflect.TypeFor[Plan](), ""); err != nil {
		return err
	}
	if _, err := w.dec.Token(); err != io.EOF {
		off := w.nextTokenStart()
		return w.errorAt(off, "", "expected the end of the file after the plan, found more data")
	}
	// The walker accepts what the decoder refused: say what the decoder
	// said, without its Go vocabulary.
	return &ReadError{Msg: plainDecodeError(decodeErr)}
}

// lineCol turns a byte offset into a 1-based line and column (in
// characters).
func lineCol(b []byte, off int) (int, int) {
	off = min(max(off, 0), len(b))
	line := 1 + bytes.Count(b[:off], []byte("\n"))
	start := bytes.LastIndexByte(b[:off], '\n') + 1
	return line, 1 + utf8.RuneCount(b[start:off])
}

// syntaxPatterns turn encoding/json's syntax messages into what a reader
// of the plan needs: what was expected and what was found.
var syntaxPatterns = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`^invalid character (.+) looking for beginning of value$`), "expected a value (object, list, string, number, true, false or null), found $1"},
	{regexp.MustCompile(`^invalid character (.+) looking for beginning of object key string$`), `expected a quoted key or '}', found $1`},
	{regexp.MustCompile(`^invalid character (.+) after object key$`), "expected ':' after the key, found $1"},
	{regexp.MustCompile(`^invalid character (.+) after object key:value pair$`), "expected ',' or '}' after the member, found $1"},
	{regexp.MustCompile(`^invalid character (.+) after array element$`), "expected ',' or ']' after the element, found $1"},
	{regexp.MustCompile(`^invalid character (.+) after top-level value$`), "expected the end of the file after the plan, found $1"},
	{regexp.MustCompile(`^invalid character (.+) in literal (\w+) \(expecting (.+)\)$`), "expected $3 to continue $2, found $1"},
	{regexp.MustCompile(`^invalid character (.+) in string escape code$`), `expected an escape (\" \\ \/ \b \f \n \r \t \uXXXX) after the backslash, found $1`},
	{regexp.MustCompile(`^invalid character (.+) in \\u hexadecimal character escape$`), `expected 4 hexadecimal digits after \u, found $1`},
	{regexp.MustCompile(`^invalid character (.+) in string literal$`), "expected a character of the string, found $1 (control characters must be escaped)"},
	{regexp.MustCompile(`^invalid character (.+) in numeric literal$`), "expected a digit, found $1"},
	{regexp.MustCompile(`^invalid character (.+) after decimal point in numeric literal$`), "expected a digit after the decimal point, found $1"},
	{regexp.MustCompile(`^invalid character (.+) in exponent of numeric literal$`), "expected a digit in the exponent, found $1"},
}

func syntaxError(b []byte, se *json.SyntaxError) error {
	off := int(se.Offset)
	if off >= len(b) && strings.Contains(se.Error(), "unexpected end of JSON input") {
		st := scanTo(b, len(b))
		line, col := lineCol(b, len(b))
		msg := "the file ends before the plan does (is it truncated?): " + st.expected()
		if len(bytes.TrimSpace(b)) == 0 {
			msg = "the file is empty: expected a plan (a JSON object written by flowspec-extract)"
		}
		return &ReadError{Line: line, Column: col, Field: st.path(), Msg: msg}
	}
	at := max(off-1, 0) // the scanner counts the offending byte
	msg := se.Error()
	for _, p := range syntaxPatterns {
		if p.re.MatchString(msg) {
			msg = p.re.ReplaceAllString(msg, p.with)
			break
		}
	}
	line, col := lineCol(b, at)
	return &ReadError{Line: line, Column: col, Field: scanTo(b, at).path(), Msg: msg}
}

// scanState is where a scan of JSON text stopped: the open objects and
// lists with the key or index they are at, and the last token.
type scanState struct {
	frames []frame
	// last is the last structural token seen: '{', '[', ':', ',', 'k' (a
	// key), 'v' (a complete value), or 0 at the start.
	last     byte
	inString bool
}

type frame struct {
	object bool
	key    string
	index  int
}

// scanTo scans b[:end] (which need not be complete JSON) and reports where
// it stopped.
func scanTo(b []byte, end int) *scanState {
	st := &scanState{}
	for i := 0; i < end; i++ {
		c := b[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		case c == '"':
			j := i + 1
			for j < end && b[j] != '"' {
				if b[j] == '\\' {
					j++
				}
				j++
			}
			if j >= end {
				st.inString = true
				return st
			}
			s := string(b[i : j+1])
			if top := st.top(); top != nil && top.object && (st.last == '{' || st.last == ',') {
				if k, err := strconv.Unquote(s); err == nil {
					top.key = k
				} else {
					top.key = s
				}
				st.last = 'k'
			} else {
				st.value()
			}
			i = j
		case c == '{' || c == '[':
			st.frames = append(st.frames, frame{object: c == '{'})
			st.last = c
		case c == '}' || c == ']':
			if len(st.frames) > 0 {
				st.frames = st.frames[:len(st.frames)-1]
			}
			st.value()
		case c == ':':
			st.last = ':'
		case c == ',':
			if top := st.top(); top != nil && !top.object {
				top.index++
			} else if top != nil {
				top.key = "" // the next member's key is not read yet
			}
			st.last = ','
		default: // a number or literal: skip to its end
			for i+1 < end && !strings.ContainsRune(" \t\r\n,:]}", rune(b[i+1])) {
				i++
			}
			st.value()
		}
	}
	return st
}

func (st *scanState) top() *frame {
	if len(st.frames) == 0 {
		return nil
	}
	return &st.frames[len(st.frames)-1]
}

func (st *scanState) value() { st.last = 'v' }

// path is the JSON path of the value being scanned, e.g. flows[2].name.
func (st *scanState) path() string {
	var b strings.Builder
	for _, f := range st.frames {
		switch {
		case f.object && f.key != "":
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(f.key)
		case !f.object:
			fmt.Fprintf(&b, "[%d]", f.index)
		}
	}
	return b.String()
}

// expected says what the text needed next where the scan stopped.
func (st *scanState) expected() string {
	top := st.top()
	switch {
	case st.inString:
		return `expected the closing '"' of a string`
	case top == nil && st.last == 0:
		return "expected a plan (a JSON object)"
	case top == nil:
		return "expected nothing more"
	case top.object && (st.last == '{' || st.last == ','):
		if st.last == '{' {
			return `expected a quoted key or '}'`
		}
		return "expected a quoted key"
	case top.object && st.last == 'k':
		return "expected ':' after the key"
	case top.object && st.last == ':':
		return "expected a value"
	case top.object:
		return fmt.Sprintf("expected ',' or '}' (%s still open)", st.open())
	case st.last == '[':
		return "expected a value or ']'"
	case st.last == ',':
		return "expected a value"
	}
	return fmt.Sprintf("expected ',' or ']' (%s still open)", st.open())
}

func (st *scanState) open() string {
	objects, lists := 0, 0
	for _, f := range st.frames {
		if f.object {
			objects++
		} else {
			lists++
		}
	}
	var parts []string
	if objects > 0 {
		parts = append(parts, plural(objects, "object"))
	}
	if lists > 0 {
		parts = append(parts, plural(lists, "list"))
	}
	return strings.Join(parts, " and ")
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// walker checks syntactically valid JSON against a Go type, token by
// token, to find the first value of the wrong kind or unknown field with
// its position.
type walker struct {
	in  []byte
	dec *json.Decoder
}

// nextTokenStart is the offset of the next token: the decoder's offset
// with the separators it reads implicitly skipped.
func (w *walker) nextTokenStart() int {
	off := int(w.dec.InputOffset())
	for off < len(w.in) && strings.IndexByte(" \t\r\n,:", w.in[off]) >= 0 {
		off++
	}
	return off
}

func (w *walker) errorAt(off int, field, msg string) *ReadError {
	line, col := lineCol(w.in, off)
	return &ReadError{Line: line, Column: col, Field: field, Msg: msg}
}

var (
	rawMessageType  = reflect.TypeFor[json.RawMessage]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
)

// nullableElem returns T for a Nullable[T].
func nullableElem(t reflect.Type) (reflect.Type, bool) {
	if t.Kind() != reflect.Struct || !strings.HasPrefix(t.Name(), "Nullable[") {
		return nil, false
	}
	f, ok := t.FieldByName("Value")
	if !ok || f.Type.Kind() != reflect.Pointer {
		return nil, false
	}
	return f.Type.Elem(), true
}

// value reads one value that must decode into t.
func (w *walker) value(t reflect.Type, field string) error {
	start := w.nextTokenStart()
	if t == rawMessageType || t.Kind() == reflect.Interface {
		return w.skip()
	}
	if elem, ok := nullableElem(t); ok {
		return w.nullOr(elem, field)
	}
	if t.Kind() == reflect.Pointer {
		return w.nullOr(t.Elem(), field)
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		if err := w.skip(); err != nil {
			return err
		}
		raw := w.in[start:w.dec.InputOffset()]
		v := reflect.New(t)
		if err := v.Interface().(json.Unmarshaler).UnmarshalJSON(raw); err != nil {
			return w.errorAt(start, field, plainDecodeError(err))
		}
		return nil
	}
	tok, err := w.dec.Token()
	if err != nil {
		return w.errorAt(start, field, "unreadable value: "+plainDecodeError(err))
	}
	found := describeToken(tok)
	wrong := func() error {
		return w.errorAt(start, field, fmt.Sprintf("expected %s, found %s", expectedOf(t), found))
	}
	switch t.Kind() {
	case reflect.Struct:
		if tok != json.Delim('{') {
			return wrong()
		}
		fields := jsonFields(t)
		for w.dec.More() {
			keyAt := w.nextTokenStart()
			kt, err := w.dec.Token()
			if err != nil {
				return w.errorAt(keyAt, field, plainDecodeError(err))
			}
			key, _ := kt.(string)
			f, ok := fields[key]
			if !ok {
				return w.errorAt(keyAt, field, fmt.Sprintf("unknown field %q; expected one of %s", key, fieldList(fields)))
			}
			if err := w.value(f, joinPath(field, key)); err != nil {
				return err
			}
		}
		_, err := w.dec.Token() // }
		return err
	case reflect.Map:
		if tok != json.Delim('{') {
			return wrong()
		}
		for w.dec.More() {
			kt, err := w.dec.Token()
			if err != nil {
				return err
			}
			key, _ := kt.(string)
			if err := w.value(t.Elem(), joinPath(field, key)); err != nil {
				return err
			}
		}
		_, err := w.dec.Token()
		return err
	case reflect.Slice, reflect.Array:
		if tok == nil && t.Kind() == reflect.Slice {
			return nil
		}
		if tok != json.Delim('[') {
			return wrong()
		}
		for i := 0; w.dec.More(); i++ {
			if err := w.value(t.Elem(), fmt.Sprintf("%s[%d]", field, i)); err != nil {
				return err
			}
		}
		_, err := w.dec.Token()
		return err
	case reflect.String:
		if _, ok := tok.(string); !ok {
			return wrong()
		}
	case reflect.Bool:
		if _, ok := tok.(bool); !ok {
			return wrong()
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := tok.(json.Number)
		if !ok {
			return wrong()
		}
		if _, err := strconv.ParseInt(string(n), 10, 64); err != nil {
			return w.errorAt(start, field, fmt.Sprintf("expected a whole number, found %s", n))
		}
	case reflect.Float32, reflect.Float64:
		if _, ok := tok.(json.Number); !ok {
			return wrong()
		}
	}
	return nil
}

// nullOr reads null or a value of t.
func (w *walker) nullOr(t reflect.Type, field string) error {
	start := w.nextTokenStart()
	if bytes.HasPrefix(w.in[start:], []byte("null")) {
		_, err := w.dec.Token()
		return err
	}
	return w.value(t, field)
}

// skip reads one whole value of any kind.
func (w *walker) skip() error {
	depth := 0
	for {
		tok, err := w.dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// jsonFields maps the JSON names of a struct's fields to their types, as
// encoding/json reads them (embedded structs' fields promoted).
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for k, v := range jsonFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

func fieldList(fields map[string]reflect.Type) string {
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// expectedOf names what a JSON value for t looks like.
func expectedOf(t reflect.Type) string {
	if elem, ok := nullableElem(t); ok {
		return expectedOf(elem) + " or null"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return expectedOf(t.Elem()) + " or null"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.String {
			return "a list of strings"
		}
		return "a list"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "a value"
}

// describeToken names what was found, with a short quote of scalars.
func describeToken(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '{' {
			return "an object"
		}
		return "a list"
	case string:
		q := strconv.Quote(v)
		if len(q) > 40 {
			q = q[:37] + `..."`
		}
		return "the string " + q
	case json.Number:
		return "the number " + string(v)
	case bool:
		return strconv.FormatBool(v)
	case nil:
		return "null"
	}
	return fmt.Sprint(tok)
}

// goTypeWords finds encoding/json's Go vocabulary in an error message.
var goTypeWords = regexp.MustCompile(`^json: cannot unmarshal (\w+) into Go (?:struct field \S+|value) of type (\S+)$`)

// plainDecodeError says what a decode error means without Go's type names.
func plainDecodeError(err error) string {
	if err == nil {
		return "not a flowplan plan"
	}
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) {
		what := ute.Value
		if ute.Type != nil {
			where := ""
			if ute.Field != "" {
				where = ute.Field + ": "
			}
			return fmt.Sprintf("%sexpected %s, found %s", where, expectedOf(ute.Type), article(what))
		}
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if m := goTypeWords.FindStringSubmatch(err.Error()); m != nil {
		msg = "expected another kind of value, found " + article(m[1])
	}
	return msg
}

func article(kind string) string {
	switch kind {
	case "object":
		return "an object"
	case "array":
		return "a list"
	case "string", "number":
		return "a " + kind
	case "bool":
		return "true or false"
	}
	return kind
}
