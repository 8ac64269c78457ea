package lift

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/flowplan/flowplan/extractor/diag"
	"github.com/flowplan/flowplan/extractor/internal/pyfmt"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

// NotJSONError says which part of a value cannot be turned into JSON, and why.
type NotJSONError struct {
	// Path is the Python subscript path from the converted value to the
	// offending part, e.g. `["dates"][0]`; empty for the value itself.
	Path string
	// Msg says why, in Python's words where Python has them.
	Msg string
	// Unknown is set when the part could not be known statically; it says
	// where and why.
	Unknown *diag.Diagnostic
}

func (e *NotJSONError) Error() string {
	if e.Unknown != nil {
		return e.Unknown.Error()
	}
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

// JSON converts a Python value to JSON as json.dumps would: None, bools,
// ints, floats (Python's repr) and strs as themselves, lists and tuples as
// arrays, dicts as objects in insertion order with str, int, float, bool
// and None keys turned into strings the way json.dumps does. Values that
// json.dumps refuses (sets, bytes, dates, datetimes, timedeltas, model
// instances, functions...) are a *NotJSONError naming the path to the part
// and why; so are NaN and infinities, which json.dumps writes as the
// non-JSON tokens NaN and Infinity. Two keys that become the same string
// (1 and "1") would be written twice by json.dumps; every JSON reader keeps
// the last, so the object holds the first key's place with the last value.
func JSON(v value.Value) (json.RawMessage, error) {
	return encodeJSON(v, false)
}

// jsonableDefault converts a flow parameter's default the way Prefect's
// parameter schema does (pydantic v1's schema encode_default then
// pydantic_encoder): as JSON, plus datetimes and dates as ISO 8601 strings,
// timedeltas as total seconds, sets as arrays, bytes decoded, resolved
// model instances as their field dicts.
func jsonableDefault(v value.Value) (json.RawMessage, error) {
	return encodeJSON(v, true)
}

func encodeJSON(v value.Value, jsonable bool) (json.RawMessage, error) {
	e := jsonEncoder{jsonable: jsonable}
	if err := e.encode(v, ""); err != nil {
		return nil, err
	}
	return json.RawMessage(e.buf.Bytes()), nil
}

type jsonEncoder struct {
	buf      bytes.Buffer
	jsonable bool
}

func (e *jsonEncoder) fail(path, format string, args ...any) error {
	return &NotJSONError{Path: path, Msg: fmt.Sprintf(format, args...)}
}

func (e *jsonEncoder) encode(v value.Value, path string) error {
	switch x := v.(type) {
	case value.NoneType:
		e.buf.WriteString("null")
	case value.Bool:
		e.buf.WriteString(strconv.FormatBool(bool(x)))
	case value.Int:
		e.buf.WriteString(x.V.String())
	case value.Float:
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return e.fail(path, "float %s is not valid JSON (json.dumps would write the non-standard token %s)", pyfmt.ReprFloat(f), jsonFloatKey(f))
		}
		e.buf.WriteString(pyfmt.ReprFloat(f))
	case value.Str:
		e.writeString(string(x))
	case *value.List:
		return e.array(x.Elems, path)
	case *value.Tuple:
		return e.array(x.Elems, path)
	case *value.Dict:
		return e.object(x, path)
	case value.Unknown:
		return &NotJSONError{Path: path, Msg: "value not known statically", Unknown: x.Err}
	case *value.EnumMember:
		// json.dumps writes a str, int or float enum member as that type
		// would (int.__repr__ for an int); pydantic_encoder gives any
		// member's value.
		if x.Mixin != "" || e.jsonable {
			return e.encode(x.Value, path)
		}
		return e.fail(path, "Object of type %s is not JSON serializable (json.dumps raises TypeError)", v.TypeName())
	default:
		if e.jsonable {
			return e.encodeJsonable(v, path)
		}
		return e.fail(path, "Object of type %s is not JSON serializable (json.dumps raises TypeError)", v.TypeName())
	}
	return nil
}

