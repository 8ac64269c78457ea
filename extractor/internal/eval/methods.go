package eval

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/flowplan/flowplan/extractor/internal/pyfmt"
	"github.com/flowplan/flowplan/extractor/internal/pysyntax"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

// Python's method names per type: an attribute outside these lists is an
// AttributeError; one inside that the extractor does not implement is
// reported as not supported.
var pyMethods = map[string]string{
	"str":   " capitalize casefold center count encode endswith expandtabs find format format_map index isalnum isalpha isascii isdecimal isdigit isidentifier islower isnumeric isprintable isspace istitle isupper join ljust lower lstrip maketrans partition removeprefix removesuffix replace rfind rindex rjust rpartition rsplit rstrip split splitlines startswith strip swapcase title translate upper zfill ",
	"list":  " append clear copy count extend index insert pop remove reverse sort ",
	"tuple": " count index ",
	"dict":  " clear copy fromkeys get items keys pop popitem setdefault update values ",
	"set":   " add clear copy difference difference_update discard intersection intersection_update isdisjoint issubset issuperset pop remove symmetric_difference symmetric_difference_update union update ",
}

func isPyMethod(typ, name string) bool {
	return strings.Contains(pyMethods[typ], " "+name+" ")
}

// method returns the bound method name of v, or nil when the extractor
// does not implement it.
func (m *module) method(at pysyntax.Node, v value.Value, name string) value.Value {
	var fn func(c *call) value.Value
	switch x := v.(type) {
	case value.Str:
		fn = strMethod(x, name)
		if m.s.enumUsed && name != "format" && name != "format_map" {
			fn = plainArgs(fn) // a str-mixin enum member argument acts as its value
		}
	case *value.List:
		fn = listMethod(x, name)
	case *value.Tuple:
		fn = seqMethod(x.Elems, name)
	case *value.Dict:
		fn = dictMethod(x, name)
	case *value.Set:
		fn = setMethod(x, name)
	}
	if fn == nil {
		return nil
	}
	return &builtin{name: typeName(v) + "." + name, fn: fn, typeName: "builtin_function_or_method"}
}

// ---- str ----

// pyIsSpace is str.isspace for one character.
func pyIsSpace(r rune) bool {
	return unicode.IsSpace(r) || r >= 0x1c && r <= 0x1f
}

// caseMap is s.upper(), s.lower()... (see pyCaseMap), refusing the
// characters whose case data Go's Unicode tables do not give as Python 3.11.
func (m *module) caseMap(at pysyntax.Node, s string, op caseOp) string {
	if isASCII(s) {
		return asciiCaseMap(s, op)
	}
	out, bad, ok := pyCaseMap(s, op)
	if !ok {
		panic(unknownSignal{m.unknown(at, "the case data of U+%04X differ between the extractor's Unicode %s tables and Python 3.11's Unicode 14.0", bad, unicode.Version)})
	}
	return out
}

// asciiCaseMap is pyCaseMap for ASCII text.
func asciiCaseMap(s string, op caseOp) string {
	b := []byte(s)
	prevCased := false
	for i, c := range b {
		lower := c >= 'a' && c <= 'z'
		upper := c >= 'A' && c <= 'Z'
		toUpper := false
		switch op {
		case caseUpper:
			toUpper = true
		case caseSwapcase:
			toUpper = lower
		case caseTitle:
			toUpper = !prevCased
		case caseCapitalize:
			toUpper = i == 0
		}
		if toUpper && lower {
			b[i] = c - 'a' + 'A'
		} else if !toUpper && upper {
			b[i] = c - 'A' + 'a'
		}
		prevCased = lower || upper
	}
	return string(b)
}

func strArg(c *call, i int, what string) string {
	v := c.arg(i)
	s, ok := v.(value.Str)
	if !ok {
		panic(c.raise("TypeError", "%s arg must be None or str", what))
	}
	return string(s)
}

