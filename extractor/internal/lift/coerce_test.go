package lift

import (
	"math"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/extractor/internal/value"
)

func TestCoerceStr(t *testing.T) {
	tests := []struct {
		name string
		in   value.Value
		want string
		err  string
	}{
		{"str", str("1 vCPU"), "1 vCPU", ""},
		{"int", i64(1024), "1024", ""},
		{"negative int", i64(-3), "-3", ""},
		{"big int", bigInt("123456789012345678901234567890"), "123456789012345678901234567890", ""},
		{"float", fl(0.5), "0.5", ""},
		{"integral float", fl(2048), "2048.0", ""},
		{"large float", fl(1e16), "1e+16", ""},
		// bool is an int subclass, and str_validator passes ints to str().
		{"bool true", value.Bool(true), "True", ""},
		{"bool false", value.Bool(false), "False", ""},
		{"bytes decoded", value.Bytes("abc"), "abc", ""},
		{"bad bytes", value.Bytes("\xff"), "", "'utf-8' codec can't decode the bytes"},
		{"none", value.None, "", msgNoneNotAllowed},
		{"list", list(str("a")), "", msgStrExpected},
		{"dict", dict(), "", msgStrExpected},
		{"huge int", value.Int{V: new(bigIntT).Exp(bigTen(), bigTen4300(), nil)}, "", "Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, msg := coerceStr(tt.in)
			assert.Equal(t, tt.err, msg)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestCoerceStrictStr(t *testing.T) {
	s, msg := coerceStrictStr(str("base"))
	assert.Equal(t, "base", s)
	assert.Empty(t, msg)
	for _, v := range []value.Value{i64(1), fl(1.5), value.Bool(true), value.Bytes("x")} {
		_, msg := coerceStrictStr(v)
		assert.Equal(t, msgStrExpected, msg, "%#v", v)
	}
	_, msg = coerceStrictStr(value.None)
	assert.Equal(t, msgNoneNotAllowed, msg)
}

func TestCoerceInt(t *testing.T) {
	tests := []struct {
		name string
		in   value.Value
		want string
		err  string
	}{
		{"int", i64(25), "25", ""},
		{"float truncates", fl(20.7), "20", ""},
		{"negative float truncates toward zero", fl(-20.7), "-20", ""},
		{"str", str("25"), "25", ""},
		{"str with spaces and sign", str(" +25\n"), "25", ""},
		{"str with underscores", str("2_5"), "25", ""},
		{"bytes", value.Bytes("30"), "30", ""},
		{"bool", value.Bool(true), "1", ""},
		{"double underscore", str("2__5"), "", msgNotInt},
		{"trailing underscore", str("25_"), "", msgNotInt},
		{"decimal str", str("25.0"), "", msgNotInt},
		{"empty", str(""), "", msgNotInt},
		{"nan", fl(math.NaN()), "", msgNotInt},
		{"inf", fl(math.Inf(1)), "", msgNotInt},
		{"list", list(), "", msgNotInt},
		{"none", value.None, "", msgNoneNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, msg := coerceInt(tt.in)
			assert.Equal(t, tt.err, msg)
			if tt.err == "" {
				require.NotNil(t, got)
				assert.Equal(t, tt.want, got.String())
			}
		})
	}
}

// TestCoerceIntMatchesCPython checks the str forms against Python's int().
func TestCoerceIntMatchesCPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not available")
	}
	inputs := []string{"25", " 25 ", "+7", "-7", "1_000", "_1", "1_", "1__0", "0x10", "010", "00", "1.0", "", " ", "٣", "1e3", "- 1"}
	script := "import sys,json\nfor s in json.load(sys.stdin):\n    try: print(int(s))\n    except ValueError: print('ERR')"
	cmd := exec.Command(py, "-c", script)
	var in strings.Builder
	in.WriteString("[")
	for i, s := range inputs {
		if i > 0 {
			in.WriteString(",")
		}
		in.WriteString(strconv.Quote(s))
	}
	in.WriteString("]")
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	require.NoError(t, err)
	want := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	require.Len(t, want, len(inputs))
	for i, s := range inputs {
		got, msg := coerceInt(str(s))
		if want[i] == "ERR" {
			assert.Equal(t, msgNotInt, msg, "int(%q)", s)
			continue
		}
		if s == "٣" { // Python also reads non-ASCII decimal digits; flowplan refuses them
			assert.Equal(t, msgNotInt, msg)
			continue
		}
		require.Empty(t, msg, "int(%q)", s)
		assert.Equal(t, want[i], got.String(), "int(%q)", s)
	}
}

func TestCoerceBool(t *testing.T) {
	tests := []struct {
		in   value.Value
		want bool
		err  string
	}{
		{value.Bool(true), true, ""},
		{value.Bool(false), false, ""},
		{i64(1), true, ""},
		{i64(0), false, ""},
		{fl(1.0), true, ""},
		{str("Yes"), true, ""},
		{str("on"), true, ""},
		{str("t"), true, ""},
		{str("OFF"), false, ""},
		{str("n"), false, ""},
		{value.Bytes("false"), false, ""},
		{i64(2), false, msgNotBool},
		{str("maybe"), false, msgNotBool},
		{list(), false, msgNotBool},
		{value.None, false, msgNoneNotAllowed},
	}
	for _, tt := range tests {
		got, msg := coerceBool(tt.in)
		assert.Equal(t, tt.err, msg, "%#v", tt.in)
		assert.Equal(t, tt.want, got, "%#v", tt.in)
	}
}

func TestCoerceDict(t *testing.T) {
	d, msg := coerceDict(list(tuple(str("a"), i64(1)), list(str("b"), i64(2)), str("cd"), tuple(str("a"), i64(3))))
	require.Empty(t, msg)
	raw, err := JSON(d)
	require.NoError(t, err)
	assert.JSONEq(t, `{"a":3,"b":2,"c":"d"}`, string(raw))
	assert.Equal(t, `{"a":3,"b":2,"c":"d"}`, string(raw), "dict(pairs) keeps first insertion order")

	// True == 1 == 1.0: one key, the first spelling, the last value.
	d, msg = coerceDict(tuple(tuple(value.Bool(true), str("x")), tuple(i64(1), str("y")), tuple(fl(1), str("z"))))
	require.Empty(t, msg)
	require.Equal(t, 1, d.Len())
	assert.Equal(t, value.Bool(true), d.Keys[0])
	assert.Equal(t, str("z"), d.Vals[0])

	for _, bad := range []value.Value{str("ab"), i64(1), list(tuple(str("a"))), list(tuple(list(), i64(1))), list(str("abc"))} {
		_, msg := coerceDict(bad)
		assert.Equal(t, msgNotDict, msg, "%#v", bad)
	}
	_, msg = coerceDict(&value.Set{Elems: []value.Value{tuple(str("a"), i64(1)), tuple(str("b"), i64(2))}})
	assert.Contains(t, msg, "not known statically")
}

func TestSequenceElems(t *testing.T) {
	for _, v := range []value.Value{list(i64(1)), tuple(i64(1)), &value.Set{Elems: []value.Value{i64(1)}}} {
		elems, msg := sequenceElems(v)
		assert.Empty(t, msg)
		assert.Len(t, elems, 1)
	}
	_, msg := sequenceElems(&value.Set{Elems: []value.Value{str("a"), str("b")}})
	assert.Equal(t, "the order of a set's elements depends on hashing and is not known statically; use a list", msg)
	for _, v := range []value.Value{str("ab"), dict(), i64(1)} {
		_, msg := sequenceElems(v)
		assert.Equal(t, msgNotList, msg)
	}
}
