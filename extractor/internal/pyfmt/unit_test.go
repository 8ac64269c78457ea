package pyfmt

import (
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const printablePath = "testdata/printable.json"

// TestPrintableMatchesPython compares IsPrintable with Python's
// str.isprintable for every code point. The two may only disagree on code
// points the Python that wrote the table had not yet assigned (category Cn),
// because Go's Unicode tables can be newer.
func TestPrintableMatchesPython(t *testing.T) {
	if *update {
		out, err := exec.Command("python3", filepath.Join("testdata", "gen.py"), "printable").Output()
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(printablePath, out, 0o644))
	}
	data, err := os.ReadFile(printablePath)
	require.NoError(t, err)
	var table struct {
		Unprintable [][2]rune `json:"unprintable"`
		Unassigned  [][2]rune `json:"unassigned"`
	}
	require.NoError(t, json.Unmarshal(data, &table))
	require.NotEmpty(t, table.Unprintable)
	in := func(ranges [][2]rune, r rune) bool {
		for _, rg := range ranges {
			if r >= rg[0] && r <= rg[1] {
				return true
			}
		}
		return false
	}
	mismatches := 0
	for r := rune(0); r <= 0x10FFFF; r++ {
		want := !in(table.Unprintable, r)
		if IsPrintable(r) != want {
			mismatches++
			require.True(t, in(table.Unassigned, r), "U+%04X: IsPrintable=%v, Python says %v", r, !want, want)
		}
	}
	t.Logf("%d code points differ, all unassigned in Python's Unicode version", mismatches)
}

// Lone surrogates cannot travel through the JSON golden file; the expected
// values below were computed with python3 (repr('\ud800x'), ascii('\udfff'),
// format('\ud800', '>3').encode('utf-8', 'surrogatepass')).
func TestSurrogates(t *testing.T) {
	const hi = "\xed\xa0\x80" // '\ud800' in generalized UTF-8
	assert.Equal(t, `'\ud800x'`, ReprStr(hi+"x"))
	assert.Equal(t, `'\udfff'`, ASCII("\xed\xbf\xbf"))
	assert.Equal(t, 2, RuneCount(hi+"x"))
	got, err := FormatStr(hi, ">3")
	require.NoError(t, err)
	assert.Equal(t, "  "+hi, got)
	got, err = FormatStr("ab", hi+"<4")
	require.NoError(t, err)
	assert.Equal(t, "ab"+hi+hi, got)
}

func TestLimits(t *testing.T) {
	tests := []struct {
		name string
		run  func() (string, error)
	}{
		{"int width", func() (string, error) { return FormatInt(big.NewInt(1), "2000000") }},
		{"float precision", func() (string, error) { return FormatFloat(1, ".2000000f") }},
		{"str width", func() (string, error) { return FormatStr("x", "^9999999") }},
		{"percent star width", func() (string, error) {
			c := &PercentConv{Width: -1, Prec: -1, Verb: 's'}
			c.SetWidth(-(MaxWidth + 1))
			return c.PercentStr("x")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.run()
			var pe *Error
			require.True(t, errors.As(err, &pe), "want a limit error, got %v", err)
			assert.Equal(t, LimitExceeded, pe.Type)
		})
	}
	got, err := FormatInt(big.NewInt(1), ">1048576")
	require.NoError(t, err, "MaxWidth itself is allowed")
	assert.Len(t, got, MaxWidth)
}

