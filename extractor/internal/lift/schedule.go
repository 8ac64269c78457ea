package lift

import (
	"github.com/flowplan/flowplan/internal/cron"
	"math"
	"strconv"
	"strings"

	"github.com/flowplan/flowplan/extractor/diag"
	"github.com/flowplan/flowplan/extractor/internal/value"
	"github.com/flowplan/flowplan/extractor/spec"
)

// Prefect 2's schedule models (prefect.server.schemas.schedules at 2.10.6).
// All three set Config.extra = "forbid": an unknown keyword is an error.
var (
	cronSchedule = model{
		name: "CronSchedule", module: "prefect schedules",
		fields: []string{"cron", "timezone", "day_or"}, required: []string{"cron"}, forbidExtra: true,
	}
	intervalSchedule = model{
		name: "IntervalSchedule", module: "prefect schedules",
		fields: []string{"interval", "anchor_date", "timezone"}, required: []string{"interval"}, forbidExtra: true,
	}
	rruleSchedule = model{
		name: "RRuleSchedule", module: "prefect schedules",
		fields: []string{"rrule", "timezone"}, required: []string{"rrule"}, forbidExtra: true,
	}
)

// maxRRuleLength is Prefect's MAX_RRULE_LENGTH.
const maxRRuleLength = 6500

// schedule is the agent-era FlowDeployment.schedule: None, or one of the
// schedule models. The README era's type is SCHEDULE_TYPES =
// Union[IntervalSchedule, CronSchedule, RRuleSchedule]; pydantic v1 tries a
// Union's members left to right and takes the first that validates, which
// matters for a dict given instead of a schedule call.
func (l *lifter) schedule(m model, a arg) (*spec.Schedule, bool) {
	if !l.known(a) {
		return nil, false
	}
	switch x := a.val.(type) {
	case value.NoneType:
		return nil, true
	case *value.Instance:
		switch x.Class.ID {
		case value.ClassCronSchedule:
			return l.cron(x, a)
		case value.ClassIntervalSchedule:
			return l.interval(x, a)
		case value.ClassRRuleSchedule:
			return l.rrule(x, a)
		}
		if x.Fields == nil {
			break
		}
		return l.scheduleUnion(m, a)
	case *value.Dict:
		return l.scheduleUnion(m, a)
	}
	l.errorf(a, "%s.schedule: value is not a valid schedule: expected IntervalSchedule, CronSchedule, RRuleSchedule or None (got %s)", m.name, typeName(a.val))
	return nil, false
}

// scheduleUnion validates a dict against each schedule model in the Union's
// order; when none accepts it, every member's errors are reported.
func (l *lifter) scheduleUnion(m model, a arg) (*spec.Schedule, bool) {
	var all diag.List
	for _, try := range []func(*lifter, value.Value, arg) (*spec.Schedule, bool){(*lifter).interval, (*lifter).cron, (*lifter).rrule} {
		sub := &lifter{ctx: l.ctx}
		s, ok := try(sub, a.val, a)
		if ok && !sub.diags.HasErrors() {
			l.diags = append(l.diags, sub.diags...)
			return s, true
		}
		all = append(all, sub.diags...)
	}
	l.errorf(a, "%s.schedule: the dict is none of IntervalSchedule, CronSchedule, RRuleSchedule (each one's errors follow)", m.name)
	l.diags = append(l.diags, all...)
	return nil, false
}

func (l *lifter) cron(from value.Value, at arg) (*spec.Schedule, bool) {
	m := cronSchedule
	args, _, _, ok := l.fieldArgs(m, []string{value.ClassCronSchedule}, from, at)
	if args == nil {
		return nil, false
	}
	s := &spec.Schedule{Type: "cron"}
	expr, fine := l.str(m, args, "cron", "")
	if fine {
		if a, given := args["cron"]; given {
			if msg := cron.Validate(expr); msg != "" {
				l.errorf(a, "%s.cron: %s", m.name, msg)
				fine = false
			}
		}
	}
	ok = ok && fine
	s.Cron = expr
	if s.Timezone, fine = l.timezone(m, args); !fine {
		ok = false
	}
	dayOr, fine := l.boolean(m, args, "day_or", true)
	ok = ok && fine
	s.DayOr = &dayOr
	return s, ok
}

