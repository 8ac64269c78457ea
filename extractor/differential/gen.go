package differential

import (
	"fmt"
	"golang.org/x/text/encoding/charmap"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Case is one generated flow file, with the project-local module it may
// import. Everything in it follows from (Seed, Index).
type Case struct {
	Seed  int64
	Index int
	// Name is the flow file's base name, e.g. "c0042_flow.py".
	Name string
	// Source is the flow file's text.
	Source string
	// Module is the base name and text of a project-local module the flow
	// file imports ("" when none).
	ModuleName, ModuleSource string
	// Invalid tells a case built to be rejected (a wrong type, an
	// out-of-range value, a missing field...) and what was broken.
	Invalid string
}

// GenEnv is the environment generated flow files may read with os.getenv;
// the differential test gives it to both the extractor and CPython.
var GenEnv = map[string]string{
	"TEAM":                        "data-ëngineering",
	"REGION":                      "eu-west-1",
	"BATCH":                       "250",
	"DF_CONFIG_DEFAULT_WORK_POOL": "team-pool",
}

// Agent- and worker-era docker envs declared in every generated project.
var (
	genAgentEnvs  = []string{"base", "heavy", "ml-gpu"}
	genWorkerEnvs = []string{"worker-a", "worker-b"}
)

// Generate builds case index of the run seeded with seed. Each case has its
// own random stream, so one case can be replayed alone.
func Generate(seed int64, index int) Case {
	g := &gen{
		rng:  rand.New(rand.NewSource(seed*1_000_003 + int64(index))),
		id:   fmt.Sprintf("c%05d", index),
		seen: map[string]bool{},
	}
	c := Case{Seed: seed, Index: index, Name: g.id + "_flow.py"}
	c.Source, c.ModuleName, c.ModuleSource, c.Invalid = g.flowFile()
	return c
}

// WriteProject writes a project directory holding cases: pyproject.toml
// declaring the generated docker envs, a Dockerfile, and the flow files
// (with their modules) under flows/.
func WriteProject(dir string, cases []Case) error {
	var b strings.Builder
	b.WriteString("[tool.poetry]\nname = \"generated\"\nversion = \"1.0.0\"\n\n[tool.prefect]\nflows_folder = \"flows\"\n")
	for _, e := range genAgentEnvs {
		fmt.Fprintf(&b, "\n[tool.prefect.envs.%s]\npython_version = \"3.10\"\ndockerfile_path = \"Dockerfile\"\n", e)
	}
	for _, e := range genWorkerEnvs {
		fmt.Fprintf(&b, "\n[tool.prefect.docker.%s]\npython_version = \"3.10\"\ndockerfile_path = \"Dockerfile\"\n", e)
	}
	files := map[string]string{
		"pyproject.toml": b.String(),
		"Dockerfile":     "ARG PYTHON_VERSION\nFROM python:${PYTHON_VERSION}-slim\n",
	}
	for _, c := range cases {
		files[filepath.Join("flows", c.Name)] = c.Source
		if c.ModuleName != "" {
			files[filepath.Join("flows", c.ModuleName)] = c.ModuleSource
		}
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p := filepath.Join(dir, n)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("creating %s: %w", filepath.Dir(p), err)
		}
		if err := os.WriteFile(p, []byte(files[n]), 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", p, err)
		}
	}
	return nil
}

// Python types the expression generator tracks for module-level names.
type pyType int

const (
	tInt pyType = iota
	tFloat
	tStr
	tBool
	tListInt
	tListStr
	tDict
	numTypes
)

type binding struct {
	name     string
	typ      pyType
	nonEmpty bool // a str or list known to have an element
}

type gen struct {
	rng   *rand.Rand
	id    string
	names []binding
	seen  map[string]bool
	lines []string

	// what the flow file imports, under which local names
	specName, depName, envarName, secretName string
	cronName, intervalName, rruleName        string
	tdName, dtName                           string
	imports                                  []string
	needSettings, needOS                     bool
	needEnum                                 bool     // gen_enum.go
	enumMembers                              []string // members of mixin enum classes
}

func (g *gen) intn(n int) int        { return g.rng.Intn(n) }
func (g *gen) chance(p float64) bool { return g.rng.Float64() < p }
func (g *gen) pick(xs ...string) string {
	return xs[g.intn(len(xs))]
}

func (g *gen) emit(format string, args ...any) {
	g.lines = append(g.lines, fmt.Sprintf(format, args...))
}

// fresh returns a new module-level name.
func (g *gen) fresh(prefix string) string {
	for {
		n := fmt.Sprintf("%s_%d", prefix, g.intn(1000))
		if !g.seen[n] {
			g.seen[n] = true
			return n
		}
	}
}

func (g *gen) bindings(t pyType, nonEmpty bool) []binding {
	var out []binding
	for _, b := range g.names {
		if b.typ == t && (!nonEmpty || b.nonEmpty) {
			out = append(out, b)
		}
	}
	return out
}

// ---- literals ----

var genWords = []string{
	"alpha", "Beta", "gamma_ray", "data", "Straße", "ñandú", "日本語", "café", "naïve", "ǆemal",
	"x", "ab", "Hello World", "it's", "tab\there", "quote\"d", "back\\slash", "emoji 🚀", "İstanbul", "ﬁne",
	"UPPER", "mixed Case words", "  padded  ", "dots.and-dashes", "1,000",
}

