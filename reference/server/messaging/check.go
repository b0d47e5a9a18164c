package messaging

import (
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/spec"
)

// maxAhead is how far in the future an envelope's ts may be (ENV-TS-01).
const maxAhead wire.Millis = 300000

// checkEnvelope applies the checks that need no stored state, in the
// spec's order (package doc, steps 1 to 4), and returns the parsed
// envelope.
func (s *Service) checkEnvelope(caller address.Address, raw []byte, now wire.Millis) (*envelope.Envelope, error) {
	if len(raw) > s.cfg.MaxEnvelopeBytes {
		return nil, httpapi.Errorf("too_large", "the envelope is %d bytes, the limit is %d", len(raw), s.cfg.MaxEnvelopeBytes)
	}
	env, err := envelope.ParseEnvelope(raw)
	if err != nil {
		return nil, fmt.Errorf("envelope: %w", err)
	}
	if err := spec.ValidateJSON("envelope", raw); err != nil {
		return nil, httpapi.Errorf("bad_request", "%v", err)
	}
	if env.From != caller {
		return nil, httpapi.Errorf("forbidden", "from is %s, but the caller is %s", env.From, caller)
	}
	if err := s.checkTiming(env, now); err != nil {
		return nil, err
	}
	return env, s.checkKeys(env)
}

// checkTiming checks ts and ttl (step 4).
func (s *Service) checkTiming(env *envelope.Envelope, now wire.Millis) error {
	if env.TS > now+maxAhead {
		return httpapi.Errorf("bad_request", "ts %d is more than %d ms ahead of the server's clock (%d)", env.TS, maxAhead, now)
	}
	if err := envelope.CheckTTL(env, s.cfg.MaxTTL); err != nil {
		return fmt.Errorf("envelope: %w", err)
	}
	if expires := expiry(env); expires <= now {
		return httpapi.Errorf("bad_request", "the envelope expired at %d (ts + ttl), before it arrived at %d", expires, now)
	}
	return nil
}

// checkKeys checks that keys wraps the content key for the sender
// (ENV-KEYS-01). The recipient's key is checked once the store tells
// whether to is a group (whose members' keys the client wraps) or an
// account: in [Service.accept] for a remote one, with the recipient (see
// [CheckRecipient]) for a local one.
func (s *Service) checkKeys(env *envelope.Envelope) error {
	if _, ok := env.Keys[env.From]; !ok {
		return httpapi.Errorf("bad_request", "keys has no entry for the sender %s", env.From)
	}
	return nil
}

// expiry is when an envelope expires: ts + ttl seconds.
func expiry(env *envelope.Envelope) wire.Millis {
	return env.TS + wire.Millis(env.TTL)*1000
}
