package envelope

import (
	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// Check reports whether an envelope held in memory obeys the rules
// [ParseEnvelope] enforces on the wire (all but the size limit, see
// [Envelope.Size]). [Envelope.MarshalJSON] calls it so that no invalid
// envelope is ever written.
func (env *Envelope) Check() error {
	if env.V != Version {
		return wire.Errorf(wire.UnsupportedVersion, "/v", "version %d, this implementation speaks %d", env.V, Version)
	}
	if err := checkHeader(env.ID, env.From, env.To, env.Session, env.TS, env.TTL); err != nil {
		return err
	}
	if err := checkKeys(env.Keys); err != nil {
		return err
	}
	if len(env.Payload) < minPayload {
		return wire.Errorf(wire.Malformed, "/payload", "payload is %d bytes, want at least %d (nonce, ciphertext, tag)", len(env.Payload), minPayload)
	}
	return nil
}

// checkKeys checks the wrapped keys: at least one, each for a valid
// address and exactly [WrappedKeySize] bytes.
func checkKeys(keys map[address.Address]wire.Bytes) error {
	if len(keys) == 0 {
		return wire.Errorf(wire.Malformed, "/keys", "no keys: an envelope has at least one reader")
	}
	for a, k := range keys {
		if err := checkAddress(a, "/keys"); err != nil {
			return err
		}
		if len(k) != WrappedKeySize {
			return wire.Errorf(wire.BadKey, join("/keys", a.String()), "wrapped key is %d bytes, want %d", len(k), WrappedKeySize)
		}
	}
	return nil
}

// checkHeader checks the routing members an envelope and the parameters
// of [SealWith] share: id and session (canonical ULIDs), from and to
// (canonical addresses), ts and ttl (in range).
func checkHeader(id string, from, to address.Address, session string, ts wire.Millis, ttl int) error {
	if err := CheckID(id, "/id"); err != nil {
		return err
	}
	if err := checkAddress(from, "/from"); err != nil {
		return err
	}
	if err := checkAddress(to, "/to"); err != nil {
		return err
	}
	if session != "" {
		if err := CheckID(session, "/session"); err != nil {
			return err
		}
	}
	if err := checkMillis(ts, "/ts"); err != nil {
		return err
	}
	if ttl < 1 || ttl > maxInt {
		return wire.Errorf(wire.Malformed, "/ttl", "ttl %d outside 1..2^53-1", ttl)
	}
	return nil
}

// checkAddress reports whether a is an address [address.ParseCanonical]
// returns, which is what makes its wire form canonical and == meaningful.
func checkAddress(a address.Address, field string) error {
	if _, err := address.ParseCanonical(a.String()); err != nil {
		return at(field, err)
	}
	return nil
}

// checkMillis checks a timestamp held in memory: 0 ≤ ts ≤ 2^53-1.
func checkMillis(ts wire.Millis, field string) error {
	if ts < 0 || ts > maxInt {
		return wire.Errorf(wire.Malformed, field, "timestamp %d outside 0..2^53-1", ts)
	}
	return nil
}