func pyStrLit(s string, rng *rand.Rand) string {
	q := strconv.Quote(s) // Go escapes are Python escapes for these strings
	if rng.Intn(4) == 0 && !strings.ContainsAny(s, "'\\\t") {
		return "'" + strings.ReplaceAll(q[1:len(q)-1], `\"`, `"`) + "'"
	}
	// keep non-ASCII characters literal, as people write them
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func (g *gen) strLit() string { return pyStrLit(genWords[g.intn(len(genWords))], g.rng) }

func (g *gen) intLit() string {
	switch g.intn(8) {
	case 0:
		return strconv.Itoa(-g.intn(60))
	case 1:
		return fmt.Sprintf("0x%X", g.intn(4096))
	case 2:
		return fmt.Sprintf("%d_%03d", 1+g.intn(99), g.intn(1000))
	case 3:
		return strconv.Itoa(1000 + g.intn(1_000_000))
	default:
		return strconv.Itoa(g.intn(200))
	}
}

func (g *gen) floatLit() string {
	return g.pick("1.5", "0.1", "2.5e3", "1e-5", "3.0", "0.25", "12.375", "100.0", "7.77", "1e16", "-2.5", "0.3")
}

func (g *gen) smallPos() string { return strconv.Itoa(1 + g.intn(9)) }

// ---- typed expressions ----

// expr returns an expression of type t; nonEmpty asks for a str/list that
// has an element. depth bounds nesting.
func (g *gen) expr(t pyType, depth int, nonEmpty bool) string {
	if depth <= 0 || g.chance(0.3) {
		if bs := g.bindings(t, nonEmpty); len(bs) > 0 && g.chance(0.6) {
			return bs[g.intn(len(bs))].name
		}
		return g.literal(t, nonEmpty)
	}
	d := depth - 1
	switch t {
	case tInt:
		switch g.intn(16) {
		case 0:
			return fmt.Sprintf("(%s + %s)", g.expr(tInt, d, false), g.expr(tInt, d, false))
		case 1:
			return fmt.Sprintf("(%s - %s)", g.expr(tInt, d, false), g.expr(tInt, d, false))
		case 2:
			return fmt.Sprintf("(%s * %s)", g.expr(tInt, d, false), g.intLit())
		case 3:
			return fmt.Sprintf("(%s // %s)", g.expr(tInt, d, false), g.pick("3", "-4", "7", "2"))
		case 4:
			return fmt.Sprintf("(%s %% %s)", g.expr(tInt, d, false), g.pick("3", "-4", "7", "10"))
		case 5:
			return fmt.Sprintf("(%s ** %d)", g.pick("2", "3", "-2", "10", "7"), g.intn(40))
		case 6:
			return fmt.Sprintf("len(%s)", g.expr(g.pickType(tStr, tListInt, tListStr, tDict), d, false))
		case 7:
			return fmt.Sprintf("int(%s)", g.expr(tFloat, d, false))
		case 8:
			return fmt.Sprintf("round(%s)", g.expr(tFloat, d, false))
		case 9:
			return fmt.Sprintf("sum(%s)", g.expr(tListInt, d, false))
		case 10:
			return fmt.Sprintf("%s(%s)", g.pick("min", "max"), g.expr(tListInt, d, true))
		case 11:
			return fmt.Sprintf("%s[%s]", g.expr(tListInt, d, true), g.pick("0", "-1"))
		case 12:
			return fmt.Sprintf("(%s if %s else %s)", g.expr(tInt, d, false), g.expr(tBool, d, false), g.expr(tInt, d, false))
		case 13:
			return fmt.Sprintf("abs(%s)", g.expr(tInt, d, false))
		case 14:
			return fmt.Sprintf("int(%s)", pyStrLit(strconv.Itoa(g.intn(100000)-500), g.rng))
		default:
			return fmt.Sprintf("-%s", g.expr(tInt, d, false))
		}
	case tFloat:
		switch g.intn(7) {
		case 0:
			return fmt.Sprintf("(%s / %s)", g.expr(g.pickType(tInt, tFloat), d, false), g.pick("3", "7.0", "-2", "0.5", "9"))
		case 1:
			return fmt.Sprintf("(%s * %s)", g.expr(tFloat, d, false), g.expr(g.pickType(tInt, tFloat), d, false))
		case 2:
			return fmt.Sprintf("(%s + %s)", g.expr(tFloat, d, false), g.expr(g.pickType(tInt, tFloat), d, false))
		case 3:
			return fmt.Sprintf("float(%s)", g.expr(tInt, d, false))
		case 4:
			return fmt.Sprintf("round(%s, %d)", g.expr(tFloat, d, false), g.intn(4))
		case 5:
			return fmt.Sprintf("abs(%s)", g.expr(tFloat, d, false))
		default:
			return fmt.Sprintf("float(%s)", pyStrLit(g.pick("1.25", "-0.5", "3", "1e3", " 2.5 "), g.rng))
		}
	case tStr:
		return g.strExpr(d, nonEmpty)
	case tBool:
		switch g.intn(8) {
		case 0:
			return fmt.Sprintf("(%s %s %s)", g.expr(tInt, d, false), g.pick("<", "<=", ">", ">=", "==", "!="), g.expr(tInt, d, false))
		case 1:
			return fmt.Sprintf("(%s == %s)", g.expr(tStr, d, false), g.expr(tStr, d, false))
		case 2:
			return fmt.Sprintf("%s.%s(%s)", g.expr(tStr, d, false), g.pick("startswith", "endswith"), g.strLit())
		case 3:
			return fmt.Sprintf("(%s %s %s)", g.expr(tBool, d, false), g.pick("and", "or"), g.expr(tBool, d, false))
		case 4:
			return fmt.Sprintf("(not %s)", g.expr(tBool, d, false))
		case 5:
			return fmt.Sprintf("(%s in %s)", g.expr(tStr, d, false), g.expr(tListStr, d, false))
		case 6:
			return fmt.Sprintf("bool(%s)", g.expr(g.pickType(tInt, tStr, tListInt), d, false))
		default:
			return fmt.Sprintf("(%s < %s < %s)", g.expr(tInt, d, false), g.expr(tInt, d, false), g.expr(tInt, d, false))
		}
	case tListInt:
		switch g.intn(8) {
		case 0:
			return fmt.Sprintf("[x * %s for x in range(%d)]", g.intLit(), 1+g.intn(5))
		case 1:
			if nonEmpty {
				return fmt.Sprintf("sorted(%s, reverse=%s)", g.expr(tListInt, d, true), g.pick("True", "False"))
			}
			return fmt.Sprintf("[x for x in %s if x %% 2 == 0]", g.expr(tListInt, d, false))
		case 2:
			return fmt.Sprintf("(%s + %s)", g.expr(tListInt, d, nonEmpty), g.expr(tListInt, d, false))
		case 3:
			return fmt.Sprintf("list(range(%d, %d, %d))", g.intn(5), 6+g.intn(20), 1+g.intn(4))
		case 4:
			return fmt.Sprintf("[len(s) for s in %s]", g.expr(tListStr, d, nonEmpty))
		case 5:
			return fmt.Sprintf("sorted(%s)", g.expr(tListInt, d, nonEmpty))
		case 6:
			return fmt.Sprintf("[i + v for i, v in enumerate(%s)]", g.expr(tListInt, d, nonEmpty))
		default:
			return fmt.Sprintf("list(%s.values())", g.expr(tDict, d, nonEmpty))
		}
	case tListStr:
		switch g.intn(7) {
		case 0:
			return fmt.Sprintf("[s.upper() for s in %s]", g.expr(tListStr, d, nonEmpty))
		case 1:
			return fmt.Sprintf("sorted(%s)", g.expr(tListStr, d, nonEmpty))
		case 2:
			return fmt.Sprintf("%s.split(%s)", g.expr(tStr, d, false), pyStrLit(g.pick(",", " ", "a", "-"), g.rng))
		case 3:
			return fmt.Sprintf("[f\"{p}-{i}\" for i, p in enumerate(%s)]", g.expr(tListStr, d, nonEmpty))
		case 4:
			return fmt.Sprintf("list(%s.keys())", g.expr(tDict, d, nonEmpty))
		case 5:
			return fmt.Sprintf("[str(n) for n in %s]", g.expr(tListInt, d, nonEmpty))
		default:
			return fmt.Sprintf("(%s + %s)", g.expr(tListStr, d, nonEmpty), g.expr(tListStr, d, false))
		}
	case tDict:
		switch g.intn(5) {
		case 0:
			return fmt.Sprintf("{s: len(s) for s in %s}", g.expr(tListStr, d, nonEmpty))
		case 1:
			return fmt.Sprintf("dict(zip(%s, %s))", g.expr(tListStr, d, nonEmpty), g.expr(tListInt, d, nonEmpty))
		case 2:
			return fmt.Sprintf("{**%s, %s: %s}", g.expr(tDict, d, false), g.strLit(), g.expr(tInt, d, false))
		case 3:
			return fmt.Sprintf("dict(a=%s, b=%s)", g.expr(tInt, d, false), g.expr(tInt, d, false))
		default:
			return fmt.Sprintf("{k: v * 2 for k, v in %s.items()}", g.expr(tDict, d, nonEmpty))
		}
	}
	return g.literal(t, nonEmpty)
}

func (g *gen) pickType(ts ...pyType) pyType { return ts[g.intn(len(ts))] }

func (g *gen) strExpr(d int, nonEmpty bool) string {
	if nonEmpty {
		// only forms that cannot be empty
		switch g.intn(4) {
		case 0:
			return fmt.Sprintf("(%s + %s)", g.expr(tStr, d, true), g.expr(tStr, d, false))
		case 1:
			return fmt.Sprintf("f\"<{%s}>\"", g.inline(tStr, d, false))
		case 2:
			return fmt.Sprintf("str(%s)", g.expr(tInt, d, false))
		default:
			return g.expr(tStr, d, true)
		}
	}
	switch g.intn(18) {
	case 0:
		return fmt.Sprintf("(%s + %s)", g.expr(tStr, d, false), g.expr(tStr, d, false))
	case 1:
		return fmt.Sprintf("(%s * %d)", g.expr(tStr, d, false), g.intn(4))
	case 2:
		return fmt.Sprintf("%s.%s()", g.expr(tStr, d, false), g.pick("upper", "lower", "title", "strip"))
	case 3:
		return fmt.Sprintf("%s.replace(%s, %s)", g.expr(tStr, d, false), pyStrLit(g.pick("a", "ß", " ", "e"), g.rng), g.strLit())
	case 4:
		return fmt.Sprintf("%s.join(%s)", pyStrLit(g.pick("-", ", ", "", "/", "·"), g.rng), g.expr(tListStr, d, false))
	case 5:
		return fmt.Sprintf("str(%s)", g.expr(g.pickType(tInt, tFloat, tBool, tListInt, tListStr, tDict), d, false))
	case 6, 7, 8:
		return g.fstring(d)
	case 9:
		return fmt.Sprintf("(\"%%s-%%05d-%%.3f\" %% (%s, %s, %s))", g.expr(tStr, d, false), g.expr(tInt, d, false), g.expr(tFloat, d, false))
	case 10:
		return fmt.Sprintf("(\"%%r|%%x|%%+d\" %% (%s, abs(%s), %s))", g.expr(tStr, d, false), g.expr(tInt, d, false), g.expr(tInt, d, false))
	case 11:
		return fmt.Sprintf("\"{}/{:>6}/{k}\".format(%s, %s, k=%s)", g.expr(tStr, d, false), g.expr(tInt, d, false), g.expr(tFloat, d, false))
	case 12:
		return fmt.Sprintf("%s[%s]", g.expr(tListStr, d, true), g.pick("0", "-1"))
	case 13:
		return fmt.Sprintf("%s[%s]", g.expr(tStr, d, false), g.pick("1:3", "::-1", ":4", "-3:", "::2"))
	case 14:
		return fmt.Sprintf("(%s if %s else %s)", g.expr(tStr, d, false), g.expr(tBool, d, false), g.expr(tStr, d, false))
	case 15:
		return fmt.Sprintf("(%s or %s)", g.expr(tStr, d, false), g.strLit())
	case 16:
		return fmt.Sprintf("(%s %s)", g.strLit(), g.strLit()) // implicit concatenation
	default:
		return fmt.Sprintf("repr(%s)", g.expr(g.pickType(tStr, tFloat, tListStr), d, false))
	}
}

// inline returns an expression of type t that can sit between an
// f-string's braces: one without quotes or backslashes (Python before 3.12
// refuses backslashes there, and a quote could close the f-string), else a
// fresh name bound to it just before.
func (g *gen) inline(t pyType, d int, nonEmpty bool) string {
	e := g.expr(t, d, nonEmpty)
	if !strings.ContainsAny(e, "'\"\\") && !strings.Contains(e, "\n") {
		return e
	}
	name := g.fresh("F")
	g.emit("%s = %s", name, e)
	g.names = append(g.names, binding{name: name, typ: t, nonEmpty: nonEmpty})
	return name
}

// fstring writes an f-string with conversions and format specs.
func (g *gen) fstring(d int) string {
	var parts []string
	n := 1 + g.intn(3)
	for i := 0; i < n; i++ {
		switch g.intn(9) {
		case 0:
			parts = append(parts, fmt.Sprintf("{%s:%s}", g.inline(tInt, d, false), g.pick("05d", ",", "_", "x", "#o", "+d", ">8", "<6", "^9", "08_b", "e")))
		case 1:
			parts = append(parts, fmt.Sprintf("{%s:%s}", g.inline(tFloat, d, false), g.pick(".2f", ".3e", "g", ".1%", "10.4f", "+.0f", ",.2f", ".5g", "")))
		case 2:
			parts = append(parts, fmt.Sprintf("{%s!r}", g.inline(tStr, d, false)))
		case 3:
			parts = append(parts, fmt.Sprintf("{%s:%s}", g.inline(tStr, d, false), g.pick(">12", "*^10", "<5", ".3", "")))
		case 4:
			parts = append(parts, fmt.Sprintf("{%s}", g.inline(g.pickType(tInt, tFloat, tBool, tListInt, tDict), d, false)))
		case 5:
			parts = append(parts, "{{literal}}")
		case 6:
			parts = append(parts, fmt.Sprintf("{%s!s:>4}", g.inline(tInt, d, false)))
		default:
			parts = append(parts, strings.ReplaceAll(strings.ReplaceAll(genWords[g.intn(len(genWords))], "\\", ""), "\"", ""))
		}
	}
	s := strings.Join(parts, g.pick("-", " ", "", "/"))
	s = strings.ReplaceAll(s, "\t", "\\t")
	// the expressions inside use double quotes: close over them with single quotes
	return "f'" + strings.ReplaceAll(s, "'", "\\'") + "'"
}

func (g *gen) literal(t pyType, nonEmpty bool) string {
	switch t {
	case tInt:
		return g.intLit()
	case tFloat:
		return g.floatLit()
	case tStr:
		return g.strLit()
	case tBool:
		return g.pick("True", "False")
	case tListInt:
		n := g.intn(4)
		if nonEmpty && n == 0 {
			n = 1
		}
		var xs []string
		for i := 0; i < n; i++ {
			xs = append(xs, g.intLit())
		}
		return "[" + strings.Join(xs, ", ") + "]"
	case tListStr:
		n := g.intn(4)
		if nonEmpty && n == 0 {
			n = 1
		}
		var xs []string
		for i := 0; i < n; i++ {
			xs = append(xs, g.strLit())
		}
		return "[" + strings.Join(xs, ", ") + "]"
	default:
		n := g.intn(4)
		if nonEmpty && n == 0 {
			n = 1
		}
		var xs []string
		for i := 0; i < n; i++ {
			xs = append(xs, fmt.Sprintf("%s: %s", g.strLit(), g.intLit()))
		}
		return "{" + strings.Join(xs, ", ") + "}"
	}
}

// constants binds a few module-level names, some from earlier ones,
// with annotated and augmented assignments among them.
func (g *gen) constants() {
	if g.chance(0.15) {
		g.enumConstants()
	}
	n := 2 + g.intn(6)
	for i := 0; i < n; i++ {
		t := pyType(g.intn(int(numTypes)))
		name := g.fresh(strings.ToUpper(g.pick("n", "s", "cfg", "val", "tbl", "x")))
		nonEmpty := g.chance(0.5) && t != tInt && t != tFloat && t != tBool
		e := g.expr(t, 3, nonEmpty)
		switch {
		case g.chance(0.15):
			g.emit("%s: %s = %s", name, map[pyType]string{tInt: "int", tFloat: "float", tStr: "str", tBool: "bool", tListInt: "list", tListStr: "list", tDict: "dict"}[t], e)
		default:
			g.emit("%s = %s", name, e)
		}
		if g.chance(0.15) {
			switch t {
			case tInt:
				g.emit("%s %s %s", name, g.pick("+=", "-=", "*="), g.smallPos())
			case tStr:
				g.emit("%s += %s", name, g.strLit())
			case tListInt:
				g.emit("%s += [%s]", name, g.intLit())
			case tListStr:
				g.emit("%s += [%s]", name, g.strLit())
			}
		}
		g.names = append(g.names, binding{name: name, typ: t, nonEmpty: nonEmpty})
		if g.chance(0.2) {
			g.helperCall(name, t, nonEmpty)
		}
	}
}

// helperCall binds a new name to a value computed through a function the
// file defines (keyword and default arguments, *args, loops with break and
// else, closures, recursion, a lambda key), of the same type as name.
func (g *gen) helperCall(name string, t pyType, nonEmpty bool) {
	fn := g.fresh("helper")
	out := g.fresh(strings.ToUpper("h"))
	switch t {
	case tInt:
		switch g.intn(4) {
		case 3:
			g.emit("def %s(n, table={\"a\": 1}):\n    try:\n        return 10 // (n %% 3) + table[\"b\" if n %% 2 else \"a\"]\n    except ZeroDivisionError as e:\n        return len(str(e)) + len(e.args)\n    except KeyError as e:\n        try:\n            raise RuntimeError(\"wrapped\") from e\n        except RuntimeError as outer:\n            return len(repr(outer.__cause__)) + len(str(outer.__context__))", fn)
			g.emit("%s = %s(%s)", out, fn, name)
		case 0:
			g.emit("def %s(n, *more, step=1, **kw):\n    total = 0\n    for i, m in enumerate((n,) + more):\n        if i > 4:\n            break\n        total += m * step\n    else:\n        total += len(kw)\n    return total", fn)
			g.emit("%s = %s(%s, %s, %s, step=%s, flag=True)", out, fn, name, g.intLit(), g.intLit(), g.smallPos())
		case 1:
			g.emit("def %s(n):\n    return 0 if n <= 0 else 1 + %s(n - 1)", fn, fn)
			g.emit("%s = %s(%s %% 7)", out, fn, name)
		default:
			g.emit("def %s(k):\n    def add(v):\n        return v + k\n    return add", fn)
			g.emit("%s = %s(%s)(%s)", out, fn, g.intLit(), name)
		}
	case tStr:
		switch g.intn(3) {
		case 2:
			g.emit("class %sError(ValueError):\n    \"\"\"A project error.\"\"\"\n    code = %s\n    def __init__(self, value):\n        super().__init__(f\"bad {value!r}\")\n        self.value = value", fn, g.strLit())
			g.emit("def %s(s):\n    try:\n        if len(s) %% 2 == 0:\n            raise %sError(s)\n        return s.upper()\n    except ValueError as e:\n        return str(e) + type(e).__name__ + repr(e.args) + e.code + e.value + str(e.__doc__)", fn, fn)
			g.emit("%s = %s(%s)", out, fn, name)
		case 0:
			g.emit("def %s(s, sep=\"-\"):\n    parts = []\n    for ch in s:\n        if ch == \" \":\n            continue\n        parts.append(ch)\n    return sep.join(parts[:8])", fn)
			g.emit("%s = %s(%s, sep=%s)", out, fn, name, g.pick("\"\"", "\"_\"", "\".\""))
		default:
			g.emit("def %s(s):\n    count = 0\n    def bump():\n        nonlocal count\n        count += 1\n        return count\n    bump()\n    return s + str(bump())", fn)
			g.emit("%s = %s(%s)", out, fn, name)
		}
	case tListStr:
		g.emit("def %s(xs):\n    return sorted(xs, key=lambda s: (len(s), s), reverse=%s)", fn, g.pick("True", "False"))
		g.emit("%s = %s(%s)", out, fn, name)
	case tListInt:
		g.emit("def %s(xs, limit=None):\n    seen = []\n    i = 0\n    while i < len(xs):\n        if limit is not None and len(seen) >= limit:\n            break\n        if xs[i] not in seen:\n            seen.append(xs[i])\n        i += 1\n    return seen", fn)
		g.emit("%s = %s(%s, limit=%s)", out, fn, name, g.pick("None", "2", "5"))
	case tDict:
		g.emit("def %s(d, **extra):\n    out = dict(d)\n    out.update(extra)\n    return {k: out[k] for k in sorted(out, key=str)}", fn)
		g.emit("%s = %s(%s, added=%s)", out, fn, name, g.intLit())
	default:
		return
	}
	g.names = append(g.names, binding{name: out, typ: t, nonEmpty: nonEmpty && t != tListInt})
}

// ---- the flow file ----

func (g *gen) flowFile() (src, modName, modSrc, invalid string) {
	worker := g.chance(0.2)
	g.chooseImports(worker)
	g.constants()
	if g.chance(0.3) {
		g.needOS = true
		name := g.fresh("ENV")
		key := g.pick("TEAM", "REGION", "BATCH", "NOT_SET_ANYWHERE")
		switch g.intn(3) {
		case 0:
			g.emit("%s = os.getenv(%q, %s)", name, key, g.strLit())
		case 1:
			g.emit("%s = os.environ.get(%q, %s)", name, key, g.strLit())
		default:
			if key == "NOT_SET_ANYWHERE" {
				key = "TEAM"
			}
			g.emit("%s = os.environ[%q]", name, key)
		}
		g.names = append(g.names, binding{name: name, typ: tStr})
	}
	if g.chance(0.25) {
		g.needSettings = true
		name := g.fresh("SETTINGS")
		g.emit("%s = CommonSettings()", name)
		v := g.fresh("DT")
		switch g.intn(3) {
		case 0:
			g.emit("%s = %s.deployment_type", v, name)
		case 1:
			g.emit("%s = %s.dev_or_production", v, name)
		default:
			g.emit("%s = %s.deployment_type_value(dev=%s, staging=%s, main=%s)", v, name, g.strLit(), g.strLit(), g.strLit())
		}
		g.names = append(g.names, binding{name: v, typ: tStr, nonEmpty: true})
		b := g.fresh("PROD")
		g.emit("%s = %s.is_production", b, name)
		g.names = append(g.names, binding{name: b, typ: tBool})
	}
	var modelExpr string
	if g.chance(0.25) {
		modelExpr, modName, modSrc = g.localModel()
	}
	fn := g.flowFunction()
	var spec string
	if worker {
		spec, invalid = g.workerSpec(fn, modelExpr)
	} else {
		spec, invalid = g.agentSpec(fn, modelExpr)
	}
	if g.chance(0.2) {
		alias := g.fresh("SPEC")
		g.emit("%s = %s", alias, spec)
		g.emit("FLOW_SPEC = %s", alias)
	} else {
		g.emit("FLOW_SPEC = %s", spec)
	}
	if g.chance(0.4) {
		g.afterConstruction(worker)
	}
	if g.chance(0.2) {
		g.emit("\nif __name__ == \"__main__\":\n    FLOW_SPEC = None\n    %s()", fn)
	}

	var b strings.Builder
	fmt.Fprintf(&b, "\"\"\"Generated case %s.\"\"\"\n", g.id)
	if g.needOS {
		b.WriteString("import os\n")
	}
	for _, im := range g.imports {
		b.WriteString(im + "\n")
	}
	if g.needSettings {
		b.WriteString("from common.settings import CommonSettings\n")
	}
	if g.needEnum {
		b.WriteString("from enum import Enum, IntEnum, StrEnum, auto\n")
	}
	b.WriteString("\n")
	for _, l := range g.lines {
		b.WriteString(l + "\n")
	}
	return g.encode(b.String()), modName, modSrc, invalid
}

// afterConstruction changes FLOW_SPEC after it is built, as real flow files
// sometimes do: reads of its fields, assignments, mutations of its lists and
// dicts, through names that alias them. pydantic's rules decide what
// reaches the spec; a value it would have converted is an error on both
// sides.
func (g *gen) afterConstruction(worker bool) {
	n := 1 + g.intn(3)
	for i := 0; i < n; i++ {
		if worker {
			switch g.intn(5) {
			case 0:
				g.emit("FLOW_SPEC.deployments.append(%s)", call(g.depName, []kw{{"name", fmt.Sprintf("\"late-%d\"", i)}}))
			case 1:
				g.emit("for _d in FLOW_SPEC.deployments:\n    _d.tags.append(FLOW_SPEC.docker_env)")
			case 2:
				g.emit("if FLOW_SPEC.deployments:\n    FLOW_SPEC.deployments[-1].parameters[%s] = len(FLOW_SPEC.deployments)", g.strLit())
			case 3:
				alias := g.fresh("DEPS")
				g.emit("%s = FLOW_SPEC.deployments\n%s.reverse()", alias, alias)
			default:
				g.emit("FLOW_SPEC.is_agent = %s", g.pick("False", "True", "0"))
			}
			continue
		}
		switch g.intn(8) {
		case 0:
			g.emit("FLOW_SPEC.ephemeral_storage_gb = %s", g.pick("30", "150", "200", "\"42\"", "25.5"))
		case 1:
			g.emit("FLOW_SPEC.ephemeral_storage_gb += %d", 1+g.intn(20))
		case 2:
			g.emit("FLOW_SPEC.deployments.append(%s)", call(g.depName, []kw{{"deployment_name", fmt.Sprintf("\"late-%d\"", i)}}))
		case 3:
			g.emit("FLOW_SPEC.secrets.append(%s)", g.envar(false))
		case 4:
			g.emit("if FLOW_SPEC.deployments:\n    FLOW_SPEC.deployments[0].parameters[%s] = FLOW_SPEC.docker_env", g.strLit())
		case 5:
			alias := g.fresh("DEPS")
			g.emit("%s = FLOW_SPEC.deployments\n%s.append({\"deployment_name\": \"as-dict\"})", alias, alias)
		case 6:
			g.emit("setattr(FLOW_SPEC, \"envars\", FLOW_SPEC.envars + [%s])", g.envar(false))
		default:
			g.emit("for _d in FLOW_SPEC.deployments:\n    _d.memory = _d.memory")
		}
	}
}

// encode gives the file's bytes: now and then in latin-1 or cp1252 with
// PEP 263's declaration (when every character has a byte there), or with
// CRLF or CR line endings.
func (g *gen) encode(src string) string {
	if g.chance(0.1) {
		enc, name := charmap.ISO8859_1.NewEncoder(), "latin-1"
		if g.chance(0.5) {
			enc, name = charmap.Windows1252.NewEncoder(), "cp1252"
		}
		if out, err := enc.String("# -*- coding: " + name + " -*-\n" + src); err == nil {
			src = out
		}
	}
	switch {
	case g.chance(0.05):
		src = strings.ReplaceAll(src, "\n", "\r\n")
	case g.chance(0.03):
		src = strings.ReplaceAll(src, "\n", "\r")
	}
	return src
}

func (g *gen) chooseImports(worker bool) {
	mod := "common.deployment"
	if worker {
		mod = "common.deployment.worker"
	}
	switch g.intn(3) {
	case 0:
		g.specName, g.depName = "FlowSpec", "FlowDeployment"
		names := "FlowDeployment, FlowSpec"
		if !worker {
			names = "FlowDeployment, FlowEnvar, FlowSecret, FlowSpec"
			g.envarName, g.secretName = "FlowEnvar", "FlowSecret"
		}
		g.imports = append(g.imports, fmt.Sprintf("from %s import %s", mod, names))
	case 1:
		g.specName, g.depName = "Spec", "Dep"
		line := fmt.Sprintf("from %s import FlowDeployment as Dep, FlowSpec as Spec", mod)
		if !worker {
			line += ", FlowEnvar as Env, FlowSecret as Sec"
			g.envarName, g.secretName = "Env", "Sec"
		}
		g.imports = append(g.imports, line)
	default:
		g.imports = append(g.imports, fmt.Sprintf("import %s as dep", mod))
		g.specName, g.depName = "dep.FlowSpec", "dep.FlowDeployment"
		if !worker {
			g.envarName, g.secretName = "dep.FlowEnvar", "dep.FlowSecret"
		}
	}
	schedMod := g.pick("prefect.server.schemas.schedules", "prefect.orion.schemas.schedules", "prefect.client.schemas.schedules")
	if g.chance(0.5) {
		g.imports = append(g.imports, fmt.Sprintf("from %s import CronSchedule, IntervalSchedule, RRuleSchedule", schedMod))
		g.cronName, g.intervalName, g.rruleName = "CronSchedule", "IntervalSchedule", "RRuleSchedule"
	} else {
		g.imports = append(g.imports, fmt.Sprintf("import %s as sch", schedMod))
		g.cronName, g.intervalName, g.rruleName = "sch.CronSchedule", "sch.IntervalSchedule", "sch.RRuleSchedule"
	}
	if g.chance(0.5) {
		g.imports = append(g.imports, "import datetime")
		g.tdName, g.dtName = "datetime.timedelta", "datetime.datetime"
	} else {
		g.imports = append(g.imports, "from datetime import datetime as dt, timedelta as td")
		g.tdName, g.dtName = "td", "dt"
	}
}

// localModel defines a data-only pydantic model, in the flow file or in a
// project-local module, and returns an expression using an instance.
func (g *gen) localModel() (expr, modName, modSrc string) {
	cls := "Job" + strings.ToUpper(g.id[1:])
	var b strings.Builder
	b.WriteString("from typing import Optional\n\nfrom pydantic import BaseModel, Field, PrivateAttr, validator\n\n\n")
	fmt.Fprintf(&b, "class %sBase(BaseModel):\n    name: str\n    retries: int = %d\n    tags: list = []\n\n\n", cls, g.intn(5))
	fmt.Fprintf(&b, "class %s(%sBase):\n    batch: Optional[int]\n    mode: str = Field(%s, description=\"how\")\n    enabled: bool = %s\n",
		cls, cls, g.strLit(), g.pick("True", "False"))
	// Methods, a property, validators, a private attribute set by an
	// _init_private_attributes override and a class-body name: the
	// interpreter runs them as pydantic does.
	rich := g.chance(0.5)
	if rich {
		fmt.Fprintf(&b, "    prefix = %s\n    label: str = prefix + \"-label\"\n    _cache: Optional[str] = PrivateAttr()\n\n", g.strLit())
		b.WriteString("    def _init_private_attributes(self):\n        super()._init_private_attributes()\n        self._cache = self.name.upper()\n\n")
		b.WriteString("    @validator(\"name\", pre=True)\n    def clean_name(cls, v):\n        return str(v).strip()\n\n")
		b.WriteString("    @validator(\"retries\")\n    def cap_retries(cls, v, values):\n        return min(v, 3) if values.get(\"name\") else v\n\n")
		b.WriteString("    @property\n    def summary(self):\n        return f\"{self.name}:{self.retries}:{self._cache}\"\n\n")
		b.WriteString("    def tagged(self, extra=()):\n        return sorted(set(self.tags) | set(extra))\n")
	}
	// each_item validators, and a Config that validates assignments and
	// strips strings.
	checked := g.chance(0.4)
	if checked {
		b.WriteString("\n    codes: List[int] = []\n\n")
		b.WriteString("    @validator(\"codes\", each_item=True)\n    def bump(cls, v):\n        return v + 1\n\n")
		fmt.Fprintf(&b, "    class Config:\n        validate_assignment = True\n        anystr_strip_whitespace = %s\n", g.pick("True", "False"))
	}
	// Nested models with an alias, a default_factory and a Config, given
	// as a dict and as an instance changed afterwards.
	nested := g.chance(0.4)
	if checked && !nested {
		s := b.String()
		b.Reset()
		b.WriteString(strings.Replace(s, "from typing import Optional", "from typing import List, Optional", 1))
	}
	if nested {
		b.WriteString("\n\n")
		fmt.Fprintf(&b, "class %sPart(BaseModel):\n    part_id: str = Field(alias=\"partId\")\n    size: int = Field(default_factory=lambda: %d)\n    KIND = %s\n\n", cls, g.intn(9), g.strLit())
		fmt.Fprintf(&b, "    class Config:\n        extra = %s\n        allow_population_by_field_name = %s\n\n\n",
			g.pick(`"ignore"`, `"forbid"`), g.pick("True", "False"))
		fmt.Fprintf(&b, "class %sWhole(BaseModel):\n    main: %sPart\n    parts: List[%sPart] = Field(default_factory=list)\n    note: Optional[str] = None\n", cls, cls, cls)
		s := b.String()
		b.Reset()
		b.WriteString(strings.Replace(s, "from typing import Optional", "from typing import List, Optional", 1))
	}
	// date and datetime fields, given what pydantic v1 parses: ISO text,
	// unix timestamps (seconds, milliseconds, numeric text), date and
	// datetime objects, and invalid text.
	dated := g.chance(0.3)
	if dated {
		s := b.String()
		b.Reset()
		b.WriteString(strings.Replace(s, "from pydantic import", "from datetime import date as _date, datetime as _datetime\n\nfrom pydantic import", 1))
		b.WriteString("\n\nclass " + cls + "Window(BaseModel):\n    start: _date\n    at: Optional[_datetime] = None\n")
	}
	inst := fmt.Sprintf("%s(name=%s", cls, g.pick(g.strLit(), `"  padded  "`))
	if checked && g.chance(0.7) {
		inst += fmt.Sprintf(", codes=[%d, \"%d\"]", g.intn(9), g.intn(9))
	}
	if g.chance(0.5) {
		inst += fmt.Sprintf(", batch=%d", g.intn(1000))
	}
	if g.chance(0.5) {
		inst += fmt.Sprintf(", tags=[%s]", g.strLit())
	}
	inst += ")"
	v := g.fresh("JOB")
	if g.chance(0.5) {
		modName = "lib_" + g.id + ".py"
		modSrc = b.String()
		names := cls
		if nested {
			names += fmt.Sprintf(", %sPart, %sWhole", cls, cls)
		}
		if dated {
			names += fmt.Sprintf(", %sWindow", cls)
		}
		if g.chance(0.3) {
			// A star import binds the module's public names.
			names = "*"
		}
		g.imports = append(g.imports, fmt.Sprintf("from lib_%s import %s", g.id, names))
	} else {
		for _, l := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n") {
			if strings.HasPrefix(l, "from ") {
				g.imports = append(g.imports, l)
				continue
			}
			g.lines = append(g.lines, l)
		}
		g.emit("")
	}
	g.emit("%s = %s", v, inst)
	if checked && g.chance(0.6) {
		g.emit("%s.retries = %s", v, g.pick(`"2"`, "7", "0"))
		g.emit("%s.mode = %s", v, g.pick(`" spaced "`, g.strLit()))
	}
	if nested {
		p, w := g.fresh("PART"), g.fresh("WHOLE")
		g.emit("%s = %sPart(partId=%s%s)", p, cls, g.strLit(), g.pick("", ", size=2", ", part_id=\"x\""))
		g.emit("%s = %sWhole(main=%s, parts=[%s, {\"partId\": %s}], note=%s)", w, cls, p, p, g.strLit(), g.pick("None", g.strLit()))
		if g.chance(0.5) {
			g.emit("%s.size = %d", p, 10+g.intn(9))
		}
		switch g.intn(3) {
		case 0:
			return fmt.Sprintf("%s.dict(by_alias=%s, exclude_unset=%s)", w, g.pick("True", "False"), g.pick("True", "False")), modName, modSrc
		case 1:
			return fmt.Sprintf("{\"same\": %s.main == %s, \"is\": %s.main is %s, \"kind\": %s.parts[1].KIND, \"d\": %s.dict(exclude_none=True)}", w, p, w, p, w, w), modName, modSrc
		default:
			return fmt.Sprintf("[%s.main.size, %s.parts[0].part_id, %s == %s.dict()]", w, w, p, p), modName, modSrc
		}
	}
	if dated {
		w := g.fresh("WINDOW")
		g.emit("%s = %sWindow(start=%s, at=%s)", w, cls,
			g.pick(`"2024-01-31"`, `"2024-1-5"`, `1706745600`, `1706745600123`, `"1706745600"`, `86400.5`, `-1.25`, `"2023-02-30"`, `_date(2020, 2, 29)`, `_datetime(2021, 3, 4, 5, 6)`, `None`),
			g.pick(`"2024-01-31T06:30"`, `"2024-01-31 06:30:00.25+05:30"`, `"2024-01-31T06:30Z"`, `"2024-01-31T06:30:00-0800"`, `0`, `1.5`, `"1e3"`, `20000000001`, `"x"`, `"2024-01-31T24:00"`, `_datetime(2021, 3, 4, 5, 6)`, `None`))
		return fmt.Sprintf("{\"start\": str(%s.start), \"at\": %s.at.isoformat() if %s.at else None, \"job\": %s.name}", w, w, w, v), modName, modSrc
	}
	if rich && g.chance(0.6) {
		return fmt.Sprintf("{\"summary\": %s.summary, \"tags\": %s.tagged([%s]), \"label\": %s.label, \"d\": %s.dict()}", v, v, g.strLit(), v, v), modName, modSrc
	}
	switch g.intn(3) {
	case 0:
		return v + ".dict()", modName, modSrc
	case 1:
		return fmt.Sprintf("{\"name\": %s.name, \"retries\": %s.retries, \"batch\": %s.batch}", v, v, v), modName, modSrc
	default:
		return fmt.Sprintf("[%s.mode, %s.enabled, %s.tags]", v, v, v), modName, modSrc
	}
}