func (l *lifter) rrule(from value.Value, at arg) (*spec.Schedule, bool) {
	m := rruleSchedule
	args, _, _, ok := l.fieldArgs(m, []string{value.ClassRRuleSchedule}, from, at)
	if args == nil {
		return nil, false
	}
	s := &spec.Schedule{Type: "rrule"}
	rule, fine := l.str(m, args, "rrule", "")
	if fine {
		if a, given := args["rrule"]; given {
			if msg := checkRRule(rule); msg != "" {
				l.errorf(a, "%s.rrule: %s", m.name, msg)
				fine = false
			}
		}
	}
	ok = ok && fine
	s.RRule = rule
	if s.Timezone, fine = l.timezone(m, args); !fine {
		ok = false
	}
	if s.Timezone == nil {
		// RRuleSchedule's timezone validator runs with always=True in
		// Prefect 2.10.6 and turns a missing timezone into "UTC" (unlike
		// CronSchedule's, which leaves it None).
		utc := "UTC"
		s.Timezone = &utc
	}
	return s, ok
}

// interval is IntervalSchedule: interval (a timedelta, or seconds as an int
// or float, as pydantic v1's parse_duration reads them) must be positive;
// anchor_date is a datetime (Prefect makes it a pendulum DateTime; a naive
// one is taken as UTC); when it is absent Prefect uses the current time, so
// the lifted anchor is null. timezone defaults to the anchor's zone when that
// is an IANA name, else "UTC" (Prefect infers it from the anchor, which is
// the current UTC time when absent).
func (l *lifter) interval(from value.Value, at arg) (*spec.Schedule, bool) {
	m := intervalSchedule
	args, _, _, ok := l.fieldArgs(m, []string{value.ClassIntervalSchedule}, from, at)
	if args == nil {
		return nil, false
	}
	s := &spec.Schedule{Type: "interval"}
	if a, given := args["interval"]; given && l.known(a) {
		secs, msg := durationSeconds(a.val)
		if msg == "" && secs <= 0 {
			msg = "The interval must be positive"
		}
		if msg != "" {
			l.fieldError(m, a, msg)
			ok = false
		} else {
			s.IntervalSeconds = &secs
		}
	} else if given {
		ok = false
	}
	anchorZone := "UTC"
	if a, given := args["anchor_date"]; given && l.known(a) {
		switch d := a.val.(type) {
		case value.NoneType:
		case value.Datetime:
			if d.TZ == "" {
				d.TZ, d.UTCOffsetSeconds = "UTC", 0
			}
			iso := isoDatetime(d)
			s.AnchorDate = &iso
			if l.ctx.Timezones.Valid(d.TZ) {
				anchorZone = d.TZ
			}
		case value.Str:
			l.errorf(a, "%s.anchor_date: a date string is parsed by pendulum.parse, which flowplan does not reproduce; write datetime(...) or pendulum.datetime(...)", m.name)
			ok = false
		default:
			l.fieldError(m, a, "Unrecognized datetime.")
			ok = false
		}
	} else if given {
		ok = false
	}
	tz, fine := l.timezone(m, args)
	ok = ok && fine
	if _, given := args["timezone"]; !given || (fine && tz == nil) {
		tz = &anchorZone
	}
	s.Timezone = tz
	return s, ok
}

// timezone is the schedules' `timezone: Optional[str]`, which Prefect checks
// against pendulum's zone list when it is non-empty.
func (l *lifter) timezone(m model, args map[string]arg) (*string, bool) {
	tz, ok := l.optionalStr(m, args, "timezone")
	if !ok || tz == nil || *tz == "" {
		return tz, ok
	}
	if !l.ctx.Timezones.Valid(*tz) {
		l.errorf(args["timezone"], "%s.timezone: Invalid timezone: %q", m.name, *tz)
		return nil, false
	}
	return tz, true
}