// optChars reads the chars argument of strip/lstrip/rstrip.
func optChars(c *call) (string, bool) {
	c.noKwargs()
	c.arity(0, 1)
	if len(c.args) == 0 {
		return "", false
	}
	if _, ok := c.arg(0).(value.NoneType); ok {
		return "", false
	}
	s, ok := c.arg(0).(value.Str)
	if !ok {
		panic(c.raise("TypeError", "%s arg must be None or str", c.name))
	}
	return string(s), true
}

func strMethod(s value.Str, name string) func(c *call) value.Value {
	str := string(s)
	switch name {
	case "upper", "lower", "casefold", "swapcase", "title", "capitalize":
		op := map[string]caseOp{"upper": caseUpper, "lower": caseLower, "casefold": caseCasefold,
			"swapcase": caseSwapcase, "title": caseTitle, "capitalize": caseCapitalize}[name]
		return func(c *call) value.Value { c.arity(0, 0); return value.Str(c.m.caseMap(c.at, str, op)) }
	case "strip", "lstrip", "rstrip":
		return func(c *call) value.Value {
			chars, has := optChars(c)
			cut := pyIsSpace
			if has {
				cut = func(r rune) bool { return strings.ContainsRune(chars, r) }
			}
			switch name {
			case "strip":
				return value.Str(strings.TrimFunc(str, cut))
			case "lstrip":
				return value.Str(strings.TrimLeftFunc(str, cut))
			}
			return value.Str(strings.TrimRightFunc(str, cut))
		}
	case "split", "rsplit":
		return func(c *call) value.Value { return strSplit(c, str, name == "rsplit") }
	case "splitlines":
		return func(c *call) value.Value {
			c.onlyKwargs("keepends")
			keep := false
			if k, ok := c.param(0, "keepends"); ok {
				keep = c.m.truth(c.at, k)
			}
			return strList(splitLines(str, keep))
		}
	case "replace":
		return func(c *call) value.Value {
			c.noKwargs()
			c.arity(2, 3)
			old, ok1 := c.arg(0).(value.Str)
			nw, ok2 := c.arg(1).(value.Str)
			if !ok1 || !ok2 {
				panic(c.raise("TypeError", "replace() argument must be str, not %s", typeName(c.arg(0))))
			}
			n := -1
			if len(c.args) == 3 {
				i, ok := value.AsInt(c.arg(2))
				if !ok {
					panic(c.raise("TypeError", "'%s' object cannot be interpreted as an integer", typeName(c.arg(2))))
				}
				if i.IsInt64() && i.Int64() >= 0 && i.Int64() < 1<<31 {
					n = int(i.Int64())
				}
			}
			if old == "" {
				// Python inserts between code points, Go between bytes of
				// invalid UTF-8 only; both insert between characters.
				rs := []rune(str)
				cnt := len(rs) + 1
				if n >= 0 && n < cnt {
					cnt = n
				}
				c.m.checkStr(c.at, len(str)+cnt*len(nw))
			} else {
				c.m.checkStr(c.at, len(str)+strings.Count(str, string(old))*len(nw))
			}
			return value.Str(strings.Replace(str, string(old), string(nw), n))
		}
	case "join":
		return func(c *call) value.Value {
			c.noKwargs()
			c.arity(1, 1)
			elems := c.m.iterate(c.at, c.arg(0))
			parts := make([]string, len(elems))
			total := 0
			for i, e := range elems {
				es, ok := value.Plain(c.m.need(e)).(value.Str)
				if !ok {
					panic(c.raise("TypeError", "sequence item %d: expected str instance, %s found", i, typeName(e)))
				}
				parts[i] = string(es)
				total += len(es) + len(str)
			}
			c.m.checkStr(c.at, total)
			return value.Str(strings.Join(parts, str))
		}
	case "startswith", "endswith":
		return func(c *call) value.Value {
			c.noKwargs()
			c.arity(1, 3)
			sub := str
			if len(c.args) > 1 {
				rs := []rune(str)
				lo, hi := c.arg(1), value.Value(value.None)
				if len(c.args) > 2 {
					hi = c.arg(2)
				}
				idx := c.m.sliceIndices(c.at, len(rs), lo, hi, value.None)
				if len(idx) == 0 {
					sub = ""
				} else {
					sub = string(rs[idx[0] : idx[len(idx)-1]+1])
				}
			}
			test := func(p string) bool {
				if name == "startswith" {
					return strings.HasPrefix(sub, p)
				}
				return strings.HasSuffix(sub, p)
			}
			switch p := c.arg(0).(type) {
			case value.Str:
				return value.Bool(test(string(p)))
			case *value.Tuple:
				for _, e := range p.Elems {
					es, ok := c.m.need(e).(value.Str)
					if !ok {
						panic(c.raise("TypeError", "tuple for %s must only contain str, not %s", name, typeName(e)))
					}
					if test(string(es)) {
						return value.Bool(true)
					}
				}
				return value.Bool(false)
			}
			panic(c.raise("TypeError", "%s first arg must be str or a tuple of str, not %s", name, typeName(c.arg(0))))
		}
	case "format":
		return func(c *call) value.Value {
			kw := &value.Dict{}
			for _, k := range c.kwargs {
				kw.Keys = append(kw.Keys, value.Str(k.name))
				kw.Vals = append(kw.Vals, k.v)
			}
			return value.Str(c.m.strFormat(c.at, str, c.args, kw))
		}
	case "format_map":
		return func(c *call) value.Value {
			c.noKwargs()
			c.arity(1, 1)
			d, ok := c.arg(0).(*value.Dict)
			if !ok {
				return c.m.unknown(c.at, "format_map() of a %s is not supported", typeName(c.arg(0)))
			}
			return value.Str(c.m.strFormatMap(c.at, str, d))
		}
	case "zfill":
		return func(c *call) value.Value {
			c.noKwargs()
			c.arity(1, 1)
			w := intArg(c, 0)
			n := pyfmt.RuneCount(str)
			if w <= int64(n) {
				return s
			}
			c.m.checkStr(c.at, int(w))
			pad := strings.Repeat("0", int(w)-n)
			if str != "" && (str[0] == '+' || str[0] == '-') {
				return value.Str(str[:1] + pad + str[1:])
			}
			return value.Str(pad + str)
		}
	case "center", "ljust", "rjust":
		return func(c *call) value.Value {
			c.noKwargs()
			c.arity(1, 2)
			w := intArg(c, 0)
			fill := " "
			if len(c.args) == 2 {
				f, ok := c.arg(1).(value.Str)
				if !ok || pyfmt.RuneCount(string(f)) != 1 {
					panic(c.raise("TypeError", "The fill character must be exactly one character long"))
				}
				fill = string(f)
			}
			n := pyfmt.RuneCount(str)
			if w <= int64(n) {
				return s
			}
			c.m.checkStr(c.at, int(w)*len(fill))
			total := int(w) - n
			switch name {
			case "ljust":
				return value.Str(str + strings.Repeat(fill, total))
			case "rjust":
				return value.Str(strings.Repeat(fill, total) + str)
			}
			left := total / 2
			if total%2 == 1 && n%2 == 1 {
				left++
			}
			return value.Str(strings.Repeat(fill, left) + str + strings.Repeat(fill, total-left))
		}
	case "count":
		return func(c *call) value.Value {
			c.noKwargs()
			c.arity(1, 1)
			sub := strArg(c, 0, "count")
			if sub == "" {
				return value.NewInt(int64(pyfmt.RuneCount(str) + 1))
			}
			return value.NewInt(int64(strings.Count(str, sub)))
		}
	case "find", "rfind", "index", "rindex":
		return func(c *call) value.Value {
			c.noKwargs()
			c.arity(1, 1)
			sub := strArg(c, 0, name)
			var i int
			if name[0] == 'r' {
				i = strings.LastIndex(str, sub)
			} else {
				i = strings.Index(str, sub)
			}
			if i < 0 {
				if strings.HasSuffix(name, "index") {
					panic(c.raise("ValueError", "substring not found"))
				}
				return value.NewInt(-1)
			}
			return value.NewInt(int64(utf8.RuneCountInString(str[:i])))
		}
	case "partition", "rpartition":
		return func(c *call) value.Value {
			c.noKwargs()
			c.arity(1, 1)
			sep := strArg(c, 0, name)
			if sep == "" {
				panic(c.raise("ValueError", "empty separator"))
			}
			var i int
			if name == "partition" {
				i = strings.Index(str, sep)
			} else {
				i = strings.LastIndex(str, sep)
			}
			if i < 0 {
				if name == "partition" {
					return strTuple(str, "", "")
				}
				return strTuple("", "", str)
			}
			return strTuple(str[:i], sep, str[i+len(sep):])
		}
	case "removeprefix":
		return func(c *call) value.Value {
			c.noKwargs()
			c.arity(1, 1)
			return value.Str(strings.TrimPrefix(str, strArg(c, 0, name)))
		}
	case "removesuffix":
		return func(c *call) value.Value {
			c.noKwargs()
			c.arity(1, 1)
			return value.Str(strings.TrimSuffix(str, strArg(c, 0, name)))
		}
	case "isdigit", "isdecimal", "isnumeric", "isalpha", "isalnum", "isspace", "isupper", "islower", "isascii", "isidentifier":
		return func(c *call) value.Value {
			c.arity(0, 0)
			return strPredicate(c, str, name)
		}
	}
	return nil
}