// flowFunction writes the @flow-decorated function and returns its name.
func (g *gen) flowFunction() string {
	fn := "flow_" + g.id
	var deco string
	switch g.intn(6) {
	case 0:
		g.imports = append(g.imports, "from prefect import flow")
		deco = "@flow"
	case 1:
		g.imports = append(g.imports, "from prefect import flow")
		deco = "@flow()"
	case 2:
		g.imports = append(g.imports, "from prefect import flow")
		deco = fmt.Sprintf("@flow(name=%s)", g.strLit())
	case 3:
		g.imports = append(g.imports, "import prefect")
		deco = fmt.Sprintf("@prefect.flow(description=%s)", g.strLit())
	case 4:
		g.imports = append(g.imports, "from prefect import flow as pflow, task")
		deco = fmt.Sprintf("@pflow(name=%s, retries=2)", g.expr(tStr, 1, true))
	default:
		g.imports = append(g.imports, "from prefect import flow")
		deco = "@flow(log_prints=True)"
	}
	var params []string
	n := g.intn(5)
	hasDefault := false
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("p%d", i)
		ann := ""
		if g.chance(0.7) {
			ann = ": " + g.pick("int", "str", "float", "bool", "list", "dict", "list[str]", "dict[str, int]", "\"Optional[int]\"", "datetime.date")
			if ann == ": datetime.date" && g.tdName != "datetime.timedelta" {
				ann = ": str"
			}
		}
		if hasDefault || g.chance(0.6) {
			hasDefault = true
			params = append(params, fmt.Sprintf("%s%s = %s", name, ann, g.defaultValue()))
		} else {
			params = append(params, name+ann)
		}
	}
	if g.chance(0.15) {
		params = append(params, "*args")
	} else if g.chance(0.2) && len(params) > 0 {
		params = append(params, "*")
	}
	if len(params) > 0 && params[len(params)-1] == "*" {
		params = append(params, fmt.Sprintf("kw: str = %s", g.strLit()))
	}
	if g.chance(0.15) {
		params = append(params, "**kwargs")
	}
	g.emit("")
	g.emit("")
	g.emit("%s", deco)
	async := ""
	if g.chance(0.2) {
		async = "async "
	}
	g.emit("%sdef %s(%s):", async, fn, strings.Join(params, ", "))
	switch g.intn(4) {
	case 0:
		g.emit("    %s", `"""One line docstring."""`)
	case 1:
		g.emit("    \"\"\"Summary line.\n\n        Indented detail about %s.\n    \"\"\"", strings.ReplaceAll(genWords[g.intn(len(genWords))], "\\", ""))
	}
	g.emit("    return None")
	g.emit("")
	g.emit("")
	return fn
}

