package render

import (
	"fmt"
	"io"
	"strings"
)

// MarkdownView writes the Summary as GitHub-flavoured Markdown (headings
// and tables), suitable for a pull-request comment.
type MarkdownView struct{}

// Show writes s as Markdown.
func (MarkdownView) Show(w io.Writer, s *Summary) error {
	out := &Printer{W: w}
	out.Printf("## Plan: %s %s (%s)\n\n", MDText(s.Project), MDText(s.Version), MDText(s.DeploymentType))
	out.Printf("Deploys to %s.\n\n", MDText(s.RunsOn))
	out.Printf("| | |\n|---|---|\n")
	out.Printf("| Target | %s |\n", MDCode(s.Target))
	out.Printf("| Git sha | %s |\n", MDCode(orDash(s.GitSHA)))
	out.Printf("| Region | %s |\n", MDCode(s.Region))
	if s.AccountKnown {
		out.Printf("| Account | %s |\n", MDCode(s.Account))
	} else {
		out.Printf("| Account | %s |\n", MDText(s.Account))
	}
	out.Printf("| Digest | %s |\n", MDCode(orDash(s.Digest)))
	out.Printf("| Resources | %s |\n\n", CountsText(s.Counts))

	if len(s.Inputs) > 0 {
		out.Printf("### Inputs\n\n| Input | Value | Source |\n|---|---|---|\n")
		for _, in := range s.Inputs {
			out.Printf("| %s | %s | %s |\n", MDText(in.Name), MDCode(in.Value), MDText(in.Source))
		}
		out.Printf("\n")
	}

	out.Printf("### Images\n\n| Env | Local name | ECR image | Dockerfile | Context | Build args | Task definition |\n|---|---|---|---|---|---|---|\n")
	for _, im := range s.Images {
		td := "-"
		if im.TaskDefinition != nil {
			td = MDCode(im.TaskDefinition.Family)
		}
		out.Printf("| %s (%s) | %s | %s | %s | %s | %s | %s |\n",
			MDCode(im.Env), MDText(im.API), MDCode(im.LocalName), MDCode(im.ECRImage), MDCode(im.Dockerfile),
			MDCode(im.Context), codeList(im.BuildArgs), td)
	}
	out.Printf("\n### Flows\n")
	for _, f := range s.Flows {
		out.Printf("\n#### %s\n\n", MDCode(f.Name))
		out.Printf("Source %s, function %s (%s era)", MDCode(f.Source), MDCode(f.Function), MDText(f.API))
		if f.Block != "" {
			out.Printf(", ECS block %s", MDCode(f.Block))
		}
		out.Printf(".\n\n")
		for _, wmsg := range f.Warnings {
			out.Printf("> **Warning:** %s\n\n", MDText(wmsg))
		}
		if td := f.TaskDefinition; td != nil {
			shared := ""
			if f.SharedTaskDefinition {
				shared = " (shared)"
			}
			secrets := make([]string, len(td.Secrets))
			for i, sec := range td.Secrets {
				secrets[i] = SecretText(sec)
			}
			out.Printf("| Task definition | CPU / memory | Storage | Image | Env | Secrets |\n|---|---|---|---|---|---|\n")
			out.Printf("| %s%s | %s / %s | %s | %s | %s | %s |\n\n",
				MDCode(td.Family), shared, MDText(td.CPU), MDText(td.Memory), MDText(StorageText(td.EphemeralStorageGiB)),
				MDCode(td.Image), codeList(td.Env), codeList(secrets))
		}
		if len(f.Deployments) == 0 {
			continue
		}
		out.Printf("| Deployment | Schedule | Parameters | CPU / memory | Env overrides | Queue / pool | Tags |\n|---|---|---|---|---|---|---|\n")
		for _, d := range f.Deployments {
			params := parameterLines(d.Parameters)
			if len(params) == 0 {
				params = []string{"kept from the server"}
			} else {
				for i := range params {
					params[i] = MDCode(params[i])
				}
			}
			if jv := parameterLines(d.JobVariables); len(jv) > 0 {
				for _, line := range jv {
					params = append(params, "job variable "+MDCode(line))
				}
			}
			res := "-"
			if d.CPU != "" || d.Memory != "" {
				res = MDText(orDash(d.CPU) + " / " + orDash(d.Memory))
			}
			queue := MDCode(d.WorkQueue)
			if d.WorkPool != "" {
				queue += " / " + MDCode(d.WorkPool)
			}
			out.Printf("| %s | %s | %s | %s | %s | %s | %s |\n",
				MDCode(d.Name), MDText(d.Schedule.Text), strings.Join(params, "<br>"), res,
				codeList(d.Env), queue, codeList(d.Tags))
		}
	}
	if len(s.Skipped) > 0 {
		out.Printf("\n### Skipped\n\n| File | Reason |\n|---|---|\n")
		for _, sk := range s.Skipped {
			out.Printf("| %s | %s |\n", MDCode(sk.Path), MDText(sk.Reason))
		}
	}
	return out.Err
}

func codeList(items []string) string {
	if len(items) == 0 {
		return "-"
	}
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = MDCode(it)
	}
	return strings.Join(parts, "<br>")
}

// MDText escapes text for a Markdown table cell or paragraph: Markdown
// punctuation is backslash-escaped, HTML-significant characters become
// entities and newlines become <br>.
func MDText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '|', '#', '~':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '\n':
			b.WriteString("<br>")
		case '\r':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// MDCode writes s as an inline code span that survives a table cell: the
// fence is longer than any backtick run in s, pipes are escaped (GitHub
// reads them as cell separators even inside code) and newlines are shown
// as spaces.
func MDCode(s string) string {
	if s == "" {
		return `""`
	}
	s = strings.NewReplacer("|", `\|`, "\r\n", " ", "\n", " ", "\r", " ").Replace(s)
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if longest > 0 || strings.HasPrefix(s, " ") {
		return fmt.Sprintf("%s %s %s", fence, s, fence)
	}
	return fence + s + fence
}
