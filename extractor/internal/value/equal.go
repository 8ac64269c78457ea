package value

import (
	"math"
	"math/big"
)

// Python's == and number comparison for the scalar values, shared by the
// evaluator and the lift so that both follow one rule.

// AsInt is v as an integer when it is an int or a bool (True is 1).
func AsInt(v Value) (*big.Int, bool) {
	switch x := v.(type) {
	case Int:
		return x.V, true
	case Bool:
		if x {
			return big.NewInt(1), true
		}
		return big.NewInt(0), true
	}
	return nil, false
}

// CompareIntFloat compares an int with a float exactly, as Python does
// (no rounding of the int): -1, 0 or 1, or 2 when f is NaN (unordered).
func CompareIntFloat(i *big.Int, f float64) int {
	switch {
	case math.IsNaN(f):
		return 2
	case math.IsInf(f, 1):
		return -1
	case math.IsInf(f, -1):
		return 1
	}
	fr := new(big.Rat)
	fr.SetFloat64(f)
	return new(big.Rat).SetInt(i).Cmp(fr)
}

// ScalarEqual is Python's a == b when both are None, bool, int, float,
// str, bytes, or tuples of those (a str, int or float enum member counting
// as its value): numbers compare by value across types
// (True == 1 == 1.0), NaN equals nothing. ok is false when either side
// (or an element of a tuple) is of another type, whose == the caller
// decides.
func ScalarEqual(a, b Value) (eq, ok bool) {
	a, b = Plain(a), Plain(b) // a mixin enum member compares as its value
	if x, isInt := AsInt(a); isInt {
		switch y := b.(type) {
		case Int, Bool:
			yi, _ := AsInt(y)
			return x.Cmp(yi) == 0, true
		case Float:
			return CompareIntFloat(x, float64(y)) == 0, true
		}
		return false, isScalar(b)
	}
	if x, isFloat := a.(Float); isFloat {
		switch y := b.(type) {
		case Int, Bool:
			yi, _ := AsInt(y)
			return CompareIntFloat(yi, float64(x)) == 0, true
		case Float:
			return x == y, true
		}
		return false, isScalar(b)
	}
	switch x := a.(type) {
	case NoneType:
		_, same := b.(NoneType)
		return same, isScalar(b)
	case Str:
		y, same := b.(Str)
		return same && x == y, isScalar(b)
	case Bytes:
		y, same := b.(Bytes)
		return same && x == y, isScalar(b)
	case *Tuple:
		y, isTuple := b.(*Tuple)
		if !isTuple {
			return false, isScalar(b)
		}
		if len(x.Elems) != len(y.Elems) {
			return false, isScalar(a) && isScalar(b)
		}
		for i := range x.Elems {
			e, ok := ScalarEqual(x.Elems[i], y.Elems[i])
			if !ok {
				return false, false
			}
			if !e {
				return false, isScalar(a) && isScalar(b)
			}
		}
		return true, true
	}
	return false, false
}

// isScalar tells the values ScalarEqual decides for.
func isScalar(v Value) bool {
	switch x := v.(type) {
	case NoneType, Bool, Int, Float, Str, Bytes:
		return true
	case *Tuple:
		for _, e := range x.Elems {
			if !isScalar(e) {
				return false
			}
		}
		return true
	}
	return false
}
