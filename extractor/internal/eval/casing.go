package eval

import (
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/language"
)

// CPython's str case methods (Objects/unicodeobject.c, 3.11) apply the full
// case mappings of UnicodeData and SpecialCasing (ß -> SS, ﬁ -> FI,
// İ -> i̇), with one context rule, the final sigma of lower(). The per-
// character full mappings come from golang.org/x/text/cases applied to one
// character at a time (so none of its own context or word rules apply);
// the properties that decide title() and the final sigma come from Go's
// unicode tables. Characters whose data differ between those tables
// (Unicode 15) and Python 3.11's (Unicode 14) are refused, see
// caseDataDiffers.

// caseOp is one of str's case methods.
type caseOp int

const (
	caseUpper caseOp = iota
	caseLower
	caseCasefold
	caseSwapcase
	caseTitle
	caseCapitalize
)

// casers holds the x/text casers of one case mapping call (they are not
// safe for concurrent use).
type casers struct {
	upper, lower, title, fold cases.Caser
}

func newCasers() *casers {
	return &casers{
		upper: cases.Upper(language.Und),
		lower: cases.Lower(language.Und),
		title: cases.Title(language.Und),
		fold:  cases.Fold(),
	}
}

// pyCaseMap is s.upper(), s.lower()... as CPython 3.11 computes it. It
// returns ok=false and the offending character when s holds a character
// whose case data Go's tables do not give as Python 3.11 does.
func pyCaseMap(s string, op caseOp) (out string, bad rune, ok bool) {
	rs := []rune(s)
	for _, r := range rs {
		if caseDataDiffers(r) {
			return "", r, false
		}
	}
	return newCasers().mapRunes(rs, op), 0, true
}

// mapRunes applies op to rs with Go's data, whatever caseDataDiffers says.
func (c *casers) mapRunes(rs []rune, op caseOp) string {
	var b strings.Builder
	b.Grow(len(rs))
	prevCased := false
	for i, r := range rs {
		switch op {
		case caseUpper:
			b.WriteString(c.upper.String(string(r)))
		case caseLower:
			b.WriteString(c.lowerAt(rs, i))
		case caseCasefold:
			if r >= 0x13A0 && r <= 0x13F5 {
				// Cherokee folds to its uppercase (CaseFolding.txt maps
				// the lowercase letters up), where x/text gives the
				// lowercase.
				b.WriteRune(r)
				continue
			}
			b.WriteString(c.fold.String(string(r)))
		case caseSwapcase:
			switch {
			case pyIsUpper(r):
				b.WriteString(c.lowerAt(rs, i))
			case pyIsLower(r):
				b.WriteString(c.upper.String(string(r)))
			default:
				b.WriteRune(r)
			}
		case caseTitle:
			if prevCased {
				b.WriteString(c.lowerAt(rs, i))
			} else {
				b.WriteString(c.title.String(string(r)))
			}
			prevCased = pyIsCased(r)
		case caseCapitalize:
			if i == 0 {
				b.WriteString(c.title.String(string(r)))
			} else {
				b.WriteString(c.lowerAt(rs, i))
			}
		}
	}
	return b.String()
}

// lowerAt is the full lowercase of rs[i], with CPython's final sigma rule
// for U+03A3: ς when a cased character precedes it and none follows it,
// case-ignorable characters skipped on both sides.
func (c *casers) lowerAt(rs []rune, i int) string {
	if rs[i] != 'Σ' {
		return c.lower.String(string(rs[i]))
	}
	j := i - 1
	for j >= 0 && pyIsCaseIgnorable(rs[j]) {
		j--
	}
	final := j >= 0 && pyIsCased(rs[j])
	if final {
		j = i + 1
		for j < len(rs) && pyIsCaseIgnorable(rs[j]) {
			j++
		}
		final = j == len(rs) || !pyIsCased(rs[j])
	}
	if final {
		return "ς"
	}
	return "σ"
}

// pyIsUpper is Unicode's Uppercase property (Py_UNICODE_ISUPPER).
func pyIsUpper(r rune) bool { return unicode.In(r, unicode.Lu, unicode.Other_Uppercase) }

// pyIsLower is Unicode's Lowercase property (Py_UNICODE_ISLOWER).
func pyIsLower(r rune) bool { return unicode.In(r, unicode.Ll, unicode.Other_Lowercase) }

// pyIsCased is Unicode's Cased property (_PyUnicode_IsCased).
func pyIsCased(r rune) bool { return pyIsUpper(r) || pyIsLower(r) || unicode.Is(unicode.Lt, r) }

// pyIsCaseIgnorable is Unicode's Case_Ignorable property
// (_PyUnicode_IsCaseIgnorable): marks, format characters, modifiers, and
// the Word_Break MidLetter, MidNumLet and Single_Quote characters.
func pyIsCaseIgnorable(r rune) bool {
	switch r {
	case '\'', '.', ':', 0xB7, 0x387, 0x55F, 0x5F4, 0x2018, 0x2019, 0x2024, 0x2027, 0xFE13, 0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A:
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}

// caseDataDiffs are the characters (inclusive ranges) whose case mappings
// or case properties in Go's Unicode 15 tables differ from Python 3.11's
// Unicode 14 data; TestCaseMappingsMatchCPython keeps this list exact.
var caseDataDiffs = [][2]rune{
	{0xECE, 0xECE}, {0x10FC, 0x10FC}, {0xA7F2, 0xA7F4}, {0xAB69, 0xAB69},
	{0x10EFD, 0x10EFF}, {0x11241, 0x11241}, {0x11F00, 0x11F01}, {0x11F36, 0x11F3A},
	{0x11F40, 0x11F40}, {0x11F42, 0x11F42}, {0x13439, 0x13440}, {0x13447, 0x13455},
	{0x1DF25, 0x1DF2A}, {0x1E030, 0x1E06D}, {0x1E08F, 0x1E08F}, {0x1E4EB, 0x1E4EF},
}

// caseDataDiffers reports whether r is one of caseDataDiffs.
func caseDataDiffers(r rune) bool {
	if r < 0x80 {
		return false
	}
	i := sort.Search(len(caseDataDiffs), func(i int) bool { return caseDataDiffs[i][1] >= r })
	return i < len(caseDataDiffs) && caseDataDiffs[i][0] <= r
}
