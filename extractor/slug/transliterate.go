package slug

import (
	_ "embed"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/mozillazg/go-unidecode"
)

// textUnidecodeOverrides lists the code point ranges where go-unidecode's
// table differs from text-unidecode 1.3 (the transliterator python-slugify
// uses), with text-unidecode's replacement. Each line is
// "FIRST LAST QUOTED", hexadecimal code points and a Go-quoted string.
// TestTransliterationMatchesTextUnidecode checks the whole Basic
// Multilingual Plane against text-unidecode and rewrites this file with
// -update.
//
//go:embed textunidecode_overrides.txt
var textUnidecodeOverrides string

type overrideRange struct {
	first, last rune
	repl        string
}

// overrides parses textUnidecodeOverrides once; the result is read-only.
var overrides = sync.OnceValue(func() []overrideRange {
	out, err := parseOverrides(textUnidecodeOverrides)
	if err != nil {
		panic(fmt.Sprintf("slug: embedded textunidecode_overrides.txt: %v", err))
	}
	return out
})

func parseOverrides(text string) ([]overrideRange, error) {
	var out []overrideRange
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, " ", 3)
		if len(parts) != 3 {
			return nil, fmt.Errorf("line %d: want FIRST LAST QUOTED, got %q", i+1, line)
		}
		first, err1 := strconv.ParseUint(parts[0], 16, 32)
		last, err2 := strconv.ParseUint(parts[1], 16, 32)
		repl, err3 := strconv.Unquote(parts[2])
		if err1 != nil || err2 != nil || err3 != nil || last < first {
			return nil, fmt.Errorf("line %d: malformed range %q", i+1, line)
		}
		if n := len(out); n > 0 && rune(first) <= out[n-1].last {
			return nil, fmt.Errorf("line %d: ranges out of order", i+1)
		}
		out = append(out, overrideRange{first: rune(first), last: rune(last), repl: repl})
	}
	return out, nil
}

// transliterateRune returns text-unidecode's replacement for r: r itself
// for ASCII, "" beyond the Basic Multilingual Plane (text-unidecode's table
// ends there), otherwise its table entry.
func transliterateRune(r rune) string {
	if r < 0x7f {
		return string(r)
	}
	if r > 0xffff {
		return ""
	}
	ov := overrides()
	i := sort.Search(len(ov), func(i int) bool { return ov[i].last >= r })
	if i < len(ov) && ov[i].first <= r {
		return ov[i].repl
	}
	return unidecode.Unidecode(string(r))
}
