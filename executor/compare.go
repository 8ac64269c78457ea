package executor

import (
	"bytes"
	"encoding/json"
	"math/big"
	"time"
)

// decodeJSON decodes raw JSON keeping numbers exact (json.Number); empty
// input is null.
func decodeJSON(raw []byte) (any, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, nil
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// sameJSON reports whether two JSON values are equal as the server compares
// data: objects by key regardless of order, arrays in order, numbers by
// value (1 and 1.0 are equal, as in Python), absent and null alike.
func sameJSON(a, b []byte) bool {
	va, err := decodeJSON(a)
	if err != nil {
		return false
	}
	vb, err := decodeJSON(b)
	if err != nil {
		return false
	}
	return sameValue(va, vb)
}

func sameValue(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case json.Number:
		y, ok := b.(json.Number)
		return ok && sameNumber(x, y)
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameValue(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !sameValue(v, w) {
				return false
			}
		}
		return true
	}
	return false
}

func sameNumber(a, b json.Number) bool {
	if a == b {
		return true
	}
	ra, ok := new(big.Rat).SetString(string(a))
	if !ok {
		return false
	}
	rb, ok := new(big.Rat).SetString(string(b))
	return ok && ra.Cmp(rb) == 0
}

// sameSchedule compares a planned Prefect schedule object with the server's,
// as the scheduler would read them: a cron's day_or defaults to true and a
// missing timezone means UTC; an interval's anchor date and timezone are
// compared only when the plan sets them (the server fills in its own
// otherwise), its anchor date as an instant; an rrule's missing timezone
// equals null.
func sameSchedule(desired, live any) bool {
	d, dok := desired.(map[string]any)
	l, lok := live.(map[string]any)
	if !dok || !lok {
		return desired == nil && live == nil
	}
	switch {
	case d["cron"] != nil:
		return sameValue(d["cron"], l["cron"]) &&
			boolOr(d["day_or"], true) == boolOr(l["day_or"], true) &&
			stringOr(d["timezone"], "UTC") == stringOr(l["timezone"], "UTC") &&
			l["interval"] == nil && l["rrule"] == nil
	case d["interval"] != nil:
		if !sameValue(d["interval"], l["interval"]) {
			return false
		}
		if d["anchor_date"] != nil && !sameInstant(d["anchor_date"], l["anchor_date"]) {
			return false
		}
		if d["timezone"] != nil && !sameValue(d["timezone"], l["timezone"]) {
			return false
		}
		return l["cron"] == nil && l["rrule"] == nil
	case d["rrule"] != nil:
		return sameValue(d["rrule"], l["rrule"]) && sameValue(d["timezone"], l["timezone"]) &&
			l["cron"] == nil && l["interval"] == nil
	}
	return sameValue(desired, live)
}

func sameInstant(a, b any) bool {
	as, aok := a.(string)
	bs, bok := b.(string)
	if !aok || !bok {
		return sameValue(a, b)
	}
	ta, errA := parseInstant(as)
	tb, errB := parseInstant(bs)
	if errA != nil || errB != nil {
		return as == bs
	}
	return ta.Equal(tb)
}

func parseInstant(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Parse(time.RFC3339Nano, s)
}

func boolOr(v any, def bool) bool {
	if b, ok := v.(bool); ok {
		return b
	}
	return def
}

func stringOr(v any, def string) string {
	if s, ok := v.(string); ok && s != "" {
		return s
	}
	return def
}

// sameSchedules compares Prefect 3's schedule lists: same length, and in
// order the same schedule and active flag (active defaults to true). The
// server's ids, slugs and per-schedule extras are not managed by the plan.
func sameSchedules(desired, live any) bool {
	d, _ := desired.([]any)
	l, _ := live.([]any)
	if len(d) != len(l) {
		return false
	}
	for i := range d {
		dm, _ := d[i].(map[string]any)
		lm, _ := l[i].(map[string]any)
		if dm == nil || lm == nil {
			return false
		}
		if !sameSchedule(dm["schedule"], lm["schedule"]) || boolOr(dm["active"], true) != boolOr(lm["active"], true) {
			return false
		}
	}
	return true
}

// sameField compares one deployment field of the plan with the server's
// value, with the field's own meaning of equal.
func sameField(field string, desired, live []byte) bool {
	d, err := decodeJSON(desired)
	if err != nil {
		return false
	}
	l, err := decodeJSON(live)
	if err != nil {
		return false
	}
	switch field {
	case "schedule":
		return sameSchedule(d, l)
	case "schedules":
		return sameSchedules(d, l)
	}
	return sameValue(d, l)
}