// durationSeconds is pydantic v1's parse_duration for the forms known
// statically, as whole total seconds: a timedelta; an int or float, which
// parse_duration formats with "%f" (microsecond precision) and reads back.
func durationSeconds(v value.Value) (float64, string) {
	switch x := v.(type) {
	case value.Timedelta:
		return x.TotalSeconds(), ""
	case value.Bool:
		if x {
			return 1, ""
		}
		return 0, ""
	case value.Int:
		if !x.V.IsInt64() || x.V.Int64() > maxTimedeltaSeconds || x.V.Int64() < -maxTimedeltaSeconds {
			return 0, "days must have magnitude <= 999999999 (OverflowError)"
		}
		return float64(x.V.Int64()), ""
	case value.Float:
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, "invalid duration format"
		}
		text := strconv.FormatFloat(f, 'f', 6, 64)
		whole, frac, _ := strings.Cut(text, ".")
		secs, err := strconv.ParseInt(whole, 10, 64)
		if err != nil || secs > maxTimedeltaSeconds || secs < -maxTimedeltaSeconds {
			return 0, "days must have magnitude <= 999999999 (OverflowError)"
		}
		micros, _ := strconv.ParseInt(frac, 10, 64)
		if strings.HasPrefix(whole, "-") {
			micros = -micros
		}
		td := normalizeTimedelta(secs, micros)
		return td.TotalSeconds(), ""
	case value.Str:
		return 0, "a duration string is not read statically; write timedelta(...) or a number of seconds"
	case value.NoneType:
		return 0, msgNoneNotAllowed
	}
	return 0, "invalid type; expected timedelta, string, bytes, int or float"
}

// maxTimedeltaSeconds bounds timedelta: |days| <= 999999999.
const maxTimedeltaSeconds = 999999999 * 86400

func normalizeTimedelta(secs, micros int64) value.Timedelta {
	total := secs*1_000_000 + micros
	days := floorDiv(total, 86400*1_000_000)
	rem := total - days*86400*1_000_000
	return value.Timedelta{Days: days, Seconds: rem / 1_000_000, Microseconds: rem % 1_000_000}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// rruleKeys are the rule parts dateutil's rrulestr reads.
var rruleKeys = map[string]bool{
	"FREQ": true, "DTSTART": true, "INTERVAL": true, "WKST": true, "COUNT": true, "UNTIL": true,
	"BYSETPOS": true, "BYMONTH": true, "BYMONTHDAY": true, "BYYEARDAY": true, "BYEASTER": true,
	"BYWEEKNO": true, "BYWEEKDAY": true, "BYDAY": true, "BYHOUR": true, "BYMINUTE": true, "BYSECOND": true,
}

var rruleFreqs = map[string]bool{"YEARLY": true, "MONTHLY": true, "WEEKLY": true, "DAILY": true, "HOURLY": true, "MINUTELY": true, "SECONDLY": true}

// checkRRule is the shape of Prefect's RRule validator (dateutil's
// rrulestr, then the length limit): lines of DTSTART/RRULE/EXRULE/RDATE/
// EXDATE properties or one bare rule; every rule a `;` list of known
// KEY=VALUE parts with a valid FREQ. Values other than FREQ are not parsed.
func checkRRule(rule string) string {
	invalid := func(why string) string { return "Invalid RRule string " + strconv.Quote(rule) + ": " + why }
	lines := strings.Fields(strings.ToUpper(rule))
	if len(lines) == 0 {
		return invalid("empty string")
	}
	rules := 0
	for _, line := range lines {
		name, val, hasProp := strings.Cut(line, ":")
		if !hasProp {
			if len(lines) > 1 || strings.HasPrefix(line, "DTSTART") {
				return invalid("unsupported property: " + line)
			}
			name, val = "RRULE", line
		}
		name, _, _ = strings.Cut(name, ";")
		switch name {
		case "RRULE", "EXRULE":
			if msg := checkRRuleParts(val); msg != "" {
				return invalid(msg)
			}
			rules++
		case "DTSTART", "RDATE", "EXDATE":
		default:
			return invalid("unsupported property: " + name)
		}
	}
	if rules == 0 && !strings.Contains(strings.ToUpper(rule), "RDATE") {
		return invalid("no RRULE")
	}
	if len(rule) > maxRRuleLength {
		return "Invalid RRule string " + strconv.Quote(rule[:40]+"...") + "\nMax length is 6500, got " + strconv.Itoa(len(rule))
	}
	return ""
}

func checkRRuleParts(s string) string {
	freq := false
	for _, part := range strings.Split(s, ";") {
		k, v, ok := strings.Cut(part, "=")
		if !ok || !rruleKeys[k] {
			return "unknown parameter name " + strconv.Quote(k)
		}
		if k == "FREQ" {
			if !rruleFreqs[v] {
				return "invalid frequency " + strconv.Quote(v)
			}
			freq = true
		}
	}
	if !freq {
		return "FREQ is required"
	}
	return ""
}