func (g *gen) defaultValue() string {
	switch g.intn(8) {
	case 0:
		return "None"
	case 1:
		return g.floatLit()
	case 2:
		if g.tdName == "datetime.timedelta" {
			return "datetime.date(2024, 2, 29)"
		}
		return fmt.Sprintf("%s(hours=%d)", g.tdName, 1+g.intn(48))
	case 3:
		return fmt.Sprintf("[%s, %s]", g.intLit(), g.strLit())
	case 4:
		return fmt.Sprintf("{%s: %s}", g.strLit(), g.pick("None", "True", "[1, 2]", "{\"k\": 0.5}"))
	default:
		return g.expr(g.pickType(tInt, tStr, tBool, tListStr), 1, false)
	}
}

// ---- specs ----

type kw struct{ name, val string }

func call(fn string, kws []kw) string {
	var parts []string
	for _, k := range kws {
		if k.name == "" {
			parts = append(parts, k.val)
		} else {
			parts = append(parts, k.name+"="+k.val)
		}
	}
	return fn + "(" + strings.Join(parts, ", ") + ")"
}

func (g *gen) params(modelExpr string) string {
	var items []string
	n := g.intn(4)
	for i := 0; i < n; i++ {
		key := pyStrLit(fmt.Sprintf("k%d_%s", i, genWords[g.intn(len(genWords))]), g.rng)
		if g.chance(0.1) {
			key = strconv.Itoa(g.intn(50)) // pydantic turns it into a str key
		}
		items = append(items, fmt.Sprintf("%s: %s", key, g.expr(pyType(g.intn(int(numTypes))), 2, false)))
	}
	if modelExpr != "" {
		items = append(items, "\"model\": "+modelExpr)
	}
	if item := g.enumParam(); item != "" {
		items = append(items, item)
	}
	if g.chance(0.1) {
		items = append(items, fmt.Sprintf("\"nested\": {\"ünï\": [%s, {\"deep\": (%s, None)}]}", g.strLit(), g.intLit()))
	}
	if g.chance(0.1) {
		items = append(items, "**"+g.expr(tDict, 1, false))
	}
	return "{" + strings.Join(items, ", ") + "}"
}

