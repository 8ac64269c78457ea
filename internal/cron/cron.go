// Package cron is the model of cron expressions as Prefect reads them
// (croniter's grammar): the fields with their ranges and names, the
// @-macros, and Prefect's validation of an expression. The extractor
// validates schedules with it and the plan's views describe them.
package cron

import (
	"fmt"
	"strconv"
	"strings"
)

// Field is one field of a cron expression: its range and names.
type Field struct {
	Name     string
	Min, Max int
	Names    []string // names for Min.. (months: jan=1, days: sun=0)
	special  string   // extra single-term forms the field allows: "L?" for day of month, "L?#" for day of week
}

// The fields, in their order in an expression: five, then seconds and the
// year, which croniter also reads.
var (
	Minute     = Field{Name: "minute", Min: 0, Max: 59}
	Hour       = Field{Name: "hour", Min: 0, Max: 23}
	DayOfMonth = Field{Name: "day of month", Min: 1, Max: 31, special: "L?"}
	Month      = Field{Name: "month", Min: 1, Max: 12, Names: []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}}
	DayOfWeek  = Field{Name: "day of week", Min: 0, Max: 7, Names: []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}, special: "L?#"}
	Second     = Field{Name: "second", Min: 0, Max: 59}
	Year       = Field{Name: "year", Min: 1970, Max: 2099}
)

func allFields() [7]Field { return [7]Field{Minute, Hour, DayOfMonth, Month, DayOfWeek, Second, Year} }

// Macro is the five-field expression an @-macro stands for, or "".
func Macro(name string) string {
	switch strings.ToLower(name) {
	case "@yearly", "@annually":
		return "0 0 1 1 *"
	case "@monthly":
		return "0 0 1 * *"
	case "@weekly":
		return "0 0 * * 0"
	case "@daily", "@midnight":
		return "0 0 * * *"
	case "@hourly":
		return "0 * * * *"
	}
	return ""
}

// Validate is Prefect's CronSchedule cron validator: croniter.is_valid
// (5 fields, a 6th for seconds, a 7th for the year, or an @-macro; each
// field a comma list of `*`, `?`, values, names, ranges and `/` steps, `L`
// in the day fields and `#` in the day of week) and no Hashed (H) or Random
// (R) fields, which croniter knows but Prefect refuses. It returns Prefect's
// message, or "".
func Validate(expr string) string {
	for _, f := range strings.Fields(expr) {
		if strings.EqualFold(f, "R") || strings.EqualFold(f, "H") {
			return fmt.Sprintf("Random and Hashed expressions are unsupported, recieved: %q", expr)
		}
	}
	fields := strings.Fields(expr)
	if len(fields) == 1 && Macro(fields[0]) != "" {
		return ""
	}
	invalid := fmt.Sprintf("Invalid cron string: %q", expr)
	if len(fields) < 5 || len(fields) > 7 {
		return invalid + fmt.Sprintf(" (%d fields; croniter takes 5, 6 with seconds, or 7 with the year)", len(fields))
	}
	all := allFields()
	for i, f := range fields {
		if why := all[i].check(f); why != "" {
			return invalid + " (" + all[i].Name + " " + why + ")"
		}
	}
	return ""
}

func (c Field) check(field string) string {
	for _, term := range strings.Split(field, ",") {
		if why := c.term(term); why != "" {
			return fmt.Sprintf("%q: %s", term, why)
		}
	}
	return ""
}

func (c Field) term(t string) string {
	lower := strings.ToLower(t)
	switch {
	case t == "":
		return "empty term"
	case lower == "l" && strings.Contains(c.special, "L"):
		return ""
	case t == "?" && strings.Contains(c.special, "?"):
		return ""
	case strings.Contains(c.special, "#") && strings.Contains(t, "#"):
		day, nth, _ := strings.Cut(t, "#")
		if _, why := c.Value(day); why != "" {
			return why
		}
		if n, err := strconv.Atoi(nth); err != nil || n < 1 || n > 5 {
			return "the week number after # must be 1 to 5"
		}
		return ""
	case strings.Contains(c.special, "L") && c.Names != nil && strings.HasSuffix(lower, "l"):
		_, why := c.Value(t[:len(t)-1])
		return why
	}
	rng, step, hasStep := strings.Cut(t, "/")
	if hasStep {
		if n, err := strconv.Atoi(step); err != nil || n < 1 {
			return "the step after / must be a positive number"
		}
	}
	if rng == "*" {
		return ""
	}
	// A backwards range (22-2) is left to croniter, which reads some as
	// wrapping around.
	lo, hi, isRange := strings.Cut(rng, "-")
	if _, why := c.Value(lo); why != "" {
		return why
	}
	if isRange {
		if _, why := c.Value(hi); why != "" {
			return why
		}
	}
	return ""
}

// Value parses a number or a name within the field's range; the string
// says why s is not one ("" when it is).
func (c Field) Value(s string) (int, string) {
	for i, n := range c.Names {
		if strings.EqualFold(s, n) {
			return c.Min + i, ""
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || strings.HasPrefix(s, "+") || strings.HasPrefix(s, "-") {
		return 0, "not a number or name"
	}
	if n < c.Min || n > c.Max {
		return 0, fmt.Sprintf("out of range %d-%d", c.Min, c.Max)
	}
	return n, ""
}
