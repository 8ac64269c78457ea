package lift

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// cronField is one field of a cron expression: its range and names.
type cronField struct {
	name     string
	min, max int
	names    []string // names for min.. (months: jan=1, days: sun=0)
	special  string   // extra single-term forms the field allows: "L?" for day of month, "L?#" for day of week
}

var (
	cronFields = []cronField{
		{name: "minute", min: 0, max: 59},
		{name: "hour", min: 0, max: 23},
		{name: "day of month", min: 1, max: 31, special: "L?"},
		{name: "month", min: 1, max: 12, names: []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}},
		{name: "day of week", min: 0, max: 7, names: []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}, special: "L?#"},
		{name: "second", min: 0, max: 59},
		{name: "year", min: 1970, max: 2099},
	}
	cronMacros = map[string]bool{"@midnight": true, "@hourly": true, "@daily": true, "@weekly": true, "@monthly": true, "@yearly": true, "@annually": true}
)

// checkCron is Prefect's CronSchedule cron validator: croniter.is_valid
// (5 fields, a 6th for seconds, a 7th for the year, or an @-macro; each
// field a comma list of `*`, `?`, values, names, ranges and `/` steps, `L`
// in the day fields and `#` in the day of week) and no Hashed (H) or Random
// (R) fields, which croniter knows but Prefect refuses. It returns Prefect's
// message, or "".
func checkCron(expr string) string {
	for _, f := range strings.Fields(expr) {
		if strings.EqualFold(f, "R") || strings.EqualFold(f, "H") {
			return fmt.Sprintf("Random and Hashed expressions are unsupported, recieved: %q", expr)
		}
	}
	fields := strings.Fields(expr)
	if len(fields) == 1 && cronMacros[strings.ToLower(fields[0])] {
		return ""
	}
	invalid := fmt.Sprintf("Invalid cron string: %q", expr)
	if len(fields) < 5 || len(fields) > 7 {
		return invalid + fmt.Sprintf(" (%d fields; croniter takes 5, 6 with seconds, or 7 with the year)", len(fields))
	}
	for i, f := range fields {
		if why := cronFields[i].check(f); why != "" {
			return invalid + " (" + cronFields[i].name + " " + why + ")"
		}
	}
	return ""
}

func (c cronField) check(field string) string {
	for _, term := range strings.Split(field, ",") {
		if why := c.term(term); why != "" {
			return fmt.Sprintf("%q: %s", term, why)
		}
	}
	return ""
}

func (c cronField) term(t string) string {
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
		if _, why := c.value(day); why != "" {
			return why
		}
		if n, err := strconv.Atoi(nth); err != nil || n < 1 || n > 5 {
			return "the week number after # must be 1 to 5"
		}
		return ""
	case strings.Contains(c.special, "L") && c.names != nil && strings.HasSuffix(lower, "l"):
		_, why := c.value(t[:len(t)-1])
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
	if _, why := c.value(lo); why != "" {
		return why
	}
	if isRange {
		if _, why := c.value(hi); why != "" {
			return why
		}
	}
	return ""
}

// value parses a number or a name within the field's range.
func (c cronField) value(s string) (int, string) {
	for i, n := range c.names {
		if strings.EqualFold(s, n) {
			return c.min + i, ""
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || strings.HasPrefix(s, "+") || strings.HasPrefix(s, "-") {
		return 0, "not a number or name"
	}
	if n < c.min || n > c.max {
		return 0, fmt.Sprintf("out of range %d-%d", c.min, c.max)
	}
	return n, ""
}

// validTimezone reports whether name is an IANA time zone (pendulum's
// timezone list, which Prefect checks against). Go's zoneinfo database
// stands in for pendulum's; "Local" and the database's non-zone entries
// are not zones.
func validTimezone(name string) bool {
	switch name {
	case "", "Local", "localtime", "posixrules", "Factory":
		return false
	}
	if strings.HasPrefix(name, "/") || strings.Contains(name, "..") {
		return false
	}
	_, err := time.LoadLocation(name)
	return err == nil
}

// Timezones remembers which names are time zones: each check otherwise
// reads the zoneinfo database from disk. It is safe for concurrent use;
// the zero value is ready, and a nil *Timezones checks every time.
type Timezones struct {
	mu    sync.Mutex
	known map[string]bool
}

// Valid reports whether name is a time zone, as validTimezone does.
func (z *Timezones) Valid(name string) bool {
	if z == nil {
		return validTimezone(name)
	}
	z.mu.Lock()
	valid, seen := z.known[name]
	z.mu.Unlock()
	if seen {
		return valid
	}
	valid = validTimezone(name)
	z.mu.Lock()
	if z.known == nil {
		z.known = map[string]bool{}
	}
	z.known[name] = valid
	z.mu.Unlock()
	return valid
}
