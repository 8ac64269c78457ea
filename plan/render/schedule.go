package render

import (
	"fmt"
	"github.com/flowplan/flowplan/internal/cron"
	"strconv"
	"strings"

	"github.com/flowplan/flowplan/plan"
)

// DescribeSchedule returns a schedule in words followed by its exact form,
// e.g. "every day at 00:00 (cron 0 0 * * *, America/Los_Angeles)". Patterns
// the describer does not know are shown as the raw expression only.
func DescribeSchedule(s plan.Schedule) string {
	words := ScheduleWords(s)
	exact := ScheduleExpression(s)
	if words == "" {
		return exact
	}
	return words + " (" + exact + ")"
}

// ScheduleExpression is the schedule's exact form: kind, expression,
// day_or when it is false, anchor date and timezone (or, when none is
// given, the one the Prefect server falls back to).
func ScheduleExpression(s plan.Schedule) string {
	var parts []string
	switch s.Kind() {
	case "cron":
		parts = append(parts, "cron "+*s.Cron)
		if s.DayOr != nil && !*s.DayOr {
			parts = append(parts, "day_or false")
		}
	case "interval":
		parts = append(parts, "interval "+strconv.FormatFloat(*s.Interval, 'f', -1, 64)+"s")
		if s.AnchorDate != nil {
			parts = append(parts, "anchor "+*s.AnchorDate)
		}
	case "rrule":
		parts = append(parts, "rrule "+*s.RRule)
	default:
		return "empty schedule"
	}
	switch {
	case s.Timezone != nil && *s.Timezone != "":
		parts = append(parts, *s.Timezone)
	case s.Kind() == "interval" && s.AnchorDate != nil:
		parts = append(parts, "timezone of the anchor date") // Prefect's default for intervals
	case s.Kind() == "rrule" && strings.Contains(*s.RRule, "TZID="):
		parts = append(parts, "timezone of the rrule's DTSTART")
	default:
		parts = append(parts, "UTC by default")
	}
	return strings.Join(parts, ", ")
}

// ScheduleWords describes the schedule in English, or returns "" when the
// pattern is not one the describer knows.
func ScheduleWords(s plan.Schedule) string {
	switch s.Kind() {
	case "cron":
		dayOr := s.DayOr == nil || *s.DayOr
		return CronWords(*s.Cron, dayOr)
	case "interval":
		return IntervalWords(*s.Interval)
	case "rrule":
		return RRuleWords(*s.RRule)
	}
	return ""
}

