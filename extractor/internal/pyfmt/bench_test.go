package pyfmt

import (
	"math/big"
	"testing"
)

var benchFloats = []float64{0.1, 123456789.125, 1e16, 1e-5, 3.141592653589793, -2.5, 6.02214076e23}

func BenchmarkReprFloat(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		_ = ReprFloat(benchFloats[i%len(benchFloats)])
	}
}

func BenchmarkFormatFloat(b *testing.B) {
	for _, spec := range []string{".2f", ",.2f", ",", "015,.3f", ".6e", "g"} {
		b.Run(spec, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				if _, err := FormatFloat(benchFloats[i%len(benchFloats)], spec); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkFormatInt(b *testing.B) {
	v := big.NewInt(1234567890123)
	for _, spec := range []string{"d", ",", "#_x", ">20"} {
		b.Run(spec, func(b *testing.B) {
			for b.Loop() {
				if _, err := FormatInt(v, spec); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkReprStr(b *testing.B) {
	for b.Loop() {
		_ = ReprStr("héllo wörld\n'quoted' \x00 日本語")
	}
}