func strPredicate(c *call, s, name string) value.Value {
	if name == "isascii" {
		return value.Bool(isASCII(s))
	}
	if !isASCII(s) && (name == "isupper" || name == "islower") {
		return pyIsUpperLower(c, s, name == "isupper")
	}
	if !isASCII(s) {
		return c.m.unknown(c.at, "str.%s() of non-ASCII text is not supported", name)
	}
	if s == "" && name != "isidentifier" {
		return value.Bool(false)
	}
	all := func(f func(byte) bool) value.Value {
		for i := 0; i < len(s); i++ {
			if !f(s[i]) {
				return value.Bool(false)
			}
		}
		return value.Bool(true)
	}
	digit := func(b byte) bool { return b >= '0' && b <= '9' }
	alpha := func(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }
	switch name {
	case "isdigit", "isdecimal", "isnumeric":
		return all(digit)
	case "isalpha":
		return all(alpha)
	case "isalnum":
		return all(func(b byte) bool { return digit(b) || alpha(b) })
	case "isspace":
		return all(func(b byte) bool { return pyIsSpace(rune(b)) })
	case "isidentifier":
		if s == "" || digit(s[0]) {
			return value.Bool(false)
		}
		return all(func(b byte) bool { return digit(b) || alpha(b) || b == '_' })
	}
	upper, lower := false, false
	for i := 0; i < len(s); i++ {
		upper = upper || s[i] >= 'A' && s[i] <= 'Z'
		lower = lower || s[i] >= 'a' && s[i] <= 'z'
	}
	if name == "isupper" {
		return value.Bool(upper && !lower)
	}
	return value.Bool(lower && !upper)
}

