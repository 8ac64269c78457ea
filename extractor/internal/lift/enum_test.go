package lift

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/extractor/internal/value"
)

// enumMember builds a member of a project enum class as the evaluator does.
func enumMember(class, name, mixin string, v value.Value, str string) *value.EnumMember {
	return &value.EnumMember{Class: &value.Class{ID: "local:m." + class, Name: class, Module: "m"}, Name: name, Value: v, Mixin: mixin, Str: str}
}

// Expected texts are json.dumps (JSON) and pydantic v1's encode_default
// (jsonableDefault) of the same members in python3, e.g.
// `class Kind(str, Enum): a = "x"`.
func TestJSONEnumMembers(t *testing.T) {
	kind := enumMember("Kind", "a", "str", str("x"), "Kind.a")
	feed := enumMember("Feed", "en_US", "int", i64(1), "Feed.en_US")
	half := enumMember("Ratio", "half", "float", fl(0.5), "Ratio.half")
	cadence := enumMember("Cadence", "daily", "", str("0 6 * * *"), "Cadence.daily")
	many := enumMember("Sets", "many", "", &value.Set{Frozen: true, Elems: []value.Value{i64(1), i64(2)}}, "Sets.many")

	tests := []struct {
		name     string
		in       value.Value
		jsonable bool
		want     string
		wantErr  string
	}{
		{"str member is its value", list(kind, feed, half), false, `["x",1,0.5]`, ""},
		{"member keys", dict(kind, i64(1), feed, i64(2), half, i64(3)), false, `{"x":1,"1":2,"0.5":3}`, ""},
		{"plain member is not JSON", dict(str("c"), cadence), false, "", `["c"]: Object of type Cadence is not JSON serializable (json.dumps raises TypeError)`},
		{"plain member key is not JSON", dict(cadence, i64(1)), false, "", "keys must be str, int, float, bool or None, not Cadence"},
		{"schema default: plain member is its value", list(cadence, kind), true, `["0 6 * * *","x"]`, ""},
		{"schema default: the value must fit too", many, true, "", "the order of a frozenset's elements depends on hashing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := encodeJSON(tt.in, tt.jsonable)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
		})
	}
}

// pydantic v1's validators given enum members (python3: str_validator(m),
// int_validator(m), bool_validator(m)).
func TestCoerceEnumMembers(t *testing.T) {
	kind := enumMember("Kind", "a", "str", str("5"), "Kind.a")
	feed := enumMember("Feed", "en_US", "int", i64(1), "Feed.en_US")
	intEnum := enumMember("Level", "low", "int", i64(1), "1") // an IntEnum: str() is the value's
	color := enumMember("Color", "red", "", i64(1), "Color.red")

	s, msg := coerceStr(kind)
	assert.Equal(t, "5", s, msg)
	s, msg = coerceStr(feed)
	assert.Equal(t, "Feed.en_US", s, msg)
	s, msg = coerceStr(intEnum)
	assert.Equal(t, "1", s, msg)
	_, msg = coerceStr(color)
	assert.Equal(t, msgStrExpected, msg)
	_, msg = coerceStrictStr(kind) // strict_str_validator refuses str enums
	assert.Equal(t, msgStrExpected, msg)

	i, msg := coerceInt(kind)
	require.Empty(t, msg)
	assert.Equal(t, int64(5), i.Int64())
	i, msg = coerceInt(feed)
	require.Empty(t, msg)
	assert.Equal(t, int64(1), i.Int64())
	_, msg = coerceInt(color)
	assert.Equal(t, msgNotInt, msg)

	b, msg := coerceBool(feed)
	assert.True(t, b, msg)
	_, msg = coerceBool(color)
	assert.Equal(t, msgNotBool, msg)
}
