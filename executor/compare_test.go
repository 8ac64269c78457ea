package executor

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSameField(t *testing.T) {
	tests := []struct {
		field         string
		desired, live string
		same          bool
	}{
		{"parameters", `{"a": 1, "b": [1, 2]}`, `{"b": [1, 2], "a": 1.0}`, true},
		{"parameters", `{"a": 1}`, `{"a": 1, "b": null}`, false},
		{"parameters", `{"big": 123456789012345678901234567890}`, `{"big": 123456789012345678901234567891}`, false},
		{"tags", `["a", "b"]`, `["b", "a"]`, false},
		{"version", `null`, ``, true},
		{"version", `"abc"`, `null`, false},
		{"description", `""`, `null`, false},
		{"schedule", `{"cron": "0 0 * * *", "day_or": true}`, `{"cron": "0 0 * * *", "timezone": null, "day_or": true}`, true},
		{"schedule", `{"cron": "0 0 * * *"}`, `{"cron": "0 0 * * *", "timezone": "UTC", "day_or": true}`, true},
		{"schedule", `{"cron": "0 0 * * *", "day_or": false}`, `{"cron": "0 0 * * *", "day_or": true}`, false},
		{"schedule", `{"cron": "0 0 * * *", "timezone": "Europe/Paris"}`, `{"cron": "0 0 * * *", "timezone": null}`, false},
		{"schedule", `{"interval": 86400}`, `{"interval": 86400.0, "anchor_date": "2024-05-01T10:00:00+00:00", "timezone": "UTC"}`, true},
		{"schedule", `{"interval": 86400, "anchor_date": "2024-01-01T06:00:00+00:00"}`, `{"interval": 86400, "anchor_date": "2024-01-01T01:00:00-05:00", "timezone": "UTC"}`, true},
		{"schedule", `{"interval": 86400, "anchor_date": "2024-01-01T06:00:00+00:00"}`, `{"interval": 86400, "anchor_date": "2024-01-01T07:00:00+00:00"}`, false},
		{"schedule", `{"interval": 3600, "timezone": "America/New_York"}`, `{"interval": 3600, "timezone": "UTC"}`, false},
		{"schedule", `{"rrule": "FREQ=DAILY"}`, `{"rrule": "FREQ=DAILY", "timezone": null}`, true},
		{"schedule", `{"rrule": "FREQ=DAILY"}`, `{"cron": "0 0 * * *"}`, false},
		{"schedule", `null`, `{"cron": "0 0 * * *"}`, false},
		{"schedule", `null`, `null`, true},
		{"schedules", `[]`, `[]`, true},
		{"schedules", `[{"schedule": {"cron": "0 * * * *", "timezone": "UTC"}, "active": true}]`,
			`[{"id": "x", "schedule": {"cron": "0 * * * *", "timezone": "UTC", "day_or": true}, "active": true, "slug": null, "parameters": {}}]`, true},
		{"schedules", `[{"schedule": {"cron": "0 * * * *"}, "active": true}]`, `[{"schedule": {"cron": "0 * * * *"}, "active": false}]`, false},
		{"schedules", `[{"schedule": {"cron": "0 * * * *"}, "active": true}]`, `[]`, false},
	}
	for _, tt := range tests {
		t.Run(tt.field+" "+tt.desired+" vs "+tt.live, func(t *testing.T) {
			assert.Equal(t, tt.same, sameField(tt.field, []byte(tt.desired), []byte(tt.live)))
		})
	}
}
