package sessions

import "time"

// Timing holds the durations of section 5. Tests shorten them.
type Timing struct {
	// AckWait is how long an envelope offered on the socket may stay
	// unacknowledged before it falls back to federation (SESS-FALLBACK-01).
	AckWait time.Duration
	// Idle ends a session without an envelope in either direction for
	// that long (SESS-END-01).
	Idle time.Duration
	// TicketTTL is the life of a ticket: at most 24 hours (SESS-TICKET-02).
	TicketTTL time.Duration
	// Sweep is how often idle sessions end and overdue envelopes fall back.
	Sweep time.Duration
	// FirstFrame bounds the wait for the session_open frame.
	FirstFrame time.Duration
}

// DefaultTiming is the timing the spec gives.
func DefaultTiming() Timing {
	return Timing{AckWait: 30 * time.Second, Idle: 600 * time.Second, TicketTTL: 24 * time.Hour,
		Sweep: time.Second, FirstFrame: 10 * time.Second}
}
