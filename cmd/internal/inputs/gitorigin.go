package inputs

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// GitOrigin is the URL of a checkout's origin remote, read from the
// repository's git config without running git or using the network, as
// the original's `git ls-remote --get-url origin` gave it.
type GitOrigin struct {
	URL string
	// Config is the config file it came from.
	Config string
	// Stripped reports that credentials were removed from the URL.
	Stripped bool
}

// errNoCheckout marks a folder that is not inside a git checkout.
var errNoCheckout = errors.New("not inside a git checkout")

// ReadGitOrigin finds the git repository dir is in (walking up to a .git
// folder, or a .git file of a linked worktree or submodule), reads its
// config (the common one for worktrees) and returns remote.origin.url with
// url.<base>.insteadOf rewriting applied, as git ls-remote --get-url does.
// Credentials in an http(s) URL are removed: the URL goes into the plan.
func ReadGitOrigin(dir string) (GitOrigin, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return GitOrigin{}, err
	}
	gitDir, err := findGitDir(abs)
	if err != nil {
		return GitOrigin{}, err
	}
	common := gitDir
	if b, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
		c := strings.TrimSpace(string(b))
		if !filepath.IsAbs(c) {
			c = filepath.Join(gitDir, c)
		}
		common = filepath.Clean(c)
	}
	config := filepath.Join(common, "config")
	b, err := os.ReadFile(config)
	if err != nil {
		return GitOrigin{}, fmt.Errorf("reading the git config: %w", err)
	}
	cfg, err := parseGitConfig(b)
	if err != nil {
		return GitOrigin{}, fmt.Errorf("%s: %w", config, err)
	}
	raw, ok := cfg.first("remote", "origin", "url")
	if !ok || raw == "" {
		return GitOrigin{}, fmt.Errorf("the git repository of %s (%s) has no origin remote", abs, config)
	}
	u, stripped := stripCredentials(cfg.rewrite(raw))
	return GitOrigin{URL: u, Config: config, Stripped: stripped}, nil
}

// findGitDir walks up from dir to the first folder holding .git.
func findGitDir(dir string) (string, error) {
	for d := dir; ; {
		p := filepath.Join(d, ".git")
		fi, err := os.Stat(p)
		switch {
		case err == nil && fi.IsDir():
			return p, nil
		case err == nil:
			// A linked worktree or submodule: "gitdir: <path>".
			b, err := os.ReadFile(p)
			if err != nil {
				return "", err
			}
			line, _, _ := strings.Cut(string(b), "\n")
			target, ok := strings.CutPrefix(strings.TrimSpace(line), "gitdir:")
			if !ok {
				return "", fmt.Errorf("%s is not a gitdir file", p)
			}
			target = strings.TrimSpace(target)
			if !filepath.IsAbs(target) {
				target = filepath.Join(d, target)
			}
			return filepath.Clean(target), nil
		case !errors.Is(err, fs.ErrNotExist):
			return "", err
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("%s: %w", dir, errNoCheckout)
		}
		d = parent
	}
}

// gitConfig holds the entries of a git config file in order, keyed by
// "section.subsection.key" (section and key lowercased, the subsection as
// written).
type gitConfig struct {
	entries []gitEntry
}

type gitEntry struct {
	section, subsection, key, value string
}

func (c *gitConfig) first(section, subsection, key string) (string, bool) {
	for _, e := range c.entries {
		if e.section == section && e.subsection == subsection && e.key == key {
			return e.value, true
		}
	}
	return "", false
}

// rewrite applies the longest matching url.<base>.insteadOf prefix.
func (c *gitConfig) rewrite(u string) string {
	best, base := "", ""
	for _, e := range c.entries {
		if e.section == "url" && e.key == "insteadof" && strings.HasPrefix(u, e.value) && len(e.value) > len(best) {
			best, base = e.value, e.subsection
		}
	}
	if best == "" {
		return u
	}
	return base + strings.TrimPrefix(u, best)
}

// parseGitConfig reads git's config syntax: [section], [section
// "subsection"], the old [section.subsection], key = value lines with
// quotes, escapes, comments (# and ;) and backslash continuations.
func parseGitConfig(b []byte) (*gitConfig, error) {
	cfg := &gitConfig{}
	var section, subsection string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	lineNo := 0
	for sc.Scan() {
		lineNo++
		line := strings.TrimSpace(sc.Text())
		for strings.HasSuffix(line, `\`) && !strings.HasSuffix(line, `\\`) && sc.Scan() {
			lineNo++
			line = strings.TrimSuffix(line, `\`) + sc.Text()
		}
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if line[0] == '[' {
			end := strings.LastIndexByte(line, ']')
			if end < 0 {
				return nil, fmt.Errorf("line %d: section header without ']'", lineNo)
			}
			head := strings.TrimSpace(line[1:end])
			if name, sub, ok := strings.Cut(head, " "); ok {
				section = strings.ToLower(name)
				sub = strings.TrimSpace(sub)
				sub = strings.TrimSuffix(strings.TrimPrefix(sub, `"`), `"`)
				subsection = strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(sub)
			} else if name, sub, ok := strings.Cut(head, "."); ok {
				section, subsection = strings.ToLower(name), strings.ToLower(sub)
			} else {
				section, subsection = strings.ToLower(head), ""
			}
			rest := strings.TrimSpace(line[end+1:])
			if rest == "" || rest[0] == '#' || rest[0] == ';' {
				continue
			}
			line = rest // key = value on the header's line
		}
		key, value, hasValue := strings.Cut(line, "=")
		key = strings.ToLower(strings.TrimSpace(key))
		if !hasValue {
			value = "true"
		}
		cfg.entries = append(cfg.entries, gitEntry{section: section, subsection: subsection, key: key, value: unquoteGitValue(value)})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// unquoteGitValue reads a value: quoted parts keep their spaces and
// comment characters, \" \\ \n \t escapes, an unquoted # or ; starts a
// comment, and surrounding space goes.
func unquoteGitValue(v string) string {
	var b strings.Builder
	inQuote := false
	pendingSpace := ""
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '"':
			inQuote = !inQuote
			continue
		case c == '\\' && i+1 < len(v):
			i++
			b.WriteString(pendingSpace)
			pendingSpace = ""
			switch v[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			default:
				b.WriteByte(v[i])
			}
			continue
		case !inQuote && (c == '#' || c == ';'):
			return strings.TrimSpace(b.String())
		case !inQuote && (c == ' ' || c == '\t'):
			if b.Len() > 0 {
				pendingSpace += string(c)
			}
			continue
		}
		b.WriteString(pendingSpace)
		pendingSpace = ""
		b.WriteByte(c)
	}
	return b.String()
}

// stripCredentials removes the user information of an http(s) URL (a
// token or a password must not end up in a plan); ssh URLs keep their
// user name.
func stripCredentials(raw string) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.User == nil {
		return raw, false
	}
	u.User = nil
	return u.String(), true
}