// pyIsUpperLower is CPython's str.isupper() (upper) or str.islower(): no
// character of the other case or titlecase, and at least one cased one.
func pyIsUpperLower(c *call, s string, upper bool) value.Value {
	cased := false
	for _, r := range s {
		if caseDataDiffers(r) {
			return c.m.unknown(c.at, "the case data of U+%04X differ between the extractor's Unicode %s tables and Python 3.11's Unicode 14.0", r, unicode.Version)
		}
		same, other := pyIsUpper(r), pyIsLower(r)
		if !upper {
			same, other = other, same
		}
		if other || unicode.Is(unicode.Lt, r) {
			return value.Bool(false)
		}
		cased = cased || same
	}
	return value.Bool(cased)
}

func strTuple(parts ...string) value.Value {
	t := &value.Tuple{}
	for _, p := range parts {
		t.Elems = append(t.Elems, value.Str(p))
	}
	return t
}

func strList(parts []string) *value.List {
	l := &value.List{Elems: make([]value.Value, len(parts))}
	for i, p := range parts {
		l.Elems[i] = value.Str(p)
	}
	return l
}

func intArg(c *call, i int) int64 {
	n, ok := value.AsInt(c.arg(i))
	if !ok {
		panic(c.raise("TypeError", "'%s' object cannot be interpreted as an integer", typeName(c.arg(i))))
	}
	if !n.IsInt64() {
		panic(c.raise("OverflowError", "Python int too large to convert to C ssize_t"))
	}
	return n.Int64()
}

