package config

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
)

// MaxTxnItemsCap is the protocol's cap on items per federation transaction.
const MaxTxnItemsCap = 100

// MaxSessionAckWait is the longest a host may leave an envelope offered on
// a session socket unacknowledged before it falls back (SESS-FALLBACK-01).
const MaxSessionAckWait = 30 * time.Second

// Check reports the first option whose value cannot work.
func (c Config) Check() error {
	if c.Domain == "" {
		return errors.New("EMSG_DOMAIN (--domain) is required: the domain this server answers for")
	}
	if _, err := address.ParseCanonicalDomain(c.Domain); err != nil {
		return fmt.Errorf("EMSG_DOMAIN: %w", err)
	}
	if !slices.Contains([]string{"open", "invite"}, c.Registration) {
		return fmt.Errorf("EMSG_REGISTRATION: %q is neither open nor invite", c.Registration)
	}
	for _, p := range []struct {
		name  string
		value int
	}{
		{"EMSG_MAX_TTL", c.MaxTTL}, {"EMSG_DEFAULT_TTL", c.DefaultTTL}, {"EMSG_MAX_ENVELOPE_BYTES", c.MaxEnvelopeBytes},
		{"EMSG_MAX_BODY_BYTES", c.MaxBodyBytes}, {"EMSG_MAX_IMPORT_BYTES", c.MaxImportBytes}, {"EMSG_MAX_TXN_ITEMS", c.MaxTxnItems},
	} {
		if p.value < 1 {
			return fmt.Errorf("%s: %d must be at least 1", p.name, p.value)
		}
	}
	for _, p := range []struct {
		name  string
		value int
	}{
		{"EMSG_RATE_REGISTER", c.RateRegister}, {"EMSG_RATE_LOGIN", c.RateLogin},
		{"EMSG_RATE_MESSAGES", c.RateMessages}, {"EMSG_RATE_FEDERATION", c.RateFederation},
	} {
		if p.value < 0 {
			return fmt.Errorf("%s: %d must not be negative (0 turns the limit off)", p.name, p.value)
		}
	}
	if c.FederationTimeout <= 0 {
		return fmt.Errorf("EMSG_FEDERATION_TIMEOUT: %v must be positive", c.FederationTimeout)
	}
	if c.SessionAckWait <= 0 || c.SessionAckWait > MaxSessionAckWait {
		return fmt.Errorf("EMSG_SESSION_ACK_WAIT: %v must be positive and at most %v (SESS-FALLBACK-01)", c.SessionAckWait, MaxSessionAckWait)
	}
	if c.MaxTxnItems > MaxTxnItemsCap {
		return fmt.Errorf("EMSG_MAX_TXN_ITEMS: %d exceeds %d, the most the protocol allows (discovery.json); peers would refuse this server's transactions", c.MaxTxnItems, MaxTxnItemsCap)
	}
	if c.DefaultTTL > c.MaxTTL {
		return fmt.Errorf("EMSG_DEFAULT_TTL %d exceeds EMSG_MAX_TTL %d", c.DefaultTTL, c.MaxTTL)
	}
	if _, err := c.OperatorKeys(); err != nil {
		return err
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return errors.New("EMSG_TLS_CERT and EMSG_TLS_KEY go together")
	}
	return c.checkSessions()
}
