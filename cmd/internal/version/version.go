// Package version holds flowplan's version, recorded as the generator of
// every plan the commands write, and describes the running binary from its
// build information for --version.
package version

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// Version is flowplan's release version. Plans record it as their
// generator (not the module version from the build information, which
// changes with every commit and would make plans of the same inputs
// differ).
const Version = "0.1.0"

// Describe returns the --version line of program from the binary's build
// information: the module version it was built at (go install ...@v1.2.3
// gives v1.2.3), else flowplan's release version, then the commit, whether
// the work tree was modified, and the Go version. For example:
//
//	flowspec-extract v0.1.0 (commit 2caf3a1 2026-12-06T00:17:00Z, modified; go1.26.8)
func Describe(program string) string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return fmt.Sprintf("%s %s (no build information)", program, Version)
	}
	return describe(program, bi)
}

func describe(program string, bi *debug.BuildInfo) string {
	v := bi.Main.Version
	if v == "" || v == "(devel)" {
		v = "v" + Version + "-devel"
	}
	var details []string
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	if rev := settings["vcs.revision"]; rev != "" {
		commit := "commit " + rev[:min(len(rev), 12)]
		if t := settings["vcs.time"]; t != "" {
			commit += " " + t
		}
		details = append(details, commit)
	}
	if settings["vcs.modified"] == "true" {
		details = append(details, "modified")
	}
	suffix := bi.GoVersion
	if len(details) > 0 {
		suffix = strings.Join(details, ", ") + "; " + suffix
	}
	return fmt.Sprintf("%s %s (%s)", program, v, suffix)
}