// IntervalWords describes an interval of whole or fractional seconds:
// "every 25 hours", "every 1 day 30 minutes". Fractions of a second are
// not put into words ("").
func IntervalWords(seconds float64) string {
	if seconds <= 0 || seconds != float64(int64(seconds)) {
		return ""
	}
	n := int64(seconds)
	units := []struct {
		size int64
		name string
	}{{86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"}}
	// A single unit reads best ("every 25 hours"); a length no unit divides
	// is listed by parts ("every 1 day 1 hour 1 minute 1 second").
	switch {
	case n%86400 == 0:
		return "every " + plural(n/86400, "day")
	case n%3600 == 0:
		return "every " + plural(n/3600, "hour")
	case n%60 == 0 && n < 2*3600:
		return "every " + plural(n/60, "minute")
	case n < 120:
		return "every " + plural(n, "second")
	}
	var parts []string
	for _, u := range units {
		if q := n / u.size; q > 0 {
			parts = append(parts, strconv.FormatInt(q, 10)+" "+pluralWord(q, u.name))
			n %= u.size
		}
	}
	return "every " + strings.Join(parts, " ")
}

func plural(n int64, unit string) string {
	if n == 1 {
		return unit
	}
	return strconv.FormatInt(n, 10) + " " + unit + "s"
}

func pluralWord(n int64, unit string) string {
	if n == 1 {
		return unit
	}
	return unit + "s"
}

var (
	monthNames = []string{"", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	dayNames   = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
)

// CronWords describes the common five-field cron patterns (croniter's
// meaning, as Prefect uses it): every N minutes, hourly at a minute, daily
// at a time, on week days, on days of the month, yearly. dayOr is Prefect's
// day_or: whether a restricted day of month and day of week combine with OR
// (cron's rule) or AND. Any other pattern gives "".
func CronWords(expr string, dayOr bool) string {
	fields := strings.Fields(expr)
	if len(fields) == 1 {
		if m := cron.Macro(fields[0]); m != "" {
			fields = strings.Fields(m)
		}
	}
	if len(fields) != 5 {
		return ""
	}
	minute, hour, dom, month, dow := fields[0], fields[1], fields[2], fields[3], fields[4]

	var when string
	m, mOK := cronValue(cron.Minute, minute)
	h, hOK := cronValue(cron.Hour, hour)
	switch {
	case minute == "*" && hour == "*":
		when = "every minute"
	case strings.HasPrefix(minute, "*/") && hour == "*":
		n, ok := cronStep(minute[2:], 59)
		if !ok {
			return ""
		}
		when = "every " + plural(int64(n), "minute")
	case mOK && hour == "*":
		when = fmt.Sprintf("every hour at minute %d", m)
	case mOK && strings.HasPrefix(hour, "*/"):
		n, ok := cronStep(hour[2:], 23)
		if !ok {
			return ""
		}
		when = fmt.Sprintf("every %s at minute %d", plural(int64(n), "hour"), m)
	case mOK && hOK:
		when = fmt.Sprintf("at %02d:%02d", h, m)
	default:
		return ""
	}

	days, ok := cronDays(dom, month, dow, dayOr)
	if !ok {
		return ""
	}
	if days == "" {
		if strings.HasPrefix(when, "at ") {
			return "every day " + when
		}
		return when
	}
	return days + ", " + when
}

// cronDays describes the day fields; "" means every day.
func cronDays(dom, month, dow string, dayOr bool) (string, bool) {
	var monthPart string
	if month != "*" {
		ms, ok := cronList(cron.Month, month)
		if !ok {
			return "", false
		}
		names := make([]string, len(ms))
		for i, r := range ms {
			names[i] = rangeWords(r, func(n int) string { return monthNames[n] })
		}
		monthPart = " in " + joinWords(names)
	}
	var domPart, dowPart string
	if dom != "*" {
		ds, ok := cronList(cron.DayOfMonth, dom)
		if !ok {
			return "", false
		}
		names := make([]string, len(ds))
		for i, r := range ds {
			names[i] = rangeWords(r, strconv.Itoa)
		}
		domPart = "on day " + joinWords(names) + " of the month"
	}
	if dow != "*" {
		ws, ok := cronList(cron.DayOfWeek, dow)
		if !ok {
			return "", false
		}
		if len(ws) == 1 && ws[0] == [2]int{1, 5} {
			dowPart = "on weekdays"
		} else {
			names := make([]string, len(ws))
			for i, r := range ws {
				names[i] = rangeWords(r, func(n int) string { return dayNames[n] })
			}
			dowPart = "on " + joinWords(names)
		}
	}
	switch {
	case domPart != "" && dowPart != "" && dayOr:
		return domPart + " or " + dowPart + monthPart, true
	case domPart != "" && dowPart != "":
		return domPart + " when it is also " + strings.TrimPrefix(dowPart, "on ") + monthPart, true
	case domPart != "":
		return domPart + monthPart, true
	case dowPart != "":
		return dowPart + monthPart, true
	case monthPart != "":
		return "every day" + monthPart, true
	}
	return "", true
}

// cronList parses a comma list of the field's values and a-b ranges (no
// steps, no L or #).
func cronList(f cron.Field, text string) ([][2]int, bool) {
	var out [][2]int
	for _, item := range strings.Split(text, ",") {
		a, b, isRange := strings.Cut(item, "-")
		x, ok := cronValue(f, a)
		if !ok {
			return nil, false
		}
		y := x
		if isRange {
			if y, ok = cronValue(f, b); !ok || y < x {
				return nil, false
			}
		}
		out = append(out, [2]int{x, y})
	}
	return out, true
}

// cronValue is one value of the field, a number or a name.
func cronValue(f cron.Field, s string) (int, bool) {
	n, why := f.Value(s)
	return n, why == ""
}

// cronStep is the N of */N, 1 to max.
func cronStep(s string, max int) (int, bool) {
	n, ok := plainNumber(s, max)
	return n, ok && n >= 1
}

// rruleNumber is a BYHOUR or BYMINUTE value, 0 to max.
func rruleNumber(s string, max int) (int, bool) { return plainNumber(s, max) }

// plainNumber is a decimal number 0 to max written without sign or
// leading zeros.
func plainNumber(s string, max int) (int, bool) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > max || s != strconv.Itoa(n) {
		return 0, false
	}
	return n, true
}

func rangeWords(r [2]int, name func(int) string) string {
	if r[0] == r[1] {
		return name(r[0])
	}
	return name(r[0]) + " to " + name(r[1])
}

func joinWords(items []string) string {
	switch len(items) {
	case 1:
		return items[0]
	case 2:
		return items[0] + " and " + items[1]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

var rruleDays = map[string]string{"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday", "FR": "Friday", "SA": "Saturday", "SU": "Sunday"}

var rruleFreq = map[string]string{"MINUTELY": "minute", "HOURLY": "hour", "DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}

// RRuleWords describes a one-line RRULE made of FREQ, INTERVAL, BYDAY
// (plain days), BYHOUR and BYMINUTE (single values); anything else ("").
func RRuleWords(rule string) string {
	body := strings.TrimPrefix(rule, "RRULE:")
	if strings.ContainsAny(body, "\n\r") {
		return ""
	}
	parts := map[string]string{}
	for _, kv := range strings.Split(body, ";") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || parts[k] != "" {
			return ""
		}
		parts[strings.ToUpper(k)] = v
	}
	unit, ok := rruleFreq[strings.ToUpper(parts["FREQ"])]
	if !ok {
		return ""
	}
	every := int64(1)
	for k, v := range parts {
		switch k {
		case "FREQ", "BYDAY", "BYHOUR", "BYMINUTE":
		case "INTERVAL":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1 {
				return ""
			}
			every = n
		default:
			return ""
		}
	}
	out := "every " + plural(every, unit)
	if v, ok := parts["BYDAY"]; ok {
		var names []string
		for _, d := range strings.Split(v, ",") {
			name, ok := rruleDays[strings.ToUpper(d)]
			if !ok {
				return ""
			}
			names = append(names, name)
		}
		out += " on " + joinWords(names)
	}
	_, hasHour := parts["BYHOUR"]
	_, hasMinute := parts["BYMINUTE"]
	if hasHour || hasMinute {
		if !hasHour || !hasMinute {
			return ""
		}
		h, hOK := rruleNumber(parts["BYHOUR"], 23)
		m, mOK := rruleNumber(parts["BYMINUTE"], 59)
		if !hOK || !mOK {
			return ""
		}
		out += fmt.Sprintf(" at %02d:%02d", h, m)
	}
	return out
}
