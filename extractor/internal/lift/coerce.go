package lift

import (
	"math"
	"math/big"
	"strings"
	"unicode/utf8"

	"github.com/flowplan/flowplan/extractor/internal/pyfmt"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

// The validators below reproduce pydantic v1.10's (pydantic/validators.py)
// for the field types the deployment models use. Each returns the coerced
// value or the message pydantic would give.

const (
	msgNoneNotAllowed = "none is not an allowed value"
	msgStrExpected    = "str type expected"
	msgNotInt         = "value is not a valid integer"
	msgNotBool        = "value could not be parsed to a boolean"
	msgNotList        = "value is not a valid list"
	msgNotDict        = "value is not a valid dict"
)

// maxStrIntDigits is CPython's default int/str conversion limit (3.11+),
// which pydantic v1.10 also applies.
const maxStrIntDigits = 4300

// coerceStr is pydantic v1's str_validator: str as is; int, float (and bool,
// an int subclass) through Python's str(); bytes decoded as UTF-8.
func coerceStr(v value.Value) (string, string) {
	switch x := v.(type) {
	case value.Str:
		return string(x), ""
	case *value.EnumMember:
		// a str enum member gives its value; an int or float one is
		// converted by str(), which is the member's own str().
		switch x.Mixin {
		case "str":
			return coerceStr(x.Value)
		case "int", "float":
			return x.Str, ""
		}
	case value.Bool:
		if x {
			return "True", ""
		}
		return "False", ""
	case value.Int:
		s := x.V.String()
		if n := len(strings.TrimPrefix(s, "-")); n > maxStrIntDigits {
			return "", "Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit"
		}
		return s, ""
	case value.Float:
		return pyfmt.ReprFloat(float64(x)), ""
	case value.Bytes:
		if !utf8.ValidString(string(x)) {
			return "", "'utf-8' codec can't decode the bytes"
		}
		return string(x), ""
	case value.NoneType:
		return "", msgNoneNotAllowed
	}
	return "", msgStrExpected
}

// coerceStrictStr is pydantic v1's strict_str_validator: only str.
func coerceStrictStr(v value.Value) (string, string) {
	switch x := v.(type) {
	case value.Str:
		return string(x), ""
	case value.NoneType:
		return "", msgNoneNotAllowed
	}
	return "", msgStrExpected
}

// coerceOptionalStr is Optional[str]: None stays nil.
func coerceOptionalStr(v value.Value) (*string, string) {
	if _, ok := v.(value.NoneType); ok {
		return nil, ""
	}
	s, msg := coerceStr(v)
	if msg != "" {
		return nil, msg
	}
	return &s, ""
}

// coerceInt is pydantic v1's int_validator: int as is, otherwise Python's
// int(v): bool gives 0 or 1, a float is truncated toward zero (20.7 -> 20),
// a str or bytes is parsed as a base-10 literal (whitespace and single
// underscores between digits allowed).
func coerceInt(v value.Value) (*big.Int, string) {
	v = value.Plain(v) // int(member) of a mixin enum is int(its value)
	switch x := v.(type) {
	case value.Int:
		return x.V, ""
	case value.Bool:
		if x {
			return big.NewInt(1), ""
		}
		return big.NewInt(0), ""
	case value.Float:
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, msgNotInt
		}
		i, _ := big.NewFloat(math.Trunc(f)).Int(nil)
		return i, ""
	case value.Str:
		return parsePythonInt(string(x))
	case value.Bytes:
		if !utf8.ValidString(string(x)) {
			return nil, msgNotInt
		}
		return parsePythonInt(string(x))
	case value.NoneType:
		return nil, msgNoneNotAllowed
	}
	return nil, msgNotInt
}

// parsePythonInt is int(s) for a str: surrounding whitespace, an optional
// sign, ASCII digits with single underscores between them.
func parsePythonInt(s string) (*big.Int, string) {
	if len(s) > maxStrIntDigits {
		return nil, msgNotInt
	}
	s = strings.TrimSpace(s)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return nil, msgNotInt
	}
	digits := strings.ReplaceAll(s, "_", "")
	for _, r := range digits {
		if r < '0' || r > '9' {
			return nil, msgNotInt
		}
	}
	i, ok := new(big.Int).SetString(digits, 10)
	if !ok {
		return nil, msgNotInt
	}
	if neg {
		i.Neg(i)
	}
	return i, ""
}

// coerceBool is pydantic v1's bool_validator: True/False, or one of
// 0 1 '0' '1' 'off' 'on' 'f' 't' 'false' 'true' 'n' 'y' 'no' 'yes'
// (strings case-insensitively; 0.0 and 1.0 equal 0 and 1).
func coerceBool(v value.Value) (bool, string) {
	v = value.Plain(v) // a mixin enum member compares and lowers as its value
	switch x := v.(type) {
	case value.Bool:
		return bool(x), ""
	case value.Int:
		switch {
		case x.V.Cmp(big.NewInt(1)) == 0:
			return true, ""
		case x.V.Sign() == 0:
			return false, ""
		}
	case value.Float:
		switch float64(x) {
		case 1:
			return true, ""
		case 0:
			return false, ""
		}
	case value.Str, value.Bytes:
		var s string
		if b, ok := x.(value.Bytes); ok {
			s = string(b)
		} else {
			s = string(x.(value.Str))
		}
		switch strings.ToLower(s) {
		case "1", "on", "t", "true", "y", "yes":
			return true, ""
		case "0", "off", "f", "false", "n", "no":
			return false, ""
		}
	case value.NoneType:
		return false, msgNoneNotAllowed
	}
	return false, msgNotBool
}

// sequenceElems is pydantic v1's list shape check (sequence_like): a list,
// tuple, set or frozenset. A set with more than one element is refused: its
// iteration order depends on hashing and cannot be known statically.
func sequenceElems(v value.Value) ([]value.Value, string) {
	switch x := v.(type) {
	case *value.List:
		return x.Elems, ""
	case *value.Tuple:
		return x.Elems, ""
	case *value.Set:
		if len(x.Elems) > 1 {
			return nil, "the order of a " + x.TypeName() + "'s elements depends on hashing and is not known statically; use a list"
		}
		return x.Elems, ""
	case value.NoneType:
		return nil, msgNoneNotAllowed
	}
	return nil, msgNotList
}
