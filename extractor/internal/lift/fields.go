package lift

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"

	"github.com/flowplan/flowplan/extractor/internal/pyfmt"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

// The field helpers validate one field of model m from args (as bound by
// fieldArgs), report what is wrong at the argument, and return the value
// with the default filled in when the field was not given. ok is false when
// an error was reported.

func (l *lifter) fieldError(m model, a arg, msg string) {
	got := ""
	if msg != msgNoneNotAllowed {
		got = " (got " + typeName(a.val) + ")"
	}
	l.errorf(a, "%s.%s: %s%s", m.name, a.name, msg, got)
}

// str is a pydantic `str` field.
func (l *lifter) str(m model, args map[string]arg, field, def string) (string, bool) {
	a, given := args[field]
	if !given {
		return def, true
	}
	if !l.known(a) {
		return "", false
	}
	s, msg := coerceStr(a.val)
	if msg != "" {
		l.fieldError(m, a, msg)
		return "", false
	}
	return s, true
}

// strictStr is a pydantic `StrictStr` field: only a str is accepted.
func (l *lifter) strictStr(m model, args map[string]arg, field string) (string, bool) {
	a, given := args[field]
	if !given {
		return "", true
	}
	if !l.known(a) {
		return "", false
	}
	s, msg := coerceStrictStr(a.val)
	if msg != "" {
		l.fieldError(m, a, msg)
		return "", false
	}
	return s, true
}

// optionalStr is an `Optional[str] = None` field.
func (l *lifter) optionalStr(m model, args map[string]arg, field string) (*string, bool) {
	a, given := args[field]
	if !given {
		return nil, true
	}
	if !l.known(a) {
		return nil, false
	}
	s, msg := coerceOptionalStr(a.val)
	if msg != "" {
		l.fieldError(m, a, msg)
		return nil, false
	}
	return s, true
}

// boolean is a pydantic `bool` field.
func (l *lifter) boolean(m model, args map[string]arg, field string, def bool) (bool, bool) {
	a, given := args[field]
	if !given {
		return def, true
	}
	if !l.known(a) {
		return false, false
	}
	b, msg := coerceBool(a.val)
	if msg != "" {
		l.fieldError(m, a, msg)
		return false, false
	}
	return b, true
}

// conint is `conint(gt=gt, lt=lt)` with a default.
func (l *lifter) conint(m model, args map[string]arg, field string, gt, lt, def int64) (int, bool) {
	a, given := args[field]
	if !given {
		return int(def), true
	}
	if !l.known(a) {
		return 0, false
	}
	i, msg := coerceInt(a.val)
	switch {
	case msg != "":
	case i.Cmp(big.NewInt(gt)) <= 0:
		msg = fmt.Sprintf("ensure this value is greater than %d", gt)
	case i.Cmp(big.NewInt(lt)) >= 0:
		msg = fmt.Sprintf("ensure this value is less than %d", lt)
	}
	if msg != "" {
		l.errorf(a, "%s.%s: %s (got %s)", m.name, field, msg, a.src)
		return 0, false
	}
	return int(i.Int64()), true
}

// list is a `list[...]` field: it returns the elements, each as an arg
// positioned at the list argument.
func (l *lifter) list(m model, args map[string]arg, field string) ([]arg, bool) {
	a, given := args[field]
	if !given {
		return nil, true
	}
	if !l.known(a) {
		return nil, false
	}
	elems, msg := sequenceElems(a.val)
	if msg != "" {
		l.fieldError(m, a, msg)
		return nil, false
	}
	out := make([]arg, len(elems))
	for i, e := range elems {
		out[i] = elemArg(a, i, e)
	}
	return out, true
}

// elemArg is element i of the list argument a. An element that is a model
// call carries its own position.
func elemArg(a arg, i int, e value.Value) arg {
	el := arg{name: fmt.Sprintf("%s[%d]", a.name, i), val: e, pos: a.pos, src: a.src}
	if inst, ok := e.(*value.Instance); ok && inst.Pos.IsValid() {
		el.pos, el.src = inst.Pos, inst.Src
	}
	return el
}

// strList is a `list[str]` field.
func (l *lifter) strList(m model, args map[string]arg, field string) ([]string, bool) {
	elems, ok := l.list(m, args, field)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(elems))
	for _, e := range elems {
		if !l.known(e) {
			ok = false
			continue
		}
		s, msg := coerceStr(e.val)
		if msg != "" {
			l.fieldError(m, e, msg)
			ok = false
			continue
		}
		out = append(out, s)
	}
	return out, ok
}

// jsonDict is a `dict` or `dict[str, Any]` field whose value is sent to
// Prefect as JSON: it must be JSON-serializable, which the original only
// found out at deploy time. strKeys applies pydantic's str coercion to the
// keys (dict[str, Any]); a plain `dict` keeps them and json.dumps coerces.
func (l *lifter) jsonDict(m model, args map[string]arg, field string, strKeys bool) (json.RawMessage, bool) {
	a, given := args[field]
	if !given {
		return json.RawMessage("{}"), true
	}
	if !l.known(a) {
		return nil, false
	}
	d, msg := coerceDict(a.val)
	if msg != "" {
		l.fieldError(m, a, msg)
		return nil, false
	}
	if strKeys {
		coerced := &value.Dict{}
		for i, k := range d.Keys {
			if u, ok := k.(value.Unknown); ok {
				l.diags.Add(u.Err)
				return nil, false
			}
			ks, msg := coerceStr(k)
			if msg != "" {
				l.errorf(a, "%s.%s: key %s: %s (got %s)", m.name, field, shortRepr(k), msg, k.TypeName())
				return nil, false
			}
			setItem(coerced, value.Str(ks), d.Vals[i])
		}
		d = coerced
	}
	raw, err := JSON(d)
	if err != nil {
		l.jsonError(m, a, err)
		return nil, false
	}
	return raw, true
}

// jsonError reports a value that cannot be sent as JSON.
func (l *lifter) jsonError(m model, a arg, err error) {
	var nj *NotJSONError
	if errors.As(err, &nj) && nj.Unknown != nil {
		l.diags.Add(nj.Unknown)
		return
	}
	l.errorf(a, "%s.%s%s: not JSON-serializable, so Prefect cannot store it: %s", m.name, a.name, pathOf(nj), msgOf(nj, err))
}

func pathOf(nj *NotJSONError) string {
	if nj == nil {
		return ""
	}
	return nj.Path
}

func msgOf(nj *NotJSONError, err error) string {
	if nj == nil {
		return err.Error()
	}
	return nj.Msg
}

// shortRepr shows a scalar key in messages.
func shortRepr(k value.Value) string {
	switch x := k.(type) {
	case value.Str:
		return fmt.Sprintf("%q", string(x))
	case value.Int:
		return x.V.String()
	case value.Float:
		return pyfmt.ReprFloat(float64(x))
	case value.Bool:
		if x {
			return "True"
		}
		return "False"
	case value.NoneType:
		return "None"
	}
	return "of type " + k.TypeName()
}
