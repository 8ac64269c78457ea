package eval

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/extractor/spec"
)

func tname(n string, args ...spec.TypeExpr) spec.TypeExpr { return spec.TypeExpr{Name: n, Args: args} }

func tlit(k spec.LiteralKind, v string) spec.TypeExpr { return spec.TypeExpr{Literal: k, Value: v} }

func TestReadAnnotation(t *testing.T) {
	tests := []struct {
		src  string
		want spec.TypeExpr
	}{
		{"str", tname("str")},
		{"pd.DataFrame", tname("pd.DataFrame")},
		{"typing.Optional[typing.List[str]]", tname("typing.Optional", tname("typing.List", tname("str")))},
		{"dict[str, int]", tname("dict", tname("str"), tname("int"))},
		{"list[str,]", tname("list", tname("str"))},
		{"int | None", spec.TypeExpr{Union: []spec.TypeExpr{tname("int"), tlit(spec.LiteralNone, "")}}},
		{"int | str | None", spec.TypeExpr{Union: []spec.TypeExpr{tname("int"), tname("str"), tlit(spec.LiteralNone, "")}}},
		{"tuple[int, ...]", tname("tuple", tname("int"), spec.TypeExpr{Ellipsis: true})},
		{"Literal[-1, 0x10, -0, 1_000]", tname("Literal", tlit(spec.LiteralInt, "-1"), tlit(spec.LiteralInt, "16"), tlit(spec.LiteralInt, "0"), tlit(spec.LiteralInt, "1000"))},
		{`Literal['a' "b", 'it\'s', '\x41', True, False]`, tname("Literal", tlit(spec.LiteralStr, "ab"), tlit(spec.LiteralStr, "it's"), tlit(spec.LiteralStr, "A"), tlit(spec.LiteralBool, "True"), tlit(spec.LiteralBool, "False"))},
		{"'str'", tlit(spec.LiteralStr, "str")},
		{"Literal[\n    'a',\n    'b',\n]", tname("Literal", tlit(spec.LiteralStr, "a"), tlit(spec.LiteralStr, "b"))},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			got, why := ReadAnnotation(tt.src)
			require.Empty(t, why)
			assert.Equal(t, tt.want, *got)
		})
	}
}

func TestReadAnnotationRefusals(t *testing.T) {
	tests := []struct{ src, why string }{
		{"Callable[[int], str]", "an expression that is not a type"},
		{"Literal[1.5]", "an expression that is not a type"},
		{"Literal[b'x']", "a bytes literal"},
		{"f()[int]", "an expression that is not a type"},
		{"a + b", "the operator +"},
		{"list[str", "not a Python annotation"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			got, why := ReadAnnotation(tt.src)
			assert.Nil(t, got)
			assert.Equal(t, tt.why, why)
		})
	}
}