// encodeJsonable handles what pydantic_encoder adds to json.dumps.
func (e *jsonEncoder) encodeJsonable(v value.Value, path string) error {
	switch x := v.(type) {
	case *value.Set:
		if len(x.Elems) > 1 {
			return e.fail(path, "the order of a %s's elements depends on hashing and is not known statically", x.TypeName())
		}
		return e.array(x.Elems, path)
	case value.Datetime:
		e.writeString(isoDatetime(x))
	case value.Date:
		e.writeString(fmt.Sprintf("%04d-%02d-%02d", x.Year, x.Month, x.Day))
	case value.Timedelta:
		e.buf.WriteString(pyfmt.ReprFloat(x.TotalSeconds()))
	case value.Bytes:
		s, msg := coerceStr(x)
		if msg != "" {
			return e.fail(path, "%s", msg)
		}
		e.writeString(s)
	case *value.Instance:
		if x.Fields != nil {
			return e.object(x.Fields, path)
		}
		return e.fail(path, "Object of type %s is not JSON serializable", v.TypeName())
	default:
		return e.fail(path, "Object of type %s is not JSON serializable", v.TypeName())
	}
	return nil
}

func (e *jsonEncoder) array(elems []value.Value, path string) error {
	e.buf.WriteByte('[')
	for i, el := range elems {
		if i > 0 {
			e.buf.WriteByte(',')
		}
		if err := e.encode(el, fmt.Sprintf("%s[%d]", path, i)); err != nil {
			return err
		}
	}
	e.buf.WriteByte(']')
	return nil
}

func (e *jsonEncoder) object(d *value.Dict, path string) error {
	keys := make([]string, 0, d.Len())
	vals := make([]value.Value, 0, d.Len())
	index := map[string]int{}
	for i, k := range d.Keys {
		ks, err := e.key(k, path)
		if err != nil {
			return err
		}
		if j, seen := index[ks]; seen {
			vals[j] = d.Vals[i]
			continue
		}
		index[ks] = len(keys)
		keys = append(keys, ks)
		vals = append(vals, d.Vals[i])
	}
	e.buf.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			e.buf.WriteByte(',')
		}
		e.writeString(k)
		e.buf.WriteByte(':')
		if err := e.encode(vals[i], path+"["+strconv.Quote(k)+"]"); err != nil {
			return err
		}
	}
	e.buf.WriteByte('}')
	return nil
}

// key is json.dumps's key coercion.
func (e *jsonEncoder) key(k value.Value, path string) (string, error) {
	if u, ok := k.(value.Unknown); ok {
		return "", &NotJSONError{Path: path, Msg: "key not known statically", Unknown: u.Err}
	}
	if s, ok := JSONKey(value.Plain(k)); ok {
		return s, nil
	}
	return "", e.fail(path, "keys must be str, int, float, bool or None, not %s (json.dumps raises TypeError)", k.TypeName())
}

// JSONKey is json.dumps's conversion of a dict key to its string: str as
// is, True/False/None as true/false/null, int and float as JSON writes
// them. ok is false for a key json.dumps refuses.
func JSONKey(k value.Value) (string, bool) {
	switch x := k.(type) {
	case value.Str:
		return string(x), true
	case value.Bool:
		return strconv.FormatBool(bool(x)), true
	case value.NoneType:
		return "null", true
	case value.Int:
		return x.V.String(), true
	case value.Float:
		return JSONFloat(float64(x)), true
	}
	return "", false
}

// jsonFloatKey is how json.dumps writes a float: repr, or NaN/Infinity.
func jsonFloatKey(f float64) string { return JSONFloat(f) }

// JSONFloat is how json.dumps writes a float: repr, or NaN/Infinity.
func JSONFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return pyfmt.ReprFloat(f)
}

func (e *jsonEncoder) writeString(s string) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a Go string always encodes
	e.buf.Write(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

// isoDatetime is datetime.isoformat().
func isoDatetime(d value.Datetime) string {
	s := fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02d", d.Year, d.Month, d.Day, d.Hour, d.Minute, d.Second)
	if d.Micro != 0 {
		s += fmt.Sprintf(".%06d", d.Micro)
	}
	if d.TZ != "" {
		s += isoOffset(d.UTCOffsetSeconds)
	}
	return s
}

// isoOffset is the +HH:MM[:SS] suffix of isoformat for a UTC offset.
func isoOffset(secs int) string {
	sign := '+'
	if secs < 0 {
		sign, secs = '-', -secs
	}
	s := fmt.Sprintf("%c%02d:%02d", sign, secs/3600, secs%3600/60)
	if secs%60 != 0 {
		s += fmt.Sprintf(":%02d", secs%60)
	}
	return s
}
