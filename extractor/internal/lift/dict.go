package lift

import (
	"github.com/flowplan/flowplan/extractor/internal/value"
)

// coerceDict is pydantic v1's dict_validator: a dict as is, otherwise
// Python's dict(v): a pydantic model instance the evaluator resolved gives
// its fields; a list or tuple of pairs (2-element lists, tuples or strings)
// gives those pairs, later keys replacing earlier equal ones in place.
func coerceDict(v value.Value) (*value.Dict, string) {
	switch x := v.(type) {
	case *value.Dict:
		return x, ""
	case *value.Instance:
		if x.Fields != nil {
			return x.Fields, ""
		}
	case *value.List:
		return dictFromPairs(x.Elems)
	case *value.Tuple:
		return dictFromPairs(x.Elems)
	case *value.Set:
		if len(x.Elems) > 1 {
			return nil, "the order of a " + x.TypeName() + "'s elements depends on hashing and is not known statically; use a dict"
		}
		return dictFromPairs(x.Elems)
	case value.NoneType:
		return nil, msgNoneNotAllowed
	}
	return nil, msgNotDict
}

func dictFromPairs(elems []value.Value) (*value.Dict, string) {
	d := &value.Dict{}
	for _, e := range elems {
		var k, v value.Value
		switch p := e.(type) {
		case *value.List:
			if len(p.Elems) != 2 {
				return nil, msgNotDict
			}
			k, v = p.Elems[0], p.Elems[1]
		case *value.Tuple:
			if len(p.Elems) != 2 {
				return nil, msgNotDict
			}
			k, v = p.Elems[0], p.Elems[1]
		case value.Str:
			r := []rune(string(p))
			if len(r) != 2 {
				return nil, msgNotDict
			}
			k, v = value.Str(r[0]), value.Str(r[1])
		default:
			return nil, msgNotDict
		}
		if !hashableKey(k) {
			return nil, msgNotDict
		}
		setItem(d, k, v)
	}
	return d, ""
}

// setItem is d[k] = v: an equal key keeps its place and takes the new value.
func setItem(d *value.Dict, k, v value.Value) {
	for i, old := range d.Keys {
		if eq, _ := value.ScalarEqual(old, k); eq {
			d.Vals[i] = v
			return
		}
	}
	d.Keys = append(d.Keys, k)
	d.Vals = append(d.Vals, v)
}

// hashableKey reports whether k is a key this package can compare: the
// immutable scalars and tuples of them.
func hashableKey(k value.Value) bool {
	switch x := value.Plain(k).(type) {
	case value.NoneType, value.Bool, value.Int, value.Float, value.Str, value.Bytes:
		return true
	case *value.Tuple:
		for _, e := range x.Elems {
			if !hashableKey(e) {
				return false
			}
		}
		return true
	}
	return false
}
