package differential

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"

	"github.com/flowplan/flowplan/extractor/spec"
)

// PythonFile is lift.py's entry for one flow file: the `--specs-only` entry
// shape plus the field paths (pydantic locs) that validation rejected.
type PythonFile struct {
	Path        string          `json:"path"`
	Status      spec.Status     `json:"status"`
	Errors      []string        `json:"errors"`
	Warnings    []string        `json:"warnings"`
	Spec        json.RawMessage `json:"spec"`
	ErrorFields [][]any         `json:"error_fields"`
	Traceback   string          `json:"traceback,omitempty"`
}

// PythonProject is lift.py's output line for one project directory.
type PythonProject struct {
	Project string       `json:"project"`
	Error   *string      `json:"error"`
	Files   []PythonFile `json:"files"`
}

// Project names one project directory for lift.py and the deployment type
// CommonSettings must see there.
type Project struct {
	Dir            string
	DeploymentType string
}

// Lifter runs testdata/differential/lift.py with one CPython process for
// many projects.
type Lifter struct {
	Python string   // the interpreter, e.g. "python3"
	Script string   // path of lift.py
	Env    []string // the whole environment the flow files see ("K=V")
}

// Lift returns lift.py's result for each project, in the order given.
func (l Lifter) Lift(ctx context.Context, projects []Project) ([]PythonProject, error) {
	args := []string{l.Script}
	last := ""
	for _, p := range projects {
		if p.DeploymentType != last {
			args = append(args, "--deployment-type", p.DeploymentType)
			last = p.DeploymentType
		}
		args = append(args, p.Dir)
	}
	cmd := exec.CommandContext(ctx, l.Python, args...)
	cmd.Env = l.Env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("running %s %s: %w\n%s", l.Python, l.Script, err, tail(stderr.String(), 4000))
	}
	out := make([]PythonProject, 0, len(projects))
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	for sc.Scan() {
		var p PythonProject
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			return nil, fmt.Errorf("decoding lift.py output line %d: %w", len(out)+1, err)
		}
		out = append(out, p)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading lift.py output: %w", err)
	}
	if len(out) != len(projects) {
		return nil, fmt.Errorf("lift.py printed %d projects for %d given\n%s", len(out), len(projects), tail(stderr.String(), 4000))
	}
	return out, nil
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

// CompareFile compares the Go extractor's result for one flow file with
// CPython's. It returns "" when they agree: the same status; for "ok", equal
// lifted specs (the first differing JSON path is reported otherwise) and as
// many unknown-keyword warnings; for "error", the Go errors name at least one
// of the fields CPython's validation rejected (when it named any).
func CompareFile(got spec.FileResult, want PythonFile) (string, error) {
	if got.Status != want.Status {
		return fmt.Sprintf("status %s, CPython says %s\n  Go errors: %s\n  CPython errors: %s%s",
			got.Status, want.Status, strings.Join(got.Errors, "\n    "), strings.Join(want.Errors, "\n    "),
			indentTraceback(want.Traceback)), nil
	}
	switch want.Status {
	case spec.StatusOK:
		gotJSON, err := json.Marshal(got.Spec)
		if err != nil {
			return "", fmt.Errorf("encoding the Go spec of %s: %w", got.Path, err)
		}
		// spec.Schedule.IntervalSeconds is a float64: encoding/json drops the ".0"
		d, err := Diff(want.Spec, gotJSON, "interval_seconds")
		if err != nil {
			return "", fmt.Errorf("comparing the specs of %s: %w", got.Path, err)
		}
		if d != "" {
			return "spec differs at " + d, nil
		}
		if g, w := countUnknownWarnings(got.Warnings), len(want.Warnings); g != w {
			return fmt.Sprintf("%d unknown-keyword warnings, CPython gives %d\n  Go: %s\n  CPython: %s",
				g, w, strings.Join(got.Warnings, "\n    "), strings.Join(want.Warnings, "\n    ")), nil
		}
	case spec.StatusError:
		names := fieldNames(want.ErrorFields)
		if len(names) == 0 {
			return "", nil
		}
		all := strings.Join(got.Errors, "\n")
		for _, n := range names {
			if mentionsField(all, n) {
				return "", nil
			}
		}
		return fmt.Sprintf("the Go errors name none of the fields CPython rejected (%s)\n  Go errors: %s\n  CPython: %s",
			strings.Join(names, ", "), strings.Join(got.Errors, "\n    "), strings.Join(want.Errors, "\n    ")), nil
	}
	return "", nil
}

func indentTraceback(tb string) string {
	if tb == "" {
		return ""
	}
	return "\n  CPython traceback:\n    " + strings.ReplaceAll(strings.TrimSpace(tb), "\n", "\n    ")
}

// countUnknownWarnings counts the Go warnings about ignored keyword arguments.
func countUnknownWarnings(ws []string) int {
	n := 0
	for _, w := range ws {
		if strings.Contains(w, "unknown argument") {
			n++
		}
	}
	return n
}

// fieldNames lists the field names (not list indexes) in the rejected paths.
func fieldNames(locs [][]any) []string {
	seen := map[string]bool{}
	var out []string
	for _, loc := range locs {
		for _, part := range loc {
			if s, ok := part.(string); ok && s != "__key__" && !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}

// mentionsField reports whether msg names field as a whole word.
func mentionsField(msg, field string) bool {
	for i := 0; ; {
		j := strings.Index(msg[i:], field)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(field)
		if (start == 0 || !isWordByte(msg[start-1])) && (end == len(msg) || !isWordByte(msg[end])) {
			return true
		}
		i = start + 1
	}
}

func isWordByte(b byte) bool {
	return b == '_' || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
}
