package pyfmt

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzFormatFloat checks properties that hold for every float and spec:
// no panics, errors are *Error, repr and '.17g' round-trip through
// strconv.ParseFloat, repr has as many significant digits as strconv's
// shortest form, and 'f' output is within half a unit of the last place.
func FuzzFormatFloat(f *testing.F) {
	for _, seed := range []struct {
		f    float64
		spec string
		prec uint8
	}{
		{0.1, ".2f", 2}, {1e16, "", 0}, {math.Copysign(0, -1), "z.1f", 1}, {math.Inf(1), "010", 3},
		{math.NaN(), "+e", 6}, {123456789.125, ",.2f", 2}, {2.5, ".0f", 0}, {5e-324, "g", 17},
		{1.7976931348623157e308, "_.3e", 12}, {0.5, "#", 9}, {3.5, "x<+#012,.3%", 4},
	} {
		f.Add(seed.f, seed.spec, seed.prec)
	}
	f.Fuzz(func(t *testing.T, x float64, spec string, prec uint8) {
		if _, err := FormatFloat(x, spec); err != nil {
			var pe *Error
			require.True(t, errors.As(err, &pe), "error %v is not a *pyfmt.Error", err)
		}
		if math.IsNaN(x) {
			require.Equal(t, "nan", ReprFloat(x))
			return
		}
		r := ReprFloat(x)
		back, err := strconv.ParseFloat(r, 64)
		require.NoError(t, err, "repr %q", r)
		require.Equal(t, math.Float64bits(x), math.Float64bits(back), "repr %q does not round-trip", r)
		if !math.IsInf(x, 0) {
			require.Equal(t, significantDigits(strconv.FormatFloat(x, 'e', -1, 64)), significantDigits(r), "repr %q is not shortest", r)
		}

		g, err := FormatFloat(x, ".17g")
		require.NoError(t, err)
		back, err = strconv.ParseFloat(g, 64)
		require.NoError(t, err, ".17g gave %q", g)
		require.Equal(t, math.Float64bits(x), math.Float64bits(back), ".17g %q does not round-trip", g)

		p := int(prec % 40)
		fixed, err := FormatFloat(x, fmt.Sprintf(".%df", p))
		require.NoError(t, err)
		if math.IsInf(x, 0) {
			return
		}
		require.Equal(t, p, fractionDigits(fixed), "%q has the wrong number of fraction digits", fixed)
		exact, ok := new(big.Rat).SetString(fixed)
		require.True(t, ok, "%q is not a decimal", fixed)
		diff := new(big.Rat).Sub(exact, new(big.Rat).SetFloat64(x))
		half := new(big.Rat).SetFrac(big.NewInt(1), new(big.Int).Mul(big.NewInt(2), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(p)), nil)))
		require.LessOrEqual(t, new(big.Rat).Abs(diff).Cmp(half), 0, "%q is more than half a unit from %v", fixed, x)
	})
}

func significantDigits(s string) string {
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		s = s[:i]
	}
	s = strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
	s = strings.TrimLeft(s, "0")
	s = strings.TrimRight(s, "0")
	return s
}

func fractionDigits(s string) int {
	i := strings.IndexByte(s, '.')
	if i < 0 {
		return 0
	}
	return len(s) - i - 1
}
