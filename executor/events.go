package executor

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// EventType says what an Event reports.
type EventType string

// The event types, in the order an apply emits them.
const (
	EventApplyStart EventType = "apply_start"
	EventImageStart EventType = "image_start"
	EventImageEnd   EventType = "image_end"
	EventFlowStart  EventType = "flow_start"
	EventResource   EventType = "resource"
	EventFlowEnd    EventType = "flow_end"
	EventApplyEnd   EventType = "apply_end"
)

// Event is one step of progress. Image and Flow name what started or
// ended; Resource carries a resource's outcome; Summary comes with
// EventApplyEnd.
type Event struct {
	Type  EventType `json:"event"`
	Time  time.Time `json:"time"`
	Image string    `json:"image,omitempty"`
	Flow  string    `json:"flow,omitempty"`
	// Elapsed is the time since the image, flow or apply started.
	Elapsed  time.Duration `json:"-"`
	Resource *Result       `json:"resource,omitempty"`
	Message  string        `json:"message,omitempty"`
	Error    string        `json:"error,omitempty"`
	Summary  *Summary      `json:"summary,omitempty"`
}

// MarshalJSON writes the event with its elapsed time in seconds.
func (e Event) MarshalJSON() ([]byte, error) {
	type plain Event
	out := struct {
		plain
		ElapsedSeconds *float64 `json:"elapsed_s,omitempty"`
	}{plain: plain(e)}
	if e.Type == EventImageEnd || e.Type == EventFlowEnd || e.Type == EventApplyEnd {
		s := roundSeconds(e.Elapsed)
		out.ElapsedSeconds = &s
	}
	return json.Marshal(out)
}

func roundSeconds(d time.Duration) float64 {
	return float64(d.Round(time.Millisecond)) / float64(time.Second)
}

// JSONEvents returns an observer that writes each event as one line of
// JSON to w, for CI logs.
func JSONEvents(w io.Writer) func(Event) {
	var mu sync.Mutex
	return func(e Event) {
		b, err := json.Marshal(e)
		if err != nil {
			b = []byte(fmt.Sprintf(`{"event":"error","error":%q}`, err.Error()))
		}
		mu.Lock()
		defer mu.Unlock()
		_, _ = w.Write(append(b, '\n'))
	}
}

// TextProgress returns an observer that writes progress a person can
// follow to w: each image and flow as it starts and ends with its elapsed
// time, and every resource that changed or failed.
func TextProgress(w io.Writer) func(Event) {
	var mu sync.Mutex
	return func(e Event) {
		line := progressLine(e)
		if line == "" {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		_, _ = io.WriteString(w, line+"\n")
	}
}

func progressLine(e Event) string {
	el := e.Elapsed.Round(time.Millisecond).String()
	switch e.Type {
	case EventApplyStart, EventImageStart:
		return e.Message
	case EventImageEnd:
		if e.Error != "" {
			return fmt.Sprintf("image %s: failed after %s: %s", e.Image, el, e.Error)
		}
		return fmt.Sprintf("image %s: %s in %s", e.Image, e.Message, el)
	case EventFlowStart:
		return fmt.Sprintf("flow %s: started", e.Flow)
	case EventResource:
		r := e.Resource
		if r == nil || r.Action == Unchanged || r.Kind == KindImage || r.Error == msgNotStarted {
			return ""
		}
		s := fmt.Sprintf("  %s %s: %s", r.Kind, r.Name, r.Action)
		if len(r.Changes) > 0 {
			s += " (" + strings.Join(r.Changes, ", ") + ")"
		}
		if r.Error != "" {
			s += ": " + r.Error
		} else if r.Detail != "" {
			s += ": " + r.Detail
		}
		return s
	case EventFlowEnd:
		if e.Error != "" {
			return fmt.Sprintf("flow %s: failed after %s: %s", e.Flow, el, e.Error)
		}
		return fmt.Sprintf("flow %s: done in %s: %s", e.Flow, el, e.Message)
	case EventApplyEnd:
		if e.Summary == nil {
			return fmt.Sprintf("apply stopped after %s: %s", el, e.Error)
		}
		return fmt.Sprintf("finished in %s: %s", el, e.Summary.CountsLine())
	}
	return ""
}
