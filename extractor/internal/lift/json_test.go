package lift

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/extractor/diag"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

// Expected texts are json.dumps(v, separators=(",", ":"), ensure_ascii=False)
// from python3.
func TestJSON(t *testing.T) {
	tests := []struct {
		name string
		in   value.Value
		want string
	}{
		{"none", value.None, `null`},
		{"bools", list(value.Bool(true), value.Bool(false)), `[true,false]`},
		{"big int", bigInt("123456789012345678901234567890"), `123456789012345678901234567890`},
		{"floats", list(fl(0.5), fl(1e16), fl(1e-5), fl(2), fl(math.Copysign(0, -1))), `[0.5,1e+16,1e-05,2.0,-0.0]`},
		{"str escapes", str("a\"b\\c\n<&>é"), `"a\"b\\c\n<&>é"`},
		{"tuple is array", tuple(i64(1), tuple()), `[1,[]]`},
		{"dict keeps order", dict(str("z"), i64(1), str("a"), i64(2)), `{"z":1,"a":2}`},
		{"keys coerced", dict(i64(1), str("i"), fl(2.5), str("f"), value.Bool(false), str("t"), value.None, str("n"), fl(math.Inf(1)), str("inf")),
			`{"1":"i","2.5":"f","false":"t","null":"n","Infinity":"inf"}`},
		{"nested", dict(str("a"), list(dict(str("b"), value.None))), `{"a":[{"b":null}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := JSON(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
		})
	}
}

// json.dumps({1: "a", "1": "b"}) writes the key twice; every reader keeps
// the last value, which JSON gives in the first key's place.
func TestJSONMergesKeysThatBecomeEqual(t *testing.T) {
	got, err := JSON(dict(i64(1), str("a"), str("x"), i64(0), str("1"), str("b")))
	require.NoError(t, err)
	assert.Equal(t, `{"1":"b","x":0}`, string(got))
}

func TestJSONErrors(t *testing.T) {
	unknown := &diag.Diagnostic{Pos: at(9, 4), Severity: diag.SeverityError, Msg: "call of unknown function load()"}
	tests := []struct {
		name string
		in   value.Value
		want string
	}{
		{"set", dict(str("tags"), &value.Set{Elems: []value.Value{str("a")}}), `["tags"]: Object of type set is not JSON serializable (json.dumps raises TypeError)`},
		{"frozenset", list(&value.Set{Frozen: true}), `[0]: Object of type frozenset is not JSON serializable (json.dumps raises TypeError)`},
		{"datetime", dict(str("start"), value.Datetime{Year: 2023, Month: 1, Day: 2}), `["start"]: Object of type datetime is not JSON serializable (json.dumps raises TypeError)`},
		{"date", value.Date{Year: 2023, Month: 1, Day: 2}, `Object of type date is not JSON serializable (json.dumps raises TypeError)`},
		{"timedelta", list(value.Timedelta{Days: 1}), `[0]: Object of type timedelta is not JSON serializable (json.dumps raises TypeError)`},
		{"bytes", value.Bytes("x"), `Object of type bytes is not JSON serializable (json.dumps raises TypeError)`},
		{"instance", list(call(value.ClassCronSchedule, 1, 1)), `[0]: Object of type CronSchedule is not JSON serializable (json.dumps raises TypeError)`},
		{"nan", dict(str("a"), list(fl(math.NaN()))), `["a"][0]: float nan is not valid JSON (json.dumps would write the non-standard token NaN)`},
		{"infinity", fl(math.Inf(-1)), `float -inf is not valid JSON (json.dumps would write the non-standard token -Infinity)`},
		{"tuple key", dict(tuple(i64(1)), i64(2)), `keys must be str, int, float, bool or None, not tuple (json.dumps raises TypeError)`},
		{"unknown", dict(str("a"), value.Unknown{Err: unknown}), unknown.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := JSON(tt.in)
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}

// Flow parameter defaults go into Prefect's parameter schema through
// pydantic's encoder, which knows more types than json.dumps.
func TestJSONableDefault(t *testing.T) {
	tests := []struct {
		name string
		in   value.Value
		want string
	}{
		{"datetime naive", value.Datetime{Year: 2023, Month: 1, Day: 2, Hour: 3, Minute: 4, Second: 5, Micro: 6}, `"2023-01-02T03:04:05.000006"`},
		{"datetime aware", value.Datetime{Year: 2023, Month: 1, Day: 2, TZ: "America/New_York", UTCOffsetSeconds: -5 * 3600}, `"2023-01-02T00:00:00-05:00"`},
		{"date", value.Date{Year: 2023, Month: 1, Day: 2}, `"2023-01-02"`},
		{"timedelta", value.Timedelta{Days: 1, Seconds: 1, Microseconds: 500000}, `86401.5`},
		{"set of one", &value.Set{Elems: []value.Value{str("a")}}, `["a"]`},
		{"bytes", value.Bytes("ab"), `"ab"`},
		{"local model", &value.Instance{Class: &value.Class{ID: "local:m.M", Name: "M"}, Fields: dict(str("x"), i64(1))}, `{"x":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := jsonableDefault(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
		})
	}
	_, err := jsonableDefault(&value.Set{Elems: []value.Value{str("a"), str("b")}})
	assert.EqualError(t, err, "the order of a set's elements depends on hashing and is not known statically")
}
