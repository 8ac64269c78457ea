package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// TextView writes the Summary as aligned plain text for a terminal.
type TextView struct {
	// Color makes headings bold (ANSI); off unless asked for.
	Color bool
}

// labelWidth aligns values after their labels.
const labelWidth = 24

// Show writes s as text.
func (v TextView) Show(w io.Writer, s *Summary) error {
	out := &Printer{W: w}
	head := func(text string) {
		if v.Color {
			out.Printf("\x1b[1m%s\x1b[0m\n", text)
		} else {
			out.Printf("%s\n", text)
		}
	}
	head(fmt.Sprintf("Plan for %s %s: %s deployment to %s", s.Project, s.Version, s.DeploymentType, s.RunsOn))
	kv := func(indent int, label, value string) {
		pad := strings.Repeat(" ", indent)
		out.Printf("%s%-*s %s\n", pad, labelWidth-indent, label, value)
	}
	kv(2, "target", s.Target)
	kv(2, "git sha", orDash(s.GitSHA))
	kv(2, "region", s.Region)
	kv(2, "account", s.Account)
	kv(2, "digest", orDash(s.Digest))
	kv(2, "resources", CountsText(s.Counts))
	if len(s.Inputs) > 0 {
		out.Printf("  inputs\n")
		width := 0
		for _, in := range s.Inputs {
			width = max(width, len(in.Name))
		}
		for _, in := range s.Inputs {
			value := in.Value
			switch {
			case value == "" && in.Source == "apply":
				value = "(known at apply)"
			case value == "":
				value = `""`
			}
			out.Printf("    %-*s  %s  (%s)\n", width, in.Name, value, in.Source)
		}
	}

	out.Printf("\n")
	head(fmt.Sprintf("Images (%d)", len(s.Images)))
	for _, im := range s.Images {
		out.Printf("  %s  (%s env %q)\n", im.LocalName, im.API, im.Env)
		kv(4, "ecr image", im.ECRImage)
		kv(4, "dockerfile", im.Dockerfile)
		kv(4, "context", im.Context)
		kv(4, "build args", orDash(strings.Join(im.BuildArgs, " ")))
		kv(4, "platform", im.Platform)
		if im.TaskDefinition != nil {
			textTaskDefinition(kv, 4, im.TaskDefinition, "")
		}
	}

	out.Printf("\n")
	head(fmt.Sprintf("Flows (%d)", len(s.Flows)))
	for i, f := range s.Flows {
		if i > 0 {
			out.Printf("\n")
		}
		out.Printf("  %s  %s\n", f.Name, f.Source)
		kv(4, "function", fmt.Sprintf("%s (%s era)", f.Function, f.API))
		if f.TaskDefinition != nil {
			note := ""
			if f.SharedTaskDefinition {
				note = " (shared by the image's env)"
			}
			textTaskDefinition(kv, 4, f.TaskDefinition, note)
		}
		if f.Block != "" {
			kv(4, "ecs block", f.Block)
		}
		for _, wmsg := range f.Warnings {
			kv(4, "warning", wmsg)
		}
		for _, d := range f.Deployments {
			out.Printf("    deployment %s\n", d.Name)
			kv(6, "schedule", d.Schedule.Text)
			for j, line := range parameterLines(d.Parameters) {
				label := ""
				if j == 0 {
					label = "parameters"
				}
				kv(6, label, line)
			}
			if d.CPU != "" || d.Memory != "" {
				kv(6, "cpu / memory", orDash(d.CPU)+" / "+orDash(d.Memory))
			}
			for j, e := range d.Env {
				label := ""
				if j == 0 {
					label = "env overrides"
				}
				kv(6, label, e)
			}
			for j, line := range parameterLines(d.JobVariables) {
				label := ""
				if j == 0 {
					label = "job variables"
				}
				kv(6, label, line)
			}
			if d.WorkPool != "" {
				kv(6, "work pool", d.WorkPool)
			}
			kv(6, "work queue", d.WorkQueue)
			if d.InfrastructureBlock != "" {
				infra := d.InfrastructureBlock
				if f.Block != "" && infra == "ecs-task/"+f.Block {
					infra += " (the flow's own ECS task block, the default)"
				}
				kv(6, "infrastructure", infra)
			}
			if d.StorageBlock != "" {
				kv(6, "storage", d.StorageBlock)
			}
			kv(6, "tags", orDash(strings.Join(d.Tags, ", ")))
			if d.Version != "" {
				kv(6, "version", d.Version)
			}
			if len(d.Unmanaged) > 0 {
				kv(6, "kept from server", strings.Join(d.Unmanaged, ", "))
			}
		}
	}

	if len(s.Skipped) > 0 {
		out.Printf("\n")
		head(fmt.Sprintf("Skipped (%d)", len(s.Skipped)))
		for _, sk := range s.Skipped {
			out.Printf("  %s: %s\n", sk.Path, sk.Reason)
		}
	}
	return out.Err
}

func textTaskDefinition(kv func(int, string, string), indent int, td *TaskDefinitionSummary, note string) {
	kv(indent, "task definition", td.Family+note)
	in := indent + 2
	kv(in, "cpu / memory", td.CPU+" / "+td.Memory)
	kv(in, "storage", StorageText(td.EphemeralStorageGiB))
	kv(in, "image", td.Image)
	kv(in, "env", orDash(strings.Join(td.Env, ", ")))
	secrets := make([]string, len(td.Secrets))
	for i, sec := range td.Secrets {
		secrets[i] = SecretText(sec)
	}
	kv(in, "secrets", orDash(strings.Join(secrets, ", ")))
}

// StorageText shows ephemeral storage, marking Fargate's default.
func StorageText(gib int) string {
	if gib == 20 {
		return "20 GiB (Fargate default)"
	}
	return fmt.Sprintf("%d GiB", gib)
}

// SecretText shows a secret as "NAME from secret-name".
func SecretText(s Secret) string { return s.Name + " from " + s.SecretName }

// parameterLines shows a JSON object one key per line, "key = value" with
// the value as compact JSON, keys sorted; null gives no
// lines, an empty object "{}", anything else one line.
func parameterLines(raw json.RawMessage) []string {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || string(t) == "null" {
		return nil
	}
	var m map[string]json.RawMessage
	if err := decodeNumbers(t, &m); err != nil {
		return []string{compactJSON(t)}
	}
	if len(m) == 0 {
		return []string{"{}"}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	lines := make([]string, 0, len(keys))
	for _, k := range keys {
		lines = append(lines, k+" = "+compactJSON(m[k]))
	}
	return lines
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Printer writes formatted output and keeps the first write error, so that
// views check once at the end.
type Printer struct {
	W   io.Writer
	Err error
}

// Printf writes unless an earlier write failed.
func (p *Printer) Printf(format string, args ...any) {
	if p.Err != nil {
		return
	}
	_, p.Err = fmt.Fprintf(p.W, format, args...)
}
