package plan

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// validateInPython checks the schema and every golden plan with python3's
// jsonschema (Draft 2020-12, regex formats checked): a schema that only Go's
// validator accepts is no schema for the users who validate plans in their
// own tools.
const validateInPython = `
import glob, json, sys
import jsonschema

schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
failed = 0
for path in sys.argv[2:]:
    for error in validator.iter_errors(json.load(open(path))):
        failed += 1
        print("%s: %s: %s" % (path, "/".join(str(p) for p in error.absolute_path), error.message))
print("%d plans validated" % (len(sys.argv) - 2))
sys.exit(1 if failed else 0)
`

func TestGoldensMatchSchemaInPython(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Fatal("python3 is needed to check docs/plan.schema.json with jsonschema: ", err)
	}
	goldens, err := filepath.Glob("testdata/*.golden.json")
	require.NoError(t, err)
	more, err := filepath.Glob("../extractor/testdata/golden/*.plan.json")
	require.NoError(t, err)
	goldens = append(goldens, more...)
	require.Greater(t, len(goldens), 10)
	out, err := exec.Command("python3", append([]string{"-c", validateInPython, "../docs/plan.schema.json"}, goldens...)...).CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "plans validated")
}

// unportable finds regex syntax outside what every JSON Schema validator
// reads alike (ECMA-262, Python's re, Go's RE2, PCRE): literals, classes, simple
// escapes, groups, alternation, anchors and quantifiers. Unicode property
// escapes (\p{L}), lookaround, backreferences and named groups are not.
var unportable = regexp.MustCompile(`\\[pPkKbBdDwWsS0-9]|\(\?|\\u\{`)

func TestSchemaPatternsArePortable(t *testing.T) {
	b, err := os.ReadFile("../docs/plan.schema.json")
	require.NoError(t, err)
	var doc any
	require.NoError(t, json.Unmarshal(b, &doc))
	var patterns []string
	var walk func(v any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, e := range t {
				if s, ok := e.(string); ok && k == "pattern" {
					patterns = append(patterns, s)
				}
				walk(e)
			}
		case []any:
			for _, e := range t {
				walk(e)
			}
		}
	}
	walk(doc)
	require.NotEmpty(t, patterns)
	for _, p := range patterns {
		assert.False(t, unportable.MatchString(p), "pattern %q uses syntax not every validator reads", p)
		_, err := regexp.Compile(p)
		assert.NoError(t, err, p)
		assert.True(t, strings.HasPrefix(p, "^") && strings.HasSuffix(p, "$"), "pattern %q is anchored at both ends", p)
	}
}