var (
	genCrons = []string{"0 * * * *", "*/5 * * * *", "0 3 * * 1-5", "30 6 1 * *", "0 0 * * sun", "15 2 * jan,jul *",
		"0 12 */2 * *", "@daily", "0 0 1 1 *", "5 4 * * 0,6"}
	genTimezones = []string{"UTC", "America/New_York", "Europe/Berlin", "Asia/Tokyo", "Australia/Sydney", "America/Los_Angeles"}
	genRRules    = []string{"FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO,WE,FR", "FREQ=HOURLY;INTERVAL=6", "FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=4",
		"DTSTART:20240101T090000\nRRULE:FREQ=DAILY;COUNT=10"}
)

func (g *gen) schedule() string {
	switch g.intn(4) {
	case 0:
		return "None"
	case 1:
		kws := []kw{{"cron", pyStrLit(genCrons[g.intn(len(genCrons))], g.rng)}}
		if g.chance(0.5) {
			kws = append(kws, kw{"timezone", pyStrLit(genTimezones[g.intn(len(genTimezones))], g.rng)})
		}
		if g.chance(0.3) {
			kws = append(kws, kw{"day_or", g.pick("True", "False", "0", "\"yes\"")})
		}
		return call(g.cronName, kws)
	case 2:
		kws := []kw{{"interval", fmt.Sprintf("%s(%s=%d)", g.tdName, g.pick("seconds", "minutes", "hours", "days", "weeks"), 1+g.intn(90))}}
		if g.chance(0.4) {
			kws = append(kws, kw{"anchor_date", fmt.Sprintf("%s(%d, %d, %d, %d, %d)", g.dtName, 2020+g.intn(5), 1+g.intn(12), 1+g.intn(28), g.intn(24), g.intn(60))})
		}
		if g.chance(0.4) {
			kws = append(kws, kw{"timezone", pyStrLit(genTimezones[g.intn(len(genTimezones))], g.rng)})
		}
		return call(g.intervalName, kws)
	default:
		kws := []kw{{"rrule", pyStrLit(genRRules[g.intn(len(genRRules))], g.rng)}}
		if g.chance(0.4) {
			kws = append(kws, kw{"timezone", pyStrLit(genTimezones[g.intn(len(genTimezones))], g.rng)})
		}
		return call(g.rruleName, kws)
	}
}