func strSplit(c *call, s string, right bool) value.Value {
	c.onlyKwargs("sep", "maxsplit")
	c.arity(0, 2)
	sepV, hasSep := c.param(0, "sep")
	if hasSep {
		if _, none := sepV.(value.NoneType); none {
			hasSep = false
		}
	}
	max := int64(-1)
	if mv, ok := c.param(1, "maxsplit"); ok {
		n, ok := value.AsInt(mv)
		if !ok {
			panic(c.raise("TypeError", "'%s' object cannot be interpreted as an integer", typeName(mv)))
		}
		if n.IsInt64() {
			max = n.Int64()
		}
	}
	if !hasSep {
		return strList(splitWhitespace(s, max, right))
	}
	sep, ok := sepV.(value.Str)
	if !ok {
		panic(c.raise("TypeError", "must be str or None, not %s", typeName(sepV)))
	}
	if sep == "" {
		panic(c.raise("ValueError", "empty separator"))
	}
	if max < 0 {
		return strList(strings.Split(s, string(sep)))
	}
	if !right {
		return strList(strings.SplitN(s, string(sep), int(max)+1))
	}
	var parts []string
	rest := s
	for i := int64(0); i < max; i++ {
		j := strings.LastIndex(rest, string(sep))
		if j < 0 {
			break
		}
		parts = append(parts, rest[j+len(sep):])
		rest = rest[:j]
	}
	parts = append(parts, rest)
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strList(parts)
}

// splitWhitespace is str.split()/rsplit() without a separator.
func splitWhitespace(s string, max int64, right bool) []string {
	rs := []rune(s)
	var parts []string
	if !right {
		i := 0
		for {
			for i < len(rs) && pyIsSpace(rs[i]) {
				i++
			}
			if i >= len(rs) {
				break
			}
			if max >= 0 && int64(len(parts)) == max {
				parts = append(parts, string(rs[i:]))
				break
			}
			j := i
			for j < len(rs) && !pyIsSpace(rs[j]) {
				j++
			}
			parts = append(parts, string(rs[i:j]))
			i = j
		}
		if parts == nil {
			parts = []string{}
		}
		return parts
	}
	i := len(rs)
	for {
		for i > 0 && pyIsSpace(rs[i-1]) {
			i--
		}
		if i <= 0 {
			break
		}
		if max >= 0 && int64(len(parts)) == max {
			parts = append(parts, string(rs[:i]))
			break
		}
		j := i
		for j > 0 && !pyIsSpace(rs[j-1]) {
			j--
		}
		parts = append(parts, string(rs[j:i]))
		i = j
	}
	for a, b := 0, len(parts)-1; a < b; a, b = a+1, b-1 {
		parts[a], parts[b] = parts[b], parts[a]
	}
	if parts == nil {
		parts = []string{}
	}
	return parts
}

func splitLines(s string, keep bool) []string {
	var out []string
	rs := []rune(s)
	start := 0
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		brk := r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == 0x1c || r == 0x1d || r == 0x1e || r == 0x85 || r == 0x2028 || r == 0x2029
		if !brk {
			continue
		}
		end := i + 1
		if r == '\r' && i+1 < len(rs) && rs[i+1] == '\n' {
			end = i + 2
		}
		if keep {
			out = append(out, string(rs[start:end]))
		} else {
			out = append(out, string(rs[start:i]))
		}
		start = end
		i = end - 1
	}
	if start < len(rs) {
		out = append(out, string(rs[start:]))
	}
	if out == nil {
		out = []string{}
	}
	return out
}

// ---- list, tuple ----

