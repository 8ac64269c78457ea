// Package report renders extraction results: the --validate-only report a
// person reads and the --specs-only JSON a program reads.
package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/flowplan/flowplan/extractor"
	"github.com/flowplan/flowplan/extractor/spec"
)

// WriteValidation prints one line per flow file (ok, missing FLOW_SPEC, or
// failed followed by each error), the warnings, and a closing count.
// The lines are written in one go: a write per line was a system call per
// flow file.
func WriteValidation(out io.Writer, res *extractor.Result) {
	w := bufio.NewWriterSize(out, 64<<10)
	defer w.Flush()
	var ok, missing, failed int
	for _, f := range res.Files {
		switch f.Status {
		case spec.StatusOK:
			ok++
			fmt.Fprintf(w, "ok      %s (%s)\n", f.Path, describe(f.Spec))
		case spec.StatusMissing:
			missing++
			fmt.Fprintf(w, "missing %s: no FLOW_SPEC; skipped\n", f.Path)
		default:
			failed++
			fmt.Fprintf(w, "FAILED  %s\n", f.Path)
			for _, e := range f.Errors {
				fmt.Fprintf(w, "        %s\n", e)
			}
		}
		for _, wmsg := range f.Warnings {
			fmt.Fprintf(w, "        %s\n", wmsg)
		}
	}
	fmt.Fprintf(w, "%d flow files: %d ok, %d missing FLOW_SPEC, %d failed\n", len(res.Files), ok, missing, failed)
}

// WriteFailures prints every error of every failed flow file.
func WriteFailures(w io.Writer, res *extractor.Result) {
	n := 0
	for _, f := range res.Files {
		if f.Status != spec.StatusError {
			continue
		}
		n++
		for _, e := range f.Errors {
			fmt.Fprintln(w, e)
		}
	}
	fmt.Fprintf(w, "%d of %d flow files failed\n", n, len(res.Files))
}

func describe(s *spec.Spec) string {
	if s == nil {
		return "no spec"
	}
	if s.Worker != nil {
		if s.Worker.IsAgent {
			return fmt.Sprintf("worker API, flow %s, is_agent=True: skipped by the plan", s.Worker.Flow.Function)
		}
		return fmt.Sprintf("worker API, flow %s, %d deployments", s.Worker.Flow.Function, len(s.Worker.Deployments))
	}
	if s.DeployedElsewhere() != "" {
		return fmt.Sprintf("flow %s, is_agent=False: skipped by the plan", s.Agent.Flow.Function)
	}
	return fmt.Sprintf("flow %s, docker env %s, %d deployments", s.Agent.Flow.Function, s.Agent.DockerEnv, len(s.Agent.Deployments))
}

// SpecsJSON renders the --specs-only array, one entry per flow file, sorted
// by path, indented, with a final newline.
func SpecsJSON(res *extractor.Result) ([]byte, error) {
	files := res.Files
	if files == nil {
		files = []spec.FileResult{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(files); err != nil {
		return nil, fmt.Errorf("encoding specs: %w", err)
	}
	return buf.Bytes(), nil
}
