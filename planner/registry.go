package planner

import (
	"fmt"
	"regexp"
	"strings"
)

// The grammar of a registry given as HOST[/PREFIX], after Docker's image
// reference grammar: a host name (or IPv4 address, or IPv6 address in
// brackets) with an optional port, then path components of lowercase
// letters and digits joined by ".", "_", "__" or dashes.
var (
	registryHostPattern = regexp.MustCompile(`^(?:(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])(?:\.(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]))*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$`)
	registryPathPattern = regexp.MustCompile(`^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$`)
)

// ParseRegistry checks a registry given as HOST[/PREFIX] (for example
// registry.example.com:5000/data-team) and returns it without a trailing
// slash. The images are pushed to HOST/PREFIX/<repository>.
//
// HOST must read as a registry host to docker: it holds a dot or a port,
// or is localhost; otherwise docker would take it for a Docker Hub
// account. A scheme, a tag or a digest is refused.
func ParseRegistry(s string) (string, error) {
	v := strings.TrimSuffix(strings.TrimSpace(s), "/")
	if v == "" {
		return "", fmt.Errorf("registry %q is empty: give HOST[/PREFIX], like registry.example.com:5000/data-team", s)
	}
	if strings.Contains(v, "://") {
		return "", fmt.Errorf("registry %q: give HOST[/PREFIX] without a scheme, like registry.example.com/data-team", s)
	}
	host, prefix, _ := strings.Cut(v, "/")
	if !registryHostPattern.MatchString(host) {
		return "", fmt.Errorf("registry %q: %q is not a host name with an optional :port", s, host)
	}
	if !strings.ContainsAny(host, ".:") && host != "localhost" {
		return "", fmt.Errorf("registry %q: docker would read %q as a Docker Hub account, not a registry host: give a host with a dot or a port, or localhost", s, host)
	}
	if prefix != "" {
		for _, part := range strings.Split(prefix, "/") {
			if !registryPathPattern.MatchString(part) {
				return "", fmt.Errorf("registry %q: prefix component %q must be lowercase letters and digits, separated by '.', '_', '__' or '-'", s, part)
			}
		}
	}
	return v, nil
}
