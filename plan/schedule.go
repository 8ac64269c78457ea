package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Schedule is a Prefect schedule in Prefect's own JSON form: exactly one of
// Cron, Interval and RRule is set, and only that kind's fields are written:
// `{"cron", "day_or", "timezone"}`, `{"interval" (seconds), "anchor_date",
// "timezone"}` or `{"rrule", "timezone"}`. Absent optional fields are left
// out (the server applies its defaults).
type Schedule struct {
	Cron       *string  `json:"-"`
	DayOr      *bool    `json:"-"`
	Interval   *float64 `json:"-"` // seconds, days included
	AnchorDate *string  `json:"-"` // ISO 8601
	RRule      *string  `json:"-"`
	Timezone   *string  `json:"-"`
}

// Kind returns "cron", "interval" or "rrule" ("" for an empty schedule).
func (s Schedule) Kind() string {
	switch {
	case s.Cron != nil:
		return "cron"
	case s.Interval != nil:
		return "interval"
	case s.RRule != nil:
		return "rrule"
	}
	return ""
}

type cronJSON struct {
	Cron     string  `json:"cron"`
	DayOr    bool    `json:"day_or"`
	Timezone *string `json:"timezone,omitempty"`
}

type intervalJSON struct {
	Interval   float64 `json:"interval"`
	AnchorDate *string `json:"anchor_date,omitempty"`
	Timezone   *string `json:"timezone,omitempty"`
}

type rruleJSON struct {
	RRule    string  `json:"rrule"`
	Timezone *string `json:"timezone,omitempty"`
}

// MarshalJSON writes the schedule in Prefect's form.
func (s Schedule) MarshalJSON() ([]byte, error) {
	switch s.Kind() {
	case "cron":
		return json.Marshal(cronJSON{Cron: *s.Cron, DayOr: s.DayOr == nil || *s.DayOr, Timezone: s.Timezone})
	case "interval":
		return json.Marshal(intervalJSON{Interval: *s.Interval, AnchorDate: s.AnchorDate, Timezone: s.Timezone})
	case "rrule":
		return json.Marshal(rruleJSON{RRule: *s.RRule, Timezone: s.Timezone})
	}
	return nil, fmt.Errorf("schedule has none of cron, interval, rrule")
}

// UnmarshalJSON reads a schedule strictly: exactly one kind, only its fields.
func (s *Schedule) UnmarshalJSON(b []byte) error {
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		return fmt.Errorf("schedule: %w", err)
	}
	strict := func(v any) error {
		d := json.NewDecoder(bytes.NewReader(b))
		d.DisallowUnknownFields()
		if err := d.Decode(v); err != nil {
			return fmt.Errorf("schedule: %w", err)
		}
		return nil
	}
	*s = Schedule{}
	_, isCron := keys["cron"]
	_, isInterval := keys["interval"]
	_, isRRule := keys["rrule"]
	switch {
	case isCron && !isInterval && !isRRule:
		var c cronJSON
		if err := strict(&c); err != nil {
			return err
		}
		if _, ok := keys["day_or"]; !ok {
			return fmt.Errorf("schedule: cron schedule without day_or")
		}
		s.Cron, s.DayOr, s.Timezone = &c.Cron, &c.DayOr, c.Timezone
	case isInterval && !isCron && !isRRule:
		var c intervalJSON
		if err := strict(&c); err != nil {
			return err
		}
		s.Interval, s.AnchorDate, s.Timezone = &c.Interval, c.AnchorDate, c.Timezone
	case isRRule && !isCron && !isInterval:
		var c rruleJSON
		if err := strict(&c); err != nil {
			return err
		}
		s.RRule, s.Timezone = &c.RRule, c.Timezone
	default:
		return fmt.Errorf("schedule: want exactly one of cron, interval, rrule, got %s", string(b))
	}
	return nil
}
