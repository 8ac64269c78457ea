package checkversion

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// Version is a PEP 440 version, normalized as Python's packaging.version
// normalizes it. Numbers are kept as decimal strings without leading zeros,
// so that any size compares correctly.
type Version struct {
	Epoch   string
	Release []string
	PreL    string // "", "a", "b" or "rc"
	PreN    string
	Post    string // "" when there is no post-release
	Dev     string // "" when there is no dev-release
	HasPost bool
	HasDev  bool
	Local   []string // lowercase; numeric parts without leading zeros
}

// versionPattern is PEP 440's canonical regular expression (as packaging
// uses it), anchored and case-insensitive; Parse strips surrounding
// whitespace first, as packaging's \s* does.
var versionPattern = regexp.MustCompile(`(?i)^v?` +
	`(?:(?P<epoch>[0-9]+)!)?` +
	`(?P<release>[0-9]+(?:\.[0-9]+)*)` +
	`(?P<pre>[-_.]?(?P<pre_l>alpha|beta|preview|pre|rc|a|b|c)[-_.]?(?P<pre_n>[0-9]+)?)?` +
	`(?P<post>(?:-(?P<post_n1>[0-9]+))|(?:[-_.]?(?P<post_l>post|rev|r)[-_.]?(?P<post_n2>[0-9]+)?))?` +
	`(?P<dev>[-_.]?(?P<dev_l>dev)[-_.]?(?P<dev_n>[0-9]+)?)?` +
	`(?:\+(?P<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?$`)

// isPythonSpace is str.isspace(): Go's unicode.IsSpace plus the ASCII
// separators U+001C..U+001F.
func isPythonSpace(r rune) bool { return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f) }

// Parse reads a PEP 440 version: epochs ("1!2.0"), pre-releases (a, b, rc
// and their spellings alpha, beta, c, pre, preview), post-releases
// (".post1", "-1", "rev", "r"), dev-releases, local versions ("+ubuntu.1"),
// with the separators and case PEP 440 allows.
func Parse(s string) (Version, error) {
	m := versionPattern.FindStringSubmatch(strings.TrimFunc(s, isPythonSpace))
	if m == nil {
		return Version{}, fmt.Errorf("invalid PEP 440 version %q", s)
	}
	group := func(name string) string { return m[versionPattern.SubexpIndex(name)] }
	v := Version{Epoch: normNum(group("epoch"))}
	for _, part := range strings.Split(group("release"), ".") {
		v.Release = append(v.Release, normNum(part))
	}
	if l := strings.ToLower(group("pre_l")); l != "" {
		switch l {
		case "alpha":
			l = "a"
		case "beta":
			l = "b"
		case "c", "pre", "preview":
			l = "rc"
		}
		v.PreL, v.PreN = l, normNum(group("pre_n"))
	}
	if group("post") != "" {
		v.HasPost = true
		v.Post = normNum(group("post_n1") + group("post_n2"))
	}
	if group("dev") != "" {
		v.HasDev = true
		v.Dev = normNum(group("dev_n"))
	}
	if local := group("local"); local != "" {
		for _, part := range strings.FieldsFunc(strings.ToLower(local), func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
			if isDigits(part) {
				part = normNum(part)
			}
			v.Local = append(v.Local, part)
		}
	}
	return v, nil
}

// String is the normalized form, as str(packaging.version.Version(s)).
func (v Version) String() string {
	var b strings.Builder
	if v.Epoch != "0" {
		b.WriteString(v.Epoch + "!")
	}
	b.WriteString(strings.Join(v.Release, "."))
	if v.PreL != "" {
		b.WriteString(v.PreL + v.PreN)
	}
	if v.HasPost {
		b.WriteString(".post" + v.Post)
	}
	if v.HasDev {
		b.WriteString(".dev" + v.Dev)
	}
	if len(v.Local) > 0 {
		b.WriteString("+" + strings.Join(v.Local, "."))
	}
	return b.String()
}

// Compare orders versions as packaging.version does: -1 when a < b, 0 when
// equal, +1 when a > b. Trailing zeros of the release do not count
// (1.0 == 1.0.0); a dev-release of a final comes before its pre-releases;
// a local version sorts after the same version without one.
func Compare(a, b Version) int {
	if c := cmpNum(a.Epoch, b.Epoch); c != 0 {
		return c
	}
	if c := cmpRelease(a.Release, b.Release); c != 0 {
		return c
	}
	if c := cmpPre(a, b); c != 0 {
		return c
	}
	// No post-release sorts before any post-release.
	if c := cmpOptional(a.HasPost, a.Post, b.HasPost, b.Post, -1); c != 0 {
		return c
	}
	// No dev-release sorts after any dev-release.
	if c := cmpOptional(a.HasDev, a.Dev, b.HasDev, b.Dev, +1); c != 0 {
		return c
	}
	return cmpLocal(a.Local, b.Local)
}

func cmpRelease(a, b []string) int {
	a, b = trimZeros(a), trimZeros(b)
	for i := 0; i < len(a) && i < len(b); i++ {
		if c := cmpNum(a[i], b[i]); c != 0 {
			return c
		}
	}
	return cmpInt(len(a), len(b))
}

func trimZeros(r []string) []string {
	n := len(r)
	for n > 0 && r[n-1] == "0" {
		n--
	}
	return r[:n]
}

// cmpPre ranks the pre-release part: a dev-only final (1.0.dev0) below
// every pre-release, then a < b < rc by number, then no pre-release.
func cmpPre(a, b Version) int {
	rank := func(v Version) int {
		switch {
		case v.PreL == "" && !v.HasPost && v.HasDev:
			return 0
		case v.PreL == "":
			return 4
		case v.PreL == "a":
			return 1
		case v.PreL == "b":
			return 2
		default:
			return 3
		}
	}
	ra, rb := rank(a), rank(b)
	if ra != rb {
		return cmpInt(ra, rb)
	}
	if ra == 0 || ra == 4 {
		return 0
	}
	return cmpNum(a.PreN, b.PreN)
}

// cmpOptional compares optional numbers; missing sorts as missingSign
// (-1: below any number, +1: above).
func cmpOptional(hasA bool, a string, hasB bool, b string, missingSign int) int {
	switch {
	case hasA && hasB:
		return cmpNum(a, b)
	case hasA == hasB:
		return 0
	case !hasA:
		return missingSign
	default:
		return -missingSign
	}
}

// cmpLocal: none sorts first; segment by segment, numbers compare as
// numbers and sort above strings; a shorter prefix sorts first.
func cmpLocal(a, b []string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		da, db := isDigits(a[i]), isDigits(b[i])
		switch {
		case da && db:
			if c := cmpNum(a[i], b[i]); c != 0 {
				return c
			}
		case da:
			return 1
		case db:
			return -1
		default:
			if c := strings.Compare(a[i], b[i]); c != 0 {
				return c
			}
		}
	}
	return cmpInt(len(a), len(b))
}

// normNum drops leading zeros; "" (an omitted number) is 0.
func normNum(s string) string {
	s = strings.TrimLeft(s, "0")
	if s == "" {
		return "0"
	}
	return s
}

func cmpNum(a, b string) int {
	if c := cmpInt(len(a), len(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