func TestParseSpec(t *testing.T) {
	tests := []struct {
		spec, typeName string
		want           Spec
		err            string
	}{
		{"", "int", Spec{Fill: ' ', Align: '>', Width: -1, Precision: -1, Type: 'd'}, ""},
		{"*^+z#012_.3f", "float", Spec{Fill: '*', FillSet: true, Align: '^', AlignSet: true, Sign: '+', NoNegZero: true,
			Alternate: true, Width: 12, Grouping: '_', Precision: 3, Type: 'f'}, ""},
		{"010", "float", Spec{Fill: '0', Align: '=', Width: 10, Precision: -1}, ""},
		{"010", "str", Spec{Fill: '0', Align: '<', Width: 10, Precision: -1, Type: 's'}, ""},
		{"é<5", "str", Spec{Fill: 'é', FillSet: true, Align: '<', AlignSet: true, Width: 5, Precision: -1, Type: 's'}, ""},
		{"_b", "bool", Spec{Fill: ' ', Align: '>', Width: -1, Grouping: '_', Precision: -1, Type: 'b'}, ""},
		{"5", "list", Spec{}, "TypeError: pyfmt has no format defaults for type 'list'"},
		{"ab", "float", Spec{}, "ValueError: Invalid format specifier 'ab' for object of type 'float'"},
	}
	for _, tt := range tests {
		t.Run(tt.typeName+"/"+tt.spec, func(t *testing.T) {
			got, err := ParseSpec(tt.spec, tt.typeName)
			if tt.err != "" {
				require.EqualError(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParsePercent(t *testing.T) {
	conv := func(c PercentConv) PercentPiece { return PercentPiece{Conv: &c} }
	tests := []struct {
		format string
		want   []PercentPiece
		err    string
	}{
		{"plain", []PercentPiece{{Literal: "plain"}}, ""},
		{"100%% é%(k(x))-#5.2lf|", []PercentPiece{
			{Literal: "100% é"},
			conv(PercentConv{MappingKey: "k(x)", HasKey: true, LeftAdjust: true, Alternate: true, Width: 5, Prec: 2, Verb: 'f', Index: 20}),
			{Literal: "|"},
		}, ""},
		{"%*.*d%+ 0s", []PercentPiece{
			conv(PercentConv{Width: -1, StarWidth: true, Prec: 0, StarPrec: true, Verb: 'd', Index: 4}),
			conv(PercentConv{Plus: true, Blank: true, Zero: true, Width: -1, Prec: -1, Verb: 's', Index: 9}),
		}, ""},
		{"%.d", []PercentPiece{conv(PercentConv{Width: -1, Prec: 0, Verb: 'd', Index: 2})}, ""},
		{"a%sb%5", []PercentPiece{{Literal: "a"}, conv(PercentConv{Width: -1, Prec: -1, Verb: 's', Index: 2}), {Literal: "b"}},
			"ValueError: incomplete format"},
		{"%(a", nil, "ValueError: incomplete format key"},
		{"%99999999999999999999d", nil, "ValueError: width too big"},
		{"%.3000000000d", nil, "ValueError: precision too big"},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			got, err := ParsePercent(tt.format)
			if tt.err != "" {
				require.EqualError(t, err, tt.err)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestPercentVerbError(t *testing.T) {
	c := &PercentConv{Verb: 'é', Index: 3}
	require.EqualError(t, c.VerbError(), "ValueError: unsupported format character '?' (0xe9) at index 3")
	c.Verb = 'y'
	require.EqualError(t, c.VerbError(), "ValueError: unsupported format character 'y' (0x79) at index 3")
	c.Verb = 'X'
	require.NoError(t, c.VerbError())
}

func TestParseTemplate(t *testing.T) {
	field := func(f TemplateField) TemplatePiece { return TemplatePiece{Field: &f} }
	tests := []struct {
		template string
		want     []TemplatePiece
		err      string
	}{
		{"a{{b}}c", []TemplatePiece{{Literal: "a{b}c"}}, ""},
		{"x{0.attr[k]!r:>{w}}y", []TemplatePiece{
			{Literal: "x"},
			field(TemplateField{Name: "0.attr[k]", Conversion: 'r', Spec: ">{w}", SpecHasFields: true}),
			{Literal: "y"},
		}, ""},
		{"{a[}]}", []TemplatePiece{field(TemplateField{Name: "a[}]"})}, ""},
		{"ok{}{", []TemplatePiece{{Literal: "ok"}, field(TemplateField{})}, "ValueError: Single '{' encountered in format string"},
	}
	for _, tt := range tests {
		t.Run(tt.template, func(t *testing.T) {
			got, err := ParseTemplate(tt.template)
			if tt.err != "" {
				require.EqualError(t, err, tt.err)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestSplitFieldName(t *testing.T) {
	var auto AutoNumber
	ref, err := auto.SplitFieldName("")
	require.NoError(t, err)
	assert.Equal(t, FieldRef{Index: 0}, ref)
	ref, err = auto.SplitFieldName("[2].x[key]")
	require.NoError(t, err)
	assert.Equal(t, FieldRef{Index: 1, Rest: []FieldAccess{{Name: "2", Index: 2}, {Attr: true, Name: "x", Index: -1}, {Name: "key", Index: -1}}}, ref)
	ref, err = auto.SplitFieldName("kw.a.")
	require.NoError(t, err, "a keyword name does not touch the numbering")
	assert.Equal(t, "kw", ref.First)
	assert.Equal(t, -1, ref.Index)
	assert.Equal(t, []FieldAccess{{Attr: true, Name: "a", Index: -1}}, ref.Rest)
	require.EqualError(t, ref.RestErr, "ValueError: Empty attribute in format string")
	_, err = auto.SplitFieldName("0")
	require.EqualError(t, err, "ValueError: cannot switch from automatic field numbering to manual field specification")
}
