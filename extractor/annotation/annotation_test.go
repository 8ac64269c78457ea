package annotation

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/extractor/spec"
)

func name(n string, args ...spec.TypeExpr) spec.TypeExpr { return spec.TypeExpr{Name: n, Args: args} }

func lit(k spec.LiteralKind, v string) spec.TypeExpr { return spec.TypeExpr{Literal: k, Value: v} }

func TestParse(t *testing.T) {
	tests := []struct {
		src  string
		want spec.TypeExpr
	}{
		{"str", name("str")},
		{"pd.DataFrame", name("pd.DataFrame")},
		{"typing.Optional[typing.List[str]]", name("typing.Optional", name("typing.List", name("str")))},
		{"dict[str, int]", name("dict", name("str"), name("int"))},
		{"list[str,]", name("list", name("str"))},
		{"int | None", spec.TypeExpr{Union: []spec.TypeExpr{name("int"), lit(spec.LiteralNone, "")}}},
		{"tuple[int, ...]", name("tuple", name("int"), spec.TypeExpr{Ellipsis: true})},
		{"Literal[-1, 0x10, -0, 1_000]", name("Literal", lit(spec.LiteralInt, "-1"), lit(spec.LiteralInt, "16"), lit(spec.LiteralInt, "0"), lit(spec.LiteralInt, "1000"))},
		{`Literal['a' "b", 'it\'s', True, False]`, name("Literal", lit(spec.LiteralStr, "ab"), lit(spec.LiteralStr, "it's"), lit(spec.LiteralBool, "True"), lit(spec.LiteralBool, "False"))},
		{"'str'", lit(spec.LiteralStr, "str")},
		{"Literal[\n    'a',\n    'b',\n]", name("Literal", lit(spec.LiteralStr, "a"), lit(spec.LiteralStr, "b"))},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			got, err := Parse(tt.src)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ src, wantErr string }{
		{"Callable[[int], str]", `unexpected "["`},
		{"Literal[1.5]", "number 1.5 in an annotation is not an integer"},
		{"Literal[01]", "invalid integer literal 01"},
		{"Literal[b'x']", "prefixed string literal b…"},
		{"Literal['''x''']", "triple-quoted string"},
		{`Literal['\x41']`, `string escape \x`},
		{"list[str", `expected ] in subscript, got ""`},
		{"str int", `unexpected "int"`},
		{"", "unexpected end of annotation"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			_, err := Parse(tt.src)
			assert.EqualError(t, err, tt.wantErr)
		})
	}
}

func TestRead(t *testing.T) {
	typ, why := Read("")
	assert.Nil(t, typ)
	assert.Empty(t, why, "no annotation is not an error")

	typ, why = Read("list[int]")
	require.NotNil(t, typ)
	assert.Equal(t, name("list", name("int")), *typ)
	assert.Empty(t, why)

	typ, why = Read("Callable[[int], str]")
	assert.Nil(t, typ)
	assert.Equal(t, `unexpected "["`, why)
}

// BenchmarkReadCorpusSignature reads the annotations of the benchmark
// corpus's flow signature (bench/corpus): what lifting one flow of
// BenchmarkExtractCorpus adds for the planner's types.
func BenchmarkReadCorpusSignature(b *testing.B) {
	for b.Loop() {
		for _, src := range []string{"str", "list[str]", "bool", "int | None"} {
			if t, why := Read(src); t == nil {
				b.Fatal(why)
			}
		}
	}
}
