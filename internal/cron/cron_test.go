package cron

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestValidate(t *testing.T) {
	valid := []string{"0 0 * * *", "*/15 * * * *", "0 6 * * MON-FRI", "0 0 1 jan,jul *", "0 0 L * *", "0 0 * * 5L", "0 0 * * 1#2",
		"0 0 ? * *", "0 0 * * 7", "0 12 * * * 30", "0 0 1 1 * 0 2030", "@daily", "5/10 1-5 * * *"}
	for _, c := range valid {
		assert.Empty(t, Validate(c), c)
	}
	invalid := map[string]string{
		"0 0 * *":      `Invalid cron string: "0 0 * *" (4 fields; croniter takes 5, 6 with seconds, or 7 with the year)`,
		"0 24 * * *":   `Invalid cron string: "0 24 * * *" (hour "24": out of range 0-23)`,
		"0 0 0 * *":    `Invalid cron string: "0 0 0 * *" (day of month "0": out of range 1-31)`,
		"0 0 * foo *":  `Invalid cron string: "0 0 * foo *" (month "foo": not a number or name)`,
		"*/0 * * * *":  `Invalid cron string: "*/0 * * * *" (minute "*/0": the step after / must be a positive number)`,
		"0 0 * * 1#6":  `Invalid cron string: "0 0 * * 1#6" (day of week "1#6": the week number after # must be 1 to 5)`,
		"0 0 * * r":    `Random and Hashed expressions are unsupported, recieved: "0 0 * * r"`,
		"0 0,,1 * * *": `Invalid cron string: "0 0,,1 * * *" (hour "": empty term)`,
		"@fortnightly": `Invalid cron string: "@fortnightly" (1 fields; croniter takes 5, 6 with seconds, or 7 with the year)`,
	}
	for c, want := range invalid {
		assert.Equal(t, want, Validate(c), c)
	}
}

func TestFieldValue(t *testing.T) {
	tests := []struct {
		f    Field
		s    string
		want int
		why  string
	}{
		{Month, "JAN", 1, ""},
		{DayOfWeek, "sat", 6, ""},
		{DayOfWeek, "7", 7, ""},
		{Minute, "05", 5, ""},
		{Hour, "24", 0, "out of range 0-23"},
		{Hour, "+1", 0, "not a number or name"},
	}
	for _, tt := range tests {
		got, why := tt.f.Value(tt.s)
		assert.Equal(t, tt.why, why, tt.s)
		assert.Equal(t, tt.want, got, tt.s)
	}
	assert.Equal(t, "0 0 * * 0", Macro("@WEEKLY"))
	assert.Empty(t, Macro("@fortnightly"))
}