func seqMethod(elems []value.Value, name string) func(c *call) value.Value {
	switch name {
	case "count":
		return func(c *call) value.Value {
			c.noKwargs()
			c.arity(1, 1)
			n := 0
			for _, e := range elems {
				if c.m.identical(e, c.args[0]) || c.m.equal(c.at, e, c.args[0]) {
					n++
				}
			}
			return value.NewInt(int64(n))
		}
	case "index":
		return func(c *call) value.Value {
			c.noKwargs()
			c.arity(1, 1)
			for i, e := range elems {
				if c.m.identical(e, c.args[0]) || c.m.equal(c.at, e, c.args[0]) {
					return value.NewInt(int64(i))
				}
			}
			panic(c.raise("ValueError", "%s is not in list", c.m.repr(c.at, c.args[0])))
		}
	}
	return nil
}

func listMethod(l *value.List, name string) func(c *call) value.Value {
	if f := seqMethod(l.Elems, name); f != nil {
		return f
	}
	switch name {
	case "append":
		return func(c *call) value.Value {
			c.noKwargs()
			c.arity(1, 1)
			c.m.checkLen(c.at, len(l.Elems)+1)
			l.Elems = append(l.Elems, c.args[0])
			return value.None
		}
	case "extend":
		return func(c *call) value.Value {
			c.noKwargs()
			c.arity(1, 1)
			if u, ok := c.args[0].(value.Unknown); ok {
				c.m.taintObj(l, u.Err)
				return value.None
			}
			elems := c.m.iterate(c.at, c.arg(0))
			c.m.checkLen(c.at, len(l.Elems)+len(elems))
			l.Elems = append(l.Elems, elems...)
			return value.None
		}
	case "insert":
		return func(c *call) value.Value {
			c.noKwargs()
			c.arity(2, 2)
			i := intArg(c, 0)
			n := int64(len(l.Elems))
			if i < 0 {
				i += n
				if i < 0 {
					i = 0
				}
			}
			if i > n {
				i = n
			}
			l.Elems = append(l.Elems[:i], append([]value.Value{c.args[1]}, l.Elems[i:]...)...)
			return value.None
		}
	case "pop":
		return func(c *call) value.Value {
			c.noKwargs()
			c.arity(0, 1)
			if len(l.Elems) == 0 {
				panic(c.raise("IndexError", "pop from empty list"))
			}
			i := len(l.Elems) - 1
			if len(c.args) == 1 {
				i = c.m.index(c.at, c.arg(0), len(l.Elems), "pop")
			}
			v := l.Elems[i]
			l.Elems = append(l.Elems[:i:i], l.Elems[i+1:]...)
			return v
		}
	case "remove":
		return func(c *call) value.Value {
			c.noKwargs()
			c.arity(1, 1)
			for i, e := range l.Elems {
				if c.m.identical(e, c.args[0]) || c.m.equal(c.at, e, c.args[0]) {
					l.Elems = append(l.Elems[:i:i], l.Elems[i+1:]...)
					return value.None
				}
			}
			panic(c.raise("ValueError", "list.remove(x): x not in list"))
		}
	case "reverse":
		return func(c *call) value.Value {
			c.arity(0, 0)
			for i, j := 0, len(l.Elems)-1; i < j; i, j = i+1, j-1 {
				l.Elems[i], l.Elems[j] = l.Elems[j], l.Elems[i]
			}
			return value.None
		}
	case "sort":
		return func(c *call) value.Value {
			c.onlyKwargs("key", "reverse")
			c.arity(0, 0)
			rev := false
			if r, ok := c.kw("reverse"); ok {
				rev = c.m.truth(c.at, r)
			}
			key, _ := c.kw("key")
			elems := append([]value.Value(nil), l.Elems...)
			c.m.sortByKey(c.at, elems, key, rev)
			copy(l.Elems, elems)
			return value.None
		}
	case "copy":
		return func(c *call) value.Value {
			c.arity(0, 0)
			return &value.List{Elems: append([]value.Value(nil), l.Elems...)}
		}
	case "clear":
		return func(c *call) value.Value { c.arity(0, 0); l.Elems = nil; return value.None }

	}
	return nil
}

// ---- dict ----

