package config

import (
	"fmt"
	"time"
)

// The bounds of EMSG_SESSION_TICKET_TTL: a ticket lives at most 24 hours
// (SESS-TICKET-02), and at least long enough to travel to the peer's
// server with the envelope that opened its session.
const (
	MaxSessionTicketTTL = 24 * time.Hour
	MinSessionTicketTTL = time.Second
)

// checkSessions reports a session setting that cannot work.
func (c Config) checkSessions() error {
	if c.SessionTicketTTL < MinSessionTicketTTL || c.SessionTicketTTL > MaxSessionTicketTTL {
		return fmt.Errorf("EMSG_SESSION_TICKET_TTL: %v must be between %v and %v (SESS-TICKET-02)", c.SessionTicketTTL, MinSessionTicketTTL, MaxSessionTicketTTL)
	}
	return nil
}
