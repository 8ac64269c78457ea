package differential

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
)

// Known is a disagreement between the extractor and CPython that is
// understood and reported, but not yet fixed (it belongs to another
// package). The differential test tolerates mismatches that Match, and
// fails when a known one stops occurring, so the list stays true.
type Known struct {
	Name  string `json:"name"`
	Match string `json:"match"` // a regexp matched against the mismatch report
	Why   string `json:"why"`
	// Cases are the hand-written repro files (paths relative to the cases
	// project) that must show it.
	Cases []string `json:"cases"`
	// Generated tells that the default generated run (seed 1, 2,000 cases)
	// must show it too; any generated run tolerates it.
	Generated bool `json:"generated"`

	re *regexp.Regexp
}

// LoadKnown reads the known-mismatch list (testdata/differential/known_mismatches.json).
func LoadKnown(path string) ([]*Known, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading known mismatches: %w", err)
	}
	var ks []*Known
	if err := json.Unmarshal(b, &ks); err != nil {
		return nil, fmt.Errorf("decoding %s: %w", path, err)
	}
	for _, k := range ks {
		if k.re, err = regexp.Compile(k.Match); err != nil {
			return nil, fmt.Errorf("%s: known mismatch %q: %w", path, k.Name, err)
		}
	}
	return ks, nil
}

// Which returns the known mismatch that explains report, or nil.
func Which(ks []*Known, report string) *Known {
	for _, k := range ks {
		if k.re.MatchString(report) {
			return k
		}
	}
	return nil
}
