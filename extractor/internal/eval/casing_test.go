package eval

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// caseRow is what one code point gives: its upper, lower, title, casefold
// and swapcase mappings and its case properties (the FLAGS of
// gen_casing.py).
type caseRow struct {
	maps  [5]string
	flags string
}

func hexRunes(s string) string {
	var parts []string
	for _, r := range s {
		parts = append(parts, fmt.Sprintf("%04X", r))
	}
	return strings.Join(parts, " ")
}

// goCaseRow computes caseRow for r with the Go implementation, ignoring
// the refusal list.
func goCaseRow(c *casers, r rune) caseRow {
	rs := []rune{r}
	var row caseRow
	for i, op := range []caseOp{caseUpper, caseLower, caseTitle, caseCasefold, caseSwapcase} {
		row.maps[i] = hexRunes(c.mapRunes(rs, op))
	}
	for _, f := range []struct {
		letter string
		on     bool
	}{{"U", pyIsUpper(r)}, {"L", pyIsLower(r)}, {"C", pyIsCased(r)}, {"I", pyIsCaseIgnorable(r)}} {
		if f.on {
			row.flags += f.letter
		}
	}
	return row
}

// TestCaseMappingsMatchCPython compares, for every code point, the case
// mappings and properties of the Go implementation with CPython's
// (testdata/casing.tsv, written by gen_casing.py with -update), and checks
// that caseDataDiffs lists exactly the code points where they differ.
func TestCaseMappingsMatchCPython(t *testing.T) {
	golden := filepath.Join("testdata", "casing.tsv")
	if *update {
		out, err := exec.Command("python3", filepath.Join("testdata", "gen_casing.py"), golden).CombinedOutput()
		require.NoError(t, err, string(out))
	}
	f, err := os.Open(golden)
	require.NoError(t, err)
	defer f.Close()
	want := map[rune]caseRow{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		require.Len(t, fields, 7, line)
		cp, err := strconv.ParseUint(fields[0], 16, 32)
		require.NoError(t, err)
		var row caseRow
		copy(row.maps[:], fields[1:6])
		row.flags = fields[6]
		want[rune(cp)] = row
	}
	require.NoError(t, sc.Err())
	require.Greater(t, len(want), 5000)

	c := newCasers()
	var differ [][2]rune
	for r := rune(0); r <= 0x10FFFF; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		w, ok := want[r]
		if !ok {
			self := hexRunes(string(r))
			w = caseRow{maps: [5]string{self, self, self, self, self}}
		}
		if goCaseRow(c, r) == w {
			continue
		}
		if n := len(differ); n > 0 && differ[n-1][1] == r-1 {
			differ[n-1][1] = r
		} else {
			differ = append(differ, [2]rune{r, r})
		}
	}
	var src strings.Builder
	for _, d := range differ {
		fmt.Fprintf(&src, "{0x%X, 0x%X}, ", d[0], d[1])
	}
	assert.Equal(t, differ, caseDataDiffs, "caseDataDiffs should be: %s", src.String())
}

// TestCaseMethods checks whole strings through the str methods, contexts
// included, against CPython.
func TestCaseMethods(t *testing.T) {
	tests := []struct {
		s    string
		op   caseOp
		want string
	}{
		{"Straße", caseUpper, "STRASSE"},
		{"ﬁnal ﬂow", caseTitle, "Final Flow"},
		{"İstanbul", caseLower, "i̇stanbul"},
		{"ΟΔΟΣ ΟΔΟΣ.", caseLower, "οδος οδος."},
		{"ΣΑ", caseLower, "σα"},
		{"Σ", caseLower, "σ"},
		{"AΣ'", caseLower, "aς'"},
		{"AΣ'b", caseLower, "aσ'b"},
		{"A'Σ", caseLower, "a'ς"},
		{"ǆemal", caseCapitalize, "ǅemal"},
		{"ßAB", caseCapitalize, "Ssab"},
		{"hello wORLD's", caseTitle, "Hello World'S"},
		{"ǉubljana ǈ", caseTitle, "ǈubljana ǈ"},
		{"Ⓐⓑ", caseSwapcase, "ⓐⒷ"},
		{"ΣΑΣ", caseSwapcase, "σας"},
		{"ŉ", caseUpper, "ʼN"},
		{"Maße", caseCasefold, "masse"},
		{"ᾳ", caseTitle, "ᾼ"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s-%d", tt.s, tt.op), func(t *testing.T) {
			got, bad, ok := pyCaseMap(tt.s, tt.op)
			require.True(t, ok, "refused %q", bad)
			assert.Equal(t, tt.want, got)
		})
	}
}
