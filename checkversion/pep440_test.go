package checkversion

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// orderedGroups is a list of versions in increasing order; versions in one
// group are equal. The order is packaging 23's (sorted(key=Version)), with
// PEP 440's own example ordering among them; TestOrderMatchesPackaging
// recomputes it when packaging is importable.
var orderedGroups = [][]string{
	{"0.0.0"},
	{"0.1.0"},
	{"0.1.0.post1"},
	{"0.9.9"},
	{"1.0.dev0"},
	{"1.0.dev456"},
	{"1.0a0"},
	{"1.0a1", "1.0.0a1", "1.0.0-alpha.1"},
	{"1.0a2.dev456"},
	{"1.0a12.dev456"},
	{"1.0a12"},
	{"1.0b0"},
	{"1.0b1.dev456"},
	{"1.0b2"},
	{"1.0b2.post345.dev456"},
	{"1.0b2.post345"},
	{"1.0b2-346"},
	{"1.0c1.dev456"},
	{"1.0c1"},
	{"1.0rc2"},
	{"1.0rc2.post1"},
	{"1.0c3"},
	{"1.0", "1.0.0", "1.0.0.0", "0!1.0"},
	{"1.0+a"},
	{"1.0+a.0"},
	{"1.0+abc"},
	{"1.0+abc.5"},
	{"1.0+abc.5.1"},
	{"1.0+abc.7"},
	{"1.0+ubuntu-1"},
	{"1.0.0+Z"},
	{"1.0+0.a"},
	{"1.0+01"},
	{"1.0+1.abc"},
	{"1.0+1.1"},
	{"1.0+5"},
	{"1.0.post0.dev0"},
	{"1.0.post0"},
	{"1.0.post456.dev34"},
	{"1.0.post456"},
	{"1.1.dev1"},
	{"2.0.0rc1"},
	{"9.99"},
	{"10.0"},
	{"99999999999999999999998.9"},
	{"99999999999999999999999.0"},
	{"1!0.1"},
}

func TestCompareOrder(t *testing.T) {
	type item struct {
		s     string
		group int
	}
	var items []item
	for g, group := range orderedGroups {
		for _, s := range group {
			items = append(items, item{s, g})
		}
	}
	for _, a := range items {
		va, err := Parse(a.s)
		require.NoError(t, err, a.s)
		for _, b := range items {
			vb, err := Parse(b.s)
			require.NoError(t, err, b.s)
			want := 0
			if a.group < b.group {
				want = -1
			} else if a.group > b.group {
				want = 1
			}
			assert.Equal(t, want, Compare(va, vb), "Compare(%s, %s)", a.s, b.s)
		}
	}
}

// normalized holds str(packaging.version.Version(input)), from packaging 23.
var normalized = []struct{ in, want string }{
	{"1.0b2-346", "1.0b2.post346"},
	{"1.0c1.dev456", "1.0rc1.dev456"},
	{"1.0+ubuntu-1", "1.0+ubuntu.1"},
	{"1!0.1", "1!0.1"},
	{"0!1.0", "1.0"},
	{"1.0.0-alpha.1", "1.0.0a1"},
	{"1.0.0-ALPHA1", "1.0.0a1"},
	{"v1.0", "1.0"},
	{"V1.0", "1.0"},
	{"1.0+ABC.1", "1.0+abc.1"},
	{"1.0+01", "1.0+1"},
	{"1.0-1", "1.0.post1"},
	{"1.0.r1", "1.0.post1"},
	{"1.0rev", "1.0.post0"},
	{"1.0-dev", "1.0.dev0"},
	{"1.0.preview2", "1.0rc2"},
	{"1.0pre", "1.0rc0"},
	{"1.0-beta_3", "1.0b3"},
	{" 1.0 ", "1.0"},
	{"\t1.0\n", "1.0"},
	{"01.002", "1.2"},
	{"1.0.post", "1.0.post0"},
	{"1.0a", "1.0a0"},
	{"2.0.0rc1", "2.0.0rc1"},
	{"0.1.0", "0.1.0"},
}

func TestParseNormalizes(t *testing.T) {
	for _, tc := range normalized {
		t.Run(tc.in, func(t *testing.T) {
			v, err := Parse(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, v.String())
		})
	}
}

var invalid = []string{"", "1.0.", "abc", "1.0+", "1.0+a..b", "1..0", "1.0 a", "1.0-", "1!", "!1", "1.0+_a", "1.0.dev1.dev2", "1.0a1b1", "1.0-+local", "1.0+a+b", "-1.0", "1_0", "1.0+ü", "one"}

func TestParseRejects(t *testing.T) {
	for _, s := range invalid {
		t.Run(s, func(t *testing.T) {
			_, err := Parse(s)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "invalid PEP 440 version")
		})
	}
}

func pythonWithPackaging(t *testing.T) string {
	t.Helper()
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if path, err := exec.LookPath(py); err == nil && exec.Command(path, "-c", "import packaging.version").Run() == nil {
			return path
		}
	}
	t.Skip("no python3 with packaging on this machine")
	return ""
}

// TestAgainstPackaging checks the tables above with the real packaging.
func TestAgainstPackaging(t *testing.T) {
	py := pythonWithPackaging(t)
	var all []string
	for _, g := range orderedGroups {
		all = append(all, g...)
	}
	var ins []string
	for _, tc := range normalized {
		ins = append(ins, tc.in)
	}
	payload, err := json.Marshal(map[string][]string{"order": all, "norm": ins, "invalid": invalid})
	require.NoError(t, err)
	script := `
import json, sys
from packaging.version import Version, InvalidVersion
d = json.load(sys.stdin)
vs = [Version(v) for v in d["order"]]
out = {"rank": [sorted(set(vs)).index(v) for v in vs], "norm": [str(Version(v)) for v in d["norm"]], "invalid": []}
for s in d["invalid"]:
    try:
        Version(s)
        out["invalid"].append(False)
    except InvalidVersion:
        out["invalid"].append(True)
print(json.dumps(out))
`
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = strings.NewReader(string(payload))
	out, err := cmd.Output()
	require.NoError(t, err)
	var got struct {
		Rank    []int
		Norm    []string
		Invalid []bool
	}
	require.NoError(t, json.Unmarshal(out, &got))
	i := 0
	for g, group := range orderedGroups {
		for _, s := range group {
			assert.Equal(t, g, got.Rank[i], "packaging ranks %s", s)
			i++
		}
	}
	for i, tc := range normalized {
		assert.Equal(t, got.Norm[i], tc.want, "packaging normalizes %q", tc.in)
	}
	for i, s := range invalid {
		assert.True(t, got.Invalid[i], "packaging rejects %q", s)
	}
}