func (g *gen) envar(secret bool) string {
	name := pyStrLit(strings.ToUpper(g.pick("token", "db_url", "api_key", "mode", "level"))+"_"+strconv.Itoa(g.intn(9)), g.rng)
	val := g.expr(tStr, 1, false)
	if secret && g.chance(0.4) {
		if g.chance(0.5) {
			return call(g.secretName, []kw{{"envar_name", name}, {"secret_name", val}})
		}
		return fmt.Sprintf("{\"envar_name\": %s, \"secret_name\": %s}", name, val)
	}
	if g.chance(0.2) {
		return fmt.Sprintf("{\"envar_name\": %s, \"envar_value\": %s}", name, val)
	}
	return call(g.envarName, []kw{{"envar_name", name}, {"envar_value", val}})
}

func (g *gen) envarList(secret bool) string {
	var xs []string
	for i := 0; i < 1+g.intn(3); i++ {
		xs = append(xs, g.envar(secret))
	}
	return "[" + strings.Join(xs, ", ") + "]"
}

// agentSpec writes a FlowSpec(...) call of the agent era, sometimes broken.
func (g *gen) agentSpec(fn, modelExpr string) (string, string) {
	var deps []string
	nd := g.intn(4)
	for i := 0; i < nd; i++ {
		kws := []kw{{"deployment_name", fmt.Sprintf("f\"d%d-{%s}\"", i, g.inline(tStr, 1, false))}}
		// cpu and memory are a Fargate size (or one of them alone, the
		// other's default making one): breakAgent writes the wrong pairs.
		switch g.intn(4) {
		case 0:
			pair := g.pick("1024|2048", "\"2048\"|\"4096\"", "512|f\"{1024 * 4}\"", "str(256 * 2)|1024", "\"4096\"|8192", "256|\"512\"")
			cpu, mem, _ := strings.Cut(pair, "|")
			kws = append(kws, kw{"cpu", cpu}, kw{"memory", mem})
		case 1:
			kws = append(kws, kw{"cpu", g.pick("256", "\"256\"", "str(128 * 2)")})
		case 2:
			kws = append(kws, kw{"memory", g.pick("1024", "\"2048\"", "f\"{512}\"")})
		}
		if g.chance(0.7) {
			kws = append(kws, kw{"parameters", g.params(modelExpr)})
		}
		if g.chance(0.6) {
			kws = append(kws, kw{"schedule", g.schedule()})
		}
		if g.chance(0.3) {
			kws = append(kws, kw{"envars", g.envarList(false)})
		}
		if g.chance(0.05) {
			kws = append(kws, kw{g.pick("memroy", "schedul", "cpus"), "\"1\""})
		}
		g.rng.Shuffle(len(kws), func(a, b int) { kws[a], kws[b] = kws[b], kws[a] })
		if g.chance(0.15) {
			var items []string
			for _, k := range kws {
				items = append(items, fmt.Sprintf("%q: %s", k.name, k.val))
			}
			deps = append(deps, "{"+strings.Join(items, ", ")+"}")
			continue
		}
		deps = append(deps, call(g.depName, kws))
	}
	kws := []kw{{"flow", fn}, {"docker_env", pyStrLit(genAgentEnvs[g.intn(len(genAgentEnvs))], g.rng)}}
	if g.chance(0.4) {
		kws = append(kws, kw{"secrets", g.envarList(true)})
	}
	if g.chance(0.3) {
		kws = append(kws, kw{"envars", g.envarList(false)})
	}
	if g.chance(0.3) {
		kws = append(kws, kw{"ephemeral_storage_gb", g.pick("20", "21", "50", "200", "100.9", "\"64\"", "30 + 5")})
	}
	if len(deps) > 0 || g.chance(0.5) {
		depList := "[" + strings.Join(deps, ", ") + "]"
		if g.chance(0.15) {
			v := g.fresh("DEPLOYMENTS")
			g.emit("%s = %s", v, depList)
			depList = v
		}
		kws = append(kws, kw{"deployments", depList})
	}
	if g.chance(0.05) {
		kws = append(kws, kw{"ephemeral_storage", "30"})
	}
	g.rng.Shuffle(len(kws), func(a, b int) { kws[a], kws[b] = kws[b], kws[a] })
	invalid := ""
	if g.chance(0.15) {
		kws, invalid = g.breakAgent(kws)
	}
	return call(g.specName, kws), invalid
}

