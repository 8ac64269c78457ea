// Package render writes a reviewer's summary of a deployment plan as
// aligned text, Markdown or a stable JSON document: what `deployer show
// PLAN --format F` prints.
//
//	err := render.Show(os.Stdout, p, render.FormatText, render.Options{})
//
// Summarize reduces the plan to a Summary (whose JSON form is the json
// format); one View per format writes it. DescribeSchedule puts cron,
// interval and rrule schedules into words next to their exact form.
package render
