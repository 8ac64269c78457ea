package render

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/flowplan/flowplan/plan"
)

func TestCronWords(t *testing.T) {
	tests := []struct {
		expr  string
		dayOr bool
		want  string
	}{
		{"0 0 * * *", true, "every day at 00:00"},
		{"30 6 * * *", true, "every day at 06:30"},
		{"* * * * *", true, "every minute"},
		{"*/15 * * * *", true, "every 15 minutes"},
		{"*/1 * * * *", true, "every minute"},
		{"5 * * * *", true, "every hour at minute 5"},
		{"0 */2 * * *", true, "every 2 hours at minute 0"},
		{"0 9 * * 1-5", true, "on weekdays, at 09:00"},
		{"0 9 * * MON", true, "on Monday, at 09:00"},
		{"0 9 * * sun,3", true, "on Sunday and Wednesday, at 09:00"},
		{"0 9 * * 7", true, "on Sunday, at 09:00"},
		{"0 0 1 * *", true, "on day 1 of the month, at 00:00"},
		{"0 0 1,15 * *", true, "on day 1 and 15 of the month, at 00:00"},
		{"0 0 1 1 *", true, "on day 1 of the month in January, at 00:00"},
		{"0 0 * 6-8 *", true, "every day in June to August, at 00:00"},
		{"0 6 1-7 * MON", false, "on day 1 to 7 of the month when it is also Monday, at 06:00"},
		{"0 6 1-7 * MON", true, "on day 1 to 7 of the month or on Monday, at 06:00"},
		{"@daily", true, "every day at 00:00"},
		{"@hourly", true, "every hour at minute 0"},
		{"@weekly", true, "on Sunday, at 00:00"},
		// not described: steps in day fields, L/W/#, seconds field, bad values
		{"0 0 */2 * *", true, ""},
		{"0 0 L * *", true, ""},
		{"0 0 * * 5#3", true, ""},
		{"0 0 0 * * *", true, ""},
		{"60 0 * * *", true, ""},
		{"0 24 * * *", true, ""},
		{"00 1 * * *", true, "every day at 01:00"}, // croniter reads 00 as 0
		{"0 9-17 * * *", true, ""},
		{"0 0 5-1 * *", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			assert.Equal(t, tt.want, CronWords(tt.expr, tt.dayOr))
		})
	}
}

func TestIntervalWords(t *testing.T) {
	tests := []struct {
		seconds float64
		want    string
	}{
		{60, "every minute"},
		{90, "every 90 seconds"},
		{300, "every 5 minutes"},
		{3600, "every hour"},
		{5400, "every 90 minutes"},
		{90000, "every 25 hours"},
		{86400, "every day"},
		{604800, "every 7 days"},
		{88200, "every 1 day 30 minutes"},
		{90061, "every 1 day 1 hour 1 minute 1 second"},
		{1.5, ""},
		{0, ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, IntervalWords(tt.seconds), tt.seconds)
	}
}

func TestRRuleWords(t *testing.T) {
	tests := map[string]string{
		"FREQ=WEEKLY;BYDAY=MO,WE":                         "every week on Monday and Wednesday",
		"RRULE:FREQ=DAILY;INTERVAL=2;BYHOUR=6;BYMINUTE=0": "every 2 days at 06:00",
		"FREQ=MONTHLY":                                    "every month",
		"FREQ=WEEKLY;BYDAY=1MO":                           "",
		"FREQ=DAILY;COUNT=3":                              "",
		"FREQ=DAILY;BYHOUR=6":                             "",
		"DTSTART:20240101T000000\nRRULE:FREQ=DAILY":       "",
		"FREQ=SECONDLY":                                   "",
	}
	for in, want := range tests {
		assert.Equal(t, want, RRuleWords(in), in)
	}
}

func ptr[T any](v T) *T { return &v }

func TestDescribeSchedule(t *testing.T) {
	tests := []struct {
		name string
		s    plan.Schedule
		want string
	}{
		{"cron with timezone", plan.Schedule{Cron: ptr("0 0 * * *"), DayOr: ptr(true), Timezone: ptr("America/Los_Angeles")},
			"every day at 00:00 (cron 0 0 * * *, America/Los_Angeles)"},
		{"cron without timezone", plan.Schedule{Cron: ptr("0 0 * * *"), DayOr: ptr(true)},
			"every day at 00:00 (cron 0 0 * * *, UTC by default)"},
		{"cron day_or false", plan.Schedule{Cron: ptr("0 6 1-7 * MON"), DayOr: ptr(false), Timezone: ptr("America/Chicago")},
			"on day 1 to 7 of the month when it is also Monday, at 06:00 (cron 0 6 1-7 * MON, day_or false, America/Chicago)"},
		{"undescribed cron", plan.Schedule{Cron: ptr("0 0 L * *"), DayOr: ptr(true)}, "cron 0 0 L * *, UTC by default"},
		{"interval", plan.Schedule{Interval: ptr(90000.0), AnchorDate: ptr("2024-01-01T06:00:00+00:00"), Timezone: ptr("America/New_York")},
			"every 25 hours (interval 90000s, anchor 2024-01-01T06:00:00+00:00, America/New_York)"},
		{"rrule", plan.Schedule{RRule: ptr("FREQ=WEEKLY;BYDAY=MO,WE"), Timezone: ptr("Europe/Berlin")},
			"every week on Monday and Wednesday (rrule FREQ=WEEKLY;BYDAY=MO,WE, Europe/Berlin)"},
		{"interval without timezone", plan.Schedule{Interval: ptr(300.0), AnchorDate: ptr("2024-01-01T06:00:00-05:00")},
			"every 5 minutes (interval 300s, anchor 2024-01-01T06:00:00-05:00, timezone of the anchor date)"},
		{"interval without anchor", plan.Schedule{Interval: ptr(300.0)}, "every 5 minutes (interval 300s, UTC by default)"},
		{"rrule with TZID", plan.Schedule{RRule: ptr("DTSTART;TZID=Europe/Paris:20240101T060000\nRRULE:FREQ=DAILY")},
			"rrule DTSTART;TZID=Europe/Paris:20240101T060000\nRRULE:FREQ=DAILY, timezone of the rrule's DTSTART"},
		{"empty", plan.Schedule{}, "empty schedule"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, DescribeSchedule(tt.s))
		})
	}
}