func setKw(kws []kw, name, val string) []kw {
	for i := range kws {
		if kws[i].name == name {
			kws[i].val = val
			return kws
		}
	}
	return append(kws, kw{name, val})
}

func dropKw(kws []kw, name string) []kw {
	var out []kw
	for _, k := range kws {
		if k.name != name {
			out = append(out, k)
		}
	}
	return out
}

// breakAgent makes one field of an agent-era spec invalid.
func (g *gen) breakAgent(kws []kw) ([]kw, string) {
	switch g.intn(13) {
	case 12:
		pair := g.pick("4096.0|8192", "\"1'024\"|2048", "1024|\"4 GB\"", "256|4096", "\"1 vCPU\"|2048", "300|1024", "\"01024\"|2048")
		cpu, mem, _ := strings.Cut(pair, "|")
		return setKw(kws, "deployments", "["+call(g.depName, []kw{{"deployment_name", "\"d\""}, {"cpu", cpu}, {"memory", mem}})+"]"), "cpu=" + cpu + " memory=" + mem
	case 0:
		v := g.pick("19", "201", "0", "-5", "1000", "\"abc\"", "True", "None", "[25]", "19.99")
		return setKw(kws, "ephemeral_storage_gb", v), "ephemeral_storage_gb=" + v
	case 1:
		v := g.pick("5", "None", "[\"base\"]", "\"not-declared\"")
		return setKw(kws, "docker_env", v), "docker_env=" + v
	case 2:
		return dropKw(kws, "docker_env"), "docker_env missing"
	case 3:
		return dropKw(kws, "flow"), "flow missing"
	case 4:
		return setKw(kws, "flow", g.pick("\"my_flow\"", "None", "print")), "flow not a flow"
	case 5:
		return setKw(kws, "secrets", call(g.envarName, []kw{{"envar_name", "\"A\""}, {"envar_value", "\"a\""}})), "secrets not a list"
	case 6:
		return setKw(kws, "envars", "["+call(g.envarName, []kw{{"envar_name", g.pick("1", "None", "b\"x\"")}, {"envar_value", "\"v\""}})+"]"), "envar_name not a str"
	case 7:
		return setKw(kws, "secrets", "["+call(g.envarName, []kw{{"envar_name", "\"ONLY_NAME\""}})+"]"), "envar_value missing"
	case 8:
		return setKw(kws, "deployments", "["+call(g.depName, []kw{{"cpu", "\"1024\""}})+"]"), "deployment_name missing"
	case 9:
		v := g.pick("[1024]", "None", "{\"a\": 1}")
		return setKw(kws, "deployments", "["+call(g.depName, []kw{{"deployment_name", "\"d\""}, {"cpu", v}})+"]"), "cpu=" + v
	case 10:
		v := g.pick("[1, 2]", "\"params\"", "5")
		return setKw(kws, "deployments", "["+call(g.depName, []kw{{"deployment_name", "\"d\""}, {"parameters", v}})+"]"), "parameters=" + v
	default:
		v := g.pick(
			call(g.cronName, []kw{{"cron", "\"61 * * * *\""}}),
			call(g.cronName, []kw{{"cron", "\"0 * * * *\""}, {"timezone", "\"Mars/Olympus\""}}),
			call(g.intervalName, []kw{{"interval", g.tdName + "(seconds=-5)"}}),
			call(g.cronName, []kw{{"cron", "\"0 * * * *\""}, {"tz", "\"UTC\""}}),
			"\"0 * * * *\"",
			call(g.rruleName, []kw{{"rrule", "\"FREQ=SOMETIMES\""}}),
		)
		return setKw(kws, "deployments", "["+call(g.depName, []kw{{"deployment_name", "\"d\""}, {"schedule", v}})+"]"), "schedule=" + v
	}
}

