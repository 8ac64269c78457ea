// Package slug reproduces python-slugify 8.0.1's slugify(text) with its
// default arguments (separator "-", text-unidecode transliteration), which
// the original tool used for every name it derived.
package slug

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Make returns python-slugify's slugify(s). Its stages, in python-slugify's
// order: runs of apostrophes become "-"; each character is transliterated to
// ASCII as text-unidecode does; HTML named, decimal and hexadecimal character
// references are decoded (after transliteration, so what they decode to is
// not transliterated); NFKD normalization; lowercase; apostrophes removed;
// commas between two digits removed; every run of characters outside
// [-a-zA-Z0-9] becomes "-"; runs of "-" collapse; "-" trimmed at both ends.
// Invalid UTF-8 bytes in s are read as U+FFFD.
func Make(s string) string {
	s = replaceQuoteRuns(s, "-")
	s = transliterate(s)
	s = decodeNamedEntities(s)
	s = decodeNumericReferences(s, "&#", 10)
	s = decodeNumericReferences(s, "&#x", 16)
	s = norm.NFKD.String(s)
	s = asciiLower(s)
	s = replaceQuoteRuns(s, "")
	s = dropCommasBetweenDigits(s)
	return dashRuns(s)
}

// replaceQuoteRuns replaces every run of "'" with repl.
func replaceQuoteRuns(s, repl string) string {
	if !strings.Contains(s, "'") {
		return s
	}
	var b strings.Builder
	inRun := false
	for _, r := range s {
		if r == '\'' {
			if !inRun {
				b.WriteString(repl)
			}
			inRun = true
			continue
		}
		inRun = false
		b.WriteRune(r)
	}
	return b.String()
}

// transliterate maps each character as text-unidecode 1.3 does.
func transliterate(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf || s[i] == 0x7f {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		b.WriteString(transliterateRune(r))
	}
	return b.String()
}

// decodeNamedEntities replaces "&name;" for each HTML 4 entity name in one
// left-to-right pass, as re.sub does (replacements are not rescanned).
func decodeNamedEntities(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	var b strings.Builder
	for {
		amp := strings.IndexByte(s, '&')
		if amp < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:amp])
		rest := s[amp+1:]
		// An entity name never holds ';' or '&', so the only candidate
		// starting here ends at the next ';'.
		if semi := strings.IndexAny(rest, ";&"); semi >= 0 && rest[semi] == ';' {
			if r, ok := htmlEntities[rest[:semi]]; ok {
				b.WriteRune(r)
				s = rest[semi+1:]
				continue
			}
		}
		b.WriteByte('&')
		s = rest
	}
}

// decodeNumericReferences replaces prefix+digits+";" with the character of
// that code point. Like python-slugify, which wraps the whole re.sub in a
// try/except, it is all or nothing: when any reference is beyond U+10FFFF
// (chr raises), the text is left as it was. Digits are ASCII here: the text
// is ASCII after transliteration apart from decoded named entities, none of
// which is a decimal digit.
func decodeNumericReferences(s, prefix string, base int) string {
	if !strings.Contains(s, prefix) {
		return s
	}
	isDigit := func(c byte) bool {
		switch {
		case c >= '0' && c <= '9':
			return true
		case base == 16:
			return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
		}
		return false
	}
	var b strings.Builder
	rest := s
	for {
		at := strings.Index(rest, prefix)
		if at < 0 {
			b.WriteString(rest)
			return b.String()
		}
		b.WriteString(rest[:at])
		digits := rest[at+len(prefix):]
		n := 0
		for n < len(digits) && isDigit(digits[n]) {
			n++
		}
		if n == 0 || n == len(digits) || digits[n] != ';' {
			b.WriteByte(rest[at])
			rest = rest[at+1:]
			continue
		}
		significant := strings.TrimLeft(digits[:n], "0")
		if len(significant) > 7 { // more than U+10FFFF in either base
			return s
		}
		cp, err := strconv.ParseUint("0"+significant, base, 32)
		if err != nil || cp > unicode.MaxRune {
			return s
		}
		r := rune(cp)
		if r >= 0xD800 && r <= 0xDFFF {
			// Python makes a lone surrogate; it is not [-a-zA-Z0-9], so
			// any non-ASCII stand-in yields the same slug.
			r = utf8.RuneError
		}
		b.WriteRune(r)
		rest = digits[n+1:]
	}
}

// asciiLower lowercases ASCII letters. Python lowercases every letter, but
// after NFKD the only characters whose lowercase is ASCII (U+0130, U+212A)
// are already decomposed, and any other non-ASCII letter becomes "-" either
// way.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, s)
}

// dropCommasBetweenDigits removes each "," whose neighbours in the input are
// both decimal digits (Unicode Nd, as Python's \d), like
// re.sub(r'(?<=\d),(?=\d)', ”, s).
func dropCommasBetweenDigits(s string) string {
	if !strings.Contains(s, ",") {
		return s
	}
	rs := []rune(s)
	out := make([]rune, 0, len(rs))
	for i, r := range rs {
		if r == ',' && i > 0 && i+1 < len(rs) && unicode.IsDigit(rs[i-1]) && unicode.IsDigit(rs[i+1]) {
			continue
		}
		out = append(out, r)
	}
	return string(out)
}

// dashRuns turns every run of characters outside [-a-zA-Z0-9] into "-",
// collapses runs of "-" and trims "-" at both ends.
func dashRuns(s string) string {
	var b strings.Builder
	pendingDash := false
	for _, r := range s {
		allowed := r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
		if !allowed {
			pendingDash = true
			continue
		}
		if pendingDash && b.Len() > 0 {
			b.WriteByte('-')
		}
		pendingDash = false
		b.WriteRune(r)
	}
	return b.String()
}
