package lift

import (
	"strings"
	"sync"
	"time"
)

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