func dictMethod(d *value.Dict, name string) func(c *call) value.Value {
	switch name {
	case "get":
		return func(c *call) value.Value {
			c.noKwargs()
			c.arity(1, 2)
			if i := c.m.dictFind(c.at, d, c.arg(0)); i >= 0 {
				return c.m.checkTaint(d.Vals[i])
			}
			if len(c.args) == 2 {
				return c.args[1]
			}
			return value.None
		}
	case "keys":
		return func(c *call) value.Value { c.arity(0, 0); return &dictView{kind: "dict_keys", d: d} }
	case "values":
		return func(c *call) value.Value { c.arity(0, 0); return &dictView{kind: "dict_values", d: d} }
	case "items":
		return func(c *call) value.Value { c.arity(0, 0); return &dictView{kind: "dict_items", d: d} }
	case "copy":
		return func(c *call) value.Value {
			c.arity(0, 0)
			return &value.Dict{Keys: append([]value.Value(nil), d.Keys...), Vals: append([]value.Value(nil), d.Vals...)}
		}
	case "update":
		return func(c *call) value.Value {
			c.arity(0, 1)
			if len(c.args) == 1 {
				if u, ok := c.args[0].(value.Unknown); ok {
					c.m.taintObj(d, u.Err)
					return value.None
				}
				c.m.dictUpdate(c.at, d, c.arg(0))
			}
			for _, k := range c.kwargs {
				c.m.dictSet(c.at, d, value.Str(k.name), k.v)
			}
			return value.None
		}
	case "setdefault":
		return func(c *call) value.Value {
			c.noKwargs()
			c.arity(1, 2)
			if i := c.m.dictFind(c.at, d, c.arg(0)); i >= 0 {
				return d.Vals[i]
			}
			var def value.Value = value.None
			if len(c.args) == 2 {
				def = c.args[1]
			}
			c.m.dictSet(c.at, d, c.arg(0), def)
			return def
		}
	case "pop":
		return func(c *call) value.Value {
			c.noKwargs()
			c.arity(1, 2)
			if i := c.m.dictFind(c.at, d, c.arg(0)); i >= 0 {
				v := d.Vals[i]
				c.m.dictDelete(d, i)
				return v
			}
			if len(c.args) == 2 {
				return c.args[1]
			}
			panic(c.m.keyError(c.at, c.arg(0), ""))
		}
	case "clear":
		return func(c *call) value.Value {
			c.arity(0, 0)
			d.Keys, d.Vals = nil, nil
			delete(c.m.s.indexes, d)
			return value.None
		}
	}
	return nil
}

// ---- set ----

func setMethod(s *value.Set, name string) func(c *call) value.Value {
	switch name {
	case "add":
		if s.Frozen {
			return nil
		}
		return func(c *call) value.Value {
			c.noKwargs()
			c.arity(1, 1)
			if !c.m.setHas(c.at, s, c.arg(0)) {
				c.m.checkLen(c.at, len(s.Elems)+1)
				s.Elems = append(s.Elems, c.arg(0))
			}
			return value.None
		}
	case "union", "intersection", "difference", "symmetric_difference":
		op := map[string]string{"union": "|", "intersection": "&", "difference": "-", "symmetric_difference": "^"}[name]
		return func(c *call) value.Value {
			c.noKwargs()
			var res value.Value = s
			for i := range c.args {
				other := c.m.newSet(c.at, c.m.iterateUnordered(c.at, c.arg(i)), false)
				res = c.m.setOp(c.at, op, res.(*value.Set), other)
			}
			if res == value.Value(s) {
				return c.m.newSet(c.at, s.Elems, s.Frozen)
			}
			return res
		}
	case "issubset", "issuperset":
		return func(c *call) value.Value {
			c.noKwargs()
			c.arity(1, 1)
			other := c.m.newSet(c.at, c.m.iterateUnordered(c.at, c.arg(0)), false)
			a, b := s, other
			if name == "issuperset" {
				a, b = other, s
			}
			for _, e := range a.Elems {
				if !c.m.setHas(c.at, b, e) {
					return value.Bool(false)
				}
			}
			return value.Bool(true)
		}
	case "copy":
		return func(c *call) value.Value { c.arity(0, 0); return c.m.newSet(c.at, s.Elems, s.Frozen) }
	}
	return nil
}
