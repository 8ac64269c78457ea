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

// UnmarshalJSON reads a schedule strictly: exactly one kind, only its
// fields, in one decoding pass.
func (s *Schedule) UnmarshalJSON(b []byte) error {
	var all struct {
		Cron       *string  `json:"cron"`
		DayOr      *bool    `json:"day_or"`
		Interval   *float64 `json:"interval"`
		AnchorDate *string  `json:"anchor_date"`
		RRule      *string  `json:"rrule"`
		Timezone   *string  `json:"timezone"`
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&all); err != nil {
		return fmt.Errorf("schedule: %w", err)
	}
	*s = Schedule{}
	kinds := 0
	for _, set := range []bool{all.Cron != nil, all.Interval != nil, all.RRule != nil} {
		if set {
			kinds++
		}
	}
	if kinds != 1 {
		return fmt.Errorf("schedule: want exactly one of cron, interval, rrule, got %s", string(b))
	}
	switch {
	case all.Cron != nil:
		if all.Interval != nil || all.AnchorDate != nil || all.RRule != nil {
			return fmt.Errorf("schedule: a cron schedule has only cron, day_or and timezone, got %s", string(b))
		}
		if all.DayOr == nil {
			return fmt.Errorf("schedule: cron schedule without day_or")
		}
		s.Cron, s.DayOr, s.Timezone = all.Cron, all.DayOr, all.Timezone
	case all.Interval != nil:
		if all.DayOr != nil || all.RRule != nil {
			return fmt.Errorf("schedule: an interval schedule has only interval, anchor_date and timezone, got %s", string(b))
		}
		s.Interval, s.AnchorDate, s.Timezone = all.Interval, all.AnchorDate, all.Timezone
	default:
		if all.DayOr != nil || all.AnchorDate != nil {
			return fmt.Errorf("schedule: an rrule schedule has only rrule and timezone, got %s", string(b))
		}
		s.RRule, s.Timezone = all.RRule, all.Timezone
	}
	return nil
}
