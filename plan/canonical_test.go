package plan

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCanonicalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"scalars", `  1.50 `, "1.50\n"},
		{"empty containers", `{"b":[],"a":{}}`, "{\n  \"a\": {},\n  \"b\": []\n}\n"},
		{"sorted keys, nested", `{"z":{"y":1,"x":[true,null]},"a":"s"}`,
			"{\n  \"a\": \"s\",\n  \"z\": {\n    \"x\": [\n      true,\n      null\n    ],\n    \"y\": 1\n  }\n}\n"},
		{"no html escaping", `"<a href=\"x\">&amp;</a>"`, `"<a href=\"x\">&amp;</a>"` + "\n"},
		{"escapes normalized", `"\u003c\/\u00e9\t\u0001"`, "\"</é\\t\\u0001\"\n"},
		{"line separators escaped", "\"a\u2028b\"", "\"a\\u2028b\"\n"},
		{"keys sorted by decoded text", `{"\u0062":1,"a":2}`, "{\n  \"a\": 2,\n  \"b\": 1\n}\n"},
		{"big numbers kept", `[12345678901234567890123, 1e400]`, "[\n  12345678901234567890123,\n  1e400\n]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Canonicalize([]byte(tt.in))
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
			again, err := Canonicalize(got)
			require.NoError(t, err)
			assert.Equal(t, string(got), string(again), "canonical form is a fixed point")
		})
	}
	for _, bad := range []string{`{"a":1,"a":2}`, `{"a":}`, ``, `[1,]`} {
		_, err := Canonicalize([]byte(bad))
		assert.Error(t, err, bad)
	}
}

func TestCanonicalMatchesEncodingJSON(t *testing.T) {
	// The canonical form holds the same JSON value as its input.
	in := `{"k":["x",{"n":-0.5e3,"s":"\u00fc\ud83d\ude00"}],"a":{"b":{"c":[[]]}}}`
	got, err := Canonicalize([]byte(in))
	require.NoError(t, err)
	var a, b any
	require.NoError(t, json.Unmarshal([]byte(in), &a))
	require.NoError(t, json.Unmarshal(got, &b))
	assert.Equal(t, a, b)
}

func TestSpliceDigestPosition(t *testing.T) {
	_, b := goldenPlan(t, "seed-main")
	var keys []string
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	require.NoError(t, err)
	require.Equal(t, json.Delim('{'), tok)
	for dec.More() {
		k, err := dec.Token()
		require.NoError(t, err)
		keys = append(keys, k.(string))
		var skip json.RawMessage
		require.NoError(t, dec.Decode(&skip))
	}
	assert.IsIncreasing(t, keys)
	assert.Contains(t, keys, "digest")
}

func TestVerifyApproved(t *testing.T) {
	p, _ := goldenPlan(t, "seed-main")
	require.NoError(t, p.VerifyApproved(p.Digest))
	err := p.VerifyApproved("sha256:00")
	require.ErrorIs(t, err, ErrDigestMismatch)
	assert.Contains(t, err.Error(), "not the approved")
}