// workerSpec writes a worker-era FlowSpec(...) call, sometimes broken.
func (g *gen) workerSpec(fn, modelExpr string) (string, string) {
	var deps []string
	nd := g.intn(4)
	for i := 0; i < nd; i++ {
		kws := []kw{{"name", fmt.Sprintf("f\"w%d-{%s}\"", i, g.inline(tStr, 1, false))}}
		if g.chance(0.5) {
			kws = append(kws, kw{"cron", pyStrLit(genCrons[g.intn(len(genCrons))], g.rng)})
		}
		if g.chance(0.3) {
			kws = append(kws, kw{"timezone", pyStrLit(genTimezones[g.intn(len(genTimezones))], g.rng)})
		}
		if g.chance(0.5) {
			kws = append(kws, kw{"parameters", g.params(modelExpr)})
		}
		if g.chance(0.3) {
			kws = append(kws, kw{"description", g.expr(tStr, 1, false)})
		}
		if g.chance(0.4) {
			kws = append(kws, kw{"tags", g.pick("[\"etl\", \"daily\"]", "[1, \"x\"]", "(\"a\",)", g.expr(tListStr, 1, false))})
		}
		if g.chance(0.3) {
			kws = append(kws, kw{"version", g.pick("\"1.2.3\"", "3", "None", "1.5")})
		}
		if g.chance(0.3) {
			kws = append(kws, kw{"enforce_parameter_schema", g.pick("True", "False", "1", "\"no\"", "\"on\"")})
		}
		if g.chance(0.3) {
			kws = append(kws, kw{"work_pool_name", pyStrLit(g.pick("ecs-pool", "gpu", "pool ü"), g.rng)})
		}
		if g.chance(0.3) {
			kws = append(kws, kw{"work_queue_name", g.strLit()})
		}
		if g.chance(0.3) {
			kws = append(kws, kw{"job_variables", g.pick("{\"cpu\": 1024, \"memory\": 4096}", "{\"env\": {\"A\": \"b\"}}", "{1: \"x\"}", g.expr(tDict, 1, false))})
		}
		g.rng.Shuffle(len(kws), func(a, b int) { kws[a], kws[b] = kws[b], kws[a] })
		deps = append(deps, call(g.depName, kws))
	}
	kws := []kw{{"flow", fn}, {"docker_env", pyStrLit(genWorkerEnvs[g.intn(len(genWorkerEnvs))], g.rng)}}
	if len(deps) > 0 || g.chance(0.5) {
		kws = append(kws, kw{"deployments", "[" + strings.Join(deps, ", ") + "]"})
	}
	if g.chance(0.2) {
		kws = append(kws, kw{"is_agent", g.pick("True", "False", "\"false\"", "0")})
	}
	g.rng.Shuffle(len(kws), func(a, b int) { kws[a], kws[b] = kws[b], kws[a] })
	invalid := ""
	if g.chance(0.15) {
		switch g.intn(6) {
		case 0:
			kws, invalid = setKw(kws, "docker_env", "\"base\""), "agent env in a worker spec"
		case 1:
			kws, invalid = setKw(kws, "is_agent", "\"maybe\""), "is_agent=\"maybe\""
		case 2:
			kws, invalid = setKw(kws, "deployments", "["+call(g.depName, []kw{{"cron", "\"0 * * * *\""}})+"]"), "name missing"
		case 3:
			kws, invalid = setKw(kws, "deployments", "["+call(g.depName, []kw{{"name", "\"n\""}, {"tags", "\"etl\""}})+"]"), "tags not a list"
		case 4:
			kws, invalid = setKw(kws, "deployments", "["+call(g.depName, []kw{{"name", "\"n\""}, {"enforce_parameter_schema", "2"}})+"]"), "enforce_parameter_schema=2"
		default:
			kws, invalid = setKw(kws, "docker_env", "7"), "docker_env=7"
		}
	}
	return call(g.specName, kws), invalid
}
