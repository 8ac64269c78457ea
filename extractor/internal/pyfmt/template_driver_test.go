package pyfmt

import (
	"fmt"
	"sort"
)

// templateValue is a typed Python value as testdata/gen.py encodes it for
// str.format cases.
type templateValue struct {
	percentArg
	List []templateValue          `json:"list"`
	Dict map[string]templateValue `json:"dict"`
}

type templateArgs struct {
	Args   []templateValue          `json:"args"`
	Kwargs map[string]templateValue `json:"kwargs"`
}

func (v templateValue) typeName() string {
	switch {
	case v.List != nil:
		return "list"
	case v.Dict != nil:
		return "dict"
	}
	return v.percentArg.typeName()
}

// templateDriver is the loop the evaluator runs for template.format(*args,
// **kwargs), over the test's own value model, in CPython's order.
func templateDriver(template string, a templateArgs) (string, error) {
	var auto AutoNumber
	return renderTemplate(template, a, &auto, 2)
}

func renderTemplate(template string, a templateArgs, auto *AutoNumber, depth int) (string, error) {
	if depth <= 0 {
		return "", RecursionError()
	}
	pieces, parseErr := ParseTemplate(template)
	var out []byte
	for _, p := range pieces {
		if p.Field == nil {
			out = append(out, p.Literal...)
			continue
		}
		s, err := renderField(p.Field, a, auto, depth)
		if err != nil {
			return "", err
		}
		out = append(out, s...)
	}
	if parseErr != nil {
		return "", parseErr
	}
	return string(out), nil
}

func renderField(f *TemplateField, a templateArgs, auto *AutoNumber, depth int) (string, error) {
	ref, err := auto.SplitFieldName(f.Name)
	if err != nil {
		return "", err
	}
	var v templateValue
	if ref.Index >= 0 {
		if ref.Index >= len(a.Args) {
			return "", &Error{Type: "IndexError", Msg: fmt.Sprintf("Replacement index %d out of range for positional args tuple", ref.Index)}
		}
		v = a.Args[ref.Index]
	} else {
		var ok bool
		if v, ok = a.Kwargs[ref.First]; !ok {
			return "", &Error{Type: "KeyError", Msg: ReprStr(ref.First)}
		}
	}
	for _, acc := range ref.Rest {
		switch {
		case acc.Attr:
			return "", &Error{Type: "AttributeError", Msg: fmt.Sprintf("'%s' object has no attribute %s", v.typeName(), ReprStr(acc.Name))}
		case v.List != nil:
			if acc.Index < 0 {
				return "", typeError("list indices must be integers or slices, not str")
			}
			if acc.Index >= len(v.List) {
				return "", &Error{Type: "IndexError", Msg: "list index out of range"}
			}
			v = v.List[acc.Index]
		case v.Dict != nil:
			next, ok := v.Dict[acc.Name]
			if !ok || acc.Index >= 0 {
				return "", &Error{Type: "KeyError", Msg: ReprStr(acc.Name)}
			}
			v = next
		default:
			return "", typeError("'%s' object is not subscriptable", v.typeName())
		}
	}
	if ref.RestErr != nil {
		return "", ref.RestErr
	}
	if f.Conversion != 0 {
		if err := ConversionError(f.Conversion); err != nil {
			return "", err
		}
		text := v.str()
		switch f.Conversion {
		case 'r':
			text = v.repr()
		case 'a':
			if v.Str != nil {
				text = ASCII(*v.Str)
			}
		}
		v = templateValue{percentArg: percentArg{Str: &text}}
	}
	spec := f.Spec
	if f.SpecHasFields {
		if spec, err = renderTemplate(spec, a, auto, depth-1); err != nil {
			return "", err
		}
	}
	switch {
	case v.Bool != nil:
		return FormatBool(*v.Bool, spec)
	case v.Int != nil:
		return FormatInt(v.bigInt(), spec)
	case v.Float != nil:
		return FormatFloat(v.float(), spec)
	case v.Str != nil:
		return FormatStr(*v.Str, spec)
	}
	return "", fmt.Errorf("the test driver does not format %s values (keys %v)", v.typeName(), sortedKeys(v.Dict))
}

func sortedKeys(m map[string]templateValue) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
